"""The push's wait for answers already under way (hub.registers.inflight)."""

from __future__ import annotations

import asyncio

from hub.registers.inflight import InFlight


async def test_drain_waits_for_queries_begun_before_it() -> None:
    tracker = InFlight()
    early = tracker.enter()
    drained = asyncio.create_task(tracker.drain())
    await asyncio.sleep(0.01)
    late = tracker.enter()  # begun after the commit: reads the new state, not waited for
    assert not drained.done()
    tracker.leave(early)
    await asyncio.wait_for(drained, timeout=1)
    assert tracker.running == 1
    tracker.leave(late)
    assert tracker.running == 0


async def test_drain_returns_at_once_when_nothing_runs() -> None:
    tracker = InFlight()
    await asyncio.wait_for(tracker.drain(), timeout=1)
