# METADATA
# title: Value-level minimisation (DSGVO Art. 5 Abs. 1 lit. c)
# description: >-
#   Where a purpose needs less precision than a field holds, the coarser value
#   is released, not the field. The catalogue allowance names a transformation
#   per field (input.purpose.allowance.transforms, a fixed vocabulary); the
#   decision names those of its released fields, and the hub applies them
#   after the decision and before the answer. A transformation outside the
#   vocabulary, or on a field it does not fit, withholds the field; so does a
#   statistics purpose whose allowance would release a full date or a street
#   address (row M14 of policies/COVERAGE.md).
package hub.authz

import rego.v1

# METADATA
# title: Transformations and the Melderegister fields they apply to
# description: >-
#   year_month / year: every date of the field at that precision, nothing else
#   (birth and death place left out); district: each address as municipality
#   and city district, never street, house number or postal code.
# custom:
#   norm: "DSGVO Art. 5 Abs. 1 lit. c"
transform_vocabulary := {
	"year_month": {"birth", "death", "move_dates"},
	"year": {"birth", "death", "move_dates"},
	"district": {"addresses"},
}

# METADATA
# title: Registers whose field values the hub can transform
transform_registers := {"melderegister"}

# METADATA
# title: Transformations named by the allowance (field -> transformation)
default allowance_transforms := {}

allowance_transforms := allowance.transforms if is_object(allowance.transforms)

transform_fits(name, transform) if {
	register_id in transform_registers
	is_string(transform)
	name in transform_vocabulary[transform]
}

# METADATA
# title: Fields whose named transformation the hub cannot apply
transform_invalid_fields contains name if {
	some name, transform in allowance_transforms
	not transform_fits(name, transform)
}

# METADATA
# title: Purposes that serve statistics only (row M14 of policies/COVERAGE.md)
# description: >-
#   Interpretation [I]: the Statistikstelle gets birth as
#   year/month and the address as a block/district code; death and move dates
#   are coarsened to the month as well, as a population statistic counts them
#   per month.
# custom:
#   norm: "BMG §34 Abs. 1, DSGVO Art. 5 Abs. 1 lit. b, c"
statistics_purposes := {"kommunalstatistik"}

# METADATA
# title: The precision a statistics purpose may receive at most, per field
statistics_coarse_enough := {
	"birth": {"year_month", "year"},
	"death": {"year_month", "year"},
	"move_dates": {"year_month", "year"},
	"addresses": {"district"},
}

# METADATA
# title: Fields a statistics purpose would receive at full precision
transform_missing_fields contains name if {
	purpose_code in statistics_purposes
	some name, _ in statistics_coarse_enough
	not coarse_enough(name)
}

# A helper rather than `not allowance_transforms[name] in coarse`: OPA and regorus
# disagree on that negation when the allowance names no transformation for the field.
coarse_enough(name) if {
	transform := allowance_transforms[name]
	transform in statistics_coarse_enough[name]
}

# METADATA
# title: Fields withheld for want of a valid, coarse enough transformation
transform_withheld := transform_invalid_fields | transform_missing_fields

# METADATA
# title: A requested field carries a transformation the hub cannot apply
# custom:
#   norm: "DSGVO Art. 5 Abs. 1 lit. c"
field_reasons contains "transformation_invalid" if {
	field_stage
	some name in requested_fields
	name in transform_invalid_fields
}

# METADATA
# title: A statistics purpose asked for a field its allowance does not coarsen
# custom:
#   norm: "DSGVO Art. 5 Abs. 1 lit. c, BMG §34 Abs. 1"
field_reasons contains "coarser_value_required" if {
	field_stage
	some name in requested_fields
	name in transform_missing_fields
}

# METADATA
# title: Transformations of the released fields, as the decision names them
# (Iterating the allowance, not the fields: regorus' compiled RVM turns a lookup of an
# absent key inside an object comprehension into an "<undefined>" value.)
released_transforms := {name: transform |
	some name, transform in allowance_transforms
	name in released_fields
}

# METADATA
# title: The decision's transforms member, present only when something is transformed
default transforms_member := {}

transforms_member := {"transforms": released_transforms} if count(released_transforms) > 0

# METADATA
# title: Norms behind this file's reason codes
# description: >-
#   Kept beside the rules (not in legal_basis.rego's reason_basis) so that the
#   vocabulary, its reasons and their norms change together.
transform_reason_basis := {
	"transformation_invalid": ["DSGVO Art. 5 Abs. 1 lit. c"],
	"coarser_value_required": ["BMG §34 Abs. 1", "DSGVO Art. 5 Abs. 1 lit. c"],
}

legal_basis contains norm if {
	some code in reasons
	some norm in transform_reason_basis[code]
}

# A released coarser value rests on data minimisation.
legal_basis contains "DSGVO Art. 5 Abs. 1 lit. c" if count(released_transforms) > 0
