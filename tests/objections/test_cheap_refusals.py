"""The filing checks captcha, notice and window before it reads (or keeps) the upload body."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from tests.factories import ANSWER, NOTICE, PDF, Env, individual

BOUNDARY = "szmqa-boundary"
CHUNK = 64 * 1024
#: 105 MiB offered; a cheap refusal reads none of it.
OFFERED_CHUNKS = 105 * 16


def _send_big_upload(env: Env, headers: dict[str, str], fields_first: dict[str, str]) -> Any:
    """Call the app directly with a body that streams 105 MiB; return (status, body, chunks read)."""
    head = b""
    for name, value in fields_first.items():
        head += (
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
        ).encode()
    head += (
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="evidence"; '
        f'filename="big.pdf"\r\nContent-Type: application/pdf\r\n\r\n'
    ).encode() + PDF
    read = 0
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        nonlocal read
        read += 1
        if read == 1:
            return {"type": "http.request", "body": head, "more_body": True}
        return {"type": "http.request", "body": b"\0" * CHUNK, "more_body": read < OFFERED_CHUNKS}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    raw_headers = [
        (b"host", b"testserver"),
        (b"content-type", f"multipart/form-data; boundary={BOUNDARY}".encode()),
        *((k.lower().encode(), v.encode()) for k, v in headers.items()),
    ]
    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST",
        "scheme": "http", "path": f"/api/notices/{NOTICE}/objections", "raw_path": b"",
        "query_string": b"", "headers": raw_headers, "client": ("127.0.0.9", 5000),
        "server": ("testserver", 80), "root_path": "",
    }  # fmt: skip
    # In a thread of its own: Playwright's sync API may hold an event loop in this one.
    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(asyncio.run, env.app(scope, receive, send)).result()
    status = next(m["status"] for m in sent if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return status, body.decode(), read


def test_cheap_refusals_fake_captcha_in_headers_refused_before_the_body(env: Env) -> None:
    status, body, read = _send_big_upload(
        env, {"X-Captcha-Id": "fake-captcha-id", "X-Captcha-Answer": "AAAAA"}, {}
    )
    assert status == 400, body
    assert "captcha_invalid" in body
    assert read == 0  # not a byte of the 105 MiB was read
    env.assert_nothing_stored()


def test_cheap_refusals_fake_captcha_in_first_fields_refused_before_the_files(env: Env) -> None:
    fields = {"captcha_id": "fake-captcha-id", "captcha_answer": "AAAAA"}
    status, body, read = _send_big_upload(env, {}, fields)
    assert status == 400, body
    assert "captcha_invalid" in body
    assert read <= 2  # the first chunk (fields, file head), no more
    env.assert_nothing_stored()


def test_cheap_refusals_file_before_captcha_refused(env: Env) -> None:
    status, body, read = _send_big_upload(env, {}, {"entrant": "E01"})
    assert status == 422, body
    assert "须放在附件之前" in body
    assert read <= 2
    env.assert_nothing_stored()


def test_cheap_refusals_closed_window_refused_before_the_captcha(make_env: Any) -> None:
    from datetime import datetime

    from award.moments import SHANGHAI

    env = make_env()
    captcha_id = env.objection_captcha()
    env.clock.moment = datetime(2027, 6, 1, 10, 0, tzinfo=SHANGHAI)
    status, body, read = _send_big_upload(
        env, {"X-Captcha-Id": captcha_id, "X-Captcha-Answer": ANSWER}, {}
    )
    assert status == 403, body
    assert read == 0


def test_cheap_refusals_captcha_in_headers_files_a_case(env: Env) -> None:
    headers = {"X-Captcha-Id": env.objection_captcha(), "X-Captcha-Answer": ANSWER}
    response = env.client.post(
        f"/api/notices/{NOTICE}/objections",
        data=individual(),
        files=[("evidence", ("处罚决定书.pdf", PDF, "application/pdf"))],
        headers=headers,
    )
    assert response.status_code == 201, response.text
    again = env.client.post(
        f"/api/notices/{NOTICE}/objections",
        data=individual(),
        files=[("evidence", ("处罚决定书.pdf", PDF, "application/pdf"))],
        headers=headers,
    )
    assert again.status_code == 400  # used up
    assert again.json()["code"] == "captcha_invalid"
