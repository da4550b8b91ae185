# METADATA
# title: Melderegister hit-level rules (phase records)
# description: >-
#   Per matched person: hold (neutral answer + task for the register office)
#   or release; strip related persons who have their own Auskunftssperre;
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
#   Empty in this version: no exception yet. The later rule adds
#   "melde_security" (§34 Abs. 4 S. 1 Nr. 1, 6-9 only; never justice
#   authorities, never city offices).
# custom:
#   norm: "BMG §34a Abs. 6"
auskunftssperre_exception_routes := set()

# METADATA
# title: §34a Abs. 6 exception to the hold (plug-in point)
# description: >-
#   Where the security-authority exception plugs in. To be completed with:
#   Sperre not entered von Amts wegen on behalf of a §34 Abs. 5 S. 1 authority,
#   and the user is Leitung or besonders ermächtigt (input.user.roles).
# custom:
#   norm: "BMG §34a Abs. 6"
auskunftssperre_exception(hit) if {
	route in auskunftssperre_exception_routes
	is_object(hit.auskunftssperre)
}

# METADATA
# title: Hold because of an Auskunftssperre
# custom:
#   norm: "BMG §34a Abs. 5 S. 1, 2; §37 Abs. 2 S. 3"
melde_hold("auskunftssperre", hit) if {
	not melde_hit_sperre_clear(hit)
	not auskunftssperre_exception(hit)
}

# ---------------------------------------------------------------------------
# §13 Abs. 2: records of persons who moved away or died more than five years
# before the end of the year are archived; only a small subset may still be
# processed. Fail-safe interim rule: if any released field lies outside that
# subset (S. 3) the hit is held for the register office, which can apply the
# exceptions of S. 4. Security and justice authorities are exempt
# (§13 Abs. 2 S. 4 Nr. 2 lit. c).
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
	not archive_exempt
	melde_event_archived(hit)
	some name in releasable
	not name in archive_processable_fields
}

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

melde_hit_notice(hit) := bedingter_sperrvermerk_notice if melde_bedingter_sperrvermerk(hit)

melde_hit_notice(hit) := null if not melde_bedingter_sperrvermerk(hit)

# METADATA
# title: Codes of the holds that apply to a hit
melde_hit_holds(hit) := {code | some code in ["auskunftssperre", "archive_rule_13_2"]; melde_hold(code, hit)}

# METADATA
# title: Evaluation of a held hit
melde_hit_eval(position, hit) := {
	"index": hit_index(position, hit),
	"action": "hold",
	"strip": [],
	"notice": null,
	"reasons": holds,
} if {
	holds := melde_hit_holds(hit)
	count(holds) > 0
}

# METADATA
# title: Evaluation of a released hit
melde_hit_eval(position, hit) := {
	"index": hit_index(position, hit),
	"action": "release",
	"strip": sort(blocked | unknown),
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
	{"related_person_blocked" | count(blocked) > 0},
	{"related_persons_unknown" | count(unknown) > 0},
	{"bedingter_sperrvermerk" | melde_bedingter_sperrvermerk(hit)},
})

# METADATA
# title: Hit evaluations for the Melderegister
hit_evaluations := [evaluation | some position, hit in hits; evaluation := melde_hit_eval(position, hit)] if {
	register_id == "melderegister"
}
