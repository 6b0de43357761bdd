"""Case numbers and follow-up keys: short, random, and free of look-alike characters."""

from __future__ import annotations

import secrets
from datetime import datetime

#: Case numbers and keys: no 0/O, 1/I/L, 2/Z, 5/S, 6/G, 8/B (fixed: issued numbers use it).
ALPHABET = "ACDEFHJKMNPRTUVWXY3479"
CASE_CODE_LENGTH = 6
KEY_GROUPS = 4
KEY_GROUP_LENGTH = 5


def new_case_number(now: datetime) -> str:
    """A case number like 26-K7M3PX: the year, then six characters without look-alikes."""
    code = "".join(secrets.choice(ALPHABET) for _ in range(CASE_CODE_LENGTH))
    return f"{now:%y}-{code}"


def normalise_case_number(text: str) -> str:
    """A case number as typed (spaces, lower case, no hyphen) in its stored form."""
    compact = "".join(text.split()).upper().replace("－", "-")
    if "-" not in compact and len(compact) == 2 + CASE_CODE_LENGTH:
        compact = f"{compact[:2]}-{compact[2:]}"
    return compact[:20]


def new_key() -> str:
    """A follow-up key: 20 characters (about 89 bits) in groups of five, easy to copy out."""
    groups = [
        "".join(secrets.choice(ALPHABET) for _ in range(KEY_GROUP_LENGTH))
        for _ in range(KEY_GROUPS)
    ]
    return "-".join(groups)


def normalise_key(text: str) -> str:
    """A key as typed, without spaces or hyphens, upper case."""
    return "".join(ch for ch in text.upper() if ch.isalnum())[:64]
