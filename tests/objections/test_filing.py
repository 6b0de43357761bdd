"""Filing an objection over HTTP: success, and every refusal leaving nothing stored."""

from __future__ import annotations

import re
from datetime import datetime

import pytest

from award.moments import SHANGHAI
from tests.factories import ANSWER, LETTER_PDF, NOTICE, PDF, PNG, Env, individual, organisation

CASE_NUMBER = re.compile(r"^26-[ACDEFHJKMNPRTUVWXY3479]{6}$")
KEY = re.compile(r"^[ACDEFHJKMNPRTUVWXY3479]{5}(-[ACDEFHJKMNPRTUVWXY3479]{5}){3}$")


def refusal(response, status: int, code: str) -> str:
    """Assert a Chinese JSON refusal and return its message."""
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"code", "message"}
    assert body["code"] == code, body
    assert re.search(r"[\u4e00-\u9fff]", body["message"])
    return body["message"]


def test_notice_endpoint_gives_window_entrants_and_rules(env: Env) -> None:
    body = env.client.get(f"/api/notices/{NOTICE}").json()
    ids = [e["id"] for e in body["entrants"]]
    assert ids == [f"E{i:02d}" for i in range(1, 13)] + ["EC01", "EC02", "SE01", "SE02"]
    assert body["window"]["state"] == "open"
    assert body["window"]["text"].startswith("2026年11月23日至11月27日")
    assert body["objections"]["open"] is True
    assert {r["code"] for r in body["objections"]["reasons"]} >= {"safety", "environment", "other"}
    assert body["objections"]["max_files"] == 3
    assert "pdf" in body["objections"]["evidence_extensions"]


def test_notice_endpoint_unknown_notice_is_404(env: Env) -> None:
    refusal(env.client.get("/api/notices/2026-01-01-nothing"), 404, "notice_not_found")


def test_filing_success_with_attachments(env: Env) -> None:
    response = env.file(
        files=[
            ("evidence", ("处罚决定书.pdf", PDF, "application/pdf")),
            ("evidence", ("现场照片.png", PNG, "image/png")),
        ]
    )
    assert response.status_code == 201, response.text
    assert response.headers["cache-control"] == "no-store"
    body = response.json()
    assert CASE_NUMBER.match(body["case_number"])
    assert KEY.match(body["key"])
    assert body["status"] == "received"
    [case] = env.cases()
    assert case.case_number == body["case_number"]
    assert case.entrant_id == "E03"
    assert case.reasons == "safety,penalty"
    assert len(env.file_rows()) == 2
    stored = env.stored_files()
    assert len(stored) == 2
    assert all(
        p.name.endswith(".sealed") and re.fullmatch(r"[0-9a-f]{32}\.sealed", p.name) for p in stored
    )
    assert body["key"] not in case.key_hash


def test_filing_success_without_attachments(env: Env) -> None:
    response = env.file(files=[])
    assert response.status_code == 201, response.text
    assert env.stored_files() == []


def test_filing_success_as_organisation_with_sealed_letter(env: Env) -> None:
    response = env.file(
        organisation(),
        files=[
            ("letter", ("异议函（盖章）.pdf", LETTER_PDF, "application/pdf")),
            ("evidence", ("记录.pdf", PDF, "application/pdf")),
        ],
    )
    assert response.status_code == 201, response.text
    assert sorted(r.role for r in env.file_rows()) == ["evidence", "letter"]


def test_filing_refused_outside_window_closed(make_env) -> None:
    env = make_env(now=datetime(2026, 11, 28, 9, 0, tzinfo=SHANGHAI))
    message = refusal(env.file(), 403, "objection_window_closed")
    assert "2026年11月23日至11月27日" in message and "已经结束" in message
    env.assert_nothing_stored()


def test_filing_refused_outside_window_upcoming(make_env) -> None:
    env = make_env(now=datetime(2026, 11, 22, 23, 59, tzinfo=SHANGHAI))
    message = refusal(env.file(), 403, "objection_window_upcoming")
    assert "2026年11月23日至11月27日" in message and "尚未开始" in message
    env.assert_nothing_stored()


def test_filing_accepted_at_the_last_moment_of_the_window(make_env) -> None:
    env = make_env(now=datetime(2026, 11, 27, 23, 59, 59, tzinfo=SHANGHAI))
    assert env.file().status_code == 201


def test_filing_refused_unknown_notice(env: Env) -> None:
    response = env.file(notice="2026-11-04-site-check", captcha=False, data=individual())
    refusal(response, 404, "notice_not_found")
    env.assert_nothing_stored()


def test_filing_refused_entrant_not_on_the_list(env: Env) -> None:
    # E20 is an entrant of the year, but not on the publicity list.
    message = refusal(env.file(individual(entrant="E20")), 422, "entrant_not_listed")
    assert "E20" in message and "名单" in message
    env.assert_nothing_stored()


@pytest.mark.parametrize(
    "form",
    [
        individual(reporter_kind=None, name=None, id_number=None),
        individual(reporter_kind="anonymous"),
        individual(name=None, id_number=None),
        organisation(organisation=None),
    ],
    ids=["no-identity", "kind-anonymous", "individual-without-name", "organisation-without-name"],
)
def test_filing_refused_anonymous(env: Env, form: dict) -> None:
    files = [("letter", ("函.pdf", LETTER_PDF, "application/pdf"))] if "contact" in form else None
    message = refusal(env.file(form, files=files), 422, "anonymous_refused")
    assert "匿名" in message and "实名" in message
    env.assert_nothing_stored()


def test_filing_refused_bad_id_check_digit(env: Env) -> None:
    message = refusal(
        env.file(individual(id_number="110105194912310021")), 422, "id_number_invalid"
    )
    assert "身份证号" in message and "校验位" in message
    env.assert_nothing_stored()


@pytest.mark.parametrize("phone", ["12345678901", "1391234567", "020-12345678"])
def test_filing_refused_bad_phone(env: Env, phone: str) -> None:
    message = refusal(env.file(individual(phone=phone)), 422, "phone_invalid")
    assert "联系电话" in message
    env.assert_nothing_stored()


def test_filing_refused_bad_email(env: Env) -> None:
    refusal(env.file(individual(email="not-an-email")), 422, "email_invalid")


def test_filing_refused_organisation_without_letter(env: Env) -> None:
    message = refusal(env.file(organisation()), 422, "letter_missing")
    assert "公章" in message
    env.assert_nothing_stored()


def test_filing_refused_without_reason(env: Env) -> None:
    refusal(env.file(individual(reason=None)), 422, "reason_missing")


def test_filing_refused_unknown_reason(env: Env) -> None:
    message = refusal(env.file(individual(reason=["bribery"])), 422, "reason_invalid")
    assert "bribery" in message


def test_filing_refused_statement_too_short(env: Env) -> None:
    refusal(env.file(individual(statement="有问题")), 422, "statement_too_short")


def test_filing_refused_statement_too_long(env: Env) -> None:
    message = refusal(env.file(individual(statement="违" * 2001)), 422, "field_too_long")
    assert "2000" in message
    env.assert_nothing_stored()


def test_filing_refused_statement_far_too_long_while_streaming(env: Env) -> None:
    message = refusal(env.file(individual(statement="违" * 50_000)), 422, "field_too_long")
    assert "异议事实与理由" in message


def test_filing_refused_too_many_files(env: Env) -> None:
    files = [("evidence", (f"证据{i}.pdf", PDF, "application/pdf")) for i in range(4)]
    message = refusal(env.file(files=files), 413, "too_many_files")
    assert "3" in message
    env.assert_nothing_stored()


def test_filing_refused_oversize_file(env: Env) -> None:
    big = b"%PDF-1.4\n" + b"x" * (256 * 1024)
    message = refusal(
        env.file(files=[("evidence", ("大文件.pdf", big, "application/pdf"))]),
        413,
        "file_too_large",
    )
    assert "256 KB" in message
    env.assert_nothing_stored()


@pytest.mark.parametrize(
    ("content", "what"),
    [
        (b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 200, "Linux 可执行程序"),
        (b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 200, "Windows 可执行程序"),
    ],
    ids=["elf", "mz"],
)
def test_filing_refused_pdf_that_is_an_executable(env: Env, content: bytes, what: str) -> None:
    response = env.file(
        files=[
            ("evidence", ("好的.pdf", PDF, "application/pdf")),
            ("evidence", ("证据.pdf", content, "application/pdf")),
        ]
    )
    message = refusal(response, 415, "file_executable")
    assert what in message
    env.assert_nothing_stored()


def test_filing_refused_content_not_matching_extension(env: Env) -> None:
    response = env.file(files=[("evidence", ("照片.pdf", PNG, "application/pdf"))])
    assert ".pdf" in refusal(response, 415, "file_content")
    env.assert_nothing_stored()


@pytest.mark.parametrize("name", ["run.exe", "page.html", "image.svg", "noextension"])
def test_filing_refused_extension_not_on_the_guides_list(env: Env, name: str) -> None:
    response = env.file(files=[("evidence", (name, PDF, "application/octet-stream"))])
    assert response.status_code in (415, 422)
    assert response.json()["code"] == "file_type"
    env.assert_nothing_stored()


@pytest.mark.parametrize(
    "name",
    ["../../etc/passwd.pdf", "..\\..\\windows\\system.pdf", "dir/evidence.pdf"],
    ids=["dotdot-slash", "backslash", "slash"],
)
def test_filing_refused_path_tricks_in_file_names(env: Env, name: str) -> None:
    response = env.file(files=[("evidence", (name, PDF, "application/pdf"))])
    message = refusal(response, 422, "file_name_path")
    assert "路径" in message
    env.assert_nothing_stored()
    assert not (env.root / "etc").exists()


def _raw_multipart(fields: dict, filename: bytes, content: bytes) -> tuple[bytes, str]:
    boundary = "----szmqa-test-boundary"
    parts = []
    for key, value in fields.items():
        for item in value if isinstance(value, list) else [value]:
            parts.append(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n{item}\r\n'.encode()
            )
    parts.append(
        f"--{boundary}\r\n".encode()
        + b'Content-Disposition: form-data; name="evidence"; filename="'
        + filename
        + b'"\r\nContent-Type: application/pdf\r\n\r\n'
        + content
        + b"\r\n"
    )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


@pytest.mark.parametrize(
    "filename",
    [b"evidence\x00.pdf", b"evidence.pdf\x00.exe", b"evi%00dence.pdf"],
    ids=["nul-inside", "nul-before-exe", "encoded-nul"],
)
def test_filing_refused_nul_in_file_name(env: Env, filename: bytes) -> None:
    fields = {**individual(), "captcha_id": env.objection_captcha(), "captcha_answer": ANSWER}
    body, content_type = _raw_multipart(fields, filename, PDF)
    response = env.client.post(
        f"/api/notices/{NOTICE}/objections", content=body, headers={"Content-Type": content_type}
    )
    assert response.status_code in (415, 422), response.text
    assert response.json()["code"] == "file_name_control"
    env.assert_nothing_stored()


def test_filing_refused_wrong_captcha_and_the_captcha_is_used_up(env: Env) -> None:
    captcha_id = env.objection_captcha()
    form = {**individual(), "captcha_id": captcha_id, "captcha_answer": "WRONG"}
    refusal(env.file(form), 400, "captcha_wrong")
    form = {**individual(), "captcha_id": captcha_id, "captcha_answer": ANSWER}
    refusal(env.file(form), 400, "captcha_invalid")
    env.assert_nothing_stored()


def test_filing_refused_captcha_of_another_purpose(env: Env) -> None:
    response = env.client.post(
        "/api/captchas", json={"purpose": "vote", "target": "demo-2026-culture", "kind": "image"}
    )
    form = {**individual(), "captcha_id": response.json()["captcha_id"], "captcha_answer": ANSWER}
    refusal(env.file(form), 400, "captcha_invalid")
    env.assert_nothing_stored()


def test_filing_refused_without_captcha(env: Env) -> None:
    refusal(env.file(individual(), captcha=False), 422, "field_missing")


def test_filing_refused_not_multipart(env: Env) -> None:
    response = env.client.post(f"/api/notices/{NOTICE}/objections", json=individual())
    refusal(response, 415, "multipart_required")


def test_filing_refused_unknown_field(env: Env) -> None:
    refusal(env.file(individual(password="x")), 422, "unknown_field")


def test_filing_refused_truncated_body(env: Env) -> None:
    fields = {**individual(), "captcha_id": env.objection_captcha(), "captcha_answer": ANSWER}
    body, content_type = _raw_multipart(fields, b"a.pdf", PDF)
    response = env.client.post(
        f"/api/notices/{NOTICE}/objections",
        content=body[: len(body) // 2 + 40],
        headers={"Content-Type": content_type},
    )
    assert response.status_code == 400
    assert response.json()["code"] in ("upload_incomplete", "multipart_invalid")
    env.assert_nothing_stored()


def test_filing_rate_limited(make_env) -> None:
    env = make_env(ratelimit_enabled=True)
    codes = [env.file(individual(entrant="E99"), captcha=False).status_code for _ in range(6)]
    assert codes[:5] == [422] * 5
    assert codes[5] == 429
    response = env.file(individual(entrant="E99"), captcha=False)
    assert response.json()["code"] == "rate_limited"
    assert int(response.headers["retry-after"]) >= 1


@pytest.mark.parametrize("field", ["name", "statement", "captcha_id"])
def test_filing_nul_in_a_text_field_refused(env: Env, field: str) -> None:
    form = individual()
    form[field] = "张\x00三" if field != "statement" else form["statement"] + "\x00"
    if field == "captcha_id":
        form["captcha_answer"] = "ABCDE"
    message = refusal(env.file(form), 400, "nul_character")
    assert "空字符" in message
    env.assert_nothing_stored()
