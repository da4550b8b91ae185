# METADATA
# title: Melderegister hit-level rules (phase records)
# description: >-
#   Per matched person: hold (neutral answer + task for the register office),
#   omit (neutral, no task: free search, confirm, waiver) or release; strip related persons who have their own Auskunftssperre;
#   §41 S. 2 notice for a bedingter Sperrvermerk. Fail-safe reading of each
#   hit: only an explicit null / false counts as "no block", a missing member
#   is treated like a block.
package hub.authz

import rego.v1

# METADATA
# title: Related-person role -> field that carries its data
# custom:
#   norm: "BMG §34 Abs. 1 S. 1 Nr. 11, 13, 14"
related_role_fields := {
	"spouse": "spouse",
	"child": "children",
	"legal_rep": "legal_rep",
}

# METADATA
# title: Text of the §41 S. 2 notice for a bedingter Sperrvermerk
# custom:
#   norm: "BMG §41 S. 2, §52"
bedingter_sperrvermerk_notice := concat(" ", [
	"Bedingter Sperrvermerk (§ 52 BMG):",
	"Die Daten dieser Person dürfen nur verarbeitet werden, wenn die",
	"Beeinträchtigung schutzwürdiger Interessen der betroffenen Person",
	"ausgeschlossen werden kann (§ 41 Satz 2 BMG).",
])

# ---------------------------------------------------------------------------
# Auskunftssperre (BMG §34a Abs. 5; inside the city via §37 Abs. 2 S. 3)
# ---------------------------------------------------------------------------

# METADATA
# title: The hit has no Auskunftssperre (explicit null only)
melde_hit_sperre_clear(hit) if hit.auskunftssperre == null

# METADATA
# title: Routes for which the §34a Abs. 6 exception can apply
# description: >-
#   Only §34 Abs. 4 S. 1 Nr. 1, 6-9 (Polizei, Verfassungsschutz, BND, MAD,
#   Zollfahndung = melde_security); never justice authorities (Nr. 2-5,
#   10-13), never city offices (§37 Abs. 2 S. 3 names only §34a Abs. 5).
# custom:
#   norm: "BMG §34a Abs. 6"
auskunftssperre_exception_routes := {"melde_security"}

# METADATA
# title: Roles that may receive data despite an Auskunftssperre
# description: >-
#   "Leitung der abrufenden Stelle oder von ihr hierzu besonders ermächtigte
#   Bedienstete". The hub passes only roles the client was trusted with.
# custom:
#   norm: "BMG §34a Abs. 6"
auskunftssperre_exception_roles := {"behoerdenleitung", "besonders_ermaechtigt"}

auskunftssperre_exception_user if {
	some role in user_roles
	role in auskunftssperre_exception_roles
}

# METADATA
# title: Initiators of a Sperre von Amts wegen that are no §34 Abs. 5 S. 1 authority
# description: >-
#   Interpretation [I]: the policy cannot verify an initiator's category, so
#   a Sperre von Amts wegen counts as entered on behalf of a security
#   authority unless the register office itself entered it. Fail-safe.
# custom:
#   norm: "BMG §34 Abs. 5 S. 1, §34a Abs. 6"
sperre_own_initiators := {"meldebehoerde"}

# METADATA
# title: Sperre provably not entered on behalf of a §34 Abs. 5 S. 1 authority
melde_sperre_not_security_initiated(hit) if hit.auskunftssperre.basis == "antrag"

melde_sperre_not_security_initiated(hit) if {
	hit.auskunftssperre.basis == "amts_wegen"
	hit.auskunftssperre.initiator in sperre_own_initiators
}

# METADATA
# title: The register office must notify the initiator of the Sperre
# description: >-
#   Sperre von Amts wegen on behalf of a §34 Abs. 5 S. 1 authority (or not
#   provably otherwise): the office informs it of every request, even when the
#   requester waived follow-up (§38 Abs. 5 S. 2), so such a hit always gets a
#   task.
# custom:
#   norm: "BMG §34 Abs. 5 S. 1, 3; §38 Abs. 5 S. 2"
melde_sperre_notify(hit) if {
	not melde_hit_sperre_clear(hit)
	not melde_sperre_not_security_initiated(hit)
}

# METADATA
# title: §34a Abs. 6 exception to the hold
# description: >-
#   Security route, Personensuche only, user is Leitung or besonders
#   ermächtigt, Sperre not entered von Amts wegen on behalf of a §34 Abs. 5
#   S. 1 authority. Interpretation [I]: not for freie Suche (BMeldDAV §8
#   Abs. 3 leaves blocked persons out of every result list; the authority can
#   follow up with a Personensuche) and not for Datenbestätigung (§39a Abs. 3
#   refers to §34 Abs. 5, 6, not to §34a Abs. 6).
# custom:
#   norm: "BMG §34a Abs. 6"
auskunftssperre_exception(hit) if {
	route in auskunftssperre_exception_routes
	request_kind == "person"
	auskunftssperre_exception_user
	is_object(hit.auskunftssperre)
	melde_sperre_not_security_initiated(hit)
}

# METADATA
# title: Hold because of an Auskunftssperre
# custom:
#   norm: "BMG §34a Abs. 5 S. 1, 2; §37 Abs. 2 S. 3"
melde_hold("auskunftssperre", hit) if {
	not melde_hit_sperre_clear(hit)
	not auskunftssperre_exception(hit)
}

# METADATA
# title: Text of the §41 S. 2 notice for data released under §34a Abs. 6
# custom:
#   norm: "BMG §34a Abs. 6, §41 S. 2, §51"
auskunftssperre_notice := concat(" ", [
	"Auskunftssperre (§ 51 BMG), Übermittlung nach § 34a Abs. 6 BMG:",
	"Die Daten sind nur der Leitung oder besonders ermächtigten Bediensteten",
	"zugänglich zu machen und dürfen nur verarbeitet werden, wenn die",
	"Beeinträchtigung schutzwürdiger Interessen der betroffenen Person",
	"ausgeschlossen werden kann (§ 41 Satz 2 BMG).",
])

# ---------------------------------------------------------------------------
# §13 Abs. 2: records of persons who moved away or died more than five years
# before the end of the year are archived; only a small subset may still be
# processed. If any released field lies outside that subset (S. 3) the hit is
# held for the register office, unless an exception of S. 4 applies: lit. c
# by route (security and justice authorities), lit. a, b, d, e and consent
# (Nr. 1) as exceptions the catalogue approved for the purpose.
# ---------------------------------------------------------------------------

# METADATA
# title: Fields still processable after the §13 Abs. 2 five-year period
# description: >-
#   Names, former names, birth data, addresses, death data. Auszugsdatum and
#   Auskunftssperren are also listed in §13 Abs. 2 S. 3, but move_dates and
#   blocks carry more than that, so they are left out. [I]
# custom:
#   norm: "BMG §13 Abs. 2 S. 3"
archive_processable_fields := {"name", "prev_names", "given_names", "birth", "addresses", "death"}

# METADATA
# title: Routes exempt from the §13 Abs. 2 restriction
# custom:
#   norm: "BMG §13 Abs. 2 S. 4 Nr. 2 lit. c"
archive_exempt_routes := {"melde_security", "melde_justice"}

archive_exempt if route in archive_exempt_routes

# METADATA
# title: Purpose exceptions of §13 Abs. 2 S. 4 Nr. 2 the policy honours
# description: >-
#   Catalogue codes -> letter. The steward approves a code for a purpose
#   whose use is indispensable for that end (Interpretation [I]: the
#   "unerlässlich" test is made once per purpose, not per request).
# custom:
#   norm: "BMG §13 Abs. 2 S. 4 Nr. 2 lit. a, b, d, e"
archive_purpose_exceptions := {"wissenschaft", "beweisnot", "wahlzwecke", "stag_verfahren"}

# METADATA
# title: §13 Abs. 2 S. 4 exceptions that apply to this request
# description: >-
#   A purpose exception on any Melderegister route; consent (Nr. 1) only where
#   the purpose admits it, for a Personensuche about one named person, and
#   with the caller's declaration in the request. Interpretation [I].
# custom:
#   norm: "BMG §13 Abs. 2 S. 4"
archive_exceptions_applied contains code if {
	startswith(route, "melde_")
	some code in purpose_archive_exceptions
	code in archive_purpose_exceptions
}

archive_exceptions_applied contains "einwilligung" if {
	startswith(route, "melde_")
	"einwilligung" in purpose_archive_exceptions
	request_kind == "person"
	consent_declared
}

archive_exceptions_applied contains "sicherheitsbehoerden" if archive_exempt

archive_exception_applies if count(archive_exceptions_applied) > 0

# METADATA
# title: Event (death, moving away) within the five-year period
# description: event year + 5 >= current year, i.e. archived from 1 January of event year + 6.
melde_event_recent(hit, key) if {
	is_string(hit[key])
	regex.match(date_pattern, hit[key])
	to_number(substring(hit[key], 0, 4)) + 5 >= now_year
}

# METADATA
# title: Event that puts the record into the archive
# description: >-
#   A non-null event date that is not provably recent (malformed date, no
#   input.now, missing member) counts as archived.
melde_event_archived(hit) if {
	some key in ["deceased_on", "moved_away_on"]
	not melde_event_absent(hit, key)
	not melde_event_recent(hit, key)
}

# METADATA
# title: No such event (explicit null only)
melde_event_absent(hit, key) if hit[key] == null

# METADATA
# title: Hold because of §13 Abs. 2
# custom:
#   norm: "BMG §13 Abs. 2"
melde_hold("archive_rule_13_2", hit) if {
	not archive_exception_applies
	melde_archive_restricts(hit)
}

# METADATA
# title: The released fields reach beyond the §13 Abs. 2 S. 3 subset of an archived record
melde_archive_restricts(hit) if {
	melde_event_archived(hit)
	some name in releasable
	not name in archive_processable_fields
}

# METADATA
# title: Ledger reasons of the §13 Abs. 2 S. 4 exceptions that lifted the restriction
melde_archive_exception_reasons(hit) := {concat("", ["archive_exception_", code]) |
	melde_archive_restricts(hit)
	some code in archive_exceptions_applied
}

# ---------------------------------------------------------------------------
# §52 Abs. 2: bedingter Sperrvermerk on a Melderegisterauskunft (§§44 ff.).
# Public bodies get the data with the flag and the §41 S. 2 notice; a
# Melderegisterauskunft needs the person's hearing first (S. 2), unless a
# current address without a Sperrvermerk is known (S. 3): then that address
# alone may be given.
# ---------------------------------------------------------------------------

# METADATA
# title: Purposes that serve a Melderegisterauskunft
# custom:
#   norm: "BMG §§44-50"
melderegisterauskunft_purposes := {"melderegisterauskunft"}

# METADATA
# title: Norms that make any purpose a Melderegisterauskunft
# description: >-
#   Interpretation [I]: a purpose whose allowance rests on §§44-46 or §50 is
#   a Melderegisterauskunft whatever its code, so a new catalogue purpose
#   cannot escape §52 Abs. 2 by its name.
# custom:
#   norm: "BMG §§44-46, §50"
melderegisterauskunft_norms := {"BMG §44", "BMG §45", "BMG §46", "BMG §50"}

melderegisterauskunft_request if {
	register_id == "melderegister"
	purpose_code in melderegisterauskunft_purposes
}

melderegisterauskunft_request if {
	register_id == "melderegister"
	some norm in allowance_legal_basis
	some prefix in melderegisterauskunft_norms
	melderegisterauskunft_norm(norm, prefix)
}

# "BMG §44" and "BMG §44 Abs. 1" count, "BMG §440" would not.
melderegisterauskunft_norm(norm, prefix) if norm == prefix

melderegisterauskunft_norm(norm, prefix) if startswith(norm, concat("", [prefix, " "]))

# METADATA
# title: A current address without a bedingter Sperrvermerk is known (explicit true only)
melde_unblocked_current_address(hit) if hit.unblocked_current_address == true

# METADATA
# title: §52 Abs. 2 S. 3 applies
# description: >-
#   Only when the addresses are released: S. 3 permits giving that address, so
#   the answer is narrowed to it (strip token). Interpretation [I]: without
#   the address requested, S. 3 has nothing to give and the hearing is needed.
# custom:
#   norm: "BMG §52 Abs. 2 S. 3"
melde_sperrvermerk_address_known(hit) if {
	melde_unblocked_current_address(hit)
	"addresses" in releasable
}

# METADATA
# title: Hold for the hearing of §52 Abs. 2 S. 2
# custom:
#   norm: "BMG §52 Abs. 2"
melde_hold("bedingter_sperrvermerk_anhoerung", hit) if {
	melderegisterauskunft_request
	melde_bedingter_sperrvermerk(hit)
	not melde_sperrvermerk_address_known(hit)
}

# METADATA
# title: Strip token narrowing addresses to the current ones without a Sperrvermerk
# custom:
#   norm: "BMG §52 Abs. 2 S. 3"
sperrvermerk_address_strip := "bedingter_sperrvermerk_addresses"

melde_sperrvermerk_strip(hit) := {sperrvermerk_address_strip} if {
	melderegisterauskunft_request
	melde_bedingter_sperrvermerk(hit)
	melde_sperrvermerk_address_known(hit)
} else := set()

# ---------------------------------------------------------------------------
# Related persons (§34a Abs. 5 S. 3)
# ---------------------------------------------------------------------------

# METADATA
# title: A related person of this role has (or may have) an Auskunftssperre
# description: Only blocked == false counts as "not blocked".
melde_related_blocked(hit, role) if {
	melde_related_listed(hit)
	some entry in hit.related
	entry.role == role
	not melde_related_entry_clear(entry)
}

# METADATA
# title: Related person explicitly without block
melde_related_entry_clear(entry) if entry.blocked == false

# METADATA
# title: The hit lists its related persons
melde_related_listed(hit) if is_array(hit.related)

# METADATA
# title: Related persons unknown (related is not a list)
melde_related_unknown(hit) if not melde_related_listed(hit)

# METADATA
# title: Roles to strip from a released hit
# description: Only roles whose field is actually released.
# custom:
#   norm: "BMG §34a Abs. 5 S. 3"
melde_strip_roles(hit) := {role |
	some role, field_id in related_role_fields
	field_id in releasable
	melde_related_blocked(hit, role)
}

melde_strip_roles_unknown(hit) := {role |
	some role, field_id in related_role_fields
	field_id in releasable
	melde_related_unknown(hit)
}

# ---------------------------------------------------------------------------
# Evaluation of one hit
# ---------------------------------------------------------------------------

# METADATA
# title: Bedingter Sperrvermerk present (or not provably absent)
melde_bedingter_sperrvermerk(hit) if not melde_bedingter_sperrvermerk_absent(hit)

# METADATA
# title: Bedingter Sperrvermerk explicitly absent
melde_bedingter_sperrvermerk_absent(hit) if hit.bedingter_sperrvermerk == false

melde_hit_notice(hit) := auskunftssperre_notice if auskunftssperre_exception(hit)

melde_hit_notice(hit) := bedingter_sperrvermerk_notice if {
	not auskunftssperre_exception(hit)
	melde_bedingter_sperrvermerk(hit)
}

melde_hit_notice(hit) := null if {
	not auskunftssperre_exception(hit)
	not melde_bedingter_sperrvermerk(hit)
}

# METADATA
# title: Codes of the holds that apply to a hit
melde_hit_holds(hit) := {code |
	some code in ["auskunftssperre", "archive_rule_13_2", "bedingter_sperrvermerk_anhoerung"]
	melde_hold(code, hit)
}

# METADATA
# title: A hit that would be held ends neutral without a task ("omit")
# description: >-
#   Freie Suche: blocked persons are not in the result list (BMeldDAV §8
#   Abs. 3); Interpretation [I]: §13 Abs. 2 records likewise, a group search
#   is no Ersuchen about a named person. Datenbestätigung: neutral final
#   answer (§39a Abs. 2 S. 3; decision NEUTRAL_FINAL). Waiver of further
#   processing (§38 Abs. 5 S. 1). Except in the free search, a Sperre whose
#   initiator must be notified keeps its task (§34 Abs. 5, §38 Abs. 5 S. 2).
melde_hit_omitted(hit) if free_search_request

melde_hit_omitted(hit) if {
	confirm_request
	not melde_sperre_notify(hit)
}

melde_hit_omitted(hit) if {
	follow_up_waived
	not melde_sperre_notify(hit)
}

# METADATA
# title: Ledger reasons of a held or omitted hit
melde_neutral_reasons(hit, holds) := free_reasons if {
	free_search_request
	free_reasons := {code | some hold in holds; code := object.get(free_omit_codes, hold, hold)}
}

melde_neutral_reasons(hit, holds) := union({
	holds,
	{"follow_up_waived" | follow_up_waived},
	{"datenbestaetigung_neutral" | confirm_request},
	{"notify_sperre_initiator" | melde_sperre_notify(hit)},
}) if {
	not free_search_request
}

# METADATA
# title: Ledger code of a hold that the free search turns into an omission
free_omit_codes := {"auskunftssperre": "auskunftssperre_omitted"}

# METADATA
# title: Evaluation of a held hit (neutral answer + task)
melde_hit_eval(position, hit) := {
	"index": hit_index(position, hit),
	"action": "hold",
	"strip": [],
	"notice": null,
	"reasons": melde_neutral_reasons(hit, holds),
} if {
	holds := melde_hit_holds(hit)
	count(holds) > 0
	not melde_hit_omitted(hit)
}

# METADATA
# title: Evaluation of an omitted hit (neutral, no task)
melde_hit_eval(position, hit) := {
	"index": hit_index(position, hit),
	"action": "omit",
	"strip": [],
	"notice": null,
	"reasons": melde_neutral_reasons(hit, holds),
} if {
	holds := melde_hit_holds(hit)
	count(holds) > 0
	melde_hit_omitted(hit)
}

# METADATA
# title: Evaluation of a released hit
melde_hit_eval(position, hit) := {
	"index": hit_index(position, hit),
	"action": "release",
	"strip": sort((blocked | unknown) | melde_sperrvermerk_strip(hit)),
	"notice": melde_hit_notice(hit),
	"reasons": melde_release_reasons(hit, blocked, unknown),
} if {
	count(melde_hit_holds(hit)) == 0
	blocked := melde_strip_roles(hit)
	unknown := melde_strip_roles_unknown(hit)
}

# METADATA
# title: Ledger reasons of a released hit (never shown to the requester)
melde_release_reasons(hit, blocked, unknown) := union({
	melde_archive_exception_reasons(hit),
	{"auskunftssperre_exception_34a_6" | auskunftssperre_exception(hit)},
	{"related_person_blocked" | count(blocked) > 0},
	{"related_persons_unknown" | count(unknown) > 0},
	{"bedingter_sperrvermerk" | melde_bedingter_sperrvermerk(hit)},
	{"bedingter_sperrvermerk_aktuelle_anschrift" | count(melde_sperrvermerk_strip(hit)) > 0},
})

# METADATA
# title: Hit evaluations for the Melderegister
hit_evaluations := [evaluation | some position, hit in hits; evaluation := melde_hit_eval(position, hit)] if {
	register_id == "melderegister"
}

# ---------------------------------------------------------------------------
# Kinds: Personensuche, freie Suche, Datenbestätigung
# ---------------------------------------------------------------------------

# METADATA
# title: Query kinds of the Melderegister
# custom:
#   norm: "BMG §34a Abs. 2, 3; §39a"
melde_kinds := {"person", "free", "confirm"}

# METADATA
# title: Freie Suche result set for every public body
# description: >-
#   §34 Abs. 1 S. 1 Nr. 1-8 and 16 plus the address of the current Haupt- or
#   alleinige Wohnung; the adapter narrows addresses to that one (fetch kind
#   "free"). Interpretation [I]: city offices (§37) get no more either.
# custom:
#   norm: "BMG §34a Abs. 3 S. 1; BMeldDAV §8"
melde_free_s1 := {
	"name", # Nr. 1
	"prev_names", # Nr. 2
	"given_names", # Nr. 3
	"doctor", # Nr. 4
	"religious_artist_name", # Nr. 5
	"birth", # Nr. 6
	"sex", # Nr. 7
	"nationality", # Nr. 8
	"death", # Nr. 16
	"addresses", # current main/sole address only
}

# METADATA
# title: Freie Suche additions for every §34 Abs. 4 S. 1 authority
# description: >-
#   Einzugsdatum (adapter narrows move_dates to it), §34 Abs. 1 S. 2 Nr. 1
#   (id_docs), Nr. 3 (weapons, explosives), Nr. 4 (landlord); not Nr. 2
#   (passport_denial). §34a Abs. 3 S. 2 names all §34 Abs. 4 S. 1 authorities,
#   so justice authorities too.
# custom:
#   norm: "BMG §34a Abs. 3 S. 2"
melde_free_security := {"move_dates", "id_docs", "weapons", "explosives", "landlord"}

default melde_free_maximum := set()

melde_free_maximum := melde_free_s1 if route in {"melde_city", "melde_public"}

melde_free_maximum := melde_free_s1 | melde_free_security if route in {"melde_security", "melde_justice"}

# METADATA
# title: Selection criteria (match keys) that are §34 Abs. 1 S. 1 data
# custom:
#   norm: "BMG §38 Abs. 2 S. 1 Nr. 2"
free_criteria_s1 := {
	"name", "prev_names", "given_names", "doctor", "religious_artist_name", # Nr. 1-5
	"birth_date", "birth_place", "sex", "nationality", # Nr. 6-8
	"street", "house_number", "postal_code", "city", # Nr. 9
	"moved_in", "moved_out", # Nr. 10 (Einzug, Auszug only)
	"marital", # Nr. 12
	"death_date", "death_place", # Nr. 16
}

# METADATA
# title: Additional selection criteria of §34 Abs. 4 S. 1 authorities
# custom:
#   norm: "BMG §38 Abs. 2 S. 1 Nr. 1 (§34 Abs. 1 S. 2 Nr. 3)"
free_criteria_security := {"weapons", "explosives"}

# METADATA
# title: Selection criteria nobody may use
# description: >-
#   Sperren and bedingte Sperrvermerke, the date of the last Wegzug from a
#   dwelling in Germany and of the last Zuzug from abroad, and data of related
#   persons (Nr. 11, 13, 14; also by prefix below).
# custom:
#   norm: "BMG §38 Abs. 2 S. 2"
free_criteria_excluded := {
	"blocks", "auskunftssperre", "bedingter_sperrvermerk",
	"last_moved_away", "moved_away", "moved_away_date", "last_moved_in_from_abroad",
	"spouse", "children", "legal_rep",
}

free_criteria_related_prefixes := {"spouse_", "child_", "children_", "legal_rep_"}

free_criterion_excluded(key) if key in free_criteria_excluded

free_criterion_excluded(key) if {
	some prefix in free_criteria_related_prefixes
	startswith(key, prefix)
}

free_criterion_admitted(key) if key in free_criteria_s1

free_criterion_admitted(key) if {
	route in {"melde_security", "melde_justice"}
	key in free_criteria_security
}

# METADATA
# title: Freie Suche by a criterion §38 Abs. 2 S. 2 excludes
# custom:
#   norm: "BMG §38 Abs. 2 S. 2"
precondition_failures contains "selection_criterion_excluded" if {
	register_id == "melderegister"
	free_search_request
	some key in match_keys
	free_criterion_excluded(key)
}

# METADATA
# title: Freie Suche by a criterion beyond §38 Abs. 2 S. 1 for this requester
# custom:
#   norm: "BMG §38 Abs. 2 S. 1"
precondition_failures contains "selection_criterion_not_admitted" if {
	register_id == "melderegister"
	free_search_request
	some key in match_keys
	not free_criterion_excluded(key)
	not free_criterion_admitted(key)
}

# METADATA
# title: Freie Suche without any criterion
# custom:
#   norm: "BMG §38 Abs. 2"
precondition_failures contains "selection_criteria_missing" if {
	register_id == "melderegister"
	free_search_request
	count(match_keys) == 0
}

# METADATA
# title: Datenbestätigung with requested fields
# description: A confirmation releases no field; asking for fields is a different query.
# custom:
#   norm: "BMG §39a Abs. 2"
precondition_failures contains "confirm_fields_requested" if {
	confirm_request
	count(requested_fields) > 0
}
