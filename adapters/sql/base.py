"""Declarative base for register mirror tables kept by SQL adapters.

Register tables have their own metadata (adapters import nothing from hub/), and Alembic
migrates them together with the hub's tables.
"""

from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class RegisterBase(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
