# METADATA
# title: Gewerberegister hit-level rules (phase records)
# description: >-
#   Only the public route (GewO §14 Abs. 5 S. 2) is encoded: the data may be
#   made available to anyone, so every matched business is released; there is
#   no block, no related person and no purpose-binding notice (GewO §14
#   Abs. 12 binds only data subject to Abs. 5 S. 1). Protected Gewerbe data
#   (Abs. 6-9, 11) is denied as register_rules_pending for now.
package hub.authz

import rego.v1

# METADATA
# title: Evaluation of one Gewerberegister hit
# custom:
#   norm: "GewO §14 Abs. 5 S. 2"
gewerbe_hit_eval(position, hit) := {
	"index": hit_index(position, hit),
	"action": "release",
	"strip": [],
	"notice": null,
	"reasons": set(),
} if {
	public_data_route
}

# METADATA
# title: Hit evaluations for the Gewerberegister
hit_evaluations := [evaluation | some position, hit in hits; evaluation := gewerbe_hit_eval(position, hit)] if {
	register_id == "gewerberegister"
}
