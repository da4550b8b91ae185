# METADATA
# title: Legal basis of a decision
# description: >-
#   The norms a decision rests on: the requester route's basis, the catalogue
#   allowance's basis, and the norm behind every reason code (failed
#   precondition, withheld field, hold, strip, notice). Static tables only.
package hub.authz

import rego.v1

# METADATA
# title: Basis of each requester route
route_basis := {
	"melde_city": ["BMG §37 Abs. 1"],
	"melde_public": ["BMG §34 Abs. 1", "BMG §34a Abs. 2"],
	"melde_security": ["BMG §34 Abs. 4"],
	"melde_justice": ["BMG §34 Abs. 4"],
	"gewerbe_public": ["GewO §14 Abs. 5 S. 2"],
	"gewerbe_protected": ["GewO §14 Abs. 6", "GewO §14 Abs. 11"],
	"gewerbe_criminal": ["GewO §14 Abs. 9", "GewO §14 Abs. 11"],
	"pstr_standesamt": ["PStG §68 Abs. 2"],
	"pstr_request": ["PStG §65 Abs. 1", "PStG §68 Abs. 3"],
	"pstr_research": ["PStG §66"],
}

# METADATA
# title: Norm behind each reason code, whatever the register
reason_basis := {
	"phase_unknown": [],
	"client_unknown": ["BMG §34 Abs. 2 S. 3"],
	"category_unknown": ["BMG §34 Abs. 2 S. 3"],
	"category_not_served": [],
	"missing_user": [],
	"missing_purpose": ["DSGVO Art. 5 Abs. 1 lit. b"],
	"missing_case_reference": [],
	"purpose_unknown": ["DSGVO Art. 5 Abs. 1 lit. b"],
	"purpose_not_allowed": ["DSGVO Art. 5 Abs. 1 lit. b"],
	"missing_kind": [],
	"kind_not_allowed": [],
	"kind_rules_pending": ["DSGVO Art. 6 Abs. 1"],
	"fields_malformed": ["DSGVO Art. 5 Abs. 1 lit. c"],
	"no_fields_requested": ["DSGVO Art. 5 Abs. 1 lit. c"],
	"register_unknown": ["DSGVO Art. 6 Abs. 1"],
	"register_mismatch": ["DSGVO Art. 6 Abs. 1"],
	"register_rules_pending": ["DSGVO Art. 6 Abs. 1"],
	"denied_by_default": ["DSGVO Art. 6 Abs. 1"],
	"field_unknown": ["DSGVO Art. 5 Abs. 1 lit. c"],
	"field_beyond_legal_maximum": ["DSGVO Art. 5 Abs. 1 lit. c"],
	"field_not_in_allowlist": ["DSGVO Art. 5 Abs. 1 lit. c"],
	"field_not_approved": ["DSGVO Art. 25 Abs. 2"],
	"idnr_requires_special_basis": ["IDNrG §5 Abs. 1"],
	"no_releasable_fields": ["DSGVO Art. 5 Abs. 1 lit. c"],
	"auskunftssperre": ["BMG §34a Abs. 5"],
	"archive_rule_13_2": ["BMG §13 Abs. 2"],
	"archive_exception_einwilligung": ["BMG §13 Abs. 2 S. 4 Nr. 1"],
	"archive_exception_wissenschaft": ["BMG §13 Abs. 2 S. 4 Nr. 2 lit. a"],
	"archive_exception_beweisnot": ["BMG §13 Abs. 2 S. 4 Nr. 2 lit. b"],
	"archive_exception_sicherheitsbehoerden": ["BMG §13 Abs. 2 S. 4 Nr. 2 lit. c"],
	"archive_exception_wahlzwecke": ["BMG §13 Abs. 2 S. 4 Nr. 2 lit. d"],
	"archive_exception_stag_verfahren": ["BMG §13 Abs. 2 S. 4 Nr. 2 lit. e"],
	"related_person_blocked": ["BMG §34a Abs. 5"],
	"related_persons_unknown": ["BMG §34a Abs. 5"],
	"bedingter_sperrvermerk": ["BMG §41 S. 2", "BMG §52"],
	"bedingter_sperrvermerk_anhoerung": ["BMG §52 Abs. 2"],
	"bedingter_sperrvermerk_aktuelle_anschrift": ["BMG §52 Abs. 2 S. 3"],
	"no_match": [],
	"wildcard_in_person_search": ["BMeldDAV §4 Abs. 7"],
	"hit_limit_exceeded": ["BMeldDAV §1 Abs. 4"],
	"auskunftssperre_omitted": ["BMeldDAV §8 Abs. 3"],
	"auskunftssperre_exception_34a_6": ["BMG §34a Abs. 6"],
	"follow_up_waived": ["BMG §38 Abs. 5"],
	"datenbestaetigung_neutral": ["BMG §39a Abs. 2 S. 3"],
	"notify_sperre_initiator": ["BMG §34 Abs. 5"],
	"selection_criterion_excluded": ["BMG §38 Abs. 2 S. 2"],
	"selection_criterion_not_admitted": ["BMG §38 Abs. 2 S. 1"],
	"selection_criteria_missing": ["BMG §38 Abs. 2"],
	"confirm_fields_requested": ["BMG §39a Abs. 2"],
	"hits_malformed": [],
	"gewerbe_transfer_ground_missing": ["GewO §14 Abs. 6 S. 1"],
	"gewerbe_owi_not_criminal_offence": ["GewO §14 Abs. 9"],
	"pstr_research_not_served": ["PStG §66"],
	"pstr_fortfuehrungsfrist_abgelaufen": ["PStG §5 Abs. 5", "PStG §61 Abs. 2", "PStG §68 Abs. 2 S. 5 Nr. 1"],
	"pstr_sperrvermerk": ["PStG §64", "PStG §68 Abs. 2 S. 5 Nr. 3"],
	"pstr_stillgelegt": ["PStG §47 Abs. 4 S. 2", "PStG §68 Abs. 2 S. 5 Nr. 4"],
	"pstr_adoption": ["PStG §63 Abs. 1", "BGB §1758"],
	"pstr_sbgg": ["PStG §63 Abs. 2"],
	"pstr_abstammungsgutachten": ["PStG §63 Abs. 4"],
	"pstr_hit_facts_malformed": ["PStG §68 Abs. 2"],
}

# METADATA
# title: Register-specific norms of the G1-G3 checks
register_reason_basis := {
	"melderegister": {
		"missing_user": ["BMG §40 Abs. 1"],
		"missing_purpose": ["BMG §40 Abs. 1"],
		"missing_case_reference": ["BMG §40 Abs. 1"],
	},
	"gewerberegister": {
		"missing_user": ["GewO §14 Abs. 11"],
		"missing_purpose": ["GewO §14 Abs. 11"],
		"missing_case_reference": ["GewO §14 Abs. 11"],
		"purpose_not_allowed": ["GewO §14 Abs. 11"],
	},
	"personenstandsregister": {
		"missing_purpose": ["PStG §65 Abs. 1"],
		"purpose_not_allowed": ["PStG §65 Abs. 1"],
	},
}

# METADATA
# title: Norm behind G8, by register and category
# description: >-
#   EU bodies get Melderegister data only "nach Maßgabe" of other law (§35);
#   private persons and media only through the Melderegisterauskunft (§44 ff.)
#   at the Bürgeramt; protected Gewerbe data needs a rechtliches Interesse
#   (GewO §14 Abs. 7); Personenstand data for private persons is §62 PStG.
g8_basis := {
	"melderegister": {"eu_public_body": ["BMG §35"], "private": ["BMG §44"], "media": ["BMG §44"]},
	"gewerberegister": {"eu_public_body": ["GewO §14 Abs. 7"], "private": ["GewO §14 Abs. 7"], "media": ["GewO §14 Abs. 7"]},
	"personenstandsregister": {"eu_public_body": ["PStG §62"], "private": ["PStG §62"], "media": ["PStG §62"]},
}

# METADATA
# title: Route-specific norms
# description: >-
#   Inside the city the purpose catalogue and the automated procedure rest on
#   the Zulassung by the Oberbürgermeister (§37 Abs. 2 S. 1); for other bodies
#   on the requester's need to know (§34a Abs. 1). The hold and the strip
#   apply inside the city through §37 Abs. 2 S. 3.
melde_city_reason_basis := {
	"purpose_unknown": ["BMG §37 Abs. 2"],
	"purpose_not_allowed": ["BMG §37 Abs. 2"],
	"missing_kind": ["BMG §37 Abs. 2"],
	"kind_not_allowed": ["BMG §37 Abs. 2"],
	"field_beyond_legal_maximum": ["BMG §37 Abs. 1"],
	"auskunftssperre": ["BMG §37 Abs. 2 S. 3"],
	"related_person_blocked": ["BMG §34a Abs. 5 S. 3", "BMG §37 Abs. 2 S. 3"],
	"related_persons_unknown": ["BMG §34a Abs. 5 S. 3", "BMG §37 Abs. 2 S. 3"],
}

melde_external_reason_basis := {
	"purpose_unknown": ["BMG §34a Abs. 1"],
	"purpose_not_allowed": ["BMG §34a Abs. 1"],
	"missing_kind": ["BMG §34a Abs. 1"],
	"kind_not_allowed": ["BMG §34a Abs. 1"],
	"field_beyond_legal_maximum": ["BMG §34 Abs. 1"],
	"related_person_blocked": ["BMG §34a Abs. 5 S. 3"],
	"related_persons_unknown": ["BMG §34a Abs. 5 S. 3"],
}

route_reason_basis := {
	"melde_city": melde_city_reason_basis,
	"melde_public": melde_external_reason_basis,
	"melde_security": melde_external_reason_basis,
	"melde_justice": melde_external_reason_basis,
	"gewerbe_public": {},
	"gewerbe_protected": {"field_beyond_legal_maximum": ["GewO §14 Abs. 6 S. 1"]},
	"gewerbe_criminal": {"field_beyond_legal_maximum": ["GewO §14 Abs. 9"]},
	"pstr_standesamt": {"field_beyond_legal_maximum": ["PStG §68 Abs. 2 S. 3"]},
	"pstr_request": {},
	"pstr_research": {},
}

# METADATA
# title: Basis of the Melderegister query kinds beyond Personensuche
# description: >-
#   Cited whenever the kind is used, so that the basis of a free search does
#   not change when a blocked person is left out (BMeldDAV §8 Abs. 3).
melde_kind_basis := {
	"free": ["BMG §34a Abs. 3", "BMG §38 Abs. 2", "BMeldDAV §8 Abs. 3"],
	"confirm": ["BMG §39a"],
}

# METADATA
# title: Legal basis (set)
legal_basis contains norm if some norm in route_basis[route]

legal_basis contains norm if {
	startswith(route, "melde_")
	some norm in melde_kind_basis[request_kind]
}

legal_basis contains norm if {
	route
	some norm in allowance_legal_basis
}

legal_basis contains norm if {
	some code in reasons
	some norm in reason_basis[code]
}

legal_basis contains norm if {
	some code in reasons
	some norm in register_reason_basis[register_id][code]
}

legal_basis contains norm if {
	some code in reasons
	some norm in route_reason_basis[route][code]
}

legal_basis contains norm if {
	"category_not_served" in reasons
	some norm in g8_basis[register_id][client_category]
}

# METADATA
# title: §3 Abs. 2 data requested on a Melderegister route (released or not)
# custom:
#   norm: "BMG §5 Abs. 3"
legal_basis contains "BMG §5 Abs. 3" if {
	startswith(route, "melde_")
	some name in requested_fields
	name in melde_s3_abs2
}

# METADATA
# title: §3 Abs. 2 data released to a city office (§37 Abs. 1 S. 2 -> §34 Abs. 3)
legal_basis contains "BMG §34 Abs. 3" if {
	route == "melde_city"
	some name in released_fields
	name in melde_s3_abs2
}

# METADATA
# title: §3 Abs. 2 data released to another public body
# description: >-
#   Beyond §34 Abs. 1 S. 1 (§34 Abs. 3) and, for automated retrieval, only
#   where federal or state law names the data (§34a Abs. 4).
legal_basis contains norm if {
	route == "melde_public"
	some name in released_fields
	name in melde_s3_abs2
	some norm in ["BMG §34 Abs. 3", "BMG §34a Abs. 4"]
}

# METADATA
# title: §34 Abs. 1 S. 2 data released to a §34 Abs. 4 authority
legal_basis contains "BMG §34 Abs. 1 S. 2" if {
	route in {"melde_security", "melde_justice"}
	some name in released_fields
	name in melde_s34_abs1_s2
}

# METADATA
# title: Purpose-binding notice given (G7)
legal_basis contains "BMG §41" if {
	notice != null
	register_id == "melderegister"
}

legal_basis contains "GewO §14 Abs. 12" if {
	notice != null
	register_id == "gewerberegister"
}
