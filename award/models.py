"""The award-year data: entrants, stage lists, ballots, and the notices that publish them."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator, model_validator

from award.categories import Category, EntryKind, Level
from award.moments import to_moment
from award.stages import Stage
from award.windows import Window

EntryId = Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$")]


class Strict(BaseModel):
    """A model that refuses unknown keys, so a misspelt key is an error, not a silent default."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class PastAward(Strict):
    """An award an entrant won in an earlier year."""

    year: int
    level: Level


class Entrant(Strict):
    """An applicant: an organisation, or a project entered by its owner."""

    id: EntryId
    name: Annotated[str, Field(min_length=2, max_length=100)]
    credit_code: str
    category: Category
    kind: EntryKind
    project: Annotated[str, Field(min_length=2, max_length=100)] | None = None
    group: str | None = None
    business: str | None = None
    fully_state_funded: bool = False
    past_awards: tuple[PastAward, ...] = ()

    @property
    def display_name(self) -> str:
        """The name as published: the project name after its owner for a project."""
        return f"{self.name}（{self.project}）" if self.project else self.name


def _entry_from_id(value: Any) -> Any:
    return {"entrant": value} if isinstance(value, str) else value


class ListEntry(Strict):
    """One entrant on a stage's list, with its score (percent of the total) and level if given."""

    entrant: EntryId
    score: Annotated[float, Field(ge=0, le=100)] | None = None
    level: Level | None = None
    repeat: bool = False


StageList = list[Annotated[ListEntry, BeforeValidator(_entry_from_id)]]


class VotePeriod(StrEnum):
    """How often one voter may vote in a ballot."""

    WINDOW = "window"
    DAY = "day"


def _start_moment(value: Any) -> Any:
    return to_moment(value) if isinstance(value, date | str) else value


def _end_moment(value: Any) -> Any:
    return to_moment(value, end_of_day=True) if isinstance(value, date | str) else value


StartMoment = Annotated[datetime, BeforeValidator(_start_moment)]
EndMoment = Annotated[datetime, BeforeValidator(_end_moment)]


class Ballot(Strict):
    """The online public vote (网络公众投票) of a category's social-evaluation stage."""

    id: EntryId
    category: Category
    title: str | None = None
    opens: StartMoment
    closes: EndMoment
    period: VotePeriod = VotePeriod.DAY
    max_choices: Annotated[int, Field(ge=1, le=20)] = 1
    show_counts_while_open: bool = False
    daily_cap_per_address: Annotated[int, Field(ge=1, le=100_000)] = 200

    @property
    def window(self) -> Window:
        """The ballot's voting window."""
        return Window(start=self.opens, end=self.closes)


class AwardYear(Strict):
    """One award year: its entrants, each stage's list, and its ballots."""

    year: Annotated[int, Field(ge=2004, le=2100)]
    demo: bool = False
    entrants: list[Entrant] = []
    stages: dict[Stage, StageList] = {}
    ballots: list[Ballot] = []


class NoticeKind(StrEnum):
    """A notice is an announcement (公告) or a publicity notice (公示) with a window."""

    ANNOUNCEMENT = "announcement"
    PUBLICITY = "publicity"

    @property
    def label(self) -> str:
        """The kind's Chinese name."""
        return {"announcement": "公告", "publicity": "公示"}[self.value]


class NoticeWindow(Strict):
    """A notice's window as written: a start, and an end date or a number of working days."""

    start: StartMoment
    end: EndMoment | None = None
    working_days: Annotated[int, Field(ge=1, le=60)] | None = None

    @model_validator(mode="after")
    def _one_end(self) -> NoticeWindow:
        if (self.end is None) == (self.working_days is None):
            raise ValueError("window 须写明 end（截止日期）或 working_days（工作日数）之一")
        return self


class NoticeMeta(Strict):
    """The front matter of a notice page."""

    title: Annotated[str, Field(min_length=4, max_length=120)]
    date: date
    kind: NoticeKind = NoticeKind.ANNOUNCEMENT
    year: int | None = None
    stage: Stage | None = None
    category: Category | None = None
    ballots: list[EntryId] = []
    window: NoticeWindow | None = None
    objections: bool = False
    demo: bool = False
    #: The document number (文号), e.g. 深质奖秘〔2026〕12号; shown under the title.
    number: Annotated[str, Field(min_length=3, max_length=40)] | None = None
    #: The issuing body when it is not the site's configured one (extra.contact.name).
    issuer: Annotated[str, Field(min_length=2, max_length=60)] | None = None

    @field_validator("date", mode="before")
    @classmethod
    def _date_only(cls, value: Any) -> Any:
        return value.date() if isinstance(value, datetime) else value

    @model_validator(mode="after")
    def _consistent(self) -> NoticeMeta:
        if self.stage is not None and self.year is None:
            raise ValueError("公布名单（stage）的通知须写明 year（年度）")
        if self.kind is NoticeKind.PUBLICITY and self.window is None:
            raise ValueError("公示（kind: publicity）须写明 window（公示期）")
        if self.objections and self.kind is not NoticeKind.PUBLICITY:
            raise ValueError("只有公示（kind: publicity）可以开放异议（objections: true）")
        return self


class Notice(BaseModel):
    """A notice page: its id (file name), source file, front matter, body and resolved window."""

    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)

    id: str
    path: Path
    meta: NoticeMeta
    body: str
    window: Window | None = None


class YearFile(BaseModel):
    """An award year with the file it came from."""

    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)

    path: Path
    data: AwardYear


Source = Literal["content", "demo"]
