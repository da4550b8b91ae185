"""XMeld parsing and schema validation off the event loop, with an element limit.

Parsing (lxml, releases the GIL) and the element count run in a small thread pool; a
message with more elements than the configured limit is refused there (413), before the
expensive part. The schema check (xmlschema, pure Python: 3-4 s for a 515 KB message) runs
in a pool of worker *processes*: in threads it holds the GIL in slices and delays the event
loop by up to a second, in processes the loop stays free (``make bench``, section
``floods``: ticks late p50 19.6 ms / max 971 ms in threads, 0.10 ms / 19 ms in processes, and
eight messages checked in 3.5 s instead of 12.3 s). Each worker builds the schema once;
the pool is shared by every app of the process (tests start many) and spawned, not forked,
so no lock or connection of the server is copied into it.
"""

from __future__ import annotations

import asyncio
import contextlib
import multiprocessing
import os
import threading
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

from lxml import etree

from adapters.xmeld.safe import UnsafeXml, parse_untrusted
from adapters.xmeld.schema import XMeldSchema, load_schema
from hub.errors import HubError, MalformedRequest, PayloadTooLarge
from hub.logging import get_logger

_log = get_logger(__name__)
_WORKER_SCHEMA: list[XMeldSchema] = []  # in a worker process: its schema, built once
_pools: dict[tuple[Path, int], ProcessPoolExecutor] = {}
_pools_lock = threading.Lock()


class ValidationUnavailable(HubError):
    status, slug, title = 503, "validation-unavailable", "XMeld validation unavailable"


def _parse_bounded(raw: bytes, max_bytes: int, max_elements: int) -> etree._Element:
    try:
        root = parse_untrusted(raw, max_bytes=max_bytes)
    except UnsafeXml as error:
        raise MalformedRequest(str(error)) from error
    for count, _ in enumerate(root.iter(tag=etree.Element), start=1):
        if count > max_elements:
            raise PayloadTooLarge(
                f"the message has more than {max_elements} elements; split the request"
            )
    return root


def _load_worker_schema(schema_dir: str) -> None:
    # Below the server's priority: on a busy machine the answers to other requests go first.
    with contextlib.suppress(OSError):
        os.nice(10)
    _WORKER_SCHEMA.append(load_schema(Path(schema_dir)))


def _first_violation(raw: bytes, max_bytes: int) -> str | None:
    """In a worker process: the message (already accepted by the parent) checked."""
    root = parse_untrusted(raw, max_bytes=max_bytes)
    found = _WORKER_SCHEMA[0].violations(root, limit=1)
    return f"{found[0].path}: {found[0].reason}" if found else None


def _process_pool(schema_dir: Path, processes: int) -> ProcessPoolExecutor:
    key = (schema_dir.resolve(), processes)
    with _pools_lock:
        pool = _pools.get(key)
        if pool is None:
            pool = ProcessPoolExecutor(
                processes,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_load_worker_schema,
                initargs=(str(key[0]),),
            )
            _pools[key] = pool
        return pool


def _drop_pool(pool: ProcessPoolExecutor) -> None:
    with _pools_lock:
        for key, known in list(_pools.items()):
            if known is pool:
                del _pools[key]
    pool.shutdown(wait=False, cancel_futures=True)


class XmlPool:
    """One per app (``app.state.xml_pool``): parse threads, validation processes."""

    def __init__(self, *, threads: int, processes: int, schema_dir: Path | None) -> None:
        self._threads = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="xmeld")
        self._processes = processes
        self._schema_dir = schema_dir

    async def parse(self, raw: bytes, *, max_bytes: int, max_elements: int) -> etree._Element:
        """The root of an untrusted message: 400 if unsafe or broken, 413 if too large."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(
            self._threads, _parse_bounded, raw, max_bytes, max_elements
        )

    async def first_violation(self, raw: bytes, *, max_bytes: int) -> str | None:
        """The first schema violation of a parsed message as ``path: reason``.

        None when the message is valid or no schema is configured.
        """
        if self._schema_dir is None:
            return None
        pool = _process_pool(self._schema_dir, self._processes)
        loop = asyncio.get_running_loop()
        try:
            return await loop.run_in_executor(pool, _first_violation, raw, max_bytes)
        except BrokenProcessPool as error:
            # A worker died (killed, out of memory): the next message gets a fresh pool.
            _drop_pool(pool)
            _log.error("xmeld_validation_pool_broken")
            raise ValidationUnavailable("the XMeld schema check failed; retry") from error

    def close(self) -> None:
        self._threads.shutdown(wait=False, cancel_futures=True)
