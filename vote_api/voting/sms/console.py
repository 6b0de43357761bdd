"""The console gateway: sends nothing, logs that, and keeps the last code for the demo page."""

from __future__ import annotations

import threading
from collections import OrderedDict

from vote_api.voting.sms.gateway import log, mask

BANNER = "【未发送短信】控制台短信网关仅供开发与演示，验证码不会发到手机"


class ConsoleGateway:
    """Development and demo stand-in: the code goes to the log (and the page), not a phone.

    With `production` set, the log shows neither the full number nor the code; the demo
    page reads the code with `last_code`.
    """

    name = "console"

    def __init__(self, production: bool = False, keep: int = 10_000) -> None:
        self.production = production
        self._keep = keep
        self._codes: OrderedDict[str, str] = OrderedDict()
        self._lock = threading.Lock()

    async def send_code(self, phone: str, code: str) -> None:
        """Log that no SMS was sent and remember `code` as the last one for `phone`."""
        with self._lock:
            self._codes[phone] = code
            self._codes.move_to_end(phone)
            while len(self._codes) > self._keep:
                self._codes.popitem(last=False)
        if self.production:
            log.warning("%s：号码 %s 的验证码已生成（见演示页面）", BANNER, mask(phone))
        else:
            log.warning("%s：号码 %s 的验证码是 %s", BANNER, mask(phone), code)

    def last_code(self, phone: str) -> str | None:
        """The last code "sent" to `phone` in this process, for the demo page to show."""
        with self._lock:
            return self._codes.get(phone)
