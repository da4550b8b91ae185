"""The hub as it runs in production (``hub serve``), loaded by ``wrk``; CPU and memory from /proc.

A :class:`Server` is a ``hub serve`` child process (or the one-route FastAPI app under the
same uvicorn options); :func:`wrk` runs one load and parses its figures.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any, Self

import httpx

REPO = Path(__file__).resolve().parents[1]
HUB = Path(sys.executable).with_name("hub")
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
PAGE_KB = os.sysconf("SC_PAGE_SIZE") // 1024
# A server loads the policy, the XMeld schema and its adapters first: at a load average of
# 20 (helpers sharing 2 cores) that took over a minute.
STARTUP_SECONDS = float(os.environ.get("BENCH_STARTUP_SECONDS", "240"))
# A worker counts as started when it spends less than this CPU per sample (its heartbeats).
SETTLE_SAMPLE_SECONDS = 0.25
SETTLE_CPU_SECONDS = 0.02


def ensure_wrk() -> str:
    """The ``wrk`` binary; installed with apt-get when missing (Debian/Ubuntu)."""
    found = shutil.which("wrk")
    if found:
        return found
    print("wrk is missing: apt-get install wrk")
    environment = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-qq"], check=True, env=environment)  # noqa: S607
    subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=True, env=environment)  # noqa: S607
    found = shutil.which("wrk")
    if not found:
        raise RuntimeError("wrk could not be installed")
    return found


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        found += [int(child) for child in task.read_text().split()]
    return found


def _is_helper(pid: int) -> bool:
    """The resource tracker that multiprocessing starts beside uvicorn's workers."""
    try:
        return b"resource_tracker" in Path(f"/proc/{pid}/cmdline").read_bytes()
    except FileNotFoundError:
        return True


def _cpu_seconds(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except FileNotFoundError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS  # utime + stime


def _rss_mb(pid: int) -> float:
    pages = int(Path(f"/proc/{pid}/statm").read_text().split()[1])
    return pages * PAGE_KB / 1024


class Server:
    """``hub serve`` (or ``command``) on a free port, stopped with SIGTERM (lifespan runs)."""

    def __init__(
        self,
        *,
        environment: dict[str, str],
        workers: int = 1,
        command: list[str] | None = None,
        source: str | None = None,
        start_seconds: float = STARTUP_SECONDS,
    ) -> None:
        self.port = free_port()
        self.workers = workers
        self.url = f"http://127.0.0.1:{self.port}"
        self._command = command or [
            str(HUB),
            "serve",
            "--port",
            str(self.port),
            "--workers",
            str(workers),
        ]
        self._environment = environment
        # ``source``: another checkout of the hub (``--baseline``), run on the same venv; a
        # search path ``checkout:dir:...`` puts more folders before site-packages.
        self._source = Path(source.split(os.pathsep)[0]) if source else REPO
        if source is not None:
            self._environment = {**environment, "PYTHONPATH": source}
        self._process: subprocess.Popen[bytes] | None = None
        self._start_seconds = start_seconds  # a busy machine loading the XÖV schemas needs more
        self._log = tempfile.TemporaryFile()  # noqa: SIM115 - closed in __exit__

    def __enter__(self) -> Self:
        self._process = subprocess.Popen(  # noqa: S603 - our own CLI
            self._command,
            env=self._environment,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            cwd=self._source,
        )
        deadline = time.monotonic() + self._start_seconds
        while time.monotonic() < deadline:
            try:
                httpx.get(f"{self.url}/health", timeout=1).raise_for_status()
                if len(self.worker_pids()) >= self.workers and self._settled(deadline):
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        self.__exit__(None, None, None)
        raise RuntimeError("the server did not start")

    def _settled(self, deadline: float) -> bool:
        """Every worker done starting up: none busy for two samples in a row.

        The first worker answers /health while another may still be in its lifespan (policy,
        XMeld schemas), and a worker accepts connections only after it: a load started then
        puts every keep-alive connection on the first worker for the whole run, and two
        workers measure as one. Start-up is CPU work, an idle worker spends almost none.
        """
        quiet = 0
        before = self.worker_cpu_seconds()
        while time.monotonic() < deadline:
            time.sleep(SETTLE_SAMPLE_SECONDS)
            after = self.worker_cpu_seconds()
            busy = any(b - a > SETTLE_CPU_SECONDS for a, b in zip(before, after, strict=False))
            quiet = 0 if busy else quiet + 1
            if quiet >= 2:
                return True
            before = after
        return False

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        if self._process is not None:
            self._process.send_signal(signal.SIGTERM)
            try:
                self._process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
        if kind is not None:
            self._log.seek(0)
            print(self._log.read().decode(errors="replace")[-3000:])
        self._log.close()

    def worker_pids(self) -> list[int]:
        """The processes that serve requests: uvicorn's children, or itself with one worker."""
        assert self._process is not None
        if self.workers == 1:
            return [self._process.pid]
        return [pid for pid in _children(self._process.pid) if not _is_helper(pid)]

    def cpu_seconds(self) -> float:
        assert self._process is not None
        pids = [self._process.pid, *_children(self._process.pid)]
        return sum(_cpu_seconds(pid) for pid in pids)

    def worker_cpu_seconds(self) -> list[float]:
        return [_cpu_seconds(pid) for pid in self.worker_pids()]

    def rss_mb(self) -> list[float]:
        return [round(_rss_mb(pid)) for pid in self.worker_pids()]


@dataclass(frozen=True, slots=True)
class Load:
    requests: int
    per_second: float
    p50_ms: float
    p99_ms: float
    errors: int  # non-2xx answers and socket errors
    cpu_ms_per_request: float
    worker_cpu_shares: tuple[float, ...]  # how the workers shared the CPU of this load


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def _ms(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()  # type: ignore[union-attr]
    return float(number) * _UNITS[unit]


def _lua_string(text: str) -> str:
    """A Lua string literal of the UTF-8 bytes of ``text`` (decimal escapes work in LuaJIT)."""
    plain = set(range(0x20, 0x7F)) - {ord('"'), ord("\\")}
    return '"' + "".join(chr(b) if b in plain else f"\\{b:03d}" for b in text.encode()) + '"'


def lua_script(*, method: str, headers: dict[str, str], bodies: list[str]) -> Path:
    """A wrk script that sends ``bodies`` in turn (one body: the same request each time)."""
    lines = [f'wrk.method = "{method}"']
    lines += [f"wrk.headers[{_lua_string(k)}] = {_lua_string(v)}" for k, v in headers.items()]
    lines.append("local bodies = {")
    lines += [f"  {_lua_string(body)}," for body in bodies]
    lines += [
        "}",
        "local next_body = 0",
        "request = function()",
        "  next_body = next_body % #bodies + 1",
        "  return wrk.format(nil, nil, nil, bodies[next_body])",
        "end",
    ]
    handle = tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False)  # noqa: SIM115
    with handle:
        handle.write("\n".join(lines) + "\n")
    return Path(handle.name)


def wrk(
    server: Server,
    path: str,
    *,
    connections: int,
    seconds: float,
    script: Path | None = None,
) -> Load:
    duration = f"-d{max(1, round(seconds))}s"
    command = ["wrk", "-t1", f"-c{connections}", duration, "--latency", "--timeout", "10s"]
    if script is not None:
        command += ["-s", str(script)]
    cpu_before = server.cpu_seconds()
    workers_before = server.worker_cpu_seconds()
    output = subprocess.run(  # noqa: S603
        [*command, server.url + path], capture_output=True, text=True, check=True
    ).stdout
    cpu = server.cpu_seconds() - cpu_before
    worker_cpu = [a - b for a, b in zip(server.worker_cpu_seconds(), workers_before, strict=False)]
    requests = int(re.search(r"(\d+) requests in", output).group(1))  # type: ignore[union-attr]
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    sockets = re.search(r"Socket errors: (.*)", output)
    socket_errors = sum(int(n) for n in re.findall(r"\d+", sockets.group(1))) if sockets else 0
    return Load(
        requests=requests,
        per_second=float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),  # type: ignore[union-attr]
        p50_ms=_ms(re.search(r"\s50%\s+(\S+)", output).group(1)),  # type: ignore[union-attr]
        p99_ms=_ms(re.search(r"\s99%\s+(\S+)", output).group(1)),  # type: ignore[union-attr]
        errors=(int(non_2xx.group(1)) if non_2xx else 0) + socket_errors,
        cpu_ms_per_request=cpu * 1000 / max(requests, 1),
        worker_cpu_shares=tuple(round(c / max(sum(worker_cpu), 1e-9), 2) for c in worker_cpu),
    )


def stage_times(stage_file: Path) -> dict[str, Any]:
    """CPU ms per call of each stage, summed over the worker files ``<stage_file>.<pid>``."""
    seconds: dict[str, float] = {}
    calls: dict[str, int] = {}
    for part in stage_file.parent.glob(stage_file.name + ".*"):
        figures = json.loads(part.read_text("utf-8"))
        for stage, value in figures["seconds"].items():
            seconds[stage] = seconds.get(stage, 0.0) + value
            calls[stage] = calls.get(stage, 0) + figures["calls"][stage]
        part.unlink()
    return {"seconds": seconds, "calls": calls}
