"""The checkpoint signing key: generated once per installation (0600), or set, never guessed."""

from __future__ import annotations

import base64
import stat
from pathlib import Path

import pytest

from vote_api.core.keys import LOG_KEY_FILE, log_signing_key
from vote_api.core.settings import Settings


def raw(key: object) -> bytes:
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    return key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)  # type: ignore[attr-defined]


def test_log_key_is_generated_once_and_reused(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path)
    first = log_signing_key(settings)
    path = tmp_path / LOG_KEY_FILE
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert raw(log_signing_key(settings)) == raw(first)  # a restart signs with the same key
    assert raw(log_signing_key(Settings(data_dir=tmp_path / "other"))) != raw(first)


def test_log_key_from_the_setting_and_a_malformed_one_refused(tmp_path: Path) -> None:
    seed = base64.b64encode(bytes(range(32))).decode()
    set_key = log_signing_key(Settings(data_dir=tmp_path, log_signing_key=seed))
    assert not (tmp_path / LOG_KEY_FILE).exists()
    assert raw(set_key) == raw(
        log_signing_key(Settings(data_dir=tmp_path / "x", log_signing_key=seed))
    )
    for bad in ("not base64!", base64.b64encode(b"short").decode()):
        with pytest.raises(ValueError, match="SZMQA_LOG_SIGNING_KEY"):
            log_signing_key(Settings(data_dir=tmp_path, log_signing_key=bad))
