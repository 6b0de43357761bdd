"""What the objection routes accept and answer (the API documentation is built from these)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from vote_api.objections.models import CaseStatus


class FollowUpRequest(BaseModel):
    """The follow-up key, sent in the body (never in the URL, which ends up in logs)."""

    model_config = ConfigDict(extra="forbid")

    key: str = Field(min_length=1, max_length=64)


class TransitionIn(BaseModel):
    """Move a case to ``to``, with an internal note and (for a decision, required) a reply."""

    model_config = ConfigDict(extra="forbid")

    to: CaseStatus
    note: str = Field(default="", max_length=5000)
    reply: str | None = Field(default=None, max_length=5000)


class NoticeWindow(BaseModel):
    """A notice's window: start, end, in words, and its state by server time."""

    start: str
    end: str
    text: str
    state: str


class NoticeEntrant(BaseModel):
    """An entrant on a notice's list."""

    id: str
    name: str
    project: str | None
    display_name: str
    category: str
    category_label: str


class ReasonOut(BaseModel):
    """A ground for an objection: its code and its wording from the guide."""

    code: str
    label: str


class ObjectionRules(BaseModel):
    """The objection form's rules for a notice, and whether it is open now."""

    open: bool
    reasons: list[ReasonOut]
    evidence_extensions: list[str]
    letter_extensions: list[str]
    max_files: int
    max_file_bytes: int
    max_file_text: str
    text_max_chars: int
    text_min_chars: int


class NoticeOut(BaseModel):
    """A notice: title, window, the entrants on its list; with objections, the form's rules."""

    id: str
    title: str
    kind: str
    year: int | None
    stage: str | None
    demo: bool
    window: NoticeWindow | None
    entrants: list[NoticeEntrant]
    objections: ObjectionRules | None


class CaseFiled(BaseModel):
    """A filed objection: its case number and follow-up key (shown this once only)."""

    case_number: str
    key: str
    status: CaseStatus
    status_label: str
    received_at: str
    message: str


class FollowUpOut(BaseModel):
    """A case as its reporter sees it: status and the secretariat's reply."""

    case_number: str
    notice_id: str
    notice_title: str
    entrant_id: str
    entrant_name: str
    status: CaseStatus
    status_label: str
    received_at: str
    updated_at: str
    reply: str | None
    replied_at: str | None
    purged: bool


class CaseSummary(BaseModel):
    """A case without personal data: what the list and the CSV export show."""

    case_number: str
    notice_id: str
    year: int
    entrant_id: str
    entrant_name: str
    reasons: list[str]
    reason_labels: list[str]
    reporter_kind: str
    reporter_kind_label: str
    file_count: int
    status: CaseStatus
    status_label: str
    next_statuses: list[CaseStatus]
    received_at: str
    updated_at: str
    closed_at: str | None
    purged: bool


class CaseList(BaseModel):
    """A page of cases."""

    cases: list[CaseSummary]
    limit: int
    offset: int


class CaseFileOut(BaseModel):
    """An attachment of a case (its name decrypted)."""

    id: int
    role: str
    name: str | None
    extension: str
    size: int
    purged: bool


class CaseEvent(BaseModel):
    """A step of a case's history."""

    at: str
    actor: str
    from_status: str
    to_status: str
    note: str | None
    replied: bool


class CaseDetail(CaseSummary):
    """A case with its decrypted reporter, statement, reply, files and history."""

    reporter: dict[str, str] | None
    statement: str | None
    reply: str | None
    replied_at: str | None
    files: list[CaseFileOut]
    history: list[CaseEvent]
