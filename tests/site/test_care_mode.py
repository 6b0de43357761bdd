"""关怀模式: a switch on every page, remembered by the browser, that makes text 1.25 times as
large, line spacing at least 1.5, text and lines darker and controls larger; controls keep
every threshold and axe stays clean with it on."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from tests.site.accessibility import VIEWPORTS, blocking
from tests.site.controls import measure_controls, shortfalls
from tests.site.states import STATES
from tests.factories import NOW

#: Text measured before and after: the page's running text, its title, hint text, the footer.
_TEXT = {
    "body": "article p",
    "title": "article h1",
    "hint": "article .vote-hint",
    "footer": ".md-footer-meta .award-footer__line",
    "banner": ".md-banner__inner p",
}
_MEASURE = """
(selectors) => {
  const out = {};
  for (const [name, selector] of Object.entries(selectors)) {
    const el = document.querySelector(selector);
    if (!el) continue;
    const style = getComputedStyle(el);
    out[name] = { font: parseFloat(style.fontSize), line: parseFloat(style.lineHeight),
                  color: style.color };
  }
  out.controls = [...document.querySelectorAll("article input, article select, article button")]
    .filter((el) => el.getBoundingClientRect().height > 2 && el.type !== "radio")
    .map((el) => el.getBoundingClientRect().height);
  out.care = document.documentElement.classList.contains("award-care");
  out.pressed = document.querySelector("[data-award-care]").getAttribute("aria-pressed");
  return out;
}
"""


def _contrast_on_white(colour: str) -> float:
    channels = [float(v) for v in re.findall(r"[\d.]+", colour)]
    alpha = channels[3] if len(channels) > 3 else 1.0
    rgb = [(c * alpha + 255 * (1 - alpha)) / 255 for c in channels[:3]]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
    luminance = 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    return 1.05 / (luminance + 0.05)


def test_every_page_has_the_switch_and_applies_the_choice_before_it_paints(demo_site: Path):
    pages = list(demo_site.rglob("*.html"))
    assert len(pages) > 30
    for page in pages:
        html = page.read_text(encoding="utf-8")
        assert html.count("data-award-care") == 1, page
        head = html[: html.index("</head>")]
        assert 'localStorage.getItem("award-care")' in head, page


@pytest.mark.browser
@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_care_mode_enlarges_text_spacing_contrast_and_controls_and_is_remembered(
    page: Any, site_url: str, viewport: str
) -> None:
    page.set_viewport_size(dict(zip(("width", "height"), VIEWPORTS[viewport], strict=True)))
    page.clock.set_fixed_time(NOW)
    STATES["vote"](page, site_url)
    before = page.evaluate(_MEASURE, _TEXT)
    assert not before["care"] and before["pressed"] == "false"
    page.get_by_role("button", name="关怀模式").click()
    page.wait_for_timeout(200)
    after = page.evaluate(_MEASURE, _TEXT)
    assert after["care"] and after["pressed"] == "true"
    for name in _TEXT:
        if name not in before:
            continue
        assert after[name]["font"] >= 1.25 * before[name]["font"] - 0.01, (name, before, after)
        assert after[name]["line"] >= 1.5 * after[name]["font"], (name, after[name])
    assert _contrast_on_white(after["body"]["color"]) > _contrast_on_white(before["body"]["color"])
    assert _contrast_on_white(after["hint"]["color"]) >= 7, after["hint"]
    assert len(after["controls"]) == len(before["controls"]) > 5
    for small, large in zip(before["controls"], after["controls"], strict=True):
        assert large >= 1.15 * small, (before["controls"], after["controls"])

    page.reload()
    page.locator("article").wait_for()
    again = page.evaluate(_MEASURE, _TEXT)
    assert again["care"] and again["pressed"] == "true"  # remembered by this browser
    page.get_by_role("button", name="关怀模式").click()
    page.reload()
    page.locator("article").wait_for()
    off = page.evaluate(_MEASURE, _TEXT)
    assert not off["care"] and off["body"]["font"] == before["body"]["font"]


def _care_on(page: Any) -> None:
    page.add_init_script("localStorage.setItem('award-care', 'on')")


@pytest.mark.browser
@pytest.mark.parametrize("viewport", list(VIEWPORTS))
@pytest.mark.parametrize("state", ["vote", "objection-organisation", "follow-up", "status-result"])
def test_care_mode_controls_keep_every_threshold_with_20_px_text(
    page: Any, site_url: str, state: str, viewport: str
) -> None:
    page.set_viewport_size(dict(zip(("width", "height"), VIEWPORTS[viewport], strict=True)))
    page.clock.set_fixed_time(NOW)
    _care_on(page)
    STATES[state](page, site_url)
    assert page.evaluate("document.documentElement.classList.contains('award-care')")
    records = measure_controls(page)
    problems = [
        f"{r['name']}: {', '.join(shortfalls(r, min_font=20))}"
        for r in records
        if shortfalls(r, min_font=20)
    ]
    assert not problems, "\n".join(problems)
    assert page.evaluate("document.documentElement.scrollWidth") <= VIEWPORTS[viewport][0]


@pytest.mark.browser
@pytest.mark.parametrize(
    "state", ["home", "notice", "year", "vote", "objection-form", "follow-up", "status-result"]
)
def test_care_mode_accessibility_no_serious_or_critical_violation(
    page: Any, site_url: str, state: str
) -> None:
    page.set_viewport_size(dict(zip(("width", "height"), VIEWPORTS["phone"], strict=True)))
    page.clock.set_fixed_time(NOW)
    _care_on(page)
    STATES[state](page, site_url)
    assert blocking(page) == []
