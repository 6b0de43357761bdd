"""The service's settings, read from SZMQA_* environment variables."""

from __future__ import annotations

import ipaddress
from pathlib import Path
from typing import Annotated, Literal

from pydantic import AliasChoices, Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

DEVELOPMENT_SECRET = "development-only-secret-key-do-not-deploy"
DEVELOPMENT_ENCRYPTION_KEY = "development-only-encryption-key-do-not-deploy"
MIN_SECRET_LENGTH = 32

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


class Settings(BaseSettings):
    """Every setting of the vote and objection service, with safe development defaults."""

    model_config = SettingsConfigDict(env_prefix="SZMQA_", extra="ignore")

    environment: Literal["development", "production"] = "development"
    database_url: str = Field(
        default="sqlite:///var/szmqa.db",
        validation_alias=AliasChoices("SZMQA_DATABASE_URL", "DATABASE_URL"),
    )
    ratelimit_storage_uri: str = "memory://"
    ratelimit_enabled: bool = True
    trusted_proxies: Annotated[list[IPNetwork], NoDecode] = []
    secret_key: SecretStr = SecretStr(DEVELOPMENT_SECRET)
    encryption_key: SecretStr = SecretStr(DEVELOPMENT_ENCRYPTION_KEY)
    content_dir: Path = Path("docs")
    demo_dir: Path | None = None
    site_dir: Path | None = None
    data_dir: Path = Path("var")
    captcha_ttl_seconds: Annotated[int, Field(ge=30, le=1800)] = 300
    voter_cookie_days: Annotated[int, Field(ge=1, le=400)] = 180
    # Objections: where encrypted evidence is kept, and the limits of one objection.
    objection_upload_dir: Path | None = None  # default: <data_dir>/objections, never served
    objection_max_files: Annotated[int, Field(ge=1, le=20)] = 5
    objection_max_file_bytes: Annotated[int, Field(ge=1024, le=200 * 1024 * 1024)] = (
        50 * 1024 * 1024
    )
    objection_max_request_bytes: Annotated[int, Field(ge=4096, le=1024 * 1024 * 1024)] = (
        110 * 1024 * 1024
    )
    objection_text_max_chars: Annotated[int, Field(ge=200, le=50_000)] = 5000
    objection_retention_days: Annotated[int, Field(ge=1, le=3650)] = 180

    @field_validator("trusted_proxies", mode="before")
    @classmethod
    def _split_proxies(cls, value: object) -> object:
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        return value

    @model_validator(mode="after")
    def _no_default_secrets_in_production(self) -> Settings:
        if self.environment == "development":
            return self
        for name, default in (
            ("secret_key", DEVELOPMENT_SECRET),
            ("encryption_key", DEVELOPMENT_ENCRYPTION_KEY),
        ):
            value = getattr(self, name).get_secret_value()
            if value == default or len(value) < MIN_SECRET_LENGTH:
                raise ValueError(
                    f"SZMQA_{name.upper()} must be set to a random value of at least "
                    f"{MIN_SECRET_LENGTH} characters when SZMQA_ENVIRONMENT={self.environment}"
                )
        return self

    @property
    def is_sqlite(self) -> bool:
        """Whether the database is SQLite (the embedded default)."""
        return self.database_url.startswith("sqlite")

    @property
    def objection_upload_path(self) -> Path:
        """The folder of encrypted objection evidence (outside anything served)."""
        return self.objection_upload_dir or self.data_dir / "objections"

    @property
    def content_roots(self) -> list[Path]:
        """The folders holding award years and notices."""
        return [self.content_dir] + ([self.demo_dir] if self.demo_dir else [])
