"""Time-based one-time passwords (RFC 6238: HMAC-SHA1, 30-second steps, six digits)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import struct
from datetime import datetime
from urllib.parse import quote

STEP_SECONDS = 30
DIGITS = 6
#: Steps either side of now that are accepted (clock drift of a phone).
DRIFT_STEPS = 1
ISSUER = "深圳市市长质量奖秘书处"


def new_secret() -> str:
    """A random 160-bit secret in base32 (what authenticator apps take), without padding."""
    return base64.b32encode(secrets.token_bytes(20)).decode("ascii").rstrip("=")


def _key(secret: str) -> bytes:
    compact = secret.replace(" ", "").upper()
    return base64.b32decode(compact + "=" * (-len(compact) % 8))


def step_of(moment: datetime) -> int:
    """The time step a moment falls in."""
    return int(moment.timestamp()) // STEP_SECONDS


def code_at_step(secret: str, step: int) -> str:
    """The code of a step (RFC 4226's dynamic truncation of HMAC-SHA1)."""
    digest = hmac.new(_key(secret), struct.pack(">Q", step), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    number = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return str(number % 10**DIGITS).zfill(DIGITS)


def code_at(secret: str, moment: datetime) -> str:
    """The code an authenticator app shows at a moment."""
    return code_at_step(secret, step_of(moment))


def matching_step(secret: str, code: str, moment: datetime, after_step: int = 0) -> int | None:
    """The step (within the drift, later than ``after_step``) whose code this is, or None."""
    typed = "".join(code.split())
    if len(typed) != DIGITS or not typed.isdigit():
        return None
    now = step_of(moment)
    found = None
    for step in range(now - DRIFT_STEPS, now + DRIFT_STEPS + 1):
        if step > after_step and hmac.compare_digest(code_at_step(secret, step), typed):
            found = step
    return found


def provisioning_uri(secret: str, account: str) -> str:
    """The otpauth:// URI an authenticator app reads from the QR code."""
    label = quote(f"{ISSUER}:{account}", safe="")
    return (
        f"otpauth://totp/{label}?secret={secret}&issuer={quote(ISSUER, safe='')}"
        f"&algorithm=SHA1&digits={DIGITS}&period={STEP_SECONDS}"
    )
