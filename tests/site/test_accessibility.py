"""axe-core over every page type at laptop and phone size, forms in their states: no serious or
critical violation. The site is served by the vote service, as ./run.sh serves it."""

from __future__ import annotations

import os
from typing import Any

import pytest

from tests.site.accessibility import VIEWPORTS, blocking
from tests.factories import NOW
from tests.site.states import STATES

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
@pytest.mark.parametrize("state", list(STATES))
def test_accessibility_no_serious_or_critical_violation(
    page: Any, site_url: str, state: str, viewport: str
) -> None:
    width, height = VIEWPORTS[viewport]
    page.set_viewport_size({"width": width, "height": height})
    if state != "search":  # the search box's debounced input needs a running clock
        page.clock.set_fixed_time(NOW)
    STATES[state](page, site_url)
    found = blocking(page)
    if os.environ.get("SZMQA_AXE_LOG"):  # the counts per page type, for reports
        with open(os.environ["SZMQA_AXE_LOG"], "a", encoding="utf-8") as log:
            log.write(f"{state}\t{viewport}\t{len(found)}\t{'; '.join(found)}\n")
    assert found == []
