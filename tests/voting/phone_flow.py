"""Phone ballots for tests: demo content with the culture ballot on verified numbers."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import yaml

from tests.vote.support import CULTURE, IMAGE_ANSWER

PHONE = "13912345678"
OTHER_PHONE = "13800138000"
VIRTUAL_PHONE = "17012345678"


def phone_content(source: Path, target: Path, **ballot: Any) -> Path:
    """A copy of the demo content whose culture ballot proves voters by phone."""
    shutil.copytree(source, target, dirs_exist_ok=True)
    year_file = target / "awards" / "2026.yml"
    data = yaml.safe_load(year_file.read_text(encoding="utf-8"))
    for entry in data["ballots"]:
        if entry["id"] == CULTURE:
            entry.update({"identity": "phone", **ballot})
    year_file.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return target


def sms_captcha(client: Any, ballot: str = CULTURE) -> str:
    """A captcha issued for asking an SMS code on a ballot."""
    response = client.post("/api/captchas", json={"purpose": "sms", "target": ballot})
    assert response.status_code == 200, response.text
    return response.json()["captcha_id"]


def ask_code(client: Any, phone: str = PHONE, ballot: str = CULTURE) -> Any:
    """Ask for an SMS code (solving a fresh captcha); return the response."""
    body = {
        "ballot_id": ballot,
        "phone": phone,
        "captcha_id": sms_captcha(client, ballot),
        "captcha_answer": IMAGE_ANSWER,
    }
    return client.post("/api/phone/codes", json=body)


def verify(client: Any, phone: str = PHONE, ballot: str = CULTURE) -> Any:
    """Ask for a code and verify it (the console gateway shows it); return the verify response."""
    sent = ask_code(client, phone, ballot)
    assert sent.status_code == 200, sent.text
    code = sent.json()["console_code"]
    return client.post("/api/phone/verify", json={"phone": phone, "code": code})
