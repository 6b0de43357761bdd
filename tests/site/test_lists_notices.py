"""Lists people can read, formal notices, dates written one way, the secretariat's contact."""

from __future__ import annotations

import re

import pytest

from tests.content_files import FORMAL_PUBLICITY, notice_text, valid_year
from tests.site.conftest import BuildFailed
from tests.site.html_text import headings

FORMAL = FORMAL_PUBLICITY
CONTACT = {
    "contact": {
        "name": "深圳市市长质量奖评定委员会秘书处",
        "host": "深圳市市场监督管理局",
        "sponsor": "深圳市市长质量奖评定委员会秘书处",
        "address": "深圳市福田区测试路1号",
        "phone": "0755-00000000",
        "email": "mqa@example.test",
        "hours": "工作日 9:00—12:00，14:00—18:00",
        "icp": "粤ICP备00000000号",
        "site_code": "4403000000",
    }
}


def test_stage_list_is_a_table_with_header_scope_caption_and_labelled_cells(tiny_site):
    site = tiny_site(valid_year())
    site.build()
    html = site.html("awards/2026/index.html")
    table = html[html.index('<table class="award-list">') :]
    table = table[: table.index("</table>")]
    assert "<caption>2026年度经济类拟奖名单" in html
    assert '<th scope="col" class="award-list__short">序号</th>' in table
    assert '<th scope="col" class="award-list__short">类型</th>' in table
    cells = re.findall(r"<td ([^>]*)>", table)
    assert cells and all('data-label="' in cell for cell in cells)
    assert '<td data-label="序号" class="award-list__short">1</td>' in table


def test_headings_never_skip_a_level_on_year_and_notice_pages(tiny_site):
    site = tiny_site(valid_year(), {"2026-11-16-publicity.md": FORMAL})
    site.build()
    for path in ("awards/2026/index.html", "notices/2026-11-16-publicity/index.html"):
        levels = [level for level, _ in headings(site.html(path))]
        assert levels[0] == 1, path
        assert all(b - a <= 1 for a, b in zip(levels, levels[1:], strict=False)), (path, levels)


def test_year_page_has_a_contents_list_by_stage_with_working_anchors(tiny_site):
    site = tiny_site(valid_year())
    site.build()
    html = site.html("awards/2026/index.html")
    toc = html[html.index('class="award-year-toc"') :]
    toc = toc[: toc.index("</nav>")]
    targets = re.findall(r'href="#(stage-\w+)"', toc)
    assert targets[0] == "stage-publicity" and targets[-1] == "stage-submission"  # latest first
    for target in targets:
        assert f'id="{target}"' in html


def test_formal_notice_has_number_signature_date_and_print_button(tiny_site):
    site = tiny_site(valid_year(), {"2026-11-16-publicity.md": FORMAL})
    site.build()
    html = site.html("notices/2026-11-16-publicity/index.html")
    assert '<p class="award-notice__number">深质奖秘〔2026〕12号</p>' in html
    signature = html.index('class="award-notice__signature"')
    assert html.index("正文。") < signature < html.index("拟奖名单</h2>")
    block = html[signature : html.index("</div>", signature)]
    assert "深圳市市长质量奖评定委员会秘书处" in block
    assert '<time datetime="2026-11-16">2026年11月16日</time>' in block
    assert "data-award-print" in html and "打印本公告" in html
    assert 'class="award-print-header"' in html


def test_notice_can_name_its_own_issuing_body(tiny_site):
    text = notice_text(title="2026年度受理名单公告", issuer="深圳市市场监督管理局")
    site = tiny_site(valid_year(), {"2026-11-20-accepted.md": text})
    site.build()
    html = site.html("notices/2026-11-20-accepted/index.html")
    signature = html[html.index('class="award-notice__signature"') :]
    assert signature.index("深圳市市场监督管理局") < signature.index("</div>")


def test_notices_index_is_a_table_with_dates_in_chinese(tiny_site):
    site = tiny_site(valid_year(), {"2026-11-16-publicity.md": FORMAL})
    site.build()
    html = site.html("notices/index.html")
    assert '<table class="award-list award-notices">' in html
    assert '<time datetime="2026-11-16">2026年11月16日</time>' in html
    assert '<a href="2026-11-16-publicity/">2026年度拟奖名单公示</a>' in html
    assert "深质奖秘〔2026〕12号" in html
    text = re.sub(r"<[^>]+>", " ", html)
    assert not re.search(r"\b2026-\d\d-\d\d\b", text)  # no ISO date shown to a reader


def test_contact_is_set_once_and_shown_in_footer_and_contact_slot(tiny_site):
    site = tiny_site(valid_year())
    (site.docs / "vote.md").write_text(
        '# 网络投票\n\n<div class="award-contact-slot"></div>\n', encoding="utf-8"
    )
    site.build(extra=CONTACT)
    footer = site.html("index.html")
    footer = footer[footer.index('class="md-copyright award-footer"') :]
    for text in (
        "主办单位：深圳市市长质量奖评定委员会秘书处",
        "地址：深圳市福田区测试路1号",
        "电话：0755-00000000",
        "电子邮箱：mqa@example.test",
        "办公时间：工作日",
        "粤ICP备00000000号",
        "网站标识码：4403000000",
    ):
        assert text in footer, text
    vote = site.html("vote/index.html")
    box = vote[vote.index('<aside class="award-contact"') :]
    assert '<a href="tel:075500000000">0755-00000000</a>' in box
    assert '<a href="mailto:mqa@example.test">' in box
    assert "award-contact-slot" not in vote


def test_contact_fields_left_empty_are_not_shown(tiny_site):
    site = tiny_site(valid_year())
    site.build(extra={"contact": {"address": "", "phone": None}})
    footer = site.html("index.html")
    assert "深圳市市长质量奖评定委员会秘书处" in footer
    assert "地址：" not in footer and "电话：" not in footer


@pytest.mark.parametrize(
    ("contact", "message"),
    [
        ({"telephone": "1"}, "未知的键：telephone"),
        ({"email": "not-an-email"}, "不是电子邮箱地址"),
        ({"phone": "call us"}, "不像电话号码"),
        ("秘书处", "须是键值表"),
    ],
)
def test_bad_contact_stops_the_build_in_chinese(tiny_site, contact, message):
    site = tiny_site(valid_year())
    with pytest.raises(BuildFailed, match=message):
        site.build(extra={"contact": contact})


def test_banner_links_stay_on_the_site(tiny_site):
    site = tiny_site(valid_year(), {"2026-11-16-publicity.md": FORMAL})
    site.build()
    for path in ("index.html", "404.html", "notices/2026-11-16-publicity/index.html"):
        html = site.html(path)
        banner = re.findall(r'<p class="award-banner__item"[^>]*>\s*<a href="([^"]+)"', html)
        assert banner, path
        assert not any(href.startswith("//") or "://" in href for href in banner), banner


def test_home_page_lists_latest_notices_open_windows_and_closed_votes(tiny_site):
    site = tiny_site(valid_year(), {"2026-11-16-publicity.md": FORMAL})
    (site.docs / "index.md").write_text(
        '# 首页\n\n<div class="award-home-slot"></div>\n', encoding="utf-8"
    )
    site.build()
    html = site.html("index.html")
    news = html[html.index('<section class="award-home"') :]
    news = news[: news.index("</section>")]
    assert "最新公告" in news
    assert '<time datetime="2026-11-16">2026年11月16日</time>' in news
    assert '<a href="notices/2026-11-16-publicity/">2026年度拟奖名单公示</a>' in news
    windows = re.findall(r'<li class="award-home__window"[^>]*>(.*?)</li>', news)
    assert any("公示" in item and "2026-11-16-publicity" in item for item in windows)
    assert any("投票" in item and "vote/#ballot-" in item for item in windows)
    site.build(now="2026-12-20T10:00:00+08:00")  # every window has closed
    later = site.html("index.html")
    assert "投票结果" in later and 'data-ballot="' in later
    assert '<li class="award-home__window"' not in later


def test_year_page_puts_the_latest_list_first_open_and_folds_the_others(tiny_site):
    site = tiny_site(valid_year())
    site.build()
    html = site.html("awards/2026/index.html")
    folds = re.findall(r'<details class="award-stage"( open)?>\s*<summary>共(\d+)个', html)
    assert folds[0][0] == " open" and all(not opened for opened, _ in folds[1:])
    headings_order = re.findall(r'<h2 id="(stage-\w+)"', html)
    assert headings_order[0] == "stage-publicity" and headings_order[-1] == "stage-submission"
