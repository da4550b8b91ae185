# METADATA
# title: Shared fixtures for the hub.authz tests
# description: >-
#   Convention: every *_test.rego file is in package hub.authz_test and imports
#   data.hub.authz (black-box style). Test rules therefore never live in the
#   package the hub evaluates, a bundle can drop *_test.rego files without
#   touching the policy, and the tests read helper rules only through
#   authz.<rule>. One package for all tests means test names must be unique
#   across files; the Python runner reports a name defined twice as a failure.
#   The value after `with input as` is always a local variable or a literal:
#   regorus 0.13 evaluates `with input as <call or rule that itself evaluates policy rules>` to
#   undefined, which would make negative tests pass vacuously.
package hub.authz_test

import rego.v1

import data.hub.authz

# METADATA
# title: Catalogue entry with every field approved
all_approved(ids) := {id: {"release": "approved"} | some id in ids}

melde_catalogue := {"id": "melderegister", "fields": all_approved(authz.melde_fields)}

gewerbe_field_ids := {
	"name", "geschaeftsbezeichnung", "betriebliche_anschrift", "taetigkeit",
	"given_names", "birth_date", "birth_place", "nationality", "private_address",
	"rechtsform", "registereintrag", "betriebsbeginn", "betriebsende",
	"beschaeftigte", "erlaubnisse", "abmeldegrund",
}

gewerbe_catalogue := {"id": "gewerberegister", "fields": all_approved(gewerbe_field_ids)}

# METADATA
# title: Wohngeldstelle allow-list (row M6 of policies/COVERAGE.md)
wohngeld_allowance_fields := [
	"name", "prev_names", "given_names", "birth", "addresses", "move_dates",
	"marital", "spouse", "children", "legal_rep", "death", "blocks",
]

# METADATA
# title: A valid Wohngeldstelle request (phase request)
wohngeld_input := {
	"phase": "request",
	"now": "2026-11-22",
	"client": {"id": "c-123", "authority": "wohngeldstelle", "category": "city_office", "known": true},
	"user": {"id": "m.schmidt", "roles": []},
	"request": {
		"register": "melderegister",
		"kind": "person",
		"purpose": "wohngeld_antrag",
		"case_reference": "WG-2026-0042",
		"fields": ["name", "given_names", "birth", "addresses"],
		"match_keys": ["name", "given_names", "birth_date"],
		"wildcard_keys": [],
		"waive_follow_up": false,
		"consent_declared": false,
	},
	"purpose": {
		"code": "wohngeld_antrag",
		"legal_basis": ["BMG §37 Abs. 1"],
		"archive_exceptions": [],
		"allowance": {
			"kinds": ["person"],
			"fields": wohngeld_allowance_fields,
			"legal_basis": ["BMG §37 Abs. 1", "WoGG"],
			"transforms": {},
		},
	},
	"register": melde_catalogue,
}

# METADATA
# title: A request of any office for any purpose on the Melderegister
office_input(authority, category, purpose, allowed, requested) := object.union(wohngeld_input, {
	"client": {"id": concat("-", ["c", authority]), "authority": authority, "category": category},
	"request": {"purpose": purpose, "fields": requested},
	"purpose": {
		"code": purpose,
		"legal_basis": ["test"],
		"allowance": {"kinds": ["person"], "fields": allowed, "legal_basis": ["test basis"]},
	},
})

# METADATA
# title: A public Gewerbe information request
gewerbe_input(category, requested) := object.union(wohngeld_input, {
	"client": {"id": "c-gw", "authority": "somebody", "category": category},
	"request": {"register": "gewerberegister", "purpose": "information", "fields": requested},
	"purpose": {
		"code": "information",
		"legal_basis": ["GewO §14 Abs. 5 S. 2"],
		"allowance": {
			"kinds": ["person"],
			"fields": ["name", "geschaeftsbezeichnung", "betriebliche_anschrift", "taetigkeit", "given_names"],
			"legal_basis": ["GewO §14 Abs. 5 S. 2"],
		},
	},
	"register": gewerbe_catalogue,
})

# METADATA
# title: A matched person without any block
clear_hit(index) := {
	"index": index,
	"auskunftssperre": null,
	"bedingter_sperrvermerk": false,
	"deceased_on": null,
	"moved_away_on": null,
	"related": [],
}

blocked_hit(index) := object.union(clear_hit(index), {"auskunftssperre": {"basis": "antrag", "initiator": null}})

hit_with(index, patch) := object.union(clear_hit(index), patch)

# METADATA
# title: Phase records of a base input with the given hits
records(base, hit_list) := object.union(base, {"phase": "records", "hits": hit_list})

# METADATA
# title: Wohngeld request with other requested fields
wohngeld_fields(requested) := object.union(wohngeld_input, {"request": {"fields": requested}})

patched(patch) := object.union(wohngeld_input, patch)

removed(paths) := json.remove(wohngeld_input, paths)

# METADATA
# title: The decision for an input
decide(inp) := result if {
	result := authz.decision with input as inp
}

# METADATA
# title: Denied with the given reason, nothing released
denied_with(inp, reason) if {
	result := decide(inp)
	result.outcome == "denied"
	reason in result.reasons
	result.fields == []
	result.hits == []
	result.notice == null
}
