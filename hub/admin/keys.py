"""Every key the hub keeps in ``HUB_KEY_DIR``, created at once (for a Kubernetes Secret)."""

from __future__ import annotations

from pathlib import Path

from hub.audit.integrity.checkpoints import CHECKPOINT_KEY_FILE, load_or_create_key
from hub.auth.keys import SIGNING_KEY_FILE, load_or_create_signing_key
from hub.ui.security import SESSION_KEY_FILE, load_or_create_session_secret


def init_keys(key_dir: Path) -> list[str]:
    """Create what is missing, keep what exists; returns the key files, never their content."""
    load_or_create_signing_key(key_dir)  # access tokens (ES256)
    load_or_create_key(key_dir)  # ledger checkpoints and tombstones (Ed25519)
    load_or_create_session_secret(key_dir)  # workbench session cookie
    return sorted([SIGNING_KEY_FILE, CHECKPOINT_KEY_FILE, SESSION_KEY_FILE])
