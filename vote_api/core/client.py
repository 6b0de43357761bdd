"""The client's address: the direct peer, or X-Forwarded-For only behind a trusted proxy."""

from __future__ import annotations

import functools
import ipaddress

from starlette.requests import Request

from vote_api.core.parts import part
from vote_api.core.settings import IPNetwork, Settings

#: Where a request's client address is kept once worked out (rate limits ask several times).
_SCOPE_KEY = "szmqa.client_address"


@functools.lru_cache(maxsize=4096)
def _parse(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        return None


def _trusted(
    address: ipaddress.IPv4Address | ipaddress.IPv6Address | None, proxies: list[IPNetwork]
) -> bool:
    return address is not None and any(address in network for network in proxies)


def peer_is_trusted(request: Request, trusted_proxies: list[IPNetwork]) -> bool:
    """Whether the request's direct peer is one of the trusted proxies."""
    return request.client is not None and _trusted(_parse(request.client.host), trusted_proxies)


def client_address(request: Request, trusted_proxies: list[IPNetwork]) -> str:
    """The address to rate-limit and record: forwarded hops are believed only from trusted proxies.

    Walking X-Forwarded-For from the right, each hop added by a trusted proxy is skipped; the
    first untrusted address is the client. A forged header from an untrusted peer is ignored.
    """
    peer_text = request.client.host if request.client else "0.0.0.0"
    peer = _parse(peer_text)
    if not _trusted(peer, trusted_proxies):
        return peer_text
    forwarded = request.headers.get("x-forwarded-for", "")
    hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
    for hop in reversed(hops):
        address = _parse(hop)
        if address is None:
            break
        if not _trusted(address, trusted_proxies):
            return str(address)
    return peer_text


def request_address(request: Request) -> str:
    """The client address of a request, using the app's trusted-proxy setting (worked out once)."""
    address = request.scope.get(_SCOPE_KEY)
    if address is None:
        address = request.scope[_SCOPE_KEY] = client_address(
            request, part(request.app, Settings).trusted_proxies
        )
    return address


def _unmapped(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    parsed = _parse(text)
    if isinstance(parsed, ipaddress.IPv6Address) and parsed.ipv4_mapped is not None:
        return parsed.ipv4_mapped
    return parsed


def _network(address: str, ipv4_prefix: int, ipv6_prefix: int) -> str:
    parsed = _unmapped(address)
    if parsed is None:
        return address
    prefix = ipv4_prefix if parsed.version == 4 else ipv6_prefix
    return str(ipaddress.ip_network(f"{parsed}/{prefix}", strict=False))


#: What a rate limit counts as one client: an IPv4 address (/32), or an IPv6 /64. A subscriber
#: is given a whole /64 and may change the rest of its address at every request.
IPV4_LIMIT_PREFIX = 32
IPV6_LIMIT_PREFIX = 64
#: The prefix lengths of an "address network": what one household, office or NAT pool shares.
IPV4_NETWORK_PREFIX = 24
IPV6_NETWORK_PREFIX = 48


def limit_network(address: str) -> str:
    """The key of a client for rate limits: IPv4 /32 or IPv6 /64 (the text itself if unparsable)."""
    return _network(address, IPV4_LIMIT_PREFIX, IPV6_LIMIT_PREFIX)


def address_network(address: str) -> str:
    """The network of a client address: IPv4 /24 or IPv6 /48 (the text itself if unparsable)."""
    return _network(address, IPV4_NETWORK_PREFIX, IPV6_NETWORK_PREFIX)
