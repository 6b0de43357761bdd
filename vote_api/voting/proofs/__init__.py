"""The registry of voter proof methods, by the name a ballot gives in the year file.

A new method is one module implementing ``VoterProofMethod`` (with its routes), one line
here, and its name in ``award.models.VoterProof`` (what ``szmqa check`` accepts).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TypeVar

from fastapi import APIRouter

from award.models import VoterProof
from vote_api.voting.proofs.device import DeviceProof
from vote_api.voting.proofs.method import ProofSetup, VoterProofMethod
from vote_api.voting.proofs.phone.method import PhoneProof
from vote_api.voting.proofs.wechat.method import WechatProof

M = TypeVar("M")

#: Every method, each built once per app from its settings.
METHODS = (DeviceProof, PhoneProof, WechatProof)


class ProofMethods:
    """An app's methods, by name."""

    def __init__(self, setup: ProofSetup) -> None:
        self._by_name: dict[VoterProof, VoterProofMethod] = {
            method.name: method.build(setup) for method in METHODS
        }

    def __getitem__(self, name: VoterProof) -> VoterProofMethod:
        return self._by_name[name]

    def __iter__(self) -> Iterator[VoterProofMethod]:
        return iter(self._by_name.values())

    def of(self, kind: type[M]) -> M:
        """The method of this class."""
        found = next(method for method in self if isinstance(method, kind))
        return found

    def routers(self) -> list[APIRouter]:
        """The routes of every method that has some."""
        return [method.router for method in self if method.router is not None]
