"""Refusals as JSON: a machine-readable code and a Chinese message a person can act on."""

from __future__ import annotations

import json
import logging
import sqlite3
import time

import psycopg
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, PlainTextResponse, Response
from sqlalchemy import exc
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import Send

from vote_api.core.db import is_outage, outage_detail, outage_kind

log = logging.getLogger("vote_api")

#: The body could not be read as JSON at all: not UTF-8, or nested past what is parsed.
BODY_UNREADABLE = "请求内容无法解析：须为 UTF-8 编码、层次不过深的有效 JSON，请检查后重新提交"

_FIELD_NAMES = {
    "candidates": "候选对象",
    "captcha_id": "验证码编号",
    "captcha_answer": "验证码",
    "receipt": "回执码",
}


class APIError(Exception):
    """A refusal with an HTTP status, a stable code and a message for the person."""

    def __init__(
        self, status: int, code: str, message: str, headers: dict[str, str] | None = None
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers or {}


def error_body(code: str, message: str) -> dict[str, str]:
    """The JSON body of every refusal."""
    return {"code": code, "message": message}


async def send_refusal(
    send: Send, status: int, code: str, message: str, retry_after: int | None = None
) -> None:
    """Send a refusal straight from an ASGI middleware (and close the connection)."""
    body = json.dumps(error_body(code, message), ensure_ascii=False).encode()
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
        (b"connection", b"close"),
    ]
    if retry_after is not None:
        headers.append((b"retry-after", str(retry_after).encode()))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


#: The database cannot be reached (a restart, a cut connection, a missing disk).
DATABASE_RETRY_AFTER = 5
DATABASE_UNAVAILABLE = (
    f"数据库暂时无法连接，本次请求没有完成。请约 {DATABASE_RETRY_AFTER} 秒后重试；"
    "重试投票时若提示已经投过票或验证码已使用，说明上一次已经记录，凭回执码查询即可"
)
#: One log line per kind of database failure per this many seconds, with a count of the rest.
OUTAGE_LOG_INTERVAL = 60.0


class OutageLog:
    """Logs a database failure once per kind a minute, counting the ones in between."""

    def __init__(self, interval: float = OUTAGE_LOG_INTERVAL) -> None:
        self.interval = interval
        self._last: dict[str, float] = {}
        self._since: dict[str, int] = {}

    def note(self, error: BaseException) -> None:
        """Count a failure; log it if its kind has had no line in the last interval."""
        kind = outage_kind(error)
        now = time.monotonic()
        last = self._last.get(kind)
        if last is not None and now - last < self.interval:
            self._since[kind] = self._since.get(kind, 0) + 1
            return
        more = self._since.pop(kind, 0)
        self._last[kind] = now
        log.warning(
            "database unavailable (%s): %s; %d more since the last line of this kind",
            kind,
            outage_detail(error),
            more,
        )


def database_unavailable(page: bool = False) -> Response:
    """The 503 of a request the database could not serve (plain text for a console page)."""
    headers = {"Retry-After": str(DATABASE_RETRY_AFTER)}
    if page:
        return PlainTextResponse(DATABASE_UNAVAILABLE, status_code=503, headers=headers)
    return JSONResponse(
        error_body("database_unavailable", DATABASE_UNAVAILABLE), status_code=503, headers=headers
    )


def _validation_message(error: RequestValidationError) -> str:
    parts = []
    for item in error.errors()[:5]:
        kind = item.get("type", "")
        if kind == "json_invalid":  # its location is a character position, not a field
            parts.append("请求内容：不是有效的 JSON，请检查格式后重新提交")
            continue
        loc = [str(p) for p in item.get("loc", ()) if p not in ("body", "query", "path")]
        field = ".".join(loc) or "请求"
        label = _FIELD_NAMES.get(loc[-1], field) if loc else field
        if kind == "missing":
            reason = "缺少此项"
        elif kind == "extra_forbidden":
            reason = "不接受此字段"
        elif kind.startswith(("string_too_long", "too_long")):
            reason = "内容过长"
        elif kind.startswith(("string_too_short", "too_short")):
            reason = "内容过短"
        elif kind in ("less_than_equal", "greater_than_equal", "less_than", "greater_than"):
            reason = "超出允许的范围"
        else:
            reason = "格式不正确"
        parts.append(f"{label}：{reason}")
    return "；".join(parts) or "请求格式不正确"


#: Refusals raised by the framework itself (its own messages are English).
_HTTP_REFUSALS = {
    400: ("body_unreadable", BODY_UNREADABLE),
    401: ("http_401", "需要登录凭证"),
    404: ("http_404", "请求的地址不存在"),
    405: ("http_405", "不支持此请求方法"),
}


def _http_refusal(error: StarletteHTTPException) -> tuple[str, str]:
    """The code and Chinese message of a framework refusal (a Chinese detail is kept)."""
    if error.status_code in _HTTP_REFUSALS:
        return _HTTP_REFUSALS[error.status_code]
    detail = error.detail if isinstance(error.detail, str) else ""
    chinese = any("\u4e00" <= ch <= "\u9fff" for ch in detail)
    return f"http_{error.status_code}", detail if chinese else "请求未被接受"


def install_error_handlers(app: FastAPI) -> None:
    """Make every refusal a JSON {code, message}; never leak a stack trace."""

    @app.exception_handler(APIError)
    async def _api_error(request: Request, error: APIError) -> JSONResponse:
        return JSONResponse(
            error_body(error.code, error.message), status_code=error.status, headers=error.headers
        )

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, error: RequestValidationError) -> JSONResponse:
        return JSONResponse(error_body("invalid_request", _validation_message(error)), 422)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, error: StarletteHTTPException) -> JSONResponse:
        code, message = _http_refusal(error)
        return JSONResponse(
            error_body(code, message),
            status_code=error.status_code,
            headers=getattr(error, "headers", None),
        )

    outages = OutageLog()

    async def _database(request: Request, error: Exception) -> Response:
        if not is_outage(error):
            return await _unexpected(request, error)
        outages.note(error)
        return database_unavailable(page=request.url.path.startswith("/admin"))

    # Handled here, not by the catch-all below (whose error the server logs again, traceback
    # and all): a database outage is one warning line per kind a minute, not one per request.
    for kind in (exc.DBAPIError, exc.TimeoutError, psycopg.Error, sqlite3.Error):
        app.add_exception_handler(kind, _database)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, error: Exception) -> JSONResponse:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return JSONResponse(error_body("server_error", "服务暂时出现问题，请稍后重试"), 500)
