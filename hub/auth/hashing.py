"""Argon2 off the event loop: a bounded thread pool for secret and password checks.

argon2-cffi releases the GIL while it hashes, so the loop keeps answering other requests
while up to ``threads`` checks run; further checks wait in the pool's queue (the limiter in
front of the token endpoint keeps that queue short).
"""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor

from hub.auth.secrets import hash_secret, verify_secret


class SecretHasher:
    def __init__(self, *, threads: int) -> None:
        self._pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="argon2")

    async def verify(self, secret: str, secret_hash: str | None) -> bool:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._pool, verify_secret, secret, secret_hash)

    async def hash(self, secret: str) -> str:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._pool, hash_secret, secret)

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)
