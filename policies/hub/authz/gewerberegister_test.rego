package hub.authz_test

import rego.v1

import data.hub.authz

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
	"register_rules_pending" in result.reasons
}
