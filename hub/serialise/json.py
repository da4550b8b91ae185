"""JSON answers rendered with orjson (a tenth of the CPU of ``json.dumps``).

Same bytes as Starlette's ``JSONResponse`` for the hub's bodies (compact, UTF-8, not ASCII
escaped); NaN and infinity become ``null`` instead of an error, and the hub sends neither.
"""

from __future__ import annotations

from typing import Any

import orjson
from starlette.responses import Response


class JsonResponse(Response):
    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        return orjson.dumps(content)
