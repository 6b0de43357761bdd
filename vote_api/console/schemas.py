"""The console's forms and filters, checked before anything is changed (Chinese messages)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from vote_api.objections.models import DECISIONS, CaseStatus

REASON_MIN = 5
REASON_MAX = 500
NOTE_MAX = 5000
REPLY_MAX = 5000
FILTER_MAX = 120


class FormError(ValueError):
    """A form that cannot be acted on; the message says which field and why."""


def text_field(value: str | None, label: str, *, minimum: int = 0, maximum: int) -> str:
    """A trimmed text field within its length limits, or FormError."""
    cleaned = (value or "").strip()
    if len(cleaned) < minimum:
        if minimum <= 1:
            raise FormError(f"请填写{label}")
        raise FormError(f"{label}至少 {minimum} 个字（现有 {len(cleaned)} 个）")
    if len(cleaned) > maximum:
        raise FormError(f"{label}最多 {maximum} 个字（现有 {len(cleaned)} 个）")
    return cleaned


def positive_int(value: str | None, label: str) -> int:
    """A positive whole number, or FormError."""
    text = (value or "").strip()
    if not text.isdigit() or len(text) > 12 or int(text) < 1:
        raise FormError(f"{label}应为正整数")
    return int(text)


def optional_day(value: str | None, label: str) -> date | None:
    """A date written 2026-11-24, empty for none, or FormError."""
    text = (value or "").strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise FormError(f"{label}应写作 2026-11-24") from None


def page_number(value: str | None) -> int:
    """A page number (1 when missing or malformed)."""
    text = (value or "").strip()
    return int(text) if text.isdigit() and 0 < len(text) < 7 and int(text) > 0 else 1


@dataclass(frozen=True)
class InvalidateForm:
    """Set one vote aside: which, why."""

    vote_id: int
    reason: str

    @classmethod
    def parse(cls, vote_id: str | None, reason: str | None) -> InvalidateForm:
        """Check the form; FormError before anything is invalidated."""
        return cls(
            vote_id=positive_int(vote_id, "选票编号"),
            reason=text_field(reason, "作废理由", minimum=REASON_MIN, maximum=REASON_MAX),
        )


@dataclass(frozen=True)
class ClusterForm:
    """Set a whole cluster aside: which, why."""

    cluster_id: str
    reason: str

    @classmethod
    def parse(cls, cluster_id: str | None, reason: str | None) -> ClusterForm:
        """Check the form; FormError before anything is invalidated."""
        return cls(
            cluster_id=text_field(cluster_id, "聚类编号", minimum=3, maximum=80),
            reason=text_field(reason, "作废理由", minimum=REASON_MIN, maximum=REASON_MAX),
        )


@dataclass(frozen=True)
class TransitionForm:
    """Move a case from the status the page showed to a next one, with a note and a reply."""

    from_status: CaseStatus
    to: CaseStatus
    note: str
    reply: str | None

    @classmethod
    def parse(
        cls, from_status: str | None, to: str | None, note: str | None, reply: str | None
    ) -> TransitionForm:
        """Check the form; FormError for an unknown status or a missing or overlong text."""
        try:
            current = CaseStatus(from_status or "")
            target = CaseStatus(to or "")
        except ValueError:
            raise FormError("状态不正确，请刷新页面后重试") from None
        replied = text_field(reply, "给异议人的答复", maximum=REPLY_MAX) or None
        if target in DECISIONS and replied is None:
            raise FormError(f"改为“{target.label}”时须填写给异议人的答复")
        return cls(
            from_status=current,
            to=target,
            note=text_field(note, "内部备注", maximum=NOTE_MAX),
            reply=replied,
        )
