"""The server's own tables (server mode, issue 14), in the PostgreSQL schema SCHEMA.

Each person's journal lives in a schema of its own (journal_<account id>) with exactly
the personal journal's tables (store/models.py, store/migrations); these tables hold
only who may sign in, their sessions, and what each person shares with whom. Owned by
their own migrations (store/server/migrations); a test compares the two.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from earned.store.models import UTCDateTime
from earned.store.schemas import SERVER as SCHEMA


class ServerBase(DeclarativeBase):
    metadata = MetaData(schema=SCHEMA)


class AccountRow(ServerBase):
    __tablename__ = "accounts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(40), unique=True)
    role: Mapped[str] = mapped_column(String(16))
    display_name: Mapped[str] = mapped_column(String(80))
    password_hash: Mapped[str] = mapped_column(String(200))
    # The authenticator secret (base32), when the person turned two-step sign-in on.
    totp_secret: Mapped[str | None] = mapped_column(String(200), nullable=True)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    resting_until: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class WebSessionRow(ServerBase):
    __tablename__ = "web_sessions"

    # SHA-256 of the cookie's token: the table alone signs nobody in.
    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    account_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("accounts.id", ondelete="CASCADE"), index=True
    )
    csrf: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_seen: Mapped[datetime] = mapped_column(UTCDateTime())


class InviteRow(ServerBase):
    __tablename__ = "invites"

    code_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    person_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("accounts.id", ondelete="CASCADE"), index=True
    )
    categories: Mapped[list[str]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())


class CareLinkRow(ServerBase):
    __tablename__ = "care_links"

    person_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True
    )
    clinician_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    categories: Mapped[list[str]] = mapped_column(JSON)
    since: Mapped[datetime] = mapped_column(UTCDateTime())


class AuditRow(ServerBase):
    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    person_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("accounts.id", ondelete="CASCADE"), index=True
    )
    # Kept as a name once the clinician's account is gone, so the log stays readable.
    clinician_id: Mapped[int | None] = mapped_column(
        Integer, ForeignKey("accounts.id", ondelete="SET NULL"), nullable=True
    )
    clinician_name: Mapped[str] = mapped_column(String(80))
    at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    category: Mapped[str] = mapped_column(String(32))
    what: Mapped[str] = mapped_column(String(120))


class AssignmentRow(ServerBase):
    __tablename__ = "assignments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    person_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("accounts.id", ondelete="CASCADE"), index=True
    )
    clinician_id: Mapped[int | None] = mapped_column(
        Integer, ForeignKey("accounts.id", ondelete="SET NULL"), nullable=True
    )
    clinician_name: Mapped[str] = mapped_column(String(80))
    kind: Mapped[str] = mapped_column(String(16))
    key: Mapped[str] = mapped_column(String(120))
    note: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    seen: Mapped[bool] = mapped_column(Boolean, default=False)


class SharingEventRow(ServerBase):
    """When a person's sharing with a clinician began, changed or stopped (the kinds are
    earned/consent.py's), with what was shared after it: the consent trail, kept when the
    care link is changed or deleted. Written in the same transaction as the change."""

    __tablename__ = "sharing_events"
    # A person's history newest first, a page at a time: the page costs what it shows.
    __table_args__ = (Index("ix_sharing_events_person_at", "person_id", "at"),)

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    # Goes with the person's account (delete everything).
    person_id: Mapped[int] = mapped_column(Integer, ForeignKey("accounts.id", ondelete="CASCADE"))
    # Kept as a name once the clinician's account is gone, so the history stays readable.
    clinician_id: Mapped[int | None] = mapped_column(
        Integer, ForeignKey("accounts.id", ondelete="SET NULL"), nullable=True
    )
    clinician_name: Mapped[str] = mapped_column(String(80))
    kind: Mapped[str] = mapped_column(String(16))
    # What was shared after the event (as care_links keeps it); empty once stopped.
    categories: Mapped[list[str]] = mapped_column(JSON)
    at: Mapped[datetime] = mapped_column(UTCDateTime())
