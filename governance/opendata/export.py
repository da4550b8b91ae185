"""The DCAT export's datasets: open catalogue datasets and published aggregates.

A catalogue dataset marked open that has no approved public field, no access URL or no
licence is left out and reported (fail closed). An aggregate appears once it has been
published, with its CSV and JSON files as distributions.
"""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy.ext.asyncio import AsyncSession

from governance.dcat import (
    DcatExport,
    DcatSettings,
    Distribution,
    LegalResource,
    OpenDataset,
    Skipped,
    build_graph,
    page_of,
)
from governance.models import Dataset, LegalBasis
from governance.opendata import repository as repo
from governance.opendata.vocab import law_iri, theme_of
from governance.repository import all_rows


def _legal(codes: list[str], bases: Mapping[str, LegalBasis]) -> tuple[LegalResource, ...]:
    found = []
    for code in codes:
        row = bases.get(code)
        text = f"{code} - {row.title}" if row is not None and row.title else code
        norm = row.norm if row is not None else code.split(" ")[0]
        found.append(LegalResource(text=text, iri=law_iri(norm, row.url if row else "")))
    return tuple(found)


async def _public_fields(session: AsyncSession) -> dict[tuple[str, str], list[str]]:
    public: dict[tuple[str, str], list[str]] = {}
    for release in await repo.public_field_releases(session):
        public.setdefault((release.register, release.dataset), []).append(
            release.title or release.field
        )
    return public


async def _steward_emails(session: AsyncSession) -> dict[str, list[str]]:
    """Stewards' e-mail addresses per register (never their names)."""
    emails: dict[str, list[str]] = {}
    for register, email in await repo.active_steward_emails(session):
        emails.setdefault(register, []).append(email)
    return {register: list(dict.fromkeys(found)) for register, found in emails.items()}


def _description(row: Dataset, fields: list[str]) -> str:
    text = row.description.strip() or row.title
    return f"{text}\n\nVeröffentlicht werden nur die öffentlichen Angaben: {', '.join(fields)}."


async def catalogue_datasets(
    session: AsyncSession, *, bases: Mapping[str, LegalBasis], emails: Mapping[str, list[str]]
) -> tuple[list[OpenDataset], list[Skipped]]:
    rows = await repo.open_declared_datasets(session)
    public = await _public_fields(session)
    dates = await repo.dataset_change_spans(session)
    found: list[OpenDataset] = []
    skipped: list[Skipped] = []
    for row in rows:
        fields = public.get((row.register, row.name))
        reason = (
            "no_public_fields"
            if not fields
            else "no_access_url"
            if not row.access_url
            else "no_licence"
            if not row.licence
            else None
        )
        if reason is not None or fields is None:
            skipped.append(Skipped(register=row.register, dataset=row.name, reason=str(reason)))
            continue
        issued, modified = dates.get(f"dataset:{row.register}/{row.name}", (None, None))
        found.append(
            OpenDataset(
                path=(row.register, row.name),
                register=row.register,
                title=row.title,
                description=_description(row, fields),
                owner_office=row.owner_office,
                licence=row.licence,
                theme=theme_of(row.register),
                keywords=tuple(row.keywords or ()),
                legal=_legal(list(row.legal_basis or ()), bases),
                contact_emails=tuple(emails.get(row.register, ())),
                distributions=(
                    Distribution(key="distribution", title=row.title, access_url=row.access_url),
                ),
                issued=issued,
                modified=modified,
            )
        )
    return found, skipped


def open_url(public_base_url: str, code: str, file: str) -> str:
    return f"{public_base_url.rstrip('/')}/open/{code}/{file}"


async def aggregate_datasets(
    session: AsyncSession,
    *,
    bases: Mapping[str, LegalBasis],
    emails: Mapping[str, list[str]],
    public_base_url: str,
) -> list[OpenDataset]:
    """Approved aggregates with at least one publication; the latest files as distributions."""
    offices = await repo.register_offices(session)
    spans = await repo.publication_spans(session)
    definitions = await repo.approved_aggregate_definitions(session)
    found = []
    for row in definitions:
        if row.code not in spans:
            continue
        first, last, _ = spans[row.code]
        found.append(
            OpenDataset(
                path=("aggregate", row.code),
                register=row.source_register,
                title=row.title,
                description=row.description or row.title,
                owner_office=offices.get(row.source_register, ""),
                licence=row.licence,
                theme=theme_of(row.source_register),
                keywords=tuple(row.keywords or ()),
                legal=_legal(list(row.legal_basis or ()), bases),
                contact_emails=tuple(emails.get(row.source_register, ())),
                distributions=tuple(
                    Distribution(
                        key=f"latest-{ext}",
                        title=f"{row.title} ({ext.upper()}, neuester Stand)",
                        access_url=open_url(public_base_url, row.code, f"latest.{ext}"),
                        download=True,
                        issued=last,
                    )
                    for ext in ("csv", "json")
                ),
                issued=first,
                modified=last,
                landing_page=open_url(public_base_url, row.code, ""),
            )
        )
    return found


async def dcat_export(
    session: AsyncSession,
    *,
    settings: DcatSettings,
    public_base_url: str = "",
    page: int | None = None,
) -> DcatExport:
    """The catalogue as DCAT-AP.de; ``page`` (from 1) pages it with hydra."""
    bases = {row.code: row for row in await all_rows(session, LegalBasis)}
    emails = await _steward_emails(session)
    datasets, skipped = await catalogue_datasets(session, bases=bases, emails=emails)
    if public_base_url:
        datasets += await aggregate_datasets(
            session, bases=bases, emails=emails, public_base_url=public_base_url
        )
    shown, paging = datasets, None
    if page is not None:
        shown, paging = page_of(datasets, number=page, size=settings.page_size)
    return DcatExport(
        graph=build_graph(settings, shown, page=paging),
        published=["/".join(dataset.path) for dataset in shown],
        skipped=skipped,
    )
