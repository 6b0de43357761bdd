"""Markdown for the award's generated pages: stage lists, notices, year pages."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, datetime
from html import escape

from award.categories import Category
from award.content import Content
from award.lists import stage_entries
from award.models import AwardYear, Ballot, Notice, NoticeKind
from award.prizes import award_remark
from award.stages import LEVELLED_STAGES, STAGE_ORDER, Stage
from award.windows import Window, WindowState

DEMO_ADMONITION = (
    '!!! warning "演示数据"\n\n'
    "    本页所示名单、公告和投票均为虚构的演示数据，不代表任何真实评定结果。\n\n"
)


def ballot_title(year: int, ballot: Ballot) -> str:
    """A ballot's title as the site shows it: its own, or the year, category and stage."""
    return ballot.title or f"{year}年度{ballot.category.label}社会评价网络投票"


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


#: Columns that are short and must never wrap (序号, 类型, 等次).
SHORT_COLUMNS = {"序号", "类型", "等次"}


def _row(cells: list[tuple[str, str]]) -> str:
    """A table row whose cells carry their column name, so a phone can show each row as a card."""
    parts = []
    for label, text in cells:
        classes = []
        if label in SHORT_COLUMNS:
            classes.append("award-list__short")
        if text in ("", "—"):
            classes.append("award-list__empty")
        attribute = f' class="{" ".join(classes)}"' if classes else ""
        parts.append(f'<td data-label="{label}"{attribute}>{escape(text)}</td>')
    return "<tr>" + "".join(parts) + "</tr>"


def _head(labels: list[str]) -> str:
    cells = []
    for label in labels:
        short = ' class="award-list__short"' if label in SHORT_COLUMNS else ""
        cells.append(f'<th scope="col"{short}>{label}</th>')
    return f"<thead><tr>{''.join(cells)}</tr></thead>"


def stage_table(year: AwardYear, stage: Stage, category: Category | None = None) -> str:
    """A stage's list as HTML tables, one per category under an h3 (the page's h2 names the stage)."""
    parts: list[str] = []
    categories = [category] if category else list(Category)
    levelled = stage in LEVELLED_STAGES
    labels = ["序号", "申报主体", "类型", "项目名称"]
    if levelled:
        labels += ["等次", "备注"]
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
                    award_remark(entry, entrant),
                ]
            body.append(_row(list(zip(labels, cells, strict=True))))
        caption = f"{year.year}年度{cat.label}{stage.list_label}（共{len(rows)}个）"
        parts.append(
            f"<h3>{cat.label}</h3>\n"
            '<div class="award-list-box">'
            f'<table class="award-list">\n<caption>{escape(caption)}</caption>\n{_head(labels)}\n'
            "<tbody>\n" + "\n".join(body) + "\n</tbody>\n</table></div>"
        )
    return "\n".join(parts) if parts else "<p>本阶段名单暂未公布。</p>"


def year_page(year: AwardYear) -> str:
    """The page of an award year for citizens: the latest published list first and open, each
    earlier stage's list folded under its heading, with its count, until it is opened."""
    lines = [f"# {year.year}年度名单", ""]
    if year.demo:
        lines.append(DEMO_ADMONITION)
    published = [s for s in reversed(STAGE_ORDER) if year.stages.get(s)]
    if not published:
        lines.append("本年度名单暂未公布。")
    lines.append(
        f"开放数据：[{year.slug}.json]({year.slug}.json) · "
        f"日程（iCalendar）：[{year.slug}.ics]({year.slug}.ics)\n"
    )
    if published:
        lines += ['<nav class="award-year-toc" aria-label="按评审环节" markdown>', ""]
        lines += ["**按评审环节（最新在前）：**", ""]
        lines += [
            f"- [{stage.list_label}](#stage-{stage.value})（{len(year.stages[stage])}个）"
            for stage in published
        ]
        lines += ["", "</nav>", ""]
    for index, stage in enumerate(published):
        count = len(year.stages[stage])
        latest = index == 0
        note = "（最新公布）" if latest else ""
        lines += [
            f"## {stage.list_label}{note} {{ #stage-{stage.value} }}",
            "",
            f'<details class="award-stage"{" open" if latest else ""}>',
            f"<summary>共{count}个 · 点击展开或收起</summary>",
            list_slot(year.slug, stage),
            "</details>",
            "",
        ]
    return "\n".join(lines)


def years_index(content: Content, *, corrections_page: bool = False) -> str:
    """The index of award years, newest first, saying that publishing every list is the site's own."""
    see = "（见[编校说明](../guide/corrections.md#site-procedures)）" if corrections_page else ""
    lines = [
        "# 年度名单",
        "",
        "本栏公布各评审环节的名单，供申报组织查询；《申报指引》规定公示的是拟奖名单，"
        f"其余各环节名单的公布是本站的做法{see}。",
        "",
    ]
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


def chinese_date(day: date) -> str:
    """A date as the site writes every date: 2026年11月23日."""
    return f"{day.year}年{day.month}月{day.day}日"


def notices_index(notices: Iterable[Notice], now: datetime) -> str:
    """The notices section's index as a table, newest first, with each open window marked."""
    notices = list(notices)
    lines = ["# 公示公告", "", "订阅：[RSS](feed.xml)", ""]
    if any(n.meta.demo for n in notices):
        lines.append(DEMO_ADMONITION)
    if not notices:
        lines.append("暂无公告。")
        return "\n".join(lines) + "\n"
    rows = []
    for notice in notices:
        meta = notice.meta
        state = window_state_span(notice.window, now) if notice.window is not None else ""
        number = (
            f'<br><span class="award-notices__number">{cell(meta.number)}</span>'
            if meta.number
            else ""
        )
        rows.append(
            "<tr>"
            f'<td data-label="日期" class="award-list__short">'
            f'<time datetime="{meta.date.isoformat()}">{chinese_date(meta.date)}</time></td>'
            f'<td data-label="类型" class="award-list__short">{meta.kind.label}</td>'
            f'<td data-label="标题"><a href="{notice.id}/">{cell(meta.title)}</a>{state}{number}</td>'
            "</tr>"
        )
    lines += [
        '<div class="award-list-box">',
        '<table class="award-list award-notices">',
        "<caption>公示公告（按发布日期从新到旧）</caption>",
        '<thead><tr><th scope="col" class="award-list__short">发布日期</th>'
        '<th scope="col" class="award-list__short">类型</th><th scope="col">标题</th></tr></thead>',
        "<tbody>",
        *rows,
        "</tbody>",
        "</table>",
        "</div>",
    ]
    return "\n".join(lines) + "\n"


def notice_page(
    content: Content,
    notice: Notice,
    body: str,
    *,
    vote_page: bool,
    issuer: str,
    site_url: str = "",
    contact_lines: Iterable[tuple[str, str]] = (),
) -> str:
    """A notice as a government notice reads: title, 文号, text, issuing body and date, its list."""
    meta = notice.meta
    lines = [f"# {meta.title}", ""]
    if meta.number:
        lines += [f'<p class="award-notice__number">{cell(meta.number)}</p>', ""]
    if meta.demo:
        lines.append(DEMO_ADMONITION)
    facts = [f"发布日期：{chinese_date(meta.date)}"]
    if notice.window is not None:
        facts.append(window_line(notice))
    lines += [
        '<div class="award-notice-facts" markdown>',
        "",
        "  \n".join(facts),
        "",
        "</div>",
        "",
        '<div class="award-notice__body" markdown>',
        "",
        body.strip(),
        "",
        "</div>",
        "",
        '<div class="award-notice__signature">',
        f"<p>{cell(meta.issuer or issuer)}</p>",
        f'<p><time datetime="{meta.date.isoformat()}">{chinese_date(meta.date)}</time></p>',
        "</div>",
        "",
    ]
    year = content.year_of(notice)
    if year is not None and meta.stage is not None:
        title = meta.category.label if meta.category else ""
        lines += [
            f"## {title}{meta.stage.list_label}",
            "",
            list_slot(year.data.slug, meta.stage, meta.category),
            "",
        ]
    if meta.ballots and vote_page:
        titles = {ballot.id: ballot_title(year, ballot) for year, ballot in content.ballots()}
        lines += ["## 网络投票", ""]
        lines += [
            f'- <a href="../../vote/#ballot-{escape(ballot_id)}">'
            f"{escape(titles.get(ballot_id) or ballot_id)}</a>"
            for ballot_id in meta.ballots
        ]
        lines.append("")
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
            print_channel(notice, site_url, contact_lines),
            "",
        ]
    lines += [
        '<p class="award-notice__tools">'
        '<button type="button" class="md-button" data-award-print hidden>打印本公告</button></p>',
        "",
    ]
    return "\n".join(lines)


def print_channel(notice: Notice, site_url: str, contact_lines: Iterable[tuple[str, str]]) -> str:
    """For print only: where and how to report an objection, as full addresses and numbers."""
    form = f"{site_url.rstrip('/')}/objection/?notice={notice.id}"
    ways = [f"网上提出：{form}"] + [
        f"{label}：{text}" for label, text in contact_lines if label in ("地址", "电话", "电子邮箱")
    ]
    return (
        '<p class="award-print-only award-notice__channel">异议受理渠道：'
        + "；".join(cell(way) for way in ways)
        + "。</p>"
    )


OPEN_PUBLICITIES_SLOT = '<div class="award-open-publicities-slot"></div>'


def open_publicities(notices: Iterable[Notice], now: datetime) -> str:
    """The publicities that take objections and are not yet closed, as links to their form.

    Each item carries its window, so the browser shows only the ones open at the moment.
    """
    items = []
    for notice in notices:
        window = notice.window
        if not notice.meta.objections or window is None:
            continue
        if window.state(now) is WindowState.CLOSED:
            continue
        items.append(
            f'<li class="award-open-publicities__item" data-window-start="{window.start.isoformat()}"'
            f' data-window-end="{window.end.isoformat()}">'
            f'<a href="?notice={escape(notice.id)}">{escape(notice.meta.title)}</a>'
            f"（{escape(window_line(notice))}）</li>"
        )
    empty = '<p class="award-open-publicities__empty">目前没有正在公示、开放异议的名单。</p>'
    return f'<ul class="award-open-publicities">{"".join(items)}</ul>{empty}'
