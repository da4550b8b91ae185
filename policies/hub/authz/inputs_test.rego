package hub.authz_test

import rego.v1

import data.hub.authz

test_non_empty_string if {
	authz.non_empty_string("a")
	not authz.non_empty_string("")
	not authz.non_empty_string("  ")
	not authz.non_empty_string(null)
	not authz.non_empty_string(1)
}

test_phase_accessor if {
	authz.phase == "records" with input as {"phase": "records"}
	not authz.phase with input as {"phase": "Records"}
	not authz.phase with input as {}
}

test_requested_fields_accessor if {
	authz.requested_fields == {"name", "birth"} with input as {"request": {"fields": ["name", "birth", "name"]}}
	authz.requested_fields == set() with input as {"request": {"fields": "name"}}
	authz.requested_fields == set() with input as {}
	authz.requested_fields_malformed with input as {"request": {"fields": "name"}}
	authz.requested_fields_malformed with input as {"request": {"fields": [1]}}
	not authz.requested_fields_malformed with input as {"request": {"fields": null}}
	not authz.requested_fields_malformed with input as {}
}

test_allowance_accessors if {
	not authz.allowance with input as {"purpose": {"allowance": null}}
	not authz.allowance with input as {"purpose": {"allowance": ["x"]}}
	authz.allowance_fields == set() with input as {"purpose": {"allowance": {"fields": "name"}}}
	authz.allowance_kinds == {"person"} with input as {"purpose": {"allowance": {"kinds": ["person", 3]}}}
	authz.allowance_legal_basis == {"WoGG"} with input as {"purpose": {"allowance": {"legal_basis": ["WoGG", ""]}}}
}

test_approved_fields_accessor if {
	inp := {"register": {"fields": {
		"a": {"release": "approved"},
		"b": {"release": "unreviewed"},
		"c": {"release": "revoked"},
		"d": {},
		"e": "approved",
	}}}
	authz.approved_fields == {"a"} with input as inp
	authz.catalogue_fields == {"a", "b", "c", "d", "e"} with input as inp
	authz.approved_fields == set() with input as {"register": {"fields": [{"release": "approved"}]}}
}

test_now_year_accessor if {
	authz.now_year == 2026 with input as {"now": "2026-11-22"}
	not authz.now_year with input as {"now": "22.11.2026"}
	not authz.now_year with input as {}
}

test_hits_accessor if {
	authz.hits == [] with input as {"hits": {"a": 1}}
	authz.hits == [1] with input as {"hits": [1]}
}
