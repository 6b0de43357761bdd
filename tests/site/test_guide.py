"""The real site: strict build, navigation, the guide's official numbers, search, no other hosts."""

from __future__ import annotations

import json
import re
from pathlib import Path

import yaml

from award.categories import PRIZE_MONEY_YUAN, QUOTAS, TOTAL_QUOTA, Category, Level
from award.stages import (
    CANDIDATE_THRESHOLDS,
    DEFENCE_RATIO,
    MIN_WINDOW_WORKING_DAYS,
    SHORTLIST_RATIO,
)
from tests.conftest import ROOT, build_site
from tests.site.html_text import article_text, off_host_loads, tables

GUIDE_PARTS = [
    "一、奖项说明",
    "二、申奖流程",
    "三、申报系统使用指引",
    "四、申报准备",
    "五、标准要点理解",
]


def nav_pages(nav: list) -> list[str]:
    """Every Markdown file named in a MkDocs nav, depth first."""
    pages: list[str] = []
    for item in nav:
        value = next(iter(item.values())) if isinstance(item, dict) else item
        if isinstance(value, list):
            pages += nav_pages(value)
        else:
            pages.append(value)
    return pages


def load_nav() -> list:
    class Loader(yaml.SafeLoader):
        pass

    Loader.add_multi_constructor("!", lambda loader, suffix, node: None)
    Loader.add_multi_constructor("tag:yaml.org,2002:python/", lambda loader, suffix, node: None)
    return yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=Loader)["nav"]


def built_page(site: Path, markdown: str) -> Path:
    """The HTML file MkDocs writes for a Markdown page (directory URLs)."""
    stem = markdown.removesuffix(".md")
    if stem == "index" or stem.endswith("/index"):
        return site / stem.removesuffix("index") / "index.html"
    return site / stem / "index.html"


def test_site_every_nav_page_is_built(production_site):
    pages = nav_pages(load_nav())
    assert len(pages) >= 18
    for markdown in pages:
        assert built_page(production_site, markdown).is_file(), markdown


def test_site_navigation_shows_the_five_parts_of_the_guide(production_site):
    html = (production_site / "guide" / "index.html").read_text(encoding="utf-8")
    for part in GUIDE_PARTS:
        assert part in html, part


def test_site_language_and_readable_anchors(production_site):
    headings = 0
    for page in production_site.joinpath("guide").rglob("index.html"):
        html = page.read_text(encoding="utf-8")
        assert '<html lang="zh"' in html
        anchors = re.findall(r'<h[2-4] id="([^"]+)"', html)
        assert not any(re.fullmatch(r"_\d+", a) for a in anchors), (page, anchors)
        headings += len(anchors)
    assert headings > 50


def test_site_broken_link_fails_strict_build(tmp_path):
    config = tmp_path / "mkdocs.yml"
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "index.md").write_text("# 首页\n\n[不存在的页面](missing.md)\n", encoding="utf-8")
    config.write_text(
        f"site_name: t\ndocs_dir: {docs}\ntheme: {{name: material}}\n", encoding="utf-8"
    )
    result = build_site(tmp_path / "site", config=config)
    assert result.returncode != 0
    assert "missing.md" in result.stderr and "index.md" in result.stderr


def test_quotas_table_matches_the_award_rules(production_site):
    page = production_site / "guide" / "award" / "categories" / "index.html"
    table = next(
        t for t in tables(page) if t[0][:5] == ["类别", "申报形式", "金奖", "银奖", "铜奖"]
    )
    rows = {row[0]: row[2:5] for row in table[1:]}
    for category in Category:
        shown = rows[category.label]
        for cell, level in zip(shown, (Level.GOLD, Level.SILVER, Level.BRONZE), strict=True):
            quota = QUOTAS[category].get(level)
            assert cell == (f"不超过{quota}名" if quota else "不设"), (category, level, cell)
    assert f"总数不超过{TOTAL_QUOTA}名" in article_text(page).replace(" ", "")


def test_prize_money_matches_the_award_rules(production_site):
    text = article_text(production_site / "guide" / "award" / "categories" / "index.html")
    for level, yuan in PRIZE_MONEY_YUAN.items():
        assert f"{yuan // 10_000} 万元" in text, level
    assert "财政全额拨款" in text and "特别贡献奖" in text


def test_process_page_carries_each_stage_rule(production_site):
    text = article_text(production_site / "guide" / "process" / "index.html").replace(" ", "")
    assert f"{DEFENCE_RATIO:g}:1" in text and f"{SHORTLIST_RATIO:g}:1" in text
    assert "超过标准总分50%" in text
    thresholds = "、".join(f"{value:g}%" for value in CANDIDATE_THRESHOLDS.values())
    assert thresholds in text  # 60%、55%、50%
    assert f"不少于{MIN_WINDOW_WORKING_DAYS}个工作日" in text
    for rule in ("不少于13人单数", "不低于30%", "不超过3人", "不超过40分钟", "不超过1天"):
        assert rule in text, rule
    for stage in (
        "系统申报",
        "受理申报",
        "资格审查",
        "材料评审",
        "集中答辩",
        "现场核查",
        "社会评价",
        "评委会审议",
        "社会公示",
        "市政府审定",
        "授奖表彰",
    ):
        assert stage in text, stage


def test_other_official_numbers_are_on_their_pages(production_site):
    def text(path: str) -> str:
        return article_text(production_site / path / "index.html")

    assert "3年以上" in text("guide/award/eligibility")
    materials = text("guide/preparation/materials")
    assert "3万字" in materials and "30,000" in materials
    steps = text("guide/system/steps")
    assert "50 MB" in steps
    for extension in (
        "pdf",
        "docx",
        "xlsx",
        "png",
        "jpg",
        "jpeg",
        "xls",
        "zip",
        "rar",
        "ppt",
        "doc",
    ):
        assert re.search(rf"\b{extension}\b", steps), extension
    assert "x1s" not in steps  # the OCR artefact is fixed


def test_guide_has_no_ocr_artefacts(production_site):
    for page in (production_site / "guide").rglob("index.html"):
        if page.parent.name == "corrections":
            continue  # it quotes the original's wording beside each correction
        text = article_text(page)
        for artefact in ("<u>", "Ŧ", "x1s1", "- 9 -", "响败业"):
            assert artefact not in text, (page, artefact)


SEARCH_TERMS = {
    "答辩": "guide/process/",
    "铜奖": "guide/award/categories/",
    "自评报告": "guide/preparation/self-assessment/",
    "现场核查": "guide/process/",
    "社会评价": "guide/process/",
}


def test_search_index_finds_each_term_as_a_whole_word(production_site):
    index = json.loads(
        (production_site / "search" / "search_index.json").read_text(encoding="utf-8")
    )
    separator = re.compile(index["config"]["separator"])
    for term, page in SEARCH_TERMS.items():
        counts: dict[str, int] = {}
        for doc in index["docs"]:
            tokens = separator.split(f"{doc['title']} {doc['text']}")
            location = doc["location"].split("#")[0]
            counts[location] = counts.get(location, 0) + tokens.count(term)
        assert counts.get(page, 0) > 0, (term, page)
        assert max(counts, key=counts.get) == page, (
            term,
            sorted(counts.items(), key=lambda kv: -kv[1])[:3],
        )


def test_no_page_loads_from_another_host(production_site, demo_site):
    assert off_host_loads(production_site) == []
    assert off_host_loads(demo_site) == []


def test_off_host_scan_catches_a_cdn_script(tmp_path):
    (tmp_path / "index.html").write_text(
        '<script src="https://cdn.example.com/x.js"></script>', encoding="utf-8"
    )
    (tmp_path / "a.css").write_text(
        "@font-face{src:url(https://fonts.example.com/f.woff2)}", encoding="utf-8"
    )
    assert len(off_host_loads(tmp_path)) == 2


def test_production_site_has_no_demo_content(production_site):
    for page in production_site.rglob("*.html"):
        assert "演示" not in page.read_text(encoding="utf-8"), page
