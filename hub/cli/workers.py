"""Several workers, each listening on a socket of its own (SO_REUSEPORT).

uvicorn's supervisor binds one socket and every worker accepts from it. A worker woken for a
burst of connections accepts all that are pending at once (uvloop and asyncio accept in a
loop), and keep-alive keeps them there: measured with 2 workers and 32 connections opened
together, about one load in ten ran entirely on one worker (README "Performance"). With one
listening socket per worker in a SO_REUSEPORT group the kernel spreads new connections over
the workers. The supervisor (restarts, signals, health checks) stays uvicorn's; only what a
worker listens on changes. Linux lets only processes of the same user join a port's
SO_REUSEPORT group, so the hub's service account stays the boundary it was.
"""

from __future__ import annotations

import logging
import socket
import sys

import uvicorn
from uvicorn.config import STARTUP_FAILURE
from uvicorn.supervisors import multiprocess

_log = logging.getLogger("uvicorn.error")  # where uvicorn reports its own start


def reuseport_socket(host: str, port: int) -> socket.socket:
    """A TCP socket bound to ``host``:``port`` in the port's SO_REUSEPORT group."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind((host, port))
    sock.set_inheritable(True)
    return sock


class _OwnSocketProcess(multiprocess.Process):
    """A uvicorn worker that listens on a socket of its own, bound where its parent's is."""

    def target(self, sockets: list[socket.socket] | None = None) -> None:  # pragma: no cover
        # Runs in the worker process (coverage does not follow it there; the tests start
        # ``hub serve --workers 2`` and find one listening socket per worker).
        if not sockets:
            raise RuntimeError("a worker needs its parent's socket to learn the address")
        host, port = sockets[0].getsockname()[:2]
        own = reuseport_socket(host, port)
        sockets[0].close()  # the parent's: bound, never listening, not needed here
        super().target([own])


def serve_workers(config: uvicorn.Config) -> None:
    """Run ``config.workers`` workers under uvicorn's supervisor, each on its own socket.

    The parent binds first (so a port in use fails at once, before any worker starts) but
    never listens: only listening sockets receive connections, so none waits on it.
    """
    try:
        parent = reuseport_socket(config.host, config.port)
    except OSError as error:  # as uvicorn's own bind: logged, exit status 3
        _log.error("%s", error)
        sys.exit(STARTUP_FAILURE)
    _log.info("Uvicorn running on http://%s:%d (Press CTRL+C to quit)", *parent.getsockname()[:2])
    # uvicorn's supervisor makes its workers through this module's name in four places
    # (start, restart, TTIN, a dead worker replaced); the name is hub serve's alone here.
    multiprocess.Process = _OwnSocketProcess  # type: ignore[misc]
    multiprocess.Multiprocess(config, sockets=[parent]).run()
