package hub.authz_test

import rego.v1

import data.hub.authz

decision_keys := {"outcome", "fields", "withheld", "reasons", "legal_basis", "hits", "notice"}

# --- always defined, always the same shape ----------------------------------

test_decision_defined_for_empty_input if {
	result := decide({})
	object.keys(result) == decision_keys
	result.outcome == "denied"
	result.fields == []
	result.hits == []
	result.notice == null
}

test_decision_defined_for_non_object_inputs if {
	every inp in [null, "x", 1, [], true] {
		result := decide(inp)
		object.keys(result) == decision_keys
		result.outcome == "denied"
	}
}

test_decision_defined_without_input if {
	object.keys(authz.decision) == decision_keys
	authz.decision.outcome == "denied"
}

test_reasons_and_legal_basis_sorted if {
	result := decide(records(patched({"user": null, "request": {"case_reference": ""}}), []))
	result.reasons == sort(result.reasons)
	result.legal_basis == sort(result.legal_basis)
	count(result.reasons) >= 2
}

# --- outcome ----------------------------------------------------------------

test_request_phase_released_without_hits if {
	result := decide(wohngeld_input)
	result.outcome == "released"
	result.hits == []
	result.reasons == []
}

test_request_phase_ignores_hits if {
	result := decide(object.union(wohngeld_input, {"hits": [blocked_hit(0)]}))
	result.outcome == "released"
	result.hits == []
	not "auskunftssperre" in result.reasons
}

test_records_phase_denied_has_no_hits if {
	result := decide(records(patched({"request": {"case_reference": null}}), [clear_hit(0)]))
	result.outcome == "denied"
	result.hits == []
	not "no_match" in result.reasons
}

test_denied_is_default_without_route if {
	inp := patched({"request": {"register": "personenstandsregister"}, "register": {"id": "personenstandsregister"}})
	not authz.request_permitted with input as inp
}

test_permit_needs_releasable_fields if {
	inp := patched({"purpose": {"allowance": {"fields": []}}})
	not authz.request_permitted with input as inp
}

# --- legal basis ------------------------------------------------------------

test_released_city_request_cites_route_and_allowance if {
	result := decide(wohngeld_input)
	result.legal_basis == ["BMG §37 Abs. 1", "BMG §41", "WoGG"]
}

test_public_body_route_basis if {
	result := decide(office_input("jobcenter", "public_body", "sgb2_leistung", ["name"], ["name"]))
	"BMG §34 Abs. 1" in result.legal_basis
	not "BMG §37 Abs. 1" in result.legal_basis
}

test_security_route_basis if {
	every category in ["security_authority", "justice_authority"] {
		result := decide(office_input("polizei", category, "strafverfolgung", ["name"], ["name"]))
		"BMG §34 Abs. 4" in result.legal_basis
	}
}

test_allowance_basis_ignores_non_strings if {
	result := decide(patched({"purpose": {"allowance": {"legal_basis": ["WoGG", 5, null, ""]}}}))
	result.legal_basis == ["BMG §37 Abs. 1", "BMG §41", "WoGG"]
}

# --- §41 notice -------------------------------------------------------------

test_notice_for_released_melde_answer if {
	result := decide(records(wohngeld_input, [clear_hit(0)]))
	contains(result.notice, "§ 41 Satz 1 BMG")
	contains(result.notice, "wohngeld_antrag")
}

test_no_notice_for_neutral_or_denied if {
	decide(records(wohngeld_input, [])).notice == null
	decide(records(wohngeld_input, [blocked_hit(0)])).notice == null
	decide(removed(["user"])).notice == null
}

# --- no single missing or null member turns a deny into a permit -------------

denied_bases := [
	patched({"client": {"category": "media"}}),
	patched({"request": {"case_reference": ""}}),
	patched({"purpose": {"allowance": null}}),
	patched({"purpose": {"allowance": {"fields": ["religion"]}}}),
	wohngeld_fields(["vote_excl", "idnr"]),
	patched({"client": {"known": false}}),
]

member_paths := [
	"phase", "now", "client", "client/id", "client/authority", "client/category", "client/known",
	"user", "user/id", "user/roles", "request", "request/register", "request/kind", "request/purpose",
	"request/case_reference", "request/fields", "request/match_keys", "purpose", "purpose/code",
	"purpose/legal_basis", "purpose/allowance", "purpose/allowance/kinds", "purpose/allowance/fields",
	"purpose/allowance/legal_basis", "register", "register/id", "register/fields",
]

test_removing_a_member_never_permits if {
	every base in denied_bases {
		every path in member_paths {
			decide(json.remove(base, [path])).outcome == "denied"
		}
	}
}

# METADATA
# title: The member at a path can be set (its parent is an object)
settable(base, path) if {
	parts := split(path, "/")
	is_object(object.get(base, array.slice(parts, 0, count(parts) - 1), null))
}

test_nulling_a_member_never_permits if {
	every base in denied_bases {
		outcomes := [decide(nulled).outcome |
			some path in member_paths
			settable(base, path)
			nulled := json.patch(base, [{"op": "add", "path": concat("", ["/", path]), "value": null}])
		]
		count(outcomes) > 10
		every outcome in outcomes {
			outcome == "denied"
		}
	}
}

test_records_phase_blocked_hit_stays_held_whatever_is_removed if {
	every path in ["auskunftssperre", "bedingter_sperrvermerk", "deceased_on", "moved_away_on", "related", "index"] {
		hit := json.remove(blocked_hit(0), [path])
		decide(records(wohngeld_input, [hit])).outcome != "released"
	}
}

test_decision_outcome_manual_for_manual_route if {
	inp := jugendamt_pstr_input
	authz.route_manual with input as inp
	result := decide(inp)
	result.outcome == "manual"
	result.hits == []
}

test_decision_records_precedence_release_manual_archive_neutral if {
	both := decide(records(standesamt_input, [pstr_hit(0, {"entry_year": 1900}), pstr_hit(1, {})]))
	both.outcome == "released"
	archive_only := decide(records(standesamt_input, [pstr_hit(0, {"entry_year": 1900}), pstr_hit(1, {"entry_kind": "sterbe", "entry_year": 1980})]))
	archive_only.outcome == "archive"
	decide(records(standesamt_input, [])).outcome == "neutral"
}

test_decision_denied_request_never_manual if {
	inp := json.remove(jugendamt_pstr_input, ["request/case_reference"])
	decide(inp).outcome == "denied"
}

test_decision_abs12_notice_only_for_gewerbe_protected if {
	decide(steueramt_abs6_input).notice != null
	decide(gewerbe_input("city_office", ["name"])).notice == null
}
