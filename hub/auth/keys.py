"""The hub's token signing key: generated on first start, kept in ``HUB_KEY_DIR``.

The key file lives outside the repository (default ``./var/keys``, git-ignored) and is
written with mode 0600.
"""

from __future__ import annotations

import json
import os
import uuid
from pathlib import Path

from joserfc.jwk import ECKey, KeySet

SIGNING_KEY_FILE = "token-signing-key.jwk.json"
SIGNING_ALGORITHM = "ES256"


def _generate(path: Path) -> ECKey:
    key = ECKey.generate_key(
        "P-256",
        parameters={"kid": str(uuid.uuid4()), "use": "sig", "alg": SIGNING_ALGORITHM},
        private=True,
    )
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    # O_EXCL: two workers starting together must not overwrite each other's key.
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        json.dump(key.as_dict(private=True), handle)
    return key


def load_or_create_signing_key(key_dir: Path) -> ECKey:
    path = key_dir / SIGNING_KEY_FILE
    if not path.exists():
        try:
            return _generate(path)
        except FileExistsError:
            pass
    key = ECKey.import_key(json.loads(path.read_text(encoding="utf-8")))
    if not key.is_private:
        raise RuntimeError(f"{path} holds no private key")
    return key


def public_key_set(key: ECKey) -> KeySet:
    return KeySet([ECKey.import_key(key.as_dict(private=False))])
