"""The service's shape: arrows run one way, every feature package looks the same."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "vote_api"
FEATURES = ("captchas", "voting", "objections", "console")
COMPOSITION = ("vote_api.main", "vote_api.state", "vote_api.deps", "vote_api.tables")


def imported_modules(path: Path) -> set[str]:
    """Every module a file imports (absolute names)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def test_layout_core_imports_no_feature_and_no_composition() -> None:
    offending = {
        f"{path.relative_to(PACKAGE)} imports {name}"
        for path in (PACKAGE / "core").rglob("*.py")
        for name in imported_modules(path)
        if name.startswith(tuple(f"vote_api.{f}" for f in FEATURES) + COMPOSITION)
    }
    assert offending == set()


@pytest.mark.parametrize("feature", FEATURES)
def test_layout_features_import_no_other_features_router(feature: str) -> None:
    offending = {
        f"{path.relative_to(PACKAGE)} imports {name}"
        for path in (PACKAGE / feature).rglob("*.py")
        for name in imported_modules(path)
        if ".router" in name or "admin_router" in name
        if not name.startswith(f"vote_api.{feature}.")
    }
    assert offending == set()


@pytest.mark.parametrize("feature", FEATURES)
def test_layout_every_feature_has_a_module_level_router_and_schemas(feature: str) -> None:
    folder = PACKAGE / feature
    assert (folder / "router.py").is_file() and (folder / "schemas.py").is_file()
    source = (folder / "router.py").read_text(encoding="utf-8")
    assert "\nrouter = APIRouter(" in source and "def build_router" not in source


def test_layout_one_dependencies_module() -> None:
    defining = sorted(
        str(path.relative_to(PACKAGE))
        for path in PACKAGE.rglob("*.py")
        if "Dep = Annotated[" in path.read_text(encoding="utf-8")
    )
    assert defining == ["deps.py"]
