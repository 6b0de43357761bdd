"""A Guangdong government site's conventions: the footer's filing fields and contact, 网站声明,
隐私政策 (retention from the service's own settings), 网站地图, 文号 on the demo's notices, and a
printed notice that names its public address and the channel for objections."""

from __future__ import annotations

import re
from typing import Any

import pytest

from szmqa.demo import DEMO_CONTACT
from tests.conftest import ROOT
from tests.content_files import FORMAL_PUBLICITY, valid_year
from tests.site.conftest import BuildFailed
from vote_api.core.settings import Settings

FILING = {
    "contact": {
        "sponsor": "深圳市市长质量奖评定委员会秘书处",
        "organizer": "深圳市某信息中心",
        "phone": "0755-00000000",
        "address": "深圳市福田区测试路1号",
        "email": "mqa@example.test",
        "icp": "粤ICP备00000000号",
        "police_record": "粤公网安备44030402000001号",
        "site_code": "4403000000",
    }
}


def _footer(html: str) -> str:
    return html[html.index('class="md-copyright award-footer"') :]


def _site_pages(site: Any) -> None:
    """The real 隐私政策 and 网站地图 pages (their slots are the plugin's), a stand-in 网站声明."""
    for name in ("privacy.md", "site-map.md"):
        (site.docs / name).write_text((ROOT / "docs" / name).read_text(encoding="utf-8"), "utf-8")
    (site.docs / "statement.md").write_text("# 网站声明\n", encoding="utf-8")


def test_footer_shows_every_filing_field_once_with_the_filing_sites_linked(tiny_site):
    site = tiny_site(valid_year())
    _site_pages(site)
    site.build(extra=FILING)
    footer = _footer(site.html("index.html"))
    for text in (
        "主办单位：深圳市市长质量奖评定委员会秘书处",
        "承办单位：深圳市某信息中心",
        "网站标识码：4403000000",
        "电话：0755-00000000",
        "地址：深圳市福田区测试路1号",
        "电子邮箱：mqa@example.test",
    ):
        assert footer.count(text) == 1, text
    assert re.search(r'<a href="https://beian.miit.gov.cn/"[^>]*>粤ICP备00000000号</a>', footer)
    police = re.search(r'<a href="([^"]+)"[^>]*>粤公网安备44030402000001号</a>', footer)
    assert police and police.group(1).startswith("https://beian.mps.gov.cn/")
    assert police.group(1).endswith("44030402000001")
    for link, title in (("statement/", "网站声明"), ("privacy/", "隐私政策"), ("site-map/", "网站地图")):
        assert f'<a href="{link}">{title}</a>' in footer
        assert (site.site / link / "index.html").exists()
    assert "示例" not in footer  # configured values are not the demo's examples


def test_a_police_record_without_its_number_stops_the_build_in_chinese(tiny_site):
    site = tiny_site(valid_year())
    with pytest.raises(BuildFailed, match="police_record 应含 10 至 20 位数字"):
        site.build(extra={"contact": {"police_record": "粤公网安备"}})


def test_privacy_page_states_the_service_retention_settings(tiny_site, monkeypatch):
    monkeypatch.setenv("SZMQA_OBJECTION_RETENTION_DAYS", "90")
    monkeypatch.setenv("SZMQA_VOTER_COOKIE_DAYS", "30")
    site = tiny_site(valid_year())
    _site_pages(site)
    site.build()
    html = site.html("privacy/index.html")
    assert "案件办结 90 天后清除" in html and "30 天后浏览器自动删除" in html
    assert "award-retention-slot" not in html


def test_privacy_page_of_the_demo_has_the_default_retention(demo_site):
    defaults = Settings(environment="development")
    html = (demo_site / "privacy/index.html").read_text(encoding="utf-8")
    assert f"案件办结 {defaults.objection_retention_days} 天后清除" in html
    assert f"{defaults.voter_cookie_days} 天后浏览器自动删除" in html
    assert f"{defaults.captcha_ttl_seconds // 60} 分钟后失效" in html


def test_site_map_lists_every_page_of_the_navigation_and_those_outside_it(demo_site):
    html = (demo_site / "site-map/index.html").read_text(encoding="utf-8")
    tree = html[html.index('<nav class="award-site-map"') :]
    tree = tree[: tree.index("</nav>")]
    links = set(re.findall(r'href="([^"]+)"', tree))
    for needed in (
        "../guide/award/eligibility/",
        "../guide/criteria/non-economic/results/",
        "../vote/",
        "../objection/",
        "../follow-up/",
        "../status/",
        "../statement/",
        "../privacy/",
        "../awards/",
        "../notices/",
    ):
        assert needed in links, needed
    for link in links:
        target = (demo_site / "site-map" / link).resolve()
        assert target.exists() or (target / "index.html").exists(), link


def test_demo_fills_the_footer_with_examples_said_to_be_examples(demo_site):
    footer = _footer((demo_site / "index.html").read_text(encoding="utf-8"))
    for field in ("organizer", "icp", "police_record", "site_code", "phone", "email", "address"):
        assert DEMO_CONTACT[field] in footer, field
    assert "以上联系方式、单位名称和备案编号为示例" in footer
    for notice in (demo_site / "notices").glob("demo-*/index.html"):
        assert re.search(r"深质奖秘〔\d{4}〕\d+号", notice.read_text(encoding="utf-8")), notice


def test_printed_notice_shows_its_public_address_and_objection_channel(tiny_site):
    site = tiny_site(valid_year(), {"2026-11-16-publicity.md": FORMAL_PUBLICITY})
    site.build(extra=FILING)
    html = site.html("notices/2026-11-16-publicity/index.html")
    assert "本页网址：https://example.test/notices/2026-11-16-publicity/" in html
    channel = re.search(r'<p class="award-print-only award-notice__channel">(.*?)</p>', html)
    assert channel, "no objection channel for print"
    text = channel.group(1)
    assert "https://example.test/objection/?notice=2026-11-16-publicity" in text
    assert "电话：0755-00000000" in text and "电子邮箱：mqa@example.test" in text


@pytest.mark.browser
def test_browser_print_shows_the_address_and_channel_and_hides_the_buttons(
    page: Any, demo_site_url: str
) -> None:
    page.goto(f"{demo_site_url}/notices/")
    page.locator("article a[href*='publicity']").first.click()
    page.locator(".award-notice__signature").wait_for()
    assert not page.locator(".award-notice__channel").is_visible()
    page.emulate_media(media="print")
    assert page.locator(".award-print-header").is_visible()
    assert "本页网址：http" in page.locator(".award-print-header").inner_text()
    assert page.locator(".award-notice__channel").is_visible()
    assert not page.get_by_role("link", name="提出异议").is_visible()
