package hub.authz_test

import rego.v1

# Purposes added where the law allows them. The policy has no
# rule of its own for them: the catalogue allowance admits the office, the
# route (§37 inside the city) bounds the fields. These tests pin what the
# default allow-lists mean on that route.

burial_fields := [
	"name", "prev_names", "given_names", "doctor", "birth", "addresses",
	"marital", "spouse", "children", "legal_rep", "death", "blocks",
]

burial_input(authority, basis) := object.union(
	office_input(authority, "city_office", "erbenermittlung_bestattung", burial_fields, ["name", "death", "spouse", "religion"]),
	{"purpose": {"allowance": {"legal_basis": basis}}},
)

deceased_hit(day) := hit_with(0, {"deceased_on": day})

# SGB XII §74, FBG Hessen via BMG §37 Abs. 1: the Sozialamt gets the deceased's data
test_burial_sozialamt_sgb12_74_gets_the_deceased_and_spouse if {
	result := decide(records(burial_input("sozialamt", ["BMG §37 Abs. 1", "SGB XII §74", "FBG Hessen"]), [deceased_hit("2026-11-01")]))
	result.outcome == "released"
	result.fields == ["death", "name", "spouse"]
	result.withheld == ["religion"]
	"SGB XII §74" in result.legal_basis
	"BMG §37 Abs. 1" in result.legal_basis
}

# FBG Hessen: the Ordnungsamt arranging a burial gets the same allow-list
test_burial_ordnungsamt_fbg_gets_the_deceased if {
	result := decide(records(burial_input("ordnungsamt", ["BMG §37 Abs. 1", "FBG Hessen", "HSOG"]), [deceased_hit("2026-11-01")]))
	result.outcome == "released"
	"FBG Hessen" in result.legal_basis
}

# BMG §13 Abs. 2: the burial purpose carries no S. 4 exception; long dead -> register office
test_burial_deceased_long_ago_goes_to_the_register_office if {
	result := decide(records(burial_input("sozialamt", ["SGB XII §74"]), [deceased_hit("2015-01-01")]))
	result.hits[0].action == "hold"
	"archive_rule_13_2" in result.reasons
}

# BMG §37 Abs. 2: an office without the allowance is not admitted to the purpose
test_burial_without_allowance_denied if {
	inp := json.patch(burial_input("jugendamt", ["SGB XII §74"]), [{"op": "replace", "path": "/purpose/allowance", "value": null}])
	denied_with(inp, "purpose_not_allowed")
}
