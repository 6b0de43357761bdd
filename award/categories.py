"""Award categories, entry kinds, levels, quotas and prize money, as the guide sets them."""

from __future__ import annotations

from enum import StrEnum


class Category(StrEnum):
    """The six award categories (奖项类别)."""

    ECONOMIC = "economic"
    CULTURE = "culture"
    SOCIAL = "social"
    ECOLOGY = "ecology"
    MANAGEMENT = "management"
    SERVICE = "service"

    @property
    def label(self) -> str:
        """The category's Chinese name, e.g. 经济类."""
        return CATEGORY_LABELS[self]

    @property
    def is_economic(self) -> bool:
        """Whether this is the economic category (organisations only, three levels)."""
        return self is Category.ECONOMIC


CATEGORY_LABELS: dict[Category, str] = {
    Category.ECONOMIC: "经济类",
    Category.CULTURE: "文化类",
    Category.SOCIAL: "社会类",
    Category.ECOLOGY: "生态类",
    Category.MANAGEMENT: "管理类",
    Category.SERVICE: "服务类",
}


class EntryKind(StrEnum):
    """What is entered: an organisation (组织奖) or a project (项目奖)."""

    ORGANISATION = "organisation"
    PROJECT = "project"

    @property
    def label(self) -> str:
        """The kind's Chinese name."""
        return {"organisation": "组织", "project": "项目"}[self.value]


class Level(StrEnum):
    """Award levels (奖项等次); the special contribution award stands outside the quotas."""

    GOLD = "gold"
    SILVER = "silver"
    BRONZE = "bronze"
    SPECIAL = "special"

    @property
    def label(self) -> str:
        """The level's Chinese name, e.g. 金奖."""
        return LEVEL_LABELS[self]


LEVEL_LABELS: dict[Level, str] = {
    Level.GOLD: "金奖",
    Level.SILVER: "银奖",
    Level.BRONZE: "铜奖",
    Level.SPECIAL: "特别贡献奖",
}

#: The order of the ranked levels: a higher number is a higher level (特别贡献奖 stands apart).
LEVEL_RANK: dict[Level, int] = {Level.GOLD: 3, Level.SILVER: 2, Level.BRONZE: 1}

#: Entry kinds each category accepts: economic accepts organisations only.
ACCEPTED_KINDS: dict[Category, frozenset[EntryKind]] = {
    category: (
        frozenset({EntryKind.ORGANISATION})
        if category.is_economic
        else frozenset({EntryKind.ORGANISATION, EntryKind.PROJECT})
    )
    for category in Category
}

#: Yearly quota per category and level; a level missing here is not awarded in that category.
QUOTAS: dict[Category, dict[Level, int]] = {
    category: (
        {Level.GOLD: 2, Level.SILVER: 3, Level.BRONZE: 6}
        if category.is_economic
        else {Level.GOLD: 1, Level.SILVER: 1}
    )
    for category in Category
}

#: The yearly total of awards that take a quota (特别贡献奖 and repeat winners do not).
TOTAL_QUOTA = 21

#: Prize money in yuan; the special contribution award carries none.
PRIZE_MONEY_YUAN: dict[Level, int] = {
    Level.GOLD: 2_000_000,
    Level.SILVER: 1_000_000,
    Level.BRONZE: 500_000,
}

#: A gold winner may apply again only this many years after its award year.
GOLD_REAPPLY_YEARS = 3


def category_quota(category: Category) -> int:
    """The number of quota-bearing awards a category may give in a year."""
    return sum(QUOTAS[category].values())


def level_allowed(category: Category, level: Level) -> bool:
    """Whether a category awards this level (the special award is open to every category)."""
    return level is Level.SPECIAL or level in QUOTAS[category]
