"""The home page's news: the latest notices, the windows open now, the results of closed votes."""

from __future__ import annotations

from datetime import datetime
from html import escape

from award.content import Content
from award.windows import WindowState
from site_plugins.render import ballot_title, chinese_date, window_state_span

HOME_SLOT = '<div class="award-home-slot"></div>'
#: How many notices the home page lists under 最新公告.
LATEST = 5


def home_news(content: Content, now: datetime) -> str:
    """HTML for the home page: 最新公告, 正在进行 (kept current in the browser), 投票结果."""
    parts = ['<section class="award-home" aria-labelledby="award-home-latest">']
    parts.append('<h2 id="award-home-latest">最新公告</h2>')
    notices = list(content.notices)[:LATEST]
    if notices:
        parts.append('<ul class="award-home__notices">')
        for notice in notices:
            state = window_state_span(notice.window, now) if notice.window is not None else ""
            parts.append(
                f'<li><time datetime="{notice.meta.date.isoformat()}">'
                f"{chinese_date(notice.meta.date)}</time> "
                f'<a href="notices/{escape(notice.id)}/">{escape(notice.meta.title)}</a>{state}</li>'
            )
        parts.append("</ul>")
        parts.append('<p><a href="notices/">全部公示公告</a></p>')
    else:
        parts.append("<p>暂无公告。</p>")

    parts.append("<h2>正在进行</h2>")
    windows = []
    for year, ballot in content.ballots():
        if ballot.window.state(now) is not WindowState.CLOSED:
            title = ballot_title(year, ballot)
            windows.append((title, f"vote/#ballot-{ballot.id}", ballot.window, "投票"))
    for notice in content.notices:
        window = notice.window
        if window is not None and window.state(now) is not WindowState.CLOSED:
            windows.append((notice.meta.title, f"notices/{notice.id}/", window, "公示"))
    parts.append('<ul class="award-home__windows">')
    for title, href, window, kind in windows:
        parts.append(
            f'<li class="award-home__window" data-window-start="{window.start.isoformat()}" '
            f'data-window-end="{window.end.isoformat()}">'
            f'{kind}：<a href="{escape(href)}">{escape(title)}</a>，{escape(window.describe())}</li>'
        )
    parts.append("</ul>")
    parts.append('<p class="award-home__none">目前没有正在进行的投票或公示。</p>')

    closed = [
        (year, ballot)
        for year, ballot in content.ballots()
        if ballot.window.state(now) is WindowState.CLOSED
    ]
    if closed:
        parts.append("<h2>投票结果</h2>")
        parts.append('<ul class="award-home__results">')
        for year, ballot in sorted(closed, key=lambda pair: pair[1].closes, reverse=True):
            title = ballot_title(year, ballot)
            parts.append(
                f'<li data-ballot="{escape(ballot.id)}"><a href="vote/#ballot-{escape(ballot.id)}">'
                f"{escape(title)}</a>（已于{chinese_date(ballot.window.last_day)}截止）"
                '<span class="award-home__tally" aria-live="polite"></span></li>'
            )
        parts.append("</ul>")
    parts.append("</section>")
    return "\n".join(parts)
