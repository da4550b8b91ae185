# METADATA
# title: Global preconditions (rows G1-G5, G8 of policies/COVERAGE.md) and requester routes
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
# description: >-
#   A set each register's rules add to (a register's file beside this one says
#   known_registers contains "<id>"), so that adding a register adds a file.
known_registers contains register if some register in {"melderegister", "gewerberegister", "personenstandsregister"}

# METADATA
# title: Query kinds encoded for every register
# description: >-
#   Personensuche ("person") everywhere; the Melderegister adds freie Suche
#   and Datenbestätigung (melde_kinds). Other kinds are denied with
#   kind_rules_pending, so that the Personensuche maximum is never applied
#   to them.
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

# The Melderegister has all three kinds (BMG §34a Abs. 2, 3; §39a); see melderegister.rego.
kind_supported if {
	register_id == "melderegister"
	request_kind in melde_kinds
}

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
	not confirm_request
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

# ---------------------------------------------------------------------------
# Gewerberegister: protected data (GewO §14 Abs. 6, 8, 9, 11)
# ---------------------------------------------------------------------------

# METADATA
# title: Categories that may receive protected Gewerbe data (public bodies)
# description: >-
#   Abs. 6 S. 1 serves public bodies (S. 2 the city's own offices); private
#   persons, companies, media and EU bodies are Abs. 7 cases, not served (G8).
gewerbe_protected_categories := {"city_office", "public_body", "security_authority", "justice_authority"}

# METADATA
# title: Purposes that are the prosecution of criminal offences (Abs. 9)
# description: >-
#   Abs. 9 covers "Verfolgung von Straftaten" only. Interpretation [I]: the
#   purpose code decides, so a police or justice client gets the Abs. 9 route
#   only for strafverfolgung; Ordnungswidrigkeiten are not Straftaten.
# custom:
#   norm: "GewO §14 Abs. 9"
gewerbe_criminal_purposes := {"strafverfolgung"}

# METADATA
# title: Purposes that pursue Ordnungswidrigkeiten (never Abs. 9)
gewerbe_owi_purposes := {"owi_anhoerung"}

# METADATA
# title: Requester categories of the Abs. 9 route
gewerbe_criminal_categories := {"security_authority", "justice_authority"}

gewerbe_criminal_request if {
	client_category in gewerbe_criminal_categories
	purpose_code in gewerbe_criminal_purposes
}

route := "gewerbe_criminal" if {
	register_id == "gewerberegister"
	gewerbe_criminal_request
}

route := "gewerbe_protected" if {
	register_id == "gewerberegister"
	purpose_code != "information"
	client_category in gewerbe_protected_categories
	not gewerbe_criminal_request
}

# METADATA
# title: Abs. 6 S. 1 grounds an allowance can name
# description: >-
#   Interpretation [I]: which Abs. 6 S. 1 condition holds is the catalogue's
#   assertion (the Oberbürgermeister fixes recipients and purposes, Abs. 11
#   S. 2): the allowance's legal_basis must name Nr. 1 (regular transmission
#   under Abs. 8 allowed, also named as "GewO §14 Abs. 8[ Nr. n]"), Nr. 2
#   (gegenwärtige Gefahr) or Nr. 3 (collection from the trader
#   disproportionate). Inside the city S. 2 applies S. 1 "entsprechend".
# custom:
#   norm: "GewO §14 Abs. 6 S. 1, S. 2"
gewerbe_abs6_grounds := {
	"GewO §14 Abs. 6 S. 1 Nr. 1",
	"GewO §14 Abs. 6 S. 1 Nr. 2",
	"GewO §14 Abs. 6 S. 1 Nr. 3",
}

gewerbe_abs8_pattern := `^GewO §14 Abs\. 8( Nr\. [0-9]+[a-z]?)?$`

gewerbe_transfer_ground_named if {
	some norm in allowance_legal_basis
	norm in gewerbe_abs6_grounds
}

gewerbe_transfer_ground_named if {
	some norm in allowance_legal_basis
	regex.match(gewerbe_abs8_pattern, norm)
}

# METADATA
# title: The Gewerbeamt's own use for the Überwachung der Gewerbeausübung
# description: >-
#   Interpretation [I]: the office that keeps the register uses the data under
#   Abs. 5 S. 1 itself; no Abs. 6 transmission takes place.
# custom:
#   norm: "GewO §14 Abs. 5 S. 1"
gewerbe_transfer_ground_named if {
	authority == "gewerbeamt"
	"GewO §14 Abs. 5 S. 1" in allowance_legal_basis
}

precondition_failures contains "gewerbe_transfer_ground_missing" if {
	route == "gewerbe_protected"
	allowance
	not gewerbe_transfer_ground_named
}

# METADATA
# title: Ordnungswidrigkeiten are no Straftaten (Abs. 9 does not apply)
# custom:
#   norm: "GewO §14 Abs. 9"
precondition_failures contains "gewerbe_owi_not_criminal_offence" if {
	route == "gewerbe_protected"
	purpose_code in gewerbe_owi_purposes
	not gewerbe_transfer_ground_named
}

# ---------------------------------------------------------------------------
# Personenstandsregister (PStG §§ 65, 66, 68)
# ---------------------------------------------------------------------------

# METADATA
# title: Standesämter (automated retrieval between Standesämter, §68 Abs. 2)
# description: >-
#   Interpretation [I]: a Standesamt is recognised by its authority code (the
#   hub's own Standesamt and those of other municipalities).
pstr_standesamt_authorities := {"standesamt", "standesamt_extern"}

# METADATA
# title: Research and statistics (PStG §66)
# description: >-
#   Interpretation [I]: the Statistikstelle and research purposes never reach
#   the register through the hub; §66 needs the consent of the oberste
#   Landesbehörde, which the hub cannot check.
pstr_research_authorities := {"statistikstelle"}

pstr_research_purposes := {"kommunalstatistik", "wissenschaftliche_forschung"}

pstr_research_request if authority in pstr_research_authorities

pstr_research_request if purpose_code in pstr_research_purposes

pstr_served_categories := {"city_office", "public_body", "security_authority", "justice_authority"}

route := "pstr_standesamt" if {
	register_id == "personenstandsregister"
	client_category in pstr_served_categories
	authority in pstr_standesamt_authorities
	not pstr_research_request
}

route := "pstr_research" if {
	register_id == "personenstandsregister"
	client_category in pstr_served_categories
	pstr_research_request
}

# METADATA
# title: Every other authority or court: Ersuchen to the Standesamt
# description: >-
#   No Bundes- or Landesrecht admits automated retrieval by bodies other than
#   Standesämter (§68 Abs. 3); the request becomes a §65 Abs. 1 Ersuchen the
#   Standesamt answers by hand (outcome manual).
# custom:
#   norm: "PStG §65 Abs. 1, §68 Abs. 3"
route := "pstr_request" if {
	register_id == "personenstandsregister"
	client_category in pstr_served_categories
	not pstr_standesamt_client
	not pstr_research_request
}

pstr_standesamt_client if authority in pstr_standesamt_authorities

precondition_failures contains "pstr_research_not_served" if route == "pstr_research"

# METADATA
# title: Routes the hub never answers automatically (outcome manual)
manual_routes := {"pstr_request"}

route_manual if route in manual_routes

# METADATA
# title: G9 no wildcards in a person search
# description: >-
#   The adapters refuse wildcards too (422); the policy denies independently so
#   that a register without that check cannot be searched by pattern.
# custom:
#   norm: "BMeldDAV §4 Abs. 7"
precondition_failures contains "wildcard_in_person_search" if {
	request_kind == "person"
	count(wildcard_match_keys) > 0
}

# METADATA
# title: G9 hit lists are limited to 1,000 entries
# description: >-
#   The service asks the adapter for at most HUB_MAX_HITS and answers 422 beyond
#   that; the policy refuses a longer list as well, whatever the configuration.
# custom:
#   norm: "BMeldDAV §1 Abs. 4"
max_list_entries := 1000

precondition_failures contains "hit_limit_exceeded" if {
	phase == "records"
	count(hits) > max_list_entries
}
