"""WeChat's OAuth 2.0 web authorisation (网页授权) with scope ``snsapi_base``, as a client.

The voter's browser, inside WeChat, is sent to WeChat's authorize page, which comes back to
the callback with a ``code``; the service exchanges it (once, within 5 minutes) for the
voter's openid at ``/sns/oauth2/access_token``. The openid, the access token and the code
are never logged; WeChat's error codes become Chinese refusals that say what to do next.
"""

from __future__ import annotations

import json
import logging
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass

import anyio

from vote_api.core.errors import APIError

log = logging.getLogger("vote_api.wechat")

START_AGAIN = "请回到网络投票页面，重新点击“在微信中确认身份”"

#: WeChat's error codes for a code that cannot be exchanged, as the voter is told them.
CODE_REFUSALS: dict[int, tuple[str, str]] = {
    40029: ("wechat_code_invalid", f"微信授权码无效或已过期（5 分钟内有效）。{START_AGAIN}"),
    40163: ("wechat_code_used", f"这个微信授权码已经用过。{START_AGAIN}"),
    42003: ("wechat_code_expired", f"微信授权已过期。{START_AGAIN}"),
    41008: ("wechat_code_missing", f"没有收到微信授权码。{START_AGAIN}"),
}
UNAVAILABLE = "暂时无法向微信确认身份，请稍后重试（本次未投票，不计入次数）"


@dataclass(frozen=True)
class WechatAccount:
    """The service account: its app id and secret, and WeChat's addresses (settings)."""

    app_id: str
    app_secret: str
    authorize_url: str
    api_url: str
    timeout_seconds: float

    @property
    def configured(self) -> bool:
        """Whether an app id and secret are set."""
        return bool(self.app_id and self.app_secret)

    def authorize(self, redirect_uri: str, state: str) -> str:
        """WeChat's authorize address for a silent (snsapi_base) authorisation."""
        query = urllib.parse.urlencode(
            {
                "appid": self.app_id,
                "redirect_uri": redirect_uri,
                "response_type": "code",
                "scope": "snsapi_base",
                "state": state,
            }
        )
        return f"{self.authorize_url}?{query}#wechat_redirect"

    async def openid(self, code: str) -> str:
        """The openid of an authorisation code, or an ``APIError`` (400 for a bad code, 503)."""
        query = urllib.parse.urlencode(
            {
                "appid": self.app_id,
                "secret": self.app_secret,
                "code": code,
                "grant_type": "authorization_code",
            }
        )
        url = f"{self.api_url.rstrip('/')}/sns/oauth2/access_token?{query}"
        body = await anyio.to_thread.run_sync(self._get, url)
        errcode = body.get("errcode")
        if errcode:
            number = errcode if isinstance(errcode, int) else -1
            code_name, message = CODE_REFUSALS.get(number, ("", ""))
            if code_name:
                raise APIError(400, code_name, message)
            log.warning("WeChat refused the code exchange: errcode %s", number)
            raise APIError(503, "wechat_unavailable", UNAVAILABLE)
        openid = body.get("openid")
        if not isinstance(openid, str) or not openid or len(openid) > 128:
            log.warning("WeChat's code exchange answered without an openid")
            raise APIError(503, "wechat_unavailable", UNAVAILABLE)
        return openid

    def _get(self, url: str) -> dict[str, object]:
        request = urllib.request.Request(url, headers={"Accept": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=self.timeout_seconds) as response:
                data = json.loads(response.read(65536))
        except (OSError, ValueError, urllib.error.URLError) as error:
            log.warning("WeChat's code exchange failed: %s", type(error).__name__)
            raise APIError(503, "wechat_unavailable", UNAVAILABLE) from None
        if not isinstance(data, dict):
            raise APIError(503, "wechat_unavailable", UNAVAILABLE)
        return data
