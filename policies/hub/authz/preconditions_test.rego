package hub.authz_test

import rego.v1

import data.hub.authz

# --- baseline ---------------------------------------------------------------

test_valid_request_passes_every_precondition if {
	inp := wohngeld_input
	count(authz.precondition_failures) == 0 with input as inp
}

test_valid_request_is_released if {
	decide(wohngeld_input).outcome == "released"
}

# --- phase ------------------------------------------------------------------

test_missing_phase_denied if {
	denied_with(removed(["phase"]), "phase_unknown")
}

test_unknown_phase_denied if {
	denied_with(patched({"phase": "answer"}), "phase_unknown")
}

# --- G1 client --------------------------------------------------------------

test_missing_client_denied if {
	denied_with(removed(["client"]), "client_unknown")
}

test_null_client_denied if {
	denied_with(patched({"client": null}), "client_unknown")
}

test_client_not_known_denied if {
	denied_with(patched({"client": {"known": false}}), "client_unknown")
}

test_client_known_missing_denied if {
	denied_with(removed(["client/known"]), "client_unknown")
}

test_client_known_truthy_string_denied if {
	denied_with(patched({"client": {"known": "true"}}), "client_unknown")
}

test_client_id_empty_denied if {
	denied_with(patched({"client": {"id": ""}}), "client_unknown")
}

test_client_without_authority_denied if {
	denied_with(removed(["client/authority"]), "client_unknown")
}

test_unknown_category_denied if {
	denied_with(patched({"client": {"category": "ministry"}}), "category_unknown")
}

test_missing_category_denied if {
	denied_with(removed(["client/category"]), "category_unknown")
}

test_known_category_passes_g1 if {
	inp := wohngeld_input
	not "category_unknown" in authz.precondition_failures with input as inp
}

# --- G8 categories not served -----------------------------------------------

test_g8_categories_denied_on_melderegister if {
	every category in ["eu_public_body", "private", "media"] {
		inp := office_input("x", category, "wohngeld_antrag", wohngeld_allowance_fields, ["name"])
		denied_with(inp, "category_not_served")
	}
}

test_g8_category_legal_basis if {
	result := decide(office_input("rundfunk", "media", "wohngeld_antrag", wohngeld_allowance_fields, ["name"]))
	"BMG §44" in result.legal_basis
	not "BMG §37 Abs. 1" in result.legal_basis
}

test_g8_category_served_for_public_gewerbe_data if {
	every category in ["eu_public_body", "private", "media"] {
		result := decide(gewerbe_input(category, ["name"]))
		result.outcome == "released"
		not "category_not_served" in result.reasons
	}
}

test_g8_category_denied_for_protected_gewerbe_data if {
	inp := object.union(gewerbe_input("private", ["given_names"]), {
		"request": {"purpose": "forderung"},
		"purpose": {"code": "forderung"},
	})
	denied_with(inp, "category_not_served")
	"GewO §14 Abs. 7" in decide(inp).legal_basis
}

test_served_categories_pass_g8 if {
	every category in ["city_office", "public_body", "security_authority", "justice_authority"] {
		inp := office_input("x", category, "p", ["name"], ["name"])
		not "category_not_served" in authz.precondition_failures with input as inp
	}
}

# --- G2 user ----------------------------------------------------------------

test_missing_user_denied if {
	denied_with(removed(["user"]), "missing_user")
}

test_user_id_missing_denied if {
	denied_with(removed(["user/id"]), "missing_user")
}

test_user_id_empty_denied if {
	denied_with(patched({"user": {"id": ""}}), "missing_user")
}

test_user_id_blank_denied if {
	denied_with(patched({"user": {"id": "   "}}), "missing_user")
}

test_user_id_not_a_string_denied if {
	denied_with(patched({"user": {"id": 42}}), "missing_user")
}

test_missing_user_cites_bmg_40 if {
	"BMG §40 Abs. 1" in decide(removed(["user"])).legal_basis
}

# --- G3 purpose and case reference ------------------------------------------

test_missing_purpose_code_denied if {
	denied_with(removed(["request/purpose"]), "missing_purpose")
}

test_empty_purpose_code_denied if {
	denied_with(patched({"request": {"purpose": ""}}), "missing_purpose")
}

test_missing_case_reference_denied if {
	denied_with(removed(["request/case_reference"]), "missing_case_reference")
}

test_blank_case_reference_denied if {
	denied_with(patched({"request": {"case_reference": " "}}), "missing_case_reference")
}

test_null_case_reference_denied if {
	denied_with(patched({"request": {"case_reference": null}}), "missing_case_reference")
}

test_missing_case_reference_cites_bmg_40 if {
	"BMG §40 Abs. 1" in decide(removed(["request/case_reference"])).legal_basis
}

test_missing_case_reference_on_gewerbe_cites_gewo if {
	inp := json.remove(gewerbe_input("private", ["name"]), ["request/case_reference"])
	denied_with(inp, "missing_case_reference")
	"GewO §14 Abs. 11" in decide(inp).legal_basis
}

# --- G4 catalogue -----------------------------------------------------------

test_missing_purpose_object_denied if {
	denied_with(removed(["purpose"]), "purpose_unknown")
}

test_null_purpose_object_denied if {
	denied_with(patched({"purpose": null}), "purpose_unknown")
}

test_purpose_object_for_other_code_denied if {
	denied_with(patched({"purpose": {"code": "sgb12_leistung"}}), "purpose_unknown")
}

test_null_allowance_denied if {
	denied_with(patched({"purpose": {"allowance": null}}), "purpose_not_allowed")
}

test_missing_allowance_denied if {
	denied_with(removed(["purpose/allowance"]), "purpose_not_allowed")
}

test_purpose_not_allowed_cites_bmg_37_2_for_city_office if {
	"BMG §37 Abs. 2" in decide(patched({"purpose": {"allowance": null}})).legal_basis
}

test_purpose_not_allowed_cites_bmg_34a_for_public_body if {
	inp := object.union(office_input("jobcenter", "public_body", "sgb2_leistung", ["name"], ["name"]), {"purpose": {"allowance": null}})
	"BMG §34a Abs. 1" in decide(inp).legal_basis
}

test_allowance_kinds_missing_denied if {
	denied_with(removed(["purpose/allowance/kinds"]), "kind_not_allowed")
}

test_allowance_kinds_not_a_list_denied if {
	denied_with(patched({"purpose": {"allowance": {"kinds": "person"}}}), "kind_not_allowed")
}

test_kind_outside_allowance_denied if {
	denied_with(patched({"purpose": {"allowance": {"kinds": ["confirm"]}}}), "kind_not_allowed")
}

test_missing_kind_denied if {
	denied_with(removed(["request/kind"]), "missing_kind")
}

test_unencoded_kind_pending_even_if_allowed if {
	inp := patched({"request": {"kind": "bulk"}, "purpose": {"allowance": {"kinds": ["person", "bulk"]}}})
	denied_with(inp, "kind_rules_pending")
}

# --- G5 fields requested ----------------------------------------------------

test_fields_not_a_list_denied if {
	denied_with(patched({"request": {"fields": "name"}}), "fields_malformed")
}

test_fields_object_denied if {
	denied_with(patched({"request": {"fields": {"name": true}}}), "fields_malformed")
}

test_fields_with_non_string_denied if {
	denied_with(patched({"request": {"fields": ["name", 7]}}), "fields_malformed")
}

test_empty_field_list_denied if {
	denied_with(patched({"request": {"fields": []}}), "no_fields_requested")
}

test_missing_field_list_denied if {
	denied_with(removed(["request/fields"]), "no_fields_requested")
}

test_null_field_list_denied if {
	denied_with(patched({"request": {"fields": null}}), "no_fields_requested")
}

# --- registers and routes ---------------------------------------------------

test_unknown_register_denied if {
	denied_with(patched({"request": {"register": "hunderegister"}}), "register_unknown")
}

test_missing_register_denied if {
	denied_with(removed(["request/register"]), "register_unknown")
}

test_catalogue_of_other_register_denied if {
	denied_with(patched({"register": {"id": "gewerberegister"}}), "register_mismatch")
}

test_catalogue_register_id_missing_denied if {
	denied_with(removed(["register/id"]), "register_mismatch")
}

test_personenstandsregister_other_office_is_an_ersuchen if {
	inp := patched({"request": {"register": "personenstandsregister"}, "register": {"id": "personenstandsregister"}})
	authz.route == "pstr_request" with input as inp
	not "register_rules_pending" in decide(inp).reasons
}

test_gewerbe_other_purpose_needs_abs6_ground if {
	inp := object.union(gewerbe_input("city_office", ["name"]), {
		"request": {"purpose": "gewerbesteuer_veranlagung"},
		"purpose": {"code": "gewerbesteuer_veranlagung"},
	})
	denied_with(inp, "gewerbe_transfer_ground_missing")
	not "category_not_served" in decide(inp).reasons
	not "register_rules_pending" in decide(inp).reasons
}

test_gewerbe_without_purpose_still_pending if {
	inp := json.remove(gewerbe_input("city_office", ["name"]), ["request/purpose"])
	denied_with(inp, "register_rules_pending")
	denied_with(inp, "missing_purpose")
}

test_routes_per_category if {
	routes := {
		"city_office": "melde_city",
		"public_body": "melde_public",
		"security_authority": "melde_security",
		"justice_authority": "melde_justice",
	}
	every category, expected in routes {
		inp := office_input("x", category, "p", [], [])
		authz.route == expected with input as inp
	}
}

test_no_route_for_g8_categories if {
	every category in ["eu_public_body", "private", "media", "other"] {
		inp := office_input("x", category, "p", [], [])
		not authz.route with input as inp
	}
}

test_gewerbe_route_only_for_information if {
	public_inp := gewerbe_input("private", ["name"])
	authz.route == "gewerbe_public" with input as public_inp
	inp := object.union(gewerbe_input("private", ["name"]), {"request": {"purpose": "x"}})
	not authz.route with input as inp
}

test_gewerbe_and_pstr_routes if {
	inp_public := gewerbe_input("private", ["name"])
	authz.route == "gewerbe_public" with input as inp_public
	inp_protected := steueramt_abs6_input
	authz.route == "gewerbe_protected" with input as inp_protected
	inp_criminal := gewerbe_protected_input("polizei", "security_authority", "strafverfolgung", ["GewO §14 Abs. 9"], ["birth_date"])
	authz.route == "gewerbe_criminal" with input as inp_criminal
	inp_standesamt := standesamt_input
	authz.route == "pstr_standesamt" with input as inp_standesamt
	inp_request := jugendamt_pstr_input
	authz.route == "pstr_request" with input as inp_request
	inp_research := pstr_input("statistikstelle", "city_office", "kommunalstatistik")
	authz.route == "pstr_research" with input as inp_research
}

test_gewerbe_protected_g8_no_route if {
	inp := gewerbe_protected_input("rundfunk", "media", "gewerbeuntersagung_35", ["GewO §14 Abs. 6 S. 1 Nr. 3"], ["birth_date"])
	not authz.route with input as inp
}

# --- G9 limits ---------------------------------------------------------------

test_wildcard_in_person_search_denied if {
	denied_with(patched({"request": {"wildcard_keys": ["name"]}}), "wildcard_in_person_search")
}

test_wildcard_in_person_search_cites_bmelddav if {
	"BMeldDAV §4 Abs. 7" in decide(patched({"request": {"wildcard_keys": ["name"]}})).legal_basis
}

test_no_wildcard_keys_pass if {
	decide(patched({"request": {"wildcard_keys": []}})).outcome == "released"
}

test_more_than_1000_hits_denied if {
	hit_list := [clear_hit(index) | some index in numbers.range(0, 1000)]
	count(hit_list) == 1001
	denied_with(records(wohngeld_input, hit_list), "hit_limit_exceeded")
}

test_1000_hits_not_limited if {
	hit_list := [clear_hit(index) | some index in numbers.range(0, 999)]
	result := decide(records(wohngeld_input, hit_list))
	not "hit_limit_exceeded" in result.reasons
	result.outcome == "released"
}
