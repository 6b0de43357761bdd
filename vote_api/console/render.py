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
from vote_api.core.audit import AuditAction
from vote_api.core.state import core_state

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

#: Every audit log action in Chinese (an entry whose code is unknown shows the code).
ACTION_LABELS: dict[AuditAction, str] = {
    AuditAction.CONSOLE_ENROL: "完成账户设置",
    AuditAction.CONSOLE_SIGN_IN: "登录",
    AuditAction.CONSOLE_SIGN_IN_FAILED: "登录失败",
    AuditAction.CONSOLE_SIGN_IN_LOCKED: "锁定期间尝试登录",
    AuditAction.CONSOLE_LOCK: "账户锁定",
    AuditAction.CONSOLE_SIGN_OUT: "退出登录",
    AuditAction.STAFF_ADD: "添加人员",
    AuditAction.STAFF_DISABLE: "停用账户",
    AuditAction.STAFF_RESET_2FA: "重置两步验证",
    AuditAction.TALLY_VIEW: "查看计票",
    AuditAction.ANOMALIES_VIEW: "查看异常聚类",
    AuditAction.VOTES_EXPORT: "导出选票",
    AuditAction.VOTE_INVALIDATE: "作废选票",
    AuditAction.CLUSTER_INVALIDATE: "作废异常聚类",
    AuditAction.OBJECTION_READ: "查看案件",
    AuditAction.OBJECTION_REVEAL: "查看异议人信息",
    AuditAction.OBJECTION_FILE_DOWNLOAD: "下载附件",
    AuditAction.OBJECTION_TRANSITION: "变更案件状态",
    AuditAction.OBJECTION_EXPORT: "导出案件清单",
    AuditAction.OBJECTION_PURGE: "清除个人信息",
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
    content = core_state(request.app).content
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
