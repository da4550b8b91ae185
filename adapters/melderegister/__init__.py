"""Melderegister (BMG) adapter over the city's mirrored register tables."""

from adapters.melderegister.adapter import MelderegisterAdapter

__all__ = ["MelderegisterAdapter"]
