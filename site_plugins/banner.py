"""The banner of open windows (votes, publicity) shown on every page."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from award.content import Content
from award.moments import SHANGHAI, is_midnight
from award.windows import Window, WindowState
from site_plugins.render import ballot_title


@dataclass(frozen=True)
class BannerItem:
    """One window the banner may announce; the browser shows it only while it is open."""

    text: str
    href: str
    start: str
    end: str
    end_text: str
    open_at_build: bool


def _item(text: str, href: str, window: Window, now: datetime) -> BannerItem:
    end = window.end.astimezone(SHANGHAI)
    if is_midnight(end):
        last = window.last_day
        end_text = f"至{last.year}年{last.month}月{last.day}日"
    else:
        end_text = f"截止 {end.year}年{end.month}月{end.day}日 {end:%H:%M}"
    return BannerItem(
        text=text,
        href=href,
        start=window.start.isoformat(),
        end=window.end.isoformat(),
        end_text=end_text,
        open_at_build=window.state(now) is WindowState.OPEN,
    )


def banner_items(content: Content, now: datetime) -> list[BannerItem]:
    """Every window not yet closed at build time: open ones shown, upcoming ones kept hidden."""
    items: list[BannerItem] = []
    for year, ballot in content.ballots():
        if ballot.window.state(now) is not WindowState.CLOSED:
            title = ballot_title(year, ballot)
            items.append(_item(f"{title}进行中", f"vote/#ballot-{ballot.id}", ballot.window, now))
    for notice in content.notices:
        window = notice.window
        if window is not None and window.state(now) is not WindowState.CLOSED:
            items.append(
                _item(f"{notice.meta.title}（公示中）", f"notices/{notice.id}/", window, now)
            )
    return items
