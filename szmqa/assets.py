"""The files published as they are (docs/, overrides/): names, types by content, sizes.

Every file under the published folders is checked before a build: its name (lower-case
letters, digits, ``-``, ``_`` and ``.``: a Chinese or spaced name breaks links and differs
between Windows and the server), its type by its first bytes (an "image" must start as one),
and its size against its kind's cap. Each problem names the file and the fix.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from award.problems import Problem
from vote_api.objections.filetypes import EVIDENCE_TYPES

#: The folders whose files the site publishes as they are.
PUBLISHED_FOLDERS = ("docs", "overrides")
MEGABYTE = 1024 * 1024
NAME = re.compile(r"^[a-z0-9_.][a-z0-9._-]{0,99}$")


@dataclass(frozen=True)
class Kind:
    """A kind of file: its Chinese name, its size cap and what its first bytes must be."""

    label: str
    cap: int
    #: None: UTF-8 text without NUL bytes.
    signatures: tuple[bytes, ...] | None = None


TEXT = Kind("文本文件", 2 * MEGABYTE)
IMAGE = 5 * MEGABYTE
DOCUMENT = 20 * MEGABYTE
FONT = 2 * MEGABYTE
KINDS: dict[str, Kind] = {
    **{ext: TEXT for ext in ("md", "css", "js", "json", "yml", "yaml", "txt", "html", "xml")},
    **{ext: TEXT for ext in ("csv", "ics", "gitkeep", "gitignore")},
    "svg": Kind("SVG 图片", IMAGE),
    "png": Kind("图片", IMAGE, EVIDENCE_TYPES["png"]),
    "jpg": Kind("图片", IMAGE, EVIDENCE_TYPES["jpg"]),
    "jpeg": Kind("图片", IMAGE, EVIDENCE_TYPES["jpeg"]),
    "gif": Kind("图片", IMAGE, (b"GIF87a", b"GIF89a")),
    "webp": Kind("图片", IMAGE, (b"RIFF",)),
    "ico": Kind("图标", MEGABYTE, (b"\x00\x00\x01\x00",)),
    "woff": Kind("字体", FONT, (b"wOFF",)),
    "woff2": Kind("字体", FONT, (b"wOF2",)),
    **{
        ext: Kind("文档", DOCUMENT, EVIDENCE_TYPES[ext])
        for ext in ("pdf", "docx", "xlsx", "doc", "xls", "ppt", "zip")
    },
}
EXECUTABLES = (
    (b"MZ", "Windows 可执行程序"),
    (b"\x7fELF", "Linux 可执行程序"),
    (b"\xcf\xfa\xed\xfe", "macOS 可执行程序"),
    (b"\xca\xfe\xba\xbe", "macOS 可执行程序"),
)
#: What an SVG must not carry: it would run as a page if opened on its own.
SVG_ACTIVE = re.compile(rb"<script|javascript:|\son[a-z]+\s*=", re.IGNORECASE)


def _extension(name: str) -> str:
    return name.rsplit(".", 1)[-1].lower() if "." in name.lstrip(".") else name.lstrip(".")


def _size(count: int) -> str:
    return f"{count / MEGABYTE:.1f} MB" if count >= MEGABYTE / 10 else f"{count} 字节"


def file_problem(path: Path, shown: str) -> tuple[str, str] | None:
    """(rule, message) for one published file, or None if it may be published."""
    if path.is_symlink():
        return "文件类型", "不接受符号链接：请放入文件本身"
    for part in Path(shown).parts[1:]:
        if not NAME.match(part):
            return "文件名", (
                f"“{part}”不可用作文件名：只用小写英文字母、数字、-、_ 和 .（不超过 100 个字符；"
                "中文写在页面标题或正文里），改名后同时修改引用它的链接"
            )
    extension = _extension(path.name)
    kind = KINDS.get(extension)
    if kind is None:
        accepted = "、".join(sorted({e for e in KINDS if e not in ("gitkeep", "gitignore")}))
        return "文件类型", f"不接受 .{extension} 文件；网站只发布这些类型：{accepted}"
    size = path.stat().st_size
    if size > kind.cap:
        return "文件大小", (
            f"大小 {_size(size)}，超过{kind.label}的上限 {_size(kind.cap)}："
            "请压缩（图片可缩小尺寸或改存为 jpg）后再提交，大文件请另行发布并在页面中链接"
        )
    with path.open("rb") as handle:
        head = handle.read(16)
    for signature, what in EXECUTABLES:
        if head.startswith(signature):
            return "文件类型", f"内容是{what}，不予发布"
    if kind.signatures is not None:
        matches = any(head.startswith(s) for s in kind.signatures)
        if extension == "webp":
            matches = matches and head[8:12] == b"WEBP"
        if not matches:
            return "文件类型", (
                f"内容不是 .{extension} 文件（文件头不符）：请提交原始格式的文件，不要只改扩展名"
            )
        return None
    data = path.read_bytes()
    if b"\0" in data:
        return "文件类型", f"内容不是文本（含空字节），不是 .{extension} 文件"
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return "编码", "文本文件须为 UTF-8 编码：请在编辑器中另存为 UTF-8"
    if extension == "svg" and SVG_ACTIVE.search(data):
        return "文件类型", "SVG 图片不能含有脚本或事件属性（<script>、onload= 等）"
    return None


def asset_problems(root: Path, folders: tuple[str, ...] = PUBLISHED_FOLDERS) -> list[Problem]:
    """Every problem with the published files under a source folder (docs/ and overrides/)."""
    problems = []
    for folder in folders:
        base = root / folder
        if not base.is_dir():
            continue
        for path in sorted(base.rglob("*")):
            if path.is_dir() and not path.is_symlink():
                continue
            shown = path.relative_to(root).as_posix()
            found = file_problem(path, shown)
            if found is not None:
                problems.append(Problem(shown, "", found[0], found[1]))
    return problems
