package hub.authz_test

import rego.v1

import data.hub.authz

# --- tables -----------------------------------------------------------------

test_s34_abs1_s1_has_16_fields if {
	count(authz.melde_s34_abs1_s1) == 16
	not "idnr" in authz.melde_s34_abs1_s1
	not "religion" in authz.melde_s34_abs1_s1
	not "id_docs" in authz.melde_s34_abs1_s1
	not "azr_no" in authz.melde_s34_abs1_s1
}

test_melde_field_ids_match_contract if {
	authz.melde_fields == {
		"name", "prev_names", "given_names", "doctor", "religious_artist_name", "birth",
		"sex", "idnr", "legal_rep", "nationality", "religion", "addresses", "move_dates",
		"marital", "spouse", "children", "id_docs", "azr_no", "blocks", "death",
		"vote_excl", "elstam", "vbm", "passport_denial", "weapons", "explosives",
		"residence_queries", "landlord",
	}
}

test_s3_abs1_and_abs2_are_disjoint if {
	count(authz.melde_s3_abs1 & authz.melde_s3_abs2) == 0
}

# --- legal maximum per route ------------------------------------------------

city_maximum(authority, purpose) := fields_max if {
	inp := office_input(authority, "city_office", purpose, [], ["name"])
	fields_max := authz.legal_maximum with input as inp
}

test_city_office_maximum_is_all_s3_abs1_data if {
	city_maximum("wohngeldstelle", "wohngeld_antrag") == authz.melde_s3_abs1
}

test_city_office_never_gets_elstam_or_vbm if {
	every authority in ["wohngeldstelle", "steueramt", "wahlamt", "waffenbehoerde", "ordnungsamt", "bzst"] {
		fields_max := city_maximum(authority, "waffenrecht_zuverlaessigkeit")
		not "elstam" in fields_max
		not "vbm" in fields_max
	}
}

test_wahlamt_maximum_includes_vote_excl if {
	"vote_excl" in city_maximum("wahlamt", "waehlerverzeichnis")
}

test_other_city_offices_never_get_vote_excl if {
	every authority in ["wohngeldstelle", "steueramt", "ordnungsamt", "meldebehoerde", "standesamt"] {
		not "vote_excl" in city_maximum(authority, "waehlerverzeichnis")
	}
}

test_waffenbehoerde_maximum_includes_weapons if {
	fields_max := city_maximum("waffenbehoerde", "waffenrecht_zuverlaessigkeit")
	"weapons" in fields_max
	"explosives" in fields_max
	not "vote_excl" in fields_max
}

test_ordnungsamt_gets_weapons_only_for_weapons_purpose if {
	"weapons" in city_maximum("ordnungsamt", "waffenrecht_zuverlaessigkeit")
	"explosives" in city_maximum("ordnungsamt", "waffenrecht_zuverlaessigkeit")
	not "weapons" in city_maximum("ordnungsamt", "owi_anhoerung")
	not "explosives" in city_maximum("ordnungsamt", "owi_anhoerung")
}

test_wohngeldstelle_no_weapons_even_for_weapons_purpose if {
	not "weapons" in city_maximum("wohngeldstelle", "waffenrecht_zuverlaessigkeit")
}

test_public_body_maximum_is_s34_abs1_s1 if {
	inp := office_input("jobcenter", "public_body", "sgb2_leistung", [], ["name"])
	fields_max := authz.legal_maximum with input as inp
	fields_max == authz.melde_s34_abs1_s1
}

test_bzst_gets_elstam_and_vbm if {
	inp := office_input("bzst", "public_body", "idnr_vergabe", [], ["name"])
	fields_max := authz.legal_maximum with input as inp
	fields_max == authz.melde_s34_abs1_s1 | {"elstam", "vbm"}
}

test_security_and_justice_maximum if {
	expected := authz.melde_s34_abs1_s1 | {"id_docs", "passport_denial", "weapons", "explosives", "landlord"}
	every category in ["security_authority", "justice_authority"] {
		inp := office_input("polizei", category, "strafverfolgung", [], ["name"])
		fields_max := authz.legal_maximum with input as inp
		fields_max == expected
	}
}

test_g8_categories_have_empty_maximum if {
	every category in ["eu_public_body", "private", "media"] {
		inp := office_input("x", category, "p", [], ["name"])
		fields_max := authz.legal_maximum with input as inp
		count(fields_max) == 0
	}
}

test_gewerbe_public_maximum if {
	inp := gewerbe_input("private", ["name"])
	fields_max := authz.legal_maximum with input as inp
	fields_max == {"name", "geschaeftsbezeichnung", "betriebliche_anschrift", "taetigkeit"}
}

# --- released = requested ∩ maximum ∩ allow-list ∩ approved -----------------

test_released_is_the_intersection if {
	inp := object.union(wohngeld_fields(["name", "birth", "religion", "vote_excl", "sex"]), {
		"register": {"fields": {"birth": {"release": "unreviewed"}}},
		"purpose": {"allowance": {"fields": ["name", "birth", "religion", "vote_excl"]}},
	})
	result := decide(inp)
	result.outcome == "released"
	result.fields == ["name", "religion"] # religion: §3 Abs. 1 Nr. 11, all of it may go to a city office
	result.withheld == ["birth", "sex", "vote_excl"]
	"field_not_approved" in result.reasons
	"field_not_in_allowlist" in result.reasons
	"field_beyond_legal_maximum" in result.reasons
}

test_released_fields_sorted if {
	result := decide(wohngeld_fields(["name", "addresses", "birth"]))
	result.fields == ["addresses", "birth", "name"]
}

test_wahlamt_vote_excl_released if {
	inp := office_input("wahlamt", "city_office", "waehlerverzeichnis", ["name", "addresses", "vote_excl"], ["name", "vote_excl"])
	result := decide(inp)
	result.outcome == "released"
	result.fields == ["name", "vote_excl"]
	result.withheld == []
	"BMG §5 Abs. 3" in result.legal_basis
	"BMG §34 Abs. 3" in result.legal_basis
}

test_wohngeldstelle_vote_excl_withheld_even_if_allow_listed if {
	inp := office_input("wohngeldstelle", "city_office", "wohngeld_antrag", ["name", "vote_excl"], ["name", "vote_excl"])
	result := decide(inp)
	result.outcome == "released"
	result.fields == ["name"]
	result.withheld == ["vote_excl"]
	"field_beyond_legal_maximum" in result.reasons
	"BMG §5 Abs. 3" in result.legal_basis
	not "BMG §34 Abs. 3" in result.legal_basis
}

test_wohngeldstelle_vote_excl_alone_denied if {
	inp := office_input("wohngeldstelle", "city_office", "wohngeld_antrag", ["name", "vote_excl"], ["vote_excl"])
	denied_with(inp, "no_releasable_fields")
	decide(inp).withheld == ["vote_excl"]
}

test_city_office_may_get_religion_if_allow_listed if {
	inp := office_input("steueramt", "city_office", "kirchensteuer", ["religion"], ["religion"])
	decide(inp).fields == ["religion"]
}

test_public_body_religion_withheld if {
	inp := office_input("jobcenter", "public_body", "sgb2_leistung", ["name", "religion"], ["name", "religion"])
	result := decide(inp)
	result.fields == ["name"]
	result.withheld == ["religion"]
	"field_beyond_legal_maximum" in result.reasons
	"BMG §34 Abs. 1" in result.legal_basis
}

test_public_body_id_docs_withheld_security_released if {
	public := decide(office_input("jobcenter", "public_body", "p", ["name", "id_docs"], ["name", "id_docs"]))
	public.withheld == ["id_docs"]
	police := decide(office_input("polizei", "security_authority", "p", ["name", "id_docs", "weapons"], ["name", "id_docs", "weapons"]))
	police.fields == ["id_docs", "name", "weapons"]
	"BMG §34 Abs. 4" in police.legal_basis
	"BMG §34 Abs. 1 S. 2" in police.legal_basis
}

test_bzst_elstam_released_jobcenter_not if {
	bzst := decide(office_input("bzst", "public_body", "p", ["elstam"], ["elstam"]))
	bzst.fields == ["elstam"]
	jobcenter := decide(office_input("jobcenter", "public_body", "p", ["elstam"], ["elstam"]))
	jobcenter.outcome == "denied"
	"field_beyond_legal_maximum" in jobcenter.reasons
}

test_field_not_in_allowlist_withheld if {
	result := decide(wohngeld_fields(["name", "religion"]))
	result.fields == ["name"]
	result.withheld == ["religion"]
	"field_not_in_allowlist" in result.reasons
	not "field_beyond_legal_maximum" in result.reasons
	"DSGVO Art. 5 Abs. 1 lit. c" in result.legal_basis
}

test_field_not_approved_withheld if {
	every status in ["unreviewed", "revoked", null, "APPROVED"] {
		result := decide(object.union(wohngeld_fields(["name", "birth"]), {"register": {"fields": {"birth": {"release": status}}}}))
		result.fields == ["name"]
		result.withheld == ["birth"]
		"field_not_approved" in result.reasons
	}
}

test_field_status_missing_not_approved if {
	result := decide(json.remove(wohngeld_fields(["name", "birth"]), ["register/fields/birth/release"]))
	result.withheld == ["birth"]
	"field_not_approved" in result.reasons
}

test_field_unknown_to_catalogue_withheld if {
	inp := json.remove(wohngeld_fields(["name", "birth"]), ["register/fields/birth"])
	result := decide(inp)
	result.fields == ["name"]
	"field_unknown" in result.reasons
}

test_register_fields_missing_denied if {
	inp := json.remove(wohngeld_input, ["register/fields"])
	denied_with(inp, "no_releasable_fields")
	"field_unknown" in decide(inp).reasons
}

test_register_fields_not_an_object_denied if {
	denied_with(patched({"register": {"fields": ["name", "given_names"]}}), "no_releasable_fields")
}

test_allowance_fields_missing_denied if {
	denied_with(removed(["purpose/allowance/fields"]), "no_releasable_fields")
}

test_allowance_fields_not_a_list_denied if {
	denied_with(patched({"purpose": {"allowance": {"fields": "name"}}}), "no_releasable_fields")
}

test_nothing_releasable_denied_and_all_withheld if {
	inp := object.union(wohngeld_fields(["name", "birth"]), {"register": {"fields": {
		"name": {"release": "revoked"},
		"birth": {"release": "unreviewed"},
	}}})
	denied_with(inp, "no_releasable_fields")
	decide(inp).withheld == ["birth", "name"]
}

test_denied_request_withholds_everything if {
	result := decide(patched({"user": null}))
	result.fields == []
	result.withheld == ["addresses", "birth", "given_names", "name"]
}

test_field_reasons_only_after_preconditions if {
	result := decide(object.union(wohngeld_fields(["religion"]), {"user": null}))
	not "field_not_in_allowlist" in result.reasons
	not "no_releasable_fields" in result.reasons
}

# --- G10 IdNr ---------------------------------------------------------------

test_idnr_withheld_for_city_office if {
	inp := object.union(wohngeld_fields(["name", "idnr"]), {"purpose": {"allowance": {"fields": ["name", "idnr"]}}})
	result := decide(inp)
	result.fields == ["name"]
	result.withheld == ["idnr"]
	"idnr_requires_special_basis" in result.reasons
	not "field_beyond_legal_maximum" in result.reasons
	"IDNrG §5 Abs. 1" in result.legal_basis
}

test_idnr_alone_denied if {
	inp := object.union(wohngeld_fields(["idnr"]), {"purpose": {"allowance": {"fields": ["idnr"]}}})
	denied_with(inp, "no_releasable_fields")
	"idnr_requires_special_basis" in decide(inp).reasons
}

test_idnr_withheld_for_public_body_beyond_maximum if {
	result := decide(office_input("bzst", "public_body", "p", ["name", "idnr"], ["name", "idnr"]))
	result.withheld == ["idnr"]
	"idnr_requires_special_basis" in result.reasons
	"field_beyond_legal_maximum" in result.reasons
}

test_idnr_withheld_for_security_authority if {
	result := decide(office_input("polizei", "security_authority", "p", ["name", "idnr"], ["name", "idnr"]))
	result.withheld == ["idnr"]
}

test_idnr_not_opened_by_allowance_legal_basis_yet if {
	inp := object.union(wohngeld_fields(["name", "idnr"]), {"purpose": {"allowance": {
		"fields": ["name", "idnr"],
		"legal_basis": ["IDNrG §5 Abs. 1", "OZG §10"],
	}}})
	decide(inp).withheld == ["idnr"]
}

# --- Gewerberegister public data -------------------------------------------

test_gewerbe_public_fields_released_to_anyone if {
	every category in ["city_office", "public_body", "security_authority", "justice_authority", "private", "media", "eu_public_body"] {
		result := decide(gewerbe_input(category, ["name", "taetigkeit"]))
		result.outcome == "released"
		result.fields == ["name", "taetigkeit"]
		"GewO §14 Abs. 5 S. 2" in result.legal_basis
		result.notice == null
	}
}

test_gewerbe_protected_field_withheld_on_public_route if {
	result := decide(gewerbe_input("private", ["name", "given_names"]))
	result.fields == ["name"]
	result.withheld == ["given_names"]
	"field_beyond_legal_maximum" in result.reasons
}

test_gewerbe_protected_routes_maximum_is_all_fields if {
	inp := steueramt_abs6_input
	authz.legal_maximum == authz.gewerbe_public_fields | authz.gewerbe_protected_fields with input as inp
	count(authz.gewerbe_public_fields | authz.gewerbe_protected_fields) == 16
}

test_gewerbe_public_route_maximum_excludes_protected if {
	inp := gewerbe_input("private", ["name"])
	count(authz.legal_maximum & authz.gewerbe_protected_fields) == 0 with input as inp
}

test_pstr_research_route_has_no_maximum if {
	inp := pstr_input("statistikstelle", "city_office", "kommunalstatistik")
	authz.legal_maximum == set() with input as inp
}
