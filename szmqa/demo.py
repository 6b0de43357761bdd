"""A fictional award year that walks through every stage, dated around a given day.

Every name is marked （演示） and every file carries ``demo: true``; production builds refuse it.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

from award.calendar import demo_calendar
from award.categories import Category, EntryKind
from award.identifiers import credit_code_check_char
from award.models import DEMO_PREFIX
from award.yaml_text import dump_yaml

DEMO_MARK = "（演示）"
#: The demo's categories evaluated by the public (with a ballot); the others get a site check.
SOCIAL_EVALUATION = (
    Category.CULTURE,
    Category.SOCIAL,
    Category.ECOLOGY,
    Category.MANAGEMENT,
    Category.SERVICE,
)

_ECONOMIC_NAMES = [
    "鹏城示例精密电子",
    "云帆示例物流",
    "南海示例新能源",
    "星河示例生物医药",
    "蓝湾示例智能装备",
    "前海示例数字科技",
    "梧桐示例新材料",
    "大鹏示例海洋科技",
    "光明示例半导体",
    "龙岗示例通信",
    "坪山示例汽车电子",
    "宝安示例模具",
    "福田示例金融科技",
    "罗湖示例珠宝",
    "盐田示例港航",
    "南山示例软件",
    "龙华示例显示技术",
    "深湾示例医疗器械",
    "东湖示例环保装备",
    "西丽示例机器人",
    "石岩示例光学",
    "观澜示例纺织",
    "松岗示例电池",
    "沙井示例五金",
    "观湖示例食品",
    "平湖示例家居",
    "横岗示例眼镜",
    "布吉示例家电",
    "葵涌示例化工",
    "南澳示例水产",
]
_OTHER_NAMES: dict[Category, list[tuple[str, str | None]]] = {
    Category.CULTURE: [
        ("深圳示例图书馆", None),
        ("示例文化传播中心", "“城市书房”示例阅读推广项目"),
        ("示例非遗保护协会", "示例非遗数字化项目"),
        ("示例美术馆", None),
        ("示例交响乐团", None),
        ("示例创意产业园", "示例文创孵化项目"),
    ],
    Category.SOCIAL: [
        ("示例社区服务中心", None),
        ("示例慈善基金会", "示例长者饭堂项目"),
        ("示例志愿者联合会", "示例社区应急志愿项目"),
        ("示例职业技术学校", None),
        ("示例妇幼保健院", None),
        ("示例社工服务社", "示例儿童关爱项目"),
    ],
    Category.ECOLOGY: [
        ("示例水务集团", "示例河湖治理项目"),
        ("示例环境监测站", None),
        ("示例公园管理中心", "示例湿地修复项目"),
        ("示例固废处理中心", None),
        ("示例林业站", None),
        ("示例低碳促进会", "示例近零碳社区项目"),
    ],
    Category.MANAGEMENT: [
        ("示例行政服务中心", None),
        ("示例标准化研究院", "示例团体标准体系项目"),
        ("示例街道办事处", "示例智慧治理项目"),
        ("示例质量协会", None),
        ("示例公共资源交易中心", None),
        ("示例城市管理局", "示例精细化管理项目"),
    ],
    Category.SERVICE: [
        ("示例地铁运营公司", None),
        ("示例供电服务中心", "示例“获得电力”优化项目"),
        ("示例医院", None),
        ("示例政务服务热线", "示例一线通办项目"),
        ("示例公交集团", None),
        ("示例燃气服务公司", None),
    ],
}


#: The footer's fields for the demo, example values only (mkdocs.yml's extra.contact wins
#: where it sets a field); the site says they are examples.
DEMO_CONTACT = {
    "organizer": "示例信息中心（示例）",
    "address": "深圳市福田区示例路1号（示例地址）",
    "phone": "0755-00000000",
    "email": "szmqa-demo@example.org",
    "hours": "工作日 9:00—12:00，14:00—18:00（示例）",
    "icp": "粤ICP备00000000号（示例）",
    "police_record": "粤公网安备44030000000000号（示例）",
    "site_code": "4403000000（示例）",
}
#: Where the demo's contact is written in the demo folder (read by the site build).
DEMO_CONTACT_FILE = "contact.yml"


def _credit_code(number: int) -> str:
    first17 = f"91440300{number:09d}"
    return first17 + credit_code_check_char(first17)


def _entrants(year: int) -> list[dict[str, Any]]:
    entrants: list[dict[str, Any]] = []
    for index, name in enumerate(_ECONOMIC_NAMES, start=1):
        entrant: dict[str, Any] = {
            "id": f"E{index:02d}",
            "name": f"{name}有限公司{DEMO_MARK}",
            "credit_code": _credit_code(index),
            "category": Category.ECONOMIC.value,
            "kind": EntryKind.ORGANISATION.value,
        }
        if index in (3, 4):
            entrant["group"] = "示例控股集团"
            entrant["business"] = {3: "新能源", 4: "生物医药"}[index]
        if index == 11:
            entrant["past_awards"] = [{"year": year - 4, "level": "bronze"}]
        entrants.append(entrant)
    number = 100
    for category, names in _OTHER_NAMES.items():
        prefix = category.value[:2].upper()
        for index, (name, project) in enumerate(names, start=1):
            number += 1
            entrant = {
                "id": f"{prefix}{index:02d}",
                "name": f"{name}{DEMO_MARK}",
                "credit_code": _credit_code(number),
                "category": category.value,
                "kind": (EntryKind.PROJECT if project else EntryKind.ORGANISATION).value,
            }
            if project:
                entrant["project"] = f"{project}{DEMO_MARK}"
            entrants.append(entrant)
    return entrants


def _ids(prefix: str, count: int) -> list[str]:
    return [f"{prefix}{i:02d}" for i in range(1, count + 1)]


def _stages() -> dict[str, list[Any]]:
    economic = _ids("E", 30)
    stages: dict[str, list[Any]] = {
        "submission": list(economic),
        "acceptance": economic[:28],
        "qualification": economic[:26],
        "material_review": economic[:24],
        "defence": economic[:22],
        "site_check": [
            {"entrant": entrant_id, "score": round(78 - i * 1.5, 1)}
            for i, entrant_id in enumerate(economic[:16])
        ],
    }
    levels = ["gold"] * 2 + ["silver"] * 3 + ["bronze"] * 7
    committee = [
        {"entrant": entrant_id, "score": round(78 - i * 1.5, 1), "level": level}
        for i, (entrant_id, level) in enumerate(zip(economic[:12], levels, strict=True))
    ]
    for entry in committee:
        if entry["entrant"] == "E11":
            entry["repeat"] = True
    for category in _OTHER_NAMES:
        ids = _ids(category.value[:2].upper(), 6)
        stages["submission"] += ids
        stages["acceptance"] += ids
        stages["qualification"] += ids[:5]
        stages["material_review"] += ids[:5]
        stages["defence"] += ids[:4]
        shortlist = [{"entrant": e, "score": 72.0 - i * 4} for i, e in enumerate(ids[:3])]
        if category in SOCIAL_EVALUATION:
            stages.setdefault("social_evaluation", []).extend(shortlist)
        else:
            stages["site_check"] += shortlist
        if category in (Category.ECOLOGY, Category.SERVICE):
            committee += [
                {"entrant": ids[0], "score": 72.0, "level": "gold"},
                {"entrant": ids[1], "score": 68.0, "level": "silver"},
            ]
    stages["committee"] = committee
    stages["publicity"] = [{k: v for k, v in e.items() if k != "score"} for e in committee]
    return stages


def _ballot(
    year: int,
    category: Category,
    opens: date,
    closes: date,
    period: str,
    max_choices: int = 1,
    identity: str = "device",
) -> dict[str, Any]:
    return {
        "id": f"{DEMO_PREFIX}{year}-{category.value}",
        "category": category.value,
        "title": f"{year}年度{category.label}社会评价网络投票{DEMO_MARK}",
        "opens": f"{opens} 09:00",
        "closes": f"{closes} 17:00",
        "period": period,
        "max_choices": max_choices,
        "identity": identity,
    }


def _ballots(today: date) -> list[dict[str, Any]]:
    calendar = demo_calendar()
    open_from = today - timedelta(days=2)
    open_until = calendar.add_working_days(today, 5)
    closed_from = today - timedelta(days=24)
    upcoming_from = calendar.add_working_days(today + timedelta(days=3), 1)
    return [
        _ballot(today.year, Category.CULTURE, open_from, open_until, "day"),
        _ballot(today.year, Category.SOCIAL, open_from, open_until, "window", max_choices=2),
        # The one phone ballot: voters prove a mobile number by SMS (the console gateway
        # shows the code on the page in the demo).
        _ballot(today.year, Category.SERVICE, open_from, open_until, "window", identity="phone"),
        _ballot(
            today.year,
            Category.ECOLOGY,
            closed_from,
            calendar.add_working_days(closed_from, 6),
            "day",
        ),
        _ballot(
            today.year,
            Category.MANAGEMENT,
            upcoming_from,
            calendar.add_working_days(upcoming_from, 6),
            "day",
        ),
    ]


def _notice(day: date, title: str, body: str, **meta: Any) -> tuple[str, str]:
    header = {"title": f"【演示】{title}", "date": day, "demo": True, **meta}
    header["number"] = f"深质奖秘〔{day.year}〕{day.timetuple().tm_yday}号（示例）"
    text = "---\n" + dump_yaml(header) + "---\n\n"
    stage = meta.get("stage", "notice").replace("_", "-")
    return f"{DEMO_PREFIX}{day.isoformat()}-{stage}.md", text + body


def _notices(today: date) -> list[tuple[str, str]]:
    year = today.year
    lead = "本通知及名单为虚构的演示数据，不代表任何真实评定结果。\n\n"
    return [
        _notice(
            today - timedelta(days=80),
            f"{year}年度深圳市市长质量奖受理名单",
            lead + "经审核，以下申报主体网上申报材料齐全、格式规范，予以受理。\n",
            year=year,
            stage="acceptance",
        ),
        _notice(
            today - timedelta(days=60),
            f"{year}年度深圳市市长质量奖资格审查结果",
            lead + "经函询、信用查询等方式核实，以下申报主体资格符合要求。\n",
            year=year,
            stage="qualification",
        ),
        _notice(
            today - timedelta(days=45),
            f"{year}年度深圳市市长质量奖材料评审结果",
            lead + "以下申报主体通过材料评审。\n",
            year=year,
            stage="material_review",
        ),
        _notice(
            today - timedelta(days=30),
            f"{year}年度深圳市市长质量奖集中答辩名单",
            lead + "按照入围与授奖不超过 2:1 的比例，基于评分排序确定以下集中答辩名单。\n",
            year=year,
            stage="defence",
        ),
        _notice(
            today - timedelta(days=25),
            f"{year}年度深圳市市长质量奖社会评价名单及网络投票安排",
            lead + "以下主体入围社会评价，采用网络公众投票方式，投票时间不少于5个工作日。\n",
            year=year,
            stage="social_evaluation",
            ballots=[f"{DEMO_PREFIX}{year}-{c.value}" for c in SOCIAL_EVALUATION],
        ),
        _notice(
            today - timedelta(days=20),
            f"{year}年度深圳市市长质量奖现场核查名单",
            lead + "以下主体入围现场核查，原则上每家组织的现场核查时间不超过1天。\n",
            year=year,
            stage="site_check",
        ),
        _notice(
            today - timedelta(days=1),
            f"{year}年度深圳市市长质量奖拟奖名单公示",
            lead
            + "经评委会审议，现将拟奖名单予以公示。公示期间，任何单位和个人对拟奖名单有异议的，"
            "可实名提出；查实有违法违规情形的，取消资格。\n",
            kind="publicity",
            year=year,
            stage="publicity",
            window={"start": today - timedelta(days=1), "working_days": 5},
            objections=True,
        ),
    ]


def write_demo(folder: Path, today: date) -> Path:
    """Write the demo award year and its notices under ``folder`` (replacing earlier ones)."""
    awards = folder / "awards"
    notices = folder / "notices"
    for sub in (awards, notices):
        sub.mkdir(parents=True, exist_ok=True)
        for old in sub.iterdir():
            old.unlink()
    data = {
        "year": today.year,
        "demo": True,
        "evaluation": {
            category.value: "social_evaluation" if category in SOCIAL_EVALUATION else "site_check"
            for category in Category
        },
        "entrants": _entrants(today.year),
        "stages": _stages(),
        # Lists no notice publishes: public from these days (award/publication.py).
        "published": {
            "submission": today - timedelta(days=100),
            "committee": today - timedelta(days=1),
        },
        "ballots": _ballots(today),
    }
    header = "# 演示数据：虚构的年度名单，由 szmqa demo 生成，不得用于正式发布。\n"
    (awards / f"{today.year}.yml").write_text(header + dump_yaml(data), encoding="utf-8")
    for name, text in _notices(today):
        (notices / name).write_text(text, encoding="utf-8")
    (folder / DEMO_CONTACT_FILE).write_text(dump_yaml(DEMO_CONTACT), encoding="utf-8")
    return folder
