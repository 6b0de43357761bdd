"""Synonyms for the site search: a section titled with a term is also found by its synonyms.

The theme's search segments a Chinese query by the tokens of its index and never reaches the
query's last character (申报条件 is looked up as 申报条), so each word is indexed both whole and
without its last character. The words go into the section's text inside a hidden element: they
are found, never shown.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from mkdocs.exceptions import PluginError

#: The invisible separator the search plugin writes between segmented Chinese words.
ZERO_WIDTH_SPACE = "\u200b"
HAN = re.compile(r"[\u3400-\u9fff]+")


def check_synonyms(raw: object) -> dict[str, list[str]]:
    """The ``search_synonyms`` option: each term and the other words people search it by."""
    if not isinstance(raw, dict):
        raise PluginError("search_synonyms 须是键值表：术语: [同义词, …]")
    checked: dict[str, list[str]] = {}
    for term, words in raw.items():
        if not isinstance(words, list) or not all(isinstance(w, str) and w for w in words):
            raise PluginError(f"search_synonyms 的“{term}”须是同义词列表，如 [申报条件]")
        checked[str(term)] = [str(w) for w in words]
    return checked


def search_tokens(words: list[str]) -> list[str]:
    """Each word whole and, for a Chinese word of 3 or more characters, without its last one."""
    tokens: list[str] = []
    for word in words:
        tokens.append(word)
        if len(word) >= 3 and HAN.fullmatch(word):
            tokens.append(word[:-1])
    return list(dict.fromkeys(tokens))


def add_synonyms(index_file: Path, synonyms: dict[str, list[str]]) -> int:
    """Give every indexed section whose title holds a term the term's synonyms as hidden text."""
    if not synonyms or not index_file.is_file():
        return 0
    index = json.loads(index_file.read_text(encoding="utf-8"))
    found = 0
    for doc in index.get("docs", []):
        title = doc.get("title", "").replace(ZERO_WIDTH_SPACE, "")
        words = [w for term, more in synonyms.items() if term in title for w in (term, *more)]
        if words:
            hidden = ZERO_WIDTH_SPACE.join(search_tokens(words))
            doc["text"] = f"{doc.get('text', '')} <span hidden>{hidden}</span>"
            found += 1
    index_file.write_text(json.dumps(index, ensure_ascii=False, separators=(",", ":")), "utf-8")
    return found
