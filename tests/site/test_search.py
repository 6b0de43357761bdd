"""Site search in Chinese: the eligibility page comes first for the words people use for it,
through the synonyms configured in mkdocs.yml (search_synonyms of the award plugin)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from mkdocs.exceptions import PluginError

from site_plugins.search_terms import add_synonyms, check_synonyms

ELIGIBILITY = "guide/award/eligibility/"


def _search(page: Any, url: str, query: str) -> list[str]:
    """The result pages' addresses in their order for a query typed into the search box."""
    page.goto(f"{url}/")
    opener = "input.md-search__input, label.md-header__button[for='__search']"
    page.locator(opener).locator("visible=true").first.click()
    box = page.locator("input.md-search__input")
    box.fill(query)
    box.press("End")  # an input method confirms with a key-up, which the box listens to
    page.locator(".md-search-result__item").first.wait_for(timeout=60000)
    items = page.locator(".md-search-result__item > .md-search-result__link")
    return [items.nth(i).get_attribute("href") or "" for i in range(items.count())]


@pytest.mark.browser
@pytest.mark.parametrize("query", ["申报条件", "申奖条件"])
def test_search_puts_the_eligibility_page_in_the_top_three(
    page: Any, demo_site_url: str, query: str
) -> None:
    page.set_viewport_size({"width": 1366, "height": 900})
    results = _search(page, demo_site_url, query)
    assert any(ELIGIBILITY in href for href in results[:3]), results[:5]


def test_synonyms_go_to_the_sections_titled_with_the_term_only(tmp_path: Path) -> None:
    index = tmp_path / "search_index.json"
    docs = [
        {"location": "a/#c", "title": "（六）申奖\u200b条件", "text": "…"},
        {"location": "b/", "title": "申报\u200b材料", "text": "申奖条件 in text only"},
    ]
    index.write_text(json.dumps({"config": {}, "docs": docs}), encoding="utf-8")
    assert add_synonyms(index, {"申奖条件": ["申报条件"]}) == 1
    written = json.loads(index.read_text(encoding="utf-8"))["docs"]
    hidden = "<span hidden>申奖条件\u200b申奖条\u200b申报条件\u200b申报条</span>"
    assert written[0]["text"] == f"… {hidden}"
    assert written[1]["text"] == docs[1]["text"]


@pytest.mark.parametrize("raw", [["申报条件"], {"申奖条件": "申报条件"}, {"申奖条件": [""]}])
def test_malformed_synonyms_stop_the_build_in_chinese(raw: object) -> None:
    with pytest.raises(PluginError, match="search_synonyms"):
        check_synonyms(raw)


def test_configured_synonyms_reach_the_built_index(demo_site: Path) -> None:
    index = json.loads((demo_site / "search/search_index.json").read_text(encoding="utf-8"))
    texts = {doc["location"]: doc["text"] for doc in index["docs"]}
    assert "<span hidden>申奖条件\u200b申奖条\u200b申报条件" in texts[f"{ELIGIBILITY}#conditions"]
