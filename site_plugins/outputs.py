"""The site's machine-readable outputs: open data, RSS feed, iCalendar (status index: status_lookup)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from email.utils import format_datetime
from html import escape
from typing import Any

from award.content import Content
from award.models import AwardYear, Notice
from award.moments import to_moment
from award.stages import STAGE_ORDER
from award.windows import Window
from site_plugins.render import ballot_title


def year_json(year: AwardYear) -> str:
    """A year's public lists and the entrants on them as open data (scores are not published).

    Given the public view of a year (award/publication.py), it holds nothing before its notice.
    """
    data: dict[str, Any] = {
        "year": year.year,
        "demo": year.demo,
        "entrants": [
            {
                "id": e.id,
                "name": e.name,
                "credit_code": e.credit_code,
                "category": e.category.value,
                "category_label": e.category.label,
                "kind": e.kind.value,
                "project": e.project,
            }
            for e in year.entrants
        ],
        "stages": {
            stage.value: [
                {"entrant": entry.entrant}
                | ({"level": entry.level.value, "repeat": entry.repeat} if entry.level else {})
                for entry in year.stages[stage]
            ]
            for stage in STAGE_ORDER
            if stage in year.stages
        },
    }
    return json.dumps(data, ensure_ascii=False, indent=1)


def rss_feed(notices: list[Notice], site_url: str, title: str) -> str:
    """An RSS 2.0 feed of the notices, newest first."""
    base = site_url.rstrip("/")
    items = []
    for notice in notices:
        link = f"{base}/notices/{notice.id}/"
        published = format_datetime(to_moment(notice.meta.date).astimezone(UTC))
        items.append(
            "<item>"
            f"<title>{escape(notice.meta.title)}</title>"
            f"<link>{escape(link)}</link>"
            f'<guid isPermaLink="true">{escape(link)}</guid>'
            f"<pubDate>{published}</pubDate>"
            f"<category>{notice.meta.kind.label}</category>"
            "</item>"
        )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<rss version="2.0"><channel>'
        f"<title>{escape(title)} · 公示公告</title>"
        f"<link>{escape(base)}/notices/</link>"
        "<description>深圳市市长质量奖公示公告</description>"
        "<language>zh-cn</language>" + "".join(items) + "</channel></rss>\n"
    )


def _ics_text(text: str) -> str:
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def _ics_time(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def ics_calendar(events: list[tuple[str, str, Window, str]], stamp: datetime) -> str:
    """An iCalendar file of windows: (uid, summary, window, url) per event."""
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Shenzhen Mayor's Quality Award//windows//ZH",
        "CALSCALE:GREGORIAN",
        "X-WR-TIMEZONE:Asia/Shanghai",
    ]
    for uid, summary, window, url in events:
        lines += [
            "BEGIN:VEVENT",
            f"UID:{uid}",
            f"DTSTAMP:{_ics_time(stamp)}",
            f"DTSTART:{_ics_time(window.start)}",
            f"DTEND:{_ics_time(window.end)}",
            f"SUMMARY:{_ics_text(summary)}",
            f"DESCRIPTION:{_ics_text(window.describe())}",
            f"URL:{url}",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "\r\n".join(lines) + "\r\n"


def year_events(
    content: Content, year: AwardYear, site_url: str
) -> list[tuple[str, str, Window, str]]:
    """The windows of a year: its ballots and the publicity notices that belong to it."""
    base = site_url.rstrip("/")
    events = []
    for ballot in year.ballots:
        summary = ballot_title(year.year, ballot)
        url = f"{base}/vote/#ballot-{ballot.id}"
        events.append((f"ballot-{ballot.id}@szmqa", summary, ballot.window, url))
    for notice in content.notices:
        same_year = notice.meta.year == year.year and notice.meta.demo == year.demo
        if same_year and notice.window is not None:
            url = f"{base}/notices/{notice.id}/"
            events.append((f"notice-{notice.id}@szmqa", notice.meta.title, notice.window, url))
    return events
