"""The Melderegister as a remote Meldebehörde answers it: 1330 out, 1331 back.

Selected with ``HUB_ADAPTERS__MELDEREGISTER__SOURCE=xmeld`` (see ``adapters.registry``) for
registers the city does not mirror, or a neighbouring municipality's hub.

Minimisation (BMG §34a, DSGVO Art. 5 Abs. 1 c): ``search`` asks the remote only for the
Familienname (code 1), which the caller already sent as a key; ``fetch`` asks again for
exactly the fields the hub's policy released. The remote is never asked for more than the hub
may release, at the price of a second exchange (both recorded by the remote).

Facts for the hub's policy, read fail-safe (``adapters.xmeld.codes``):
- ``auskunftssperre`` is null for a delivered person: we declare ``sicherheitsbehoerde=false``
  so a Sperre always gives ``03`` (neutral), never data.
- ``bedingter_sperrvermerk`` is only false when every delivered inland address says so.
- ``related`` is left out (unknown): the policy then strips every related role, and ``fetch``
  leaves out all persons of a stripped role, as it cannot tell blocked ones apart.
- ``deceased_on`` / ``moved_away_on``: from the answer when it states them; otherwise null if
  ``remote_applies_archive_rule`` (the keeping office applies BMG §13 Abs. 2 to its own
  register before answering), else left out, and the policy holds the hit.
"""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar, Literal, Self

import httpx
from pydantic import BaseModel, ConfigDict, Field, SecretStr

from adapters.base import (
    STRIP_SPERRVERMERK_ADDRESSES,
    AdapterContext,
    FetchedRecord,
    FetchRequest,
    Hit,
    QueryOrigin,
    RegisterSpec,
    SearchRequest,
)
from adapters.errors import (
    InvalidLookup,
    RecordNotFound,
    RegisterTimeout,
    RegisterUnavailable,
    TooManyMatches,
    UpstreamContractError,
)
from adapters.melderegister.mapping import dated_addresses
from adapters.melderegister.spec import MELDEREGISTER_SPEC
from adapters.xmeld import codes
from adapters.xmeld.answer import Answer1331, AnsweredPerson, parse_1331
from adapters.xmeld.build import Party, PostalAddress
from adapters.xmeld.request import Requester, build_1330
from adapters.xmeld.safe import DEFAULT_MAX_BYTES, UnsafeXml, parse_untrusted
from adapters.xmeld.schema import load_schema

log = logging.getLogger(__name__)

SEARCH_FIELDS = frozenset({"name"})  # code 1: a key the caller already knows
_RELATED_EMPTY: Mapping[str, Any] = {"spouse": None, "children": [], "legal_rep": []}
_ROLE_FIELD = {"spouse": "spouse", "child": "children", "legal_rep": "legal_rep"}
_HIT_LIFETIME_SECONDS = 48 * 3600  # as long as the hub's hit IDs are valid (BMeldDAV §9)
_MAX_REMEMBERED = 10_000


class XMeldClientSettings(BaseModel):
    """``HUB_ADAPTERS__MELDEREGISTER__<NAME>``; ``source=xmeld`` selects this adapter."""

    model_config = ConfigDict(extra="forbid")

    source: Literal["xmeld"] = "xmeld"
    url: str = Field(description="the remote's XMeld endpoint, e.g. https://…/v1/xoev/xmeld")
    token_url: str | None = Field(default=None, description="default: <url origin>/oauth/token")
    client_id: str
    client_secret: SecretStr
    scope: str = "register:query"
    own_kennung: str = Field(description="our DVDV kennung (autor), e.g. ags:06411000")
    own_name: str = "Register-Hub"
    own_email: str
    own_street: str
    own_house_number: str
    own_postal_code: str
    own_city: str
    remote_kennung: str = Field(description="the remote Meldebehörde's kennung (leser)")
    remote_name: str = "Meldebehörde"
    timeout_seconds: float = Field(default=10.0, gt=0)
    max_response_bytes: int = Field(default=DEFAULT_MAX_BYTES, ge=4096)
    schema_dir: Path | None = None  # validate answers when the official schemas are here
    verify_tls: bool | str = True  # False only in tests; a path names a CA bundle
    remote_applies_archive_rule: bool = True


@dataclass(frozen=True, slots=True)
class _Remembered:
    """What a later fetch or follow-up needs to ask the remote about the same person."""

    keys: Mapping[str, str]
    index: int
    identifier: str | None
    stored: float


class XMeldMelderegisterAdapter:
    spec: ClassVar[RegisterSpec] = MELDEREGISTER_SPEC
    Settings: ClassVar[type[BaseModel]] = XMeldClientSettings

    def __init__(self, settings: XMeldClientSettings, *, client: httpx.AsyncClient) -> None:
        self._settings = settings
        self._client = client
        self._token: tuple[str, float] | None = None
        self._token_lock = asyncio.Lock()
        self._hits: OrderedDict[str, _Remembered] = OrderedDict()
        self._author = Party(
            kennung=settings.own_kennung, name=settings.own_name, email=settings.own_email
        )
        self._reader = Party(kennung=settings.remote_kennung, name=settings.remote_name)
        self._address = PostalAddress(
            street=settings.own_street,
            house_number=settings.own_house_number,
            postal_code=settings.own_postal_code,
            city=settings.own_city,
        )

    @classmethod
    def create(cls, settings: BaseModel, *, context: AdapterContext) -> Self:  # noqa: ARG003
        if not isinstance(settings, XMeldClientSettings):
            raise TypeError("expected XMeldClientSettings")
        client = httpx.AsyncClient(
            timeout=settings.timeout_seconds, verify=settings.verify_tls, follow_redirects=False
        )
        return cls(settings, client=client)

    # --- transport -------------------------------------------------------------------------

    def _token_url(self) -> str:
        if self._settings.token_url:
            return self._settings.token_url
        url = httpx.URL(self._settings.url)
        return str(url.copy_with(path="/oauth/token", query=None))

    async def _access_token(self) -> str:
        async with self._token_lock:
            if self._token and self._token[1] > time.monotonic():
                return self._token[0]
            response = await self._send(
                "POST",
                self._token_url(),
                data={"grant_type": "client_credentials", "scope": self._settings.scope},
                auth=(self._settings.client_id, self._settings.client_secret.get_secret_value()),
            )
            if response.status_code != httpx.codes.OK:
                raise RegisterUnavailable(f"token endpoint answered {response.status_code}")
            try:
                body = response.json()
                token, lifetime = str(body["access_token"]), float(body.get("expires_in", 60))
            except (ValueError, KeyError, TypeError) as error:
                raise UpstreamContractError("the token answer is not OAuth 2.0") from error
            # Renew early so a token never expires between check and use.
            self._token = (token, time.monotonic() + max(lifetime - 30, 5))
            return token

    async def _send(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        try:
            async with self._client.stream(method, url, **kwargs) as response:
                chunks: list[bytes] = []
                size = 0
                async for chunk in response.aiter_bytes():
                    size += len(chunk)
                    if size > self._settings.max_response_bytes:
                        raise UpstreamContractError("the remote answer is too large")
                    chunks.append(chunk)
                return httpx.Response(
                    response.status_code, headers=response.headers, content=b"".join(chunks)
                )
        except httpx.TimeoutException as error:
            raise RegisterTimeout(f"{self._settings.remote_kennung} did not answer") from error
        except httpx.HTTPError as error:
            raise RegisterUnavailable(f"{self._settings.remote_kennung}: {error!r}") from error

    async def _exchange(
        self, *, keys: Mapping[str, str], fields: frozenset[str], origin: QueryOrigin, rid: str
    ) -> Answer1331:
        requester = Requester(
            authority_name=self._settings.own_name,
            address=self._address,
            email=self._settings.own_email,
            purpose=origin.purpose,
            case_reference=origin.case_reference,
            user_id=origin.user_id,
        )
        built = build_1330(
            keys=keys, fields=fields, requester=requester, author=self._author, reader=self._reader
        )
        token = await self._access_token()
        response = await self._send(
            "POST",
            self._settings.url,
            content=built.to_bytes(),
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/xml"},
        )
        if response.status_code in {401, 403}:
            self._token = None
            raise RegisterUnavailable(f"the remote refused us ({response.status_code})")
        if response.status_code >= httpx.codes.INTERNAL_SERVER_ERROR:
            raise RegisterUnavailable(f"the remote failed ({response.status_code})")
        if response.status_code != httpx.codes.OK:
            raise UpstreamContractError(f"the remote answered {response.status_code}")
        answer = self._parse(response.content)
        if answer.origin_uuid is not None and answer.origin_uuid != built.message_uuid:
            raise UpstreamContractError("the 1331 answers another message")
        log.info(
            "xmeld exchange",
            extra={
                "request_id": rid,
                "remote": self._settings.remote_kennung,
                "status": answer.status,
                "persons": len(answer.persons),
                "rejections": [r.code for r in answer.rejections],
            },
        )
        return answer

    def _parse(self, data: bytes) -> Answer1331:
        try:
            root = parse_untrusted(data, max_bytes=self._settings.max_response_bytes)
        except UnsafeXml as error:
            raise UpstreamContractError(f"unsafe 1331: {error}") from error
        if self._settings.schema_dir is not None:
            found = load_schema(self._settings.schema_dir).violations(root, limit=1)
            if found:
                raise UpstreamContractError(f"invalid 1331 at {found[0].path}")
        return parse_1331(root)

    # --- adapter protocol -------------------------------------------------------------------

    @staticmethod
    def _origin(origin: QueryOrigin | None) -> QueryOrigin:
        if origin is None:  # a 1330 without purpose and accountability is not lawful
            raise RegisterUnavailable("the hub passed no query origin to the XMeld client")
        return origin

    @staticmethod
    def _refused(answer: Answer1331) -> None:
        if not answer.rejections:
            return
        grund = answer.rejections[0].code
        if grund == codes.GRUND_TOO_MANY_HITS:
            raise TooManyMatches("the remote found more than 1000 persons")
        if grund == codes.GRUND_MIN_CRITERIA:
            raise InvalidLookup(
                "the remote needs more search keys (BMG §38 Abs. 1)", member="match"
            )
        raise UpstreamContractError(f"the remote refused the 1330 (grund {grund})")

    def _facts(self, person: AnsweredPerson) -> dict[str, Any]:
        facts = dict(person.facts)
        if self._settings.remote_applies_archive_rule:
            facts.setdefault("deceased_on", None)
            facts.setdefault("moved_away_on", None)
        return facts

    def _remember(self, keys: Mapping[str, str], index: int, person: AnsweredPerson) -> str:
        now = time.monotonic()
        while self._hits and (
            len(self._hits) >= _MAX_REMEMBERED
            or next(iter(self._hits.values())).stored < now - _HIT_LIFETIME_SECONDS
        ):
            self._hits.popitem(last=False)
        subject_id = f"xmeld-{uuid.uuid4()}"  # opaque; the remote's data never form an id
        self._hits[subject_id] = _Remembered(dict(keys), index, person.identifier, now)
        return subject_id

    async def search(self, request: SearchRequest) -> Sequence[Hit]:
        if request.kind != "person":
            raise InvalidLookup("only a Personensuche is forwarded in XMeld", member="kind")
        origin = self._origin(request.origin)
        if request.subject_ids:  # follow-up: ask again with the remembered keys
            hits = []
            for subject_id in request.subject_ids:
                remembered = self._hits.get(subject_id)
                if remembered is None:
                    continue
                found = await self._person(remembered, SEARCH_FIELDS, origin, request.request_id)
                if found is not None:
                    hits.append(Hit(subject_id=subject_id, facts=self._facts(found)))
            return hits
        answer = await self._exchange(
            keys=request.keys, fields=SEARCH_FIELDS, origin=origin, rid=request.request_id
        )
        self._refused(answer)
        if answer.neutral:
            return []
        if len(answer.persons) > request.max_hits:
            raise TooManyMatches("more persons than the caller may receive")
        return [
            Hit(subject_id=self._remember(request.keys, index, person), facts=self._facts(person))
            for index, person in enumerate(answer.persons)
        ]

    async def _person(
        self, remembered: _Remembered, fields: frozenset[str], origin: QueryOrigin, rid: str
    ) -> AnsweredPerson | None:
        answer = await self._exchange(keys=remembered.keys, fields=fields, origin=origin, rid=rid)
        self._refused(answer)
        persons = answer.persons
        if remembered.identifier is not None:
            return next((p for p in persons if p.identifier == remembered.identifier), None)
        # Without an Identifikationsmerkmal the same keys must find the same person.
        if len(persons) == 1 and remembered.index == 0:
            return persons[0]
        return persons[remembered.index] if remembered.index < len(persons) else None

    async def fetch(self, request: FetchRequest) -> Sequence[FetchedRecord]:
        origin = self._origin(request.origin)
        askable = frozenset(request.fields & codes.XMELD_FIELD_IDS)
        records = []
        for subject in request.subjects:
            remembered = self._hits.get(subject.subject_id)
            if remembered is None:
                raise RecordNotFound("the hit is no longer known to the XMeld client")
            values: Mapping[str, Any] = {}
            if askable:
                person = await self._person(remembered, askable, origin, request.request_id)
                if person is None:
                    raise RecordNotFound("the remote no longer finds the person")
                values = person.values
            fields: dict[str, Any] = {name: values.get(name) for name in sorted(request.fields)}
            if fields.get("addresses"):  # the remote may date them; only move_dates may carry it
                fields["addresses"] = dated_addresses(
                    fields["addresses"], dates="move_dates" in request.fields
                )
            if STRIP_SPERRVERMERK_ADDRESSES in subject.strip_related and "addresses" in fields:
                fields["addresses"] = []  # cannot tell flagged addresses apart: none go
            for role in subject.strip_related:  # blocked ones cannot be told apart: all go
                name = _ROLE_FIELD.get(role)
                if name in fields:
                    fields[name] = _RELATED_EMPTY[name]
            records.append(FetchedRecord(subject_id=subject.subject_id, fields=fields))
        return records

    async def check(self) -> None:
        self._token = None
        await self._access_token()

    async def close(self) -> None:
        await self._client.aclose()
