"""Column types that behave the same on PostgreSQL and SQLite."""

from sqlalchemy import JSON, BigInteger, Integer
from sqlalchemy.dialects.postgresql import JSONB

JsonColumn = JSON().with_variant(JSONB(), "postgresql")
# SQLite only auto-increments INTEGER PRIMARY KEY; PostgreSQL wants 64 bits for ledgers.
BigId = BigInteger().with_variant(Integer(), "sqlite")
