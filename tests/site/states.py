"""The site's pages in the states a person meets them, on the demo served by the vote service.

Shared by the accessibility, control and care-mode tests: each state is a function that opens
a page and brings it to the state (a form with an error, a vote cast, an objection filed).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from tests.conftest import ROOT, Clock
from tests.factories import CULTURE, IMAGE_ANSWER, NOW, SERVICE, known_answer
from vote_api.core.settings import Settings
from vote_api.main import create_app

#: The demo publicity open for objections at NOW, and GB 11643's own example number.
OBJECTION_NOTICE = "demo-2026-11-23-publicity"
VALID_ID_NUMBER = "11010519491231002X"
OBJECTION_ANSWER = IMAGE_ANSWER


def _go(path: str, ready: str = "article") -> Callable[[Any, str], None]:
    def visit(page: Any, url: str) -> None:
        page.goto(f"{url}{path}")
        page.locator(ready).first.wait_for()

    return visit


def _vote_error(page: Any, url: str) -> None:
    page.goto(f"{url}/vote/")
    section = page.locator(f"#ballot-{CULTURE}")
    section.get_by_role("button", name="投票", exact=True).click()
    section.locator(".vote-message--error").wait_for()


def _vote_success(page: Any, url: str) -> None:
    page.goto(f"{url}/vote/")
    section = page.locator(f"#ballot-{CULTURE}")
    section.locator("input[type=radio]").first.check()
    section.locator("img.vote-captcha__image").wait_for()
    section.get_by_label("输入验证码").fill(IMAGE_ANSWER)
    section.get_by_role("button", name="投票", exact=True).click()
    section.locator(".vote-message--success").wait_for()


def _objection_form(page: Any, url: str) -> None:
    page.goto(f"{url}/objection/?notice={OBJECTION_NOTICE}")
    page.wait_for_selector("#objection-captcha-image:not([hidden])")


def _objection_error(page: Any, url: str) -> None:
    _objection_form(page, url)
    page.locator("#objection-submit").click()
    page.wait_for_selector("#objection-errors:not([hidden])")


def _objection_success(page: Any, url: str) -> None:
    _objection_form(page, url)
    page.locator("#objection-entrant").select_option(index=1)
    page.locator("#objection-reasons input[type=checkbox]").first.check()
    page.locator("#objection-statement").fill(
        "该单位2025年6月发生较大安全生产责任事故，已受行政处罚。"
    )
    page.locator("#objection-name").fill("王公众")
    page.locator("#objection-id-number").fill(VALID_ID_NUMBER)
    page.locator("#objection-phone").fill("13700001111")
    page.locator("#objection-captcha-answer").fill(OBJECTION_ANSWER)
    page.locator("#objection-submit").click()
    page.wait_for_selector("#objection-done:not([hidden])")


def _objection_organisation(page: Any, url: str) -> None:
    _objection_form(page, url)
    page.locator("input[name=reporter_kind][value=organisation]").check()
    page.wait_for_selector("#objection-organisation:not([hidden])")


def _follow_up_error(page: Any, url: str) -> None:
    page.goto(f"{url}/follow-up/")
    page.locator("#follow-up-case").fill("26-AAAAAA")
    page.locator("#follow-up-key").fill("AAAAA-AAAAA-AAAAA-AAAAA")
    page.locator("#follow-up-form button[type=submit]").click()
    page.wait_for_selector("#follow-up-errors:not([hidden])")


def _status_result(page: Any, url: str) -> None:
    page.goto(f"{url}/status/")
    page.locator("#status-query").fill("鹏城示例精密电子有限公司（演示）")
    page.locator("#status-query").press("Enter")
    page.locator(".award-status").first.wait_for()


def _search_open(page: Any, url: str) -> None:
    page.goto(f"{url}/")
    opener = "input.md-search__input, label.md-header__button[for='__search']"
    page.locator(opener).locator("visible=true").first.click()
    page.locator("input.md-search__input").fill("答辩")
    page.locator("input.md-search__input").press("End")
    page.locator(".md-search-result__link").first.wait_for(timeout=60000)
    # The phone overlay fades and slides in: judge its colours once its transitions are over.
    running = "() => document.getAnimations().filter(a => a.playState === 'running').length"
    for _ in range(100):
        if page.evaluate(running) == 0:
            break
        page.wait_for_timeout(100)


STATES: dict[str, Callable[[Any, str], None]] = {
    "home": _go("/"),
    "guide": _go("/guide/process/"),
    "criteria": _go("/guide/criteria/non-economic/results/"),
    "notices": _go("/notices/"),
    "notice": _go(f"/notices/{OBJECTION_NOTICE}/"),
    "years": _go("/awards/"),
    "year": _go("/awards/demo-2026/"),
    "vote": _go("/vote/", f"#ballot-{SERVICE} .vote-phone input[type=tel]"),
    "vote-error": _vote_error,
    "vote-success": _vote_success,
    "objection-missing": _go("/objection/", "#objection-missing:not([hidden])"),
    "objection-form": _objection_form,
    "objection-error": _objection_error,
    "objection-organisation": _objection_organisation,
    "objection-success": _objection_success,
    "follow-up": _go("/follow-up/"),
    "follow-up-error": _follow_up_error,
    "status": _go("/status/"),
    "status-result": _status_result,
    "search": _search_open,
    "not-found": _go("/no-such-page/"),
}


def serve_demo(tmp_path: Path, demo_dir: Path, demo_site: Path, live_server: Any) -> str:
    """The demo site and the service from one app, at the moment a vote and a publicity are open."""
    settings = Settings(
        database_url=f"sqlite:///{tmp_path}/site.db",
        demo_dir=demo_dir,
        site_dir=demo_site,
        content_dir=ROOT / "docs",
        data_dir=tmp_path / "var",
        ratelimit_enabled=False,
    )
    app = create_app(settings, clock=Clock(NOW), captcha_answers=known_answer)
    return live_server(app).url
