package hub.authz_test

import rego.v1

import data.hub.authz

# Wohngeld request for name, birth, addresses and all three related-person fields.
family_request := wohngeld_fields(["name", "birth", "addresses", "spouse", "children", "legal_rep"])

# --- clear hit --------------------------------------------------------------

test_clear_hit_released if {
	result := decide(records(wohngeld_input, [clear_hit(0)]))
	result.outcome == "released"
	result.hits == [{"index": 0, "action": "release", "strip": [], "notice": null}]
	result.fields == ["addresses", "birth", "given_names", "name"]
}

# --- Auskunftssperre --------------------------------------------------------

test_blocked_hit_held_and_neutral if {
	result := decide(records(wohngeld_input, [blocked_hit(0)]))
	result.outcome == "neutral"
	result.hits == [{"index": 0, "action": "hold", "strip": [], "notice": null}]
	"auskunftssperre" in result.reasons
	"BMG §34a Abs. 5" in result.legal_basis
	"BMG §37 Abs. 2 S. 3" in result.legal_basis
	result.notice == null
}

test_blocked_hit_external_body_no_37_citation if {
	inp := records(office_input("jobcenter", "public_body", "sgb2_leistung", ["name"], ["name"]), [blocked_hit(0)])
	result := decide(inp)
	result.outcome == "neutral"
	"BMG §34a Abs. 5" in result.legal_basis
	not "BMG §37 Abs. 2 S. 3" in result.legal_basis
}

test_blocked_hit_amts_wegen_held if {
	hit := hit_with(0, {"auskunftssperre": {"basis": "amts_wegen", "initiator": "polizei"}})
	decide(records(wohngeld_input, [hit])).hits[0].action == "hold"
}

test_no_sperre_exception_yet_for_police_with_special_role if {
	inp := object.union(
		office_input("polizei", "security_authority", "gefahrenabwehr", ["name"], ["name"]),
		{"user": {"roles": ["besonders_ermaechtigt", "behoerdenleitung"]}},
	)
	result := decide(records(inp, [blocked_hit(0)]))
	result.outcome == "neutral"
	result.hits[0].action == "hold"
}

test_sperre_exception_plug_in_is_closed if {
	count(authz.auskunftssperre_exception_routes) == 0
	inp := office_input("polizei", "security_authority", "p", ["name"], ["name"])
	not authz.auskunftssperre_exception(blocked_hit(0)) with input as inp
}

test_missing_sperre_member_treated_as_blocked if {
	hit := json.remove(clear_hit(0), ["auskunftssperre"])
	decide(records(wohngeld_input, [hit])).hits[0].action == "hold"
}

test_any_non_null_sperre_value_holds if {
	every value in [true, "ja", {}, []] {
		decide(records(wohngeld_input, [hit_with(0, {"auskunftssperre": value})])).hits[0].action == "hold"
	}
}

test_non_object_hit_held if {
	decide(records(wohngeld_input, ["P-1"])).hits[0].action == "hold"
}

test_one_blocked_one_clear_released if {
	result := decide(records(wohngeld_input, [blocked_hit(0), clear_hit(1)]))
	result.outcome == "released"
	[hit.action | some hit in result.hits] == ["hold", "release"]
	"auskunftssperre" in result.reasons
}

test_all_blocked_neutral if {
	result := decide(records(wohngeld_input, [blocked_hit(0), blocked_hit(1)]))
	result.outcome == "neutral"
	not "no_match" in result.reasons
}

# --- no match ---------------------------------------------------------------

test_no_hits_neutral_no_match if {
	result := decide(records(wohngeld_input, []))
	result.outcome == "neutral"
	result.hits == []
	"no_match" in result.reasons
	result.notice == null
	result.fields == ["addresses", "birth", "given_names", "name"]
}

test_hits_missing_in_records_neutral if {
	result := decide(object.union(wohngeld_input, {"phase": "records"}))
	result.outcome == "neutral"
	"no_match" in result.reasons
	"hits_malformed" in result.reasons
}

test_hits_not_a_list_neutral if {
	result := decide(records(wohngeld_input, {"0": clear_hit(0)}))
	result.outcome == "neutral"
	"hits_malformed" in result.reasons
}

# --- related persons (§34a Abs. 5 S. 3) -------------------------------------

test_blocked_spouse_stripped_when_spouse_released if {
	hit := hit_with(0, {"related": [{"role": "spouse", "blocked": true}, {"role": "child", "blocked": false}]})
	result := decide(records(family_request, [hit]))
	result.outcome == "released"
	result.hits[0].action == "release"
	result.hits[0].strip == ["spouse"]
	"related_person_blocked" in result.reasons
	"BMG §34a Abs. 5 S. 3" in result.legal_basis
}

test_blocked_spouse_not_stripped_when_spouse_not_released if {
	hit := hit_with(0, {"related": [{"role": "spouse", "blocked": true}]})
	result := decide(records(wohngeld_input, [hit]))
	result.hits[0].strip == []
	not "related_person_blocked" in result.reasons
}

test_blocked_spouse_not_stripped_when_spouse_not_allow_listed if {
	hit := hit_with(0, {"related": [{"role": "spouse", "blocked": true}]})
	inp := object.union(wohngeld_fields(["name", "spouse"]), {"purpose": {"allowance": {"fields": ["name"]}}})
	result := decide(records(inp, [hit]))
	result.fields == ["name"]
	result.hits[0].strip == []
}

test_blocked_child_and_legal_rep_stripped if {
	hit := hit_with(0, {"related": [
		{"role": "child", "blocked": false},
		{"role": "child", "blocked": true},
		{"role": "legal_rep", "blocked": true},
	]})
	decide(records(family_request, [hit])).hits[0].strip == ["child", "legal_rep"]
}

test_unblocked_related_not_stripped if {
	hit := hit_with(0, {"related": [
		{"role": "spouse", "blocked": false},
		{"role": "child", "blocked": false},
		{"role": "legal_rep", "blocked": false},
	]})
	result := decide(records(family_request, [hit]))
	result.hits[0].strip == []
	not "related_person_blocked" in result.reasons
}

test_related_blocked_flag_missing_treated_as_blocked if {
	hit := hit_with(0, {"related": [{"role": "spouse"}, {"role": "child", "blocked": null}]})
	decide(records(family_request, [hit])).hits[0].strip == ["child", "spouse"]
}

test_related_list_missing_strips_released_related_fields if {
	hit := json.remove(clear_hit(0), ["related"])
	result := decide(records(family_request, [hit]))
	result.hits[0].strip == ["child", "legal_rep", "spouse"]
	"related_persons_unknown" in result.reasons
}

test_related_list_missing_irrelevant_without_related_fields if {
	hit := json.remove(clear_hit(0), ["related"])
	result := decide(records(wohngeld_input, [hit]))
	result.hits[0].strip == []
	not "related_persons_unknown" in result.reasons
}

test_unknown_related_role_ignored if {
	hit := hit_with(0, {"related": [{"role": "parent", "blocked": true}]})
	decide(records(family_request, [hit])).hits[0].strip == []
}

# --- bedingter Sperrvermerk (§52, §41 S. 2) ---------------------------------

test_bedingter_sperrvermerk_released_with_notice if {
	hit := hit_with(0, {"bedingter_sperrvermerk": true})
	result := decide(records(wohngeld_input, [hit]))
	result.outcome == "released"
	result.hits[0].action == "release"
	result.hits[0].notice == authz.bedingter_sperrvermerk_notice
	contains(result.hits[0].notice, "§ 41 Satz 2 BMG")
	"bedingter_sperrvermerk" in result.reasons
	"BMG §41 S. 2" in result.legal_basis
	"BMG §52" in result.legal_basis
}

test_no_bedingter_sperrvermerk_no_notice if {
	result := decide(records(wohngeld_input, [clear_hit(0)]))
	result.hits[0].notice == null
	not "bedingter_sperrvermerk" in result.reasons
}

test_bedingter_sperrvermerk_missing_gives_notice if {
	hit := json.remove(clear_hit(0), ["bedingter_sperrvermerk"])
	decide(records(wohngeld_input, [hit])).hits[0].notice == authz.bedingter_sperrvermerk_notice
}

test_bedingter_sperrvermerk_anything_but_false_gives_notice if {
	every value in [null, "ja", 1, {}] {
		hit := hit_with(0, {"bedingter_sperrvermerk": value})
		decide(records(wohngeld_input, [hit])).hits[0].notice == authz.bedingter_sperrvermerk_notice
	}
}

test_held_hit_has_no_notice if {
	hit := hit_with(0, {"auskunftssperre": {"basis": "antrag"}, "bedingter_sperrvermerk": true})
	decide(records(wohngeld_input, [hit])).hits[0] == {"index": 0, "action": "hold", "strip": [], "notice": null}
}

# --- §13 Abs. 2 archive (fail-safe hold) ------------------------------------

test_moved_away_long_ago_with_extra_fields_held if {
	hit := hit_with(0, {"moved_away_on": "2012-05-01"})
	result := decide(records(wohngeld_fields(["name", "marital"]), [hit]))
	result.outcome == "neutral"
	result.hits[0].action == "hold"
	"archive_rule_13_2" in result.reasons
	"BMG §13 Abs. 2" in result.legal_basis
}

test_moved_away_long_ago_subset_fields_released if {
	hit := hit_with(0, {"moved_away_on": "2012-05-01"})
	result := decide(records(wohngeld_input, [hit]))
	result.outcome == "released"
	not "archive_rule_13_2" in result.reasons
}

test_deceased_within_five_years_released if {
	# died 2021 -> archived from 2027-01-01; now is 2026-11-22
	hit := hit_with(0, {"deceased_on": "2021-12-31"})
	decide(records(wohngeld_fields(["name", "marital"]), [hit])).hits[0].action == "release"
}

test_deceased_just_over_five_years_held if {
	hit := hit_with(0, {"deceased_on": "2020-12-31"})
	decide(records(wohngeld_fields(["name", "marital"]), [hit])).hits[0].action == "hold"
}

test_archive_rule_not_for_security_authorities if {
	hit := hit_with(0, {"moved_away_on": "2001-01-01"})
	inp := office_input("polizei", "security_authority", "strafverfolgung", ["name", "marital"], ["name", "marital"])
	decide(records(inp, [hit])).hits[0].action == "release"
}

test_archive_malformed_date_held if {
	hit := hit_with(0, {"deceased_on": "01.03.2015"})
	decide(records(wohngeld_fields(["name", "marital"]), [hit])).hits[0].action == "hold"
}

test_archive_missing_now_held if {
	hit := hit_with(0, {"deceased_on": "2025-03-01"})
	inp := json.remove(records(wohngeld_fields(["name", "marital"]), [hit]), ["now"])
	decide(inp).hits[0].action == "hold"
}

test_archive_event_member_missing_held if {
	hit := json.remove(clear_hit(0), ["moved_away_on"])
	decide(records(wohngeld_fields(["name", "marital"]), [hit])).hits[0].action == "hold"
}

# --- hit index --------------------------------------------------------------

test_hit_index_echoed if {
	result := decide(records(wohngeld_input, [clear_hit(7), clear_hit(3)]))
	[hit.index | some hit in result.hits] == [7, 3]
}

test_hit_index_defaults_to_position if {
	hit := json.remove(clear_hit(0), ["index"])
	result := decide(records(wohngeld_input, [clear_hit(0), hit]))
	result.hits[1].index == 1
}
