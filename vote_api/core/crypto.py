"""Encryption at rest of personal data (reporters', staff secrets), evidence, follow-up keys.

Three keys are derived (HKDF-SHA256) from ``SZMQA_ENCRYPTION_KEY``, one per use (and the
same three from each of ``SZMQA_OLD_ENCRYPTION_KEYS``: data is sealed with the newest key and
opened with whichever key sealed it, so that ``szmqa rotate-keys`` can re-seal it):

- fields: AES-256-GCM over small values (the reporter, the statement, notes, replies), each
  sealed with a random nonce and bound by associated data to its case and column, so a
  ciphertext copied to another row or column does not open;
- files: each evidence file has its own key (derived from its random storage name) and is
  written in 64 KiB AES-GCM chunks (the STREAM construction: nonce = random prefix, chunk
  counter, last-chunk flag), so a 50 MB upload is encrypted as it streams in, never held in
  memory, and a truncated or reordered file fails to open;
- follow-up keys: stored only as an HMAC-SHA256, compared in constant time.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
import struct
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

NONCE_BYTES = 12
TAG_BYTES = 16
CHUNK_BYTES = 64 * 1024
FILE_MAGIC = b"SZQOBJ1\n"
PREFIX_BYTES = 7
_SALT = b"szmqa-objections"


class SealError(Exception):
    """A sealed value or file that does not open with this key (tampered, moved or truncated)."""


def _derive(master: bytes, purpose: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=_SALT, info=purpose).derive(master)


@dataclass(frozen=True)
class _KeySet:
    """The three keys derived from one encryption key."""

    fields: AESGCM
    files: bytes
    follow_up: bytes

    @classmethod
    def derive(cls, secret: str) -> _KeySet:
        master = secret.encode("utf-8")
        return cls(
            fields=AESGCM(_derive(master, b"fields v1")),
            files=_derive(master, b"files v1"),
            follow_up=_derive(master, b"follow-up keys v1"),
        )


class Sealer:
    """Seals with the newest key and opens with any; built once per app from the keys."""

    def __init__(self, secrets_newest_first: str | list[str]) -> None:
        keys = (
            [secrets_newest_first]
            if isinstance(secrets_newest_first, str)
            else list(secrets_newest_first)
        )
        if not keys:
            raise ValueError("at least one encryption key is needed")
        self._keys = [_KeySet.derive(key) for key in keys]
        self._fields = self._keys[0].fields
        self._files = self._keys[0].files
        self._follow_up = self._keys[0].follow_up

    # -- small values -------------------------------------------------------------------------

    def seal(self, data: bytes, context: str) -> bytes:
        """Encrypt ``data`` bound to ``context`` (e.g. ``case:26-ABCDEF:reporter``)."""
        nonce = os.urandom(NONCE_BYTES)
        return nonce + self._fields.encrypt(nonce, data, context.encode("utf-8"))

    def open(self, blob: bytes, context: str) -> bytes:
        """Decrypt a value sealed with the same context (by the newest key or an older one)."""
        return self.open_with_index(blob, context)[0]

    def open_with_index(self, blob: bytes, context: str) -> tuple[bytes, int]:
        """Decrypt a value; also say which key opened it (0: the newest)."""
        for index, keys in enumerate(self._keys):
            try:
                plain = keys.fields.decrypt(
                    blob[:NONCE_BYTES], blob[NONCE_BYTES:], context.encode("utf-8")
                )
            except (InvalidTag, ValueError):
                continue
            return plain, index
        raise SealError(f"sealed value for {context} does not open")

    def seal_text(self, text: str, context: str) -> bytes:
        """Encrypt a string."""
        return self.seal(text.encode("utf-8"), context)

    def open_text(self, blob: bytes | None, context: str) -> str | None:
        """Decrypt a string, or None for a missing (purged) value."""
        return None if blob is None else self.open(blob, context).decode("utf-8")

    def seal_json(self, value: Any, context: str) -> bytes:
        """Encrypt a JSON-serialisable value."""
        return self.seal(json.dumps(value, ensure_ascii=False).encode("utf-8"), context)

    def open_json(self, blob: bytes | None, context: str) -> Any:
        """Decrypt a JSON value, or None for a missing (purged) value."""
        return None if blob is None else json.loads(self.open(blob, context))

    # -- follow-up keys -----------------------------------------------------------------------

    def key_hash(self, case_number: str, key: str) -> str:
        """The stored form of a case's follow-up key."""
        message = f"{case_number}:{key}".encode()
        return hmac.new(self._follow_up, message, hashlib.sha256).hexdigest()

    def key_matches(self, case_number: str, key: str, stored: str | None) -> bool:
        """Whether ``key`` is the case's key, hashed under any key (constant time)."""
        message = f"{case_number}:{key}".encode()
        matched = False
        for keys in self._keys:
            expected = hmac.new(keys.follow_up, message, hashlib.sha256).hexdigest()
            matched |= hmac.compare_digest(expected, stored or "0" * len(expected))
        return matched

    # -- files --------------------------------------------------------------------------------

    def _file_cipher(self, storage_name: str, files_key: bytes | None = None) -> AESGCM:
        return AESGCM(_derive(files_key or self._files, f"file {storage_name}".encode()))

    def file_key_index(self, path: Path, storage_name: str) -> int:
        """Which key sealed a file (0: the newest), found by opening its first chunk."""
        with path.open("rb") as handle:
            header = handle.read(len(FILE_MAGIC) + PREFIX_BYTES)
            if len(header) != len(FILE_MAGIC) + PREFIX_BYTES or not header.startswith(FILE_MAGIC):
                raise SealError(f"{path.name} is not a sealed objection file")
            first = handle.read(CHUNK_BYTES + TAG_BYTES)
            last = not handle.read(1)
        prefix = header[len(FILE_MAGIC) :]
        for index, keys in enumerate(self._keys):
            try:
                _open_chunk(self._file_cipher(storage_name, keys.files), prefix, 0, last, first)
            except SealError:
                continue
            return index
        raise SealError(f"{path.name} does not open with any key")

    def file_writer(self, path: Path, storage_name: str) -> SealedFileWriter:
        """A writer that encrypts into ``path`` chunk by chunk."""
        return SealedFileWriter(path, self._file_cipher(storage_name))

    def file_chunks(self, path: Path, storage_name: str) -> Iterator[bytes]:
        """The plaintext of a sealed file, chunk by chunk (raises SealError if tampered)."""
        index = self.file_key_index(path, storage_name)
        cipher = self._file_cipher(storage_name, self._keys[index].files)
        block = CHUNK_BYTES + TAG_BYTES
        with path.open("rb") as handle:
            header = handle.read(len(FILE_MAGIC) + PREFIX_BYTES)
            if len(header) != len(FILE_MAGIC) + PREFIX_BYTES or not header.startswith(FILE_MAGIC):
                raise SealError(f"{path.name} is not a sealed objection file")
            prefix = header[len(FILE_MAGIC) :]
            counter = 0
            current = handle.read(block)
            while True:
                following = handle.read(block)
                last = not following
                yield _open_chunk(cipher, prefix, counter, last, current)
                if last:
                    return
                current = following
                counter += 1


def _chunk_nonce(prefix: bytes, counter: int, last: bool) -> bytes:
    return prefix + struct.pack(">I", counter) + (b"\x01" if last else b"\x00")


def _open_chunk(cipher: AESGCM, prefix: bytes, counter: int, last: bool, data: bytes) -> bytes:
    try:
        return cipher.decrypt(_chunk_nonce(prefix, counter, last), data, None)
    except (InvalidTag, ValueError) as error:
        raise SealError("sealed file chunk does not open (tampered or truncated)") from error


class SealedFileWriter:
    """Encrypts a stream into a file in fixed-size chunks; ``close()`` writes the last one."""

    def __init__(self, path: Path, cipher: AESGCM) -> None:
        self._cipher = cipher
        self._prefix = secrets.token_bytes(PREFIX_BYTES)
        self._counter = 0
        self._buffer = bytearray()
        self._handle: BinaryIO = path.open("xb")
        os.chmod(path, 0o600)
        self._handle.write(FILE_MAGIC + self._prefix)

    def write(self, data: bytes) -> None:
        """Add plaintext; full chunks are encrypted and written once more data follows them."""
        self._buffer += data
        while len(self._buffer) > CHUNK_BYTES:
            self._emit(bytes(self._buffer[:CHUNK_BYTES]), last=False)
            del self._buffer[:CHUNK_BYTES]

    def _emit(self, chunk: bytes, *, last: bool) -> None:
        nonce = _chunk_nonce(self._prefix, self._counter, last)
        self._handle.write(self._cipher.encrypt(nonce, chunk, None))
        self._counter += 1

    def close(self) -> None:
        """Write the last chunk (possibly empty) and flush the file to disk."""
        if self._handle.closed:
            return
        try:
            self._emit(bytes(self._buffer), last=True)
            self._buffer.clear()
            self._handle.flush()
            os.fsync(self._handle.fileno())
        finally:
            self._handle.close()

    def abort(self) -> None:
        """Close without finishing (the caller deletes the file)."""
        self._buffer.clear()
        if not self._handle.closed:
            self._handle.close()
