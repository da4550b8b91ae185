"""Declarative base shared by every hub and governance table.

It lives here because governance may not import hub (tests/test_import_rules.py); hub re-exports it.
The naming convention is fixed from day one so Alembic names constraints stably.
"""

from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

from adapters.sql.base import NAMING_CONVENTION


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
