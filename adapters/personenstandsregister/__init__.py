"""Personenstandsregister (PStG) adapter over the Standesamt's mirrored register tables."""

from adapters.personenstandsregister.adapter import PersonenstandsregisterAdapter

__all__ = ["PersonenstandsregisterAdapter"]
