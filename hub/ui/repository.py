"""All SQL of the workbench login: accounts and login sessions."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from hub.models import UiAccount, UiSession


async def account_by_username(session: AsyncSession, username: str) -> UiAccount | None:
    result = await session.execute(select(UiAccount).where(UiAccount.username == username))
    return result.scalar_one_or_none()


async def account_by_id(session: AsyncSession, account_id: int) -> UiAccount | None:
    return await session.get(UiAccount, account_id)


async def account_by_oidc(session: AsyncSession, *, issuer: str, subject: str) -> UiAccount | None:
    result = await session.execute(
        select(UiAccount).where(UiAccount.oidc_issuer == issuer, UiAccount.oidc_subject == subject)
    )
    return result.scalar_one_or_none()


def add_account(session: AsyncSession, account: UiAccount) -> None:
    session.add(account)


async def session_with_account(
    session: AsyncSession, token_hash: str
) -> tuple[UiSession, UiAccount] | None:
    result = await session.execute(
        select(UiSession, UiAccount)
        .join(UiAccount, UiAccount.account_id == UiSession.account_id)
        .where(UiSession.token_hash == token_hash)
    )
    row = result.first()
    return None if row is None else (row[0], row[1])


def add_session(session: AsyncSession, ui_session: UiSession) -> None:
    session.add(ui_session)


async def delete_session(session: AsyncSession, token_hash: str) -> None:
    await session.execute(delete(UiSession).where(UiSession.token_hash == token_hash))


async def delete_account_sessions(session: AsyncSession, account_id: int) -> None:
    await session.execute(delete(UiSession).where(UiSession.account_id == account_id))


async def touch_session(session: AsyncSession, token_hash: str, seen_at: datetime) -> None:
    await session.execute(
        update(UiSession).where(UiSession.token_hash == token_hash).values(last_seen_at=seen_at)
    )
