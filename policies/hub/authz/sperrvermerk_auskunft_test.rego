package hub.authz_test

import rego.v1

import data.hub.authz

# BMG §52 Abs. 2: a bedingter Sperrvermerk on a Melderegisterauskunft (§§44 ff.)
# needs the person's hearing first, unless a current address without a
# Sperrvermerk is known (S. 3). Public bodies keep the flag + §41 S. 2 notice.

auskunft_input := object.union(
	office_input("meldebehoerde", "city_office", "melderegisterauskunft", ["name", "given_names", "doctor", "addresses", "death"], ["name", "given_names", "addresses"]),
	{"purpose": {"allowance": {"legal_basis": ["BMG §44 Abs. 1"]}}},
)

flagged_hit := hit_with(0, {"bedingter_sperrvermerk": true})

flagged_hit_with_free_address := hit_with(0, {"bedingter_sperrvermerk": true, "unblocked_current_address": true})

# BMG §52 Abs. 2 S. 2: hearing before the Auskunft -> neutral answer + task
test_sperrvermerk_auskunft_held_for_hearing if {
	result := decide(records(auskunft_input, [flagged_hit]))
	result.outcome == "neutral"
	result.hits == [{"index": 0, "action": "hold", "strip": [], "notice": null}]
	"bedingter_sperrvermerk_anhoerung" in result.reasons
	"BMG §52 Abs. 2" in result.legal_basis
	result.fields == ["addresses", "given_names", "name"]
}

# BMG §52 Abs. 2 S. 3: a known current address without Sperrvermerk may be given
test_sperrvermerk_auskunft_unblocked_address_released_narrowed if {
	result := decide(records(auskunft_input, [flagged_hit_with_free_address]))
	result.outcome == "released"
	result.hits == [{
		"index": 0,
		"action": "release",
		"strip": ["bedingter_sperrvermerk_addresses"],
		"notice": authz.bedingter_sperrvermerk_notice,
	}]
	"bedingter_sperrvermerk_aktuelle_anschrift" in result.reasons
	"BMG §52 Abs. 2 S. 3" in result.legal_basis
	not "bedingter_sperrvermerk_anhoerung" in result.reasons
}

# BMG §52 Abs. 2 S. 3: without the address requested there is nothing S. 3 could give
test_sperrvermerk_auskunft_s3_needs_the_address_requested if {
	inp := object.union(auskunft_input, {"request": {"fields": ["name", "death"]}})
	decide(records(inp, [flagged_hit_with_free_address])).hits[0].action == "hold"
}

# BMG §52 Abs. 2 S. 3: only an explicit true counts as a known unblocked address
test_sperrvermerk_auskunft_s3_fact_fail_safe if {
	every value in [false, "true", 1, null, {}] {
		hit := hit_with(0, {"bedingter_sperrvermerk": true, "unblocked_current_address": value})
		decide(records(auskunft_input, [hit])).hits[0].action == "hold"
	}
}

# BMG §52 Abs. 2: a flag that is not provably absent counts (fail-safe)
test_sperrvermerk_auskunft_unknown_flag_held if {
	every value in [null, "false", 0] {
		hit := hit_with(0, {"bedingter_sperrvermerk": value})
		decide(records(auskunft_input, [hit])).hits[0].action == "hold"
	}
	hit := json.remove(clear_hit(0), ["bedingter_sperrvermerk"])
	decide(records(auskunft_input, [hit])).hits[0].action == "hold"
}

# BMG §52 Abs. 2: no flag, no hearing: the einfache Auskunft is given
test_sperrvermerk_auskunft_clear_hit_released if {
	result := decide(records(auskunft_input, [clear_hit(0)]))
	result.hits == [{"index": 0, "action": "release", "strip": [], "notice": null}]
}

# BMG §§44-46, §50: any purpose whose allowance rests on them is a Melderegisterauskunft
test_sperrvermerk_auskunft_recognised_by_allowance_basis if {
	every norm in ["BMG §44", "BMG §45 Abs. 1", "BMG §46", "BMG §50 Abs. 4"] {
		inp := object.union(
			office_input("meldebehoerde", "city_office", "anderer_zweck", ["name", "addresses"], ["name", "addresses"]),
			{"purpose": {"allowance": {"legal_basis": [norm]}}},
		)
		decide(records(inp, [flagged_hit])).hits[0].action == "hold"
	}
}

# BMG §41 S. 2, §34 Abs. 1 Nr. 15: transmissions to public bodies keep flag + notice
test_sperrvermerk_public_bodies_keep_release_with_notice if {
	every inp in [
		wohngeld_input,
		office_input("jobcenter", "public_body", "sgb2_leistung", ["name", "addresses"], ["name", "addresses"]),
		office_input("polizei", "security_authority", "strafverfolgung", ["name", "addresses"], ["name", "addresses"]),
	] {
		result := decide(records(inp, [flagged_hit]))
		result.hits == [{"index": 0, "action": "release", "strip": [], "notice": authz.bedingter_sperrvermerk_notice}]
		not "bedingter_sperrvermerk_anhoerung" in result.reasons
	}
}

# BMG §52 Abs. 2 S. 1 ("soweit nicht ... §51"): an Auskunftssperre still holds first
test_sperrvermerk_auskunft_with_auskunftssperre_held_for_both if {
	hit := hit_with(0, {"bedingter_sperrvermerk": true, "auskunftssperre": {"basis": "antrag", "initiator": null}})
	result := decide(records(auskunft_input, [hit]))
	result.hits[0].action == "hold"
	"auskunftssperre" in result.reasons
}
