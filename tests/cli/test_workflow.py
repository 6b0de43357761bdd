"""The CI workflow runs the same check and publish as the hooks; PUBLISHING.md covers the pipeline."""

from __future__ import annotations

import yaml

from tests.conftest import ROOT

WORKFLOW = ROOT / ".gitea" / "workflows" / "publish.yml"


def test_gitea_workflow_checks_every_push_and_publishes_main_daily() -> None:
    flow = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    triggers = flow[True] if True in flow else flow["on"]  # YAML 1.1 reads "on" as true
    assert triggers["push"]["branches"] == ["main"] and "pull_request" in triggers
    assert triggers["schedule"][0]["cron"] == "5 16 * * *"  # 00:05 Beijing time
    check, publish = flow["jobs"]["check"], flow["jobs"]["publish"]
    assert any(step.get("run") == ".venv/bin/szmqa check" for step in check["steps"])
    assert publish["needs"] == "check" and "refs/heads/main" in publish["if"]
    assert "schedule" not in publish["if"]  # the daily run must not republish main over a rollback
    assert any("szmqa publish --root" in step.get("run", "") for step in publish["steps"])
    assert publish["env"]["SITE_URL"].startswith("https://")
    daily = flow["jobs"]["daily"]
    assert daily["if"] == "github.event_name == 'schedule'"
    runs = [step.get("run", "") for step in daily["steps"]]
    assert any("szmqa publish --scheduled --root" in run for run in runs)


def test_publishing_guide_covers_what_a_secretary_needs() -> None:
    guide = (ROOT / "PUBLISHING.md").read_text(encoding="utf-8")
    for needed in (
        'credit_code: "',
        "repeat: true",
        "evaluation:",
        "SITE_URL",
        "szmqa install-hooks",
        "szmqa publish --rollback",
        ".gitea/workflows/publish.yml",
        "推送被拒绝时",
        "提前写好的通知",
        "demo-",
        "临时日历",
    ):
        assert needed in guide, needed
