"""The exceptions of BMG §13 Abs. 2 S. 4 a purpose may carry (catalogue attribute).

Five years after the end of the year a person moved away or died, only the S. 3 subset may
be processed, unless an exception applies. The steward approves, per purpose, the
exceptions the purpose's use is indispensable for; the policy reads them from its input
(``purpose.archive_exceptions``) and cites the norm below when one lifts the restriction.

Letter c (tasks of the §34 Abs. 4 S. 1 authorities) is no purpose attribute: the law ties it
to the requesting authority, so the policy applies it to those authorities' routes.
Interpretation [I]. ``einwilligung`` (Nr. 1) only admits a per-request declaration: it
counts when the caller declares, for a person search, that the person consented and the
consent is on file under the request's case reference.
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Final, Literal

ArchiveException = Literal[
    "einwilligung", "wissenschaft", "beweisnot", "wahlzwecke", "stag_verfahren"
]

ARCHIVE_EXCEPTION_NORMS: Final = MappingProxyType(
    {
        "einwilligung": "BMG §13 Abs. 2 S. 4 Nr. 1",
        "wissenschaft": "BMG §13 Abs. 2 S. 4 Nr. 2 lit. a",
        "beweisnot": "BMG §13 Abs. 2 S. 4 Nr. 2 lit. b",
        "wahlzwecke": "BMG §13 Abs. 2 S. 4 Nr. 2 lit. d",
        "stag_verfahren": "BMG §13 Abs. 2 S. 4 Nr. 2 lit. e",
    }
)
