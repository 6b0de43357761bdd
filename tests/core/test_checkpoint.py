"""Checkpoints as C2SP signed notes: the format, the key ID, and every kind of forgery refused."""

from __future__ import annotations

import base64
import hashlib

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from vote_api.core.checkpoint import (
    CheckpointError,
    key_id,
    parse_verifier_key,
    sign_checkpoint,
    verifier_key,
    verify_checkpoint,
)

KEY = Ed25519PrivateKey.from_private_bytes(bytes(range(32)))
NAME = "vote.example.gov.cn/szmqa"
ROOT = hashlib.sha256(b"root").digest()


def test_note_has_the_c2sp_shape() -> None:
    """Origin, size, base64 root, a blank line, then an em-dash signature line of ID + signature."""
    made = sign_checkpoint("vote.example.gov.cn/ballots/b1", 12, ROOT, NAME, KEY)
    text, signatures = made.note.split("\n\n")
    assert text.split("\n") == [
        "vote.example.gov.cn/ballots/b1",
        "12",
        base64.b64encode(ROOT).decode(),
    ]
    line = signatures.rstrip("\n")
    assert line.startswith(f"\u2014 {NAME} ")
    blob = base64.b64decode(line.rsplit(" ", 1)[1])
    assert len(blob) == 68
    name, identifier, public = parse_verifier_key(verifier_key(NAME, KEY))
    assert blob[:4] == identifier == key_id(name, public)
    assert identifier == hashlib.sha256(NAME.encode() + b"\n\x01" + public).digest()[:4]
    checked = verify_checkpoint(made.note, verifier_key(NAME, KEY))
    assert (checked.origin, checked.size, checked.root) == (made.origin, 12, ROOT)


def test_forgeries_are_refused() -> None:
    """A changed size, root or origin, another key, a missing signature or garbage all fail."""
    vkey = verifier_key(NAME, KEY)
    note = sign_checkpoint("o/b1", 12, ROOT, NAME, KEY).note
    other = Ed25519PrivateKey.generate()
    forged = [
        note.replace("\n12\n", "\n13\n"),
        note.replace(base64.b64encode(ROOT).decode(), base64.b64encode(bytes(32)).decode()),
        note.replace("o/b1", "o/b2"),
        sign_checkpoint("o/b1", 12, ROOT, NAME, other).note,
        note.split("\n\n")[0] + "\n",
        note.replace("\u2014", "-"),
        "",
        "\x00" + note,
        "o/b1\n012\n" + note.split("\n", 2)[2],
    ]
    for text in forged:
        with pytest.raises(CheckpointError):
            verify_checkpoint(text, vkey)
    with pytest.raises(CheckpointError):
        verify_checkpoint(note, vkey, origin="o/b2")
    with pytest.raises(CheckpointError):
        verify_checkpoint(note, vkey.replace("+", "+0", 1))


def test_a_witness_signature_beside_ours_is_ignored() -> None:
    """Signature lines of other keys (witnesses) do not stop ours from verifying."""
    note = sign_checkpoint("o/b1", 3, ROOT, NAME, KEY).note
    witness = sign_checkpoint("o/b1", 3, ROOT, "witness.example", Ed25519PrivateKey.generate())
    cosigned = note + witness.note.split("\n\n")[1]
    assert verify_checkpoint(cosigned, verifier_key(NAME, KEY)).size == 3
