"""The status lookup's index: one sealed record per query, found only by a full credit code or
an exact name, so the published file lists no one.

Each entrant on a public list is filed under its full unified social credit code, its exact
name and (for a project) the project's exact name, each normalised (``normalise``). The file
keeps, per query, SHA-256 of a per-build salt and the query as the key, and the entrant's
standing sealed with AES-256-GCM under a second SHA-256 of the salt and the query. A browser
that was given the query finds and opens its record (docs/assets/javascripts/status.js); a part
of a name or code finds nothing, and an entrant on no public list is not in the file at all.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import unicodedata
from collections.abc import Iterator
from typing import Any

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from award.content import Content
from award.models import Entrant
from award.progress import entrant_progress
from award.stages import STAGE_ORDER

#: Names the derivation; status.js uses the same words.
FORMAT = "szmqa-status-1"
NONCE_BYTES = 12
#: Spaces of every width (the same class as status.js): typed or pasted, they never count.
_SPACES = re.compile(r"[\t\n\v\f\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]+")


def normalise(query: str) -> str:
    """A query as filed: NFKC (full-width letters and brackets), no spaces, capitals."""
    return _SPACES.sub("", unicodedata.normalize("NFKC", query)).upper()


def _derive(purpose: str, salt: str, query: str) -> bytes:
    return hashlib.sha256(f"{FORMAT}\n{purpose}\n{salt}\n{query}".encode()).digest()


def queries(entrant: Entrant) -> set[str]:
    """What finds an entrant: its full credit code, its exact name, its project's exact name."""
    found = {entrant.credit_code, entrant.name}
    if entrant.project:
        found.add(entrant.project)
    return {normalise(text) for text in found}


def status_rows(content: Content) -> Iterator[tuple[Entrant, dict[str, Any]]]:
    """Each entrant on a published list with its standing, as the lookup shows it."""
    for item in content.years:
        for entrant in item.data.entrants:
            progress = entrant_progress(item.data, entrant.id)
            if progress is None:
                continue
            yield (
                entrant,
                {
                    "year": item.data.year,
                    "demo": item.data.demo,
                    "name": entrant.name,
                    "project": entrant.project,
                    "credit_code": entrant.credit_code,
                    "category": entrant.category.label,
                    "kind": entrant.kind.label,
                    "reached": [stage.label for stage in progress.reached],
                    "stages": [stage.label for stage in STAGE_ORDER],
                    "status": progress.describe(),
                    "stopped": progress.stopped_before is not None,
                    "level": progress.level.label if progress.level else None,
                },
            )


def status_index(content: Content, salt: str | None = None) -> str:
    """The lookup's index as JSON: a salt and, per query, its key and sealed record."""
    salt = salt or os.urandom(16).hex()
    filed: dict[str, list[dict[str, Any]]] = {}
    for entrant, row in status_rows(content):
        for query in queries(entrant):
            filed.setdefault(query, []).append(row)
    entries = {}
    for query, rows in filed.items():
        nonce = os.urandom(NONCE_BYTES)
        record = json.dumps(rows, ensure_ascii=False).encode()
        sealed = AESGCM(_derive("key", salt, query)).encrypt(nonce, record, None)
        entries[_derive("id", salt, query).hex()] = base64.b64encode(nonce + sealed).decode()
    return json.dumps(
        {"format": FORMAT, "salt": salt, "entries": dict(sorted(entries.items()))},
        separators=(",", ":"),
    )


def look_up(index: str, query: str) -> list[dict[str, Any]]:
    """The records a query opens in an index (what status.js does in the browser)."""
    data = json.loads(index)
    salt, wanted = data["salt"], normalise(query)
    sealed = data["entries"].get(_derive("id", salt, wanted).hex())
    if sealed is None:
        return []
    raw = base64.b64decode(sealed)
    key = _derive("key", salt, wanted)
    return json.loads(AESGCM(key).decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], None))
