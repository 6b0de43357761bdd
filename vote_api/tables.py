"""Every table of the service, imported in one place so that the metadata knows them all."""

from __future__ import annotations

from vote_api.console.models import Staff, StaffSession
from vote_api.core.audit import AuditEntry
from vote_api.core.auth import AdminToken
from vote_api.core.captcha import CaptchaChallenge
from vote_api.core.key_presence import ServiceKeys
from vote_api.core.vendorcheck.tokens import UsedHumanToken
from vote_api.objections.models import (
    EvidenceNetworkDay,
    ObjectionCase,
    ObjectionEvent,
    ObjectionFile,
)
from vote_api.voting.ballot_log.models import CheckpointRow, LogLeaf, LogSize
from vote_api.voting.models import NetworkDay, SmsCode, SmsQuota, SmsTally, Vote
from vote_api.voting.proofs.wechat.states import WechatState

TABLES = (
    AdminToken,
    AuditEntry,
    CaptchaChallenge,
    ObjectionCase,
    ObjectionEvent,
    ObjectionFile,
    EvidenceNetworkDay,
    Staff,
    StaffSession,
    Vote,
    NetworkDay,
    SmsCode,
    SmsQuota,
    SmsTally,
    WechatState,
    ServiceKeys,
    UsedHumanToken,
    LogLeaf,
    LogSize,
    CheckpointRow,
)
