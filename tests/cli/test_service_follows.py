"""The running service follows the published content: new ballots without a restart, on every
worker; bad content is not loaded; a start on bad content is refused without a traceback."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml
from fastapi.testclient import TestClient

from szmqa.publish import CURRENT, RELEASES, switch_to
from tests.conftest import free_port
from tests.content_files import valid_year, write_content

ROOT = Path(__file__).resolve().parent.parent.parent
KEYS = {"SZMQA_SECRET_KEY": "s" * 40, "SZMQA_ENCRYPTION_KEY": "e" * 40}


def year_with_ballot() -> dict:
    """The valid year; its ballot identifies voters by browser (no SMS in these tests)."""
    year = valid_year()
    year["ballots"][0]["identity"] = "device"
    return year


def year_without_ballot() -> dict:
    year = valid_year()
    year["ballots"] = []
    return year


def release(root: Path, name: str, year: dict | str) -> Path:
    """A release folder holding only content (the service's side of a publish)."""
    folder = root / RELEASES / name
    write_content(folder / "content", year)
    return folder


def ballot_ids(client: Any, url: str = "") -> list[str]:
    return [b["id"] for b in client.get(f"{url}/api/ballots").json()["ballots"]]


def wait_for(condition: Any, seconds: float = 10.0) -> float:
    """Poll until ``condition()`` holds; return the seconds it took (fail after ``seconds``)."""
    started = time.monotonic()
    while not condition():
        if time.monotonic() - started > seconds:
            pytest.fail(f"not within {seconds} s")
        time.sleep(0.05)
    return time.monotonic() - started


def make_settings(tmp_path: Path, content: Path) -> Any:
    from vote_api.core.settings import Settings

    return Settings(
        content_dir=content,
        data_dir=tmp_path / "data",
        database_url=f"sqlite:///{tmp_path / 'service.db'}",
        secret_key=KEYS["SZMQA_SECRET_KEY"],
        encryption_key=KEYS["SZMQA_ENCRYPTION_KEY"],
    )


def test_a_publish_brings_a_new_ballot_and_leaves_votes_in_progress_alone(
    tmp_path: Path,
) -> None:
    from award.moments import SHANGHAI
    from tests.conftest import Clock
    from tests.factories import IMAGE_ANSWER, known_answer
    from vote_api.main import create_app

    root = tmp_path / "publish"
    root.mkdir()
    switch_to(root, release(root, "v1", year_without_ballot()))
    settings = make_settings(tmp_path, root / CURRENT / "content")
    clock = Clock(datetime(2026, 11, 18, 10, tzinfo=SHANGHAI))  # the ballot is open
    with TestClient(create_app(settings, clock=clock, captcha_answers=known_answer)) as client:
        assert ballot_ids(client) == []
        switch_to(root, release(root, "v2", year_with_ballot()))
        wait_for(lambda: ballot_ids(client) == ["2026-culture"], seconds=30)
        captcha = client.post(
            "/api/captchas", json={"purpose": "vote", "target": "2026-culture", "kind": "image"}
        )
        assert captcha.status_code == 200
        retitled = year_with_ballot()
        retitled["ballots"][0]["title"] = "2026年度文化类社会评价网络投票（延长说明）"
        switch_to(root, release(root, "v3", retitled))  # a publish while the voter types

        def title() -> str:
            return client.get("/api/ballots/2026-culture").json()["title"]

        wait_for(lambda: title().endswith("（延长说明）"), seconds=30)
        vote = client.post(
            "/api/ballots/2026-culture/votes",
            json={
                "captcha_id": captcha.json()["captcha_id"],
                "captcha_answer": IMAGE_ANSWER,
                "candidates": ["C1"],
            },
        )
        assert vote.status_code == 201, vote.text
        assert vote.json()["receipt"]


def test_content_that_fails_at_reload_is_not_loaded_and_the_reason_is_logged(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    from vote_api.main import create_app

    content = write_content(tmp_path / "docs", valid_year())
    with TestClient(create_app(make_settings(tmp_path, content))) as client:
        assert ballot_ids(client) == ["2026-culture"]
        broken = valid_year()
        broken["stages"]["site_check"][0]["score"] = 45
        broken["ballots"].append(dict(broken["ballots"][0], id="2026-late"))
        with caplog.at_level(logging.ERROR, logger="vote_api.content"):
            write_content(content, yaml.safe_dump(broken, allow_unicode=True))
            wait_for(lambda: bool(ballot_ids(client)) and "新内容未通过检查" in caplog.text, 30)
        assert "awards/2026.yml: stages.site_check[1]（E1）:" in caplog.text
        assert "[综合评分须超过总分50%]" in caplog.text
        assert ballot_ids(client) == ["2026-culture"]  # the last good content stays
        write_content(content, valid_year() | {"ballots": []})
        wait_for(lambda: ballot_ids(client) == [], seconds=30)  # good content is loaded again


def service_env(tmp_path: Path, content: Path) -> dict[str, str]:
    env = dict(os.environ, **KEYS)
    env.pop("SZMQA_DEMO_DIR", None)
    return env | {
        "SZMQA_CONTENT_DIR": str(content),
        "SZMQA_DATA_DIR": str(tmp_path / "data"),
        "SZMQA_DATABASE_URL": f"sqlite:///{tmp_path / 'service.db'}",
    }


def uvicorn(env: dict[str, str], port: int, workers: int) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [
            sys.executable, "-m", "uvicorn", "--factory", "vote_api.main:app_from_environment",
            "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers),
            "--no-access-log", "--no-proxy-headers",
        ],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip


def test_every_worker_follows_a_publish(tmp_path: Path) -> None:
    root = tmp_path / "publish"
    root.mkdir()
    switch_to(root, release(root, "v1", year_without_ballot()))
    env = service_env(tmp_path, root / CURRENT / "content")
    upgraded = subprocess.run(
        [sys.executable, "-m", "szmqa", "db", "upgrade"], env=env, cwd=ROOT, capture_output=True
    )
    assert upgraded.returncode == 0, upgraded.stderr
    port = free_port()
    server = uvicorn(env, port, workers=2)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for(lambda: _answers(url), seconds=60)
        switch_to(root, release(root, "v2", valid_year()))

        def all_answers_have_the_ballot() -> bool:
            # Fresh connections, so that both workers answer some of them.
            for _ in range(40):
                with httpx.Client() as client:
                    if ballot_ids(client, url) != ["2026-culture"]:
                        return False
            return True

        wait_for(all_answers_have_the_ballot, seconds=60)  # bench/bench_publish.py times it
    finally:
        server.terminate()
        server.communicate(timeout=30)


def _answers(url: str) -> bool:
    try:
        return httpx.get(f"{url}/api/health", timeout=1).status_code == 200
    except httpx.HTTPError:
        return False


@pytest.mark.parametrize("workers", [1, 2])
def test_the_service_refuses_to_start_on_bad_content_with_the_check_lines(
    tmp_path: Path, workers: int
) -> None:
    year = valid_year()
    year["ballots"][0] |= {"opens": "2026-11-20 17:00", "closes": "2026-11-16 09:00"}
    content = write_content(tmp_path / "docs", year)
    server = uvicorn(service_env(tmp_path, content), free_port(), workers=workers)
    try:
        _out, err = server.communicate(timeout=60)  # several workers: stopped, not restarted
    finally:
        server.kill()
    # One worker exits with uvicorn's start-failure status; the supervisor of several stops.
    assert server.returncode == (3 if workers == 1 else 0)
    assert 1 <= err.count("服务未启动：内容检查未通过") <= workers
    assert "died" not in err  # no worker was started again
    assert "docs/awards/2026.yml: ballots[1]（2026-culture）:" in err or (
        "awards/2026.yml: ballots[1]（2026-culture）:" in err
    )
    assert "Traceback" not in err
