"""Gewerberegister (GewO §14) adapter over the city's mirrored register tables."""

from adapters.gewerberegister.adapter import GewerberegisterAdapter

__all__ = ["GewerberegisterAdapter"]
