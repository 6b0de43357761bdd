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


class HumanCheckPage(BaseModel):
    """What a page needs to run one action's human check (public identifiers only, no key)."""

    provider: Literal["builtin", "tencent", "aliyun"]
    #: The vendor's widget script (absent for the built-in captcha).
    script: str | None = None
    #: Tencent Cloud: the CaptchaAppId.
    app_id: str | None = None
    #: Alibaba Cloud: the scene id and the account's identity prefix.
    scene_id: str | None = None
    prefix: str | None = None


class HumanChecksOut(BaseModel):
    """The human check of each action: an SMS code, a vote, an objection."""

    sms: HumanCheckPage
    vote: HumanCheckPage
    objection: HumanCheckPage
