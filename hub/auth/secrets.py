"""Client secrets: random, shown once, stored only as Argon2id hashes."""

from __future__ import annotations

import dataclasses
import os
import secrets

from argon2 import PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError

# Tests only: at production cost (~0.1 s a hash) hashing dominated the suite. Settings refuse
# HUB_ENVIRONMENT=production while this is set (hub/config.py).
FAST_HASHES_FOR_TESTS = "HUB_TEST_FAST_HASHES"
_HASHER = (
    PasswordHasher.from_parameters(dataclasses.replace(profiles.CHEAPEST, salt_len=16, hash_len=16))
    if os.environ.get(FAST_HASHES_FOR_TESTS) == "1"
    else PasswordHasher()
)
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
