"""The README documents every route, every setting and every szmqa command (anyone's)."""

from __future__ import annotations

import argparse
import re
from collections.abc import Iterator

from fastapi.routing import APIRoute

from szmqa.cli import parser
from tests.factories import ROOT, Env, app_routes
from vote_api.core.settings import Settings

README = (ROOT / "README.md").read_text(encoding="utf-8")


def route_rows() -> set[tuple[str, str]]:
    """(METHOD, path) of every row of the README's route tables: | GET | `/api/…` | … |."""
    return set(re.findall(r"^\|\s*([A-Z]+)\s*\|\s*`(/api/[^`]*)`", README, re.MULTILINE))


def console_rows() -> set[tuple[str, str]]:
    """(METHOD, path) of every row of the console's table: | GET | `/admin/…` | role | page |."""
    return set(re.findall(r"^\|\s*([A-Z]+)\s*\|\s*`(/admin[^`]*)`", README, re.MULTILINE))


def commands(command: argparse.ArgumentParser, prefix: str = "szmqa") -> Iterator[str]:
    """Every command and sub-command, e.g. ``szmqa admin-token create``."""
    for action in command._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield f"{prefix} {name}"
                yield from commands(sub, f"{prefix} {name}")


def test_docs_readme_lists_every_route_with_its_method(env: Env) -> None:
    documented = route_rows()
    schema = env.app.openapi()
    routes = {
        (method.upper(), path)
        for path, operations in schema["paths"].items()
        for method in operations
    }
    assert len(routes) >= 10
    missing = sorted(routes - documented)
    assert missing == [], f"README.md has no | METHOD | `path` | row for {missing}"


def test_docs_readme_lists_no_route_that_does_not_exist(env: Env) -> None:
    schema = env.app.openapi()
    routes = {
        (method.upper(), path)
        for path, operations in schema["paths"].items()
        for method in operations
    }
    assert sorted(route_rows() - routes) == []


def test_docs_readme_lists_every_setting() -> None:
    missing = [
        f"SZMQA_{name.upper()}"
        for name in Settings.model_fields
        if f"`SZMQA_{name.upper()}`" not in README
    ]
    assert missing == [], f"README.md does not document {missing}"


def test_docs_readme_lists_every_szmqa_command() -> None:
    found = list(commands(parser()))
    assert "szmqa admin-token create" in found
    missing = [command for command in found if f"`{command}" not in README]
    assert missing == [], f"README.md does not mention {missing}"


def test_docs_every_route_documents_its_success_response(env: Env) -> None:
    schema = env.app.openapi()
    undocumented = [
        f"{method.upper()} {path}"
        for path, operations in schema["paths"].items()
        for method, operation in operations.items()
        if not any(
            (status.startswith("2") and answer.get("content"))
            or (status.startswith("3") and "Location" in answer.get("headers", {}))
            for status, answer in operation.get("responses", {}).items()
        )
        or any(
            status.startswith("2")
            and answer.get("content", {}).get("application/json", {}).get("schema") == {}
            for status, answer in operation.get("responses", {}).items()
        )
    ]
    assert undocumented == [], f"routes without a response model: {undocumented}"


def test_docs_readme_lists_every_console_page_and_no_other(env: Env) -> None:
    pages = {
        (method, path)
        for path, route in app_routes(env.app.routes)
        if isinstance(route, APIRoute) and path.startswith("/admin")
        for method in route.methods - {"HEAD"}
    }
    assert len(pages) >= 18
    assert sorted(pages - console_rows()) == [], "README.md lacks these console pages"
    assert sorted(console_rows() - pages) == [], "README.md lists console pages that do not exist"
