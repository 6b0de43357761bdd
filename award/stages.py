"""The review stages in order, with the ratios and score floors that govern their lists."""

from __future__ import annotations

from enum import StrEnum

from award.categories import Level


class Stage(StrEnum):
    """The stages whose lists of entrants the secretariat publishes, in process order."""

    SUBMISSION = "submission"
    ACCEPTANCE = "acceptance"
    QUALIFICATION = "qualification"
    MATERIAL_REVIEW = "material_review"
    DEFENCE = "defence"
    SITE_CHECK = "site_check"
    SOCIAL_EVALUATION = "social_evaluation"
    COMMITTEE = "committee"
    PUBLICITY = "publicity"
    APPROVAL = "approval"

    @property
    def label(self) -> str:
        """The stage's Chinese name, e.g. 集中答辩."""
        return STAGE_LABELS[self]

    @property
    def list_label(self) -> str:
        """The name of the stage's list as the guide has it, e.g. 候选名单, 拟奖名单."""
        return STAGE_LIST_LABELS.get(self, f"{self.label}名单")

    @property
    def previous(self) -> tuple[Stage, ...]:
        """The stage(s) whose list this stage's list must be drawn from (empty for the first)."""
        return PREVIOUS_STAGES[self]


STAGE_LABELS: dict[Stage, str] = {
    Stage.SUBMISSION: "系统申报",
    Stage.ACCEPTANCE: "受理申报",
    Stage.QUALIFICATION: "资格审查",
    Stage.MATERIAL_REVIEW: "材料评审",
    Stage.DEFENCE: "集中答辩",
    Stage.SITE_CHECK: "现场核查",
    Stage.SOCIAL_EVALUATION: "社会评价",
    Stage.COMMITTEE: "评委会审议",
    Stage.PUBLICITY: "社会公示",
    Stage.APPROVAL: "市政府审定",
}

#: Lists the guide names itself: the secretariat forms the candidate lists (金奖、银奖、铜奖候选名单)
#: that the committee reviews, and the committee votes the proposed list (拟奖名单) that is
#: publicised. Other lists are named after their stage (集中答辩名单, 市政府审定名单).
STAGE_LIST_LABELS: dict[Stage, str] = {
    Stage.COMMITTEE: "候选名单",
    Stage.PUBLICITY: "拟奖名单",
}

STAGE_ORDER: tuple[Stage, ...] = tuple(Stage)

#: Site check and social evaluation are alternatives after the defence, chosen by category.
PREVIOUS_STAGES: dict[Stage, tuple[Stage, ...]] = {
    Stage.SUBMISSION: (),
    Stage.ACCEPTANCE: (Stage.SUBMISSION,),
    Stage.QUALIFICATION: (Stage.ACCEPTANCE,),
    Stage.MATERIAL_REVIEW: (Stage.QUALIFICATION,),
    Stage.DEFENCE: (Stage.MATERIAL_REVIEW,),
    Stage.SITE_CHECK: (Stage.DEFENCE,),
    Stage.SOCIAL_EVALUATION: (Stage.DEFENCE,),
    Stage.COMMITTEE: (Stage.SITE_CHECK, Stage.SOCIAL_EVALUATION),
    Stage.PUBLICITY: (Stage.COMMITTEE,),
    Stage.APPROVAL: (Stage.PUBLICITY,),
}

#: Stages whose entries carry an award level.
LEVELLED_STAGES: frozenset[Stage] = frozenset({Stage.COMMITTEE, Stage.PUBLICITY, Stage.APPROVAL})

#: Stages whose lists must respect the yearly quotas.
QUOTA_STAGES: frozenset[Stage] = frozenset({Stage.PUBLICITY, Stage.APPROVAL})

#: Defence list : awards ≤ 2 : 1 per category.
DEFENCE_RATIO = 2.0

#: Site-check / social-evaluation list : awards ≤ 1.5 : 1 per category.
SHORTLIST_RATIO = 1.5

#: Shortlisted entrants must score above this share of the total score (percent).
SHORTLIST_SCORE_FLOOR = 50.0

#: Minimum score (percent of the total) for a candidate of each level.
CANDIDATE_THRESHOLDS: dict[Level, float] = {
    Level.GOLD: 60.0,
    Level.SILVER: 55.0,
    Level.BRONZE: 50.0,
}

#: Social evaluation and publicity run for at least this many working days.
MIN_WINDOW_WORKING_DAYS = 5

#: Stages that admit a list under a ratio to the category quota.
RATIO_LIMITS: dict[Stage, float] = {
    Stage.DEFENCE: DEFENCE_RATIO,
    Stage.SITE_CHECK: SHORTLIST_RATIO,
    Stage.SOCIAL_EVALUATION: SHORTLIST_RATIO,
}

#: Stages whose entrants must score above the shortlist floor where scores are given.
FLOOR_STAGES: frozenset[Stage] = frozenset({Stage.SITE_CHECK, Stage.SOCIAL_EVALUATION})
