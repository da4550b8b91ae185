package hub.authz_test

import rego.v1

import data.hub.authz

gewerbe_all_fields := [
	"name", "geschaeftsbezeichnung", "betriebliche_anschrift", "taetigkeit",
	"given_names", "birth_date", "birth_place", "nationality", "private_address",
	"rechtsform", "registereintrag", "betriebsbeginn", "betriebsende",
	"beschaeftigte", "erlaubnisse", "abmeldegrund",
]

# METADATA
# title: A protected Gewerbe request; the allowance names the given norms
gewerbe_protected_input(authority, category, purpose, basis, requested) := object.union(gewerbe_input(category, requested), {
	"client": {"id": concat("-", ["c", authority]), "authority": authority},
	"request": {"purpose": purpose},
	"purpose": {
		"code": purpose,
		"legal_basis": basis,
		"allowance": {"kinds": ["person"], "fields": gewerbe_all_fields, "legal_basis": basis},
	},
})

steueramt_abs6_input := gewerbe_protected_input(
	"steueramt", "city_office", "gewerbesteuer_veranlagung",
	["GewO §14 Abs. 6 S. 1 Nr. 3", "GewO §14 Abs. 11"], ["name", "birth_date", "rechtsform"],
)

test_gewerbe_hits_all_released if {
	result := decide(records(gewerbe_input("private", ["name", "betriebliche_anschrift"]), [{"index": 0}, {"index": 1}]))
	result.outcome == "released"
	result.hits == [
		{"index": 0, "action": "release", "strip": [], "notice": null},
		{"index": 1, "action": "release", "strip": [], "notice": null},
	]
	result.notice == null
}

test_gewerbe_no_hits_neutral if {
	result := decide(records(gewerbe_input("media", ["name"]), []))
	result.outcome == "neutral"
	"no_match" in result.reasons
}

test_gewerbe_hit_eval_needs_public_route if {
	inp := object.union(gewerbe_input("private", ["name"]), {"request": {"purpose": "x"}})
	not authz.gewerbe_hit_eval(0, {"index": 0}) with input as inp
}

test_gewerbe_protected_purpose_records_denied if {
	inp := records(object.union(gewerbe_input("city_office", ["name"]), {"request": {"purpose": "gewerbeuntersagung_35"}, "purpose": {"code": "gewerbeuntersagung_35"}}), [{"index": 0}])
	result := decide(inp)
	result.outcome == "denied"
	result.hits == []
	"gewerbe_transfer_ground_missing" in result.reasons
	"GewO §14 Abs. 6 S. 1" in result.legal_basis
}

test_gewerbe_city_office_abs6_nr3_released_with_abs12_notice if {
	inp := steueramt_abs6_input
	authz.route == "gewerbe_protected" with input as inp
	result := decide(inp)
	result.outcome == "released"
	result.fields == ["birth_date", "name", "rechtsform"]
	contains(result.notice, "§ 14 Abs. 12 GewO")
	contains(result.notice, "gewerbesteuer_veranlagung")
	"GewO §14 Abs. 6" in result.legal_basis
	"GewO §14 Abs. 12" in result.legal_basis
	not "BMG §41" in result.legal_basis
}

test_gewerbe_protected_records_released if {
	result := decide(records(steueramt_abs6_input, [{"index": 0}]))
	result.outcome == "released"
	result.hits == [{"index": 0, "action": "release", "strip": [], "notice": null}]
	result.notice != null
}

test_gewerbe_public_fields_on_protected_route_no_notice if {
	inp := gewerbe_protected_input(
		"steueramt", "city_office", "gewerbesteuer_veranlagung",
		["GewO §14 Abs. 6 S. 1 Nr. 3"], ["name", "taetigkeit"],
	)
	result := decide(inp)
	result.outcome == "released"
	result.notice == null
	not "GewO §14 Abs. 12" in result.legal_basis
}

test_gewerbe_abs6_each_ground_accepted if {
	every ground in ["GewO §14 Abs. 6 S. 1 Nr. 1", "GewO §14 Abs. 6 S. 1 Nr. 2", "GewO §14 Abs. 6 S. 1 Nr. 3", "GewO §14 Abs. 8", "GewO §14 Abs. 8 Nr. 12", "GewO §14 Abs. 8 Nr. 3a"] {
		inp := gewerbe_protected_input("jugendamt", "city_office", "sgb8_hilfe", [ground], ["birth_date"])
		decide(inp).outcome == "released"
	}
}

test_gewerbe_abs6_near_misses_rejected if {
	every ground in ["GewO §14 Abs. 6 S. 2", "GewO §14 Abs. 6 S. 1", "GewO §14 Abs. 80", "GewO §14 Abs. 5 S. 2", "GewO §14 Abs. 9"] {
		inp := gewerbe_protected_input("jugendamt", "city_office", "sgb8_hilfe", [ground], ["birth_date"])
		denied_with(inp, "gewerbe_transfer_ground_missing")
	}
}

test_gewerbe_auslaenderbehoerde_abs8_nr12_released if {
	inp := gewerbe_protected_input(
		"auslaenderbehoerde", "city_office", "aufenthg_selbststaendigkeit",
		["GewO §14 Abs. 8 Nr. 12", "GewAnzV §3"], ["name", "nationality", "erlaubnisse"],
	)
	result := decide(inp)
	result.outcome == "released"
	result.fields == ["erlaubnisse", "name", "nationality"]
}

test_gewerbe_public_body_needs_ground_too if {
	inp := gewerbe_protected_input("landratsamt", "public_body", "gewerbeuntersagung_35", ["GewO §35"], ["birth_date"])
	denied_with(inp, "gewerbe_transfer_ground_missing")
}

test_gewerbeamt_own_use_abs5_s1 if {
	inp := gewerbe_protected_input("gewerbeamt", "city_office", "gewerbeuntersagung_35", ["GewO §35", "GewO §14 Abs. 5 S. 1"], ["birth_date"])
	decide(inp).outcome == "released"
	other := gewerbe_protected_input("ordnungsamt", "city_office", "gewerbeuntersagung_35", ["GewO §35", "GewO §14 Abs. 5 S. 1"], ["birth_date"])
	denied_with(other, "gewerbe_transfer_ground_missing")
}

test_gewerbe_polizei_strafverfolgung_abs9_released if {
	inp := gewerbe_protected_input("polizei", "security_authority", "strafverfolgung", ["GewO §14 Abs. 9"], gewerbe_all_fields)
	authz.route == "gewerbe_criminal" with input as inp
	result := decide(inp)
	result.outcome == "released"
	count(result.fields) == 16
	"GewO §14 Abs. 9" in result.legal_basis
	"GewO §14 Abs. 11" in result.legal_basis
	contains(result.notice, "§ 14 Abs. 12 GewO")
}

test_gewerbe_staatsanwaltschaft_strafverfolgung_abs9 if {
	inp := gewerbe_protected_input("staatsanwaltschaft", "justice_authority", "strafverfolgung", ["GewO §14 Abs. 9"], ["birth_date"])
	authz.route == "gewerbe_criminal" with input as inp
	decide(inp).outcome == "released"
}

test_gewerbe_owi_is_not_a_criminal_offence if {
	inp := gewerbe_protected_input("polizei", "security_authority", "owi_anhoerung", ["GewO §14 Abs. 9"], ["birth_date"])
	authz.route == "gewerbe_protected" with input as inp
	denied_with(inp, "gewerbe_owi_not_criminal_offence")
	"GewO §14 Abs. 9" in decide(inp).legal_basis
	city := gewerbe_protected_input("ordnungsamt", "city_office", "owi_anhoerung", ["OWiG §55"], ["birth_date"])
	denied_with(city, "gewerbe_owi_not_criminal_offence")
}

test_gewerbe_security_gefahrenabwehr_needs_abs6_nr2 if {
	without := gewerbe_protected_input("polizei", "security_authority", "gefahrenabwehr", ["GewO §14 Abs. 9"], ["birth_date"])
	denied_with(without, "gewerbe_transfer_ground_missing")
	with_ground := gewerbe_protected_input("polizei", "security_authority", "gefahrenabwehr", ["GewO §14 Abs. 6 S. 1 Nr. 2"], ["birth_date"])
	decide(with_ground).outcome == "released"
}

test_gewerbe_city_office_strafverfolgung_is_not_abs9 if {
	inp := gewerbe_protected_input("ordnungsamt", "city_office", "strafverfolgung", ["GewO §14 Abs. 9"], ["birth_date"])
	authz.route == "gewerbe_protected" with input as inp
	denied_with(inp, "gewerbe_transfer_ground_missing")
}

test_gewerbe_protected_g8_categories_not_served if {
	every category in ["private", "media", "eu_public_body"] {
		inp := gewerbe_protected_input("somebody", category, "gewerbeuntersagung_35", ["GewO §14 Abs. 6 S. 1 Nr. 3"], ["birth_date"])
		denied_with(inp, "category_not_served")
		decide(inp).legal_basis == ["GewO §14 Abs. 7"]
	}
}

test_gewerbe_protected_missing_case_reference_cites_abs11 if {
	inp := json.remove(steueramt_abs6_input, ["request/case_reference"])
	denied_with(inp, "missing_case_reference")
	"GewO §14 Abs. 11" in decide(inp).legal_basis
}

test_gewerbe_protected_missing_user_cites_abs11 if {
	inp := json.remove(steueramt_abs6_input, ["user/id"])
	denied_with(inp, "missing_user")
	"GewO §14 Abs. 11" in decide(inp).legal_basis
}

test_gewerbe_protected_without_allowance_denied if {
	inp := object.union(steueramt_abs6_input, {"purpose": {"allowance": null}})
	denied_with(inp, "purpose_not_allowed")
	not "gewerbe_transfer_ground_missing" in decide(inp).reasons
}
