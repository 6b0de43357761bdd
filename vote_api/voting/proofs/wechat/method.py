"""The ``wechat`` proof: a voter is the openid WeChat gives the secretariat's service account.

Inside WeChat's browser, the vote page sends the voter to ``/api/wechat/start``, which
sends them on to WeChat's authorisation (``snsapi_base``: silent, no prompt) with a state
bound to this browser; WeChat comes back to ``/api/wechat/callback`` with a code, which is
exchanged for the openid; the browser then holds a signed 30-minute session of its keyed
hash. Other browsers are told to open the page in WeChat, with a QR code of the page.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, ClassVar

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from markupsafe import Markup

from award.models import Ballot, VoterProof
from vote_api.core.content import ContentHolder
from vote_api.core.db import Database
from vote_api.core.deps import NowDep
from vote_api.core.errors import APIError
from vote_api.core.limits import VERIFY_LIMIT, rate_limit
from vote_api.core.parts import dependency
from vote_api.core.qr import qr_svg
from vote_api.voting.proofs.method import BallotReadingProof, Proof, ProofSetup, Voter, keyed_hash
from vote_api.voting.proofs.wechat.oauth import WechatAccount
from vote_api.voting.proofs.wechat.session import SESSION_TTL, VerifiedWechat, WechatCookies
from vote_api.voting.proofs.wechat.states import STATE_REFUSED, new_state, take_state

router = APIRouter(tags=["wechat"])

#: The header of a redirect, for the API documentation.
LOCATION = {"Location": {"description": "转到的地址", "schema": {"type": "string"}}}

WECHAT_AGENT = "micromessenger"
OPEN_IN_WECHAT = (
    "本投票须在微信中进行：请用微信“扫一扫”扫描投票页面上的二维码，或在微信中打开本页地址，"
    "再点击“在微信中确认身份”"
)
NOT_CONFIGURED = "本投票的微信授权尚未配置，暂时无法投票，请联系秘书处"
DECLINED = (
    "您没有同意微信授权，无法确认投票人身份，本次未投票。"
    "如要投票，请回到网络投票页面，重新点击“在微信中确认身份”并同意授权"
)
NOT_VERIFIED = (
    "本投票须先在微信中确认身份：请在微信中打开投票页面，点击“在微信中确认身份”后再投票"
    "（确认后 30 分钟内有效）"
)


class WechatProof(BallotReadingProof):
    """Voters WeChat vouched for: the account, the cookies, and the proof of a vote."""

    name: ClassVar[VoterProof] = VoterProof.WECHAT
    router: ClassVar[APIRouter | None] = router
    verifies: ClassVar[bool] = True
    _KEY_PURPOSE = "voter:wechat"

    def __init__(
        self,
        secret: bytes,
        db: Database,
        contents: ContentHolder,
        account: WechatAccount,
        cookies: WechatCookies,
        site_url: str,
    ) -> None:
        self._secret = secret
        self.db = db
        self._contents = contents
        self.account = account
        self.cookies = cookies
        self._site_url = site_url.rstrip("/")

    @classmethod
    def build(cls, setup: ProofSetup) -> WechatProof:
        """The WeChat proof of an app's settings."""
        settings = setup.settings
        account = WechatAccount(
            app_id=settings.wechat_app_id,
            app_secret=settings.wechat_app_secret.get_secret_value(),
            authorize_url=settings.wechat_authorize_url,
            api_url=settings.wechat_api_url,
            timeout_seconds=settings.wechat_timeout_seconds,
        )
        cookies = WechatCookies(settings.secret, settings.trusted_proxies)
        return cls(settings.secret, setup.db, setup.contents, account, cookies, settings.site_url)

    def voter_key(self, openid: str) -> str:
        """The keyed hash a voter's votes are stored under (the openid itself is never kept)."""
        return keyed_hash(self._secret, self._KEY_PURPOSE, openid)

    def site(self, request: Request) -> str:
        """The site's public address: the setting, else the address the request came to."""
        return self._site_url or str(request.base_url).rstrip("/")

    def prove(self, request: Request, ballot: Ballot, now: datetime, device: Voter) -> Proof:
        """The verified voter's proof; 401 before WeChat vouched for them."""
        verified = self.cookies.read(request, now)
        if verified is None:
            raise APIError(401, "wechat_not_verified", NOT_VERIFIED)
        return Proof(voter_key=verified.key)

    def known(self, request: Request, now: datetime, device: Voter) -> Proof | None:
        """The proof of the voter this browser verified, if its session is still on."""
        verified = self.cookies.read(request, now)
        return None if verified is None else Proof(voter_key=verified.key)


#: The app's WeChat proof, for its own routes.
WechatMethod = Annotated[WechatProof, Depends(dependency(WechatProof))]


def refusal_page(status: int, message: str, back: str) -> HTMLResponse:
    """A short Chinese page for a browser that was sent here (not a script): what to do next."""
    body = (
        '<!doctype html><html lang="zh-CN"><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>微信确认身份未完成</title><h1>微信确认身份未完成</h1><p>{Markup.escape(message)}</p>"
        f'<p><a href="{Markup.escape(back)}">返回网络投票</a></p></html>'
    )
    return HTMLResponse(body, status_code=status)


def _wechat_ballot(wechat: WechatProof, ballot_id: str, now: datetime) -> str:
    entry = wechat.catalog.get_public(ballot_id, now)
    if entry.ballot.identity is not VoterProof.WECHAT:
        raise APIError(
            400, "not_a_wechat_ballot", "这项投票不用微信确认身份，请回到投票页面直接投票"
        )
    return entry.id


@router.get(
    "/wechat/start",
    status_code=303,
    response_class=RedirectResponse,
    dependencies=[rate_limit(VERIFY_LIMIT)],
    responses={
        303: {"description": "转到微信的授权页面", "headers": LOCATION},
        403: {"description": "不是在微信中打开（请用微信扫描投票页面上的二维码）"},
        503: {"description": "微信授权尚未配置"},
    },
)
async def start(request: Request, ballot_id: str, wechat: WechatMethod, now: NowDep) -> Response:
    """Send a voter inside WeChat to WeChat's authorisation (snsapi_base), state bound to them."""
    ballot = _wechat_ballot(wechat, ballot_id, now)
    back = f"{wechat.site(request)}/vote/#ballot-{ballot}"
    if WECHAT_AGENT not in request.headers.get("user-agent", "").lower():
        return refusal_page(403, OPEN_IN_WECHAT, back)
    if not wechat.account.configured:
        return refusal_page(503, NOT_CONFIGURED, back)
    state = await wechat.db.run(lambda session: new_state(session, ballot, now))
    callback = f"{wechat.site(request)}/api/wechat/callback"
    response = RedirectResponse(wechat.account.authorize(callback, state), status_code=303)
    wechat.cookies.give_state(request, response, state)
    return response


@router.get(
    "/wechat/callback",
    status_code=303,
    response_class=RedirectResponse,
    dependencies=[rate_limit(VERIFY_LIMIT)],
    responses={
        303: {"description": "身份已确认（30 分钟内有效），回到这项投票", "headers": LOCATION},
        400: {"description": "授权码无效、已用过或已过期；state 不是这个浏览器的或已用过"},
        403: {"description": "投票人没有同意授权"},
        503: {"description": "暂时无法向微信确认身份"},
    },
)
async def callback(
    request: Request, wechat: WechatMethod, now: NowDep, state: str = "", code: str = ""
) -> Response:
    """WeChat's answer: check the state (this browser's, once), exchange the code, start a session."""
    vote_page = f"{wechat.site(request)}/vote/"
    if not state or len(state) > 64 or not wechat.cookies.state_matches(request, state):
        return refusal_page(400, STATE_REFUSED, vote_page)
    try:
        ballot = await wechat.db.run(lambda session: take_state(session, state, now))
    except APIError as refused:
        return refusal_page(refused.status, refused.message, vote_page)
    back = f"{vote_page}#ballot-{ballot}"
    if not code:
        page = refusal_page(403, DECLINED, back)
        wechat.cookies.drop_state(request, page)
        return page
    try:
        openid = await wechat.account.openid(code[:256])
    except APIError as refused:
        page = refusal_page(refused.status, refused.message, back)
        wechat.cookies.drop_state(request, page)
        return page
    response = RedirectResponse(back, status_code=303)
    wechat.cookies.drop_state(request, response)
    verified = VerifiedWechat(key=wechat.voter_key(openid), until=now + SESSION_TTL)
    wechat.cookies.remember(request, response, verified)
    return response


@router.get(
    "/wechat/qr",
    response_class=Response,
    responses={200: {"content": {"image/svg+xml": {}}, "description": "投票页面地址的二维码"}},
)
async def page_qr(request: Request, ballot_id: str, wechat: WechatMethod, now: NowDep) -> Response:
    """A QR code (SVG) of the ballot's vote page, for opening it in WeChat from another browser."""
    ballot = _wechat_ballot(wechat, ballot_id, now)
    address = f"{wechat.site(request)}/vote/#ballot-{ballot}"
    svg = qr_svg(address, label=f"投票页面的二维码：{address}", css_class="vote-qr")
    return Response(str(svg), media_type="image/svg+xml", headers={"Cache-Control": "no-store"})
