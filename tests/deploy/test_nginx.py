"""deploy/: nginx (deploy/nginx/szmqa.conf as it stands) in front of 2 workers started by the
systemd unit's own uvicorn command, with PostgreSQL and Redis.

Only the values the file marks as the site's own are replaced (name, certificate, addresses,
log path). Each security header comes once, the CSP is the service's, the access log keeps
no receipt code, enrolment token or phone number, slow heads are cut off, and bodies past
the cap are refused by nginx.
"""

from __future__ import annotations

import os
import shlex
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import time
from collections.abc import Iterator
from configparser import ConfigParser
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from uvicorn.importer import import_from_string

from tests.conftest import missing
from tests.factories import CULTURE, IMAGE_ANSWER, ROOT, free_port
from tests.migrations.databases import postgres_schema
from vote_api.core.serving import HeadGuard, server_limits

DEPLOY = ROOT / "deploy"
NGINX_CONF = DEPLOY / "nginx" / "szmqa.conf"
UNIT = DEPLOY / "systemd" / "szmqa.service"
SECURITY_HEADERS = (
    "content-security-policy",
    "x-content-type-options",
    "x-frame-options",
    "referrer-policy",
    "strict-transport-security",
)
PHONE = "13800138000"


def unit_value(name: str, section: str = "Service") -> str:
    """A value of the systemd unit."""
    parser = ConfigParser(interpolation=None, strict=False)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read_string(UNIT.read_text(encoding="utf-8"))
    return parser[section][name]


def test_the_unit_checks_before_it_starts_and_runs_the_readme_limits() -> None:
    pre = shlex.split(unit_value("ExecStartPre"))
    env_file = unit_value("EnvironmentFile")
    assert pre[1:] == ["doctor", "--env-file", env_file] and pre[0].endswith("/szmqa")
    start = shlex.split(unit_value("ExecStart"))
    assert "vote_api.main:app_from_environment" in start and "--no-proxy-headers" in start
    limits = server_limits()
    protocol = import_from_string(start[start.index("--http") + 1])  # as uvicorn resolves it
    assert protocol is HeadGuard and issubclass(limits["http"], protocol)
    size = start[start.index("--h11-max-incomplete-event-size") + 1]
    assert int(size) == limits["h11_max_incomplete_event_size"]
    assert int(start[start.index("--timeout-keep-alive") + 1]) == limits["timeout_keep_alive"]
    assert int(start[start.index("--limit-concurrency") + 1]) == limits["limit_concurrency"]
    assert unit_value("RestartPreventExitStatus") == "3"  # a start failure is not retried
    assert unit_value("UMask") == "0077"


def test_the_daily_backup_leaves_the_keys_out_and_reads_the_services_settings() -> None:
    backup = DEPLOY / "systemd" / "szmqa-backup.service"
    text = backup.read_text(encoding="utf-8")
    assert f"EnvironmentFile={unit_value('EnvironmentFile')}" in text
    assert "szmqa backup /srv/backup/" in text and "--keys none" in text
    assert "OnCalendar=" in (DEPLOY / "systemd" / "szmqa-backup.timer").read_text(encoding="utf-8")


def wait_for_port(port: int, process: subprocess.Popen[bytes], seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"exited with {process.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"nothing answered on port {port}")


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def service_command(port: int) -> list[str]:
    """The unit's ExecStart, with this Python, a free port and the tests' fixed-clock factory."""
    words = shlex.split(unit_value("ExecStart"))
    words[0:1] = [sys.executable, "-m", "uvicorn"]
    words[words.index("vote_api.main:app_from_environment")] = "tests.asgi:app"
    words[words.index("--port") + 1] = str(port)
    return words


def site_config(folder: Path, service_port: int, https: int, http: int) -> Path:
    """deploy/nginx/szmqa.conf with its marked values set for this machine, in a main config."""
    text = NGINX_CONF.read_text(encoding="utf-8")
    for old, new in (
        ("server 127.0.0.1:8000;", f"server 127.0.0.1:{service_port};"),
        ("listen 443 ssl http2;", f"listen 127.0.0.1:{https} ssl http2;"),
        ("listen [::]:443 ssl http2;", ""),
        ("listen 80;", f"listen 127.0.0.1:{http};"),
        ("listen [::]:80;", ""),
        ("/etc/ssl/szmqa/fullchain.pem", str(folder / "cert.pem")),
        ("/etc/ssl/szmqa/privkey.pem", str(folder / "key.pem")),
        ("/var/log/nginx/szmqa-access.log", str(folder / "access.log")),
    ):
        assert old in text, old
        text = text.replace(old, new)
    (folder / "szmqa.conf").write_text(text, encoding="utf-8")
    user = "user root root;\n" if os.getuid() == 0 else ""
    temp = "\n".join(
        f"    {kind}_temp_path {folder / kind};"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    main = folder / "nginx.conf"
    main.write_text(
        f"{user}daemon off;\nworker_processes 1;\npid {folder / 'nginx.pid'};\n"
        f"error_log {folder / 'error.log'} warn;\nevents {{ worker_connections 256; }}\n"
        f"http {{\n{temp}\n    include {folder / 'szmqa.conf'};\n}}\n",
        encoding="utf-8",
    )
    return main


@dataclass
class Deployment:
    """nginx on https and http in front of the service."""

    https: str
    http: str
    service: str
    log: Path


@pytest.fixture(scope="module")
def deployment(
    tmp_path_factory: pytest.TempPathFactory,
    demo_dir: Path,
    demo_site: Path,
    postgres_url: str,
    redis_url: str,
) -> Iterator[Deployment]:
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    if not Path(nginx).exists():
        missing("nginx is not installed (./test.sh installs Debian's nginx as root)")
    folder = tmp_path_factory.mktemp("nginx")
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-subj", "/CN=szmqa.example.gov.cn", "-keyout", str(folder / "key.pem"),
         "-out", str(folder / "cert.pem")],
        check=True, capture_output=True,
    )  # fmt: skip
    service_port, https, http = free_port(), free_port(), free_port()
    with postgres_schema(postgres_url) as database:
        env = {k: v for k, v in os.environ.items() if not k.startswith("SZMQA_")}
        env |= {
            "PYTHONPATH": str(ROOT),
            "WEB_CONCURRENCY": "2",
            "SZMQA_DATABASE_URL": database,
            "SZMQA_RATELIMIT_STORAGE_URI": redis_url,
            "SZMQA_TRUSTED_PROXIES": "127.0.0.1",
            "SZMQA_SITE_DIR": str(demo_site),
            "SZMQA_DEMO_DIR": str(demo_dir),
            "SZMQA_DATA_DIR": str(folder / "var"),
        }
        service = subprocess.Popen(
            service_command(service_port), cwd=ROOT, env=env, start_new_session=True
        )
        proxy = subprocess.Popen(
            [nginx, "-c", str(site_config(folder, service_port, https, http)), "-p", str(folder)],
            start_new_session=True,
        )
        try:
            wait_for_port(service_port, service)
            wait_for_port(https, proxy)
            yield Deployment(
                f"https://127.0.0.1:{https}",
                f"http://127.0.0.1:{http}",
                f"http://127.0.0.1:{service_port}",
                folder / "access.log",
            )
        finally:
            stop(proxy)
            stop(service)


def client(deployment: Deployment) -> httpx.Client:
    return httpx.Client(base_url=deployment.https, verify=False, timeout=30)


@pytest.mark.parametrize("path", ["/", "/vote/", "/api/ballots", "/admin/sign-in"])
def test_each_security_header_comes_once_and_the_csp_is_the_services(
    deployment: Deployment, path: str
) -> None:
    with client(deployment) as proxied:
        answer = proxied.get(path)
    direct = httpx.get(deployment.service + path)
    assert answer.status_code == direct.status_code == 200
    for name in SECURITY_HEADERS:
        assert len(answer.headers.get_list(name)) == 1, (name, answer.headers.get_list(name))
    csp = answer.headers["content-security-policy"]
    assert csp == direct.headers["content-security-policy"]  # never a stale copy in nginx
    assert len(answer.headers.get_list("server")) == 1 and "uvicorn" not in answer.headers["server"]
    if path.startswith("/api/"):
        assert answer.headers.get_list("cache-control") == ["no-store"]
    else:
        assert "script-src" in csp and "'unsafe-inline'" not in csp


def test_the_access_log_keeps_no_receipt_code_token_or_phone_number(
    deployment: Deployment,
) -> None:
    with client(deployment) as proxied:
        issued = proxied.post(
            "/api/captchas", json={"purpose": "vote", "target": CULTURE, "kind": "image"}
        )
        assert issued.status_code == 200, issued.text
        ballot = proxied.get(f"/api/ballots/{CULTURE}").json()
        vote = proxied.post(
            f"/api/ballots/{CULTURE}/votes",
            json={
                "captcha_id": issued.json()["captcha_id"],
                "captcha_answer": IMAGE_ANSWER,
                "candidates": [ballot["candidates"][0]["id"]],
            },
        )
        assert vote.status_code == 201, vote.text
        receipt = vote.json()["receipt"]
        assert proxied.post("/api/receipts", json={"code": receipt}).json()["counted"]
        assert proxied.get(f"/api/receipts/{receipt}").status_code == 200
        proxied.get("/admin/enrol/secret-enrolment-token")
        proxied.get(f"/api/ballots?phone={PHONE}", headers={"Referer": f"/vote/?r={receipt}"})
    time.sleep(0.5)
    log = deployment.log.read_text(encoding="utf-8")
    compact = receipt.replace("-", "")
    for secret in (receipt, compact, "secret-enrolment-token", PHONE):
        assert secret not in log
    assert '"POST /api/receipts"' in log and '"GET /api/receipts/-"' in log
    assert f'"POST /api/ballots/{CULTURE}/votes" 201' in log
    assert log.splitlines()[-1].startswith("127.0.0.1 [")


def test_http_is_sent_to_https(deployment: Deployment) -> None:
    answer = httpx.get(deployment.http + "/vote/")
    assert answer.status_code == 301
    assert (
        answer.headers["location"].startswith("https://") and "/vote/" in answer.headers["location"]
    )


def test_nginx_refuses_a_large_vote_body_and_passes_an_objections(deployment: Deployment) -> None:
    with client(deployment) as proxied:
        large = proxied.post(
            f"/api/ballots/{CULTURE}/votes", content=b"x" * 100_000,
            headers={"Content-Type": "application/json"},
        )  # fmt: skip
        assert large.status_code == 413
        filing = proxied.post(
            "/api/notices/no-such-notice/objections", content=b"x" * 200_000,
            headers={"Content-Type": "multipart/form-data; boundary=b"},
        )  # fmt: skip
        assert filing.status_code != 413 or "code" in filing.json()  # the service's own answer


@pytest.mark.parametrize("scheme", ["https", "http"])
def test_a_slow_request_head_is_cut_off(deployment: Deployment, scheme: str) -> None:
    port = int(getattr(deployment, scheme).rsplit(":", 1)[1])
    with socket.create_connection(("127.0.0.1", port), timeout=30) as raw:
        sock = raw
        if scheme == "https":
            context = ssl.create_default_context()
            context.check_hostname, context.verify_mode = False, ssl.CERT_NONE
            sock = context.wrap_socket(raw)
        sock.sendall(b"GET / HTTP/1.1\r\nHost: szmqa.example.gov.cn\r\n")  # never finished
        try:
            closed = sock.recv(1024)
        except (ssl.SSLError, ConnectionResetError):
            closed = b""
        assert closed == b""  # nginx closes it (client_header_timeout 10 s < 30 s)
