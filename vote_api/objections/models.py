"""Objection cases, their evidence files and their history, as stored.

Nothing personal is stored in the clear: the reporter (name, ID number, phone, email, or an
organisation and its contact person), the statement, file names, notes and replies are
sealed (see ``vote_api.core.crypto``, bound to their case and column by
``sealed_context``); the follow-up key is kept only as a keyed hash. What stays in the
clear is what the secretariat lists, filters and exports: the case number, notice, entrant,
reason codes, reporter kind, status, dates and file sizes.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import BigInteger, Column, LargeBinary
from sqlmodel import Field, SQLModel

from vote_api.core.timeutil import moment_field


def sealed_context(case_number: str, what: str) -> str:
    """What a sealed value of a case is bound to: its case and column (or file)."""
    return f"case:{case_number}:{what}"


class CaseStatus(StrEnum):
    """Where a case stands: received → under review → upheld / not upheld → closed."""

    RECEIVED = "received"
    UNDER_REVIEW = "under_review"
    UPHELD = "upheld"
    NOT_UPHELD = "not_upheld"
    CLOSED = "closed"

    @property
    def label(self) -> str:
        """The status in Chinese, as the reporter reads it."""
        return STATUS_LABELS[self]


STATUS_LABELS: dict[CaseStatus, str] = {
    CaseStatus.RECEIVED: "已收到",
    CaseStatus.UNDER_REVIEW: "核查中",
    CaseStatus.UPHELD: "异议成立",
    CaseStatus.NOT_UPHELD: "异议不成立",
    CaseStatus.CLOSED: "已办结",
}

#: The only moves a case can make; anything else is refused with 409.
TRANSITIONS: dict[CaseStatus, tuple[CaseStatus, ...]] = {
    CaseStatus.RECEIVED: (CaseStatus.UNDER_REVIEW,),
    CaseStatus.UNDER_REVIEW: (CaseStatus.UPHELD, CaseStatus.NOT_UPHELD),
    CaseStatus.UPHELD: (CaseStatus.CLOSED,),
    CaseStatus.NOT_UPHELD: (CaseStatus.CLOSED,),
    CaseStatus.CLOSED: (),
}

#: Moves that decide the case: the reporter must be told the outcome, so a reply is required.
DECISIONS = (CaseStatus.UPHELD, CaseStatus.NOT_UPHELD)


class ReporterKind(StrEnum):
    """An objection is made by a named person or by an organisation under its seal."""

    INDIVIDUAL = "individual"
    ORGANISATION = "organisation"

    @property
    def label(self) -> str:
        """The kind in Chinese."""
        return {"individual": "个人", "organisation": "单位"}[self.value]


class Reason(StrEnum):
    """The grounds an objection may give: the guide's conditions for entering, broken."""

    POLICY = "policy"
    PENALTY = "penalty"
    SAFETY = "safety"
    ENVIRONMENT = "environment"
    INTEGRITY = "integrity"
    FALSE_MATERIALS = "false_materials"
    CONDITIONS = "conditions"
    QUANTITY = "quantity"
    OTHER = "other"

    @property
    def label(self) -> str:
        """The reason in Chinese, worded after the guide's 申奖条件."""
        return REASON_LABELS[self]


#: Worded after docs/guide/award/eligibility.md (申奖条件 and 申报数量规定).
REASON_LABELS: dict[Reason, str] = {
    Reason.POLICY: "不符合国家产业、环保、质量等政策",
    Reason.PENALTY: "近1年因违反行业政策法规或人力资源和社会保障法律法规受到行政处罚",
    Reason.SAFETY: "近3年发生安全生产较大及以上级别责任事故",
    Reason.ENVIRONMENT: "近3年有环保严重失信行为记录",
    Reason.INTEGRITY: "诚信记录或社会声誉不良",
    Reason.FALSE_MATERIALS: "申报材料或证明材料不真实",
    Reason.CONDITIONS: "不符合申报条件（登记年限、行业地位、经营业绩、项目运行时间等）",
    Reason.QUANTITY: "违反申报数量规定（多类别申报，或同一集团业务相同或相似的单位超过一家）",
    Reason.OTHER: "其他违法违规情形",
}


class FileRole(StrEnum):
    """An attachment is evidence, or an organisation's letter bearing its seal."""

    EVIDENCE = "evidence"
    LETTER = "letter"


class ObjectionCase(SQLModel, table=True):
    """One objection: the clear facts the secretariat works with, and the sealed personal data."""

    __tablename__ = "objection_case"

    id: int | None = Field(default=None, primary_key=True)
    case_number: str = Field(max_length=12, unique=True, index=True)
    key_hash: str = Field(max_length=64)
    notice_id: str = Field(max_length=90, index=True)
    year: int
    entrant_id: str = Field(max_length=40, index=True)
    reasons: str = Field(max_length=300)  # comma-separated Reason codes
    reporter_kind: str = Field(max_length=20)
    status: str = Field(max_length=20, index=True, default=CaseStatus.RECEIVED.value)
    received_at: datetime = moment_field(index=True)
    updated_at: datetime = moment_field()
    closed_at: datetime | None = moment_field(nullable=True, index=True)
    replied_at: datetime | None = moment_field(nullable=True)
    purged_at: datetime | None = moment_field(nullable=True)
    reporter_sealed: bytes | None = Field(default=None, sa_column=Column(LargeBinary))
    statement_sealed: bytes | None = Field(default=None, sa_column=Column(LargeBinary))
    reply_sealed: bytes | None = Field(default=None, sa_column=Column(LargeBinary))


class ObjectionFile(SQLModel, table=True):
    """An attachment: stored encrypted under a random name; its own name is sealed."""

    __tablename__ = "objection_file"

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="objection_case.id", index=True)
    role: str = Field(max_length=20)
    storage_name: str = Field(max_length=64, unique=True)
    extension: str = Field(max_length=8)
    size: int
    purged_at: datetime | None = moment_field(nullable=True)
    name_sealed: bytes | None = Field(default=None, sa_column=Column(LargeBinary))


class ObjectionEvent(SQLModel, table=True):
    """A step of a case's history: who moved it where, with a sealed note."""

    __tablename__ = "objection_event"

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="objection_case.id", index=True)
    at: datetime = moment_field()
    actor: str = Field(max_length=80)
    from_status: str = Field(max_length=20)
    to_status: str = Field(max_length=20)
    replied: bool = False
    note_sealed: bytes | None = Field(default=None, sa_column=Column(LargeBinary))


class EvidenceNetworkDay(SQLModel, table=True):
    """Evidence bytes stored per client network (a keyed hash) and Beijing day: the daily cap."""

    __tablename__ = "objection_network_day"

    network_key: str = Field(max_length=64, primary_key=True)
    day: str = Field(max_length=10, primary_key=True)
    stored_bytes: int = Field(default=0, sa_type=BigInteger)
