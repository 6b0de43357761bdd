"""The site's own pages: the retention periods on 隐私政策 and the tree of pages on 网站地图."""

from __future__ import annotations

from html import escape
from typing import Any

from mkdocs.structure.nav import Navigation, Section
from mkdocs.structure.pages import Page
from mkdocs.utils import get_relative_url

RETENTION_SLOT = '<div class="award-retention-slot"></div>'
SITE_MAP_SLOT = '<div class="award-site-map-slot"></div>'
#: Pages left out of the navigation that the site map still lists, with their titles.
PAGES_OUTSIDE_NAV = (
    ("follow-up/", "异议查询"),
    ("statement/", "网站声明"),
    ("privacy/", "隐私政策"),
    ("notices/feed.xml", "公示公告 RSS 订阅"),
)


def retention_settings() -> Any:
    """The vote and objection service's settings, read from SZMQA_* as the service reads them.

    The build needs none of the service's keys, hence the development environment: only the
    retention periods are read.
    """
    from vote_api.core.settings import Settings

    return Settings(environment="development")


def retention_table() -> str:
    """What the vote and objection services keep and for how long, from their settings."""
    settings = retention_settings()
    minutes = max(1, settings.captcha_ttl_seconds // 60)
    rows = [
        (
            "投票标识 Cookie（按浏览器投票的投票）",
            "保存在您的浏览器中，经签名的随机标识；服务器只保存其密钥摘要",
            f"{settings.voter_cookie_days} 天后浏览器自动删除；您也可随时清除",
        ),
        (
            "选票",
            "所投候选对象、投票时间、回执码的 SHA-256 摘要，以及审查刷票所需的密钥摘要"
            "（网络地址段、浏览器标识、设备标识；手机号码投票另有号段前 3 位与地区段 4 位）",
            "作为投票记录长期保存，供结果复核；不含可直接识别个人的信息",
        ),
        (
            "手机号码（手机号码投票）",
            "只保存号码的密钥摘要，用于发送验证码和识别是否已投票；号码本身不保存",
            "摘要随选票保存",
        ),
        (
            "验证码",
            "答案只以密钥摘要保存",
            f"{minutes} 分钟后失效",
        ),
        (
            "异议人的实名信息、异议陈述、附件、秘书处的答复",
            "加密保存，仅秘书处办理人员可查看，仅用于核查本异议",
            f"案件办结 {settings.objection_retention_days} 天后清除",
        ),
        (
            "异议的办理记录",
            "案件编号、公示、被异议主体、理由类别、状态与日期；查询密钥只保存密钥摘要",
            "长期保存，作为办理记录",
        ),
    ]
    body = "".join(
        f'<tr><td data-label="信息">{escape(what)}</td><td data-label="怎样保存">{escape(how)}</td>'
        f'<td data-label="保存多久">{escape(until)}</td></tr>'
        for what, how, until in rows
    )
    return (
        '<div class="award-list-box"><table class="award-list award-retention">'
        "<caption>本站保存的信息与保存期限</caption>"
        '<thead><tr><th scope="col">信息</th><th scope="col">怎样保存</th>'
        '<th scope="col">保存多久</th></tr></thead>'
        f"<tbody>{body}</tbody></table></div>"
    )


def _items(items: list[Any], page: Page) -> str:
    parts = []
    for item in items:
        if isinstance(item, Section):
            parts.append(f"<li>{escape(item.title)}{_items(item.children, page)}</li>")
        elif getattr(item, "url", None) is not None:
            href = get_relative_url(item.url, page.url) if item.is_page else item.url
            title = item.title or ""
            parts.append(f'<li><a href="{escape(href)}">{escape(title)}</a></li>')
            if item.is_page and item.children:
                parts[-1] = parts[-1][: -len("</li>")] + _items(item.children, page) + "</li>"
    return f"<ul>{''.join(parts)}</ul>" if parts else ""


def site_map(nav: Navigation | None, page: Page) -> str:
    """Every page of the navigation as nested lists, then the pages outside it."""
    tree = _items(list(nav.items), page) if nav is not None else ""
    others = "".join(
        f'<li><a href="{escape(get_relative_url(url, page.url))}">{escape(title)}</a></li>'
        for url, title in PAGES_OUTSIDE_NAV
    )
    return f'<nav class="award-site-map" aria-label="网站地图">{tree}<ul>{others}</ul></nav>'
