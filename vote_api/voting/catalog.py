"""The ballots the service knows, read once from the award data, with their public wording."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from award.content import Content
from award.lists import ballot_candidates
from award.models import Ballot, VotePeriod
from award.moments import SHANGHAI, is_midnight
from award.publication import list_release_day
from award.stages import Stage
from award.windows import WindowState
from vote_api.core.errors import APIError
from vote_api.voting.models import WINDOW_PERIOD

STATE_LABELS = {
    WindowState.UPCOMING: "尚未开始",
    WindowState.OPEN: "投票进行中",
    WindowState.CLOSED: "已截止",
}
PERIOD_TEXT = {
    VotePeriod.DAY: "每人每天可投一次",
    VotePeriod.WINDOW: "投票期内每人只能投一次",
}


def moment_words(moment: datetime, *, as_end: bool = False) -> str:
    """A moment in words, e.g. 2026年11月22日 09:00; an end at midnight reads 24:00 of the day before."""
    local = moment.astimezone(SHANGHAI)
    if as_end and is_midnight(local):
        day = (local - timedelta(days=1)).date()
        return f"{day.year}年{day.month}月{day.day}日 24:00"
    return f"{local.year}年{local.month}月{local.day}日 {local:%H:%M}"


@dataclass(frozen=True)
class BallotEntry:
    """A ballot with its award year, title and candidates (id → published name, in list order)."""

    year: int
    ballot: Ballot
    title: str
    candidates: dict[str, str]
    window_text: str
    #: The day its candidates (the category's social-evaluation list) come out; None: never.
    public_from: date | None = None

    @property
    def id(self) -> str:
        """The ballot's id."""
        return self.ballot.id

    def is_public(self, now: datetime) -> bool:
        """Whether the ballot and its candidates may be shown: its list's notice is out."""
        return self.public_from is not None and self.public_from <= now.astimezone(SHANGHAI).date()

    def state(self, now: datetime) -> WindowState:
        """Whether voting is upcoming, open or closed at ``now`` (server time)."""
        return self.ballot.window.state(now)

    def results_public(self, now: datetime) -> bool:
        """Whether counts may be shown: after close, or while open if the ballot says so."""
        state = self.state(now)
        return state is WindowState.CLOSED or (
            state is WindowState.OPEN and self.ballot.show_counts_while_open
        )

    def period_key(self, now: datetime) -> str:
        """The period a vote cast at ``now`` counts in: the Shanghai date, or the whole window."""
        if self.ballot.period is VotePeriod.DAY:
            return now.astimezone(SHANGHAI).date().isoformat()
        return WINDOW_PERIOD

    def refuse_outside_window(self, now: datetime) -> None:
        """Refuse a vote before the window opens or once it has closed, saying when."""
        state = self.state(now)
        if state is WindowState.UPCOMING:
            opens = moment_words(self.ballot.opens)
            raise APIError(
                403, "ballot_not_open", f"“{self.title}”尚未开始，将于 {opens}（北京时间）开始投票"
            )
        if state is WindowState.CLOSED:
            closes = moment_words(self.ballot.closes, as_end=True)
            raise APIError(
                403,
                "ballot_closed",
                f"“{self.title}”已于 {closes}（北京时间）截止，不再接受投票；可在本页查看结果",
            )


class BallotCatalog:
    """Every ballot of the content, by id."""

    def __init__(self, content: Content) -> None:
        self._entries: dict[str, BallotEntry] = {}
        for found, ballot in content.year_ballots():
            year = found.data.year
            candidates = {e.id: e.display_name for e in ballot_candidates(found.data, ballot)}
            title = ballot.title or f"{year}年度{ballot.category.label}社会评价网络投票"
            self._entries[ballot.id] = BallotEntry(
                year=year,
                ballot=ballot,
                title=title,
                candidates=candidates,
                window_text=ballot.window.describe(),
                public_from=list_release_day(
                    content, found.data, Stage.SOCIAL_EVALUATION, ballot.category
                ),
            )

    def __iter__(self) -> Iterator[BallotEntry]:
        return iter(self._entries.values())

    def get_public(self, ballot_id: str, now: datetime) -> BallotEntry:
        """The ballot with this id if its candidates are public at ``now``; else as unknown."""
        entry = self.get(ballot_id)
        if not entry.is_public(now):
            raise _not_found(ballot_id)
        return entry

    def get(self, ballot_id: str) -> BallotEntry:
        """The ballot with this id; 404 with a Chinese message if there is none."""
        entry = self._entries.get(ballot_id)
        if entry is None:
            raise _not_found(ballot_id)
        return entry


def _not_found(ballot_id: str) -> APIError:
    return APIError(404, "ballot_not_found", f"没有编号为 {ballot_id} 的投票，请从投票页面进入")
