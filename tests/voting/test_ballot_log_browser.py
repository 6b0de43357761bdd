"""The vote page checks a receipt's place in the ballot log in Chromium, and notices tampering.

A person votes on the page and looks the receipt up: the browser hashes the leaf, walks the
proof to the signed checkpoint's root and checks the Ed25519 signature (Web Crypto; the
vendored TweetNaCl where Web Crypto lacks Ed25519). A leaf changed in the database after the
checkpoint makes the same check fail, in Chinese.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from sqlalchemy import text

from tests.factories import CULTURE, site_service
from tests.voting.test_vote_browser import cast
from vote_api.core.state import core_state

pytestmark = pytest.mark.browser

#: Makes Web Crypto refuse Ed25519, as a browser without it would.
NO_ED25519 = """
const importKey = crypto.subtle.importKey.bind(crypto.subtle);
crypto.subtle.importKey = (format, data, algorithm, ...rest) =>
  (algorithm && (algorithm.name || algorithm) === "Ed25519")
    ? Promise.reject(new DOMException("not supported", "NotSupportedError"))
    : importKey(format, data, algorithm, ...rest);
"""


@pytest.fixture
def served(
    tmp_path: Path, demo_dir: Path, demo_site: Path, live_server: Any
) -> tuple[FastAPI, str]:
    """The built demo site and the vote service from one app, and its address."""
    app = site_service(tmp_path, demo_dir, demo_site)
    return app, live_server(app).url


def vote_and_check(page: Any, url: str) -> Any:
    """Vote on the culture ballot, then look the receipt up; return the log check's box."""
    page.goto(f"{url}/vote/")
    message = cast(page, CULTURE, "深圳示例图书馆（演示）")
    message.get_by_text("投票成功").wait_for()
    receipt = message.locator(".vote-receipt").inner_text()
    return receipt, look_up(page, receipt)


def look_up(page: Any, receipt: str) -> Any:
    """Type the receipt into the lookup form and wait for the log check's verdict."""
    page.get_by_label("回执码").fill(receipt)
    page.get_by_role("button", name="查询").click()
    box = page.locator("#receipt-log")
    box.filter(has_text="浏览器核对").wait_for()
    return box


def test_ballot_log_browser_receipt_verified_with_web_crypto(
    page: Any, served: tuple[FastAPI, str]
) -> None:
    _, url = served
    _, box = vote_and_check(page, url)
    text = box.inner_text()
    assert "浏览器核对通过" in text and "第 0 条记录" in text and "Web Crypto" in text
    assert "vote-message--success" in (box.get_attribute("class") or "")


def test_ballot_log_browser_vendored_verifier_where_web_crypto_lacks_ed25519(
    page: Any, served: tuple[FastAPI, str]
) -> None:
    _, url = served
    page.add_init_script(NO_ED25519)
    _, box = vote_and_check(page, url)
    assert "浏览器核对通过" in box.inner_text() and "浏览器内置程序" in box.inner_text()


def test_ballot_log_browser_tampered_leaf_fails_the_check(
    page: Any, served: tuple[FastAPI, str]
) -> None:
    app, url = served
    receipt, box = vote_and_check(page, url)
    assert "浏览器核对通过" in box.inner_text()
    with core_state(app).db.engine.begin() as connection:  # an insider, after the checkpoint
        connection.execute(text("DROP TRIGGER ballot_log_leaf_no_update"))
        connection.execute(
            text("UPDATE ballot_log_leaf SET data = replace(data, '\"CU01\"', '\"CU02\"')")
        )
    page.reload()
    box = look_up(page, receipt)
    box.filter(has_text="未通过").wait_for()
    assert "根哈希与签名检查点不符" in box.inner_text()
    assert "vote-message--error" in (box.get_attribute("class") or "")
