# METADATA
# title: Personenstandsregister hit-level rules (phase records)
# description: >-
#   Only the Standesamt route reaches the register (PStG §68 Abs. 2); every
#   other authority is routed to the Standesamt before the search (outcome
#   manual, preconditions.rego). Per matched entry: past its
#   Fortführungsfrist -> archive (archive law, §61 Abs. 2); Sperrvermerk,
#   stillgelegt or adoption -> manual (§68 Abs. 2 S. 5 Nr. 3, 4; §63);
#   otherwise release. Facts that are missing or of the wrong type never
#   release: the entry goes to the Standesamt (manual).
package hub.authz

import rego.v1

# METADATA
# title: Fortführungsfristen in years per entry kind
# custom:
#   norm: "PStG §5 Abs. 5"
pstr_fortfuehrungsfrist := {
	"geburt": 110,
	"ehe": 80,
	"lebenspartnerschaft": 80,
	"sterbe": 30,
}

# METADATA
# title: Facts that bar the automated answer, with their reason code
# description: >-
#   §64 Sperrvermerk and §47 Abs. 4 S. 2 Stilllegung (§68 Abs. 2 S. 5 Nr. 3,
#   4). Interpretation [I]: adoption (§63 Abs. 1, § 1758 BGB) also goes to
#   the Standesamt although §63 speaks "abweichend von § 62" (private
#   requests). SBGG changes (§63 Abs. 2) and Abstammungsgutachten (§63 Abs. 4)
#   are not in the adapter facts; "sbgg" and "abstammungsgutachten" are read
#   if a later adapter supplies them.
pstr_manual_flags := {
	"sperrvermerk": "pstr_sperrvermerk",
	"stillgelegt": "pstr_stillgelegt",
	"adoption": "pstr_adoption",
}

pstr_optional_flags := {
	"sbgg": "pstr_sbgg",
	"abstammungsgutachten": "pstr_abstammungsgutachten",
}

# METADATA
# title: The hit's facts are complete and well-typed
pstr_hit_wellformed(hit) if {
	is_object(hit)
	pstr_fortfuehrungsfrist[hit.entry_kind]
	is_number(hit.entry_year)
	hit.entry_year == floor(hit.entry_year)
	count({flag | some flag, _ in pstr_manual_flags; is_boolean(hit[flag])}) == count(pstr_manual_flags)
	count({flag | some flag, _ in pstr_optional_flags; pstr_optional_flag_wellformed(hit, flag)}) == count(pstr_optional_flags)
	now_year
}

pstr_optional_flag_wellformed(hit, flag) if not pstr_flag_present(hit, flag)

pstr_optional_flag_wellformed(hit, flag) if is_boolean(hit[flag])

pstr_flag_present(hit, flag) if hit[flag] != null

# METADATA
# title: Fortführungsfrist over
# description: >-
#   Interpretation [I]: counted from the Jahrgang of the entry (year of the
#   Beurkundung, as the Fristen of PStG §5 Abs. 5 run): the entry is archival from
#   1 January of entry_year + Frist + 1, e.g. a birth entry of 1915 from 2026.
# custom:
#   norm: "PStG §5 Abs. 5, §7 Abs. 3, §61 Abs. 2, §68 Abs. 2 S. 5 Nr. 1"
pstr_frist_over(hit) if {
	pstr_hit_wellformed(hit)
	hit.entry_year + pstr_fortfuehrungsfrist[hit.entry_kind] < now_year
}

# METADATA
# title: Reason codes that send the entry to the Standesamt
pstr_manual_reasons(hit) := {code | some flag, code in pstr_manual_flags; hit[flag] == true} | {code |
	some flag, code in pstr_optional_flags
	hit[flag] == true
}

pstr_facts_reasons(hit) := set() if pstr_hit_wellformed(hit)

pstr_facts_reasons(hit) := {"pstr_hit_facts_malformed"} if not pstr_hit_wellformed(hit)

# METADATA
# title: Action and reasons for one entry
pstr_hit_outcome(hit) := {"action": "archive", "reasons": {"pstr_fortfuehrungsfrist_abgelaufen"}} if {
	pstr_frist_over(hit)
}

pstr_hit_outcome(hit) := {"action": "manual", "reasons": reasons} if {
	not pstr_frist_over(hit)
	reasons := pstr_manual_reasons(hit) | pstr_facts_reasons(hit)
	count(reasons) > 0
}

pstr_hit_outcome(hit) := {"action": "release", "reasons": set()} if {
	pstr_hit_wellformed(hit)
	not pstr_frist_over(hit)
	count(pstr_manual_reasons(hit)) == 0
}

# METADATA
# title: Evaluation of one Personenstandsregister hit
# custom:
#   norm: "PStG §68 Abs. 2"
pstr_hit_eval(position, hit) := {
	"index": hit_index(position, hit),
	"action": result.action,
	"strip": [],
	"notice": null,
	"reasons": result.reasons,
} if {
	route == "pstr_standesamt"
	result := pstr_hit_outcome(hit)
}

# METADATA
# title: Hit evaluations for the Personenstandsregister
hit_evaluations := [evaluation | some position, hit in hits; evaluation := pstr_hit_eval(position, hit)] if {
	register_id == "personenstandsregister"
}
