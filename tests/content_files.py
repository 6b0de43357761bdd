"""Content files for tests: a small valid award year and notices, to be broken one rule at a time."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from award.identifiers import credit_code_check_char


def credit_code(number: int) -> str:
    """A valid unified social credit code, distinct per number."""
    first17 = f"91440300{number:09d}"
    return first17 + credit_code_check_char(first17)


def entrant(entrant_id: str, number: int, category: str = "economic", **extra: Any) -> dict:
    """An entrant record with a valid credit code."""
    kind = extra.pop("kind", "organisation")
    record = {
        "id": entrant_id,
        "name": f"测试单位{entrant_id}",
        "credit_code": credit_code(number),
        "category": category,
        "kind": kind,
    }
    if kind == "project":
        record["project"] = f"测试项目{entrant_id}"
    return record | extra


def valid_year() -> dict[str, Any]:
    """A 2026 year that passes every rule: economic E1–E6, culture C1–C3, all stages listed."""
    economic = [entrant(f"E{i}", i) for i in range(1, 7)]
    culture = [
        entrant(f"C{i}", 100 + i, "culture", kind="project" if i == 2 else "organisation")
        for i in range(1, 4)
    ]
    ids = [e["id"] for e in economic + culture]
    return {
        "year": 2026,
        "evaluation": {"economic": "site_check", "culture": "social_evaluation"},
        "entrants": economic + culture,
        "stages": {
            "submission": list(ids),
            "acceptance": list(ids),
            "qualification": list(ids),
            "material_review": list(ids),
            "defence": list(ids),
            "site_check": [{"entrant": e, "score": 70} for e in ids[:6]],
            "social_evaluation": [{"entrant": c, "score": 65} for c in ids[6:]],
            "committee": [
                {"entrant": "E1", "score": 75, "level": "gold"},
                {"entrant": "E2", "score": 58, "level": "silver"},
                {"entrant": "E3", "score": 52, "level": "bronze"},
                {"entrant": "C1", "score": 66, "level": "gold"},
            ],
            "publicity": [
                {"entrant": "E1", "level": "gold"},
                {"entrant": "E2", "level": "silver"},
                {"entrant": "E3", "level": "bronze"},
                {"entrant": "C1", "level": "gold"},
            ],
        },
        # Every list public from a day before the tests' "now" (2026-11-18 and later): tests
        # of what is held back until its notice drop these (tests/site/test_publication.py).
        "published": {
            "submission": "2026-04-01",
            "acceptance": "2026-04-15",
            "qualification": "2026-05-15",
            "material_review": "2026-06-15",
            "defence": "2026-07-15",
            "site_check": "2026-09-01",
            "social_evaluation": "2026-09-01",
            "committee": "2026-11-16",
            "publicity": "2026-11-16",
            "approval": "2026-11-16",
        },
        "ballots": [
            {
                "id": "2026-culture",
                "category": "culture",
                "opens": "2026-11-16 09:00",
                "closes": "2026-11-20 17:00",
                "identity": "device",
            }
        ],
    }


def write_content(
    root: Path, year: dict | str | None = None, notices: dict[str, str] | None = None
) -> Path:
    """Write awards/<year>.yml and notices/*.md under root; return root."""
    (root / "awards").mkdir(parents=True, exist_ok=True)
    (root / "notices").mkdir(parents=True, exist_ok=True)
    if year is not None:
        text = (
            year
            if isinstance(year, str)
            else yaml.safe_dump(year, allow_unicode=True, sort_keys=False)
        )
        number = year["year"] if isinstance(year, dict) else 2026
        (root / "awards" / f"{number}.yml").write_text(text, encoding="utf-8")
    for name, text in (notices or {}).items():
        (root / "notices" / name).write_text(text, encoding="utf-8")
    return root


def notice_text(**meta: Any) -> str:
    """A notice page with the given front matter."""
    header = {"title": "2026年度拟奖名单公示", "date": "2026-11-16"} | meta
    return "---\n" + yaml.safe_dump(header, allow_unicode=True, sort_keys=False) + "---\n\n正文。\n"


def winner_year(year: int, record: dict[str, Any], level: str, *, to: str = "approval") -> dict:
    """An earlier award year in which one entrant goes through every stage to ``to`` at ``level``."""
    order = ["submission", "acceptance", "qualification", "material_review", "defence"]
    stages: dict[str, Any] = {stage: [record["id"]] for stage in order}
    stages["site_check"] = [{"entrant": record["id"], "score": 75}]
    stages["committee"] = [{"entrant": record["id"], "score": 75, "level": level}]
    for stage in ("publicity", "approval")[: 1 + (to == "approval")]:
        stages[stage] = [{"entrant": record["id"], "level": level}]
    return {
        "year": year,
        "evaluation": {record["category"]: "site_check"},
        "entrants": [record],
        "stages": stages,
    }


#: A publicity notice of 2026 that takes objections, with its 文号.
FORMAL_PUBLICITY = notice_text(
    title="2026年度拟奖名单公示",
    kind="publicity",
    year=2026,
    stage="publicity",
    window={"start": "2026-11-16", "end": "2026-11-20"},
    objections=True,
    number="深质奖秘〔2026〕12号",
)
