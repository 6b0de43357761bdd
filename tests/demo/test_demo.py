"""The demo award year: valid on any day the calendar knows, with open, closed and upcoming windows."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest

from award.content import load_content
from award.moments import SHANGHAI
from award.windows import WindowState
from szmqa.demo import write_demo


@pytest.mark.parametrize(
    "today", [date(2026, 1, 20), date(2026, 2, 12), date(2026, 9, 30), date(2026, 11, 24)]
)
def test_demo_is_valid_with_windows_around_today(tmp_path, today):
    content = load_content([write_demo(tmp_path, today)], allow_demo=True)
    noon = datetime.combine(today, time(12), tzinfo=SHANGHAI)
    states = {ballot.id.split("-")[1]: ballot.window.state(noon) for _, ballot in content.ballots()}
    assert states == {
        "culture": WindowState.OPEN,
        "social": WindowState.OPEN,
        "ecology": WindowState.CLOSED,
        "management": WindowState.UPCOMING,
    }
    publicity = [n for n in content.notices if n.meta.objections]
    assert len(publicity) == 1 and publicity[0].window.state(noon) is WindowState.OPEN
    assert content.is_demo


def test_demo_names_are_all_marked(tmp_path):
    content = load_content([write_demo(tmp_path, date(2026, 11, 24))], allow_demo=True)
    year = content.years[0].data
    assert year.demo and all(e.name.endswith("（演示）") for e in year.entrants)
    assert all(n.meta.demo and n.meta.title.startswith("【演示】") for n in content.notices)
