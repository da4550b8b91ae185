"""Every allowance of the default catalogue passes the catalogue's own law check.

The start page lists allowances the policy would refuse; a fresh catalogue must show none,
or the defaults and the law (policies/) disagree.
"""

from __future__ import annotations

from fastapi import FastAPI

from hub.catalogue import views
from hub.catalogue.purposes_service import Checker
from hub.ui.catalogue.todo import failing_law_checks


async def test_every_default_allowance_passes_the_law_check(app: FastAPI) -> None:
    checker = Checker(
        cache=app.state.catalogue,
        policy=app.state.policy,
        timeout=app.state.settings.policy_timeout_ms / 1000,
    )
    async with app.state.sessionmaker() as session:
        purposes = await views.purposes_view(session)
    catalogue = await checker.cache.get()
    assert sum(len(p["allowances"]) for p in purposes["purposes"]) > 50
    assert await failing_law_checks(checker, catalogue, purposes) == []
