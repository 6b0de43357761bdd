"""Installs come from the lock files: every pin applies here and covers pyproject's ranges."""

from __future__ import annotations

import re
import tomllib
from importlib import metadata
from pathlib import Path

import pytest
from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[2]
LOCKS = {name: ROOT / "requirements" / f"{name}.lock" for name in ("run", "test")}


def pins(lock: Path) -> dict[str, str]:
    """Package name → pinned version, for the entries whose marker holds on this machine."""
    found: dict[str, str] = {}
    for line in lock.read_text(encoding="utf-8").splitlines():
        requirement = line.split("#", 1)[0].strip()
        if not requirement:
            continue
        spec, _, marker = requirement.partition(";")
        if marker.strip() and not Marker(marker.strip()).evaluate():
            continue
        name, version = re.fullmatch(r"([A-Za-z0-9_.\-\[\]]+)==(\S+)", spec.strip()).groups()
        found[canonicalize_name(name.split("[")[0])] = version
    return found


def declared(extra: str | None) -> set[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    names = list(project["dependencies"])
    if extra:
        names += project["optional-dependencies"][extra]
    return {canonicalize_name(Requirement(name).name) for name in names}


@pytest.mark.parametrize(("lock", "extra"), [("run", None), ("test", "test")])
def test_lock_pins_every_declared_dependency_within_its_range(lock: str, extra: str | None) -> None:
    pinned = pins(LOCKS[lock])
    assert declared(extra) - set(pinned) == set()
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    ranges = list(project["dependencies"]) + (
        project["optional-dependencies"][extra] if extra else []
    )
    for text in ranges:
        requirement = Requirement(text)
        version = pinned[canonicalize_name(requirement.name)]
        assert requirement.specifier.contains(version, prereleases=True), (text, version)


def test_lock_run_and_test_agree_on_every_shared_package() -> None:
    run, test = pins(LOCKS["run"]), pins(LOCKS["test"])
    assert {name: run[name] for name in run} == {name: test[name] for name in run}


def test_lock_the_installed_environment_is_the_locked_one() -> None:
    differing = {
        name: (version, metadata.version(name))
        for name, version in pins(LOCKS["test"]).items()
        if metadata.version(name) != version
    }
    assert differing == {}
