"""Sending SMS verification codes: one interface, a console stand-in and two real gateways."""

from vote_api.voting.sms.gateway import (
    SmsError,
    SmsGateway,
    SmsNumberInvalid,
    SmsQuotaExceeded,
    SmsUnavailable,
)

__all__ = ["SmsError", "SmsGateway", "SmsNumberInvalid", "SmsQuotaExceeded", "SmsUnavailable"]
