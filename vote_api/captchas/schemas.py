"""What a captcha request asks for, and the challenge it gets back."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from vote_api.core.humancheck import CaptchaKind


class CaptchaRequest(BaseModel):
    """What the captcha is for: a vote or an SMS code for a ballot, or an objection to a notice."""

    model_config = ConfigDict(extra="forbid")

    purpose: Literal["vote", "sms", "objection"]
    target: str = Field(min_length=1, max_length=80)
    kind: CaptchaKind = CaptchaKind.IMAGE


class CaptchaOut(BaseModel):
    """A challenge: its id, and the image or audio to answer, as base64."""

    captcha_id: str
    kind: CaptchaKind
    media_type: str
    data: str
    expires_in: int
