"""A one-route FastAPI app: the yardstick for the hub's bare JWKS document."""

from __future__ import annotations

from fastapi import FastAPI

app = FastAPI()


@app.get("/health")
async def health() -> dict[str, str]:
    return {"status": "ok"}
