"""Rate limits (slowapi) per client address, configured explicitly from the settings.

Routers are built at module level, before any app and its settings exist, so a route names
its limit as a dependency, ``dependencies=[rate_limit(VOTE_LIMIT)]``; ``install_limiter``
registers each such route with the app's own slowapi ``Limiter`` when the app is built, and
the dependency checks the route's limits on every request: in-process (``memory://``) with
slowapi's own check; in a shared storage (Redis) through ``limits``' asyncio client, in the
same keys, so the event loop serves other requests while Redis answers (slowapi's check is
a blocking round trip per window).

If the shared storage (Redis) is down, the limiter falls back to per-process in-memory
limits rather than failing every request, and the change is logged once each way and shown
by ``/api/health``: the captcha, the one-vote-per-voter constraint and the daily cap per
network (all in the database) still hold, and the shared limits come back with Redis.
"""

from __future__ import annotations

import functools
import inspect
import logging
import math
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.params import Depends as DependsParam
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from limits import RateLimitItem, parse_many
from limits.aio.strategies import MovingWindowRateLimiter
from limits.storage import storage_from_string
from slowapi import Limiter
from slowapi.errors import RateLimitExceeded
from slowapi.wrappers import Limit

from vote_api.core import ratelimit_storage  # noqa: F401 (registers memory:// with a cheap sweep)
from vote_api.core.client import address_network, limit_network, request_address
from vote_api.core.errors import error_body
from vote_api.core.parts import part
from vote_api.core.settings import Settings

log = logging.getLogger("vote_api.core.limits")
EMPTY_CONFIG = Path(__file__).with_name("ratelimit.env")

#: Moving-window limits per client address. Mobile carriers put many people behind one
#: address (CGNAT), so these stop scripts, not crowds; the captcha and the one-vote-per-voter
#: constraint stop repeat votes.
CAPTCHA_LIMIT = "30/minute;300/hour"
VOTE_LIMIT = "20/minute;200/hour"
RECEIPT_LIMIT = "60/minute"
OBJECTION_LIMIT = "5/minute;20/hour"
FOLLOW_UP_LIMIT = "30/minute"
#: Audio captchas cost many times an image: their own, lower limit on top of CAPTCHA_LIMIT.
AUDIO_CAPTCHA_LIMIT = "5/minute;30/hour"
#: SMS codes cost money and reach a person: a few per address per hour.
SMS_LIMIT = "5/minute;20/hour"
VERIFY_LIMIT = "20/minute;100/hour"
#: Per wider network (IPv4 /24, IPv6 /48) and hour, on top of the per-client limits: a host
#: with a block of addresses, or many /64s of one site, still shares one budget. (SMS: the
#: setting SZMQA_SMS_NETWORK_HOURLY_LIMIT, a quarter of it while the verified share is low.)
#: While few of the SMS codes sent are verified (pumping), per client.
TIGHT_SMS_LIMIT = "1/minute;5/hour"
OBJECTION_NETWORK_LIMIT = "30/hour"


def client_key(request: Request) -> str:
    """The rate-limit key of a request: its client's IPv4 address or IPv6 /64."""
    return limit_network(request_address(request))


def network_key(request: Request) -> str:
    """The wider network of a request's client (IPv4 /24, IPv6 /48), for per-network limits."""
    return address_network(request_address(request))


# slowapi calls inspect.signature(key_func) on every check; a precomputed one makes that free.
client_key.__signature__ = inspect.signature(client_key)  # type: ignore[attr-defined]


def make_limiter(settings: Settings) -> Limiter:
    """A limiter whose storage, strategy and switch come only from the settings."""
    limiter = Limiter(
        key_func=client_key,
        storage_uri=settings.ratelimit_storage_uri,
        strategy="moving-window",
        enabled=settings.ratelimit_enabled,
        headers_enabled=False,
        in_memory_fallback_enabled=True,
        swallow_errors=True,
        config_filename=str(EMPTY_CONFIG),
        key_prefix="szmqa",
    )
    limiter.enabled = settings.ratelimit_enabled
    return limiter


class RateLimit:
    """The dependency of a limited route: the app's limiter checks the route's limits."""

    def __init__(self, spec: str) -> None:
        self.spec = spec

    async def __call__(self, request: Request) -> None:
        """Count this request against the route's limits; 429 once one is reached."""
        endpoint = request.scope["endpoint"]
        scope = f"{endpoint.__module__}.{endpoint.__name__}"  # slowapi's scope for a route
        state = part(request.app, Limits)
        if state.shared is None or storage_degraded(state.limiter):
            try:
                # slowapi's per-route check (the one its decorator runs), with its fallback.
                state.limiter._check_request_limit(request, endpoint, False)
            finally:
                report_storage_state(state.limiter)
            return
        await _count(request, self.spec, scope)


class SharedLimits:
    """Moving-window limits in the shared storage (Redis), counted without blocking the loop.

    The same keys and Lua script as slowapi's own (synchronous) check, through ``limits``'
    asyncio storage: a check is a round trip to Redis, awaited while the event loop serves
    other requests.
    """

    def __init__(self, uri: str) -> None:
        self._storage = storage_from_string(f"async+{uri}", implementation="redispy")
        self._strategy = MovingWindowRateLimiter(self._storage)

    async def hit(self, item: RateLimitItem, *identifiers: str) -> bool:
        """Take a place in the item's window for these identifiers; False once it is full."""
        return await self._strategy.hit(item, *identifiers)


def make_shared_limits(settings: Settings) -> SharedLimits | None:
    """The asynchronous shared storage of the limits, or None for in-process (memory://)."""
    uri = settings.ratelimit_storage_uri
    if uri.startswith("memory://") or not settings.ratelimit_enabled:
        return None
    return SharedLimits(uri)


@dataclass
class Limits:
    """An app's rate limiter, and the limits' shared storage (None when limits are in-process)."""

    limiter: Limiter
    shared: SharedLimits | None

    @classmethod
    def from_settings(cls, settings: Settings) -> Limits:
        """The limiter and shared storage the settings describe."""
        return cls(limiter=make_limiter(settings), shared=make_shared_limits(settings))


async def _count(request: Request, spec: str, scope: str, key: str | None = None) -> None:
    """Count the request against each window of ``spec`` under ``scope``; 429 once one is full."""
    state = part(request.app, Limits)
    keys = ["szmqa", client_key(request) if key is None else key, scope]
    for item in _parsed(spec):
        if not await _hit(state, item, keys):
            request.state.view_rate_limit = (item, keys)
            raise RateLimitExceeded(
                Limit(item, client_key, scope, False, None, None, None, 1, True)
            )


async def _hit(state: Limits, item: RateLimitItem, keys: list[str]) -> bool:
    """One hit: in the shared storage while it answers, else in slowapi's in-process limiter."""
    if state.shared is not None and not storage_degraded(state.limiter):
        try:
            return await state.shared.hit(item, *keys)
        except Exception:  # Redis is away: per-process limits until slowapi finds it again
            state.limiter._storage_dead = True
            report_storage_state(state.limiter)
    return bool(state.limiter.limiter.hit(item, *keys))


async def hit_extra_limit(request: Request, spec: str, scope: str, key: str | None = None) -> None:
    """Count the request against a further limit of its own scope (and key); 429 once reached."""
    if part(request.app, Limits).limiter.enabled:
        await _count(request, spec, scope, key)


@functools.lru_cache(maxsize=32)
def _parsed(spec: str) -> tuple[RateLimitItem, ...]:
    return tuple(parse_many(spec))


#: The storage state last logged, per limiter: a change is logged once, not per request.
_LOGGED_DEAD: dict[int, bool] = {}


def storage_degraded(limiter: Limiter) -> bool:
    """Whether the shared rate-limit storage is unreachable (limits are per process meanwhile)."""
    return bool(getattr(limiter, "_storage_dead", False))


def report_storage_state(limiter: Limiter) -> None:
    """Log once when the shared storage goes away (WARNING) and once when it is back (INFO)."""
    dead = storage_degraded(limiter)
    if _LOGGED_DEAD.get(id(limiter), False) == dead:
        return
    _LOGGED_DEAD[id(limiter)] = dead
    if dead:
        log.warning("rate-limit storage unreachable: limits now count per process until it is back")
    else:
        log.info("rate-limit storage reachable again: shared limits restored")


def rate_limit(spec: str) -> DependsParam:
    """A route dependency limiting each client address by ``spec`` (e.g. ``"20/minute"``)."""
    return Depends(RateLimit(spec))


def install_limiter(app: FastAPI, limiter: Limiter, routers: Iterable[APIRouter]) -> None:
    """Register the limited routes of ``routers`` with the limiter; refusals become a Chinese 429."""
    routes = [route for router in routers for route in router.routes]
    for route in routes:
        if not isinstance(route, APIRoute):
            continue
        for dependency in route.dependant.dependencies:
            if isinstance(dependency.call, RateLimit):
                limiter.limit(dependency.call.spec)(route.endpoint)

    @app.exception_handler(RateLimitExceeded)
    async def _too_many(request: Request, error: RateLimitExceeded) -> JSONResponse:
        retry = seconds_until_reset(limiter, request)
        return JSONResponse(
            error_body("rate_limited", f"请求过于频繁，请在 {retry} 秒后重试"),
            status_code=429,
            headers={"Retry-After": str(retry)},
        )


def seconds_until_reset(limiter: Limiter, request: Request) -> int:
    """Seconds until the limit that refused this request lets it through again."""
    current = getattr(request.state, "view_rate_limit", None)
    if current is None:
        return 60
    item, keys = current
    try:
        reset_at, _remaining = limiter.limiter.get_window_stats(item, *keys)
    except Exception:
        return max(1, int(item.get_expiry()))
    return max(1, math.ceil(reset_at - time.time()))
