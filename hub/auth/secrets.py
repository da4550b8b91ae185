"""Client secrets: random, shown once, stored only as Argon2id hashes."""

from __future__ import annotations

import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_HASHER = PasswordHasher()
# Compared against when the client is unknown, so timing does not reveal which ids exist.
_DUMMY_HASH = _HASHER.hash("not-a-real-secret")


def new_client_secret() -> str:
    return secrets.token_urlsafe(32)


def hash_secret(secret: str) -> str:
    return _HASHER.hash(secret)


def verify_secret(secret: str, secret_hash: str | None) -> bool:
    try:
        return _HASHER.verify(secret_hash or _DUMMY_HASH, secret) and secret_hash is not None
    except (VerificationError, InvalidHashError):
        return False
