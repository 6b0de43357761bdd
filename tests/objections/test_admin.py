"""The secretariat's case handling: tokens, workflow, reading, downloads, filters, export, audit."""

from __future__ import annotations

import json

import pytest
from sqlmodel import select

from tests.factories import ID_NUMBER, NAME, PDF, PHONE, PNG, Env, individual
from vote_api.core.audit import AuditEntry
from vote_api.core.state import core_state

ADMIN_ROUTES = [
    ("GET", "/api/admin/objections"),
    ("GET", "/api/admin/objections/export.csv"),
    ("GET", "/api/admin/objections/26-AAAAAA"),
    ("GET", "/api/admin/objections/26-AAAAAA/files/1"),
    ("POST", "/api/admin/objections/26-AAAAAA/transitions"),
]


def _filed(env: Env, **form) -> str:
    response = env.file(individual(**form)) if form else env.file()
    assert response.status_code == 201, response.text
    return response.json()["case_number"]


def _move(env: Env, number: str, to: str, **extra) -> object:
    return env.client.post(
        f"/api/admin/objections/{number}/transitions", json={"to": to, **extra}, headers=env.admin()
    )


@pytest.mark.parametrize(("method", "path"), ADMIN_ROUTES)
@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": "Bearer szmqa_not-a-real-token"}, {"Authorization": "Basic abc"}],
    ids=["missing", "wrong", "not-bearer"],
)
def test_admin_routes_refuse_missing_or_wrong_tokens(
    env: Env, method: str, path: str, headers: dict
) -> None:
    number = _filed(env)
    path = path.replace("26-AAAAAA", number)
    response = env.client.request(method, path, headers=headers, json={"to": "under_review"})
    assert response.status_code == 401
    assert response.json()["code"] in ("admin_token_missing", "admin_token_invalid")
    assert env.cases()[0].status == "received"


def test_admin_workflow_through_every_status(env: Env) -> None:
    number = _filed(env)
    steps = [
        ("under_review", {"note": "已受理，转核查"}),
        (
            "not_upheld",
            {"note": "经函询，未发现事故记录", "reply": "经核查，未发现所反映的情况，异议不成立。"},
        ),
        ("closed", {"note": "办结"}),
    ]
    for to, extra in steps:
        response = _move(env, number, to, **extra)
        assert response.status_code == 200, response.text
        assert response.json()["status"] == to
    detail = env.client.get(f"/api/admin/objections/{number}", headers=env.admin()).json()
    assert [h["to_status"] for h in detail["history"]] == ["under_review", "not_upheld", "closed"]
    assert detail["history"][1]["note"] == "经函询，未发现事故记录"
    assert detail["reply"] == "经核查，未发现所反映的情况，异议不成立。"
    assert detail["closed_at"] is not None
    assert detail["next_statuses"] == []


def test_admin_upheld_path(env: Env) -> None:
    number = _filed(env)
    assert _move(env, number, "under_review").status_code == 200
    assert _move(env, number, "upheld", reply="异议成立，已取消资格。").status_code == 200
    assert _move(env, number, "closed").status_code == 200


@pytest.mark.parametrize(
    ("path", "illegal"),
    [
        ([], "upheld"),
        ([], "not_upheld"),
        ([], "closed"),
        ([], "received"),
        (["under_review"], "closed"),
        (["under_review"], "received"),
        (["under_review", "upheld"], "not_upheld"),
        (["under_review", "upheld"], "under_review"),
        (["under_review", "upheld", "closed"], "under_review"),
        (["under_review", "upheld", "closed"], "closed"),
    ],
)
def test_admin_illegal_transitions_are_409(env: Env, path: list[str], illegal: str) -> None:
    number = _filed(env)
    for to in path:
        assert _move(env, number, to, reply="答复").status_code == 200
    before = env.cases()[0].status
    response = _move(env, number, illegal, reply="答复")
    assert response.status_code == 409
    assert response.json()["code"] == "illegal_transition"
    assert "不能改为" in response.json()["message"]
    assert env.cases()[0].status == before


def test_admin_decision_requires_a_reply(env: Env) -> None:
    number = _filed(env)
    _move(env, number, "under_review")
    response = _move(env, number, "upheld", note="查实")
    assert response.status_code == 422
    assert response.json()["code"] == "reply_required"
    assert env.cases()[0].status == "under_review"


def test_admin_unknown_status_and_case(env: Env) -> None:
    number = _filed(env)
    assert _move(env, number, "approved").status_code == 422
    assert _move(env, "26-AAAAAA", "under_review").status_code == 404


def test_admin_reads_a_case_with_decrypted_details(env: Env) -> None:
    number = _filed(env)
    response = env.client.get(f"/api/admin/objections/{number}", headers=env.admin())
    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store"
    detail = response.json()
    assert detail["reporter"] == {
        "name": NAME,
        "id_number": ID_NUMBER,
        "phone": PHONE,
        "email": "reporter@example.com",
    }
    assert "安全生产责任事故" in detail["statement"]
    assert detail["files"][0]["name"] == "处罚决定书.pdf"
    assert detail["files"][0]["size"] == len(PDF)


def test_admin_downloads_an_attachment_as_a_download(env: Env) -> None:
    response = env.file(
        files=[
            ("evidence", ("处罚决定书.pdf", PDF, "application/pdf")),
            ("evidence", ("照片.png", PNG, "image/png")),
        ]
    )
    number = response.json()["case_number"]
    detail = env.client.get(f"/api/admin/objections/{number}", headers=env.admin()).json()
    png = next(f for f in detail["files"] if f["extension"] == "png")
    download = env.client.get(
        f"/api/admin/objections/{number}/files/{png['id']}", headers=env.admin()
    )
    assert download.status_code == 200
    assert download.content == PNG
    assert download.headers["content-type"] == "application/octet-stream"
    assert download.headers["x-content-type-options"] == "nosniff"
    disposition = download.headers["content-disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=UTF-8''%E7%85%A7%E7%89%87.png" in disposition
    assert (
        env.client.get(f"/api/admin/objections/{number}/files/999", headers=env.admin()).status_code
        == 404
    )


def test_admin_lists_and_filters_cases(env: Env) -> None:
    first = _filed(env, entrant="E01")
    second = _filed(env, entrant="E02")
    third = _filed(env, entrant="E02")
    _move(env, third, "under_review")

    def numbers(query: str) -> set[str]:
        response = env.client.get(f"/api/admin/objections{query}", headers=env.admin())
        assert response.status_code == 200, response.text
        return {c["case_number"] for c in response.json()["cases"]}

    assert numbers("") == {first, second, third}
    assert numbers("?entrant=E02") == {second, third}
    assert numbers("?status=under_review") == {third}
    assert numbers("?entrant=E02&status=received") == {second}
    assert numbers("?notice=demo-2026-11-23-publicity") == {first, second, third}
    assert numbers("?notice=other") == set()
    listed = env.client.get("/api/admin/objections", headers=env.admin()).json()["cases"][0]
    assert "reporter" not in listed and "statement" not in listed
    bad = env.client.get("/api/admin/objections?status=approved", headers=env.admin())
    assert bad.status_code == 422


def test_admin_csv_export_has_no_personal_data(env: Env) -> None:
    number = _filed(env)
    response = env.client.get("/api/admin/objections/export.csv", headers=env.admin())
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert response.headers["content-disposition"].startswith("attachment;")
    text = response.content.decode("utf-8-sig")
    lines = text.strip().splitlines()
    assert lines[0].startswith("案件编号,")
    assert number in lines[1] and "E03" in lines[1]
    for personal in (NAME, ID_NUMBER, PHONE, "reporter@example.com", "安全生产责任事故，已被"):
        assert personal not in text


def test_admin_actions_are_audited_without_personal_data(env: Env) -> None:
    number = _filed(env)
    admin = env.admin("reviewer")
    env.client.get(f"/api/admin/objections/{number}", headers=admin)
    detail = env.client.get(f"/api/admin/objections/{number}", headers=admin).json()
    env.client.get(
        f"/api/admin/objections/{number}/files/{detail['files'][0]['id']}", headers=admin
    )
    env.client.post(
        f"/api/admin/objections/{number}/transitions",
        json={"to": "under_review", "note": f"联系了{NAME}"},
        headers=admin,
    )
    env.client.get("/api/admin/objections/export.csv", headers=admin)
    with core_state(env.app).db.session() as session:
        entries = session.exec(select(AuditEntry).order_by(AuditEntry.id)).all()
    actions = [e.action for e in entries if e.action.startswith("objection.")]
    assert actions == [
        "objection.read",
        "objection.read",
        "objection.file_download",
        "objection.transition",
        "objection.export",
    ]
    assert all(e.actor == "reviewer" for e in entries if e.action.startswith("objection."))
    transition = next(e for e in entries if e.action == "objection.transition")
    assert transition.target == number
    assert json.loads(transition.detail)["to_status"] == "under_review"
    dumped = " ".join(e.detail + e.target for e in entries)
    for personal in (NAME, ID_NUMBER, PHONE):
        assert personal not in dumped
