"""What an objection must say: the notice and its window, the entrant, the grounds, a real name.

Pure checks over the award content and the received form; every refusal is a Chinese 4xx
naming the field and the rule.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from award.content import Content
from award.lists import stage_entries
from award.models import Entrant, Notice
from award.windows import WindowState
from vote_api.core.errors import APIError
from vote_api.objections.documents import (
    DocumentKind,
    document_problem,
    normalise_document,
    normalise_phone,
)
from vote_api.objections.models import FileRole, Reason, ReporterKind
from vote_api.objections.received import FIELD_LABELS, SHORT_FIELD_CHARS, ReceivedForm

EMAIL = re.compile(r"[^@\s]{1,64}@[^@\s.]+(\.[^@\s.]+)+")
MIN_STATEMENT_CHARS = 10
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

ANONYMOUS_MESSAGE = (
    "不受理匿名异议：公示期间的异议须实名提出，以便秘书处核实情况并答复。"
    "个人请填写姓名、身份证号和联系电话；单位请填写单位名称、联系人和联系电话，"
    "并上传加盖单位公章的书面材料。您的个人信息加密保存，仅用于核查本异议。"
)


def objection_notice(content: Content, notice_id: str) -> Notice:
    """The objection-enabled publicity notice, or 404."""
    notice = content.notice(notice_id)
    if notice is None or not notice.meta.objections or notice.window is None:
        raise APIError(404, "notice_not_found", f"没有编号为 {notice_id[:90]} 的可提出异议的公示")
    return notice


def require_open(notice: Notice, now: datetime) -> None:
    """Refuse outside the notice's window, saying when it was or will be (server time)."""
    assert notice.window is not None
    state = notice.window.state(now)
    span = notice.window.span_text()
    if state is WindowState.UPCOMING:
        raise APIError(
            403,
            "objection_window_upcoming",
            f"本公示的异议受理期为 {span}，尚未开始，请在受理期内提出异议（以北京时间为准）",
        )
    if state is WindowState.CLOSED:
        raise APIError(
            403,
            "objection_window_closed",
            f"本公示的异议受理期为 {span}，已经结束，不再受理异议（以北京时间为准）",
        )


def notice_entrants(content: Content, notice: Notice) -> list[Entrant]:
    """The entrants on the list the notice publishes, in list order."""
    meta = notice.meta
    year = content.year_of(notice)
    if year is None or meta.stage is None:
        return []
    return [entrant for _, entrant in stage_entries(year.data, meta.stage, meta.category)]


@dataclass(frozen=True)
class Submission:
    """An objection that passed every rule, ready to be stored."""

    entrant: Entrant
    reasons: tuple[Reason, ...]
    statement: str
    reporter_kind: ReporterKind
    reporter: dict[str, str]
    captcha_id: str
    captcha_answer: str


class Problems:
    """Collects refusals; raises them together (the first one's code) as one 422."""

    def __init__(self) -> None:
        self.items: list[tuple[str, str]] = []

    def add(self, code: str, message: str) -> None:
        self.items.append((code, message))

    def raise_any(self) -> None:
        if self.items:
            raise APIError(422, self.items[0][0], "；".join(m for _, m in self.items))


def _text(form: ReceivedForm, name: str, problems: Problems, *, required: bool) -> str:
    value = form.first(name)
    label = FIELD_LABELS[name]
    if not value:
        if required:
            problems.add("field_missing", f"{label}：必须填写")
        return ""
    if _CONTROL.search(value):
        problems.add("field_invalid", f"{label}：不能包含控制字符")
    elif name in SHORT_FIELD_CHARS and len(value) > SHORT_FIELD_CHARS[name]:
        problems.add("field_too_long", f"{label}：不超过 {SHORT_FIELD_CHARS[name]} 个字")
    return value


def check_submission(
    content: Content, notice: Notice, form: ReceivedForm, text_max_chars: int
) -> Submission:
    """Check a received form against every rule of an objection."""
    problems = Problems()
    kind_text = form.first("reporter_kind")
    reporter: dict[str, str] = {}
    letters = [f for f in form.files if f.role is FileRole.LETTER]
    if kind_text not in (ReporterKind.INDIVIDUAL, ReporterKind.ORGANISATION):
        named = any(form.first(name) for name in ("name", "id_number", "organisation"))
        if kind_text in ("", "anonymous") and not (named and kind_text == ""):
            raise APIError(422, "anonymous_refused", ANONYMOUS_MESSAGE)
        raise APIError(
            422,
            "reporter_kind_invalid",
            f"{FIELD_LABELS['reporter_kind']}：应为个人或单位",
        )
    kind = ReporterKind(kind_text)
    if kind is ReporterKind.INDIVIDUAL:
        if not form.first("name") and not form.first("id_number"):
            raise APIError(422, "anonymous_refused", ANONYMOUS_MESSAGE)
        reporter["name"] = _text(form, "name", problems, required=True)
        document = form.first("id_type").strip() or DocumentKind.ID_CARD.value
        if document not in set(DocumentKind):
            allowed = "、".join(kind.label for kind in DocumentKind)
            problems.add("id_type_invalid", f"{FIELD_LABELS['id_type']}：应为{allowed}之一")
            document = DocumentKind.ID_CARD.value
        kind_of_document = DocumentKind(document)
        number = normalise_document(_text(form, "id_number", problems, required=True))
        if number:
            problem = document_problem(kind_of_document, number)
            if problem is not None:
                problems.add(
                    "id_number_invalid",
                    f"{kind_of_document.label}号码：{problem}，请核对后重新填写",
                )
        if kind_of_document is not DocumentKind.ID_CARD:
            reporter["id_type"] = kind_of_document.label
        reporter["id_number"] = number
        if letters:
            problems.add(
                "letter_not_needed",
                f"{FIELD_LABELS['letter']}：只有以单位名义提出异议时才需上传，请作为证据材料上传",
            )
    else:
        if not form.first("organisation"):
            raise APIError(422, "anonymous_refused", ANONYMOUS_MESSAGE)
        reporter["organisation"] = _text(form, "organisation", problems, required=True)
        reporter["contact"] = _text(form, "contact", problems, required=True)
        if not letters:
            problems.add(
                "letter_missing",
                f"{FIELD_LABELS['letter']}：以单位名义提出异议的，须上传加盖单位公章的书面材料"
                "（pdf、png、jpg 或 jpeg）",
            )
    typed_phone = _text(form, "phone", problems, required=True)
    phone = normalise_phone(typed_phone) if typed_phone else ""
    if typed_phone and phone is None:
        problems.add(
            "phone_invalid",
            f"{FIELD_LABELS['phone']}：应为中国大陆 11 位手机号码（如 13800138000），"
            "或香港、澳门的手机号码（如 +852 91234567、+853 66123456）",
        )
    reporter["phone"] = phone or ""
    email = _text(form, "email", problems, required=False)
    if email:
        if not EMAIL.fullmatch(email):
            problems.add(
                "email_invalid", f"{FIELD_LABELS['email']}：格式不正确，如 name@example.com"
            )
        reporter["email"] = email

    entrant_id = _text(form, "entrant", problems, required=True)
    entrant = None
    if entrant_id:
        entrant = next((e for e in notice_entrants(content, notice) if e.id == entrant_id), None)
        if entrant is None:
            problems.add(
                "entrant_not_listed",
                f"{FIELD_LABELS['entrant']}：{entrant_id[:40]} 不在本公示的名单上，"
                "只能对本公示名单中的申报主体提出异议",
            )

    reasons: list[Reason] = []
    for value in form.fields.get("reason", []):
        try:
            reason = Reason(value.strip())
        except ValueError:
            allowed = "、".join(r.value for r in Reason)
            problems.add(
                "reason_invalid",
                f"{FIELD_LABELS['reason']}：“{value[:40]}”不是可选理由（{allowed}）",
            )
            continue
        if reason not in reasons:
            reasons.append(reason)
    if not reasons and not any(code == "reason_invalid" for code, _ in problems.items):
        problems.add("reason_missing", f"{FIELD_LABELS['reason']}：请至少选择一项")

    statement = form.first("statement")
    label = FIELD_LABELS["statement"]
    if len(statement) < MIN_STATEMENT_CHARS:
        problems.add(
            "statement_too_short",
            f"{label}：请具体说明异议的事实和理由（不少于 {MIN_STATEMENT_CHARS} 个字）",
        )
    elif len(statement) > text_max_chars:
        problems.add("field_too_long", f"{label}：不超过 {text_max_chars} 个字")
    elif _CONTROL.search(statement):
        problems.add("field_invalid", f"{label}：不能包含控制字符")

    captcha_id = _text(form, "captcha_id", problems, required=True)
    captcha_answer = _text(form, "captcha_answer", problems, required=True)
    problems.raise_any()
    assert entrant is not None
    return Submission(
        entrant=entrant,
        reasons=tuple(reasons),
        statement=statement,
        reporter_kind=kind,
        reporter=reporter,
        captcha_id=captcha_id,
        captcha_answer=captcha_answer,
    )
