"""The award-year data: entrants, stage lists, ballots, and the notices that publish them."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PrivateAttr,
    field_validator,
    model_validator,
)

from award.categories import Category, EntryKind, Level
from award.moments import to_moment
from award.stages import Stage
from award.windows import Window

#: Every id of demo content (ballots, notices, year pages) starts with this; real ones never do.
DEMO_PREFIX = "demo-"

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


class VoterProof(StrEnum):
    """How a ballot tells its voters apart."""

    PHONE = "phone"
    DEVICE = "device"
    WECHAT = "wechat"

    @property
    def label(self) -> str:
        """What the vote page tells the voter."""
        return {
            "phone": "每个中国大陆手机号码凭短信验证码投票",
            "device": "每个浏览器凭其投票标识（Cookie）投票",
            "wechat": "每个微信用户在微信中打开本页，经微信授权确认身份后投票",
        }[self.value]


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
    #: A verified mobile number by default: a browser cookie is dropped at will, so the
    #: device proof is only for low-stakes ballots that choose it in the year file.
    identity: VoterProof = VoterProof.PHONE
    #: Refuse numbers of virtual operators and data-only / IoT segments (phone ballots).
    refuse_virtual_numbers: bool = True
    #: Set from the year's ``demo`` flag: a demo ballot's window uses the demo calendar.
    _demo: bool = PrivateAttr(default=False)

    @model_validator(mode="after")
    def _closes_after_opens(self) -> Ballot:
        if self.closes <= self.opens:
            raise ValueError(
                f"投票 {self.id} 的 closes（截止时间 {self.closes:%Y-%m-%d %H:%M}）须晚于 "
                f"opens（开始时间 {self.opens:%Y-%m-%d %H:%M}）"
            )
        return self

    @property
    def window(self) -> Window:
        """The ballot's voting window."""
        return Window(start=self.opens, end=self.closes, provisional=self._demo)


#: The two alternatives after the defence; each category of a year takes one of them.
EVALUATION_STAGES = (Stage.SITE_CHECK, Stage.SOCIAL_EVALUATION)


def _evaluation_stage(value: Any) -> Any:
    if not isinstance(value, str) or value not in {stage.value for stage in EVALUATION_STAGES}:
        raise ValueError(
            f"应为 site_check（现场核查）或 social_evaluation（社会评价），当前为“{value}”"
        )
    return value


class AwardYear(Strict):
    """One award year: its entrants, each stage's list, and its ballots."""

    year: Annotated[int, Field(ge=2004, le=2100)]
    demo: bool = False
    #: Which stage follows the defence for each category this year: site check or social evaluation.
    evaluation: dict[Category, Annotated[Stage, BeforeValidator(_evaluation_stage)]] = {}
    entrants: list[Entrant] = []
    stages: dict[Stage, StageList] = {}
    #: The day a stage list becomes public when no notice publishes it (a notice's date counts
    #: too: the earlier of the two). A list with neither is never public (award/publication.py).
    published: dict[Stage, date] = {}
    ballots: list[Ballot] = []
    #: In a public view (award/publication.py): the (stage, category) lists out at its moment.
    _released: frozenset[tuple[Stage, Category]] | None = PrivateAttr(default=None)

    @property
    def slug(self) -> str:
        """The name of the year's pages: 2026, or demo-2026 for the demo year."""
        return f"{DEMO_PREFIX}{self.year}" if self.demo else str(self.year)

    @property
    def released(self) -> frozenset[tuple[Stage, Category]] | None:
        """In a public view, the (stage, category) lists out; None in the full data."""
        return self._released

    def list_public(self, stage: Stage, category: Category) -> bool:
        """Whether a stage's list is out for a category (in the full data: whether it is written)."""
        if self._released is None:
            return bool(self.stages.get(stage))
        return (stage, category) in self._released

    @model_validator(mode="after")
    def _mark_demo_ballots(self) -> AwardYear:
        for ballot in self.ballots:
            ballot._demo = self.demo
        return self


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
        if self.end is not None and self.end <= self.start:
            raise ValueError(
                f"window 的 end（截止 {self.end:%Y-%m-%d %H:%M}）须晚于 "
                f"start（开始 {self.start:%Y-%m-%d %H:%M}）"
            )
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


@dataclass(frozen=True)
class Content:
    """Every award year and notice found in the content folders."""

    years: tuple[YearFile, ...] = ()
    notices: tuple[Notice, ...] = ()
    #: Years whose file exists but could not be read (already reported; not reported again).
    unreadable_years: frozenset[int] = frozenset()
    _by_year: dict[tuple[int, bool], YearFile] = field(
        default_factory=dict, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        self._by_year.update({(item.data.year, item.data.demo): item for item in self.years})

    def year(self, year: int, demo: bool | None = None) -> YearFile | None:
        """The award year's data (the real one, or the demo one with ``demo``; None: real first)."""
        if demo is None:
            return self._by_year.get((year, False)) or self._by_year.get((year, True))
        return self._by_year.get((year, demo))

    def year_by_slug(self, slug: str) -> YearFile | None:
        """The award year whose pages are named by ``slug`` (2026, or demo-2026)."""
        return next((item for item in self.years if item.data.slug == slug), None)

    def year_of(self, notice: Notice) -> YearFile | None:
        """The award year a notice publishes a list of (a demo notice: the demo year)."""
        return None if notice.meta.year is None else self.year(notice.meta.year, notice.meta.demo)

    def entrant(self, year: int, entrant_id: str, demo: bool | None = None) -> Entrant | None:
        """An entrant of a year by id."""
        found = self.year(year, demo)
        if found is None:
            return None
        return next((e for e in found.data.entrants if e.id == entrant_id), None)

    def ballots(self) -> Iterator[tuple[int, Ballot]]:
        """Every ballot with its award year."""
        for item, ballot in self.year_ballots():
            yield item.data.year, ballot

    def year_ballots(self) -> Iterator[tuple[YearFile, Ballot]]:
        """Every ballot with its award year's file."""
        for item in self.years:
            for ballot in item.data.ballots:
                yield item, ballot

    def notice(self, notice_id: str) -> Notice | None:
        """A notice by id (its file name without .md)."""
        return next((n for n in self.notices if n.id == notice_id), None)

    @property
    def is_demo(self) -> bool:
        """Whether any of the content is demo data."""
        return any(y.data.demo for y in self.years) or any(n.meta.demo for n in self.notices)
