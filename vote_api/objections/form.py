"""Reading an objection's multipart body as it streams: text fields in memory (each capped),
files encrypted straight to temporary files, every limit enforced before the next byte is kept.

No part of the body is buffered beyond one chunk: a file over its size limit, a file of the
wrong type, one file too many or an over-long field is refused the moment it shows, and
every temporary file written so far is removed.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Awaitable, Callable
from urllib.parse import parse_qsl

import anyio
from python_multipart.exceptions import FormParserError
from python_multipart.multipart import MultipartParser, parse_options_header
from starlette.requests import ClientDisconnect, Request

from vote_api.core.crypto import SealedFileWriter, Sealer
from vote_api.core.errors import APIError
from vote_api.core.nulguard import NUL_REFUSED
from vote_api.objections.filetypes import (
    EVIDENCE_TYPES,
    LETTER_TYPES,
    SNIFF_BYTES,
    FileRule,
    check_content,
    check_extension,
    checked_name,
)
from vote_api.objections.models import FileRole
from vote_api.objections.received import (
    FIELD_LABELS,
    MULTI_FIELDS,
    SHORT_FIELD_CHARS,
    FormLimits,
    ReceivedFile,
    ReceivedForm,
    mebibytes,
)
from vote_api.objections.storage import UploadStore, new_storage_name

log = logging.getLogger("vote_api.objections")

#: Checks (and uses up) a captcha: ``await on_captcha(captcha_id, answer)``; raises a refusal.
CaptchaCheck = Callable[[str, str], Awaitable[None]]
CAPTCHA_FIRST = (
    "验证码编号（captcha_id）和验证码（captcha_answer）：必须填写，且须放在附件之前"
    "（或放在请求头 X-Captcha-Id、X-Captcha-Answer 中）"
)
FILE_RULES: dict[FileRole, FileRule] = {
    FileRole.EVIDENCE: FileRule("证据材料", tuple(EVIDENCE_TYPES)),
    FileRole.LETTER: FileRule("加盖公章的书面材料", LETTER_TYPES),
}
#: Beyond any sensible form: refuse rather than parse on.
MAX_PARTS = 60
MAX_HEADER_BYTES = 4096


class _Part:
    """The part being read: a text field or a file."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.text = bytearray()
        self.file: ReceivedFile | None = None
        self.writer: SealedFileWriter | None = None
        self.head = bytearray()
        self.checked = False
        self.placeholder = False  # an empty file input (filename="") the browser sent anyway


class FormReader:
    """Streams one request body through python-multipart, enforcing every limit as it goes."""

    def __init__(
        self,
        limits: FormLimits,
        store: UploadStore,
        sealer: Sealer,
        on_captcha: CaptchaCheck | None = None,
    ) -> None:
        self.limits = limits
        self.on_captcha = on_captcha
        self._captcha_checked = on_captcha is None
        self.store = store
        self.sealer = sealer
        self.form = ReceivedForm()
        self._parts = 0
        self._headers: list[tuple[str, bytes]] = []
        self._header_name = bytearray()
        self._header_value = bytearray()
        self._part: _Part | None = None
        self._ended = False

    async def read(self, request: Request) -> ReceivedForm:
        """Read the whole body; on any refusal or error, remove every file written so far."""
        content_type, options = parse_options_header(request.headers.get("content-type", ""))
        boundary = options.get(b"boundary")
        if content_type == b"application/x-www-form-urlencoded":
            return await self._read_urlencoded(request)
        if content_type != b"multipart/form-data" or not boundary:
            raise APIError(
                415,
                "multipart_required",
                "异议须以 multipart/form-data 表单提交（含附件），请使用网站上的异议表单",
            )
        callbacks = {
            "on_part_begin": self._part_begin,
            "on_header_field": self._header_field,
            "on_header_value": self._header_value_data,
            "on_header_end": self._header_end,
            "on_headers_finished": self._headers_finished,
            "on_part_data": self._part_data,
            "on_part_end": self._part_end,
            "on_end": self._end,
        }
        try:
            try:
                parser = MultipartParser(
                    boundary,
                    callbacks,  # type: ignore[arg-type]
                    max_header_count=8,
                    max_header_size=MAX_HEADER_BYTES,
                )
                async for chunk in request.stream():
                    if chunk and not self._ended:
                        await anyio.to_thread.run_sync(parser.write, chunk)
                        await self._check_captcha()
            except FormParserError:
                raise APIError(
                    400, "multipart_invalid", "表单内容格式不正确，请使用网站上的异议表单重新提交"
                ) from None
            except ClientDisconnect:
                raise APIError(400, "upload_interrupted", "上传中断，请重新提交") from None
            except OSError:  # the upload folder is full or not writable
                log.error("objection upload could not be written to the upload folder")
                raise APIError(
                    503, "storage_failed", "服务器暂时无法保存附件，异议未能提交，请稍后重试"
                ) from None
            if not self._ended:
                raise APIError(
                    400, "upload_incomplete", "表单内容不完整（上传可能中断），请重新提交"
                )
            await self._check_captcha()
        except BaseException:
            self.discard()
            raise
        return self.form

    async def _read_urlencoded(self, request: Request) -> ReceivedForm:
        """A form without files, sent url-encoded: read within the sum of the fields' limits."""
        cap = 3 * sum(self.limits.field_bytes(name) for name in SHORT_FIELD_CHARS)
        cap += 3 * self.limits.field_bytes("statement")
        body = bytearray()
        try:
            async for chunk in request.stream():
                body += chunk
                if len(body) > cap:
                    raise APIError(413, "request_too_large", "表单内容过长，请精简后重新提交")
        except ClientDisconnect:
            raise APIError(400, "upload_interrupted", "上传中断，请重新提交") from None
        try:
            pairs = parse_qsl(
                body.decode("ascii"), keep_blank_values=True, encoding="utf-8", errors="strict"
            )
        except (UnicodeDecodeError, ValueError):
            raise APIError(400, "form_invalid", "表单内容格式不正确（须为 UTF-8）") from None
        for name, value in pairs:
            if name not in FIELD_LABELS:
                raise APIError(422, "unknown_field", f"不接受表单项“{name[:40]}”")
            if name in (FileRole.EVIDENCE, FileRole.LETTER):
                raise APIError(
                    415,
                    "multipart_required",
                    f"{FIELD_LABELS[name]}：上传文件须以 multipart/form-data 表单提交",
                )
            if name not in MULTI_FIELDS and name in self.form.fields:
                raise APIError(422, "field_repeated", f"{FIELD_LABELS[name]}：只能填写一次")
            if len(value.encode("utf-8")) > self.limits.field_bytes(name):
                raise APIError(
                    422,
                    "field_too_long",
                    f"{FIELD_LABELS[name]}：内容过长（不超过 {self._chars(name)} 个字）",
                )
            self.form.fields.setdefault(name, []).append(value)
        await self._check_captcha()
        return self.form

    async def _check_captcha(self) -> None:
        """Check the captcha as soon as both of its fields have arrived (once)."""
        if self._captcha_checked or self.on_captcha is None:
            return
        challenge_id, answer = self.form.first("captcha_id"), self.form.first("captcha_answer")
        if challenge_id and answer:
            self._captcha_checked = True
            await self.on_captcha(challenge_id, answer)

    def _refuse_file_before_captcha(self) -> None:
        if self._captcha_checked or (
            self.form.first("captcha_id") and self.form.first("captcha_answer")
        ):
            return  # checked, or checked right after this chunk
        raise APIError(422, "field_missing", CAPTCHA_FIRST)

    def _chars(self, name: str) -> int:
        return self.limits.text_max_chars if name == "statement" else SHORT_FIELD_CHARS[name]

    def discard(self) -> None:
        """Close and remove every file of this request (temporary or final)."""
        part = self._part
        if part is not None and part.writer is not None:
            part.writer.abort()
        for received in self.form.files:
            with contextlib.suppress(OSError):
                self.store.discard(received.storage_name)

    # -- parser callbacks (run in a worker thread, one chunk at a time) ----------------------

    def _part_begin(self) -> None:
        self._parts += 1
        if self._parts > MAX_PARTS:
            raise APIError(413, "too_many_parts", f"表单项过多（不超过 {MAX_PARTS} 项）")
        self._headers = []
        self._part = None

    def _header_field(self, data: bytes, start: int, end: int) -> None:
        self._header_name += data[start:end]

    def _header_value_data(self, data: bytes, start: int, end: int) -> None:
        self._header_value += data[start:end]

    def _header_end(self) -> None:
        self._headers.append(
            (self._header_name.decode("latin-1").lower(), bytes(self._header_value))
        )
        self._header_name.clear()
        self._header_value.clear()

    def _headers_finished(self) -> None:
        disposition = next((v for k, v in self._headers if k == "content-disposition"), b"")
        kind, options = parse_options_header(disposition.decode("latin-1"))
        name = _utf8(options.get(b"name", b""), "表单项名称")
        if kind != b"form-data" or not name:
            raise APIError(400, "multipart_invalid", "表单内容格式不正确：某一项缺少名称")
        if name not in FIELD_LABELS:
            raise APIError(422, "unknown_field", f"不接受表单项“{name[:40]}”")
        label = FIELD_LABELS[name]
        part = _Part(name)
        self._part = part
        is_file_field = name in (FileRole.EVIDENCE, FileRole.LETTER)
        if b"filename" not in options:
            if is_file_field:
                raise APIError(422, "file_required", f"{label}：应上传文件")
            if name not in MULTI_FIELDS and name in self.form.fields:
                raise APIError(422, "field_repeated", f"{label}：只能填写一次")
            return
        if not is_file_field:
            raise APIError(422, "file_not_allowed", f"{label}：不能上传文件")
        self._refuse_file_before_captcha()
        raw_name = _utf8(options[b"filename"], label + "的文件名")
        if not raw_name:
            part.placeholder = True
            return
        role = FileRole(name)
        file_name, extension = checked_name(label, raw_name)
        check_extension(label, file_name, extension, FILE_RULES[role])
        count = sum(1 for f in self.form.files if f.role is role)
        if role is FileRole.EVIDENCE and count >= self.limits.max_files:
            raise APIError(
                413,
                "too_many_files",
                f"{label}：最多上传 {self.limits.max_files} 个文件，请合并或精简后重新提交",
            )
        if role is FileRole.LETTER and count >= 1:
            raise APIError(422, "too_many_files", f"{label}：只需上传 1 个文件")
        storage_name = new_storage_name()
        received = ReceivedFile(role, file_name, extension, storage_name)
        self.form.files.append(received)
        part.file = received
        part.writer = self.sealer.file_writer(self.store.temp_path(storage_name), storage_name)

    def _part_data(self, data: bytes, start: int, end: int) -> None:
        part = self._part
        if part is None:
            return
        chunk = data[start:end]
        label = FIELD_LABELS[part.name]
        if part.placeholder:
            raise APIError(422, "file_name_missing", f"{label}：文件缺少文件名")
        if part.file is None:
            if len(part.text) + len(chunk) > self.limits.field_bytes(part.name):
                chars = self._chars(part.name)
                raise APIError(422, "field_too_long", f"{label}：内容过长（不超过 {chars} 个字）")
            part.text += chunk
            return
        received = part.file
        received.size += len(chunk)
        if received.size > self.limits.max_file_bytes:
            raise APIError(
                413,
                "file_too_large",
                f"{label}：文件“{received.name[:60]}”超过 "
                f"{mebibytes(self.limits.max_file_bytes)} 的上限",
            )
        if not part.checked:
            part.head += chunk[: SNIFF_BYTES - len(part.head)]
            if len(part.head) >= SNIFF_BYTES:
                check_content(label, received.name, received.extension, bytes(part.head))
                part.checked = True
        assert part.writer is not None
        part.writer.write(chunk)

    def _part_end(self) -> None:
        part = self._part
        if part is None or part.placeholder:
            self._part = None
            return
        if part.file is None:
            value = _utf8(bytes(part.text), FIELD_LABELS[part.name])
            if "\x00" in value:  # NulGuard does not scan multipart bodies (files are binary)
                raise APIError(400, "nul_character", f"{FIELD_LABELS[part.name]}：{NUL_REFUSED}")
            self.form.fields.setdefault(part.name, []).append(value)
            self._part = None
            return
        if not part.checked:
            check_content(
                FIELD_LABELS[part.name], part.file.name, part.file.extension, bytes(part.head)
            )
        assert part.writer is not None
        part.writer.close()
        self._part = None

    def _end(self) -> None:
        self._ended = True


def _utf8(raw: bytes, label: str) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        raise APIError(422, "not_utf8", f"{label}：须为 UTF-8 文本") from None
