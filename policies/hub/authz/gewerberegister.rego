# METADATA
# title: Gewerberegister hit-level rules (phase records)
# description: >-
#   The Gewerberegister knows no Auskunftssperre and no related persons: once
#   the request passed its route's checks (public data Abs. 5 S. 2; protected
#   data Abs. 6 S. 1 ground or Abs. 9 Straftaten, Abs. 11 purpose and
#   Vorgang), every matched business is released. A closed business stays in
#   the register and is released like any other. The purpose-binding notice of
#   Abs. 12 is given in decision.rego when protected data is released.
package hub.authz

import rego.v1

# METADATA
# title: Routes of the Gewerberegister
gewerbe_routes := {"gewerbe_public", "gewerbe_protected", "gewerbe_criminal"}

gewerbe_route if route in gewerbe_routes

# METADATA
# title: Evaluation of one Gewerberegister hit
# custom:
#   norm: "GewO §14 Abs. 5 S. 2, Abs. 6, Abs. 9"
gewerbe_hit_eval(position, hit) := {
	"index": hit_index(position, hit),
	"action": "release",
	"strip": [],
	"notice": null,
	"reasons": set(),
} if {
	gewerbe_route
}

# METADATA
# title: Hit evaluations for the Gewerberegister
hit_evaluations := [evaluation | some position, hit in hits; evaluation := gewerbe_hit_eval(position, hit)] if {
	register_id == "gewerberegister"
}

# METADATA
# title: Text of the GewO §14 Abs. 12 purpose-binding notice
# custom:
#   norm: "GewO §14 Abs. 12"
gewerbe_abs12_notice := concat(" ", [
	"Zweckbindung (§ 14 Abs. 12 GewO): Die übermittelten zweckgebundenen Daten",
	sprintf("dürfen nur für den Zweck „%s“ verarbeitet werden,", [purpose_code]),
	"zu dessen Erfüllung sie übermittelt wurden.",
])

# METADATA
# title: Protected (purpose-bound) Gewerbe data is part of the answer
gewerbe_protected_released if {
	register_id == "gewerberegister"
	some name in released_fields
	name in gewerbe_protected_fields
}
