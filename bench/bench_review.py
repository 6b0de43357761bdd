"""Replay organic days plus campaigns of five shapes, and score the anomaly review on them.

For each campaign shape (and for organic traffic alone) it builds a ballot from one seed
(``bench/review_sim.py``: several days of organic votes shaped like real days, plus the
campaign), runs the review the console runs (``vote_api.voting.anomalies.find_clusters``)
and prints, per shape: the campaign's size, recall (the share of its votes inside any
cluster), false positives (the share of organic votes inside any cluster), the number of
clusters and the review's time. Targets: every campaign of 50 votes or more flagged with at
least 80 % of its votes in clusters; under 2 % of organic votes in any cluster.

Run: ``.venv/bin/python bench/bench_review.py [--seeds 3] [--days 7] [--per-day 3000]``.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.review_sim import first_caught, run, shapes  # noqa: E402

RECALL_TARGET = 0.8
FALSE_POSITIVE_TARGET = 0.02


def main() -> None:
    """Print the recall and false-positive table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=3, help="runs per shape (seeds 1..N)")
    parser.add_argument("--days", type=int, default=7)
    parser.add_argument("--per-day", type=int, default=3000)
    args = parser.parse_args()
    print(
        f"{args.days} 天自然投票，每天约 {args.per_day} 票，8 个候选对象；"
        f"每种形态 {args.seeds} 个种子（1–{args.seeds}）\n"
    )
    print(f"{'形态':<34}{'刷票数':>6}{'召回率':>10}{'误报率':>10}{'聚类':>6}{'耗时 ms':>9}  达标")
    for shape in [None, *shapes()]:
        outcomes, times = [], []
        for seed in range(1, args.seeds + 1):
            started = time.perf_counter()
            outcomes.append(run(shape, seed=seed, days=args.days, per_day=args.per_day))
            times.append((time.perf_counter() - started) * 1000)
        recall = min(o.recall for o in outcomes)
        wrong = max(o.false_positive for o in outcomes)
        ok = wrong < FALSE_POSITIVE_TARGET and (
            outcomes[0].campaign < 50 or recall >= RECALL_TARGET
        )
        name = outcomes[0].shape
        print(
            f"{name:<34}{outcomes[0].campaign:>6}{recall:>10.1%}{wrong:>10.2%}"
            f"{max(o.clusters for o in outcomes):>6}{statistics.median(times):>9.0f}  "
            f"{'是' if ok else '否'}"
        )
    print("\n召回率取各种子中的最低值，误报率取最高值；耗时含生成数据与复核（中位数）。")
    burst = shapes()[0]
    caught = [
        first_caught(burst, seed=seed, days=args.days, per_day=args.per_day, first=40)
        for seed in range(1, args.seeds + 1)
    ]
    print(f"199 票突发的前 40 票在聚类中：{min(caught)}/40（各种子最少）")


if __name__ == "__main__":
    main()
