"""A tiny site in tmp_path, built in-process with the award plugin, to assert on its output."""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

import pytest
import yaml
from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.exceptions import Abort

from tests.conftest import ROOT
from tests.content_files import write_content
from tests.site.states import serve_demo

TINY_CONFIG = {
    "site_name": "测试站点",
    "site_url": "https://example.test/",
    "docs_dir": "docs",
    "theme": {
        "name": "material",
        "language": "zh",
        "font": False,
        "custom_dir": str(ROOT / "overrides"),
    },
    "plugins": ["search", {"award": {"now": "2026-11-18T10:00:00+08:00"}}],
    "markdown_extensions": ["admonition", "attr_list", "md_in_html", "tables"],
}


class BuildFailed(Exception):
    """The build stopped; the message is everything MkDocs logged as a warning or error."""


class _Collector(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


class TinySite:
    """A site folder with mkdocs.yml, docs/ and the built site/."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.docs = root / "docs"
        self.site = root / "site"

    def build(self, *, extra: dict[str, Any] | None = None, **plugin_options: Any) -> None:
        """Build strictly; on failure raise BuildFailed with what MkDocs logged."""
        config = dict(TINY_CONFIG)
        if extra is not None:
            config["extra"] = extra
        config["plugins"] = [
            "search",
            {"award": {"now": "2026-11-18T10:00:00+08:00"} | plugin_options},
        ]
        (self.root / "mkdocs.yml").write_text(
            yaml.safe_dump(config, allow_unicode=True), encoding="utf-8"
        )
        cwd = os.getcwd()
        os.chdir(self.root)
        collector = _Collector()
        logger = logging.getLogger("mkdocs")
        logger.addHandler(collector)
        try:
            build(load_config(str(self.root / "mkdocs.yml"), site_dir=str(self.site), strict=True))
        except Abort as error:
            raise BuildFailed("\n".join(collector.messages) or str(error)) from None
        finally:
            logger.removeHandler(collector)
            os.chdir(cwd)

    def html(self, path: str) -> str:
        """A built page's HTML (path relative to the site, e.g. 'notices/x/index.html')."""
        return (self.site / path).read_text(encoding="utf-8")


@pytest.fixture
def tiny_site(tmp_path: Path):
    """Write content into a tiny site: ``tiny_site(year_dict, {"name.md": text})``."""

    def make(year: dict | str | None = None, notices: dict[str, str] | None = None) -> TinySite:
        site = TinySite(tmp_path)
        write_content(site.docs, year, notices)
        (site.docs / "index.md").write_text("# 首页\n\n欢迎。\n", encoding="utf-8")
        return site

    return make


@pytest.fixture
def site_url(tmp_path: Path, demo_dir: Path, demo_site: Path, live_server: Any) -> str:
    """The demo site and the service from one app, at the moment a vote and a publicity are open."""
    return serve_demo(tmp_path, demo_dir, demo_site, live_server)
