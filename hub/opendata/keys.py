"""The secret behind the record keys of the cell-key method, kept in ``HUB_KEY_DIR``.

It must stay the same across releases (consistency) and must not be published: whoever
holds it can recompute every cell key and strip the noise.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

CELL_KEY_FILE = "opendata-cellkey.key"
_BYTES = 32


def load_or_create_cell_key_secret(key_dir: Path) -> bytes:
    path = key_dir / CELL_KEY_FILE
    if not path.exists():
        key_dir.mkdir(parents=True, exist_ok=True)
        try:
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
                handle.write(secrets.token_hex(_BYTES))
    secret = bytes.fromhex(path.read_text(encoding="utf-8").strip())
    if len(secret) < _BYTES:
        raise RuntimeError(f"{path} holds no usable cell-key secret")
    return secret
