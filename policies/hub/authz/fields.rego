# METADATA
# title: Field minimisation (DSGVO Art. 5 Abs. 1 lit. c; IDNrG §5 Abs. 1)
# description: >-
#   released = requested ∩ legal maximum (per register × requester route) ∩
#   purpose allow-list (catalogue) ∩ approved (catalogue release status),
#   minus the IdNr (row G10 of policies/COVERAGE.md). The legal maximum tables are static law; the
#   allow-list and the release status arrive in input.
package hub.authz

import rego.v1

# ---------------------------------------------------------------------------
# Melderegister field tables (BMG §3)
# ---------------------------------------------------------------------------

# METADATA
# title: BMG §34 Abs. 1 S. 1 data (any public body)
# custom:
#   norm: "BMG §34 Abs. 1 S. 1"
melde_s34_abs1_s1 := {
	"name", # Nr. 1
	"prev_names", # Nr. 2
	"given_names", # Nr. 3
	"doctor", # Nr. 4
	"religious_artist_name", # Nr. 5
	"birth", # Nr. 6
	"sex", # Nr. 7
	"nationality", # Nr. 8
	"addresses", # Nr. 9
	"move_dates", # Nr. 10
	"legal_rep", # Nr. 11
	"marital", # Nr. 12
	"spouse", # Nr. 13
	"children", # Nr. 14
	"blocks", # Nr. 15
	"death", # Nr. 16
}

# METADATA
# title: BMG §34 Abs. 1 S. 2 data (only §34 Abs. 4 S. 1 authorities)
# custom:
#   norm: "BMG §34 Abs. 1 S. 2"
melde_s34_abs1_s2 := {
	"id_docs", # Nr. 1
	"passport_denial", # Nr. 2
	"weapons", # Nr. 3
	"explosives", # Nr. 3
	"landlord", # Nr. 4
}

# METADATA
# title: BMG §3 Abs. 1 data (all of it may go to city offices, §37 Abs. 1 S. 1)
# custom:
#   norm: "BMG §3 Abs. 1, §37 Abs. 1 S. 1"
melde_s3_abs1 := melde_s34_abs1_s1 | {
	"idnr", # §3 Abs. 1 Nr. 8 (still blocked by G10, see idnr_released)
	"religion", # Nr. 11
	"id_docs", # Nr. 17
	"azr_no", # Nr. 17a
}

# METADATA
# title: BMG §3 Abs. 2 data (only for the purposes named there, §5 Abs. 2, 3)
# custom:
#   norm: "BMG §3 Abs. 2, §5 Abs. 3"
melde_s3_abs2 := {
	"vote_excl", # Nr. 1
	"elstam", # Nr. 2
	"vbm", # Nr. 3
	"passport_denial", # Nr. 4
	"weapons", # Nr. 7
	"explosives", # Nr. 8
	"residence_queries", # Nr. 9
	"landlord", # Nr. 10
}

# METADATA
# title: All Melderegister field ids
melde_fields := melde_s3_abs1 | melde_s3_abs2

# METADATA
# title: §3 Abs. 2 data a city office may receive, by authority
# description: >-
#   §37 Abs. 1 S. 2 admits §3 Abs. 2 data inside the city only under the §34
#   Abs. 3 test and the §5 Abs. 3 limits: Wahl data only to the body running
#   elections (Wahlamt); weapons/explosives data only to the Waffen- und
#   Sprengstoffbehörde for those procedures. ELStAM and the vorläufiges
#   Bearbeitungsmerkmal never go to a city office (§5 Abs. 3 S. 2 Nr. 2: BZSt
#   only). The §34 Abs. 3 necessity test itself is asserted by the catalogue
#   allowance that lists the field.
# custom:
#   norm: "BMG §37 Abs. 1 S. 2, §34 Abs. 3, §5 Abs. 3"
city_s3_abs2_by_authority := {
	"wahlamt": {"vote_excl"},
	"waffenbehoerde": {"weapons", "explosives"},
}

# METADATA
# title: Purposes that are weapons- or explosives-law procedures
# description: >-
#   The Ordnungsamt has many functions (OWi, Gefahrenabwehr, ...). It receives
#   §3 Abs. 2 Nr. 7/8 data only when it acts as Waffen-/Sprengstoffbehörde,
#   which the policy recognises by the purpose code. Interpretation [I].
weapons_law_purposes := {"waffenrecht_zuverlaessigkeit"}

# METADATA
# title: §3 Abs. 2 data for the Ordnungsamt in its Waffenbehörde function
ordnungsamt_weapons_fields contains name if {
	authority == "ordnungsamt"
	purpose_code in weapons_law_purposes
	some name in {"weapons", "explosives"}
}

# METADATA
# title: §3 Abs. 2 data the requesting city office may receive
default city_s3_abs2_fields := set()

city_s3_abs2_fields := object.get(city_s3_abs2_by_authority, authority, set()) | ordnungsamt_weapons_fields

# METADATA
# title: §3 Abs. 2 data an external public body may receive, by authority
# custom:
#   norm: "BMG §5 Abs. 3 S. 2 Nr. 2"
public_s3_abs2_by_authority := {"bzst": {"elstam", "vbm"}}

default public_s3_abs2_fields := set()

public_s3_abs2_fields := public_s3_abs2_by_authority[authority]

# ---------------------------------------------------------------------------
# Gewerberegister field tables (GewO §14)
# ---------------------------------------------------------------------------

# METADATA
# title: Public Gewerbe data (anyone)
# custom:
#   norm: "GewO §14 Abs. 5 S. 2"
gewerbe_public_fields := {"name", "geschaeftsbezeichnung", "betriebliche_anschrift", "taetigkeit"}

# METADATA
# title: Protected Gewerbe data (purpose-bound, Abs. 5 S. 1)
# description: >-
#   Every other datum of the Gewerbeanzeige. Interpretation [I]:
#   Rechtsform and Registereintrag are not listed in Abs. 5 S. 2, so they count
#   as protected although they are public elsewhere.
# custom:
#   norm: "GewO §14 Abs. 5 S. 1, Abs. 6, Abs. 9"
gewerbe_protected_fields := {
	"given_names", "birth_date", "birth_place", "nationality", "private_address",
	"rechtsform", "registereintrag", "betriebsbeginn", "betriebsende",
	"beschaeftigte", "erlaubnisse", "abmeldegrund",
}

# ---------------------------------------------------------------------------
# Personenstandsregister field tables (PStG)
# ---------------------------------------------------------------------------

# METADATA
# title: Suchverzeichnis and the matching Registereintrag
# description: >-
#   §68 Abs. 2 S. 3: an automated retrieval shows only the Suchverzeichnis and
#   the entry that belongs to the request; the hub's PStR fields are exactly
#   that. A §65 Ersuchen gets "soweit erforderlich", decided by the Standesamt.
# custom:
#   norm: "PStG §68 Abs. 2 S. 3, §65 Abs. 1"
pstr_fields := {"entry_kind", "entry_year", "registry_office", "entry_number", "persons", "entry_text"}

# ---------------------------------------------------------------------------
# Legal maximum per route
# ---------------------------------------------------------------------------

# METADATA
# title: Legal maximum of fields for the request's route
# description: Empty when there is no route (G8 categories, rules pending).
default legal_maximum := set()

legal_maximum := melde_s3_abs1 | city_s3_abs2_fields if {
	route == "melde_city"
	not free_search_request
}

legal_maximum := melde_s34_abs1_s1 | public_s3_abs2_fields if {
	route == "melde_public"
	not free_search_request
}

legal_maximum := melde_s34_abs1_s1 | melde_s34_abs1_s2 if {
	route in {"melde_security", "melde_justice"}
	not free_search_request
}

# Freie Suche: its own, smaller maximum (melderegister.rego).
legal_maximum := melde_free_maximum if {
	startswith(route, "melde_")
	free_search_request
}

legal_maximum := gewerbe_public_fields if route == "gewerbe_public"

# "as necessary" (GewO §14 Abs. 6, 9): the allowance narrows it per purpose.
legal_maximum := gewerbe_public_fields | gewerbe_protected_fields if route in {"gewerbe_protected", "gewerbe_criminal"}

legal_maximum := pstr_fields if route in {"pstr_standesamt", "pstr_request"}

# ---------------------------------------------------------------------------
# G10 IdNr
# ---------------------------------------------------------------------------

# METADATA
# title: Norms that would open the IdNr for a purpose (G10)
# description: >-
#   Empty in this version: no purpose has an explicit IDNrG/OZG/special-law
#   basis yet. A later version lists the norms here; an allowance whose
#   legal_basis names one of them then releases idnr.
# custom:
#   norm: "IDNrG §5 Abs. 1"
idnr_special_bases := set()

# METADATA
# title: IdNr released for this purpose (G10)
idnr_released if {
	some norm in allowance_legal_basis
	norm in idnr_special_bases
}

default g10_withheld := {"idnr"}

g10_withheld := set() if idnr_released

# ---------------------------------------------------------------------------
# Result
# ---------------------------------------------------------------------------

# METADATA
# title: Fields that may be released
releasable := ((((requested_fields & legal_maximum) & allowance_fields) & approved_fields) - g10_withheld) - transform_withheld

# METADATA
# title: The field stage is reached only when every precondition holds
field_stage if {
	count(precondition_failures) == 0
	not confirm_request # Datenbestätigung releases no fields (BMG §39a Abs. 2)
}

# METADATA
# title: Requested field unknown to the catalogue
field_reasons contains "field_unknown" if {
	field_stage
	some name in requested_fields
	not name in catalogue_fields
}

# METADATA
# title: Requested field beyond the legal maximum of the route
# custom:
#   norm: "DSGVO Art. 5 Abs. 1 lit. c"
field_reasons contains "field_beyond_legal_maximum" if {
	field_stage
	some name in requested_fields
	not name in legal_maximum
}

# METADATA
# title: Requested field not in the purpose allow-list
# custom:
#   norm: "DSGVO Art. 5 Abs. 1 lit. c"
field_reasons contains "field_not_in_allowlist" if {
	field_stage
	some name in requested_fields
	not name in allowance_fields
}

# METADATA
# title: Requested field known but not approved for release
# custom:
#   norm: "DSGVO Art. 25 Abs. 2"
field_reasons contains "field_not_approved" if {
	field_stage
	some name in requested_fields
	name in catalogue_fields
	not name in approved_fields
}

# METADATA
# title: G10 IdNr withheld
# custom:
#   norm: "IDNrG §5 Abs. 1"
field_reasons contains "idnr_requires_special_basis" if {
	field_stage
	"idnr" in requested_fields
	"idnr" in g10_withheld
}

# METADATA
# title: Nothing left to release
# custom:
#   norm: "DSGVO Art. 5 Abs. 1 lit. c"
field_failures contains "no_releasable_fields" if {
	field_stage
	count(releasable) == 0
}
