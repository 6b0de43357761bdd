"""The phone proof as a voter goes through it: a captcha, an SMS code, the code typed back."""

from __future__ import annotations

from typing import Any

from tests.factories import CULTURE, IMAGE_ANSWER, PHONE

OTHER_PHONE = "13800138000"
VIRTUAL_PHONE = "17012345678"


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
