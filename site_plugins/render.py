"""Markdown for the award's generated pages: stage lists, notices, year pages."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime
from html import escape

from award.categories import Category
from award.content import Content
from award.lists import stage_entries
from award.models import AwardYear, Notice, NoticeKind
from award.stages import LEVELLED_STAGES, STAGE_ORDER, Stage
from award.windows import Window, WindowState

DEMO_ADMONITION = (
    '!!! warning "演示数据"\n\n'
    "    本页所示名单、公告和投票均为虚构的演示数据，不代表任何真实评定结果。\n\n"
)


def cell(text: str) -> str:
    """Text made safe for a Markdown table cell."""
    return escape(text).replace("|", "&#124;")


def list_slot(year: str, stage: Stage, category: Category | None = None) -> str:
    """A placeholder the plugin replaces with the list's HTML once the page is rendered.

    Long lists go in after Markdown and search indexing: neither has to parse thousands of
    table cells (a site with 1,000 notices builds several times faster), and entrants are
    found with the status lookup rather than through the search index every visitor loads.
    """
    return f'<div class="award-list-slot" data-list="{year}/{stage.value}/{category.value if category else ""}"></div>'


SLOT = re.compile(r'<div class="award-list-slot" data-list="([\w-]+)/(\w+)/(\w*)"></div>')


def fill_list_slots(html: str, content: Content, cache: dict[str, str]) -> str:
    """Replace every list placeholder in a rendered page with the list's tables (cached)."""

    def replace(match: re.Match[str]) -> str:
        key = match.group(0)
        if key not in cache:
            item = content.year_by_slug(match.group(1))
            category = Category(match.group(3)) if match.group(3) else None
            cache[key] = stage_table(item.data, Stage(match.group(2)), category) if item else ""
        return cache[key]

    return SLOT.sub(replace, html)


def stage_table(year: AwardYear, stage: Stage, category: Category | None = None) -> str:
    """A stage's list as HTML tables, one per category, with a heading for each."""
    parts: list[str] = []
    categories = [category] if category else list(Category)
    levelled = stage in LEVELLED_STAGES
    head = "<th>序号</th><th>申报主体</th><th>类型</th><th>项目名称</th>"
    if levelled:
        head += "<th>等次</th><th>备注</th>"
    for cat in categories:
        rows = stage_entries(year, stage, cat)
        if not rows:
            continue
        body = []
        for index, (entry, entrant) in enumerate(rows, start=1):
            cells = [str(index), entrant.name, entrant.kind.label, entrant.project or "—"]
            if levelled:
                cells += [
                    entry.level.label if entry.level else "",
                    "再次获得同一等次，不占名额" if entry.repeat else "",
                ]
            body.append("<tr>" + "".join(f"<td>{escape(c)}</td>" for c in cells) + "</tr>")
        parts.append(
            f"<h4>{cat.label}</h4>\n"
            f'<div class="md-typeset__table"><table class="award-list">\n<thead><tr>{head}</tr></thead>\n'
            "<tbody>\n" + "\n".join(body) + "\n</tbody>\n</table></div>"
        )
    return "\n".join(parts) if parts else "<p>本阶段名单暂未公布。</p>"


def year_page(year: AwardYear) -> str:
    """The page of an award year: each published stage's list by category."""
    lines = [f"# {year.year}年度名单", ""]
    if year.demo:
        lines.append(DEMO_ADMONITION)
    published = [s for s in STAGE_ORDER if year.stages.get(s)]
    if not published:
        lines.append("本年度名单暂未公布。")
    lines.append(
        f"开放数据：[{year.slug}.json]({year.slug}.json) · "
        f"日程（iCalendar）：[{year.slug}.ics]({year.slug}.ics)\n"
    )
    for stage in published:
        lines += [f"## {stage.label}名单", "", list_slot(year.slug, stage), ""]
    return "\n".join(lines)


def years_index(content: Content) -> str:
    """The index of award years, newest first."""
    lines = ["# 年度名单", ""]
    if any(item.data.demo for item in content.years):
        lines.append(DEMO_ADMONITION)
    if not content.years:
        lines.append("暂无已公布的年度名单。")
    for item in sorted(content.years, key=lambda i: i.data.year, reverse=True):
        reached = [s.label for s in STAGE_ORDER if item.data.stages.get(s)]
        latest = f"（已公布至：{reached[-1]}）" if reached else ""
        demo = "（演示）" if item.data.demo else ""
        lines.append(f"- [{item.data.year}年度{demo}]({item.data.slug}.md){latest}")
    return "\n".join(lines) + "\n"


def window_line(notice: Notice) -> str:
    """The notice's window in words, e.g. 公示期：2026年11月20日至11月26日（5个工作日）."""
    if notice.window is None:
        return ""
    label = "公示期" if notice.meta.kind is NoticeKind.PUBLICITY else "期限"
    return f"{label}：{notice.window.describe()}"


WINDOW_STATE_TEXT = {
    WindowState.UPCOMING: "未开始",
    WindowState.OPEN: "进行中",
    WindowState.CLOSED: "已结束",
}


def window_state_span(window: Window, now: datetime) -> str:
    """The window's state as HTML that the browser keeps current (see windows.js)."""
    return (
        f'<span class="award-window-state" data-window-start="{window.start.isoformat()}" '
        f'data-window-end="{window.end.isoformat()}">（{WINDOW_STATE_TEXT[window.state(now)]}）</span>'
    )


def notices_index(notices: Iterable[Notice], now: datetime) -> str:
    """The notices section's index, newest first, with each open window marked."""
    notices = list(notices)
    lines = ["# 公示公告", "", "订阅：[RSS](feed.xml)", ""]
    if any(n.meta.demo for n in notices):
        lines.append(DEMO_ADMONITION)
    if not notices:
        lines.append("暂无公告。")
    for notice in notices:
        state = window_state_span(notice.window, now) if notice.window is not None else ""
        lines.append(
            f"- {notice.meta.date:%Y-%m-%d} {notice.meta.kind.label}："
            f"[{cell(notice.meta.title)}]({notice.id}.md){state}"
        )
    return "\n".join(lines) + "\n"


def notice_page(content: Content, notice: Notice, body: str, *, vote_page: bool) -> str:
    """A notice's Markdown: its date and window, its text, the list it publishes, how to object."""
    meta = notice.meta
    lines = [f"# {meta.title}", ""]
    if meta.demo:
        lines.append(DEMO_ADMONITION)
    facts = [f"发布日期：{meta.date.year}年{meta.date.month}月{meta.date.day}日"]
    if notice.window is not None:
        facts.append(window_line(notice))
    lines += [
        '<div class="award-notice-facts" markdown>',
        "",
        "  \n".join(facts),
        "",
        "</div>",
        "",
        body.strip(),
        "",
    ]
    year = content.year_of(notice)
    if year is not None and meta.stage is not None:
        title = meta.category.label if meta.category else ""
        lines += [
            f"## {title}{meta.stage.label}名单",
            "",
            list_slot(year.data.slug, meta.stage, meta.category),
            "",
        ]
    if meta.ballots and vote_page:
        lines += ["## 网络投票", "", "请前往[网络投票](../vote.md)页面参与投票。", ""]
    if meta.objections and notice.window is not None:
        lines += [
            "## 异议受理",
            "",
            f"公示期间（{notice.window.span_text()}），对拟奖名单有异议的，"
            "请实名提出并说明理由，匿名异议不予受理。",
            "",
            f'<a class="md-button md-button--primary" href="../../objection/?notice={notice.id}">'
            "提出异议</a>",
            "",
        ]
    return "\n".join(lines)
