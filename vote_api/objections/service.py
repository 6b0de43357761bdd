"""The objections' part of an app: the sealer, the evidence folder and the form's limits."""

from __future__ import annotations

from dataclasses import dataclass

from award.content import Content
from vote_api.core.crypto import Sealer
from vote_api.core.errors import APIError
from vote_api.core.humancheck import Purpose
from vote_api.core.settings import Settings
from vote_api.objections.flood import FloodGuard
from vote_api.objections.received import FormLimits
from vote_api.objections.storage import UploadStore


@dataclass(frozen=True)
class Objections:
    """The objection service's parts, built once per app from the settings."""

    sealer: Sealer
    store: UploadStore
    limits: FormLimits
    retention_days: int
    flood: FloodGuard

    @classmethod
    def from_settings(cls, settings: Settings, sealer: Sealer) -> Objections:
        """Build from the settings (creates the upload folder, never inside a served one)."""
        refuse_served_upload_dir(settings)
        store = UploadStore(settings.objection_upload_path)
        store.ensure()
        return cls(
            sealer=sealer,
            store=store,
            limits=FormLimits(
                max_files=settings.objection_max_files,
                max_file_bytes=settings.objection_max_file_bytes,
                text_max_chars=settings.objection_text_max_chars,
            ),
            retention_days=settings.objection_retention_days,
            flood=FloodGuard(
                folder=settings.objection_upload_path,
                daily_bytes_per_network=settings.objection_daily_bytes_per_network,
                min_free_disk_bytes=settings.objection_min_free_disk_bytes,
            ),
        )

    @staticmethod
    def purposes() -> list[Purpose]:
        """The action a human check guards here: filing an objection to a notice."""
        return [Purpose("objection", notice_scope)]


def notice_scope(content: Content, target: str) -> str:
    """The scope of an objection's challenges; refuses a notice that takes no objections."""
    notice = content.notice(target)
    if notice is None or not notice.meta.objections:
        raise APIError(404, "notice_not_found", f"没有编号为 {target} 的可提出异议的公示")
    return f"objection:{target}"


def refuse_served_upload_dir(settings: Settings) -> None:
    """Refuse an evidence folder inside the published site or content: it must never be served."""
    upload = settings.objection_upload_path.resolve()
    for served in (settings.site_dir, settings.content_dir):
        if served is not None and upload.is_relative_to(served.resolve()):
            raise ValueError(
                f"SZMQA_OBJECTION_UPLOAD_DIR ({upload}) must not be inside {served.resolve()}, "
                "which is published: evidence files must never be served"
            )
