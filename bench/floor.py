"""The floor of a lawful, ledgered query on the hub's stack: what the target would leave room for.

The issue's query targets (≥ 0.20 of the bare JWKS document's requests/s, p99 ≤ 50 ms at 32
connections) ask for about 1.5 ms of CPU per query on this machine. This app does only the
work the law and the ledger guarantees cannot drop, with the same parts the hub is built
from (FastAPI and pydantic under the same uvicorn options, joserfc, regorus over the same
``policies/``, SQLAlchemy's async engine with the hub's SQLite/PostgreSQL set-up, orjson),
and none of the hub's own code on the request path:

- the bearer token checked once and then found in a dict (the hub caches verified tokens);
- the query body validated by a pydantic model;
- the two policy decisions the hub makes (request phase, then records phase) on the same
  inputs (the golden inputs of the Wohngeldstelle query in ``policies/testdata``);
- the person looked up by normalised name and birth date (the register's own index);
- one ledger row with a SHA-256 chain link, in the same write transaction, committed
  before the answer (``BEGIN IMMEDIATE`` on SQLite, ``synchronous=FULL``);
- the released fields serialised with orjson.

Left out, so the floor is lower than any real hub: the catalogue, minimisation per field,
hit references for the citizen view, neutral answers, the register-office tasks, metrics,
limits, logging, problem+json errors. ``make bench --only http`` serves it beside the hub's
query (bench/hub_load.py); its CPU per request is the least this stack can spend.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import orjson
import regorus
from fastapi import FastAPI, Header, HTTPException, Response
from joserfc import jwt
from pydantic import BaseModel
from sqlalchemy import Column, Integer, MetaData, String, Table, Text, insert, select
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker

from adapters.melderegister.names import normalise_name
from adapters.melderegister.tables import MrPerson, MrPersonName
from adapters.sql.engine import SQLITE_BEGIN_OPTION, create_async_database_engine, is_sqlite
from hub.auth.keys import load_or_create_signing_key, public_key_set
from hub.policy.engine import DECISION_RULE, policy_files

REPO = Path(__file__).resolve().parents[1]
TESTDATA = REPO / "policies" / "testdata"

metadata = MetaData()
floor_ledger = Table(
    "bench_floor_ledger",
    metadata,
    Column("seq", Integer, primary_key=True),
    Column("entry_id", String(36), nullable=False),
    Column("client_id", String(64), nullable=False),
    Column("purpose", String(64), nullable=False),
    Column("fields", Text, nullable=False),
    Column("person_ids", Text, nullable=False),
    Column("entry_hash", String(64), nullable=False),
)


class Match(BaseModel):
    name: str
    given_names: str
    birth_date: str


class User(BaseModel):
    id: str
    roles: list[str]


class FloorQuery(BaseModel):
    kind: str
    purpose: str
    case_reference: str
    user: User
    match: Match
    fields: list[str]


class Floor:
    """What one worker keeps: engine, policy, the token cache and the chain head."""

    def __init__(self, database_url: str, key_dir: Path) -> None:
        self.sqlite = is_sqlite(database_url)
        self.engine: AsyncEngine = create_async_database_engine(
            database_url, application_name="bench-floor"
        )
        self.sessions = async_sessionmaker(self.engine, expire_on_commit=False)
        self.keys = public_key_set(load_or_create_signing_key(key_dir))
        self.tokens: dict[str, str] = {}
        # One compiled program per worker, as the hub's embedded engine keeps.
        modules = [
            (str(path.relative_to(REPO / "policies")), path.read_text("utf-8"))
            for path in policy_files(REPO / "policies")
        ]
        program = regorus.Program.compile_from_modules("{}", modules, [DECISION_RULE])
        self.policy = regorus.Rvm()
        self.policy.load_program(program)
        self.policy.set_data_json("{}")
        self.inputs = {
            phase: json.loads((TESTDATA / f"wohngeld_{phase}_released.input.json").read_text())
            for phase in ("request", "records")
        }
        self.head = "0" * 64  # one chain per worker: the floor's own table, started empty

    def client_of(self, authorization: str) -> str:
        token = authorization.removeprefix("Bearer ")
        client = self.tokens.get(token)
        if client is None:
            try:
                client = str(jwt.decode(token, self.keys).claims["sub"])
            except Exception as error:
                raise HTTPException(401) from error
            self.tokens[token] = client
        return client

    def decide(self, phase: str, now: str) -> dict[str, Any]:
        policy_input = {**self.inputs[phase], "now": now}
        self.policy.set_input_json(orjson.dumps(policy_input).decode())
        decision: dict[str, Any] = orjson.loads(self.policy.execute_entry_point(DECISION_RULE))
        return decision


def _floor() -> Floor:
    return Floor(os.environ["HUB_DATABASE_URL"], Path(os.environ["HUB_KEY_DIR"]))


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    floor = _floor()
    async with floor.engine.begin() as connection:
        await connection.run_sync(metadata.create_all)
    app.state.floor = floor
    yield
    await floor.engine.dispose()


app = FastAPI(lifespan=lifespan)


@app.get("/health")
async def health() -> dict[str, str]:
    return {"status": "ok"}


@app.post("/floor")
async def query(body: FloorQuery, authorization: Annotated[str, Header()]) -> Response:
    floor: Floor = app.state.floor
    client_id = floor.client_of(authorization)
    now = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    if floor.decide("request", now)["outcome"] != "released":
        raise HTTPException(403)
    options = {SQLITE_BEGIN_OPTION: "IMMEDIATE"} if floor.sqlite else {}
    async with floor.sessions() as session:
        await session.connection(execution_options=options)
        rows = (
            await session.execute(
                select(MrPerson.person_id, MrPerson.record)
                .join(MrPersonName, MrPersonName.person_id == MrPerson.person_id)
                .where(
                    MrPersonName.kind == "name",
                    MrPersonName.normalised == normalise_name(body.match.name),
                    MrPerson.birth_date == date.fromisoformat(body.match.birth_date),
                )
            )
        ).all()
        decision = floor.decide("records", now)
        released = [{field: row.record.get(field) for field in decision["fields"]} for row in rows]
        person_ids = json.dumps([row.person_id for row in rows])
        entry = f"{floor.head}|{client_id}|{body.purpose}|{person_ids}".encode()
        entry_hash = hashlib.sha256(entry).hexdigest()
        await session.execute(
            insert(floor_ledger).values(
                entry_id=str(uuid.uuid4()),
                client_id=client_id,
                purpose=body.purpose,
                fields=json.dumps(decision["fields"]),
                person_ids=person_ids,
                entry_hash=entry_hash,
            )
        )
        await session.commit()
        floor.head = entry_hash
    return Response(orjson.dumps({"records": released}), media_type="application/json")
