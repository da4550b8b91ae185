# METADATA
# title: Global preconditions (law-matrix G1-G5, G8) and requester routes
# description: >-
#   Request-level checks that apply before any field is looked at. Each failed
#   check adds a code to precondition_failures; any code there denies the
#   request. Every check is written as "not <named positive condition>", so a
#   missing member fails the check instead of skipping it.
package hub.authz

import rego.v1

# METADATA
# title: Requester categories the hub knows
known_categories := {
	"city_office",
	"public_body",
	"security_authority",
	"justice_authority",
	"eu_public_body",
	"private",
	"media",
}

# METADATA
# title: Categories not served by the inter-office API (G8)
# custom:
#   norm: "BMG §35, §§44-50; GewO §14 Abs. 7; PStG §62"
not_served_categories := {"eu_public_body", "private", "media"}

# METADATA
# title: Registers the hub knows
known_registers := {"melderegister", "gewerberegister", "personenstandsregister"}

# METADATA
# title: Query kinds encoded so far
# description: >-
#   Only Personensuche ("person") is encoded. Freie Suche (BMG §34a Abs. 3 has
#   its own, smaller field maximum) and Datenbestätigung (§39a, no fields) are
#   denied with kind_rules_pending until their rules are added, so that the
#   Personensuche maximum is never applied to them.
supported_kinds := {"person"}

# METADATA
# title: Phase
precondition_failures contains "phase_unknown" if not phase

# METADATA
# title: G1 client known, identified and attached to an authority
# custom:
#   norm: "BMG §34 Abs. 2 S. 3"
client_identified if {
	input.client.known == true
	non_empty_string(input.client.id)
	authority
}

precondition_failures contains "client_unknown" if not client_identified

# METADATA
# title: G1 client category known
category_known if client_category in known_categories

# METADATA
# title: G8 category (served only with data available to anyone)
category_excluded if client_category in not_served_categories

precondition_failures contains "category_unknown" if {
	client_identified
	not category_known
}

# METADATA
# title: G8 category not served
# description: >-
#   EU bodies, private persons, companies and media are not served by the
#   inter-office API, except for data the law makes available to anyone
#   (public Gewerbe data, GewO §14 Abs. 5 S. 2).
# custom:
#   norm: "BMG §35, §44; GewO §14 Abs. 7; PStG §62"
precondition_failures contains "category_not_served" if {
	category_excluded
	not public_data_route
}

# METADATA
# title: G2 individual user id
# custom:
#   norm: "BMG §40 Abs. 1 Nr. 6"
user_identified if non_empty_string(input.user.id)

precondition_failures contains "missing_user" if not user_identified

# METADATA
# title: G3 purpose (Anlass) stated
# custom:
#   norm: "BMG §40 Abs. 1 Nr. 5"
precondition_failures contains "missing_purpose" if not purpose_code

# METADATA
# title: G3 case reference (Aktenzeichen) stated
# custom:
#   norm: "BMG §40 Abs. 1 Nr. 4"
case_reference_given if non_empty_string(input.request.case_reference)

precondition_failures contains "missing_case_reference" if not case_reference_given

# METADATA
# title: G4 purpose is a catalogue entry for the requested code
# custom:
#   norm: "BMG §37 Abs. 2 S. 1"
purpose_in_catalogue if {
	is_object(input.purpose)
	input.purpose.code == purpose_code
}

precondition_failures contains "purpose_unknown" if {
	purpose_code
	not purpose_in_catalogue
}

# METADATA
# title: G4 the office may use the purpose for this register
# custom:
#   norm: "BMG §37 Abs. 2 S. 1"
precondition_failures contains "purpose_not_allowed" if {
	purpose_in_catalogue
	not allowance
}

# METADATA
# title: G4 query kind stated
precondition_failures contains "missing_kind" if not request_kind

# METADATA
# title: G4 query kind admitted by the allowance
kind_allowed if request_kind in allowance_kinds

precondition_failures contains "kind_not_allowed" if {
	allowance
	request_kind
	not kind_allowed
}

# METADATA
# title: Query kind not encoded yet
kind_supported if request_kind in supported_kinds

precondition_failures contains "kind_rules_pending" if {
	request_kind
	not kind_supported
}

# METADATA
# title: G5 fields must be a list of field ids
precondition_failures contains "fields_malformed" if requested_fields_malformed

# METADATA
# title: G5 the requester must name the fields it wants
# custom:
#   norm: "BMG §34a Abs. 1, §39 Abs. 1; DSGVO Art. 5 Abs. 1 lit. c"
precondition_failures contains "no_fields_requested" if {
	not requested_fields_malformed
	count(requested_fields) == 0
}

# METADATA
# title: Register known
register_known if register_id in known_registers

precondition_failures contains "register_unknown" if not register_known

# METADATA
# title: Catalogue data belongs to the requested register
register_matches if input.register.id == register_id

precondition_failures contains "register_mismatch" if {
	register_known
	not register_matches
}

# METADATA
# title: No encoded route for this register, category and purpose
# description: >-
#   Known register, served category, but no rules encoded yet (e.g. protected
#   Gewerbe data, Personenstandsregister).
precondition_failures contains "register_rules_pending" if {
	register_known
	category_known
	not category_excluded
	not route
}

# METADATA
# title: Melderegister routes per requester category
# description: >-
#   city_office: BMG §37 (Weitergabe innerhalb der Verwaltungseinheit);
#   public_body: BMG §34 Abs. 1, §34a; security_authority: §34 Abs. 4 S. 1
#   Nr. 1, 6-9; justice_authority: §34 Abs. 4 S. 1 Nr. 2-5, 10-13.
melde_routes := {
	"city_office": "melde_city",
	"public_body": "melde_public",
	"security_authority": "melde_security",
	"justice_authority": "melde_justice",
}

# METADATA
# title: Requester route
# description: >-
#   The legal route a request takes. Undefined means no route: the request is
#   denied (deny by default).
route := melde_routes[client_category] if register_id == "melderegister"

route := "gewerbe_public" if {
	register_id == "gewerberegister"
	purpose_code == "information"
	category_known
}

# METADATA
# title: Route serving data that is available to anyone
# custom:
#   norm: "GewO §14 Abs. 5 S. 2"
public_data_route if route == "gewerbe_public"
