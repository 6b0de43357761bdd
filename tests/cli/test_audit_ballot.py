"""``szmqa audit-ballot``: a clean ballot passes; tampering after a checkpoint is found.

A closed ballot gets votes at several minutes (so it has several checkpoints) and one
invalidation; then its database is changed behind the service's back as an insider could
(deleting, altering or inserting a vote, an invalidation or a log row), and the audit of what
the service then publishes fails, naming the first bad leaf index in Chinese. A second
checkpoint of one size with another root is reported as a split view.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from szmqa.cli import main
from szmqa.demo_votes import seed_closed_ballots
from tests.conftest import LiveServer
from tests.factories import ECOLOGY, NOW, SOCIAL, Apps, Clock, Env
from vote_api.core.checkpoint import sign_checkpoint
from vote_api.core.state import core_state
from vote_api.voting.deps import voting_of

#: (minutes after NOW, choices) of the votes: checkpoints at sizes 1, 3 and 5, then the close.
VOTES = [
    (0, ["SO01"]),
    (4, ["SO01", "SO02"]),
    (12, ["SO02"]),
    (15, ["SO03"]),
    (24, ["SO01", "SO03"]),
    (30, ["SO02", "SO03"]),
]


def sql(env: Env, statement: str, **params: Any) -> Any:
    """Run a statement on the app's database as someone with write access would."""
    with core_state(env.app).db.engine.begin() as connection:
        return connection.execute(text(statement), params)


def closed_ballot(make_env: Apps) -> Env:
    """A closed ballot with six votes, one invalidation and checkpoints along the way."""
    clock = Clock(NOW)
    env = make_env(clock=clock, ratelimit_enabled=False)
    for minute, choices in VOTES:
        clock.moment = NOW + timedelta(minutes=minute)
        env.new_visitor()
        assert env.vote(SOCIAL, choices).status_code == 201
    [(vote_id,)] = sql(
        env, "SELECT vote_id FROM ballot_log_leaf WHERE ballot_id = :b AND leaf_index = 3", b=SOCIAL
    ).all()
    answer = env.client.post(
        f"/api/admin/votes/{vote_id}/invalidate", json={"reason": "复核发现为脚本投票"},
        headers=env.admin(),
    )  # fmt: skip
    assert answer.status_code == 200, answer.text
    clock.moment = datetime.fromisoformat(env.ballot(SOCIAL)["closes"])
    sizes = [c["size"] for c in checkpoints(env)["checkpoints"]]
    assert sizes == [1, 3, 5, 7]  # the last one signed at the close
    return env


def checkpoints(env: Env) -> dict[str, Any]:
    """The ballot's checkpoints as published."""
    return dict(env.client.get(f"/api/ballots/{SOCIAL}/checkpoints").json())


def published(env: Env, folder: Path, ballot: str = SOCIAL) -> Path:
    """Save what the service publishes about the ballot, as ``audit-ballot --save`` does."""
    folder.mkdir(parents=True, exist_ok=True)
    voting_of(env.app).ballot_log.forget(ballot)  # as a fresh worker: read from the database
    files = {
        "key": env.client.get("/api/ballot-log/key").json(),
        "ballot": env.client.get(f"/api/ballots/{ballot}").json(),
        "results": env.client.get(f"/api/ballots/{ballot}/results").json(),
        "checkpoints": env.client.get(f"/api/ballots/{ballot}/checkpoints").json(),
        "leaves": env.client.get(f"/api/ballots/{ballot}/log/leaves").json(),
    }
    for name, value in files.items():
        (folder / f"{name}.json").write_text(json.dumps(value, ensure_ascii=False), "utf-8")
    return folder


def audit(folder: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    """Run ``szmqa audit-ballot folder``; its exit status and output."""
    status = main(["audit-ballot", str(folder)])
    return status, capsys.readouterr().out


def test_audit_ballot_passes_a_clean_ballot(
    make_env: Apps, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    env = closed_ballot(make_env)
    status, out = audit(published(env, tmp_path / "clean"), capsys)
    assert status == 0, out
    assert "审计通过" in out and "选票 6，作废 1" in out and "4 个检查点" in out
    assert "SO01 3 票，SO02 3 票，SO03 2 票" in out  # leaf 3 (SO03) was set aside


def vote_id_at(env: Env, index: int) -> int:
    """The vote recorded by a leaf."""
    return int(
        sql(
            env,
            "SELECT vote_id FROM ballot_log_leaf WHERE ballot_id = :b AND leaf_index = :i",
            b=SOCIAL,
            i=index,
        ).scalar_one()
    )


def _delete_vote(env: Env) -> None:
    sql(env, "DELETE FROM vote WHERE id = :v", v=vote_id_at(env, 2))


def _alter_vote(env: Env) -> None:
    sql(env, "UPDATE vote SET choices = 'SO01' WHERE id = :v", v=vote_id_at(env, 2))


def _undo_invalidation(env: Env) -> None:
    sql(env, "UPDATE vote SET invalidated_at = NULL WHERE id = :v", v=vote_id_at(env, 3))


def _invalidate_outside_the_log(env: Env) -> None:
    sql(
        env,
        "UPDATE vote SET invalidated_at = created_at, invalidated_category = 'manual',"
        " invalidated_reason = 'x' WHERE id = :v",
        v=vote_id_at(env, 1),
    )


def _insert_vote_after_close(env: Env) -> None:
    sql(
        env,
        "INSERT INTO vote (ballot_id, voter_key, period_key, choices, receipt_digest, created_at,"
        " address_key) VALUES (:b, 'k', 'window', 'SO01', :d, '2026-11-24 02:10:00.000000', 'a')",
        b=SOCIAL,
        d="ab" * 32,
    )


def _delete_leaf(env: Env) -> None:
    sql(env, "DROP TRIGGER ballot_log_leaf_no_delete")
    sql(env, "DELETE FROM ballot_log_leaf WHERE ballot_id = :b AND leaf_index = 4", b=SOCIAL)


def _rewrite_leaf_and_vote(env: Env) -> None:
    """Change a vote in both the vote table and its leaf, so that the two still agree."""
    sql(env, "DROP TRIGGER ballot_log_leaf_no_update")
    sql(
        env,
        "UPDATE ballot_log_leaf SET data = replace(data, '\"SO03\"', '\"SO02\"')"
        " WHERE ballot_id = :b AND leaf_index = 4",
        b=SOCIAL,
    )
    sql(env, "UPDATE vote SET choices = 'SO01,SO02' WHERE id = :v", v=vote_id_at(env, 4))


TAMPERING: list[tuple[Callable[[Env], None], str]] = [
    (_delete_vote, "第 2 条记录：这张选票在日志中计入，结果中却没有它"),
    (_alter_vote, "第 2 条记录：日志中选的是 SO02，结果中计入的是 SO01"),
    (_undo_invalidation, "第 3 条记录：这张选票已由第 6 条记录作废，结果却计入了它"),
    (_invalidate_outside_the_log, "第 1 条记录：结果把这张选票列为作废，日志中却没有作废它的记录"),
    (_insert_vote_after_close, "第 7 条记录："),
    (_delete_leaf, "第 4 条记录：编号为 5，应为 4"),
    (_rewrite_leaf_and_vote, "第 3 条记录：从第 3 条到第 4 条记录之间"),
]


@pytest.mark.parametrize(
    ("tamper", "expected"), TAMPERING, ids=lambda v: getattr(v, "__name__", "")
)
def test_audit_ballot_finds_tampering_after_a_checkpoint(
    make_env: Apps,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    tamper: Callable[[Env], None],
    expected: str,
) -> None:
    env = closed_ballot(make_env)
    tamper(env)
    status, out = audit(published(env, tmp_path / "tampered"), capsys)
    assert status == 1, out
    assert f"审计未通过：{expected}" in out, out


def test_audit_ballot_reports_a_split_view_and_a_forged_checkpoint(
    make_env: Apps, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    env = closed_ballot(make_env)
    folder = published(env, tmp_path / "split")
    log = voting_of(env.app).ballot_log
    other = sign_checkpoint(log.origin(SOCIAL), 5, b"\x07" * 32, log.name, log.key)
    (folder / "checkpoints").mkdir()
    (folder / "checkpoints" / "mirror-5.txt").write_text(other.note, "utf-8")
    status, out = audit(folder, capsys)
    assert status == 1 and "分叉视图" in out and "同为 5" in out, out
    (folder / "checkpoints" / "mirror-5.txt").write_text(
        other.note.replace("\n5\n", "\n6\n"), "utf-8"
    )
    status, out = audit(folder, capsys)
    assert status == 1 and "检查点无效：检查点的签名无效" in out, out


def test_audit_ballot_downloads_from_the_service_and_saves_a_folder(
    make_env: Apps, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    env = closed_ballot(make_env)
    key = env.client.get("/api/ballot-log/key").json()["verifier_key"]
    with LiveServer(env.app) as server:
        status = main(
            ["audit-ballot", f"{server.url}/api/ballots/{SOCIAL}", "--key", key,
             "--save", str(tmp_path / "saved")]
        )  # fmt: skip
    out = capsys.readouterr().out
    assert status == 0 and "审计通过" in out, out
    assert main(["audit-ballot", str(tmp_path / "saved")]) == 0
    with LiveServer(env.app) as server:
        refused = main(["audit-ballot", f"{server.url}/api/ballots/nope"])
    assert refused == 1
    assert "下载" in capsys.readouterr().err


def test_audit_ballot_on_the_demo_closed_ballot_after_seeding(
    make_env: Apps, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    env = make_env()
    assert seed_closed_ballots(env.app) == [ECOLOGY]
    assert seed_closed_ballots(env.app) == []  # a restart adds nothing
    status, out = audit(published(env, tmp_path / "demo", ECOLOGY), capsys)
    assert status == 0 and "审计通过" in out and "选票 36，作废 0" in out, out
