"""The site's own stylesheets (extra_css) served as one file: one render-blocking request."""

from __future__ import annotations

from pathlib import Path

#: Where the joined stylesheet is written in the built site.
BUNDLE = "assets/stylesheets/award.css"


def own_stylesheets(extra_css: list[str], docs_dir: Path) -> list[str]:
    """The extra_css entries that are files of the site (not full addresses), in their order."""
    return [str(entry) for entry in extra_css if (docs_dir / str(entry)).is_file()]


def joined(stylesheets: list[str], docs_dir: Path) -> str:
    """The stylesheets one after another, each under a comment naming its source file."""
    parts = [
        f"/* {name} */\n{(docs_dir / name).read_text(encoding='utf-8').strip()}\n"
        for name in stylesheets
    ]
    return "\n".join(parts)
