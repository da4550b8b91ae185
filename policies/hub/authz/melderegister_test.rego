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

# --- §34a Abs. 6 exception (row M3 of policies/COVERAGE.md) -----------------

test_sperre_exception_police_leitung_released if {
	inp := police_input(["behoerdenleitung"])
	result := decide(records(inp, [blocked_hit(0)]))
	result.outcome == "released"
	result.hits == [{"index": 0, "action": "release", "strip": [], "notice": authz.auskunftssperre_notice}]
	"auskunftssperre_exception_34a_6" in result.reasons
	not "auskunftssperre" in result.reasons
	"BMG §34a Abs. 6" in result.legal_basis
}

test_sperre_exception_besonders_ermaechtigt_released if {
	inp := police_input(["besonders_ermaechtigt"])
	decide(records(inp, [blocked_hit(0)])).hits[0].action == "release"
}

test_sperre_exception_needs_trusted_role if {
	inp := police_input([])
	result := decide(records(inp, [blocked_hit(0)]))
	result.outcome == "neutral"
	result.hits[0].action == "hold"
}

test_sperre_exception_other_role_not_enough if {
	inp := police_input(["sachbearbeitung"])
	decide(records(inp, [blocked_hit(0)])).hits[0].action == "hold"
}

test_sperre_exception_not_for_sperre_on_behalf_of_security_authority if {
	inp := police_input(["behoerdenleitung"])
	hit := hit_with(0, {"auskunftssperre": {"basis": "amts_wegen", "initiator": "verfassungsschutz"}})
	result := decide(records(inp, [hit]))
	result.hits[0].action == "hold"
	"notify_sperre_initiator" in result.reasons
}

test_sperre_exception_for_sperre_of_register_office_itself if {
	inp := police_input(["behoerdenleitung"])
	hit := hit_with(0, {"auskunftssperre": {"basis": "amts_wegen", "initiator": "meldebehoerde"}})
	decide(records(inp, [hit])).hits[0].action == "release"
}

test_sperre_exception_unknown_basis_held if {
	inp := police_input(["behoerdenleitung"])
	hit := hit_with(0, {"auskunftssperre": {"initiator": "meldebehoerde"}})
	decide(records(inp, [hit])).hits[0].action == "hold"
}

test_sperre_exception_not_for_justice_authorities if {
	inp := object.union(
		office_input("staatsanwaltschaft", "justice_authority", "strafverfolgung", ["name"], ["name"]),
		{"user": {"roles": ["behoerdenleitung", "besonders_ermaechtigt"]}},
	)
	result := decide(records(inp, [blocked_hit(0)]))
	result.outcome == "neutral"
	result.hits[0].action == "hold"
}

test_sperre_exception_not_for_city_offices if {
	inp := object.union(wohngeld_input, {"user": {"roles": ["behoerdenleitung"]}})
	decide(records(inp, [blocked_hit(0)])).hits[0].action == "hold"
}

test_sperre_exception_not_in_free_search if {
	inp := object.union(free_input("polizei", "security_authority", ["name"], ["name"], ["street"]), {"user": {"roles": ["behoerdenleitung"]}})
	decide(records(inp, [blocked_hit(0)])).hits[0].action == "omit"
}

test_sperre_exception_not_in_confirm if {
	inp := object.union(confirm_input("polizei", "security_authority"), {"user": {"roles": ["behoerdenleitung"]}})
	result := decide(records(inp, [blocked_hit(0)]))
	result.outcome == "neutral"
	result.hits[0].action == "omit"
}

test_sperre_exception_plug_in_routes if {
	authz.auskunftssperre_exception_routes == {"melde_security"}
}

# --- §38 Abs. 5 waiver -------------------------------------------------------

test_waiver_blocked_hit_omitted_neutral_final if {
	inp := object.union(wohngeld_input, {"request": {"waive_follow_up": true}})
	result := decide(records(inp, [blocked_hit(0)]))
	result.outcome == "neutral"
	result.hits == [{"index": 0, "action": "omit", "strip": [], "notice": null}]
	"follow_up_waived" in result.reasons
	"BMG §38 Abs. 5" in result.legal_basis
}

test_waiver_keeps_task_when_initiator_must_be_notified if {
	inp := object.union(wohngeld_input, {"request": {"waive_follow_up": true}})
	hit := hit_with(0, {"auskunftssperre": {"basis": "amts_wegen", "initiator": "polizei"}})
	result := decide(records(inp, [hit]))
	result.hits[0].action == "hold"
	"notify_sperre_initiator" in result.reasons
	"follow_up_waived" in result.reasons
}

test_waiver_only_explicit_true if {
	inp := object.union(wohngeld_input, {"request": {"waive_follow_up": "yes"}})
	decide(records(inp, [blocked_hit(0)])).hits[0].action == "hold"
}

test_waiver_applies_to_archive_hold if {
	inp := object.union(wohngeld_fields(["name", "move_dates"]), {"request": {"waive_follow_up": true}})
	hit := hit_with(0, {"moved_away_on": "2001-01-01"})
	decide(records(inp, [hit])).hits[0].action == "omit"
}

test_waiver_leaves_clear_hits_released if {
	inp := object.union(wohngeld_input, {"request": {"waive_follow_up": true}})
	decide(records(inp, [clear_hit(0)])).hits[0].action == "release"
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

# --- helpers for the kinds ----------------------------------------------------

police_input(roles) := object.union(
	office_input("polizei", "security_authority", "gefahrenabwehr", ["name", "addresses"], ["name", "addresses"]),
	{"user": {"roles": roles}},
)

free_input(authority, category, allowed, requested, keys) := object.union(
	office_input(authority, category, "gefahrenabwehr_evakuierung", allowed, requested),
	{
		"request": {"kind": "free", "match_keys": keys},
		"purpose": {"allowance": {"kinds": ["free"]}},
	},
)

confirm_input(authority, category) := object.union(
	office_input(authority, category, "pruefung", ["name"], []),
	{
		"request": {"kind": "confirm", "match_keys": ["birth_date", "given_names", "name"]},
		"purpose": {"allowance": {"kinds": ["confirm"]}},
	},
)

free_all := [
	"name", "prev_names", "given_names", "doctor", "religious_artist_name", "birth", "sex",
	"nationality", "death", "addresses", "move_dates", "marital", "blocks", "spouse",
	"id_docs", "weapons", "explosives", "landlord", "passport_denial",
]

# --- Freie Suche (§34a Abs. 3; row M2 of policies/COVERAGE.md) ---------------

test_free_search_public_body_gets_34a_3_s1_set if {
	inp := free_input("landratsamt", "public_body", free_all, free_all, ["house_number", "street"])
	result := decide(inp)
	result.outcome == "released"
	result.fields == sort(authz.melde_free_s1)
	"move_dates" in result.withheld
	"marital" in result.withheld
	"field_beyond_legal_maximum" in result.reasons
	"BMG §34a Abs. 3" in result.legal_basis
}

test_free_search_security_gets_34a_3_s2_additions if {
	inp := free_input("polizei", "security_authority", free_all, free_all, ["street"])
	result := decide(inp)
	result.fields == sort(authz.melde_free_s1 | {"move_dates", "id_docs", "weapons", "explosives", "landlord"})
	"passport_denial" in result.withheld
	"blocks" in result.withheld
}

test_free_search_justice_gets_34a_3_s2_additions if {
	inp := free_input("staatsanwaltschaft", "justice_authority", free_all, free_all, ["street"])
	"id_docs" in decide(inp).fields
}

test_free_search_city_office_no_more_than_s1 if {
	inp := free_input("ordnungsamt", "city_office", free_all, free_all, ["street"])
	result := decide(inp)
	result.fields == sort(authz.melde_free_s1)
	"move_dates" in result.withheld
}

test_free_search_blocked_person_omitted if {
	inp := free_input("landratsamt", "public_body", ["name"], ["name"], ["street"])
	result := decide(records(inp, [clear_hit(0), blocked_hit(1)]))
	result.outcome == "released"
	result.hits[0].action == "release"
	result.hits[1] == {"index": 1, "action": "omit", "strip": [], "notice": null}
	"auskunftssperre_omitted" in result.reasons
	not "auskunftssperre" in result.reasons
}

test_free_search_legal_basis_does_not_reveal_omission if {
	inp := free_input("landratsamt", "public_body", ["name"], ["name"], ["street"])
	with_blocked := decide(records(inp, [clear_hit(0), blocked_hit(1)]))
	without := decide(records(inp, [clear_hit(0)]))
	with_blocked.legal_basis == without.legal_basis
}

test_free_search_only_blocked_neutral_without_task if {
	inp := free_input("landratsamt", "public_body", ["name"], ["name"], ["street"])
	result := decide(records(inp, [blocked_hit(0)]))
	result.outcome == "neutral"
	result.hits[0].action == "omit"
}

test_free_search_archived_record_omitted if {
	inp := free_input("landratsamt", "public_body", ["name", "sex"], ["name", "sex"], ["street"])
	hit := hit_with(0, {"deceased_on": "2001-01-01"})
	result := decide(records(inp, [hit]))
	result.hits[0].action == "omit"
	"archive_rule_13_2" in result.reasons
}

test_free_criterion_block_excluded if {
	inp := free_input("polizei", "security_authority", ["name"], ["name"], ["auskunftssperre", "street"])
	denied_with(inp, "selection_criterion_excluded")
}

test_free_criterion_related_person_excluded if {
	inp := free_input("landratsamt", "public_body", ["name"], ["name"], ["spouse_name"])
	denied_with(inp, "selection_criterion_excluded")
}

test_free_criterion_last_wegzug_excluded if {
	inp := free_input("landratsamt", "public_body", ["name"], ["name"], ["last_moved_away"])
	denied_with(inp, "selection_criterion_excluded")
}

test_free_criterion_beyond_s1_not_admitted if {
	inp := free_input("landratsamt", "public_body", ["name"], ["name"], ["religion"])
	denied_with(inp, "selection_criterion_not_admitted")
}

test_free_criterion_weapons_only_for_34_4_authorities if {
	public := free_input("landratsamt", "public_body", ["name"], ["name"], ["weapons"])
	denied_with(public, "selection_criterion_not_admitted")
	police := free_input("polizei", "security_authority", ["name"], ["name"], ["weapons"])
	decide(police).outcome == "released"
}

test_free_criteria_missing_denied if {
	inp := free_input("landratsamt", "public_body", ["name"], ["name"], [])
	denied_with(inp, "selection_criteria_missing")
}

test_free_criteria_not_checked_for_person_search if {
	inp := object.union(wohngeld_input, {"request": {"match_keys": ["name", "given_names", "religion"]}})
	decide(inp).outcome == "released"
}

# --- Datenbestätigung (§39a; row M16 of policies/COVERAGE.md) ----------------

test_confirm_permitted_without_fields if {
	result := decide(confirm_input("wohngeldstelle", "city_office"))
	result.outcome == "released"
	result.fields == []
	not "no_fields_requested" in result.reasons
	not "no_releasable_fields" in result.reasons
	"BMG §39a" in result.legal_basis
}

test_confirm_with_fields_denied if {
	inp := object.union(confirm_input("wohngeldstelle", "city_office"), {"request": {"fields": ["name"]}})
	denied_with(inp, "confirm_fields_requested")
}

test_confirm_single_match_released if {
	result := decide(records(confirm_input("jobcenter", "public_body"), [clear_hit(0)]))
	result.outcome == "released"
	result.hits == [{"index": 0, "action": "release", "strip": [], "notice": null}]
}

test_confirm_blocked_neutral_final if {
	result := decide(records(confirm_input("jobcenter", "public_body"), [blocked_hit(0)]))
	result.outcome == "neutral"
	result.hits == [{"index": 0, "action": "omit", "strip": [], "notice": null}]
	"datenbestaetigung_neutral" in result.reasons
}

test_confirm_blocked_on_behalf_of_police_keeps_task if {
	hit := hit_with(0, {"auskunftssperre": {"basis": "amts_wegen", "initiator": "polizei"}})
	result := decide(records(confirm_input("jobcenter", "public_body"), [hit]))
	result.outcome == "neutral"
	result.hits[0].action == "hold"
}

test_confirm_blocked_among_several_left_out if {
	result := decide(records(confirm_input("jobcenter", "public_body"), [clear_hit(0), blocked_hit(1)]))
	result.outcome == "released"
	[h.action | some h in result.hits] == ["release", "omit"]
}

test_confirm_no_match_neutral if {
	result := decide(records(confirm_input("jobcenter", "public_body"), []))
	result.outcome == "neutral"
	result.reasons == ["no_match"]
}

test_confirm_denied_without_allowance_kind if {
	inp := object.union(confirm_input("jobcenter", "public_body"), {"purpose": {"allowance": {"kinds": ["person"]}}})
	denied_with(inp, "kind_not_allowed")
}
