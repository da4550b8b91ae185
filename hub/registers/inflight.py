"""Queries in flight, so a push is acknowledged only when no earlier answer is still going out.

A query that read a person before a new Sperre committed could otherwise send its answer
after the push was acknowledged. The change service commits, then ``drain()``s: it waits
until every query that started before the commit has sent its last byte. Queries that start
later read the committed Sperre. Per process: each ``hub serve`` worker drains its own.
"""

from __future__ import annotations

import asyncio
from collections import Counter

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from hub.state import app_state

QUERY_PATH_PREFIXES = ("/v1/registers/", "/v1/xoev/")


def _is_query(scope: Scope) -> bool:
    path = str(scope.get("path", ""))
    if scope.get("method") != "POST" or not path.startswith(QUERY_PATH_PREFIXES):
        return False
    return path.startswith("/v1/xoev/") or path.endswith("/queries")


class InFlight:
    """Counts running queries per epoch; ``drain`` closes the epoch and waits for it."""

    def __init__(self) -> None:
        self._epoch = 0
        self._running: Counter[int] = Counter()
        self._waiters: list[tuple[int, asyncio.Future[None]]] = []

    @property
    def running(self) -> int:
        return sum(self._running.values())

    def enter(self) -> int:
        self._running[self._epoch] += 1
        return self._epoch

    def leave(self, epoch: int) -> None:
        self._running[epoch] -= 1
        if self._running[epoch] <= 0:
            del self._running[epoch]
        self._wake()

    def _settled(self, boundary: int) -> bool:
        return not any(epoch <= boundary for epoch in self._running)

    def _wake(self) -> None:
        waiting = []
        for boundary, future in self._waiters:
            if self._settled(boundary):
                if not future.done():
                    future.set_result(None)
            else:
                waiting.append((boundary, future))
        self._waiters = waiting

    async def drain(self) -> None:
        """Wait until every query that started before this call has finished sending.

        Unbounded here; the caller bounds it (``asyncio.timeout``).
        """
        boundary = self._epoch
        self._epoch += 1
        if self._settled(boundary):
            return
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiters.append((boundary, future))
        await future


class InFlightMiddleware:
    """Counts a query from its first byte in to its last byte out (``app.state.inflight``)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not _is_query(scope):
            await self.app(scope, receive, send)
            return
        tracker = app_state(scope["app"]).inflight
        epoch = tracker.enter()
        done = False

        async def tracked_send(message: Message) -> None:
            nonlocal done
            await send(message)
            if message["type"] == "http.response.body" and not message.get("more_body", False):
                done = True
                tracker.leave(epoch)

        try:
            await self.app(scope, receive, tracked_send)
        finally:
            if not done:
                tracker.leave(epoch)
