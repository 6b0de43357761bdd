"""The phone proof's request and response bodies."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from vote_api.core.humancheck import TOKEN_MAX_LENGTH


class PhoneCodeIn(BaseModel):
    """Ask for an SMS code: the ballot, the number, and a captcha issued for ``sms``."""

    model_config = ConfigDict(extra="forbid")

    ballot_id: str = Field(min_length=1, max_length=40)
    phone: str = Field(min_length=1, max_length=40)
    captcha_id: str = Field(min_length=1, max_length=TOKEN_MAX_LENGTH)
    captcha_answer: str = Field(min_length=1, max_length=16)


class PhoneCodeSent(BaseModel):
    """A code was sent: how long it is valid, when another may be asked for."""

    message: str
    expires_in: int
    resend_after: int
    #: Development and demo only (console gateway): the code, as no SMS was sent.
    console_code: str | None = None
    console_notice: str | None = None


class PhoneVerifyIn(BaseModel):
    """Prove the number with the code it received."""

    model_config = ConfigDict(extra="forbid")

    phone: str = Field(min_length=1, max_length=40)
    code: str = Field(min_length=1, max_length=12)


class PhoneVerified(BaseModel):
    """The number is verified until ``valid_until``: vote in any phone ballot until then."""

    message: str
    phone_masked: str
    valid_until: datetime
