"""Staff accounts: adding, enrolling (password + authenticator), signing in.

Passwords are hashed with Argon2id (checked on threads of their own:
``vote_api.console.signin_guard``); the TOTP secret is sealed with the service's encryption
key; enrolment links are kept only as SHA-256 hashes. Every sign-in, failure on an account,
enrolment and change of an account is written to the audit log with the person's name.
"""

from __future__ import annotations

import hashlib
import secrets
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session, col, select

from vote_api.console import totp
from vote_api.console.models import Role, Staff, StaffSession
from vote_api.console.signin_guard import hasher
from vote_api.core import audit
from vote_api.core.audit import AuditAction
from vote_api.core.auth import AdminToken
from vote_api.core.crypto import Sealer, SealError
from vote_api.core.timeutil import from_db, to_db

ENROL_HOURS = 72
PASSWORD_MIN = 12
PASSWORD_MAX = 128
NAME_MAX = 40
SIGN_IN_REFUSED = "账户名、密码或动态验证码不正确，请重新输入"
#: An actor name for sign-in attempts on names that are not accounts.
UNKNOWN_ACTOR = "（未知账户）"


class AccountError(Exception):
    """A refusal of an account action, with a Chinese message for the person."""


class SignInRefused(AccountError):
    """A refused sign-in; the message never says whether the password or the code was wrong."""


def hash_token(token: str) -> str:
    """The stored form of an enrolment link's token."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def check_name(name: str) -> str:
    """A staff name trimmed, or AccountError (empty, too long, control characters)."""
    cleaned = name.strip()
    if not cleaned:
        raise AccountError("姓名不能为空")
    if len(cleaned) > NAME_MAX:
        raise AccountError(f"姓名最多 {NAME_MAX} 个字符")
    if any(unicodedata.category(ch).startswith("C") for ch in cleaned) or "/" in cleaned:
        raise AccountError("姓名不能包含控制字符或斜杠")
    return cleaned


def active_staff(session: Session, name: str) -> Staff | None:
    """The account of a name if it is not disabled (admin tokens are issued only to these)."""
    staff = find_staff(session, name)
    return staff if staff is not None and staff.disabled_at is None else None


def find_staff(session: Session, name: str) -> Staff | None:
    """The account of a name, or None."""
    return session.exec(select(Staff).where(Staff.name == name.strip())).first()


def list_staff(session: Session) -> list[Staff]:
    """Every account, by name."""
    return list(session.exec(select(Staff).order_by(col(Staff.name))).all())


def describe(staff: Staff, now: datetime) -> dict[str, object]:
    """An account as the staff list shows it: name, role and state in Chinese."""
    if staff.disabled_at is not None:
        state = "已停用"
    elif staff.enrolled_at is None:
        state = "待设置（尚未完成两步验证绑定）"
    else:
        state = "正常"
    return {
        "id": staff.id,
        "name": staff.name,
        "role": staff.role,
        "role_label": Role(staff.role).label,
        "state": state,
        "disabled": staff.disabled_at is not None,
    }


def _new_enrolment(staff: Staff, now: datetime) -> str:
    token = secrets.token_urlsafe(32)
    staff.enrol_token_hash = hash_token(token)
    staff.enrol_expires_at = to_db(now + timedelta(hours=ENROL_HOURS))
    staff.totp_sealed = None
    staff.totp_last_step = 0
    staff.enrolled_at = None
    return token


def add_staff(session: Session, name: str, role: Role, *, actor: str, now: datetime) -> str:
    """Create an account and return its one-time enrolment token (valid 72 hours)."""
    cleaned = check_name(name)
    if find_staff(session, cleaned) is not None:
        raise AccountError(f"已有名为“{cleaned}”的账户")
    staff = Staff(name=cleaned, role=role.value, created_at=to_db(now))
    token = _new_enrolment(staff, now)
    session.add(staff)
    audit.record(
        session,
        at=now,
        actor=actor,
        action=AuditAction.STAFF_ADD,
        target=f"staff:{cleaned}",
        role=role.value,
    )
    session.commit()
    return token


def end_sessions(session: Session, staff_id: int, now: datetime) -> None:
    """End every open session of a person."""
    for row in session.exec(
        select(StaffSession).where(
            StaffSession.staff_id == staff_id, col(StaffSession.ended_at).is_(None)
        )
    ):
        row.ended_at = to_db(now)
        session.add(row)


def _existing(session: Session, name: str) -> Staff:
    staff = find_staff(session, name)
    if staff is None:
        raise AccountError(f"没有名为“{name.strip()}”的账户")
    return staff


def disable_staff(session: Session, name: str, *, actor: str, now: datetime) -> Staff:
    """Disable an account, end its sessions and revoke its admin token; it can no longer sign in."""
    staff = _existing(session, name)
    if staff.disabled_at is not None:
        raise AccountError(f"“{staff.name}”的账户已停用")
    staff.disabled_at = to_db(now)
    staff.enrol_token_hash = None
    session.add(staff)
    assert staff.id is not None
    end_sessions(session, staff.id, now)
    token = session.exec(select(AdminToken).where(AdminToken.name == staff.name)).first()
    revoked = token is not None and token.revoked_at is None
    if token is not None and revoked:
        token.revoked_at = to_db(now)
        session.add(token)
    audit.record(
        session,
        at=now,
        actor=actor,
        action=AuditAction.STAFF_DISABLE,
        target=f"staff:{staff.name}",
        admin_token_revoked=revoked,
    )
    session.commit()
    return staff


def reset_two_factor(session: Session, name: str, *, actor: str, now: datetime) -> str:
    """Forget an account's authenticator, end its sessions, return a new enrolment token."""
    staff = _existing(session, name)
    if staff.disabled_at is not None:
        raise AccountError(f"“{staff.name}”的账户已停用，不能重置两步验证")
    token = _new_enrolment(staff, now)
    session.add(staff)
    assert staff.id is not None
    end_sessions(session, staff.id, now)
    audit.record(
        session,
        at=now,
        actor=actor,
        action=AuditAction.STAFF_RESET_2FA,
        target=f"staff:{staff.name}",
    )
    session.commit()
    return token


def staff_for_enrolment(session: Session, token: str, now: datetime) -> Staff | None:
    """The account an enrolment token opens, or None (unknown, used, expired, disabled)."""
    if not token or len(token) > 100:
        return None
    staff = session.exec(select(Staff).where(Staff.enrol_token_hash == hash_token(token))).first()
    if staff is None or staff.disabled_at is not None or staff.enrol_expires_at is None:
        return None
    if from_db(staff.enrol_expires_at) <= now:
        return None
    return staff


def _secret_context(staff: Staff) -> str:
    return f"staff:{staff.id}:totp"


def reseal_secrets(session: Session, sealer: Sealer, *, dry_run: bool = False) -> list[str]:
    """Re-seal with the newest key every authenticator secret sealed with an older one.

    Returns the names of the people whose secret was (or, in a dry run, would be) re-sealed;
    their authenticators keep working, since the secret itself does not change.
    """
    names = []
    rows = session.exec(
        select(Staff).where(col(Staff.totp_sealed).is_not(None)).order_by(col(Staff.id))
    ).all()
    for staff in rows:
        assert staff.totp_sealed is not None
        plain, index = sealer.open_with_index(staff.totp_sealed, _secret_context(staff))
        if index == 0:
            continue
        names.append(staff.name)
        if not dry_run:
            staff.totp_sealed = sealer.seal(plain, _secret_context(staff))
            session.add(staff)
    if not dry_run:
        session.commit()
    return names


def enrolment_secret(session: Session, staff: Staff, sealer: Sealer) -> str:
    """The authenticator secret being enrolled (made once per enrolment link)."""
    if staff.totp_sealed is not None:
        try:
            secret = sealer.open_text(staff.totp_sealed, _secret_context(staff))
        except SealError:
            secret = None
        if secret:
            return secret
    secret = totp.new_secret()
    staff.totp_sealed = sealer.seal_text(secret, _secret_context(staff))
    session.add(staff)
    session.commit()
    return secret


def check_password_rules(password: str, repeat: str) -> None:
    """AccountError unless the new password is long enough, not too long, typed twice alike."""
    if len(password) < PASSWORD_MIN:
        raise AccountError(f"密码至少 {PASSWORD_MIN} 个字符")
    if len(password) > PASSWORD_MAX:
        raise AccountError(f"密码最多 {PASSWORD_MAX} 个字符")
    if password != repeat:
        raise AccountError("两次输入的密码不一致")


def complete_enrolment(
    session: Session,
    staff: Staff,
    sealer: Sealer,
    password: str,
    repeat: str,
    code: str,
    now: datetime,
) -> None:
    """Set the password and confirm the authenticator with a code; the link is then used up."""
    check_password_rules(password, repeat)
    secret = enrolment_secret(session, staff, sealer)
    step = totp.matching_step(secret, code, now)
    if step is None:
        raise AccountError(
            "动态验证码不正确：请确认验证器中已添加本页的密钥，并输入当前显示的6位数字"
        )
    staff.password_hash = hasher.hash(password)
    staff.totp_last_step = step
    staff.enrolled_at = to_db(now)
    staff.enrol_token_hash = None
    staff.enrol_expires_at = None
    staff.failed_attempts = 0
    staff.locked_until = None
    session.add(staff)
    audit.record(
        session,
        at=now,
        actor=staff.name,
        action=AuditAction.CONSOLE_ENROL,
        target=f"staff:{staff.name}",
    )
    session.commit()


def _code_step(staff: Staff, sealer: Sealer, code: str, now: datetime) -> int | None:
    try:
        secret = sealer.open_text(staff.totp_sealed, _secret_context(staff))
    except SealError:
        return None
    if not secret:
        return None
    return totp.matching_step(secret, code, now, after_step=staff.totp_last_step)


@dataclass(frozen=True)
class SignInAccount:
    """What a sign-in reads first: the account of the typed name, if it can sign in."""

    staff_id: int
    name: str
    password_hash: str | None


def account_for_sign_in(session: Session, name: str) -> tuple[SignInAccount | None, str | None]:
    """The usable account of a typed name, and the name of any account it names at all."""
    staff = find_staff(session, name[:200]) if name.strip() else None
    if staff is None:
        return None, None
    if staff.disabled_at is not None or staff.enrolled_at is None or staff.id is None:
        return None, staff.name
    return SignInAccount(staff.id, staff.name, staff.password_hash), staff.name


def record_failure(session: Session, actor: str, now: datetime, **detail: object) -> None:
    """Write one failed sign-in (or a tally of them) to the audit log."""
    audit.record(
        session,
        at=now,
        actor=actor,
        action=AuditAction.CONSOLE_SIGN_IN_FAILED,
        target=f"staff:{actor}",
        **detail,
    )
    session.commit()


def finish_sign_in(
    session: Session, sealer: Sealer, account: SignInAccount, code: str, now: datetime
) -> Staff:
    """After the password matched: the code, once (in this transaction), or SignInRefused."""
    staff = session.get(Staff, account.staff_id, with_for_update=True)  # one use per code
    usable = staff is not None and staff.disabled_at is None and staff.enrolled_at is not None
    step = _code_step(staff, sealer, code, now) if staff is not None and usable else None
    if staff is None or step is None or staff.password_hash != account.password_hash:
        record_failure(session, account.name, now, why="code")
        raise SignInRefused(SIGN_IN_REFUSED)
    staff.failed_attempts = 0
    staff.totp_last_step = step
    session.add(staff)
    return staff
