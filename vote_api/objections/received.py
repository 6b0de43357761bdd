"""An objection as received: its fields and their limits, and the files sealed so far."""

from __future__ import annotations

from dataclasses import dataclass, field

from vote_api.core.humancheck import TOKEN_MAX_LENGTH
from vote_api.objections.models import FileRole

#: The form's fields, with the names a person reads in messages.
FIELD_LABELS: dict[str, str] = {
    "entrant": "被异议的申报主体",
    "reason": "异议理由",
    "statement": "异议事实与理由",
    "reporter_kind": "异议人类型",
    "name": "姓名",
    "id_type": "证件类型",
    "id_number": "证件号码",
    "phone": "联系电话",
    "email": "电子邮箱",
    "organisation": "单位名称",
    "contact": "联系人",
    "captcha_id": "验证码编号",
    "captcha_answer": "验证码",
    "evidence": "证据材料",
    "letter": "加盖公章的书面材料",
}
#: Upper bounds in characters for the short fields (the statement's comes from the settings).
SHORT_FIELD_CHARS: dict[str, int] = {
    "entrant": 40,
    "reason": 40,
    "reporter_kind": 20,
    "name": 40,
    "id_type": 40,
    "id_number": 24,
    "phone": 20,
    "email": 254,
    "organisation": 100,
    "contact": 40,
    "captcha_id": TOKEN_MAX_LENGTH,  # a vendor's token
    "captcha_answer": 16,
}
#: Fields that may repeat.
MULTI_FIELDS = frozenset({"reason"})
#: Room for surrounding spaces a browser or a paste may add; the precise rule is checked later.
_SLACK_CHARS = 16


@dataclass(frozen=True)
class FormLimits:
    """The limits of one objection, from the settings."""

    max_files: int
    max_file_bytes: int
    text_max_chars: int

    def field_bytes(self, name: str) -> int:
        """The most bytes a text field may take while streaming (4 bytes per UTF-8 character)."""
        chars = self.text_max_chars if name == "statement" else SHORT_FIELD_CHARS[name]
        return (chars + _SLACK_CHARS) * 4


@dataclass
class ReceivedFile:
    """A file received and sealed under a temporary name."""

    role: FileRole
    name: str
    extension: str
    storage_name: str
    size: int = 0


@dataclass
class ReceivedForm:
    """The text fields (each a list of values) and the sealed files of an objection."""

    fields: dict[str, list[str]] = field(default_factory=dict)
    files: list[ReceivedFile] = field(default_factory=list)

    def first(self, name: str) -> str:
        """A field's first value, stripped ('' when absent)."""
        values = self.fields.get(name) or [""]
        return values[0].strip()


def mebibytes(count: int) -> str:
    """A byte count in words for messages, e.g. 50 MB."""
    value = count / (1024 * 1024)
    return f"{value:g} MB" if value >= 1 else f"{count // 1024} KB"
