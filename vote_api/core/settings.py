"""The service's settings, read from SZMQA_* environment variables."""

from __future__ import annotations

import ipaddress
from pathlib import Path
from typing import Annotated, Literal

from pydantic import AliasChoices, Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

MIN_SECRET_LENGTH = 32

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
HumanCheckKind = Literal["builtin", "tencent", "aliyun"]


class Settings(BaseSettings):
    """Every setting of the vote and objection service, with safe development defaults."""

    model_config = SettingsConfigDict(env_prefix="SZMQA_", extra="ignore", populate_by_name=True)

    environment: Literal["development", "production"] = "development"
    database_url: str = Field(
        default="sqlite:///var/szmqa.db",
        validation_alias=AliasChoices("SZMQA_DATABASE_URL", "DATABASE_URL"),
    )
    #: Upgrade the database schema at start (under a lock); off: refuse a database behind.
    auto_upgrade_schema: bool = True
    ratelimit_storage_uri: str = "memory://"
    ratelimit_enabled: bool = True
    trusted_proxies: Annotated[list[IPNetwork], NoDecode] = []
    #: Unset outside production: random keys are generated into the data folder on first start.
    secret_key: SecretStr | None = None
    encryption_key: SecretStr | None = None
    #: Earlier encryption keys, comma-separated: data sealed with them still opens.
    old_encryption_keys: Annotated[list[SecretStr], NoDecode] = []
    content_dir: Path = Path("docs")
    demo_dir: Path | None = None
    site_dir: Path | None = None
    data_dir: Path = Path("var")
    #: SMS gateway for phone ballots: console (development and demo: no SMS is sent, the code
    #: is shown on the page), aliyun or tencent.
    sms_kind: Literal["console", "aliyun", "tencent"] = "console"
    sms_access_key_id: str = ""
    sms_access_key_secret: SecretStr = SecretStr("")
    sms_sign_name: str = ""
    sms_template_id: str = ""
    sms_app_id: str = ""
    sms_endpoint: str = ""
    sms_timeout_seconds: Annotated[float, Field(gt=0, le=30)] = 5.0
    #: The hard daily ceiling of SMS codes: past it sends are refused (503); the console warns
    #: from 80 % on.
    sms_daily_budget: Annotated[int, Field(ge=1)] = 10_000
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
    # SMS economics: codes a day per 7-digit number block, and the verified-share watch.
    sms_block_daily_cap: Annotated[int, Field(ge=1, le=10_000)] = 50
    sms_verified_share_floor: Annotated[float, Field(ge=0, le=1)] = 0.5
    sms_watch_min_sent: Annotated[int, Field(ge=1)] = 20
    sms_network_hourly_limit: Annotated[int, Field(ge=4, le=100_000)] = 60
    # Objection floods: evidence bytes a day per network, free disk kept for the service.
    objection_daily_bytes_per_network: Annotated[int, Field(ge=1024 * 1024)] = 300 * 1024 * 1024
    objection_min_free_disk_bytes: Annotated[int, Field(ge=0)] = 2 * 1024 * 1024 * 1024
    # WeChat voters (identity: wechat): the secretariat's verified service account (服务号),
    # OAuth 2.0 web authorisation with scope snsapi_base; the base URLs are WeChat's own.
    wechat_app_id: str = ""
    wechat_app_secret: SecretStr = SecretStr("")
    wechat_authorize_url: str = "https://open.weixin.qq.com/connect/oauth2/authorize"
    wechat_api_url: str = "https://api.weixin.qq.com"
    wechat_timeout_seconds: Annotated[float, Field(gt=0, le=30)] = 5.0
    # Deployment checks (szmqa doctor): the public address, the publish folder, the workers.
    site_url: str = Field(default="", validation_alias=AliasChoices("SZMQA_SITE_URL", "SITE_URL"))
    #: The folder ``szmqa install-hooks --root`` publishes into (releases/, current).
    publish_dir: Path | None = None
    #: How many worker processes serve (uvicorn reads WEB_CONCURRENCY for --workers).
    workers: int = Field(
        default=1, ge=1, le=1024, validation_alias=AliasChoices("SZMQA_WORKERS", "WEB_CONCURRENCY")
    )
    # Overload shedding: requests of each expensive route family one worker serves at once
    # (past the bound: 503 at once with Retry-After), see vote_api/core/shedding.py.
    inflight_captchas: Annotated[int, Field(ge=1, le=10_000)] = 8
    inflight_sms: Annotated[int, Field(ge=1, le=10_000)] = 16
    inflight_objections: Annotated[int, Field(ge=1, le=10_000)] = 8
    inflight_votes: Annotated[int, Field(ge=1, le=10_000)] = 64
    overload_retry_after_seconds: Annotated[int, Field(ge=1, le=600)] = 2
    # Console sign-in: Argon2 password checks run on this many threads of their own.
    console_password_threads: Annotated[int, Field(ge=1, le=8)] = 1
    # Human checks per purpose (SMS send, vote, objection): builtin (the service's own captcha,
    # offline), tencent (Tencent Cloud Captcha) or aliyun (Alibaba Cloud Captcha 2.0).
    human_check_sms: HumanCheckKind = "builtin"
    human_check_vote: HumanCheckKind = "builtin"
    human_check_objection: HumanCheckKind = "builtin"
    human_check_timeout_seconds: Annotated[float, Field(gt=0, le=30)] = 3.0
    tencent_captcha_secret_id: str = ""
    tencent_captcha_secret_key: SecretStr = SecretStr("")
    tencent_captcha_app_id: str = ""
    tencent_captcha_app_secret_key: SecretStr = SecretStr("")
    #: Empty for the public endpoint; "http://127.0.0.1:port" for a local fake.
    tencent_captcha_endpoint: str = ""
    aliyun_captcha_access_key_id: str = ""
    aliyun_captcha_access_key_secret: SecretStr = SecretStr("")
    aliyun_captcha_scene_id: str = ""
    #: The account's identity prefix (the page's widget needs it with the scene id).
    aliyun_captcha_prefix: str = ""
    aliyun_captcha_endpoint: str = ""

    @field_validator("old_encryption_keys", mode="before")
    @classmethod
    def _split_keys(cls, value: object) -> object:
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        return value

    @field_validator("trusted_proxies", mode="before")
    @classmethod
    def _split_proxies(cls, value: object) -> object:
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        return value

    @model_validator(mode="after")
    def _keys_set_in_production(self) -> Settings:
        if self.environment == "development":
            return self
        for name in ("secret_key", "encryption_key"):
            value = getattr(self, name)
            if value is None or len(value.get_secret_value()) < MIN_SECRET_LENGTH:
                raise ValueError(
                    f"SZMQA_{name.upper()} must be set to a random value of at least "
                    f"{MIN_SECRET_LENGTH} characters when SZMQA_ENVIRONMENT={self.environment}"
                )
        return self

    @property
    def secret(self) -> bytes:
        """The signing key (set, or generated by ``vote_api.core.keys.with_keys``)."""
        if self.secret_key is None:
            raise RuntimeError("the secret key is not set: build settings with with_keys()")
        return self.secret_key.get_secret_value().encode("utf-8")

    @property
    def encryption_keys(self) -> list[str]:
        """The encryption keys, newest first: data is sealed with the first, opened with any."""
        if self.encryption_key is None:
            raise RuntimeError("the encryption key is not set: build settings with with_keys()")
        keys = [self.encryption_key, *self.old_encryption_keys]
        return [key.get_secret_value() for key in keys]

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

    # The ballot log (signed checkpoints of each ballot's Merkle log)
    #: The log's name: the signing key's name and the prefix of each ballot log's origin.
    log_name: Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9.:/_-]{0,99}$")] = (
        "localhost/szmqa"
    )
    #: The Ed25519 signing key (base64 of its 32-byte seed); unset: <data_dir>/log-signing-key.
    log_signing_key: SecretStr | None = None
    #: A ballot's log gets a new checkpoint once its last one is this old and the log grew.
    checkpoint_minutes: Annotated[int, Field(ge=1, le=60)] = 10
