"""Reading a vendor endpoint override: "host[:port]" (HTTPS) or "http://host:port" (a local fake)."""

from __future__ import annotations


def split_endpoint(endpoint: str, what: str = "服务") -> tuple[str, str]:
    """The protocol ("http" or "https") and the host[:port] of an endpoint override of ``what``."""
    for scheme in ("http", "https"):
        prefix = f"{scheme}://"
        if endpoint.lower().startswith(prefix):
            return scheme, endpoint[len(prefix) :].rstrip("/")
    if "://" in endpoint or not endpoint.strip():
        raise ValueError(f"{what}地址无效：{endpoint!r}（应为 主机[:端口] 或 http(s)://主机:端口）")
    return "https", endpoint.rstrip("/")
