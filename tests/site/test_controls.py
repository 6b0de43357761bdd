"""Every control on the vote, objection, follow-up and status pages can be seen and hit: a
boundary of at least 3:1, a focus ring, 16 px text and a 44 x 44 px target, at phone and laptop
size, measured from computed styles and boxes in Chromium."""

from __future__ import annotations

import os
from typing import Any

import pytest

from tests.site.accessibility import VIEWPORTS
from tests.site.controls import measure_controls, shortfalls
from tests.site.states import STATES
from tests.factories import NOW

pytestmark = pytest.mark.browser

#: The task pages in the states that show their controls (the phone ballot's number and SMS
#: boxes, the organisation's letter upload, the receipt's and the case's buttons).
CONTROL_STATES = [
    "vote",
    "vote-success",
    "objection-form",
    "objection-organisation",
    "objection-success",
    "follow-up",
    "status-result",
]


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
@pytest.mark.parametrize("state", CONTROL_STATES)
def test_controls_are_visible_focusable_readable_and_large_enough(
    page: Any, site_url: str, state: str, viewport: str
) -> None:
    width, height = VIEWPORTS[viewport]
    page.set_viewport_size({"width": width, "height": height})
    page.clock.set_fixed_time(NOW)
    STATES[state](page, site_url)
    records = measure_controls(page)
    if os.environ.get("SZMQA_CONTROLS_LOG"):  # the measurements, for reports
        with open(os.environ["SZMQA_CONTROLS_LOG"], "a", encoding="utf-8") as log:
            for record in records:
                log.write(f"{state}\t{viewport}\t{record}\n")
    assert records
    problems = [f"{r['name']}: {', '.join(shortfalls(r))}" for r in records if shortfalls(r)]
    assert not problems, "\n".join(problems)
