"""Reading an SMS gateway's endpoint override (see ``vote_api.core.endpoint``)."""

from __future__ import annotations

from vote_api.core.endpoint import split_endpoint as split


def split_endpoint(endpoint: str) -> tuple[str, str]:
    """The protocol ("http" or "https") and the host[:port] of an endpoint override."""
    return split(endpoint, "短信网关")
