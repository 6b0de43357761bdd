"""The site's guide against its source: every difference is one the corrections page lists."""

from __future__ import annotations

import re
from difflib import SequenceMatcher

import pytest

from award.guide_quotes import (
    APPROVAL,
    BY_CATEGORY,
    CANDIDATES,
    GOLD_AGAIN,
    GOLD_REAPPLY,
    GROUP_BUSINESS,
    PUBLICITY,
    SAME_LEVEL_AGAIN,
    SOCIAL_EVALUATION,
    STATE_FUNDED,
)
from award.history import GOLD_REAPPLY_READING
from tests.award.guide_text import (
    CORRECTIONS,
    GUIDE,
    SOURCE,
    Change,
    guide_text,
    listed_changes,
    normalise,
    page_markdown,
    rendered,
    site_text,
    source_text,
)
from tests.conftest import ROOT
from tests.site.test_guide import load_nav, nav_pages

#: Pages that are the site's own arrangement of the guide (each says so at its top).
SITE_OWN_PAGES = ("system/forms.md", "preparation/scoring.md")
FIGURE_MARKERS = (
    "原文此处为截图，本站未收录",
    "原文此处为图示，本站未收录",
    "原文此处为图示，以下是图中可辨认的文字",
)
FORMS_SECTION = "据截图整理的申报表"


def guide_pages() -> list[str]:
    """The guide's pages in the site's navigation order, relative to docs/guide."""
    pages = [p.removeprefix("guide/") for p in nav_pages(load_nav()) if p.startswith("guide/")]
    return [p for p in pages if p != "corrections.md"]


def tokens(text: str) -> list[str]:
    return re.split(r"(?<=[。;:?!])", text)


def differences(expected: str, shown: str, most: int = 12) -> list[str]:
    """The places where the site differs from the corrected source, each with some context."""
    a, b = tokens(expected), tokens(shown)
    found = []
    for op, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op != "equal":
            before = "".join(a[max(0, i1 - 1) : i1])[-30:]
            found.append(
                f"…{before}｜原文：{''.join(a[i1:i2])[:300]!r}｜本站：{''.join(b[j1:j2])[:300]!r}"
            )
    return found[:most]


@pytest.fixture(scope="module")
def changes() -> list[Change]:
    return listed_changes()


def corrected_source(changes: list[Change], *, spans: bool = True) -> str:
    """The normalised source with the listed changes made: corrections first, then the spans
    (whole screenshots and diagrams) that a marker replaces."""
    text = source_text()
    for change in changes:
        if not change.is_span:
            text = change.apply(text)
    for change in changes:
        if change.is_span and spans:
            text = change.apply(text)
    return text


def test_the_source_copy_is_the_shared_source():
    for folder in (ROOT.parent, ROOT.parent.parent):
        shared = folder / "shared" / "source" / SOURCE.name
        if shared.is_file():
            assert shared.read_bytes() == SOURCE.read_bytes()


def test_the_guide_differs_from_its_source_only_where_the_corrections_page_says(changes):
    pages = [p for p in guide_pages() if p not in SITE_OWN_PAGES]
    found = differences(corrected_source(changes), site_text(pages))
    assert not found, "编校说明未列出的差异：\n" + "\n".join(found)


def test_every_listed_change_is_a_change(changes):
    for change in changes:
        assert change.original != change.site, change.row


def test_the_corrections_page_states_its_count_of_changes(changes):
    text = CORRECTIONS.read_text(encoding="utf-8")
    stated = re.search(r"共列出 (\d+) 处改动", text)
    assert stated, "编校说明应写明所列改动的总数"
    assert int(stated.group(1)) == len(changes)


def test_each_lost_figure_is_marked_where_it_was_and_listed(changes):
    markers = [normalise(marker) for marker in FIGURE_MARKERS]
    listed = sum(marker in change.site for change in changes for marker in markers)
    shown = 0
    for page in guide_pages():
        text = normalise(guide_text(rendered(page_markdown(page))))
        shown += sum(text.count(marker) for marker in markers)
    assert listed >= 20 and shown == listed


def test_every_field_of_the_forms_page_is_in_the_screenshots_text(changes):
    """The forms page is the site's own table, but each field name comes from the guide."""
    screenshots = corrected_source(changes, spans=False)
    fields = []
    for table in rendered(page_markdown("system/forms.md")).find("table"):
        rows = table.find("tr")
        if [c.text() for c in rows[0].children if not isinstance(c, str)][:1] != ["栏目"]:
            continue
        fields += [
            next(c for c in row.children if not isinstance(c, str)).text() for row in rows[1:]
        ]
    assert len(fields) > 40
    missing = [field for field in fields if normalise(field) not in screenshots]
    assert not missing, missing
    assert any(change.section == FORMS_SECTION for change in changes)


def test_site_own_pages_say_so_at_their_top():
    for page in SITE_OWN_PAGES:
        first = next(
            node
            for node in rendered(page_markdown(page)).children
            if not isinstance(node, str) and node.tag != "h1"
        )
        assert "admonition" in first.classes, page
        assert first.text().strip().startswith("本站整理"), page


def test_the_false_entry_about_step_5_is_gone_and_step_5_is_shown():
    corrections = CORRECTIONS.read_text(encoding="utf-8")
    assert "原文缺5）" not in corrections and "原文缺 5）" not in corrections
    steps = normalise(guide_text(rendered(page_markdown("system/steps.md"))))
    assert "5)进入第二个界面" in steps


@pytest.mark.parametrize(
    "sentence",
    [
        CANDIDATES,
        PUBLICITY,
        APPROVAL,
        GOLD_AGAIN,
        GOLD_REAPPLY,
        SAME_LEVEL_AGAIN,
        STATE_FUNDED,
        GROUP_BUSINESS,
        SOCIAL_EVALUATION,
        BY_CATEGORY,
    ],
)
def test_every_sentence_the_rules_quote_is_the_guides(sentence, changes):
    assert normalise(sentence) in corrected_source(changes)


def test_the_reading_of_three_years_is_stated_with_the_sentence_it_reads():
    page = normalise(guide_text(rendered(page_markdown(CORRECTIONS.name))))
    assert normalise(GOLD_REAPPLY) in page and normalise(GOLD_REAPPLY_READING) in page


def test_guide_pages_exist():
    for page in guide_pages():
        assert (GUIDE / page).is_file(), page


def test_a_one_character_change_is_found(changes):
    pages = [p for p in guide_pages() if p not in SITE_OWN_PAGES]
    shown = site_text(pages)
    changed = shown.replace("秘书处予以网上签收", "秘书处予以网上签署", 1)
    assert changed != shown
    found = differences(corrected_source(changes), changed)
    assert len(found) == 1 and "签收" in found[0] and "签署" in found[0], found
