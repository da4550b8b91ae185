"""Secrets of the workbench login: the cookie-signing key, session tokens, CSRF tokens.

The signing key is generated on first start and kept in ``HUB_KEY_DIR`` (mode 0600) like the
token and checkpoint keys; it is never in the repository or the database.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from pathlib import Path

SESSION_KEY_FILE = "ui-session-secret.key"
SESSION_COOKIE = "hub_ui_session"


def _generate(path: Path) -> str:
    secret = secrets.token_urlsafe(48)
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    # O_EXCL: two workers starting together must not overwrite each other's key.
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(secret)
    return secret


def load_or_create_session_secret(key_dir: Path) -> str:
    path = key_dir / SESSION_KEY_FILE
    if not path.exists():
        try:
            return _generate(path)
        except FileExistsError:
            pass
    secret = path.read_text(encoding="utf-8").strip()
    if len(secret) < 32:  # noqa: PLR2004 - at least 192 bits of url-safe base64
        raise RuntimeError(f"{path} holds no usable session secret")
    return secret


def new_token() -> str:
    return secrets.token_urlsafe(32)


def token_digest(token: str) -> str:
    """What the database keeps of a session token: a stolen table opens no session."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def same_token(given: str | None, expected: str | None) -> bool:
    if not given or not expected:
        return False
    return hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8"))


def new_password() -> str:
    return secrets.token_urlsafe(18)
