"""CSV cells safe to open in a spreadsheet: text that would start a formula is neutralised."""

from __future__ import annotations

from collections.abc import Iterable

#: A cell starting with one of these is read as a formula (or as one after a stripped blank).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> str:
    """The cell as text, with a leading apostrophe when it would start a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def safe_row(values: Iterable[object]) -> list[str]:
    """Every cell of a row made safe."""
    return [safe_cell(value) for value in values]
