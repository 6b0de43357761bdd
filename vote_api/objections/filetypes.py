"""Which attachments are accepted: by extension (the guide's list) and by content (magic bytes)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from vote_api.core.errors import APIError

ZIP = (b"PK\x03\x04", b"PK\x05\x06")
OLE = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",)

#: The guide's upload formats (docs/guide/system/steps.md): extension → accepted signatures.
EVIDENCE_TYPES: dict[str, tuple[bytes, ...]] = {
    "pdf": (b"%PDF-",),
    "docx": ZIP,
    "xlsx": ZIP,
    "zip": ZIP,
    "doc": OLE,
    "xls": OLE,
    "ppt": OLE,
    "png": (b"\x89PNG\r\n\x1a\n",),
    "jpg": (b"\xff\xd8\xff",),
    "jpeg": (b"\xff\xd8\xff",),
    "rar": (b"Rar!\x1a\x07\x00", b"Rar!\x1a\x07\x01\x00"),
}
#: A letter bearing the organisation's seal is a scan or a PDF.
LETTER_TYPES = ("pdf", "png", "jpg", "jpeg")
#: Enough bytes to tell every accepted type (and executables) apart.
SNIFF_BYTES = 8

_EXECUTABLES: tuple[tuple[bytes, str], ...] = (
    (b"MZ", "Windows 可执行程序"),
    (b"\x7fELF", "Linux 可执行程序"),
    (b"\xcf\xfa\xed\xfe", "macOS 可执行程序"),
    (b"\xfe\xed\xfa\xcf", "macOS 可执行程序"),
    (b"\xca\xfe\xba\xbe", "macOS 可执行程序"),
    (b"#!", "脚本"),
)
_CONTROL = re.compile(r"[\x00-\x1f\x7f]|%[01][0-9a-f]|%7f", re.IGNORECASE)
MAX_NAME_CHARS = 200


@dataclass(frozen=True)
class FileRule:
    """What a file field accepts."""

    label: str
    extensions: tuple[str, ...]


def checked_name(field: str, raw: str) -> tuple[str, str]:
    """The upload's own name and lower-case extension, or a refusal naming the rule."""
    name = raw.strip()
    if not name:
        raise APIError(422, "file_name_missing", f"{field}：文件缺少文件名")
    if "/" in name or "\\" in name:
        raise APIError(
            422,
            "file_name_path",
            f"{field}：文件名“{_shown(name)}”含有路径分隔符（/ 或 \\），请只上传文件本身",
        )
    if _CONTROL.search(name):
        raise APIError(422, "file_name_control", f"{field}：文件名不能包含控制字符（如 NUL）")
    if len(name) > MAX_NAME_CHARS:
        raise APIError(422, "file_name_long", f"{field}：文件名不能超过 {MAX_NAME_CHARS} 个字符")
    stem, dot, extension = name.rpartition(".")
    if not dot or not stem.strip(" ."):
        raise APIError(422, "file_type", f"{field}：文件“{_shown(name)}”没有扩展名")
    return name, extension.lower()


def check_extension(field: str, name: str, extension: str, rule: FileRule) -> None:
    """Refuse an extension outside the field's list."""
    if extension not in rule.extensions:
        allowed = "、".join(rule.extensions)
        raise APIError(
            415,
            "file_type",
            f"{field}：不接受 .{extension} 格式的文件“{_shown(name)}”，{rule.label}只接受 {allowed}",
        )


def check_content(field: str, name: str, extension: str, head: bytes) -> None:
    """Refuse a file whose first bytes are not those of its extension's format."""
    if not head:
        raise APIError(422, "file_empty", f"{field}：文件“{_shown(name)}”是空文件")
    for signature, what in _EXECUTABLES:
        if head.startswith(signature):
            raise APIError(
                415,
                "file_executable",
                f"{field}：文件“{_shown(name)}”的内容是{what}，不是 .{extension} 文件，不予接收",
            )
    if not any(head.startswith(signature) for signature in EVIDENCE_TYPES[extension]):
        raise APIError(
            415,
            "file_content",
            f"{field}：文件“{_shown(name)}”的内容与扩展名 .{extension} 不符，"
            "请上传原始格式的文件（不要只修改扩展名）",
        )


def _shown(name: str) -> str:
    """A file name made safe to repeat in a message."""
    clean = _CONTROL.sub("?", name)
    return clean if len(clean) <= 60 else clean[:57] + "…"
