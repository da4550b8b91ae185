"""Open aggregates: ``hub opendata publish``, the public ``/open/...`` files, the definitions."""
