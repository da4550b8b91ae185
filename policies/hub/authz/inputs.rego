# METADATA
# title: Input accessors
# description: >-
#   Typed, defensive views on the input the hub builds. Every accessor is
#   undefined (or an empty set / array) when the member is missing, null or of
#   the wrong type. Rules elsewhere only use these accessors and phrase every
#   denial as the negation of a positive condition, so a missing or malformed
#   member can never switch a deny into a permit.
package hub.authz

import rego.v1

# Rule used throughout the policy: never negate an expression that contains a
# possibly undefined value, such as `not is_array(input.x)` or
# `not input.x in s`. OPA treats such a negation as undefined (the body fails)
# while regorus treats it as true. Negate a named helper rule instead
# (`not x_listed`), which both engines evaluate the same way.

# METADATA
# title: Non-empty string
# description: True if the value is a string with at least one non-blank character.
non_empty_string(value) if {
	is_string(value)
	trim_space(value) != ""
}

# METADATA
# title: Evaluation phase
# description: >-
#   "request" (before the register is touched) or "records" (after matching,
#   with hits). Undefined for anything else.
phase := input.phase if input.phase in {"request", "records"}

# METADATA
# title: Requester category
# description: The category of the client's authority (city_office, public_body, ...).
client_category := input.client.category if is_string(input.client.category)

# METADATA
# title: Requesting authority code
authority := input.client.authority if non_empty_string(input.client.authority)

# METADATA
# title: Requested register id
register_id := input.request.register if non_empty_string(input.request.register)

# METADATA
# title: Requested purpose code
purpose_code := input.request.purpose if non_empty_string(input.request.purpose)

# METADATA
# title: Requested query kind
request_kind := input.request.kind if non_empty_string(input.request.kind)

# METADATA
# title: Requested field ids
# description: The string entries of request.fields; empty if it is not an array.
default requested_fields := set()

requested_fields := {name | some name in input.request.fields; is_string(name)} if {
	is_array(input.request.fields)
}

# METADATA
# title: request.fields is a list
requested_fields_listed if is_array(input.request.fields)

# METADATA
# title: request.fields present but not an array of strings
requested_fields_malformed if {
	input.request.fields != null
	not requested_fields_listed
}

requested_fields_malformed if {
	is_array(input.request.fields)
	some name in input.request.fields
	not is_string(name)
}

# METADATA
# title: Match keys whose value holds a wildcard (names only)
default wildcard_match_keys := set()

wildcard_match_keys := {name | some name in input.request.wildcard_keys; is_string(name)} if {
	is_array(input.request.wildcard_keys)
}

# METADATA
# title: Catalogue allowance
# description: >-
#   The catalogue allowance for purpose x authority x register; undefined if it
#   is null, missing or not an object.
allowance := input.purpose.allowance if is_object(input.purpose.allowance)

# METADATA
# title: Fields the purpose allow-list admits
default allowance_fields := set()

allowance_fields := {name | some name in allowance.fields; is_string(name)} if {
	is_array(allowance.fields)
}

# METADATA
# title: Kinds the allowance admits
default allowance_kinds := set()

allowance_kinds := {kind | some kind in allowance.kinds; is_string(kind)} if {
	is_array(allowance.kinds)
}

# METADATA
# title: Legal basis named by the allowance
default allowance_legal_basis := set()

allowance_legal_basis := {norm | some norm in allowance.legal_basis; non_empty_string(norm)} if {
	is_array(allowance.legal_basis)
}

# METADATA
# title: Field ids the catalogue knows for the register
default catalogue_fields := set()

catalogue_fields := object.keys(input.register.fields) if is_object(input.register.fields)

# METADATA
# title: Field ids whose release status is "approved"
# description: Any other status (unreviewed, revoked, missing) is not approved.
default approved_fields := set()

approved_fields := {name |
	some name, meta in input.register.fields
	meta.release == "approved"
} if {
	is_object(input.register.fields)
}

# METADATA
# title: input.hits is a list
hits_listed if is_array(input.hits)

# METADATA
# title: Matched records (phase records)
default hits := []

hits := input.hits if hits_listed

# METADATA
# title: Date pattern (YYYY-MM-DD)
date_pattern := `^[0-9]{4}-[0-9]{2}-[0-9]{2}$`

# METADATA
# title: Year of the evaluation date (input.now)
now_year := to_number(substring(input.now, 0, 4)) if {
	is_string(input.now)
	regex.match(date_pattern, input.now)
}

# METADATA
# title: Names of the match keys (never their values)
default match_keys := set()

match_keys := {key | some key in input.request.match_keys; is_string(key)} if {
	is_array(input.request.match_keys)
}

# METADATA
# title: Freie Suche (BMG §34a Abs. 3)
free_search_request if request_kind == "free"

# METADATA
# title: Datenbestätigung (BMG §39a)
confirm_request if request_kind == "confirm"

# METADATA
# title: The requester waived further processing of a neutral answer (BMG §38 Abs. 5 S. 1)
# description: Only an explicit true counts.
follow_up_waived if input.request.waive_follow_up == true

# METADATA
# title: The caller declares the person's consent (BMG §13 Abs. 2 S. 4 Nr. 1)
# description: Only an explicit true counts; the consent is on file under the case reference.
consent_declared if input.request.consent_declared == true

# METADATA
# title: BMG §13 Abs. 2 S. 4 exceptions the catalogue approved for the purpose
default purpose_archive_exceptions := set()

purpose_archive_exceptions := {code | some code in input.purpose.archive_exceptions; is_string(code)} if {
	is_array(input.purpose.archive_exceptions)
}

# METADATA
# title: Roles of the acting user (the hub passes only trusted roles)
default user_roles := set()

user_roles := {role | some role in input.user.roles; is_string(role)} if is_array(input.user.roles)
