"""``make bench --only neutral``: a protected person's neutral answer against a no-match one.

For every route and kind that answers neutrally (BMG §34a Abs. 5, §38 Abs. 5, §39a Abs. 2,
BMeldDAV §8 Abs. 3, PStG §68) the same client sends two requests whose answers must be
indistinguishable: one about a person the hub protects (Auskunftssperre, a blocked spouse,
an entry that does not match) and one about nobody. ``ROUNDS`` of each go over HTTP to
``hub serve``, interleaved in a random order per round, on SQLite and PostgreSQL with one
and two workers. Printed per kind: medians, quartiles, the difference of the medians and a
two-sample Kolmogorov-Smirnov test. Before timing, each pair is checked once: same status,
same header names, same body size, and the ledger says which one was protected.
"""

from __future__ import annotations

import copy
import json
import math
import os
import random
import statistics
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from lxml import etree
from sqlalchemy import select

from adapters.base import AdapterContext
from adapters.melderegister import MelderegisterAdapter
from adapters.personenstandsregister import PersonenstandsregisterAdapter
from adapters.sql.mirror import MirrorSettings
from adapters.xmeld import names
from bench.http import Server
from bench.hub_load import Register, scratch_register
from bench.xmeld import xoev_dir
from hub.admin.service import create_client
from hub.config import Settings
from hub.db import create_sync_engine
from hub.models import LedgerEntry

ROUNDS = int(os.environ.get("BENCH_NEUTRAL_ROUNDS", "200"))
WORKERS = (1, 2)
TARGET_MS = 0.3
ALPHA = 0.01
QUERIES = "/v1/registers/{register}/queries"
XMELD = "/v1/xoev/xmeld"
NS = {"x": names.XMELD_NS}
EXAMPLE_1330 = (
    "xmeld-25.11a/_examples/spec_test_1330_examples_FachspezifischBehoerdenauskunft006a-1330.xml"
)
SAMPLE_1332 = "samples/xmeld2511a-1332-freieSuche-hausnummer-test.xml"

# The bench's own register data; names chosen so no demo person matches them phonetically.
BLOCKED = {"name": "Quendolin", "given_names": "Ysolde", "birth_date": "1964-08-12"}
NOBODY = {"name": "Quirinius", "given_names": "Ysolde", "birth_date": "1964-08-12"}
BLOCKED_HOME = {"street": "Kasinostraße", "house_number": "97", "postal_code": "64293"}
EMPTY_HOME = {"street": "Kasinostraße", "house_number": "99", "postal_code": "64293"}
SPOUSE_HELD = {"name": "Zwirbler", "given_names": "Karl", "birth_date": "1970-03-03"}
NO_SPOUSE = {"name": "Zwirbler", "given_names": "Kurt", "birth_date": "1970-03-03"}


def _person(person_id: str, who: dict[str, str], home: dict[str, str], **extra: Any) -> str:
    record: dict[str, Any] = {
        "person_id": person_id,
        "name": who["name"],
        "prev_names": [],
        "given_names": [who["given_names"]],
        "doctor": None,
        "birth": {"date": who["birth_date"], "place": "Darmstadt", "country": "DE"},
        "sex": "w",
        "idnr": None,
        "nationality": ["DE"],
        "religion": None,
        "addresses": [
            {
                **home,
                "city": "Darmstadt",
                "kind": "haupt",
                "moved_in": "2015-04-01",
                "moved_out": None,
            }
        ],
        "marital": {"status": "ledig", "since": None},
        "spouse_id": None,
        "children_ids": [],
        "legal_rep_ids": [],
        "blocks": {"auskunftssperre": None, "bedingter_sperrvermerk": False},
        "death": None,
        "moved_away": None,
        "id_docs": [],
        "azr_no": None,
        "vote_excl": None,
        "elstam": None,
        "weapons": None,
        "explosives": None,
        "landlord": None,
    }
    record.update(extra)
    return json.dumps(record, ensure_ascii=False)


def _entry() -> str:
    return json.dumps(
        {
            "entry_id": "E-NEUTRAL-1",
            "entry_kind": "geburt",
            "entry_year": 1990,
            "registry_office": "standesamt_darmstadt",
            "entry_number": "4711",
            "persons": [{"name": "Schäfer", "given_names": ["Lena"], "birth_date": "1990-04-03"}],
            "event_date": "1990-04-03",
            "sperrvermerk": False,
            "stillgelegt": False,
            "adoption": False,
            "entry_text": "Lena Schäfer ist am 03.04.1990 in Darmstadt geboren.",
        },
        ensure_ascii=False,
    )


def import_bench_data(database_url: str) -> None:
    context = AdapterContext(hub_database_url=database_url, municipality_name="Darmstadt")
    sperre = {
        "auskunftssperre": {"basis": "antrag", "initiator": "meldebehoerde"},
        "bedingter_sperrvermerk": False,
    }
    married = {"status": "verheiratet", "since": "2000-01-01"}
    MelderegisterAdapter.create(MirrorSettings(), context=context).import_lines(
        [
            _person("P-NEUTRAL-1", BLOCKED, BLOCKED_HOME, blocks=sperre),
            _person(
                "P-NEUTRAL-2",
                SPOUSE_HELD,
                EMPTY_HOME | {"house_number": "3"},
                marital=married,
                spouse_id="P-NEUTRAL-3",
            ),
            _person(
                "P-NEUTRAL-3",
                {**SPOUSE_HELD, "given_names": "Vera"},
                EMPTY_HOME | {"house_number": "3"},
                marital=married,
                spouse_id="P-NEUTRAL-2",
                blocks=sperre,
            ),
            _person("P-NEUTRAL-4", NO_SPOUSE, EMPTY_HOME | {"house_number": "4"}),
        ]
    )
    PersonenstandsregisterAdapter.create(MirrorSettings(), context=context).import_lines([_entry()])


def _json_query(
    kind: str, purpose: str, match: dict[str, str], fields: list[str], **extra: Any
) -> bytes:
    body = {
        "kind": kind,
        "purpose": purpose,
        "case_reference": "NEUTRAL-2026-1",
        "user": {"id": "m.schmidt", "roles": []},
        "match": match,
        "fields": fields,
        **extra,
    }
    return json.dumps(body, ensure_ascii=False).encode()


def _set(root: etree._Element, path: str, value: str) -> None:
    node = root.find(path, NS)
    if node is None:
        raise RuntimeError(f"the XMeld sample has no {path}")
    node.text = value


def _xml(root: etree._Element) -> bytes:
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8"))


def personensuche(xoev: Path, who: dict[str, str]) -> bytes:
    """The official 1330 example 006a re-aimed at Darmstadt and at ``who``."""
    root = copy.deepcopy(etree.parse(str(xoev / EXAMPLE_1330)).getroot())
    _set(root, "nachrichtenkopf.g2g/leser/kennung", "ags:06411000")
    _set(root, "x:datenAbrufendeStelle/x:anlassDesAbrufs", "wohngeld_antrag")
    data = root.find("x:suchprofil/x:auswahldaten", NS)
    assert data is not None
    _set(data, "x:name/x:name/x:nachnameUndVornamen/x:nachname/name", who["name"])
    _set(data, "x:name/x:name/x:nachnameUndVornamen/x:vornamen/name", who["given_names"])
    _set(data, "x:anschrift/gemeindeschluessel/code", "06411000")
    _set(data, "x:anschrift/postleitzahl", BLOCKED_HOME["postal_code"])
    _set(data, "x:geburtsdatum/x:geburtsdatum/teilbekanntesDatum/jahrMonatTag", who["birth_date"])
    data.remove(data.find("x:geschlecht", NS))
    return _xml(root)


def freie_suche(xoev: Path, home: dict[str, str]) -> bytes:
    """The official 1332 sample aimed at one Darmstadt building (no name: who lives there)."""
    root = copy.deepcopy(etree.parse(str(xoev / SAMPLE_1332)).getroot())
    _set(root, "x:datenAbrufendeStelle/x:anlassDesAbrufs", "strafverfolgung")
    data = root.find("x:suchprofil/x:auswahldaten", NS)
    assert data is not None
    _set(data, "x:name/x:name/x:nachnameUndVornamen/x:nachname/name", BLOCKED["name"])
    _set(data, "x:name/x:name/x:nachnameUndVornamen/x:vornamen/name", BLOCKED["given_names"])
    inland = "x:wohnung/x:anschrift/x:anschrift.inland/"
    _set(data, inland + "strasse", home["street"])
    number = data.find(inland + "x:hausnummerOderHausnummernbereich/x:hausnummer", NS)
    assert number is not None
    _set(number, "hausnummer", home["house_number"])
    number.remove(number.find("hausnummerBuchstabeZusatzziffer"))
    for member in ("x:geburtsdaten", "x:geschlecht"):
        data.remove(data.find(member, NS))
    _set(root, "x:steuerungsinformationen/x:suchbereich/x:bundesland/code", "06")
    return _xml(root)


@dataclass(frozen=True, slots=True)
class Pair:
    """Two requests of one kind whose answers must not tell the protected one apart."""

    kind: str
    authority: str
    path: str
    protected: bytes
    plain: bytes
    # What the ledger says of the protected one (its reasons hold this code).
    protected_reason: str
    media_type: str = "application/json"


def pairs(xoev: Path | None) -> list[Pair]:
    melde = QUERIES.format(register="melderegister")
    person_fields = ["name", "given_names", "birth", "addresses"]
    free_match = {key: BLOCKED_HOME[key] for key in ("street", "house_number")}
    empty_match = {key: EMPTY_HOME[key] for key in ("street", "house_number")}
    found: list[Pair] = [
        Pair(
            "person",
            "wohngeldstelle",
            melde,
            _json_query("person", "wohngeld_antrag", BLOCKED, person_fields),
            _json_query("person", "wohngeld_antrag", NOBODY, person_fields),
            "auskunftssperre",
        ),
        Pair(
            "confirm",
            "wohngeldstelle",
            melde,
            _json_query("confirm", "wohngeld_antrag", BLOCKED | free_match, []),
            _json_query("confirm", "wohngeld_antrag", NOBODY | free_match, []),
            "datenbestaetigung_neutral",
        ),
        Pair(
            "waive_follow_up",
            "wohngeldstelle",
            melde,
            _json_query("person", "wohngeld_antrag", BLOCKED, person_fields, waive_follow_up=True),
            _json_query("person", "wohngeld_antrag", NOBODY, person_fields, waive_follow_up=True),
            "follow_up_waived",
        ),
        Pair(
            "free",
            "landratsamt",
            melde,
            _json_query("free", "gefahrenabwehr_evakuierung", free_match, person_fields),
            _json_query("free", "gefahrenabwehr_evakuierung", empty_match, person_fields),
            "auskunftssperre_omitted",
        ),
        Pair(
            "related_strip",
            "wohngeldstelle",
            melde,
            _json_query("person", "wohngeld_antrag", SPOUSE_HELD, ["name", "spouse"]),
            _json_query("person", "wohngeld_antrag", NO_SPOUSE, ["name", "spouse"]),
            "related_person_blocked",
        ),
        Pair(
            "personenstand",
            "standesamt",
            QUERIES.format(register="personenstandsregister"),
            _json_query("person", "beurkundung", _pstr_match("Schäfor", "4711"), ["entry_text"]),
            _json_query("person", "beurkundung", _pstr_match("Schäfer", "4712"), ["entry_text"]),
            "no_match",
        ),
    ]
    if xoev is not None:
        found += [
            Pair(
                "xmeld_1330",
                "wohngeldstelle",
                XMELD,
                personensuche(xoev, BLOCKED),
                personensuche(xoev, NOBODY),
                "auskunftssperre",
                "application/xml",
            ),
            Pair(
                "xmeld_1332",
                "polizei",
                XMELD,
                freie_suche(xoev, BLOCKED_HOME),
                freie_suche(xoev, EMPTY_HOME),
                "auskunftssperre_omitted",
                "application/xml",
            ),
        ]
    return found


def _pstr_match(name: str, number: str) -> dict[str, str]:
    return {
        "entry_kind": "geburt",
        "entry_year": "1990",
        "entry_number": number,
        "name": name,
        "birth_date": "1990-04-03",
    }


def _token(url: str, settings: Settings, authority: str) -> str:
    client = create_client(
        settings, authority=authority, name=None, scopes=None, trusted_roles=None
    )
    answer = httpx.post(
        f"{url}/oauth/token",
        data={"grant_type": "client_credentials"},
        auth=(client.client_id, client.client_secret),
        timeout=30,
    )
    answer.raise_for_status()
    return str(answer.json()["access_token"])


def _last_reasons(database_url: str) -> list[str]:
    engine = create_sync_engine(database_url)
    with engine.connect() as connection:
        reasons = connection.execute(
            select(LedgerEntry.reasons).order_by(LedgerEntry.seq.desc()).limit(1)
        ).scalar_one()
    engine.dispose()
    return list(reasons or [])


def _without_request_id(body: bytes) -> bytes:
    return body  # sizes compare whole bodies: request ids are uuids of one length


def check_pair(pair: Pair, http: httpx.Client, headers: dict[str, str], database_url: str) -> str:
    """One of each, untimed: same status, header names and body size; the ledger tells them."""
    first = http.post(pair.path, content=pair.protected, headers=headers)
    protected_reasons = _last_reasons(database_url)
    second = http.post(pair.path, content=pair.plain, headers=headers)
    plain_reasons = _last_reasons(database_url)
    problems = []
    if first.status_code != second.status_code:
        problems.append(f"status {first.status_code} vs {second.status_code}")
    if sorted(first.headers.keys()) != sorted(second.headers.keys()):
        problems.append("header names differ")
    if len(first.content) != len(second.content):
        problems.append(f"body size {len(first.content)} vs {len(second.content)}")
    if pair.protected_reason not in protected_reasons:
        problems.append(f"protected case not {pair.protected_reason}: {protected_reasons}")
    if pair.protected_reason != "no_match" and pair.protected_reason in plain_reasons:
        problems.append("the plain case is protected too")
    return (
        "; ".join(problems) or f"same status {first.status_code}, headers, {len(first.content)} B"
    )


@dataclass
class Samples:
    protected: list[float] = field(default_factory=list)
    plain: list[float] = field(default_factory=list)


def _timed(http: httpx.Client, path: str, body: bytes, headers: dict[str, str]) -> float:
    started = time.perf_counter()
    answer = http.post(path, content=body, headers=headers)
    elapsed = time.perf_counter() - started
    if answer.status_code >= 300:
        raise RuntimeError(f"{path}: {answer.status_code} {answer.text[:200]}")
    return elapsed * 1000


def run_rounds(
    url: str, work: list[tuple[Pair, dict[str, str]]], rounds: int, seed: int
) -> dict[str, Samples]:
    """``rounds`` of every request, the order shuffled anew each round."""
    samples = {pair.kind: Samples() for pair, _ in work}
    rng = random.Random(seed)
    with httpx.Client(base_url=url, timeout=30) as http:
        for _ in range(rounds):
            order = [
                (pair, headers, protected) for pair, headers in work for protected in (True, False)
            ]
            rng.shuffle(order)
            for pair, headers, protected in order:
                body = pair.protected if protected else pair.plain
                target = samples[pair.kind]
                (target.protected if protected else target.plain).append(
                    _timed(http, pair.path, body, headers)
                )
    return samples


def ks_two_sample(first: list[float], second: list[float]) -> tuple[float, float]:
    """Two-sample Kolmogorov-Smirnov: D and its asymptotic p-value (Stephens' correction)."""
    a, b = sorted(first), sorted(second)
    n, m = len(a), len(b)
    i = j = 0
    d = 0.0
    while i < n and j < m:
        value = min(a[i], b[j])
        while i < n and a[i] == value:
            i += 1
        while j < m and b[j] == value:
            j += 1
        d = max(d, abs(i / n - j / m))
    effective = math.sqrt(n * m / (n + m))
    lam = (effective + 0.12 + 0.11 / effective) * d
    if lam < 1e-3:
        return d, 1.0
    total = sum((-1) ** (k - 1) * math.exp(-2 * k * k * lam * lam) for k in range(1, 101))
    return d, min(1.0, max(0.0, 2 * total))


def _quartiles(values: list[float]) -> tuple[float, float, float]:
    q1, q2, q3 = statistics.quantiles(values, n=4, method="inclusive")
    return q1, q2, q3


def report(label: str, samples: dict[str, Samples]) -> None:
    print(f"\n== neutral answers in time: {label}; {ROUNDS} of each, interleaved; ms")
    print(
        f"{'kind':<16}{'protected p50 (p25-p75)':>26}{'no match p50 (p25-p75)':>26}"
        f"{'Δp50':>8}{'KS D':>7}{'p':>8}  verdict"
    )
    for kind, pair in samples.items():
        p = _quartiles(pair.protected)
        q = _quartiles(pair.plain)
        d, pvalue = ks_two_sample(pair.protected, pair.plain)
        delta = p[1] - q[1]
        ok = abs(delta) <= TARGET_MS and pvalue >= ALPHA
        print(
            f"{kind:<16}{p[1]:>9.2f} ({p[0]:.2f}-{p[2]:.2f}){q[1]:>11.2f} ({q[0]:.2f}-{q[2]:.2f})"
            f"{delta:>+8.2f}{d:>7.3f}{pvalue:>8.3f}  {'ok' if ok else 'MISSED'}"
        )


def _merge(parts: list[dict[str, Samples]]) -> dict[str, Samples]:
    merged: dict[str, Samples] = {}
    for part in parts:
        for kind, samples in part.items():
            target = merged.setdefault(kind, Samples())
            target.protected += samples.protected
            target.plain += samples.plain
    return merged


def measure(register: Register, backend: str, workers: int, xoev: Path | None) -> None:
    settings = Settings(database_url=register.database_url, key_dir=register.key_dir)
    with Server(
        environment=register.environment(**({"HUB_XOEV_SCHEMA_DIR": str(xoev)} if xoev else {})),
        workers=workers,
    ) as server:
        work = []
        with httpx.Client(base_url=server.url, timeout=30) as http:
            for pair in pairs(xoev):
                token = _token(server.url, settings, pair.authority)
                headers = {"Authorization": f"Bearer {token}", "Content-Type": pair.media_type}
                print(
                    f"  {backend} {workers}w {pair.kind}: "
                    f"{check_pair(pair, http, headers, register.database_url)}"
                )
                work.append((pair, headers))
        run_rounds(server.url, work, 10, seed=1)  # warm-up
        parts: list[dict[str, Samples]] = []
        threads = [
            threading.Thread(
                target=lambda n=n: parts.append(
                    run_rounds(server.url, work, ROUNDS // workers, seed=2026 + n)
                )
            )
            for n in range(workers)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    report(
        f"{backend}, {workers} worker(s), {workers} client(s); load {os.getloadavg()[0]:.2f}",
        _merge(parts),
    )


def run_neutral(postgres: str | None) -> None:
    xoev = xoev_dir()
    if xoev is None:
        print("neutral: XMeld kinds skipped (no XÖV folder; set HUB_XOEV_SCHEMA_DIR)")
    for backend in ["sqlite", *(["postgresql"] if postgres else [])]:
        with (
            tempfile.TemporaryDirectory() as scratch,
            scratch_register(backend, Path(scratch), postgres) as register,
        ):
            import_bench_data(register.database_url)
            for workers in WORKERS:
                measure(register, backend, workers, xoev)
    if not postgres:
        print("neutral: postgresql skipped, no server reachable")


def main(select_backends: Callable[[], str | None] | None = None) -> None:
    from bench.ledger_throughput import _postgres_server  # noqa: PLC0415

    run_neutral((select_backends or _postgres_server)())


if __name__ == "__main__":
    main()
