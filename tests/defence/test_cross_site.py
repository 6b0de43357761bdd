"""State-changing requests from another site are refused; same-origin and non-browser ones work."""

from __future__ import annotations

from typing import Any

import pytest

from tests.factories import CULTURE, Env

CAPTCHA = {"purpose": "vote", "target": CULTURE, "kind": "image"}


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": "https://evil.example"},
        {"Origin": "null"},
        {"Origin": "http://127.0.0.1:8080", "Host": "127.0.0.1:8000"},  # another port
        {"Sec-Fetch-Site": "cross-site"},
        {"Sec-Fetch-Site": "same-site"},
        {"Sec-Fetch-Site": "cross-site", "Origin": "http://testserver"},
    ],
)
def test_cross_site_post_is_refused_with_403(env: Env, headers: dict[str, str]) -> None:
    response = env.client.post("/api/captchas", json=CAPTCHA, headers=headers)
    assert response.status_code == 403, response.text
    assert response.json()["code"] == "cross_site_refused"
    assert "其他网站" in response.json()["message"]


def test_cross_site_plain_form_objection_and_admin_post_refused(env: Env) -> None:
    evil = {"Origin": "https://evil.example"}
    objection = env.client.post(
        "/api/notices/2026-publicity/objections",
        data={"entrant": "x", "statement": "跨站提交的异议"},
        headers=evil,
    )
    assert objection.status_code == 403
    vote = env.vote(CULTURE)  # a real vote to try to invalidate from another site
    assert vote.status_code == 201
    admin = env.client.post(
        "/api/admin/votes/1/invalidate",
        json={"reason": "跨站作废"},
        headers={**evil, "Authorization": f"Bearer {env.admin_token()}"},
    )
    assert admin.status_code == 403
    follow = env.client.post("/api/objections/26-AAAAAA", json={"key": "K"}, headers=evil)
    assert follow.status_code == 403


@pytest.mark.parametrize(
    "headers",
    [
        {},  # curl, scripts: no Origin at all
        {"Origin": "http://testserver"},
        {"Origin": "http://testserver", "Sec-Fetch-Site": "same-origin"},
        {"Sec-Fetch-Site": "none"},
    ],
)
def test_cross_site_same_origin_and_non_browser_clients_work(
    env: Env, headers: dict[str, str]
) -> None:
    captcha = env.client.post("/api/captchas", json=CAPTCHA, headers=headers)
    assert captcha.status_code == 200, captcha.text
    body = {
        "captcha_id": captcha.json()["captcha_id"],
        "captcha_answer": "ACDEF",
        "candidates": [env.candidate(CULTURE)],
    }
    vote = env.client.post(f"/api/ballots/{CULTURE}/votes", json=body, headers=headers)
    assert vote.status_code == 201, vote.text


def test_cross_site_reads_stay_open(env: Env) -> None:
    response = env.client.get("/api/ballots", headers={"Origin": "https://evil.example"})
    assert response.status_code == 200


@pytest.mark.browser
def test_cross_site_form_posted_from_another_origin_in_chromium(
    page: Any, env: Env, live_server: Any, demo_site_url: str
) -> None:
    server = live_server(env.app)
    # A page of another origin (another port) posts a plain form to the objection route.
    page.goto(f"{demo_site_url}/")
    page.evaluate(
        """(target) => {
            const form = document.createElement('form');
            form.method = 'POST'; form.action = target; form.enctype = 'multipart/form-data';
            const field = document.createElement('input');
            field.name = 'entrant'; field.value = 'x'; form.appendChild(field);
            document.body.appendChild(form); form.submit();
        }""",
        f"{server.url}/api/notices/2026-publicity/objections",
    )
    page.wait_for_load_state()
    page.get_by_text("cross_site_refused").wait_for()
    # The same browser on the service's own origin still gets its captcha.
    page.goto(f"{server.url}/api/docs")  # a page of the service (its CSP allows fetch to self)
    answer = page.evaluate(
        """async () => (await fetch('/api/captchas', {method: 'POST',
            headers: {'Content-Type': 'application/json'},
            body: JSON.stringify({purpose: 'vote', target: 'demo-2026-culture', kind: 'image'})})).status"""
    )
    assert answer == 200
