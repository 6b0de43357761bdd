"""Signed tree heads as C2SP ``tlog-checkpoint`` notes, signed per C2SP ``signed-note`` (Ed25519).

A checkpoint's text is three lines: the log's origin, the tree size in decimal, the root hash
in base64. The signed note adds a blank line and one signature line per key: an em dash, a
space, the key name, a space, and base64 of the 4-byte key ID followed by the 64-byte Ed25519
signature of the text. The key ID is the first 4 bytes of SHA-256(name || 0x0A || 0x01 ||
public key); a verifier key is written ``name+<key ID in hex>+<base64(0x01 || public key)>``.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

#: The signature type byte of Ed25519 in C2SP signed notes.
ED25519 = b"\x01"
SIGNATURE_PREFIX = "\u2014 "
MAX_NOTE_BYTES = 16_384


class CheckpointError(ValueError):
    """A note that is malformed, or whose signature by the expected key does not verify."""


@dataclass(frozen=True)
class Checkpoint:
    """A verified (or freshly made) checkpoint: origin, size, root, and the whole signed note."""

    origin: str
    size: int
    root: bytes
    note: str


def _raw_public(public: Ed25519PublicKey) -> bytes:
    return public.public_bytes(Encoding.Raw, PublicFormat.Raw)


def key_id(name: str, public: bytes) -> bytes:
    """The 4-byte key ID of an Ed25519 key called ``name``."""
    return hashlib.sha256(name.encode("utf-8") + b"\n" + ED25519 + public).digest()[:4]


def verifier_key(name: str, private: Ed25519PrivateKey) -> str:
    """The published verifier key ``name+hex key ID+base64(0x01 || public key)``."""
    public = _raw_public(private.public_key())
    encoded = base64.b64encode(ED25519 + public).decode("ascii")
    return f"{name}+{key_id(name, public).hex()}+{encoded}"


def parse_verifier_key(vkey: str) -> tuple[str, bytes, bytes]:
    """A verifier key's name, key ID and raw public key; ``CheckpointError`` if malformed."""
    try:
        name, hex_id, encoded = vkey.strip().split("+", 2)
        raw = base64.b64decode(encoded, validate=True)
        identifier = bytes.fromhex(hex_id)
    except (ValueError, binascii.Error):
        raise CheckpointError("公钥格式不正确") from None
    if len(raw) != 33 or raw[:1] != ED25519 or key_id(name, raw[1:]) != identifier:
        raise CheckpointError("公钥格式不正确或与其编号不符")
    return name, identifier, raw[1:]


def checkpoint_text(origin: str, size: int, root: bytes) -> str:
    """The checkpoint body: origin, size and base64 root, each on its own line."""
    return f"{origin}\n{size}\n{base64.b64encode(root).decode('ascii')}\n"


def sign_checkpoint(
    origin: str, size: int, root: bytes, name: str, private: Ed25519PrivateKey
) -> Checkpoint:
    """A checkpoint signed by the key ``name``."""
    text = checkpoint_text(origin, size, root)
    public = _raw_public(private.public_key())
    signature = private.sign(text.encode("utf-8"))
    encoded = base64.b64encode(key_id(name, public) + signature).decode("ascii")
    note = f"{text}\n{SIGNATURE_PREFIX}{name} {encoded}\n"
    return Checkpoint(origin=origin, size=size, root=root, note=note)


def _split_note(note: str) -> tuple[str, list[str]]:
    if len(note.encode("utf-8")) > MAX_NOTE_BYTES:
        raise CheckpointError("检查点过长")
    if any(ord(ch) < 0x20 and ch != "\n" for ch in note):
        raise CheckpointError("检查点含有不允许的控制字符")
    text, separator, signatures = note.rpartition("\n\n")
    if not separator or not signatures.endswith("\n"):
        raise CheckpointError("检查点格式不正确：缺少空行或签名行")
    return text + "\n", signatures[:-1].split("\n")


def _parse_text(text: str, note: str) -> Checkpoint:
    lines = text[:-1].split("\n")
    if len(lines) < 3 or not lines[0]:
        raise CheckpointError("检查点格式不正确：应有来源、大小与根哈希三行")
    origin, size_text, root_text = lines[:3]
    if (
        not size_text.isascii()
        or not size_text.isdigit()
        or (size_text[0] == "0" and size_text != "0")
    ):
        raise CheckpointError("检查点中的树大小不是十进制整数")
    try:
        root = base64.b64decode(root_text, validate=True)
    except binascii.Error:
        raise CheckpointError("检查点中的根哈希不是 base64") from None
    if len(root) != 32:
        raise CheckpointError("检查点中的根哈希不是 32 字节")
    return Checkpoint(origin=origin, size=int(size_text), root=root, note=note)


def verify_checkpoint(note: str, vkey: str, origin: str | None = None) -> Checkpoint:
    """The checkpoint of a note signed by ``vkey``; ``CheckpointError`` (Chinese) otherwise."""
    name, identifier, raw = parse_verifier_key(vkey)
    text, lines = _split_note(note)
    public = Ed25519PublicKey.from_public_bytes(raw)
    verified = False
    for line in lines:
        if not line.startswith(SIGNATURE_PREFIX):
            raise CheckpointError("检查点的签名行格式不正确")
        signer, _, encoded = line[len(SIGNATURE_PREFIX) :].rpartition(" ")
        try:
            blob = base64.b64decode(encoded, validate=True)
        except binascii.Error:
            raise CheckpointError("检查点的签名不是 base64") from None
        if signer != name or blob[:4] != identifier:
            continue  # another key's signature (a witness): not ours to check
        try:
            public.verify(blob[4:], text.encode("utf-8"))
        except InvalidSignature:
            raise CheckpointError(
                "检查点的签名无效：内容被改动，或不是用公布的密钥签署的"
            ) from None
        verified = True
    if not verified:
        raise CheckpointError("检查点没有公布的密钥的签名")
    checkpoint = _parse_text(text, note)
    if origin is not None and checkpoint.origin != origin:
        raise CheckpointError(f"检查点属于另一个日志（{checkpoint.origin[:80]}），不是 {origin}")
    return checkpoint
