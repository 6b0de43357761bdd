"""Nothing public before its notice: the real site built with a real year on the day before and
the day of each notice, every built file searched for what must not be there yet."""

from __future__ import annotations

import contextlib
import gzip
import json
import os
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from mkdocs.commands.build import build
from mkdocs.config import load_config

from site_plugins.status_lookup import look_up
from tests.project_copy import copy_project
from tests.real_year import ENTRANTS, LISTS, NOTICES, real_year, write_real_year

NOTICE_DAYS = sorted({date.fromisoformat(day) for _, day, _ in NOTICES.values()})
#: The day before each notice, and each notice's day (the first also stands for "before all").
BUILD_DAYS = sorted({d - timedelta(days=1) for d in NOTICE_DAYS} | set(NOTICE_DAYS))
PUBLICITY_DAY = date.fromisoformat(NOTICES["publicity"][1])
APPROVAL_DAY = date.fromisoformat(NOTICES["approval"][1])
RECORDS = {record["id"]: record for record in real_year()["entrants"]}


def first_public_day(entrant_id: str) -> date | None:
    """The first notice day of a list naming the entrant (None: no published list names it)."""
    days = [
        date.fromisoformat(NOTICES[stage][1])
        for stage, entries in LISTS.items()
        if stage in NOTICES
        and entrant_id in [e if isinstance(e, str) else e["entrant"] for e in entries]
    ]
    return min(days, default=None)


@contextlib.contextmanager
def building_at(project: Path, day: date) -> Iterator[None]:
    saved_env, saved_cwd = dict(os.environ), Path.cwd()
    os.environ.update(NO_MKDOCS_2_WARNING="1", SZMQA_NOW=f"{day.isoformat()}T12:00:00+08:00")
    os.environ.pop("SZMQA_DEMO_DIR", None)
    os.chdir(project)
    try:
        yield
    finally:
        os.chdir(saved_cwd)
        os.environ.clear()
        os.environ.update(saved_env)


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> dict[date, Path]:
    """The project's site with the real year, built on each day of BUILD_DAYS."""
    project = copy_project(tmp_path_factory.mktemp("real-year"))
    write_real_year(project / "docs")
    built = {}
    for day in BUILD_DAYS:
        site = project.parent / f"site-{day.isoformat()}"
        with building_at(project, day):
            build(load_config(str(project / "mkdocs.yml"), site_dir=str(site), strict=True))
        built[day] = site
    return built


def every_file(site: Path) -> dict[str, str]:
    """Every built file's text (gzip files opened), by path."""
    texts = {}
    for path in site.rglob("*"):
        if path.is_file():
            raw = path.read_bytes()
            if path.suffix == ".gz":
                raw = gzip.decompress(raw)
            texts[path.relative_to(site).as_posix()] = raw.decode("utf-8", errors="replace")
    return texts


def found_in(files: dict[str, str], needle: str) -> list[str]:
    return [name for name, text in files.items() if needle in text]


@pytest.mark.parametrize("day", BUILD_DAYS, ids=str)
def test_no_name_code_or_notice_before_its_day(sites: dict[date, Path], day: date) -> None:
    files = every_file(sites[day])
    for entrant_id, (name, _, project) in ENTRANTS.items():
        public_from = first_public_day(entrant_id)
        secrets = [name, RECORDS[entrant_id]["credit_code"]] + ([project] if project else [])
        if public_from is None or public_from > day:
            for secret in secrets:
                assert not found_in(files, secret), (day, entrant_id, secret)
        else:
            assert found_in(files, name), (day, entrant_id)
    for stage, (file_name, notice_day, _) in NOTICES.items():
        notice_id = file_name.removesuffix(".md")
        where = found_in(files, notice_id)
        assert bool(where) == (date.fromisoformat(notice_day) <= day), (day, stage, where)
    assert not found_in(files, "评委会审议名单")  # the committee's list is never published
    assert bool(found_in(files, "2026-culture")) == (day >= date(2026, 9, 28))


@pytest.mark.parametrize("day", BUILD_DAYS, ids=str)
def test_no_award_level_before_the_publicity(sites: dict[date, Path], day: date) -> None:
    site = sites[day]
    files = every_file(site)
    open_data = json.loads(files["awards/2026.json"])
    levels = {e["entrant"]: e.get("level") for e in open_data["stages"].get("publicity", [])}
    index = files["status-index.json"]
    if day < PUBLICITY_DAY:
        assert not levels and '"level"' not in files["awards/2026.json"]
        assert not found_in(files, 'data-label="等次"')
        assert not found_in(files, NOTICES["publicity"][2])
        for name, _, _ in ENTRANTS.values():
            for row in look_up(index, name):
                assert row["level"] is None and "奖" not in row["status"], (day, row)
    else:
        assert levels == {"E01": "gold", "E02": "silver", "E03": "bronze"} | {
            "C01": "gold",
            "C02": "silver",
            "S01": "gold",
        }
        (gold,) = look_up(index, ENTRANTS["E01"][0])
        expected = "获金奖（市政府审定）" if day >= APPROVAL_DAY else "拟奖：金奖（社会公示）"
        assert gold["status"] == expected
        (dropped,) = look_up(index, RECORDS["E04"]["credit_code"])  # a committee bronze only
        assert dropped["level"] is None
        assert dropped["status"] == "未进入社会公示（止于现场核查）"


@pytest.mark.parametrize("day", BUILD_DAYS, ids=str)
def test_the_lookup_answers_only_the_entrant_asked_about(
    sites: dict[date, Path], day: date
) -> None:
    index = (sites[day] / "status-index.json").read_text(encoding="utf-8")
    for entrant_id, (name, _, project) in ENTRANTS.items():
        public_from = first_public_day(entrant_id)
        answered = look_up(index, name)
        if public_from is None or public_from > day:
            assert answered == [] and look_up(index, RECORDS[entrant_id]["credit_code"]) == []
            continue
        assert [row["name"] for row in answered] == [name]
        assert look_up(index, RECORDS[entrant_id]["credit_code"]) == answered
        if project:
            assert look_up(index, project) == answered
        assert look_up(index, name[:-2]) == [] and look_up(index, name[2:]) == []
        assert look_up(index, RECORDS[entrant_id]["credit_code"][:17]) == []
