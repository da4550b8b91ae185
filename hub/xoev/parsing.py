"""XMeld parsing and schema validation off the event loop, in a bounded thread pool.

``make bench`` (section ``floods``) measured both pools for eight 511 KB messages: in
threads the schema check (xmlschema, pure Python) takes the GIL in slices and the loop's
1 ms ticks came late by p50 19.6-25 ms, max ~1 s; in spawned worker processes by p50
0.1-0.5 ms, max 19-122 ms. Processes keep the loop freer, but each worker must first be
spawned and build the schema (seconds): a lazily started process pool made the first
messages time out at a calling hub (tests/hub/xoev/test_xmeld_two_hubs.py). Until the process
pool is warmed at start-up, validation stays in threads; a message with more elements than
the configured limit is refused right after parsing, before the expensive validation.
"""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor

from lxml import etree

from adapters.xmeld.safe import UnsafeXml, parse_untrusted
from adapters.xmeld.schema import XMeldSchema
from hub.errors import MalformedRequest, PayloadTooLarge


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


def _first_violation(schema: XMeldSchema, root: etree._Element) -> str | None:
    found = schema.violations(root, limit=1)
    return f"{found[0].path}: {found[0].reason}" if found else None


class XmlPool:
    """One per process (``app.state.xml_pool``): ``threads`` messages are worked on at once."""

    def __init__(self, *, threads: int) -> None:
        self._pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="xmeld")

    async def parse(self, raw: bytes, *, max_bytes: int, max_elements: int) -> etree._Element:
        """The root of an untrusted message: 400 if unsafe or broken, 413 if too large."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._pool, _parse_bounded, raw, max_bytes, max_elements)

    async def first_violation(self, schema: XMeldSchema | None, root: etree._Element) -> str | None:
        """The first schema violation of ``root`` as ``path: reason``; None when valid."""
        if schema is None:
            return None
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._pool, _first_violation, schema, root)

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)
