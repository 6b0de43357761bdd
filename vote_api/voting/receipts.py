"""Receipt codes: random, shown once to the voter; only their SHA-256 digest is stored.

The digest is the SHA-256 of the code as shown (e.g. ``ACDE-FHJK-MNPR-TUVW``), so anyone can
recompute it (``printf %s CODE | sha256sum``) and find it in the published results.
"""

from __future__ import annotations

import hashlib
import secrets

#: No look-alike characters (as the captcha): without 0/O/Q, 1/I/L, 2/Z, 5/S, 6/G, 8/B.
RECEIPT_ALPHABET = "ACDEFHJKMNPRTUVWXY3479"
GROUPS = 4
GROUP_LENGTH = 4


def new_receipt() -> str:
    """A fresh receipt code, about 71 random bits, in groups of four (one read of the OS RNG)."""
    number = secrets.randbits(128)  # 128 bits drawn, 71 used: the digits are uniform to 2**-57
    digits = []
    for _ in range(GROUPS * GROUP_LENGTH):
        number, digit = divmod(number, len(RECEIPT_ALPHABET))
        digits.append(RECEIPT_ALPHABET[digit])
    return "-".join(
        "".join(digits[i : i + GROUP_LENGTH]) for i in range(0, len(digits), GROUP_LENGTH)
    )


def normalise_receipt(text: str) -> str | None:
    """A typed receipt in its canonical form (case, spaces and dashes forgiven), or None."""
    letters = "".join(ch for ch in text.upper() if ch.isalnum())
    if len(letters) != GROUPS * GROUP_LENGTH or any(ch not in RECEIPT_ALPHABET for ch in letters):
        return None
    return "-".join(
        letters[i : i + GROUP_LENGTH] for i in range(0, GROUPS * GROUP_LENGTH, GROUP_LENGTH)
    )


def receipt_digest(code: str) -> str:
    """The published, stored form of a receipt code (SHA-256, hex)."""
    return hashlib.sha256(code.encode("ascii")).hexdigest()
