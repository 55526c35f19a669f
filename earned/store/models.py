"""Tables, as SQLAlchemy 2 declarative models. The schema itself is owned by Alembic
migrations (store/migrations); these classes must match them, and a test checks that.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    TypeDecorator,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC on the way in and out, on SQLite (naive text) and PostgreSQL."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the store")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        assert isinstance(value, datetime)
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    pass


class AssessmentRow(Base):
    __tablename__ = "assessments"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    instrument: Mapped[str] = mapped_column(String(32), index=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    answers: Mapped[list[AnswerRow]] = relationship(
        back_populates="assessment",
        cascade="all, delete-orphan",
        order_by="AnswerRow.item",
        lazy="selectin",
    )


class AnswerRow(Base):
    __tablename__ = "answers"

    assessment_id: Mapped[str] = mapped_column(
        String(32), ForeignKey("assessments.id", ondelete="CASCADE"), primary_key=True
    )
    item: Mapped[int] = mapped_column(Integer, primary_key=True)
    value: Mapped[int] = mapped_column(Integer)
    answered_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # When the answer was chosen on the page (assessment.is_stale); None without JavaScript.
    seq: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    assessment: Mapped[AssessmentRow] = relationship(back_populates="answers")


class EntryRow(Base):
    __tablename__ = "entries"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    kind: Mapped[str] = mapped_column(String(32), index=True)
    prompt: Mapped[str | None] = mapped_column(String(64), nullable=True)
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class SettingRow(Base):
    __tablename__ = "settings"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class ActivationRow(Base):
    __tablename__ = "activations"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    # A token made by the form or CLI call; a repeated submit finds the first record.
    client_token: Mapped[str | None] = mapped_column(String(64), unique=True, nullable=True)
    onset_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    intensity: Mapped[int] = mapped_column(Integer)
    trigger: Mapped[str | None] = mapped_column(Text, nullable=True)
    tags: Mapped[list[str]] = mapped_column(JSON)
    body: Mapped[list[str]] = mapped_column(JSON)
    emotions: Mapped[list[str]] = mapped_column(JSON)
    urge: Mapped[str | None] = mapped_column(Text, nullable=True)
    action: Mapped[str | None] = mapped_column(Text, nullable=True)
    person: Mapped[str | None] = mapped_column(String(120), nullable=True)
    named_in_moment: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    pattern: Mapped[dict[str, str] | None] = mapped_column(JSON, nullable=True)
    peak_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    peak_intensity: Mapped[int | None] = mapped_column(Integer, nullable=True)
    settled_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class UrgeDelayRow(Base):
    __tablename__ = "urge_delays"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    client_token: Mapped[str | None] = mapped_column(String(64), unique=True, nullable=True)
    urge: Mapped[str] = mapped_column(Text)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    outcome: Mapped[str | None] = mapped_column(String(16), nullable=True)
    activation_id: Mapped[str | None] = mapped_column(
        String(32), ForeignKey("activations.id", ondelete="SET NULL"), nullable=True
    )


class PracticeRow(Base):
    __tablename__ = "practices"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    client_token: Mapped[str | None] = mapped_column(String(64), unique=True, nullable=True)
    kind: Mapped[str] = mapped_column(String(32), index=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    seconds: Mapped[int] = mapped_column(Integer)
    note: Mapped[str | None] = mapped_column(Text, nullable=True)


class ToolRow(Base):
    __tablename__ = "tools"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    archived: Mapped[bool] = mapped_column(Boolean, default=False)


class ToolUseRow(Base):
    __tablename__ = "tool_uses"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    client_token: Mapped[str | None] = mapped_column(String(64), unique=True, nullable=True)
    tool_id: Mapped[str] = mapped_column(
        String(32), ForeignKey("tools.id", ondelete="CASCADE"), index=True
    )
    used_at: Mapped[datetime] = mapped_column(UTCDateTime())
    before: Mapped[int] = mapped_column(Integer)
    after: Mapped[int] = mapped_column(Integer)
