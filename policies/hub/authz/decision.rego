# METADATA
# title: Decision assembly
# description: >-
#   data.hub.authz.decision: always defined, deny by default. The same rule is
#   evaluated in phase "request" (before the register is touched) and in phase
#   "records" (with the matched hits).
package hub.authz

import rego.v1

# METADATA
# title: Every reason that denies the request
deny_reasons := precondition_failures | field_failures

# METADATA
# title: Request-level permit
# description: >-
#   The only way to a non-denied outcome: a known phase, a route, no failed
#   check and at least one releasable field.
request_permitted if {
	phase
	route
	count(deny_reasons) == 0
	count(releasable) > 0
}

# Datenbestätigung: no fields, only a confirmation (BMG §39a Abs. 2).
request_permitted if {
	phase
	route
	count(deny_reasons) == 0
	confirm_request
}

# METADATA
# title: Fields released by the decision (empty unless permitted)
default released_fields := set()

released_fields := releasable if request_permitted

# METADATA
# title: Hit index echoed in the decision (position in input.hits if index is missing)
hit_index(position, hit) := hit.index if hit_has_index(hit)

hit_index(position, hit) := position if not hit_has_index(hit)

hit_has_index(hit) if is_number(hit.index)

# METADATA
# title: Per-hit evaluations (register-specific files define them)
default hit_evaluations := []

# METADATA
# title: Evaluations that count in this decision (phase records, permitted only)
default effective_hits := []

effective_hits := hit_evaluations if {
	phase == "records"
	request_permitted
}

# METADATA
# title: Number of released hits
released_hit_count := count([evaluation | some evaluation in effective_hits; evaluation.action == "release"])

# METADATA
# title: Reasons that come from the hits (ledger only; the caller sees a neutral answer)
outcome_reasons contains code if {
	some evaluation in effective_hits
	some code in evaluation.reasons
}

outcome_reasons contains "no_match" if {
	phase == "records"
	request_permitted
	count(hits) == 0
}

outcome_reasons contains "hits_malformed" if {
	phase == "records"
	request_permitted
	not hits_listed
}

# METADATA
# title: Safety net (no permit, yet no reason recorded)
outcome_reasons contains "denied_by_default" if {
	not request_permitted
	count(deny_reasons) == 0
}

# METADATA
# title: All reason codes (set)
reasons := ((deny_reasons | field_reasons) | outcome_reasons)

# METADATA
# title: Number of hits per action other than release
hit_action_count(action) := count([evaluation | some evaluation in effective_hits; evaluation.action == action])

# METADATA
# title: Outcome of phase records, assembled from the hit actions
# description: >-
#   release > manual > archive > neutral: any released hit answers (hits held
#   or routed to the office still get their task); else any manual hit makes
#   the whole request a manual one (202 + task); else an entry past its
#   Fortführungsfrist ends in archive law (403); else neutral (no match,
#   holds, omitted hits). Interpretation [I]: a request with mixed hits is
#   answered with what may be answered.
records_outcome := "released" if released_hit_count > 0

records_outcome := "manual" if {
	released_hit_count == 0
	hit_action_count("manual") > 0
}

records_outcome := "archive" if {
	released_hit_count == 0
	hit_action_count("manual") == 0
	hit_action_count("archive") > 0
}

records_outcome := "neutral" if {
	released_hit_count == 0
	hit_action_count("manual") == 0
	hit_action_count("archive") == 0
}

# METADATA
# title: Outcome
# description: >-
#   A manual route (manual_routes) answers "manual" in both phases: the hub
#   does not touch the register and the office gets a task.
default outcome := "denied"

outcome := "manual" if {
	request_permitted
	route_manual
}

outcome := "released" if {
	request_permitted
	not route_manual
	phase == "request"
}

outcome := records_outcome if {
	request_permitted
	not route_manual
	phase == "records"
}

# METADATA
# title: Purpose-binding notice of BMG §41 S. 1 (G7)
# description: >-
#   Given with every released Melderegister answer. Public Gewerbe data is not
#   purpose-bound (GewO §14 Abs. 12 covers only Abs. 5 S. 1 data): no notice.
# custom:
#   norm: "BMG §41"
default notice := null

notice := sprintf(
	"Zweckbindung (§ 41 Satz 1 BMG): Die übermittelten Daten dürfen nur für den Zweck „%s“ verarbeitet werden, zu dessen Erfüllung sie übermittelt wurden.",
	[purpose_code],
) if {
	outcome == "released"
	register_id == "melderegister"
}

# GewO §14 Abs. 12: only purpose-bound (Abs. 5 S. 1) data carries the notice.
notice := gewerbe_abs12_notice if {
	outcome == "released"
	gewerbe_protected_released
}

# METADATA
# title: Hits as the caller-facing decision shows them
decision_hits := [{
	"index": evaluation.index,
	"action": evaluation.action,
	"strip": evaluation.strip,
	"notice": evaluation.notice,
} |
	some evaluation in effective_hits
]

# METADATA
# title: The decision
# description: >-
#   outcome released | neutral | manual | archive | denied; fields = released field ids; withheld
#   = requested but not released; reasons and legal_basis sorted; hits only in
#   phase records; notice = §41 notice for released answers, else null;
#   transforms = released field -> coarser value (transforms.rego), only when any.
decision := object.union(decision_core, transforms_member)

decision_core := {
	"outcome": outcome,
	"fields": sort(released_fields),
	"withheld": sort(requested_fields - released_fields),
	"reasons": sort(reasons),
	"legal_basis": sort(legal_basis),
	"hits": decision_hits,
	"notice": notice,
}
