"""The code's shape: dependencies run one way, features meet only through named interfaces,
every feature package looks the same, no module is too long to read, routes are typed.

The import scan reads every ``import`` of ``vote_api/`` (including those inside functions and
``TYPE_CHECKING`` blocks) without running anything.
"""

from __future__ import annotations

import ast
import typing
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any

import pytest
from fastapi.routing import APIRoute

from tests.factories import ROOT, app_routes, make_settings
from vote_api.main import create_app

PACKAGE = ROOT / "vote_api"
FEATURES = ("captchas", "voting", "objections", "console")
#: The modules that compose the features: the app factory, and the tables' metadata for Alembic.
COMPOSITION = frozenset({"vote_api.main", "vote_api.tables"})
#: What a feature offers the others; every other module of a feature is its own business.
#: The console reads the features' services and tables' vocabulary, never their routers.
INTERFACES: dict[str, frozenset[str]] = {
    "captchas": frozenset(),
    "voting": frozenset(
        {
            "vote_api.voting.deps",  # voting_of, CatalogDep
            "vote_api.voting.catalog",  # the ballots and their wording
            "vote_api.voting.tally",  # counting
            "vote_api.voting.anomalies",  # clusters of suspicious votes
            "vote_api.voting.review",  # invalidating votes and clusters, the CSV export
            "vote_api.voting.stats",  # votes by day and hour, the latest votes, SMS sent
        }
    ),
    "objections": frozenset(
        {
            "vote_api.objections.deps",  # ObjectionsDep
            "vote_api.objections.service",  # the Objections part
            "vote_api.objections.models",  # case statuses, transitions, reasons
            "vote_api.objections.cases",  # reading cases, their ages
            "vote_api.objections.handling",  # moving a case, the CSV export
            "vote_api.objections.downloads",  # an attachment as a download
        }
    ),
    "console": frozenset(),
}
#: The longest a module of the project's packages may be.
MAX_LINES = 400
CHECKED_PACKAGES = ("vote_api", "award", "szmqa", "site_plugins")


def module_name(path: Path) -> str:
    """The dotted name of a module file under the project root."""
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {module_name(path): path for path in PACKAGE.rglob("*.py")}


def imports_of(path: Path) -> set[str]:
    """The modules of ``vote_api`` a file imports (a package's module when a name is one)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name in MODULES)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                inner = f"{node.module}.{alias.name}"
                if inner in MODULES:
                    found.add(inner)
                elif node.module in MODULES:
                    found.add(node.module)
    return found


GRAPH = {name: imports_of(path) - {name} for name, path in MODULES.items()}


def package_of(module: str) -> str:
    """The package a module belongs to: ``vote_api.core``, a feature, or a top-level module."""
    return ".".join(module.split(".")[:2])


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one node (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in graph.get(node, ()):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_layout_the_scan_sees_the_service() -> None:
    assert {"vote_api.main", "vote_api.core.state", "vote_api.voting.router"} <= set(GRAPH)
    assert "vote_api.core.state" in GRAPH["vote_api.main"]
    fake = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert cycles(fake) == [["a", "b", "c"]]


def test_layout_no_cycle_between_packages() -> None:
    packages: dict[str, set[str]] = {}
    for module, targets in GRAPH.items():
        source = package_of(module)
        packages.setdefault(source, set()).update(
            package_of(target) for target in targets if package_of(target) != source
        )
    assert cycles(packages) == []


def test_layout_no_cycle_between_modules_of_core() -> None:
    core = {
        module: {target for target in targets if target.startswith("vote_api.core.")}
        for module, targets in GRAPH.items()
        if module.startswith("vote_api.core.")
    }
    assert cycles(core) == []


def test_layout_core_imports_no_feature_and_no_composition() -> None:
    offending = {
        f"{module} imports {target}"
        for module, targets in GRAPH.items()
        if package_of(module) == "vote_api.core"
        for target in targets
        if package_of(target) in {f"vote_api.{f}" for f in FEATURES} or target in COMPOSITION
    }
    assert offending == set()


def test_layout_features_meet_only_through_their_interfaces() -> None:
    offending = set()
    for module, targets in GRAPH.items():
        source = package_of(module)
        for target in targets:
            feature = package_of(target).removeprefix("vote_api.")
            crossing = feature in FEATURES and package_of(target) != source
            if crossing and module not in COMPOSITION and target not in INTERFACES[feature]:
                offending.add(f"{module} imports {target}")
    assert offending == set()


def test_layout_interfaces_exist_and_are_no_routers() -> None:
    for interfaces in INTERFACES.values():
        for module in interfaces:
            assert module in MODULES, module
            assert "router" not in module, module


@pytest.mark.parametrize("feature", FEATURES)
def test_layout_every_feature_has_a_module_level_router_schemas_and_no_composition(
    feature: str,
) -> None:
    folder = PACKAGE / feature
    assert (folder / "router.py").is_file() and (folder / "schemas.py").is_file()
    source = (folder / "router.py").read_text(encoding="utf-8")
    assert "\nrouter = APIRouter(" in source and "def build_router" not in source
    composing = {
        f"{module} imports {target}"
        for module, targets in GRAPH.items()
        if package_of(module) == f"vote_api.{feature}"
        for target in targets
        if target in COMPOSITION
    }
    assert composing == set()


def test_layout_dependency_aliases_live_in_deps_modules() -> None:
    defining = sorted(
        str(path.relative_to(PACKAGE))
        for path in PACKAGE.rglob("*.py")
        if "Dep = Annotated[" in path.read_text(encoding="utf-8")
    )
    assert defining == sorted(
        ["core/deps.py", "console/deps.py", "objections/deps.py", "voting/deps.py"]
    )


def project_modules() -> Iterator[Path]:
    """Every module of the project's packages."""
    for package in CHECKED_PACKAGES:
        yield from (ROOT / package).rglob("*.py")


def test_layout_no_module_over_400_lines() -> None:
    long = {
        f"{path.relative_to(ROOT)}: {lines} lines"
        for path in project_modules()
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert long == set()


def mentions_any(annotation: object) -> bool:
    """Whether a type annotation is, or contains, ``typing.Any``."""
    if annotation is Any:
        return True
    return any(mentions_any(inner) for inner in typing.get_args(annotation))


def test_layout_no_any_in_route_signatures(tmp_path: Path) -> None:
    app = create_app(make_settings(tmp_path, demo_dir=None))
    assert mentions_any(dict[str, Any]) and mentions_any(Annotated[Any, "x"])
    assert not mentions_any(dict[str, int])
    checked = 0
    loose = []
    for path, route in app_routes(app.routes):
        if not isinstance(route, APIRoute):
            continue
        checked += 1
        hints = typing.get_type_hints(route.endpoint, include_extras=True)
        loose += [f"{path} {name}" for name, hint in hints.items() if mentions_any(hint)]
    assert checked >= 40  # every API and console route
    assert loose == []
