"""The review against the replayable simulator (a smaller run of bench/bench_review.py)."""

from __future__ import annotations

import pytest

from bench.review_sim import Shape, first_caught, run, shapes

DAYS = 3
PER_DAY = 1500
SEED = 1
#: A trickle of a few votes an hour, with fresh devices, networks and numbers, hides among a
#: candidate's own daytime votes: only its night hours stand out (see the bench's table).
TRICKLES = {shape.name for shape in shapes() if shape.name.startswith("细水长流")}


def test_review_sim_organic_days_alone_put_under_2_percent_of_votes_in_clusters() -> None:
    outcome = run(None, seed=SEED, days=DAYS, per_day=PER_DAY)
    assert outcome.organic > 4000
    assert outcome.false_positive < 0.02


@pytest.mark.parametrize(
    "shape",
    [
        pytest.param(
            s,
            id=s.name,
            marks=[pytest.mark.xfail(strict=True, reason="trickle hidden by day")]
            if s.name in TRICKLES
            else [],
        )
        for s in shapes()
    ],
)
def test_review_sim_every_campaign_of_50_or_more_is_flagged_with_80_percent_of_it(
    shape: Shape,
) -> None:
    outcome = run(shape, seed=SEED, days=DAYS, per_day=PER_DAY)
    assert outcome.campaign >= 50
    assert outcome.false_positive < 0.02
    assert outcome.recall >= 0.8, outcome


def test_review_sim_the_199_vote_burst_is_caught_from_its_first_vote() -> None:
    burst = shapes()[0]
    assert burst.name.startswith("突发：199")
    assert first_caught(burst, seed=SEED, days=DAYS, per_day=PER_DAY, first=40) == 40


def test_review_sim_is_replayable() -> None:
    shape = shapes()[3]
    assert run(shape, seed=5, days=2, per_day=800) == run(shape, seed=5, days=2, per_day=800)
