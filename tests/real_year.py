"""A real award year written for the tests: a list per stage, a notice per published list.

Fictional organisations, laid out as a secretariat writes a year: the submission and committee
lists are kept in the year file but published by no notice (never public), two applicants are
refused at submission, and every other list comes out with its notice on its date.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.content_files import credit_code, notice_text, write_content

#: id → (name, category, project or None).
ENTRANTS: dict[str, tuple[str, str, str | None]] = {
    "E01": ("深圳市澜岸智能装备有限公司", "economic", None),
    "E02": ("深圳市溪谷新材料股份有限公司", "economic", None),
    "E03": ("深圳市梧桐微电子有限公司", "economic", None),
    "E04": ("深圳市蛇口海工科技有限公司", "economic", None),
    "E05": ("深圳市南岭医疗器械有限公司", "economic", None),
    "E06": ("深圳市坪山生物科技有限公司", "economic", None),
    "E07": ("深圳市光明精密模具有限公司", "economic", None),
    "E08": ("深圳市观澜检测认证有限公司", "economic", None),
    "C01": ("深圳市大鹏文化传播有限公司", "culture", "大鹏所城非遗活化项目"),
    "C02": ("深圳市前海影像艺术中心", "culture", None),
    "C03": ("深圳市福田书香阅读推广中心", "culture", None),
    "C04": ("深圳市龙岗客家文化研究院", "culture", None),
    "S01": ("深圳市盐田港口物流服务有限公司", "service", None),
    "S02": ("深圳市宝安社区健康服务中心", "service", None),
}
ALL = list(ENTRANTS)
ACCEPTED = [e for e in ALL if e not in ("E07", "S02")]
QUALIFIED = [e for e in ACCEPTED if e != "E08"]
DEFENCE = [e for e in QUALIFIED if e != "E06"]
LEVELS = {"E01": "gold", "E02": "silver", "E03": "bronze", "C01": "gold", "C02": "silver"}
LEVELS |= {"S01": "gold"}
#: stage → its list.
LISTS: dict[str, list[Any]] = {
    "submission": ALL,
    "acceptance": ACCEPTED,
    "qualification": QUALIFIED,
    "material_review": QUALIFIED,
    "defence": DEFENCE,
    "site_check": [{"entrant": e, "score": 72} for e in ("E01", "E02", "E03", "E04", "S01")],
    "social_evaluation": [{"entrant": e, "score": 66} for e in ("C01", "C02", "C03")],
    "committee": [
        {"entrant": "E01", "score": 75, "level": "gold"},
        {"entrant": "E02", "score": 62, "level": "silver"},
        {"entrant": "E03", "score": 56, "level": "bronze"},
        {"entrant": "E04", "score": 51, "level": "bronze"},
        {"entrant": "C01", "score": 70, "level": "gold"},
        {"entrant": "C02", "score": 58, "level": "silver"},
        {"entrant": "S01", "score": 66, "level": "gold"},
    ],
    "publicity": [{"entrant": e, "level": level} for e, level in LEVELS.items()],
    "approval": [{"entrant": e, "level": level} for e, level in LEVELS.items()],
}
#: stage → (notice file, its date, its title); submission and committee have none.
NOTICES: dict[str, tuple[str, str, str]] = {
    "acceptance": ("2026-04-20-acceptance.md", "2026-04-20", "2026年度深圳市市长质量奖受理名单"),
    "qualification": ("2026-05-20-qualification.md", "2026-05-20", "2026年度资格审查结果"),
    "material_review": ("2026-06-22-material-review.md", "2026-06-22", "2026年度材料评审结果"),
    "defence": ("2026-07-20-defence.md", "2026-07-20", "2026年度集中答辩名单"),
    "site_check": ("2026-09-01-site-check.md", "2026-09-01", "2026年度现场核查名单"),
    "social_evaluation": ("2026-09-28-culture-vote.md", "2026-09-28", "2026年度文化类社会评价"),
    "publicity": ("2026-11-16-publicity.md", "2026-11-16", "2026年度拟奖名单公示"),
    "approval": ("2026-12-15-approval.md", "2026-12-15", "2026年度获奖名单"),
}
EXTRA_META: dict[str, dict[str, Any]] = {
    "social_evaluation": {"category": "culture", "ballots": ["2026-culture"]},
    "publicity": {
        "kind": "publicity",
        "window": {"start": "2026-11-16", "working_days": 5},
        "objections": True,
    },
}


def entrant_record(entrant_id: str, number: int) -> dict[str, Any]:
    """The year file's record of an entrant."""
    name, category, project = ENTRANTS[entrant_id]
    record = {
        "id": entrant_id,
        "name": name,
        "credit_code": credit_code(5000 + number),
        "category": category,
        "kind": "project" if project else "organisation",
    }
    return record | ({"project": project} if project else {})


def real_year() -> dict[str, Any]:
    """The 2026 year file."""
    return {
        "year": 2026,
        "evaluation": {"economic": "site_check", "service": "site_check"}
        | {"culture": "social_evaluation"},
        "entrants": [entrant_record(e, i) for i, e in enumerate(ALL, start=1)],
        "stages": {stage: list(entries) for stage, entries in LISTS.items()},
        "ballots": [
            {
                "id": "2026-culture",
                "category": "culture",
                "opens": "2026-10-12 09:00",
                "closes": "2026-10-16 17:00",
            }
        ],
    }


def real_notices() -> dict[str, str]:
    """Every notice file, by name."""
    return {
        name: notice_text(
            title=title, date=day, year=2026, stage=stage, **EXTRA_META.get(stage, {})
        )
        for stage, (name, day, title) in NOTICES.items()
    }


def write_real_year(docs: Path) -> Path:
    """Write the year file and its notices under docs/."""
    return write_content(docs, real_year(), real_notices())
