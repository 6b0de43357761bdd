"""Helpers for the SMS gateway tests."""

from __future__ import annotations

import asyncio

from vote_api.voting.sms import SmsError, SmsGateway


async def send_watching_loop(
    gateway: SmsGateway, phone: str, code: str
) -> tuple[SmsError | None, int]:
    """Send, while a task ticks every 50 ms; the error raised (or None) and the ticks seen."""
    ticks = 0
    done = asyncio.Event()

    async def tick() -> None:
        nonlocal ticks
        while not done.is_set():
            await asyncio.sleep(0.05)
            ticks += 1

    ticker = asyncio.create_task(tick())
    try:
        await gateway.send_code(phone, code)
        error = None
    except SmsError as raised:
        error = raised
    finally:
        done.set()
        await ticker
    return error, ticks
