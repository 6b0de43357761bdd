"""The human checks by name, and the one each purpose (SMS send, vote, objection) uses.

``builtin`` is the service's own captcha; ``tencent`` and ``aliyun`` are vendors' checks,
each with the script its widget loads on the page and the hosts that script talks to (the
only hosts the vote and objection pages' CSP adds, and only where configured).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from starlette.requests import Request

from vote_api.core.csp import with_hosts
from vote_api.core.db import Database
from vote_api.core.humancheck import CaptchaKind, Challenge, HumanAnswer, HumanCheck, Ticket
from vote_api.core.sdklogs import keep_sdk_debug_out_of_logs
from vote_api.core.settings import Settings
from vote_api.core.vendorcheck import aliyun, tencent
from vote_api.core.vendorcheck.vendor import Ask, VendorCheck

#: The purposes a check can be chosen for, as the first part of their scopes ("vote:…").
PURPOSES = ("sms", "vote", "objection")
BUILTIN = "builtin"


def _tencent(settings: Settings) -> Ask:
    return tencent.TencentCaptcha(
        secret_id=settings.tencent_captcha_secret_id,
        secret_key=settings.tencent_captcha_secret_key.get_secret_value(),
        app_id=int(settings.tencent_captcha_app_id),
        app_secret_key=settings.tencent_captcha_app_secret_key.get_secret_value(),
        endpoint=settings.tencent_captcha_endpoint or None,
        timeout=settings.human_check_timeout_seconds,
    )


def _aliyun(settings: Settings) -> Ask:
    return aliyun.AliyunCaptcha(
        access_key_id=settings.aliyun_captcha_access_key_id,
        access_key_secret=settings.aliyun_captcha_access_key_secret.get_secret_value(),
        scene_id=settings.aliyun_captcha_scene_id,
        endpoint=settings.aliyun_captcha_endpoint or None,
        timeout=settings.human_check_timeout_seconds,
    )


@dataclass(frozen=True)
class Vendor:
    """A vendor's check: how to build it, what it needs, and what the page needs."""

    make: Callable[[Settings], Ask]
    required: tuple[str, ...]
    script: str
    hosts: tuple[str, ...]
    #: The settings the page's widget needs (public identifiers, never keys), by page name.
    public: tuple[tuple[str, str], ...]


VENDORS = {
    "tencent": Vendor(
        make=_tencent,
        required=(
            "tencent_captcha_secret_id",
            "tencent_captcha_secret_key",
            "tencent_captcha_app_id",
            "tencent_captcha_app_secret_key",
        ),
        script=tencent.SCRIPT,
        hosts=tencent.HOSTS,
        public=(("app_id", "tencent_captcha_app_id"),),
    ),
    "aliyun": Vendor(
        make=_aliyun,
        required=(
            "aliyun_captcha_access_key_id",
            "aliyun_captcha_access_key_secret",
            "aliyun_captcha_scene_id",
            "aliyun_captcha_prefix",
        ),
        script=aliyun.SCRIPT,
        hosts=aliyun.HOSTS,
        public=(("scene_id", "aliyun_captcha_scene_id"), ("prefix", "aliyun_captcha_prefix")),
    ),
}


def kind_for(settings: Settings, purpose: str) -> str:
    """The check chosen for a purpose (``builtin``, ``tencent`` or ``aliyun``)."""
    return str(getattr(settings, f"human_check_{purpose}"))


def _setting(settings: Settings, name: str) -> str:
    value = getattr(settings, name)
    return str(value.get_secret_value() if hasattr(value, "get_secret_value") else value).strip()


def _checked(settings: Settings, name: str) -> Vendor:
    """The vendor, once its required settings are there; ValueError (Chinese) if not."""
    vendor = VENDORS[name]
    missing = [
        f"SZMQA_{field.upper()}" for field in vendor.required if not _setting(settings, field)
    ]
    if missing:
        raise ValueError(f"人机验证 {name} 缺少设置：{'、'.join(missing)}")
    if name == "tencent" and not settings.tencent_captcha_app_id.strip().isdigit():
        raise ValueError("SZMQA_TENCENT_CAPTCHA_APP_ID 应为验证码控制台中的 CaptchaAppId（数字）")
    return vendor


class ByPurpose:
    """Hands each challenge and answer to the check chosen for its scope's purpose."""

    name = "by-purpose"

    def __init__(self, checks: dict[str, HumanCheck], default: HumanCheck) -> None:
        self.checks = checks
        self._default = default

    def _for(self, scope: str) -> HumanCheck:
        return self.checks.get(scope.partition(":")[0], self._default)

    async def issue(
        self, request: Request, scope: str, kind: CaptchaKind, now: datetime
    ) -> Challenge:
        """Issue with the purpose's check (a vendor's refuses: its widget is on the page)."""
        return await self._for(scope).issue(request, scope, kind, now)

    async def verify(self, answer: HumanAnswer, scope: str, now: datetime) -> None:
        """Verify with the purpose's check."""
        await self._for(scope).verify(answer, scope, now)

    async def ticket(self, answer: HumanAnswer, scope: str, now: datetime) -> Ticket:
        """Prepare the ticket with the purpose's check."""
        return await self._for(scope).ticket(answer, scope, now)


def build_human_check(settings: Settings, db: Database, builtin: HumanCheck) -> HumanCheck:
    """The built-in check, or one that hands each purpose to the check the settings choose."""
    kinds = {purpose: kind_for(settings, purpose) for purpose in PURPOSES}
    if set(kinds.values()) == {BUILTIN}:
        return builtin
    keep_sdk_debug_out_of_logs()
    vendors: dict[str, HumanCheck] = {
        name: VendorCheck(
            name,
            _checked(settings, name).make(settings),
            db,
            settings.secret,
            settings.human_check_timeout_seconds,
        )
        for name in set(kinds.values()) - {BUILTIN}
    }
    checks = {purpose: vendors.get(kind, builtin) for purpose, kind in kinds.items()}
    return ByPurpose(checks, builtin)


def page_config(settings: Settings, purpose: str) -> dict[str, str]:
    """What a page needs to run the purpose's check: the provider, its script, public ids."""
    kind = kind_for(settings, purpose)
    if kind == BUILTIN:
        return {"provider": BUILTIN}
    vendor = VENDORS[kind]
    public = {key: _setting(settings, field) for key, field in vendor.public}
    return {"provider": kind, "script": vendor.script, **public}


def page_hosts(settings: Settings, purposes: tuple[str, ...]) -> tuple[str, ...]:
    """The vendor hosts a page running these purposes' checks must be allowed to load from."""
    hosts: list[str] = []
    for purpose in purposes:
        kind = kind_for(settings, purpose)
        if kind != BUILTIN:
            hosts += [host for host in VENDORS[kind].hosts if host not in hosts]
    return tuple(hosts)


#: The site's pages that run human checks, and the purposes each runs (the vote page also
#: asks for SMS codes on phone ballots).
CHECK_PAGES = {"/vote": ("vote", "sms"), "/objection": ("objection",)}


def vendor_page_policies(
    settings: Settings, site_policy: Callable[[], str]
) -> dict[str, Callable[[], str]]:
    """The CSP of each page running a vendor's check: the site's, plus that vendor's hosts."""

    def policy_with(hosts: tuple[str, ...]) -> Callable[[], str]:
        return lambda: with_hosts(site_policy(), hosts)

    return {
        path: policy_with(page_hosts(settings, purposes))
        for path, purposes in CHECK_PAGES.items()
        if page_hosts(settings, purposes)
    }
