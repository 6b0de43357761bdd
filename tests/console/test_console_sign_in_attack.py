"""Hostile: anonymous sign-in attempts cannot lock a staff member out, nor tell names apart.

There is no lockout by name: a name that keeps failing from one network waits longer each
time there, and only there; the owner signs in from their own network while the attack runs.
An unknown name and a wrong password get the same answer; unknown names are tallied in the
audit log, not written one row each.
"""

from __future__ import annotations

import json
import re
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
from sqlmodel import select

from tests.factories import Console, Person, csrf_of, make_console
from vote_api.console import totp
from vote_api.console.accounts import SIGN_IN_REFUSED, UNKNOWN_ACTOR
from vote_api.console.models import Role
from vote_api.console.signin_guard import FREE_FAILURES
from vote_api.core.audit import AuditEntry
from vote_api.core.state import core_state

OWNER_ADDRESS = "10.20.30.40"
ATTACKER_ADDRESS = "203.0.113.9"


def attempt(console: Console, client: Any, name: str, password: str, code: str = "000000") -> Any:
    """One sign-in post as a browser makes it (the form first, for its token)."""
    form = client.get("/admin/sign-in")
    data = {"csrf": csrf_of(form.text), "name": name, "password": password, "code": code}
    return client.post("/admin/sign-in", data=data)


def failures(console: Console) -> list[tuple[str, dict[str, Any]]]:
    """The sign-in failures in the audit log: actor and detail."""
    with core_state(console.app).db.session() as session:
        rows = session.exec(
            select(AuditEntry)
            .where(AuditEntry.action == "console.sign_in_failed")
            .order_by(AuditEntry.id)  # type: ignore[arg-type]
        ).all()
        return [(row.actor, json.loads(row.detail or "{}")) for row in rows]


def _without_name(text: str, name: str) -> str:
    """A page with the typed name and the form's own token taken out."""
    return re.sub(r'name="csrf" value="[^"]+"', "", text.replace(name, "NAME"))


def test_console_sign_in_unknown_name_and_wrong_password_or_code_answer_alike(
    console: Console,
) -> None:
    person = console.enrol("真实人员", Role.HANDLER)
    answers = {}
    for label, name, password, code in (
        ("wrong password", person.name, "not the password at all", None),
        ("wrong code", person.name, person.password, "000000"),
        ("unknown name", "不存在的人员", "not the password at all", None),
        ("unknown name, real password", "不存在的人员", person.password, None),
    ):
        client = console.client(address=f"192.0.2.{len(answers) + 1}")
        console.tick()
        typed_code = code or totp.code_at(person.secret, console.clock())
        answers[label] = (attempt(console, client, name, password, typed_code), name)
    first, first_name = answers["wrong password"]
    assert first.status_code == 401 and SIGN_IN_REFUSED in first.text
    for label, (answer, name) in answers.items():
        assert answer.status_code == first.status_code, label
        assert _without_name(answer.text, name) == _without_name(first.text, first_name), label
        assert sorted(answer.headers.keys()) == sorted(first.headers.keys()), label
    # The failures on the account are audited one by one; the unknown name's are tallied.
    rows = failures(console)
    assert [actor for actor, _ in rows].count(person.name) == 2
    assert [actor for actor, _ in rows].count(UNKNOWN_ACTOR) == 1


def test_console_sign_in_unknown_names_are_tallied_not_written_one_row_each(
    console: Console,
) -> None:
    for n in range(40):
        client = console.client(address=f"198.51.100.{n}")
        answer = attempt(console, client, f"猜测的名字{n}", "guessing a password")
        assert answer.status_code == 401
    rows = failures(console)
    assert rows == [(UNKNOWN_ACTOR, {"why": "no_account", "attempts": 1, "networks": 1})]
    console.tick(61)
    attempt(console, console.client(address="192.0.2.77"), "又一个名字", "guessing again")
    rows = failures(console)
    assert rows[-1] == (UNKNOWN_ACTOR, {"why": "no_account", "attempts": 40, "networks": 2})
    assert len(rows) == 2


def test_console_sign_in_backs_off_per_name_and_network_and_never_locks_the_owner_out(
    console: Console,
) -> None:
    person = console.enrol("值班人员", Role.ADMIN)
    attacker = console.client(address=ATTACKER_ADDRESS)
    statuses = [
        attempt(console, attacker, person.name, f"wrong password {n}").status_code
        for n in range(FREE_FAILURES + 3)
    ]
    assert statuses == [401] * FREE_FAILURES + [429] * 3
    held = attempt(console, attacker, person.name, "wrong again")
    assert "秒后再试" in held.text and "已锁定" not in held.text
    # From the attacker's network even the right password waits: the answer tells nothing.
    console.tick(0)
    right_from_there = attempt(
        console,
        attacker,
        person.name,
        person.password,
        totp.code_at(person.secret, console.clock()),
    )
    assert right_from_there.status_code == 429
    # An unknown name from there gets the same treatment after as many failures.
    for _ in range(FREE_FAILURES):
        attempt(console, attacker, "没有这个人", "wrong password")
    unknown_held = attempt(console, attacker, "没有这个人", "wrong password")
    assert unknown_held.status_code == 429
    assert _without_name(unknown_held.text, "没有这个人") == _without_name(held.text, person.name)
    # The owner, from their own network, signs in at once.
    owner = console.client(address=OWNER_ADDRESS)
    assert console.sign_in(owner, person).status_code == 303
    assert owner.get("/admin/").status_code == 200
    # The wait doubles, and ends.
    console.tick(1)
    assert attempt(console, attacker, person.name, "wrong once more").status_code == 401
    assert attempt(console, attacker, person.name, "too soon").status_code == 429
    console.tick(3)
    assert attempt(console, attacker, person.name, "later").status_code == 401
    failed_rows = [a for a, _ in failures(console) if a == person.name]
    assert len(failed_rows) == FREE_FAILURES + 2  # refusals while waiting write nothing


def test_console_sign_in_the_owner_gets_in_while_six_connections_flood_their_name(
    tmp_path: Path, demo_dir: Path, live_server: Any
) -> None:
    """Real HTTP, six attacking connections from ever new networks (no back-off bites)."""
    console = make_console(tmp_path, demo_dir, trusted_proxies="127.0.0.1")
    try:
        person = console.enrol("被攻击的人员", Role.ADMIN)
        server = live_server(console.app)
        stop = threading.Event()
        counts: list[int] = []
        answered = threading.Semaphore(0)

        def flood(worker: int) -> None:
            sent = 0
            with httpx.Client(base_url=server.url, timeout=30) as client:
                while not stop.is_set():
                    address = f"10.{worker}.{sent // 250 % 250}.{sent % 250 + 1}"
                    headers = {"X-Forwarded-For": address}
                    form = client.get("/admin/sign-in", headers=headers)
                    answer = client.post(
                        "/admin/sign-in",
                        headers=headers,
                        data={
                            "csrf": csrf_of(form.text),
                            "name": person.name if sent % 2 else f"随机{worker}-{sent}",
                            "password": f"guess {sent}",
                            "code": "123456",
                        },
                    )
                    assert answer.status_code in (401, 429), answer.text
                    sent += 1
                    answered.release()
            counts.append(sent)

        with ThreadPoolExecutor(6) as pool:
            running = [pool.submit(flood, n) for n in range(6)]
            try:
                for _ in range(12):  # the attack is under way
                    assert answered.acquire(timeout=60)
                signed_in = owner_signs_in(server.url, person, console)
            finally:
                stop.set()
            for future in running:
                future.result()
        assert signed_in.status_code == 303, signed_in.text
        assert sum(counts) >= 12
        assert [actor for actor, _ in failures(console)].count(person.name) >= 6
    finally:
        console.close()


def owner_signs_in(url: str, person: Person, console: Console) -> httpx.Response:
    """The owner's sign-in from their own network, over HTTP (with the next step's code)."""
    console.tick()
    with httpx.Client(base_url=url, timeout=60) as client:
        headers = {"X-Forwarded-For": OWNER_ADDRESS}
        form = client.get("/admin/sign-in", headers=headers)
        return client.post(
            "/admin/sign-in",
            headers=headers,
            data={
                "csrf": csrf_of(form.text),
                "name": person.name,
                "password": person.password,
                "code": totp.code_at(person.secret, console.clock()),
            },
        )
