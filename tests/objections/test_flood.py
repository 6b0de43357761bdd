"""Objection floods: limits per /64 and per /24, evidence bytes per network a day, free disk."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest

from tests.factories import ANSWER, NOTICE, PDF, Apps, Env, KiB, individual
from vote_api.core.errors import APIError
from vote_api.core.limits import OBJECTION_LIMIT, OBJECTION_NETWORK_LIMIT
from vote_api.core.state import core_state
from vote_api.objections.flood import EvidenceCharge, add_evidence_bytes, stored_today


def evidence(size: int) -> bytes:
    """A PDF of about ``size`` bytes."""
    return PDF + b"0" * max(0, size - len(PDF))


def file_as(client: Any, address: str | None, size: int = 0) -> Any:
    """File an individual's objection (captcha first) from ``address`` (X-Forwarded-For)."""
    via = {"X-Forwarded-For": address} if address else {}
    captcha = client.post(
        "/api/captchas",
        json={"purpose": "objection", "target": NOTICE, "kind": "image"},
        headers=via,
    )
    assert captcha.status_code == 200, captcha.text
    form = {**individual(), "captcha_id": captcha.json()["captcha_id"], "captcha_answer": ANSWER}
    files = [("evidence", ("处罚决定书.pdf", evidence(size) if size else PDF, "application/pdf"))]
    return client.post(f"/api/notices/{NOTICE}/objections", data=form, files=files, headers=via)


def test_flood_rotating_addresses_inside_one_ipv6_64_file_at_most_the_limit(
    make_env: Apps, live_server: Any
) -> None:
    env = make_env(ratelimit_enabled=True, trusted_proxies="127.0.0.1")
    server = live_server(env.app)
    with httpx.Client(base_url=server.url) as client:
        statuses = [
            file_as(client, f"2001:db8:9:1:{i + 1:x}::{i * 13 + 5:x}").status_code
            for i in range(12)
        ]
        elsewhere = file_as(client, "2001:db8:9:2::1")
    allowed = int(OBJECTION_LIMIT.split("/")[0])
    assert statuses.count(201) == allowed and set(statuses[allowed:]) == {429}
    assert elsewhere.status_code == 201
    assert len(env.cases()) == allowed + 1


def test_flood_rotating_ipv4_addresses_of_one_24_stop_at_its_hourly_limit(
    make_env: Apps, live_server: Any
) -> None:
    env = make_env(ratelimit_enabled=True, trusted_proxies="127.0.0.1")
    server = live_server(env.app)
    allowed = int(OBJECTION_NETWORK_LIMIT.split("/")[0])
    with httpx.Client(base_url=server.url) as client:
        statuses = [file_as(client, f"203.0.113.{i + 1}").status_code for i in range(allowed + 2)]
    assert statuses.count(201) == allowed and set(statuses[allowed:]) == {429}


def test_flood_daily_evidence_bytes_per_network_refused_before_reading(make_env: Apps) -> None:
    env = make_env(objection_daily_bytes_per_network=1024 * KiB)
    assert file_as(env.client, None, 200 * KiB).status_code == 201
    assert file_as(env.client, None, 200 * KiB).status_code == 201
    stored = env.stored_files()
    refused = file_as(env.client, None, 700 * KiB)
    assert refused.status_code == 429 and refused.json()["code"] == "evidence_daily_limit"
    assert "明天" in refused.json()["message"]
    assert env.stored_files() == stored and len(env.cases()) == 2
    assert file_as(env.client, None, 100 * KiB).status_code == 201  # still room for that


def test_flood_concurrent_filings_cannot_pass_the_bytes_cap_together(make_env: Apps) -> None:
    env = make_env(objection_daily_bytes_per_network=1024 * KiB)
    with ThreadPoolExecutor(6) as pool:
        statuses = list(
            pool.map(lambda _: file_as(env.client, None, 240 * KiB).status_code, range(6))
        )
    assert statuses.count(201) == 4 and statuses.count(429) == 2  # 4 × 240 KiB fit in 1 MiB
    assert len(env.cases()) == 4 and len(env.stored_files()) == 4


def test_flood_low_free_disk_refuses_uploads_with_503(make_env: Apps) -> None:
    env: Env = make_env(objection_min_free_disk_bytes=10**18)
    refused = file_as(env.client, None)
    assert refused.status_code == 503 and refused.json()["code"] == "storage_low"
    assert "存储空间不足" in refused.json()["message"] and refused.headers["Retry-After"]
    env.assert_nothing_stored()


def test_flood_bytes_are_added_in_the_case_transaction_and_refused_past_the_cap(
    make_env: Apps,
) -> None:
    env = make_env()
    charge = EvidenceCharge("network", "2026-11-24", 1000)
    with core_state(env.app).db.session() as session:
        add_evidence_bytes(session, charge, 900)
        session.commit()
        with pytest.raises(APIError) as refused:
            add_evidence_bytes(session, charge, 101)
        assert refused.value.status == 429 and refused.value.code == "evidence_daily_limit"
        add_evidence_bytes(session, charge, 100)
        session.commit()
        assert stored_today(session, charge) == 1000
        with pytest.raises(APIError):
            add_evidence_bytes(session, EvidenceCharge("other", "2026-11-24", 1000), 1001)


@pytest.mark.services
def test_flood_bytes_cap_holds_for_two_instances_at_once_on_postgres(
    make_env: Apps, postgres_url: str
) -> None:
    from tests.migrations.databases import postgres_schema

    with postgres_schema(postgres_url) as url:
        settings = {
            "database_url": url,
            "objection_daily_bytes_per_network": 1024 * KiB,
            "secret_key": "s" * 40,  # two workers of one deployment share its keys
            "encryption_key": "e" * 40,
        }
        apps = [make_env(**settings), make_env(**settings)]
        with ThreadPoolExecutor(6) as pool:
            statuses = list(
                pool.map(
                    lambda i: file_as(apps[i % 2].client, None, 240 * KiB).status_code, range(6)
                )
            )
        assert statuses.count(201) == 4 and statuses.count(429) == 2
        assert sum(len(env.cases()) for env in apps[:1]) == 4  # one database: four cases
        for env in apps:
            core_state(env.app).db.engine.dispose()
