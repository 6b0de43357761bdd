"""A local stand-in for the SMS gateways' HTTP APIs, and checks of the requests' signatures.

`FakeEndpoint` is an http.server on 127.0.0.1 in a thread: it records every request and
answers with what the test set (status, JSON body, optional delay). The signature checks
recompute Alibaba Cloud's ACS3-HMAC-SHA256 and Tencent Cloud's TC3-HMAC-SHA256 from the
request as received, with the secret the test gave the SDK, as the real gateways do.
"""

from __future__ import annotations

import hashlib
import hmac
import http.server
import json
import threading
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, quote, urlsplit


@dataclass
class Received:
    """One request as the endpoint received it."""

    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class Reply:
    """What the endpoint answers."""

    status: int = 200
    body: Any = field(default_factory=dict)
    delay: float = 0.0


class FakeEndpoint:
    """A recording HTTP server on 127.0.0.1, answering every request with `reply`."""

    def __init__(self) -> None:
        self.received: list[Received] = []
        self.reply = Reply()
        endpoint = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                parts = urlsplit(self.path)
                endpoint.received.append(
                    Received(
                        method="POST",
                        path=parts.path,
                        query=dict(parse_qsl(parts.query, keep_blank_values=True)),
                        headers={k.lower(): v for k, v in self.headers.items()},
                        body=self.rfile.read(length),
                    )
                )
                reply = endpoint.reply
                if reply.delay:
                    time.sleep(reply.delay)
                payload = json.dumps(reply.body).encode()
                try:
                    self.send_response(reply.status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                except OSError:
                    pass  # the client gave up waiting

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> FakeEndpoint:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()


def _hmac(key: bytes, message: str) -> bytes:
    return hmac.new(key, message.encode(), hashlib.sha256).digest()


def acs3_signature_valid(request: Received, access_key_id: str, secret: str) -> bool:
    """Whether the Authorization header is a valid ACS3-HMAC-SHA256 signature of `request`."""
    scheme, _, fields = request.headers.get("authorization", "").partition(" ")
    if scheme != "ACS3-HMAC-SHA256":
        return False
    parts = dict(item.split("=", 1) for item in fields.split(","))
    if parts.get("Credential") != access_key_id:
        return False
    signed = parts["SignedHeaders"].split(";")
    query = "&".join(f"{k}={quote(request.query[k], safe='~')}" for k in sorted(request.query))
    headers = "".join(f"{name}:{request.headers[name].strip()}\n" for name in signed)
    payload = hashlib.sha256(request.body).hexdigest()
    if request.headers.get("x-acs-content-sha256") != payload:
        return False
    canonical = "\n".join([request.method, request.path, query, headers, ";".join(signed), payload])
    to_sign = "ACS3-HMAC-SHA256\n" + hashlib.sha256(canonical.encode()).hexdigest()
    expected = hmac.new(secret.encode(), to_sign.encode(), hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, parts["Signature"])


def tc3_signature_valid(request: Received, secret_id: str, secret_key: str) -> bool:
    """Whether the Authorization header is a valid TC3-HMAC-SHA256 signature of `request`."""
    scheme, _, fields = request.headers.get("authorization", "").partition(" ")
    if scheme != "TC3-HMAC-SHA256":
        return False
    parts = dict(item.strip().split("=", 1) for item in fields.split(","))
    credential_id, date, service, terminator = parts["Credential"].split("/")
    if credential_id != secret_id or terminator != "tc3_request":
        return False
    signed = parts["SignedHeaders"].split(";")
    headers = "".join(f"{name}:{request.headers[name]}\n" for name in signed)
    payload = hashlib.sha256(request.body).hexdigest()
    canonical = "\n".join([request.method, request.path, "", headers, ";".join(signed), payload])
    to_sign = "\n".join(
        [
            "TC3-HMAC-SHA256",
            request.headers["x-tc-timestamp"],
            f"{date}/{service}/tc3_request",
            hashlib.sha256(canonical.encode()).hexdigest(),
        ]
    )
    key = _hmac(_hmac(_hmac(f"TC3{secret_key}".encode(), date), service), "tc3_request")
    expected = hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, parts["Signature"])
