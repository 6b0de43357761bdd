"""The human check as an interface: issued for a purpose and target, verified once.

A ``HumanCheck`` guards each SMS send, objection and vote. Where it is verified depends on
what it needs:

- ``verify`` checks an answer on its own and uses it up, right or wrong (an SMS code
  request, an objection): the built-in captcha deletes its challenge in a transaction of its
  own; a vendor's check asks the vendor.
- ``ticket`` prepares the check of an action that a database transaction records (a vote).
  A check that needs the network is verified here, before the transaction, and its ticket
  carries nothing left to check; the built-in captcha's ticket carries the challenge and the
  keyed hash of the answer, and the vote's transaction uses the challenge up and judges it
  there, so that it stays single-use however many requests race for it.

Each guarded action registers its ``Purpose`` (the scope a target's challenges are bound to,
and what issuing one also does), so the issuing route knows no feature.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Protocol

from starlette.requests import Request
from starlette.responses import Response

from award.content import Content

#: The longest challenge id or vendor token accepted (Alibaba Cloud's CaptchaVerifyParam is
#: a JSON text of about a kilobyte).
TOKEN_MAX_LENGTH = 4096


class CaptchaKind(StrEnum):
    """An image to read, or audio to listen to (for people who cannot see the image)."""

    IMAGE = "image"
    AUDIO = "audio"


@dataclass(frozen=True)
class HumanAnswer:
    """What the client sends back: the challenge's id and the answer typed (or a vendor's ticket).

    ``address`` is the person's address, which a vendor's check sends along with the ticket.
    """

    challenge_id: str
    answer: str
    address: str = ""


@dataclass(frozen=True)
class Ticket:
    """What a recorded action's transaction still has to check: nothing once ``challenge_id`` is None.

    The built-in captcha's ticket names the challenge to use up, the keyed hash of the answer
    typed and the scope it must have been issued for; a check verified before the
    transaction leaves ``challenge_id`` and ``answer_hash`` empty.
    """

    challenge_id: str | None
    answer_hash: str | None
    scope: str

    @property
    def checked(self) -> bool:
        """Whether the check was already passed (nothing for the transaction to use up)."""
        return self.challenge_id is None


@dataclass(frozen=True)
class Challenge:
    """An issued challenge: its id, and the image or audio to answer (base64), valid a while."""

    challenge_id: str
    kind: CaptchaKind
    media_type: str
    data: str
    expires_in: int


class HumanCheck(Protocol):
    """Issues challenges and verifies answers once; refusals are ``APIError``\\ s in Chinese."""

    name: str

    async def issue(
        self, request: Request, scope: str, kind: CaptchaKind, now: datetime
    ) -> Challenge:
        """A new challenge bound to ``scope``."""
        ...

    async def verify(self, answer: HumanAnswer, scope: str, now: datetime) -> None:
        """Check the answer on its own and use it up, right or wrong; refuse a wrong one."""
        ...

    async def ticket(self, answer: HumanAnswer, scope: str, now: datetime) -> Ticket:
        """Prepare the check of an action its database transaction records (see module doc)."""
        ...


#: The scope of a target, or a 404 ``APIError`` for a target that does not exist.
ScopeOf = Callable[[Content, str], str]
#: What issuing a challenge also does for the requester (e.g. give a new voter their cookie).
OnIssue = Callable[[Request, Response], None]


@dataclass(frozen=True)
class Purpose:
    """An action a human check guards: its name, the scope of a target, what issuing also does."""

    name: str
    scope_of: ScopeOf
    on_issue: OnIssue | None = None


class Purposes:
    """The purposes the features registered, by name."""

    def __init__(self, purposes: Iterable[Purpose]) -> None:
        self._by_name = {purpose.name: purpose for purpose in purposes}

    def __getitem__(self, name: str) -> Purpose:
        return self._by_name[name]

    def names(self) -> list[str]:
        """The registered purposes' names."""
        return sorted(self._by_name)
