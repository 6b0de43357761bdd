"""Rendering console pages: Jinja2 templates, security headers, the Chinese error page."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.templating import Jinja2Templates
from starlette.responses import Response

from award.moments import SHANGHAI
from vote_api.console.models import Role
from vote_api.console.sessions import Signed
from vote_api.state import app_state

TEMPLATES = Path(__file__).with_name("templates")
STATIC = Path(__file__).with_name("static")

#: Console pages load only from the console itself; nothing is framed, cached or referred.
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self' data:; "
        "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    ),
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
}

#: The audit log's actions in Chinese (an action not listed shows its code).
ACTION_LABELS = {
    "console.enrol": "完成账户设置",
    "console.sign_in": "登录",
    "console.sign_in_failed": "登录失败",
    "console.sign_in_locked": "锁定期间尝试登录",
    "console.lock": "账户锁定",
    "console.sign_out": "退出登录",
    "staff.add": "添加人员",
    "staff.disable": "停用账户",
    "staff.reset_2fa": "重置两步验证",
    "tally.view": "查看计票",
    "votes.export": "导出选票",
    "vote.invalidate": "作废选票",
    "objection.read": "查看案件",
    "objection.reveal": "查看异议人信息",
    "objection.file_download": "下载附件",
    "objection.transition": "变更案件状态",
    "objection.export": "导出案件清单",
    "objection.purge": "清除个人信息",
}

templates = Jinja2Templates(directory=str(TEMPLATES))


def _when(moment: datetime | None, pattern: str = "%Y-%m-%d %H:%M") -> str:
    return moment.astimezone(SHANGHAI).strftime(pattern) if moment is not None else ""


templates.env.filters["when"] = _when
templates.env.globals["Role"] = Role

NAV = (
    ("/admin/", "概览", Role.OBSERVER),
    ("/admin/ballots", "投票", Role.OBSERVER),
    ("/admin/objections", "异议案件", Role.HANDLER),
    ("/admin/audit", "审计日志", Role.OBSERVER),
    ("/admin/staff", "人员", Role.ADMIN),
)


def page(
    request: Request,
    template: str,
    *,
    signed: Signed | None = None,
    status: int = 200,
    **context: Any,
) -> Response:
    """A console page with the signed-in person, their menu and the security headers."""
    nav = [(href, label) for href, label, role in NAV if signed and signed.role.allows(role)]
    content = app_state(request.app).content
    response = templates.TemplateResponse(
        request,
        template,
        {
            "signed": signed,
            "nav": nav,
            "path": request.url.path,
            "demo": content.is_demo,
            "action_labels": ACTION_LABELS,
            **context,
        },
        status_code=status,
    )
    response.headers.update(SECURITY_HEADERS)
    return response


def error_page(request: Request, status: int, message: str) -> Response:
    """The console's refusal page (never a stack trace)."""
    signed = getattr(request.state, "signed", None)
    return page(request, "error.html", signed=signed, status=status, message=message)
