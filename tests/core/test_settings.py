"""Settings: no default secrets outside development; values read from the environment."""

from __future__ import annotations

import ipaddress

import pytest
from pydantic import ValidationError

from vote_api.core.settings import Settings

STRONG = "k" * 40


def test_settings_production_refuses_the_default_secret_key() -> None:
    with pytest.raises(ValidationError, match="SZMQA_SECRET_KEY"):
        Settings(environment="production", encryption_key=STRONG)


def test_settings_production_refuses_a_short_secret_key() -> None:
    with pytest.raises(ValidationError, match="at least 32 characters"):
        Settings(environment="production", secret_key="short", encryption_key=STRONG)


def test_settings_production_accepts_strong_keys() -> None:
    settings = Settings(environment="production", secret_key=STRONG, encryption_key="e" * 40)
    assert settings.secret_key.get_secret_value() == STRONG
    assert STRONG not in repr(settings)  # secrets stay out of logs and tracebacks


def test_settings_read_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://u@db/szmqa")
    monkeypatch.setenv("SZMQA_TRUSTED_PROXIES", "127.0.0.1, 10.0.0.0/8")
    monkeypatch.setenv("SZMQA_RATELIMIT_STORAGE_URI", "redis://cache:6379/0")
    settings = Settings()
    assert settings.database_url == "postgresql+psycopg://u@db/szmqa" and not settings.is_sqlite
    assert settings.trusted_proxies == [
        ipaddress.ip_network("127.0.0.1/32"),
        ipaddress.ip_network("10.0.0.0/8"),
    ]
    assert settings.ratelimit_storage_uri == "redis://cache:6379/0"


def test_settings_refuse_a_malformed_proxy_address(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SZMQA_TRUSTED_PROXIES", "not-an-address")
    with pytest.raises(ValidationError):
        Settings()
