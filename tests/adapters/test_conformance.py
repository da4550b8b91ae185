"""Every register adapter passes the shared conformance suite, on every backend."""

from adapters.gewerberegister import GewerberegisterAdapter
from adapters.melderegister import MelderegisterAdapter
from adapters.personenstandsregister import PersonenstandsregisterAdapter
from adapters.testing import conformance_suite
from tests.fixtures.conformance import (
    GEWERBEREGISTER_CASE,
    MELDEREGISTER_CASE,
    PERSONENSTANDSREGISTER_CASE,
)

TestMelderegister = conformance_suite(MelderegisterAdapter, case=MELDEREGISTER_CASE)
TestGewerberegister = conformance_suite(GewerberegisterAdapter, case=GEWERBEREGISTER_CASE)
TestPersonenstandsregister = conformance_suite(
    PersonenstandsregisterAdapter, case=PERSONENSTANDSREGISTER_CASE
)
