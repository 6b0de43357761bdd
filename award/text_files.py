"""Reading the secretariat's text files as people save them: a byte-order mark and CRLF allowed."""

from __future__ import annotations

from pathlib import Path

BYTE_ORDER_MARK = "\ufeff"


def normalise_text(text: str) -> str:
    """Text without a leading byte-order mark, with every line ending written as LF."""
    return text.removeprefix(BYTE_ORDER_MARK).replace("\r\n", "\n").replace("\r", "\n")


def read_text(path: Path) -> str:
    """A UTF-8 file's text, byte-order mark dropped, CRLF and CR line endings read as LF.

    Raises UnicodeDecodeError for a file that is not UTF-8 (callers name the file).
    """
    return normalise_text(path.read_bytes().decode("utf-8"))
