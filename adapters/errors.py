"""The only exceptions adapters raise; the hub translates them into problem details."""


class AdapterError(Exception):
    """Base of every adapter error. Messages may be logged, never echoed to callers."""


class RegisterUnavailable(AdapterError):
    """The register cannot be reached."""


class RegisterTimeout(AdapterError):
    """The register did not answer in time."""


class RecordNotFound(AdapterError):
    """A subject that was found by ``search`` is gone at ``fetch`` time."""


class UpstreamContractError(AdapterError):
    """The register answered something the adapter cannot map."""


class InvalidLookup(AdapterError):
    """The lookup keys are not a lawful or complete search; ``member`` names the culprit."""

    def __init__(self, message: str, *, member: str) -> None:
        """Keep the offending key name for the caller's problem detail."""
        super().__init__(message)
        self.member = member


class TooManyMatches(AdapterError):
    """More matches than the caller may receive (BMeldDAV §9: at most 1,000)."""


class ImportRejected(AdapterError):
    """An import file had bad lines; nothing of it was stored."""

    def __init__(self, errors: list[tuple[int, str]]) -> None:
        """Keep every (line number, message) pair for the operator."""
        super().__init__(f"{len(errors)} line(s) rejected")
        self.errors = errors
