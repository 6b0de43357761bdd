"""The body is capped while it streams: oversize uploads are refused before they are buffered.

These drive the app at the ASGI level (httpx's ASGITransport pulls the request body lazily,
chunk by chunk, as a real server does), so the test can count how much of the body the app
ever asked for, and measure the memory it allocated meanwhile.
"""

from __future__ import annotations

import asyncio
import tracemalloc
from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest

from tests.factories import ANSWER, NOTICE, PDF, Apps, Env, individual

MiB = 1024 * 1024
CHUNK = 64 * 1024
BOUNDARY = "----szmqa-stream-boundary"


class Body:
    """A multipart body produced chunk by chunk, counting what the server pulled."""

    def __init__(self, fields: dict[str, Any], files: list[tuple[str, bytes, int]]) -> None:
        self.fields = fields
        self.files = files  # (file name, first bytes, total size)
        self.sent = 0
        self.finished = False

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for chunk in self._chunks():
            self.sent += len(chunk)
            yield chunk
        self.finished = True

    def _chunks(self):
        for key, value in self.fields.items():
            for item in value if isinstance(value, list) else [value]:
                yield (
                    f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n'
                    f"{item}\r\n"
                ).encode()
        for name, head, size in self.files:
            yield (
                f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="evidence"; '
                f'filename="{name}"\r\nContent-Type: application/pdf\r\n\r\n'
            ).encode()
            yield head
            remaining = size - len(head)
            while remaining > 0:
                step = min(CHUNK, remaining)
                yield b"x" * step
                remaining -= step
            yield b"\r\n"
        yield f"--{BOUNDARY}--\r\n".encode()


@pytest.fixture
def make_env(make_objection_env: Apps) -> Apps:
    """The objection tests' apps: their small caps are what a streamed body meets."""
    return make_objection_env


async def _post(env: Env, body: Body, headers: dict[str, str] | None = None) -> httpx.Response:
    transport = httpx.ASGITransport(app=env.app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        captcha = await client.post(
            "/api/captchas", json={"purpose": "objection", "target": NOTICE, "kind": "image"}
        )
        body.fields["captcha_id"] = captcha.json()["captcha_id"]
        tracemalloc.start()
        try:
            response = await client.post(
                f"/api/notices/{NOTICE}/objections",
                content=body,
                headers={
                    "Content-Type": f"multipart/form-data; boundary={BOUNDARY}",
                    **(headers or {}),
                },
            )
            body.peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
        return response


def run(coroutine: Any) -> httpx.Response:
    """Run a coroutine on its own loop (in a thread: another test may hold the main one)."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def _fields() -> dict[str, Any]:
    return {**individual(), "captcha_answer": ANSWER}


def test_oversize_file_refused_while_streaming_with_memory_bounded(env: Env) -> None:
    limit = env.settings.objection_max_file_bytes  # 256 KiB in the tests
    body = Body(_fields(), [("大文件.pdf", PDF, 16 * MiB)])  # 64 times the limit
    response = run(_post(env, body))
    assert response.status_code == 413, response.text
    assert response.json()["code"] in ("file_too_large", "request_too_large")
    assert not body.finished
    assert body.sent < limit + 4 * CHUNK  # stopped right after the limit, not at the end
    assert body.peak < 2 * MiB, body.peak  # never near the 16 MiB sent
    env.assert_nothing_stored()


def test_oversize_chunked_request_refused_while_streaming(make_env: Apps) -> None:
    # Each file is within its own limit; together they pass the request's 600 KiB cap.
    env = make_env(objection_max_request_bytes=600 * 1024)
    files = [(f"证据{i}.pdf", PDF, 250 * 1024) for i in range(3)]
    body = Body(_fields(), files)
    response = run(_post(env, body))
    assert response.status_code == 413, response.text
    assert response.json()["code"] == "request_too_large"
    assert "MB" in response.json()["message"]
    assert not body.finished
    assert body.sent < 600 * 1024 + 2 * CHUNK
    env.assert_nothing_stored()


def test_declared_length_over_the_cap_refused_before_reading(env: Env) -> None:
    body = Body(_fields(), [("证据.pdf", PDF, 4 * MiB)])
    response = run(_post(env, body, headers={"Content-Length": str(4 * MiB + 2048)}))
    assert response.status_code == 413
    assert response.json()["code"] == "request_too_large"
    assert body.sent == 0
    env.assert_nothing_stored()


def test_body_within_the_limits_is_accepted_when_streamed(env: Env) -> None:
    body = Body(_fields(), [("证据.pdf", PDF, 200 * 1024)])
    response = run(_post(env, body))
    assert response.status_code == 201, response.text
    assert body.finished
    [row] = env.file_rows()
    assert row.size == 200 * 1024
