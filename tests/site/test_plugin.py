"""The award plugin on a tiny site: rendered lists, notices, banner, feed, calendar, indexes."""

from __future__ import annotations

import json
import re

import pytest

from site_plugins.status_lookup import look_up
from tests.content_files import entrant, notice_text, valid_year
from tests.site.conftest import BuildFailed

PUBLICITY = notice_text(
    title="2026年度拟奖名单公示",
    kind="publicity",
    year=2026,
    stage="publicity",
    window={"start": "2026-11-16", "end": "2026-11-20"},
    objections=True,
)
ANNOUNCEMENT = notice_text(
    title="2026年度集中答辩名单", date="2026-10-20", year=2026, stage="defence"
)


def built(tiny_site, year=None, notices=None):
    site = tiny_site(valid_year() if year is None else year, notices)
    site.build()
    return site


def test_year_page_lists_each_stage_by_category(tiny_site):
    site = built(tiny_site)
    html = site.html("awards/2026/index.html")
    assert "集中答辩名单" in html and "拟奖名单" in html
    publicity = html[html.index("拟奖名单") :]
    assert "经济类" in publicity and "文化类" in publicity
    assert re.search(
        r"测试单位E1</td>\s*<td[^>]*>组织</td>\s*<td[^>]*>—</td>\s*<td[^>]*>金奖</td>", publicity
    )
    assert "测试项目C2" in html  # a project's name is shown beside its owner
    assert "演示数据" not in html


def test_notice_page_shows_window_in_words_and_objection_link(tiny_site):
    site = built(tiny_site, notices={"2026-11-16-publicity.md": PUBLICITY})
    html = site.html("notices/2026-11-16-publicity/index.html")
    assert "公示期：2026年11月16日至11月20日（5个工作日）" in html
    assert "发布日期：2026年11月16日" in html
    assert 'href="../../objection/?notice=2026-11-16-publicity"' in html
    assert "测试单位E1" in html and "测试单位E4" not in html  # only the publicity list


def test_notice_without_objections_has_no_objection_link(tiny_site):
    site = built(tiny_site, notices={"2026-10-20-defence.md": ANNOUNCEMENT})
    html = site.html("notices/2026-10-20-defence/index.html")
    assert "集中答辩名单" in html and "测试单位E6" in html
    assert "objection" not in html


def test_notices_index_is_newest_first_with_state(tiny_site):
    site = built(
        tiny_site,
        notices={"2026-11-16-publicity.md": PUBLICITY, "2026-10-20-defence.md": ANNOUNCEMENT},
    )
    html = site.html("notices/index.html")
    assert html.index("2026年度拟奖名单公示") < html.index("2026年度集中答辩名单")
    assert "（进行中）" in html  # build time 2026-11-18 is inside the window


def test_banner_announces_open_window_with_its_end(tiny_site):
    site = built(tiny_site, notices={"2026-11-16-publicity.md": PUBLICITY})
    html = site.html("index.html")
    items = re.findall(r'<p class="award-banner__item"[^>]*>', html)
    assert len(items) == 2  # the culture ballot and the publicity, both open at build time
    assert any('data-window-end="2026-11-21T00:00:00+08:00"' in item for item in items)
    assert not any(" hidden" in item for item in items)
    assert "2026年度拟奖名单公示（公示中）" in html and "至2026年11月20日" in html


def test_banner_keeps_upcoming_window_hidden_and_drops_closed(tiny_site):
    site = tiny_site(valid_year(), {"2026-11-16-publicity.md": PUBLICITY})
    site.build(now="2026-11-13T10:00:00+08:00")
    upcoming = site.html("index.html")
    assert re.search(r'<p class="award-banner__item"[^>]*hidden', upcoming)
    site.build(now="2026-11-21T00:00:00+08:00")
    assert "award-banner__item" not in site.html("index.html")


def test_rss_feed_lists_notices(tiny_site):
    site = built(
        tiny_site,
        notices={"2026-11-16-publicity.md": PUBLICITY, "2026-10-20-defence.md": ANNOUNCEMENT},
    )
    feed = (site.site / "notices" / "feed.xml").read_text(encoding="utf-8")
    assert feed.count("<item>") == 2
    assert "<link>https://example.test/notices/2026-11-16-publicity/</link>" in feed
    assert feed.index("拟奖名单公示") < feed.index("集中答辩名单")


def test_ics_has_ballot_and_publicity_windows(tiny_site):
    site = built(tiny_site, notices={"2026-11-16-publicity.md": PUBLICITY})
    ics = (site.site / "awards" / "2026.ics").read_bytes().decode("utf-8")
    assert ics.startswith("BEGIN:VCALENDAR\r\n") and ics.endswith("END:VCALENDAR\r\n")
    assert ics.count("BEGIN:VEVENT") == 2
    assert "DTSTART:20261116T010000Z" in ics  # ballot opens 09:00 Asia/Shanghai
    assert (
        "DTSTART:20261115T160000Z" in ics and "DTEND:20261120T160000Z" in ics
    )  # publicity, whole days


def test_status_index_lists_stages_reached(tiny_site):
    site = built(tiny_site)
    index = (site.site / "status-index.json").read_text(encoding="utf-8")
    rows = {name: look_up(index, name)[0] for name in ("测试单位E1", "测试单位E6", "测试单位C3")}
    assert rows["测试单位E1"]["reached"][-1] == "社会公示"
    assert rows["测试单位E6"]["reached"][-1] == "现场核查"
    assert rows["测试单位C3"]["reached"][-1] == "社会评价"


def test_year_json_is_open_data_without_scores(tiny_site):
    site = built(tiny_site)
    data = json.loads((site.site / "awards" / "2026.json").read_text(encoding="utf-8"))
    assert len(data["entrants"]) == 9
    assert data["stages"]["publicity"][0] == {"entrant": "E1", "level": "gold", "repeat": False}
    assert "score" not in json.dumps(data)
    assert not (site.site / "awards" / "2026.yml").exists()


def test_demo_content_is_marked_on_every_page(tiny_site, demo_dir):
    site = tiny_site()
    site.build(demo_dir=str(demo_dir), now="2026-11-24T10:00:00+08:00")
    for page in (
        "index.html",
        "awards/demo-2026/index.html",
        "notices/index.html",
        "notices/demo-2026-11-23-publicity/index.html",
    ):
        assert "演示站点" in site.html(page), page


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (
            lambda y: [
                y["stages"][s].append({"entrant": e, "level": "gold"})
                for s in ("committee", "publicity")
                for e in ("E4", "E5")
            ],
            "经济类金奖列出 3 个，名额为 2 个",
        ),
        (lambda y: y["stages"]["site_check"][0].update(score=45), "须超过标准总分 50%"),
        (lambda y: y["entrants"][0].update(credit_code="91440300000000001X"), "校验位应为"),
        (
            lambda y: y["ballots"][0].update(closes="2026-11-18 17:00"),
            "社会评价时间不少于 5 个工作日",
        ),
        (lambda y: y["stages"]["acceptance"].append("C9"), "没有编号为 C9 的申报主体"),
    ],
)
def test_build_fails_naming_file_and_rule(tiny_site, mutate, message):
    year = valid_year()
    mutate(year)
    site = tiny_site(year)
    with pytest.raises(BuildFailed) as raised:
        site.build()
    text = str(raised.value)
    assert message in text
    assert "docs/awards/2026.yml" in text or "awards/2026.yml" in text
    assert not (site.site / "index.html").exists()  # nothing half-published


def test_build_reports_every_failure_at_once(tiny_site):
    year = valid_year()
    year["stages"]["site_check"][0]["score"] = 45
    year["entrants"][0]["credit_code"] = "91440300000000001X"
    site = tiny_site(
        year,
        {
            "2026-09-28-publicity.md": notice_text(
                kind="publicity", window={"start": "2026-09-28", "end": "2026-10-08"}
            )
        },
    )
    with pytest.raises(BuildFailed) as raised:
        site.build()
    text = str(raised.value)
    assert "共 3 处问题" in text
    assert "notices/2026-09-28-publicity.md: window" in text


def test_production_build_refuses_demo_year(tiny_site):
    site = tiny_site(valid_year() | {"demo": True})
    with pytest.raises(BuildFailed, match="演示年度数据不能发布到正式站点"):
        site.build()


def test_status_index_has_no_unlisted_entrant(tiny_site):
    year = valid_year()
    year["entrants"].append(entrant("Z1", 999) | {"name": "未列入名单单位"})
    site = built(tiny_site, year)
    assert "未列入名单单位" not in (site.site / "status-index.json").read_text(encoding="utf-8")
