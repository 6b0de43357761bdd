"""Refusals as JSON: a machine-readable code and a Chinese message a person can act on."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

log = logging.getLogger("vote_api")

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


def _validation_message(error: RequestValidationError) -> str:
    parts = []
    for item in error.errors()[:5]:
        loc = [str(p) for p in item.get("loc", ()) if p not in ("body", "query", "path")]
        field = ".".join(loc) or "请求"
        label = _FIELD_NAMES.get(loc[-1], field) if loc else field
        kind = item.get("type", "")
        if kind == "missing":
            reason = "缺少此项"
        elif kind == "extra_forbidden":
            reason = "不接受此字段"
        elif kind.startswith(("string_too_long", "too_long")):
            reason = "内容过长"
        elif kind.startswith(("string_too_short", "too_short")):
            reason = "内容过短"
        elif kind == "json_invalid":
            reason = "请求内容不是有效的 JSON"
        else:
            reason = "格式不正确"
        parts.append(f"{label}：{reason}")
    return "；".join(parts) or "请求格式不正确"


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
        messages = {404: "请求的地址不存在", 405: "不支持此请求方法", 401: "需要登录凭证"}
        message = (
            error.detail
            if isinstance(error.detail, str) and error.status_code not in messages
            else messages.get(error.status_code, "请求未被接受")
        )
        return JSONResponse(
            error_body(f"http_{error.status_code}", message),
            status_code=error.status_code,
            headers=getattr(error, "headers", None),
        )

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, error: Exception) -> JSONResponse:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return JSONResponse(error_body("server_error", "服务暂时出现问题，请稍后重试"), 500)
