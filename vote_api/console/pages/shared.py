"""What the console's page families share: form and query fields, redirects, done messages."""

from __future__ import annotations

from typing import Annotated

from fastapi import Form, Query
from fastapi.responses import RedirectResponse

from vote_api.console.guard import ConsoleRefusal
from vote_api.core.errors import APIError
from vote_api.voting.catalog import BallotCatalog, BallotEntry

FormText = Annotated[str | None, Form()]
QueryText = Annotated[str | None, Query()]
#: What the page says after an action succeeded (``?done=...``).
DONE = {
    "invalidated": "已作废该选票，理由已记入审计日志。",
    "cluster-invalidated": "已作废该聚类的全部有效选票，理由和涉及的选票编号已记入审计日志。",
    "moved": "案件状态已更新。",
    "enrolled": "设置完成，请用密码和验证器中的动态验证码登录。",
    "signed-out": "已退出登录。",
    "disabled": "已停用该账户，其登录会话已全部结束。",
}


def done_message(code: str | None) -> str | None:
    """The message of a ``?done=`` code (None for none or an unknown one)."""
    return DONE.get(code or "")


def see_other(location: str) -> RedirectResponse:
    """Go to ``location`` with a GET (after a POST)."""
    return RedirectResponse(location, status_code=303)


def ballot_entry(catalog: BallotCatalog, ballot_id: str) -> BallotEntry:
    """The ballot of an id, or the console's 404 page."""
    try:
        return catalog.get(ballot_id)
    except APIError as error:
        raise ConsoleRefusal(error.status, error.message) from None
