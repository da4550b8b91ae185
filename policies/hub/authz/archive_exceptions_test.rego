package hub.authz_test

import rego.v1

import data.hub.authz

# BMG §13 Abs. 2 S. 4: the exceptions to the five-year restriction of S. 2, as
# catalogue attributes of purposes. The record below moved
# away in 2012: archived since 2018-01-01; nationality lies outside the S. 3 subset.

archived_hit := hit_with(0, {"moved_away_on": "2012-05-01"})

wahlamt_input(exceptions) := object.union(
	office_input("wahlamt", "city_office", "waehlerverzeichnis", ["name", "nationality", "vote_excl"], ["name", "nationality"]),
	{"purpose": {"archive_exceptions": exceptions}},
)

# BMG §13 Abs. 2 S. 4 Nr. 2 lit. d: Wahlzwecke
test_archive_exception_wahlzwecke_releases_and_cites_lit_d if {
	result := decide(records(wahlamt_input(["wahlzwecke"]), [archived_hit]))
	result.outcome == "released"
	result.hits[0].action == "release"
	result.fields == ["name", "nationality"]
	"archive_exception_wahlzwecke" in result.reasons
	not "archive_rule_13_2" in result.reasons
	"BMG §13 Abs. 2 S. 4 Nr. 2 lit. d" in result.legal_basis
}

# BMG §13 Abs. 2 S. 2: without an approved exception the same query is held
test_archive_no_exception_still_held if {
	result := decide(records(wahlamt_input([]), [archived_hit]))
	result.hits[0].action == "hold"
	"archive_rule_13_2" in result.reasons
	not "BMG §13 Abs. 2 S. 4 Nr. 2 lit. d" in result.legal_basis
}

# BMG §13 Abs. 2 S. 4 Nr. 2 lit. a, b, e: each purpose exception lifts the restriction
test_archive_exception_each_letter_cited if {
	every code, norm in {
		"wissenschaft": "BMG §13 Abs. 2 S. 4 Nr. 2 lit. a",
		"beweisnot": "BMG §13 Abs. 2 S. 4 Nr. 2 lit. b",
		"stag_verfahren": "BMG §13 Abs. 2 S. 4 Nr. 2 lit. e",
	} {
		result := decide(records(wahlamt_input([code]), [archived_hit]))
		result.hits[0].action == "release"
		norm in result.legal_basis
	}
}

# BMG §13 Abs. 2 S. 4: an unknown code, a non-list or lit. c named by a purpose opens nothing
test_archive_exception_unknown_or_malformed_held if {
	every exceptions in [["sicherheitsbehoerden"], ["wahl"], "wahlzwecke", {"wahlzwecke": true}, null] {
		decide(records(wahlamt_input(exceptions), [archived_hit])).hits[0].action == "hold"
	}
}

# BMG §13 Abs. 2 S. 4: a record inside the five years needs no exception and cites none
test_archive_exception_not_cited_for_a_recent_record if {
	result := decide(records(wahlamt_input(["wahlzwecke"]), [clear_hit(0)]))
	result.hits[0].action == "release"
	not "archive_exception_wahlzwecke" in result.reasons
}

# BMG §13 Abs. 2 S. 4: the subset alone needs no exception either
test_archive_exception_not_cited_for_the_subset if {
	inp := object.union(wahlamt_input(["wahlzwecke"]), {"request": {"fields": ["name"]}})
	result := decide(records(inp, [archived_hit]))
	result.hits[0].action == "release"
	not "archive_exception_wahlzwecke" in result.reasons
}

# BMG §13 Abs. 2 S. 4 Nr. 2 lit. c: security and justice authorities by route, now cited
test_archive_exception_lit_c_cited_for_security_authorities if {
	inp := office_input("polizei", "security_authority", "strafverfolgung", ["name", "marital"], ["name", "marital"])
	result := decide(records(inp, [archived_hit]))
	result.hits[0].action == "release"
	"archive_exception_sicherheitsbehoerden" in result.reasons
	"BMG §13 Abs. 2 S. 4 Nr. 2 lit. c" in result.legal_basis
}

consent_input(exceptions, declared, kind) := object.union(wahlamt_input(exceptions), {"request": {
	"consent_declared": declared,
	"kind": kind,
}})

# BMG §13 Abs. 2 S. 4 Nr. 1: consent declared for a person search, purpose admits consent
test_archive_consent_declared_releases_and_cites_nr_1 if {
	result := decide(records(consent_input(["einwilligung"], true, "person"), [archived_hit]))
	result.hits[0].action == "release"
	"archive_exception_einwilligung" in result.reasons
	"BMG §13 Abs. 2 S. 4 Nr. 1" in result.legal_basis
}

# BMG §13 Abs. 2 S. 4 Nr. 1: the purpose attribute alone is no consent
test_archive_consent_attribute_without_declaration_held if {
	every declared in [false, "true", 1, null] {
		decide(records(consent_input(["einwilligung"], declared, "person"), [archived_hit])).hits[0].action == "hold"
	}
}

# BMG §13 Abs. 2 S. 4 Nr. 1: a declaration counts only where the purpose admits consent
test_archive_consent_declaration_without_attribute_held if {
	decide(records(consent_input([], true, "person"), [archived_hit])).hits[0].action == "hold"
}

# BMG §13 Abs. 2 S. 4 Nr. 1: consent is given by one named person, not for a group search
test_archive_consent_not_for_free_search if {
	person_search := records(consent_input(["einwilligung"], true, "person"), [archived_hit])
	"einwilligung" in authz.archive_exceptions_applied with input as person_search
	every kind in ["free", "confirm"] {
		inp := records(consent_input(["einwilligung"], true, kind), [archived_hit])
		not "einwilligung" in authz.archive_exceptions_applied with input as inp
	}
}
