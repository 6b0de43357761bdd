"""The console's tables: staff accounts and their server-side sessions."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Column, LargeBinary
from sqlmodel import Field, SQLModel

from vote_api.core.timeutil import moment_field


class Role(StrEnum):
    """What a person may do: observe < handle objections < administer."""

    OBSERVER = "observer"
    HANDLER = "handler"
    ADMIN = "admin"

    @property
    def label(self) -> str:
        """The role in Chinese."""
        return ROLE_LABELS[self]

    @property
    def rank(self) -> int:
        """The role's place: a role may do everything a lower one may."""
        return list(Role).index(self)

    def allows(self, needed: Role) -> bool:
        """Whether this role may do what ``needed`` may."""
        return self.rank >= needed.rank

    @classmethod
    def parse(cls, text: str) -> Role:
        """A role from its code or its Chinese name; ValueError otherwise."""
        for role in cls:
            if text.strip() in (role.value, role.label):
                return role
        names = "、".join(f"{r.label}（{r.value}）" for r in cls)
        raise ValueError(f"没有“{text}”这个角色；可选：{names}")


ROLE_LABELS: dict[Role, str] = {
    Role.OBSERVER: "观察员",
    Role.HANDLER: "办理人",
    Role.ADMIN: "管理员",
}


class Staff(SQLModel, table=True):
    """A named person of the secretariat: Argon2 password hash, sealed TOTP secret, lockout."""

    __tablename__ = "staff"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=80, unique=True)
    role: str = Field(max_length=20)
    password_hash: str | None = Field(default=None, max_length=200)
    totp_sealed: bytes | None = Field(default=None, sa_column=Column(LargeBinary))
    #: The last TOTP time step accepted: a code is never accepted twice.
    totp_last_step: int = 0
    enrol_token_hash: str | None = Field(default=None, max_length=64, index=True)
    enrol_expires_at: datetime | None = moment_field(nullable=True)
    enrolled_at: datetime | None = moment_field(nullable=True)
    failed_attempts: int = 0
    locked_until: datetime | None = moment_field(nullable=True)
    disabled_at: datetime | None = moment_field(nullable=True)
    created_at: datetime = moment_field()


class StaffSession(SQLModel, table=True):
    """A signed-in browser: only the hash of its cookie is kept, with its CSRF token."""

    __tablename__ = "staff_session"

    id: str = Field(primary_key=True, max_length=64)
    staff_id: int = Field(foreign_key="staff.id", index=True)
    csrf_token: str = Field(max_length=64)
    created_at: datetime = moment_field()
    last_seen_at: datetime = moment_field()
    ended_at: datetime | None = moment_field(nullable=True)
