package hub.authz_test

import rego.v1

import data.hub.authz

test_every_reason_code_has_a_basis_entry if {
	codes := {
		"phase_unknown", "client_unknown", "category_unknown", "category_not_served",
		"missing_user", "missing_purpose", "missing_case_reference", "purpose_unknown",
		"purpose_not_allowed", "missing_kind", "kind_not_allowed", "kind_rules_pending",
		"fields_malformed", "no_fields_requested", "register_unknown", "register_mismatch",
		"register_rules_pending", "denied_by_default", "field_unknown",
		"field_beyond_legal_maximum", "field_not_in_allowlist", "field_not_approved",
		"idnr_requires_special_basis", "no_releasable_fields", "auskunftssperre",
		"archive_rule_13_2", "related_person_blocked", "related_persons_unknown",
		"bedingter_sperrvermerk", "no_match", "hits_malformed",
		"gewerbe_transfer_ground_missing", "gewerbe_owi_not_criminal_offence",
		"pstr_research_not_served", "pstr_fortfuehrungsfrist_abgelaufen", "pstr_sperrvermerk",
		"pstr_stillgelegt", "pstr_adoption", "pstr_sbgg", "pstr_abstammungsgutachten",
		"pstr_hit_facts_malformed",
		"auskunftssperre_omitted", "auskunftssperre_exception_34a_6", "follow_up_waived",
		"datenbestaetigung_neutral", "notify_sperre_initiator", "selection_criterion_excluded",
		"selection_criterion_not_admitted", "selection_criteria_missing", "confirm_fields_requested",
		"wildcard_in_person_search", "hit_limit_exceeded",
		# BMG §13 Abs. 2 S. 4
		"archive_exception_einwilligung", "archive_exception_wissenschaft",
		"archive_exception_beweisnot", "archive_exception_sicherheitsbehoerden",
		"archive_exception_wahlzwecke", "archive_exception_stag_verfahren",
		# BMG §52 Abs. 2
		"bedingter_sperrvermerk_anhoerung", "bedingter_sperrvermerk_aktuelle_anschrift",
	}
	object.keys(authz.reason_basis) == codes
}

test_every_route_has_a_basis if {
	every route_name in {
		"melde_city", "melde_public", "melde_security", "melde_justice", "gewerbe_public",
		"gewerbe_protected", "gewerbe_criminal", "pstr_standesamt", "pstr_request", "pstr_research",
	} {
		count(authz.route_basis[route_name]) > 0
		authz.route_reason_basis[route_name]
	}
}

test_emitted_reasons_all_in_table if {
	every inp in [
		{},
		records(wohngeld_input, [blocked_hit(0), hit_with(1, {"bedingter_sperrvermerk": true})]),
		wohngeld_fields(["idnr", "religion", "vote_excl", "unknown_field"]),
	] {
		result := decide(inp)
		every code in result.reasons {
			authz.reason_basis[code]
		}
	}
}

test_denial_cites_failed_precondition_norm if {
	"BMG §40 Abs. 1" in decide(removed(["request/case_reference"])).legal_basis
	"BMG §37 Abs. 2" in decide(patched({"purpose": {"allowance": null}})).legal_basis
	"DSGVO Art. 5 Abs. 1 lit. c" in decide(patched({"request": {"fields": []}})).legal_basis
}

test_hold_cites_34a_abs5 if {
	"BMG §34a Abs. 5" in decide(records(wohngeld_input, [blocked_hit(0)])).legal_basis
}

test_no_hold_norm_without_hold if {
	not "BMG §34a Abs. 5" in decide(records(wohngeld_input, [clear_hit(0)])).legal_basis
}

test_g8_basis_per_category if {
	eu := decide(office_input("eu_gemeinde", "eu_public_body", "wohngeld_antrag", ["name"], ["name"]))
	eu.legal_basis == ["BMG §35"]
	private := decide(office_input("privatperson", "private", "wohngeld_antrag", ["name"], ["name"]))
	private.legal_basis == ["BMG §44"]
}

test_allowance_basis_only_with_a_route if {
	inp := office_input("rundfunk", "media", "wohngeld_antrag", ["name"], ["name"])
	not "test basis" in decide(inp).legal_basis
	"test basis" in decide(office_input("wohngeldstelle", "city_office", "wohngeld_antrag", ["name"], ["name"])).legal_basis
}

test_s3_abs2_data_to_public_body_cites_34_3_and_34a_4 if {
	result := decide(office_input("bzst", "public_body", "elstam_bildung", ["elstam"], ["elstam"]))
	"BMG §34 Abs. 3" in result.legal_basis
	"BMG §34a Abs. 4" in result.legal_basis
	"BMG §5 Abs. 3" in result.legal_basis
}
