"""Scopes of the client credentials, and the user roles a client can be trusted to assert."""

REGISTER_QUERY = "register:query"
CATALOGUE_READ = "catalogue:read"
CATALOGUE_WRITE = "catalogue:write"
AUDIT_READ = "audit:read"
TASKS_READ = "tasks:read"
# The operating office: list, disable and enable clients, rotate their secrets (/v1/clients)
CLIENTS_ADMIN = "clients:admin"
# Pushing changes into a mirrored register: the operating office's procedure.
REGISTER_WRITE = "register:write"

KNOWN_SCOPES = frozenset(
    {
        REGISTER_QUERY,
        CATALOGUE_READ,
        CATALOGUE_WRITE,
        AUDIT_READ,
        TASKS_READ,
        CLIENTS_ADMIN,
        REGISTER_WRITE,
    }
)
DEFAULT_SCOPES = (REGISTER_QUERY,)

# BMG §34a Abs. 6: Behördenleitung or a specially authorised official.
TRUSTED_ROLES = frozenset({"besonders_ermaechtigt", "behoerdenleitung"})
