"""The Darmstadt default catalogue against the fixed codes and field IDs, and the law."""

import re
from collections import Counter

import pytest

from governance.defaults import (
    ALLOWANCES,
    AUTHORITIES,
    BMG_34_1_S1,
    BMG_34_1_S2,
    BMG_34A_3_FREE_SEARCH,
    GEWERBE_PUBLIC,
    PURPOSES,
    REGISTER_FIELDS,
    AllowanceDefault,
)

# Copies of the fixed names clients use (authority and purpose codes, field IDs), so that a
# change on either side shows up here.
FIXED_AUTHORITIES = {
    "city_office": (
        "wohngeldstelle",
        "ordnungsamt",
        "waffenbehoerde",
        "sozialamt",
        "jugendamt",
        "steueramt",
        "auslaenderbehoerde",
        "standesamt",
        "wahlamt",
        "statistikstelle",
        "gewerbeamt",
        "meldebehoerde",
    ),
    "public_body": ("jobcenter", "landratsamt", "bzst", "standesamt_extern"),
    "security_authority": ("polizei", "verfassungsschutz", "bnd", "mad", "zollfahndung"),
    "justice_authority": (
        "staatsanwaltschaft",
        "gericht",
        "justizvollzug",
        "hauptzollamt",
        "steuerfahndung",
    ),
    "eu_public_body": ("eu_gemeinde",),
    "private": ("privatperson",),
    "media": ("rundfunk",),
}
FIXED_PURPOSES = (
    "wohngeld_antrag",
    "sgb12_leistung",
    "sgb2_leistung",
    "sgb8_hilfe",
    "kinderschutz_8a",
    "owi_anhoerung",
    "waffenrecht_zuverlaessigkeit",
    "zweitwohnungsteuer",
    "hundesteuer",
    "waehlerverzeichnis",
    "aufenthg_verlaengerung",
    "aufenthg_selbststaendigkeit",
    "kommunalstatistik",
    "eheanmeldung",
    "beurkundung",
    "strafverfolgung",
    "gefahrenabwehr",
    "gefahrenabwehr_evakuierung",
    "erbenermittlung_bestattung",
    "gewerbesteuer_veranlagung",
    "gewerbeuntersagung_35",
    "vaterschaft_beistandschaft",
    "information",
)
FIXED_FIELDS = {
    "melderegister": {
        "name",
        "prev_names",
        "given_names",
        "doctor",
        "religious_artist_name",
        "birth",
        "sex",
        "idnr",
        "legal_rep",
        "nationality",
        "religion",
        "addresses",
        "move_dates",
        "marital",
        "spouse",
        "children",
        "id_docs",
        "azr_no",
        "blocks",
        "death",
        "vote_excl",
        "elstam",
        "vbm",
        "passport_denial",
        "weapons",
        "explosives",
        "residence_queries",
        "landlord",
    },
    "gewerberegister": {
        "name",
        "geschaeftsbezeichnung",
        "betriebliche_anschrift",
        "taetigkeit",
        "given_names",
        "birth_date",
        "birth_place",
        "nationality",
        "private_address",
        "rechtsform",
        "registereintrag",
        "betriebsbeginn",
        "betriebsende",
        "beschaeftigte",
        "erlaubnisse",
        "abmeldegrund",
    },
    "personenstandsregister": {
        "entry_kind",
        "entry_year",
        "registry_office",
        "entry_number",
        "persons",
        "entry_text",
    },
}
KINDS = {"person", "free", "confirm"}
# The city offices' Melderegister fields exactly as the city's rule matrix lists them
# (BMG §37; rows M6-M13 of policies/COVERAGE.md).
MATRIX_CITY_OFFICES = {
    ("wohngeldstelle", "wohngeld_antrag"): {
        "name",
        "prev_names",
        "given_names",
        "birth",
        "addresses",
        "move_dates",
        "marital",
        "spouse",
        "children",
        "legal_rep",
        "death",
        "blocks",
    },
    ("ordnungsamt", "owi_anhoerung"): {
        "name",
        "given_names",
        "doctor",
        "birth",
        "addresses",
        "move_dates",
        "legal_rep",
        "death",
        "blocks",
    },
    ("sozialamt", "sgb12_leistung"): {
        "name",
        "prev_names",
        "given_names",
        "birth",
        "sex",
        "nationality",
        "addresses",
        "move_dates",
        "marital",
        "spouse",
        "children",
        "legal_rep",
        "death",
        "blocks",
    },
    ("jugendamt", "sgb8_hilfe"): {
        "name",
        "given_names",
        "birth",
        "sex",
        "addresses",
        "move_dates",
        "legal_rep",
        "children",
        "marital",
        "spouse",
        "death",
        "blocks",
        "nationality",
    },
    ("steueramt", "zweitwohnungsteuer"): {
        "name",
        "given_names",
        "doctor",
        "birth",
        "addresses",
        "move_dates",
        "death",
        "legal_rep",
    },
    ("auslaenderbehoerde", "aufenthg_verlaengerung"): {
        "name",
        "prev_names",
        "given_names",
        "birth",
        "sex",
        "nationality",
        "addresses",
        "move_dates",
        "marital",
        "spouse",
        "children",
        "legal_rep",
        "id_docs",
        "azr_no",
        "death",
        "blocks",
    },
    ("standesamt", "eheanmeldung"): {
        "name",
        "prev_names",
        "given_names",
        "doctor",
        "birth",
        "sex",
        "nationality",
        "addresses",
        "marital",
        "spouse",
        "children",
        "legal_rep",
        "death",
    },
    ("wahlamt", "waehlerverzeichnis"): {
        "name",
        "given_names",
        "doctor",
        "birth",
        "addresses",
        "move_dates",
        "nationality",
        "vote_excl",
        "blocks",
    },
    ("waffenbehoerde", "waffenrecht_zuverlaessigkeit"): {
        "name",
        "given_names",
        "doctor",
        "birth",
        "addresses",
        "move_dates",
        "legal_rep",
        "death",
        "blocks",
        "weapons",
        "explosives",
    },
}

CATEGORY = {authority.code: authority.category for authority in AUTHORITIES}


def allowance(purpose: str, authority: str, register: str = "melderegister") -> AllowanceDefault:
    matches = [
        a
        for a in ALLOWANCES
        if (a.purpose, a.authority, a.register) == (purpose, authority, register)
    ]
    assert len(matches) == 1, (purpose, authority, register)
    return matches[0]


def melde_allowances_with(field: str) -> set[str]:
    return {a.authority for a in ALLOWANCES if a.register == "melderegister" and field in a.fields}


class TestAuthorities:
    @pytest.mark.parametrize(
        ("category", "code"),
        [(category, code) for category, codes in FIXED_AUTHORITIES.items() for code in codes],
    )
    def test_contract_code_present_with_its_category(self, category: str, code: str) -> None:
        assert CATEGORY[code] == category

    def test_codes_unique_and_titled(self) -> None:
        codes = [authority.code for authority in AUTHORITIES]
        assert len(codes) == len(set(codes))
        assert all(authority.title.strip() for authority in AUTHORITIES)


class TestPurposes:
    @pytest.mark.parametrize("code", FIXED_PURPOSES)
    def test_contract_code_present(self, code: str) -> None:
        assert code in {purpose.code for purpose in PURPOSES}

    def test_codes_unique(self) -> None:
        codes = [purpose.code for purpose in PURPOSES]
        assert len(codes) == len(set(codes))

    def test_registers_bases_and_use(self) -> None:
        used = {a.purpose for a in ALLOWANCES}
        for purpose in PURPOSES:
            assert purpose.register in FIXED_FIELDS
            assert purpose.legal_basis
            assert purpose.title
            assert purpose.description
            assert purpose.code in used, f"{purpose.code} is allowed to nobody"


class TestAllowances:
    def test_references_are_known(self) -> None:
        purposes = {purpose.code for purpose in PURPOSES}
        for a in ALLOWANCES:
            assert a.purpose in purposes
            assert a.authority in CATEGORY
            assert a.register in FIXED_FIELDS
            assert a.kinds
            assert set(a.kinds) <= KINDS

    def test_one_allowance_per_purpose_authority_and_register(self) -> None:
        keys = Counter((a.purpose, a.authority, a.register) for a in ALLOWANCES)
        assert [key for key, count in keys.items() if count > 1] == []

    def test_fields_are_contract_fields_of_their_register(self) -> None:
        for a in ALLOWANCES:
            assert a.fields
            assert len(set(a.fields)) == len(a.fields), a
            assert set(a.fields) <= FIXED_FIELDS[a.register], (a.purpose, a.authority)

    def test_register_field_constants_match_the_contract(self) -> None:
        assert {register: set(fields) for register, fields in REGISTER_FIELDS.items()} == (
            FIXED_FIELDS
        )
        assert len(BMG_34_1_S1) == 16
        assert set(BMG_34_1_S1) | set(BMG_34_1_S2) <= FIXED_FIELDS["melderegister"]

    def test_no_allowance_releases_the_idnr(self) -> None:
        assert [a for a in ALLOWANCES if "idnr" in a.fields] == []

    def test_vote_exclusion_only_for_the_wahlamt(self) -> None:
        assert melde_allowances_with("vote_excl") == {"wahlamt"}

    @pytest.mark.parametrize("field", ["elstam", "vbm"])
    def test_elstam_data_only_for_the_bzst(self, field: str) -> None:
        assert melde_allowances_with(field) == {"bzst"}

    def test_religion_released_to_nobody_by_default(self) -> None:
        assert melde_allowances_with("religion") == set()

    @pytest.mark.parametrize(("office", "purpose"), list(MATRIX_CITY_OFFICES))
    def test_city_offices_get_the_matrix_fields(self, office: str, purpose: str) -> None:
        granted = allowance(purpose, office)
        assert set(granted.fields) == MATRIX_CITY_OFFICES[office, purpose]
        assert "BMG §37 Abs. 1" in granted.legal_basis

    def test_external_public_bodies_stay_within_34_1_s1(self) -> None:
        for a in ALLOWANCES:
            if a.register == "melderegister" and CATEGORY[a.authority] == "public_body":
                extra = set(a.fields) - set(BMG_34_1_S1)
                assert extra <= ({"elstam", "vbm"} if a.authority == "bzst" else set()), a

    def test_security_and_justice_within_34_1_s1_and_s2(self) -> None:
        for a in ALLOWANCES:
            section_34_4 = CATEGORY[a.authority] in ("security_authority", "justice_authority")
            if a.register == "melderegister" and section_34_4:
                assert set(a.fields) == set(BMG_34_1_S1) | set(BMG_34_1_S2)
                assert a.purpose in ("strafverfolgung", "gefahrenabwehr")

    def test_no_protected_data_for_eu_private_or_media(self) -> None:
        for a in ALLOWANCES:
            if CATEGORY[a.authority] in ("eu_public_body", "private", "media"):
                assert (a.purpose, a.register) == ("information", "gewerberegister")

    @pytest.mark.parametrize("authority", ["landratsamt", "ordnungsamt"])
    def test_free_search_for_evacuations(self, authority: str) -> None:
        granted = allowance("gefahrenabwehr_evakuierung", authority)
        assert granted.kinds == ("free",)
        assert set(granted.fields) <= set(BMG_34A_3_FREE_SEARCH)

    @pytest.mark.parametrize("authority", [a.code for a in AUTHORITIES])
    def test_public_gewerbe_information_for_every_authority(self, authority: str) -> None:
        granted = allowance("information", authority, "gewerberegister")
        assert set(granted.fields) == set(GEWERBE_PUBLIC)
        assert granted.legal_basis == ("GewO §14 Abs. 5 S. 2",)

    def test_gewerbe_purposes(self) -> None:
        allowance("gewerbesteuer_veranlagung", "steueramt", "gewerberegister")
        for office in ("ordnungsamt", "gewerbeamt"):
            allowance("gewerbeuntersagung_35", office, "gewerberegister")
        for body in ("polizei", "staatsanwaltschaft"):
            assert (
                "GewO §14 Abs. 9"
                in allowance("strafverfolgung", body, "gewerberegister").legal_basis
            )

    def test_personenstand_purposes(self) -> None:
        for office in ("standesamt", "standesamt_extern"):
            allowance("beurkundung", office, "personenstandsregister")
        allowance("vaterschaft_beistandschaft", "jugendamt", "personenstandsregister")
        assert any(a.purpose == "erbenermittlung_bestattung" for a in ALLOWANCES)

    def test_approval_references(self) -> None:
        by_authority: dict[str, set[str]] = {}
        for a in ALLOWANCES:
            assert re.fullmatch(r"OB-Verfügung DEMO-2026-\d{3}", a.approval_reference)
            by_authority.setdefault(a.authority, set()).add(a.approval_reference)
        assert all(len(references) == 1 for references in by_authority.values())
        flat = [next(iter(references)) for references in by_authority.values()]
        assert len(flat) == len(set(flat))

    def test_legal_bases_are_written_uniformly(self) -> None:
        for basis in {b for a in ALLOWANCES for b in a.legal_basis} | {
            b for p in PURPOSES for b in p.legal_basis
        }:
            assert basis == basis.strip()
            if basis.startswith(("BMG ", "GewO ", "PStG ")):
                assert re.fullmatch(
                    r"(BMG|GewO|PStG) §\d+[a-z]?( Abs\. \d+)?( S\. \d+)?"
                    r"( Nr\. [\d, ]+)?",
                    basis,
                ), basis
