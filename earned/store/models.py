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

from earned.store.fields import SealedJSON, SealedText


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
    # Whom a relationship questionnaire (ECR-RS) is about; the name outlives the person.
    person_id: Mapped[str | None] = mapped_column(
        String(32), ForeignKey("people.id", ondelete="SET NULL"), nullable=True
    )
    person_name: Mapped[str | None] = mapped_column(String(120), nullable=True)
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
    body: Mapped[str] = mapped_column(SealedText("entries", "body"))
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
    trigger: Mapped[str | None] = mapped_column(SealedText("activations", "trigger"), nullable=True)
    tags: Mapped[list[str]] = mapped_column(SealedJSON("activations", "tags"))
    body: Mapped[list[str]] = mapped_column(JSON)
    emotions: Mapped[list[str]] = mapped_column(SealedJSON("activations", "emotions"))
    urge: Mapped[str | None] = mapped_column(SealedText("activations", "urge"), nullable=True)
    action: Mapped[str | None] = mapped_column(SealedText("activations", "action"), nullable=True)
    person: Mapped[str | None] = mapped_column(String(120), nullable=True)
    named_in_moment: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    pattern: Mapped[dict[str, str] | None] = mapped_column(
        SealedJSON("activations", "pattern"), nullable=True
    )
    peak_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    peak_intensity: Mapped[int | None] = mapped_column(Integer, nullable=True)
    settled_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # The person in the people ledger (`person` keeps the name if they are removed) and
    # the part that was loudest (the parts map).
    person_id: Mapped[str | None] = mapped_column(
        String(32), ForeignKey("people.id", ondelete="SET NULL"), nullable=True, index=True
    )
    part_id: Mapped[str | None] = mapped_column(
        String(32), ForeignKey("parts.id", ondelete="SET NULL"), nullable=True, index=True
    )


class UrgeDelayRow(Base):
    __tablename__ = "urge_delays"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    client_token: Mapped[str | None] = mapped_column(String(64), unique=True, nullable=True)
    urge: Mapped[str] = mapped_column(SealedText("urge_delays", "urge"))
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
    note: Mapped[str | None] = mapped_column(SealedText("practices", "note"), nullable=True)


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


# --- the practice program (migration 0004) ---------------------------------------------------


def _ref(table: str, *, cascade: bool = False) -> Any:
    return ForeignKey(f"{table}.id", ondelete="CASCADE" if cascade else "SET NULL")


class PersonRow(Base):
    __tablename__ = "people"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    role: Mapped[str] = mapped_column(String(32))
    note: Mapped[str | None] = mapped_column(SealedText("people", "note"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    archived: Mapped[bool] = mapped_column(Boolean, default=False)


class PersonRatingRow(Base):
    __tablename__ = "person_ratings"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    client_token: Mapped[str | None] = mapped_column(String(64), unique=True, nullable=True)
    person_id: Mapped[str] = mapped_column(String(32), _ref("people", cascade=True), index=True)
    rated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    consistency: Mapped[int] = mapped_column(Integer)
    availability: Mapped[int] = mapped_column(Integer)
    safety: Mapped[int] = mapped_column(Integer)
    note: Mapped[str | None] = mapped_column(SealedText("person_ratings", "note"), nullable=True)


class RuptureRow(Base):
    __tablename__ = "ruptures"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    client_token: Mapped[str | None] = mapped_column(String(64), unique=True, nullable=True)
    person_id: Mapped[str | None] = mapped_column(
        String(32), _ref("people"), nullable=True, index=True
    )
    # The name as it was: the record stays readable if the person is removed.
    person_name: Mapped[str] = mapped_column(String(120))
    happened_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    what: Mapped[str] = mapped_column(SealedText("ruptures", "what"))
    reached_out: Mapped[str | None] = mapped_column(String(16), nullable=True)
    repaired_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    outcome: Mapped[str | None] = mapped_column(SealedText("ruptures", "outcome"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class LadderRungRow(Base):
    __tablename__ = "ladder_rungs"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    pattern: Mapped[str] = mapped_column(String(16))
    template: Mapped[str | None] = mapped_column(String(64), nullable=True)
    difficulty: Mapped[int] = mapped_column(Integer)
    # The urge an urge-delay timer names when it counts as an attempt on this rung.
    urge: Mapped[str | None] = mapped_column(SealedText("ladder_rungs", "urge"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    archived: Mapped[bool] = mapped_column(Boolean, default=False)


class LadderAttemptRow(Base):
    __tablename__ = "ladder_attempts"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    client_token: Mapped[str | None] = mapped_column(String(64), unique=True, nullable=True)
    rung_id: Mapped[str] = mapped_column(String(32), _ref("ladder_rungs", cascade=True), index=True)
    planned_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    predicted: Mapped[int] = mapped_column(Integer)
    feared: Mapped[str | None] = mapped_column(
        SealedText("ladder_attempts", "feared"), nullable=True
    )
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    actual: Mapped[int | None] = mapped_column(Integer, nullable=True)
    happened: Mapped[str | None] = mapped_column(
        SealedText("ladder_attempts", "happened"), nullable=True
    )
    went_well: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    person_id: Mapped[str | None] = mapped_column(
        String(32), _ref("people"), nullable=True, index=True
    )
    person_name: Mapped[str | None] = mapped_column(String(120), nullable=True)
    urge_delay_id: Mapped[str | None] = mapped_column(
        String(32), _ref("urge_delays"), nullable=True, index=True
    )
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class PartRow(Base):
    __tablename__ = "parts"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    protects: Mapped[str | None] = mapped_column(SealedText("parts", "protects"), nullable=True)
    fears: Mapped[str | None] = mapped_column(SealedText("parts", "fears"), nullable=True)
    needs: Mapped[str | None] = mapped_column(SealedText("parts", "needs"), nullable=True)
    relations: Mapped[str | None] = mapped_column(SealedText("parts", "relations"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    archived: Mapped[bool] = mapped_column(Boolean, default=False)


class BeliefRow(Base):
    __tablename__ = "beliefs"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    belief: Mapped[str] = mapped_column(SealedText("beliefs", "belief"))
    origin: Mapped[str | None] = mapped_column(SealedText("beliefs", "origin"), nullable=True)
    origin_entry_id: Mapped[str | None] = mapped_column(
        String(32), _ref("entries"), nullable=True, index=True
    )
    evidence_for: Mapped[str | None] = mapped_column(
        SealedText("beliefs", "evidence_for"), nullable=True
    )
    evidence_against: Mapped[str | None] = mapped_column(
        SealedText("beliefs", "evidence_against"), nullable=True
    )
    alternative: Mapped[str | None] = mapped_column(
        SealedText("beliefs", "alternative"), nullable=True
    )
    rerate_days: Mapped[int | None] = mapped_column(Integer, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    archived: Mapped[bool] = mapped_column(Boolean, default=False)


class BeliefRatingRow(Base):
    __tablename__ = "belief_ratings"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    client_token: Mapped[str | None] = mapped_column(String(64), unique=True, nullable=True)
    belief_id: Mapped[str] = mapped_column(String(32), _ref("beliefs", cascade=True), index=True)
    rated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    strength: Mapped[int] = mapped_column(Integer)
    alternative_strength: Mapped[int | None] = mapped_column(Integer, nullable=True)
    note: Mapped[str | None] = mapped_column(SealedText("belief_ratings", "note"), nullable=True)


class SessionNoteRow(Base):
    __tablename__ = "session_notes"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    client_token: Mapped[str | None] = mapped_column(String(64), unique=True, nullable=True)
    session_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    since_last: Mapped[str | None] = mapped_column(
        SealedText("session_notes", "since_last"), nullable=True
    )
    to_bring: Mapped[str | None] = mapped_column(
        SealedText("session_notes", "to_bring"), nullable=True
    )
    # What the person picked to bring: [{"kind": ..., "id": ..., "text": ...}], the words
    # copied so the note stays whole if the record is later deleted.
    picked: Mapped[list[dict[str, str]]] = mapped_column(SealedJSON("session_notes", "picked"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class OriginLinkRow(Base):
    __tablename__ = "origin_links"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    entry_id: Mapped[str] = mapped_column(String(32), _ref("entries", cascade=True), index=True)
    passage: Mapped[str] = mapped_column(SealedText("origin_links", "passage"))
    target_kind: Mapped[str] = mapped_column(String(16))
    target: Mapped[str] = mapped_column(SealedText("origin_links", "target"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class RecommitRow(Base):
    __tablename__ = "recommits"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    client_token: Mapped[str | None] = mapped_column(String(64), unique=True, nullable=True)
    made_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    noticed: Mapped[str | None] = mapped_column(SealedText("recommits", "noticed"), nullable=True)
    practice: Mapped[str] = mapped_column(String(64))
    note: Mapped[str | None] = mapped_column(SealedText("recommits", "note"), nullable=True)
