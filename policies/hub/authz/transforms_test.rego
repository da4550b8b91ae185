package hub.authz_test

import rego.v1

import data.hub.authz

# --- Value-level minimisation (DSGVO Art. 5 Abs. 1 lit. c; BMG §34 Abs. 1) ----------

statistics_fields := ["birth", "sex", "nationality", "addresses", "move_dates", "marital", "death"]

statistics_transforms := {
	"birth": "year_month",
	"addresses": "district",
	"move_dates": "year_month",
	"death": "year_month",
}

statistics_input(transforms, requested) := object.union(
	office_input("statistikstelle", "city_office", "kommunalstatistik", statistics_fields, requested),
	{
		"request": {"kind": "free", "match_keys": ["house_number", "street"]},
		"purpose": {"allowance": {"kinds": ["free"], "transforms": transforms}},
	},
)

wohngeld_with_transforms(transforms, requested) := object.union(
	wohngeld_fields(requested),
	{"purpose": {"allowance": {"transforms": transforms}}},
)

# DSGVO Art. 5 Abs. 1 lit. c: the Statistikstelle gets the month of birth and the district.
test_statistics_released_with_its_transformations_named if {
	inp := statistics_input(statistics_transforms, ["addresses", "birth", "sex"])
	result := decide(inp)
	result.outcome == "released"
	result.fields == ["addresses", "birth", "sex"]
	result.transforms == {"birth": "year_month", "addresses": "district"}
}

# Row M14 of policies/COVERAGE.md [I]: no full birth date for statistics, whatever the allowance says.
test_statistics_full_birth_date_withheld if {
	inp := statistics_input({"addresses": "district", "move_dates": "year_month", "death": "year"}, ["addresses", "birth", "sex"])
	result := decide(inp)
	result.fields == ["addresses", "sex"]
	"birth" in result.withheld
	"coarser_value_required" in result.reasons
	result.transforms == {"addresses": "district"}
}

# Row M14 of policies/COVERAGE.md [I]: no street address for statistics; a date precision does not fit addresses.
test_statistics_street_address_withheld_without_district if {
	inp := statistics_input(object.union(statistics_transforms, {"addresses": "year_month"}), ["addresses", "birth"])
	result := decide(inp)
	result.fields == ["birth"]
	"addresses" in result.withheld
	"transformation_invalid" in result.reasons
	"coarser_value_required" in result.reasons
}

# A year is coarser than a month: enough for statistics.
test_statistics_year_is_coarse_enough if {
	inp := statistics_input(object.union(statistics_transforms, {"birth": "year"}), ["birth"])
	result := decide(inp)
	result.fields == ["birth"]
	result.transforms == {"birth": "year"}
}

# Fields without a date or an address need no transformation for statistics.
test_statistics_plain_fields_need_no_transformation if {
	inp := statistics_input(statistics_transforms, ["nationality", "sex"])
	result := decide(inp)
	result.fields == ["nationality", "sex"]
	not "transforms" in object.keys(result)
}

# DSGVO Art. 5 Abs. 1 lit. c: a name outside the fixed vocabulary never releases the field.
test_unknown_transformation_withholds_the_field if {
	inp := wohngeld_with_transforms({"birth": "blur"}, ["birth", "name"])
	result := decide(inp)
	result.fields == ["name"]
	"birth" in result.withheld
	"transformation_invalid" in result.reasons
	not "transforms" in object.keys(result)
}

test_transformation_on_a_field_it_does_not_fit_withholds_it if {
	inp := wohngeld_with_transforms({"name": "year"}, ["birth", "name"])
	result := decide(inp)
	result.fields == ["birth"]
	"transformation_invalid" in result.reasons
}

test_transformation_outside_the_melderegister_withheld if {
	base := gewerbe_input("city_office", ["name", "taetigkeit"])
	inp := object.union(base, {"purpose": {"allowance": {"transforms": {"name": "year"}}}})
	result := decide(inp)
	result.fields == ["taetigkeit"]
	"transformation_invalid" in result.reasons
}

# Another purpose may take a transformation too; only released fields are named.
test_transforms_named_only_for_released_fields if {
	inp := wohngeld_with_transforms({"birth": "year", "addresses": "district"}, ["birth", "name"])
	result := decide(inp)
	result.outcome == "released"
	result.transforms == {"birth": "year"}
}

test_no_transforms_member_without_a_transformation if {
	result := decide(wohngeld_input)
	not "transforms" in object.keys(result)
}

test_no_transforms_when_denied if {
	inp := object.union(statistics_input(statistics_transforms, ["birth"]), {"client": {"category": "private"}})
	result := decide(inp)
	result.outcome == "denied"
	not "transforms" in object.keys(result)
}

# Phase records: the released hit's answer carries the same transformations.
test_statistics_records_phase_names_transformations if {
	inp := records(statistics_input(statistics_transforms, ["addresses", "birth"]), [clear_hit(0)])
	result := decide(inp)
	result.outcome == "released"
	result.transforms == {"addresses": "district", "birth": "year_month"}
	[hit] := result.hits
	hit.action == "release"
}

test_transformations_cite_data_minimisation if {
	inp := statistics_input(statistics_transforms, ["birth"])
	"DSGVO Art. 5 Abs. 1 lit. c" in decide(inp).legal_basis
	withheld := statistics_input({}, ["birth", "sex"])
	"BMG §34 Abs. 1" in decide(withheld).legal_basis
}

test_transform_reasons_have_a_basis if {
	every code in ["transformation_invalid", "coarser_value_required"] {
		count(authz.transform_reason_basis[code]) > 0
	}
}
