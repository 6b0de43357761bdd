"""The site's sources: what the publishing repository must hold, and what makes two builds alike.

The site is built from the whole project's site sources, not from the award data alone: the
MkDocs configuration, the theme overrides, the guide and pages under docs/, and the search
dictionary. A push of docs/awards and docs/notices alone cannot be built, so the hook names
what is missing before it tries.
"""

from __future__ import annotations

import hashlib
import ipaddress
import os
import re
import shutil
from importlib import metadata
from pathlib import Path
from urllib.parse import urlsplit

#: What the site build reads, relative to the repository's top folder.
SITE_SOURCES = ("mkdocs.yml", "docs", "overrides", "site_plugins/jieba_user_dict.txt")
#: What a repository must hold at the least; a missing one is named in the refusal.
REQUIRED = (
    "mkdocs.yml",
    "overrides/main.html",
    "docs/index.md",
    "docs/guide/index.md",
    "docs/vote.md",
    "docs/status.md",
    "site_plugins/jieba_user_dict.txt",
)
#: Put into a new repository beside the site sources: the secretariat's manual.
SEED_EXTRAS = ("PUBLISHING.md",)
#: The installed project (an editable install: its checkout holds the site sources).
PROJECT = Path(__file__).resolve().parent.parent
#: Environment read by mkdocs.yml (!ENV) that is not part of what a build shows.
NOT_SHOWN = {"SZMQA_NOW", "SZMQA_DEMO_DIR"}
_ENV = re.compile(r"!ENV\s*\[?\s*([A-Z_][A-Z0-9_]*)")


def missing_sources(root: Path) -> list[str]:
    """The required site sources absent from a folder."""
    return [name for name in REQUIRED if not (root / name).is_file()]


def _files(root: Path) -> list[Path]:
    found = []
    for name in SITE_SOURCES:
        path = root / name
        if path.is_file():
            found.append(path)
        elif path.is_dir():
            found += sorted(
                p for p in path.rglob("*") if p.is_file() and "__pycache__" not in p.parts
            )
    return found


def sources_digest(root: Path, extra: Path | None = None) -> str:
    """SHA-256 of the site sources' names and bytes (and of a demo folder's, if given)."""
    digest = hashlib.sha256()
    for base in (root, extra):
        if base is None:
            continue
        files = _files(base) if base == root else sorted(p for p in base.rglob("*") if p.is_file())
        for path in files:
            digest.update(path.relative_to(base).as_posix().encode() + b"\0")
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def code_digest() -> str:
    """SHA-256 of what renders the sources: this project's award rules and plugin, MkDocs' versions."""
    digest = hashlib.sha256()
    for package in ("award", "site_plugins"):
        folder = PROJECT / package
        for path in sorted(folder.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                digest.update(path.relative_to(PROJECT).as_posix().encode() + b"\0")
                digest.update(hashlib.sha256(path.read_bytes()).digest())
    for distribution in ("mkdocs", "mkdocs-material", "pymdown-extensions"):
        try:
            digest.update(f"{distribution}={metadata.version(distribution)}\0".encode())
        except metadata.PackageNotFoundError:
            digest.update(f"{distribution}=?\0".encode())
    return digest.hexdigest()


def build_settings(root: Path, environ: dict[str, str] | None = None) -> dict[str, str]:
    """The environment mkdocs.yml reads (!ENV) and a build shows, e.g. SITE_URL and contacts."""
    environ = dict(os.environ if environ is None else environ)
    try:
        names = set(_ENV.findall((root / "mkdocs.yml").read_text(encoding="utf-8")))
    except OSError:
        names = set()
    return {name: environ.get(name, "") for name in sorted(names - NOT_SHOWN)}


def copy_sources(source: Path, target: Path) -> Path:
    """Copy the site sources of ``source`` into ``target`` (created); return it."""
    target.mkdir(parents=True, exist_ok=True)
    for name in SITE_SOURCES:
        origin = source / name
        if origin.is_dir():
            shutil.copytree(origin, target / name, symlinks=True, dirs_exist_ok=True)
        elif origin.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(origin, target / name)
    return target


def seed_files(project: Path = PROJECT) -> dict[str, bytes]:
    """What a new repository starts with: the site sources with no award data, and the manual.

    Empty docs/awards and docs/notices folders are kept by their .gitkeep files.
    """
    files: dict[str, bytes] = {}
    for path in _files(project):
        relative = path.relative_to(project).as_posix()
        content = relative.startswith(("docs/awards/", "docs/notices/"))
        if content and path.name != ".gitkeep":
            continue
        files[relative] = path.read_bytes()
    for name in SEED_EXTRAS:
        if (project / name).is_file():
            files[name] = (project / name).read_bytes()
    return files


def site_url_problem(url: str) -> str | None:
    """Why a SITE_URL cannot serve a public site (unset, loopback, not http(s)), or None."""
    if not url.strip():
        return "SITE_URL 未设置"
    parsed = urlsplit(url.strip())
    if parsed.scheme not in ("http", "https") or not parsed.hostname:
        return f"SITE_URL“{url}”不是完整的网址（应如 https://szmqa.example.gov.cn/）"
    host = parsed.hostname
    try:
        loopback = (
            ipaddress.ip_address(host).is_loopback or ipaddress.ip_address(host).is_unspecified
        )
    except ValueError:
        loopback = host == "localhost" or host.endswith(".localhost")
    if loopback:
        return f"SITE_URL 为本机地址 {url}，读者无法访问"
    return None
