"""Keys of the embedded default: generated on first start into the data folder, then reused.

Outside production, a secret or encryption key that is not set in the environment is read
from ``<data_dir>/keys.json`` (mode 0600), which the first start writes with fresh random
keys. The keys never come from the source code, so nothing in the repository opens the data
of a deployment. Production refuses to start without both keys set (see ``Settings``).
"""

from __future__ import annotations

import base64
import json
import logging
import os
import secrets
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from pydantic import SecretStr

from vote_api.core.settings import Settings

KEY_FILE = "keys.json"
log = logging.getLogger("vote_api.keys")


def _read_or_create(path: Path) -> dict[str, str]:
    """The stored keys, writing fresh ones first if the file does not exist yet."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)  # the data folder: private
    keys = {
        "secret_key": secrets.token_urlsafe(48),
        "encryption_key": secrets.token_urlsafe(48),
    }
    fresh = json.dumps(keys)
    stored = _write_once(path, fresh)
    if stored != fresh:  # another process was first: use its keys
        return json.loads(stored)
    log.warning(
        "generated random keys into %s (SZMQA_SECRET_KEY / SZMQA_ENCRYPTION_KEY are not set); "
        "keep this file with the database: without it, stored personal data cannot be read",
        path,
    )
    return keys


def with_keys(settings: Settings) -> Settings:
    """The settings with both keys set: from the environment, or from the data folder's file."""
    if settings.secret_key is not None and settings.encryption_key is not None:
        return settings
    if settings.environment == "production":  # the settings' own check refuses this earlier
        raise ValueError("SZMQA_SECRET_KEY and SZMQA_ENCRYPTION_KEY must be set in production")
    stored = _read_or_create(settings.data_dir / KEY_FILE)
    return settings.model_copy(
        update={
            "secret_key": settings.secret_key or SecretStr(stored["secret_key"]),
            "encryption_key": settings.encryption_key or SecretStr(stored["encryption_key"]),
        }
    )


LOG_KEY_FILE = "log-signing-key"


def stored_log_signing_seed(settings: Settings) -> str | None:
    """The checkpoint signing key this installation already has (setting or file), if any."""
    if settings.log_signing_key is not None:
        return settings.log_signing_key.get_secret_value().strip()
    try:
        return (settings.data_dir / LOG_KEY_FILE).read_text(encoding="ascii").strip()
    except FileNotFoundError:
        return None


def log_signing_key(settings: Settings) -> Ed25519PrivateKey:
    """The installation's checkpoint signing key: from the setting, or the data folder's file."""
    encoded = stored_log_signing_seed(settings)
    if encoded is None:
        path = settings.data_dir / LOG_KEY_FILE
        encoded = _write_once(path, base64.b64encode(secrets.token_bytes(32)).decode())
        log.warning(
            "generated the ballot log's signing key into %s (SZMQA_LOG_SIGNING_KEY is not "
            "set); keep it with the other keys: checkpoints are signed with it",
            path,
        )
    try:
        seed = base64.b64decode(encoded.strip(), validate=True)
        return Ed25519PrivateKey.from_private_bytes(seed)
    except ValueError:
        raise ValueError(
            "SZMQA_LOG_SIGNING_KEY (or the log-signing-key file) must be base64 of 32 bytes"
        ) from None


def log_signing_seed(settings: Settings) -> str:
    """The checkpoint signing key's 32-byte seed in base64 (what a backup of the keys keeps)."""
    raw = log_signing_key(settings).private_bytes_raw()
    return base64.b64encode(raw).decode("ascii")


def _write_once(path: Path, content: str) -> str:
    """Write ``content`` (mode 0600) unless another process was first; return what is stored.

    Written whole under a temporary name, then linked into place: a process starting at the
    same moment either finds no file or a complete one, never a half-written one.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    descriptor = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="ascii") as handle:
        handle.write(content)
        handle.flush()
        os.fsync(handle.fileno())
    try:
        os.link(temp, path)
    except FileExistsError:
        return path.read_text(encoding="ascii")
    finally:
        temp.unlink(missing_ok=True)
    return content
