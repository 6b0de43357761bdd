"""Keeping the vendor SDKs' HTTP debug lines (numbers, codes, tokens in them) out of every log."""

from __future__ import annotations

import logging

#: The SDKs' HTTP loggers, whose debug lines carry request URLs and bodies.
SDK_LOGGERS = ("urllib3.connectionpool", "tencentcloud_sdk_common", "darabonba-core")


class _NoDebug(logging.Filter):
    """Drops debug records, whatever level the application logs at."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.levelno >= logging.INFO


def keep_sdk_debug_out_of_logs() -> None:
    """Keep the SDK HTTP stacks' debug lines out of every log."""
    for name in SDK_LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(existing, _NoDebug) for existing in logger.filters):
            logger.addFilter(_NoDebug())
