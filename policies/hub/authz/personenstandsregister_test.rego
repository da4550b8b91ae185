package hub.authz_test

import rego.v1

import data.hub.authz

pstr_field_list := ["entry_kind", "entry_year", "registry_office", "entry_number", "persons", "entry_text"]

# METADATA
# title: A Personenstandsregister request of an authority for a purpose
pstr_input(authority, category, purpose) := object.union(wohngeld_input, {
	"client": {"id": concat("-", ["c", authority]), "authority": authority, "category": category},
	"user": {"id": "s.standesbeamtin", "roles": []},
	"request": {
		"register": "personenstandsregister",
		"purpose": purpose,
		"case_reference": "STA-2026-0001",
		"fields": ["entry_kind", "entry_year", "persons", "entry_text"],
		"match_keys": ["entry_kind", "entry_year", "entry_number", "name", "birth_date"],
	},
	"purpose": {
		"code": purpose,
		"legal_basis": ["PStG §68 Abs. 2"],
		"allowance": {"kinds": ["person"], "fields": pstr_field_list, "legal_basis": ["PStG §68 Abs. 2"]},
	},
	"register": {"id": "personenstandsregister", "fields": all_approved(pstr_field_list)},
})

standesamt_input := pstr_input("standesamt", "city_office", "beurkundung")

jugendamt_pstr_input := pstr_input("jugendamt", "city_office", "vaterschaft_beistandschaft")

# METADATA
# title: Facts of a matched entry (adapter hit facts), patched
pstr_hit(index, patch) := object.union({
	"index": index,
	"entry_kind": "geburt",
	"entry_year": 1990,
	"event_date": "1990-04-03",
	"sperrvermerk": false,
	"stillgelegt": false,
	"adoption": false,
}, patch)

pstr_action(hit) := decide(records(standesamt_input, [hit])).hits[0].action

# --- Standesamt (PStG §68 Abs. 2) -------------------------------------------

test_pstr_standesamt_request_released if {
	inp := standesamt_input
	authz.route == "pstr_standesamt" with input as inp
	result := decide(inp)
	result.outcome == "released"
	result.fields == ["entry_kind", "entry_text", "entry_year", "persons"]
	"PStG §68 Abs. 2" in result.legal_basis
	result.notice == null
}

test_pstr_standesamt_extern_is_a_standesamt if {
	inp := pstr_input("standesamt_extern", "public_body", "eheanmeldung")
	authz.route == "pstr_standesamt" with input as inp
	decide(inp).outcome == "released"
}

test_pstr_clear_entry_released if {
	result := decide(records(standesamt_input, [pstr_hit(0, {})]))
	result.outcome == "released"
	result.hits == [{"index": 0, "action": "release", "strip": [], "notice": null}]
}

test_pstr_no_match_neutral if {
	result := decide(records(standesamt_input, []))
	result.outcome == "neutral"
	"no_match" in result.reasons
}

test_pstr_legal_maximum_is_suchverzeichnis_and_entry if {
	inp := standesamt_input
	authz.legal_maximum == {"entry_kind", "entry_year", "registry_office", "entry_number", "persons", "entry_text"} with input as inp
}

test_pstr_melde_field_beyond_legal_maximum if {
	inp := object.union(standesamt_input, {"request": {"fields": ["entry_text", "religion"]}})
	result := decide(inp)
	"field_beyond_legal_maximum" in result.reasons
	result.fields == ["entry_text"]
	"PStG §68 Abs. 2 S. 3" in result.legal_basis
}

# --- Fortführungsfristen (PStG §5 Abs. 5) -> archive ---------------------------

test_pstr_birth_older_than_110_years_archive if {
	result := decide(records(standesamt_input, [pstr_hit(0, {"entry_year": 1915, "event_date": "1915-02-01"})]))
	result.outcome == "archive"
	result.hits[0].action == "archive"
	"pstr_fortfuehrungsfrist_abgelaufen" in result.reasons
	"PStG §61 Abs. 2" in result.legal_basis
	"PStG §5 Abs. 5" in result.legal_basis
}

test_pstr_birth_within_110_years_released if {
	pstr_action(pstr_hit(0, {"entry_year": 1916})) == "release"
}

test_pstr_marriage_80_years if {
	pstr_action(pstr_hit(0, {"entry_kind": "ehe", "entry_year": 1945})) == "archive"
	pstr_action(pstr_hit(0, {"entry_kind": "ehe", "entry_year": 1946})) == "release"
}

test_pstr_partnership_80_years if {
	pstr_action(pstr_hit(0, {"entry_kind": "lebenspartnerschaft", "entry_year": 1945})) == "archive"
	pstr_action(pstr_hit(0, {"entry_kind": "lebenspartnerschaft", "entry_year": 2001})) == "release"
}

test_pstr_death_30_years if {
	pstr_action(pstr_hit(0, {"entry_kind": "sterbe", "entry_year": 1995})) == "archive"
	pstr_action(pstr_hit(0, {"entry_kind": "sterbe", "entry_year": 1996})) == "release"
}

test_pstr_archive_before_sperrvermerk if {
	pstr_action(pstr_hit(0, {"entry_year": 1900, "sperrvermerk": true})) == "archive"
}

# --- §64, §47 Abs. 4, §63 -> manual --------------------------------------------

test_pstr_sperrvermerk_manual if {
	result := decide(records(standesamt_input, [pstr_hit(0, {"sperrvermerk": true})]))
	result.outcome == "manual"
	result.hits[0].action == "manual"
	"pstr_sperrvermerk" in result.reasons
	"PStG §64" in result.legal_basis
}

test_pstr_stillgelegt_manual if {
	result := decide(records(standesamt_input, [pstr_hit(0, {"stillgelegt": true})]))
	result.outcome == "manual"
	"pstr_stillgelegt" in result.reasons
}

test_pstr_adoption_manual if {
	result := decide(records(standesamt_input, [pstr_hit(0, {"adoption": true})]))
	result.outcome == "manual"
	"pstr_adoption" in result.reasons
	"BGB §1758" in result.legal_basis
}

test_pstr_sbgg_and_abstammung_manual_when_supplied if {
	pstr_action(pstr_hit(0, {"sbgg": true})) == "manual"
	pstr_action(pstr_hit(0, {"abstammungsgutachten": true})) == "manual"
	pstr_action(pstr_hit(0, {"sbgg": false, "abstammungsgutachten": null})) == "release"
}

# --- fail safe: malformed facts never release -----------------------------------

test_pstr_malformed_facts_manual if {
	every hit in [
		json.remove(pstr_hit(0, {}), ["entry_kind"]),
		json.remove(pstr_hit(0, {}), ["entry_year"]),
		json.remove(pstr_hit(0, {}), ["sperrvermerk"]),
		pstr_hit(0, {"entry_kind": "taufe"}),
		pstr_hit(0, {"entry_year": "1990"}),
		pstr_hit(0, {"entry_year": 1990.5}),
		pstr_hit(0, {"sperrvermerk": null}),
		pstr_hit(0, {"adoption": "no"}),
		pstr_hit(0, {"sbgg": "yes"}),
	] {
		result := decide(records(standesamt_input, [hit]))
		result.outcome == "manual"
		"pstr_hit_facts_malformed" in result.reasons
	}
}

test_pstr_non_object_hit_manual if {
	result := decide(records(standesamt_input, ["PS-1"]))
	result.hits == [{"index": 0, "action": "manual", "strip": [], "notice": null}]
	result.outcome == "manual"
}

test_pstr_without_date_manual if {
	inp := json.remove(records(standesamt_input, [pstr_hit(0, {})]), ["now"])
	result := decide(inp)
	result.outcome == "manual"
	"pstr_hit_facts_malformed" in result.reasons
}

# --- outcome assembly: release > manual > archive > neutral ----------------------

test_pstr_release_beats_manual if {
	result := decide(records(standesamt_input, [pstr_hit(0, {"sperrvermerk": true}), pstr_hit(1, {})]))
	result.outcome == "released"
	[h.action | some h in result.hits] == ["manual", "release"]
}

test_pstr_manual_beats_archive if {
	result := decide(records(standesamt_input, [pstr_hit(0, {"entry_year": 1900}), pstr_hit(1, {"adoption": true})]))
	result.outcome == "manual"
}

# --- other authorities: §65 Ersuchen, manual at request level ---------------------

test_pstr_jugendamt_manual_at_request_level if {
	inp := jugendamt_pstr_input
	authz.route == "pstr_request" with input as inp
	result := decide(inp)
	result.outcome == "manual"
	result.hits == []
	result.notice == null
	"PStG §65 Abs. 1" in result.legal_basis
	"PStG §68 Abs. 3" in result.legal_basis
}

test_pstr_request_route_manual_in_records_phase if {
	result := decide(records(jugendamt_pstr_input, [pstr_hit(0, {})]))
	result.outcome == "manual"
	result.hits == []
}

test_pstr_every_other_category_manual if {
	every client in [
		["auslaenderbehoerde", "city_office", "aufenthg_verlaengerung"],
		["sozialamt", "city_office", "erbenermittlung_bestattung"],
		["ordnungsamt", "city_office", "erbenermittlung_bestattung"],
		["jobcenter", "public_body", "sgb2_leistung"],
		["polizei", "security_authority", "strafverfolgung"],
		["staatsanwaltschaft", "justice_authority", "strafverfolgung"],
		["gericht", "justice_authority", "erbenermittlung_bestattung"],
	] {
		decide(pstr_input(client[0], client[1], client[2])).outcome == "manual"
	}
}

test_pstr_manual_needs_purpose_case_reference_user if {
	denied_with(json.remove(jugendamt_pstr_input, ["request/purpose"]), "missing_purpose")
	denied_with(json.remove(jugendamt_pstr_input, ["request/case_reference"]), "missing_case_reference")
	denied_with(json.remove(jugendamt_pstr_input, ["user/id"]), "missing_user")
	"PStG §65 Abs. 1" in decide(json.remove(jugendamt_pstr_input, ["request/purpose"])).legal_basis
}

test_pstr_manual_needs_known_purpose_and_allowance if {
	unknown := object.union(jugendamt_pstr_input, {"purpose": {"code": "other"}})
	denied_with(unknown, "purpose_unknown")
	no_allowance := object.union(jugendamt_pstr_input, {"purpose": {"allowance": null}})
	denied_with(no_allowance, "purpose_not_allowed")
	"PStG §65 Abs. 1" in decide(no_allowance).legal_basis
}

# --- §66 research, G8 -----------------------------------------------------------

test_pstr_statistikstelle_research_denied if {
	inp := pstr_input("statistikstelle", "city_office", "kommunalstatistik")
	denied_with(inp, "pstr_research_not_served")
	"PStG §66" in decide(inp).legal_basis
}

test_pstr_research_purpose_denied_for_any_office if {
	denied_with(pstr_input("standesamt", "city_office", "wissenschaftliche_forschung"), "pstr_research_not_served")
	denied_with(pstr_input("statistikstelle", "city_office", "beurkundung"), "pstr_research_not_served")
}

test_pstr_private_media_eu_not_served if {
	every category in ["private", "media", "eu_public_body"] {
		inp := pstr_input("somebody", category, "beurkundung")
		denied_with(inp, "category_not_served")
		decide(inp).legal_basis == ["PStG §62"]
	}
}

test_pstr_hit_eval_only_on_standesamt_route if {
	inp := records(jugendamt_pstr_input, [pstr_hit(0, {})])
	not authz.pstr_hit_eval(0, pstr_hit(0, {})) with input as inp
}
