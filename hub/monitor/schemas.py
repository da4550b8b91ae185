"""``GET /open/monitor.json``: the Digitalmonitor's figures (``hub.monitor.service.monitor``).

German member names, as the public page and its readers use them. ``null``: the figure is
suppressed (fewer than ``schwelle`` cases) or there is nothing to measure yet.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

_ANSWER = ConfigDict(extra="forbid")


class RegisterFigures(BaseModel):
    model_config = _ANSWER

    # BaseModel (an ABC) has a ``register`` method: the field keeps the name only as its alias.
    register_id: str = Field(alias="register")
    anfragen: int | None
    automatisch_beantwortet_prozent: float | None


class MonthFigures(BaseModel):
    model_config = _ANSWER

    monat: str = Field(description="YYYY-MM")
    anfragen: int | None
    automatisch_beantwortet_prozent: float | None
    an_die_meldebehoerde: int | None


class AuthorityFigures(BaseModel):
    model_config = _ANSWER

    behoerde: str = Field(description="an authority code, or the total")
    anfragen: int | None


class OfficeFigures(BaseModel):
    model_config = _ANSWER

    bearbeitungszeit_stunden_median: float | None
    bearbeitungszeit_stunden_p95: float | None
    offene_aufgaben: int
    aelteste_offene_aufgabe_tage: float | None


class CatalogueFigures(BaseModel):
    model_config = _ANSWER

    felder_geprueft_prozent: float | None
    zwecke_mit_rechtsgrundlage_prozent: float | None
    pflichten_fristgerecht_prozent: float | None


class LedgerFigures(BaseModel):
    model_config = _ANSWER

    letzter_signierter_pruefpunkt: str | None = Field(description="ISO 8601")
    eintraege_im_pruefpunkt: int | None


class MonitorFigures(BaseModel):
    model_config = _ANSWER

    stand: str = Field(description="ISO 8601")
    schwelle: int
    register_figures: list[RegisterFigures] = Field(alias="register")
    monate: list[MonthFigures]
    anfragen_nach_behoerde: list[AuthorityFigures]
    meldebehoerde: OfficeFigures
    datenkatalog: CatalogueFigures
    protokoll: LedgerFigures
    angeschlossene_verfahren: int
