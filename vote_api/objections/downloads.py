"""An objection's attachment as a decrypted download, for the admin API and the console alike."""

from __future__ import annotations

from collections.abc import Iterator

import anyio
from fastapi.responses import StreamingResponse

from vote_api.core.crypto import SealError
from vote_api.core.downloads import file_download
from vote_api.core.errors import APIError
from vote_api.objections.cases import download_name
from vote_api.objections.models import ObjectionCase, ObjectionFile
from vote_api.objections.service import Objections


async def attachment_response(
    objections: Objections, case: ObjectionCase, row: ObjectionFile
) -> StreamingResponse:
    """The file decrypted as it streams; 410 when it is missing or does not open."""
    path = objections.store.final_path(row.storage_name)
    if not path.is_file():
        raise APIError(410, "file_missing", "附件文件缺失，请联系系统管理员")
    chunks = objections.sealer.file_chunks(path, row.storage_name)
    try:  # the first chunk is opened before answering, so damage is a 410, not a cut-off 200
        first = await anyio.to_thread.run_sync(lambda: next(chunks, b""))
    except SealError:
        raise APIError(410, "file_damaged", "附件文件已损坏，无法解密，请联系系统管理员") from None
    name = download_name(case, row, objections.sealer)

    def body() -> Iterator[bytes]:
        yield first
        yield from chunks

    fallback = f"{case.case_number}-{row.id}.{row.extension}"
    return file_download(body(), row.size, name, fallback)
