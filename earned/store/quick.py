"""The quick capture path: activations and urge-delay timers written with plain SQL.

`earned log`, `settle`, `peak`, `open` and `wait` must start in tens of milliseconds,
so they cannot import SQLAlchemy (~0.2 s). These functions write the same rows as
earned.store.moments through a raw SQLCipher connection, with the same validation
(earned.episodes, earned.urges) and the same encodings as the SQLAlchemy models on
SQLite: JSON columns as `json.dumps` text, datetimes as naive UTC text in SQLAlchemy's
'YYYY-MM-DD HH:MM:SS.ffffff' format, ids as uuid4 hex. tests/test_cli_quick.py reads
rows written here back through the SQLAlchemy store, and compares raw encodings.

Side effects and costs: `open_journal` checks the schema revision first; a journal at
an older revision is migrated through the full store (Alembic, ~0.5 s, once). Each
write is one `BEGIN IMMEDIATE` transaction, so concurrent writers (the web app,
another terminal) queue on the 15 s busy timeout instead of failing; a busy error
left after that is retried a few times, then reported calmly with nothing written.
With `synchronous=FULL`, a write is on disk before the function returns.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from datetime import UTC, datetime

from earned import episodes
from earned.episodes import Activation
from earned.errors import EarnedError
from earned.paths import Profile
from earned.store import columns, schema, sqlcipher
from earned.tokens import check_token

# typing.TYPE_CHECKING without importing typing (~2 ms on the quick path); mypy knows the name.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, TypeVar

    from earned.urges import UrgeDelay

    T = TypeVar("T")

SHORT_ID = 8  # characters of an id shown to people; any unique prefix is accepted
_ATTEMPTS = 4
_HEX = frozenset("0123456789abcdef")
_ACTIVATIONS = columns.select("activations", columns.ACTIVATIONS)
_URGES = columns.select("urge_delays", columns.URGE_DELAYS)


# --- encodings (must match earned.store.models on SQLite) ----------------------------------


def new_id() -> str:
    """A uuid4 in hex, like earned.store.ids.new_id, without importing uuid (~2 ms)."""
    raw = bytearray(os.urandom(16))
    raw[6] = (raw[6] & 0x0F) | 0x40  # version 4
    raw[8] = (raw[8] & 0x3F) | 0x80  # RFC 4122 variant
    return raw.hex()


def to_db(moment: datetime) -> str:
    """Aware datetime → SQLAlchemy's SQLite DateTime text for the same instant in UTC."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime given to the store")
    return moment.astimezone(UTC).replace(tzinfo=None).isoformat(" ", "microseconds")


def from_db(text: str | None) -> datetime | None:
    if text is None:
        return None
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def _json_list(text: str | None) -> list[str]:
    value = json.loads(text) if text else []
    return [str(v) for v in value] if isinstance(value, list) else []


def _activation(row: tuple[Any, ...]) -> Activation:
    r = dict(zip(columns.ACTIVATIONS, row, strict=True))
    onset = from_db(r["onset_at"])
    assert onset is not None  # NOT NULL column
    return Activation(
        id=r["id"],
        onset_at=onset,
        intensity=r["intensity"],
        trigger=r["trigger"],
        tags=_json_list(r["tags"]),
        body=_json_list(r["body"]),
        emotions=_json_list(r["emotions"]),
        urge=r["urge"],
        action=r["action"],
        person=r["person"],
        person_id=r["person_id"],
        named_in_moment=None if r["named_in_moment"] is None else bool(r["named_in_moment"]),
        pattern=episodes.pattern_of(_json_object(r["pattern"])),
        peak_at=from_db(r["peak_at"]),
        peak_intensity=r["peak_intensity"],
        settled_at=from_db(r["settled_at"]),
    )


def _json_object(text: str | None) -> dict[str, str] | None:
    value = json.loads(text) if text else None
    return {str(k): str(v) for k, v in value.items()} if isinstance(value, dict) else None


def _urge(row: tuple[Any, ...]) -> UrgeDelay:
    from earned.urges import UrgeDelay  # not needed by `earned log`: imported when used

    r = dict(zip(columns.URGE_DELAYS, row, strict=True))
    started = from_db(r["started_at"])
    assert started is not None  # NOT NULL column
    return UrgeDelay(
        r["id"], r["urge"], started, from_db(r["ended_at"]), r["outcome"], r["activation_id"]
    )


# --- opening and writing -----------------------------------------------------------------


def open_journal(profile: Profile, data_key: bytes, *, every_page: bool = False) -> Any:
    """A raw connection to the profile's journal at the current schema revision.

    Raises EarnedError for a missing or damaged file (or a key that does not open it),
    and for a journal written by a newer earned. An older journal is migrated through
    the full store (correctness over speed), then reopened.

    `every_page`: check every page first (sqlcipher.verify, ~3 ms per MB). The CLI asks
    for it when it derived the key from the passphrase, which costs far more anyway; with
    a key from the agent, the agent does this check for it, at most once a minute
    (agent.CHECK_EVERY), so `earned log` stays fast.
    """
    if not profile.database.exists() or profile.database.stat().st_size == 0:
        return _full_store_check(profile, data_key)  # raises the store's clear message
    if sqlcipher.marker(profile.database).exists():  # one stat; the full check costs ms/MB
        raise sqlcipher.unverified(profile.database)
    if every_page:
        sqlcipher.verify(profile.database, data_key)  # marks the file if a page fails
    conn = sqlcipher.connect(profile.database, data_key)
    conn.isolation_level = None  # transactions are explicit: BEGIN IMMEDIATE ... COMMIT
    if sqlcipher.revision(conn) == schema.HEAD:
        return conn
    conn.close()
    return _full_store_check(profile, data_key)


def _full_store_check(profile: Profile, data_key: bytes) -> Any:
    import sqlcipher3.dbapi2 as dbapi

    if profile.database.exists() and profile.database.stat().st_size > 0:
        conn = sqlcipher.connect(profile.database, data_key)
        found = sqlcipher.revision(conn)
        conn.close()
        if found is not None and found not in schema.REVISIONS:
            raise EarnedError(
                "This journal was written by a newer version of earned. Nothing was changed; "
                "please update earned to open it.",
                exit_code=2,
            )
    from earned.store import personal

    personal.open_with_key(profile, data_key).close()  # migrates to HEAD
    conn = sqlcipher.connect(profile.database, data_key)
    conn.isolation_level = None
    try:
        if sqlcipher.revision(conn) != schema.HEAD:
            raise EarnedError("This journal could not be brought up to date; nothing was saved.")
    except (dbapi.Error, EarnedError):
        conn.close()
        raise
    return conn


def _write(conn: Any, work: Callable[[], T]) -> T:
    """Run `work` in one BEGIN IMMEDIATE transaction: all of it is committed, or none.

    The write lock is taken at BEGIN, so a concurrent writer makes us wait (busy
    timeout) rather than fail half-way. A busy error that still comes through is
    retried with a short back-off; EarnedError from `work` rolls back and propagates.
    """
    import sqlcipher3.dbapi2 as dbapi

    for attempt in range(_ATTEMPTS):
        try:
            conn.execute("BEGIN IMMEDIATE")
        except dbapi.OperationalError as exc:
            if not sqlcipher.is_busy(exc):
                raise
            if attempt == _ATTEMPTS - 1:
                raise sqlcipher.busy() from None
            time.sleep(0.05 * 2**attempt)
            continue
        try:
            result = work()
            conn.execute("COMMIT")
        except BaseException as exc:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            if isinstance(exc, dbapi.OperationalError) and sqlcipher.is_busy(exc):
                if attempt == _ATTEMPTS - 1:
                    raise sqlcipher.busy() from None
                time.sleep(0.05 * 2**attempt)
                continue
            raise
        return result
    raise sqlcipher.busy()  # not reached: the loop returns or raises


# --- activations ---------------------------------------------------------------------------


class Logged:
    """A capture, and whether this call wrote it (False: its --token found an earlier one)."""

    __slots__ = ("activation", "created")

    def __init__(self, activation: Activation, created: bool) -> None:
        self.activation = activation
        self.created = created


def prepare_activation(
    *,
    intensity: object,
    now: datetime,
    onset: datetime | None = None,
    trigger: str | None = None,
    emotions: list[str] | None = None,
    urge: str | None = None,
    tags: list[str] | None = None,
    client_token: str | None = None,
) -> dict[str, Any]:
    """Validate a capture (as activations.log_activation does) into the row to insert.

    Pure: the CLI calls it before asking for a passphrase, so bad input fails at once.
    """
    c = episodes.check_capture(
        intensity=intensity,
        now=now,
        onset=onset,
        trigger=trigger,
        emotions=emotions,
        urge=urge,
        tags=tags,
    )
    values: dict[str, Any] = {
        "id": new_id(),
        "client_token": check_token(client_token),
        "created_at": to_db(now),
        "updated_at": to_db(now),
    }
    for column, value in c.columns().items():
        # The encodings of SQLAlchemy's types on SQLite: datetimes as naive UTC text, JSON
        # columns (lists, and None for the pattern) as json.dumps text, not SQL NULL.
        if isinstance(value, datetime):
            values[column] = to_db(value)
        elif isinstance(value, list) or column == "pattern":
            values[column] = json.dumps(value)
        else:
            values[column] = value
    return values


def insert_activation(conn: Any, values: dict[str, Any]) -> Logged:
    """Insert a prepared activation in one transaction.

    If its client token is already in the journal, the earlier activation is returned
    and nothing is written (an idempotent retry). Without a token every call is a new
    capture: two identical logs a second apart are two real moments.
    """

    def insert() -> Logged:
        if values["client_token"] is not None:
            row = conn.execute(
                _ACTIVATIONS + "WHERE client_token = ?",
                (values["client_token"],),
            ).fetchone()
            if row is not None:
                return Logged(_activation(row), created=False)
        conn.execute(columns.insert("activations", columns.ACTIVATIONS), values)
        return Logged(_get_activation(conn, values["id"]), created=True)

    return _write(conn, insert)


def log_activation(conn: Any, **fields: Any) -> Logged:
    """prepare_activation + insert_activation (keyword arguments as prepare_activation)."""
    return insert_activation(conn, prepare_activation(**fields))


def _get_activation(conn: Any, activation_id: str) -> Activation:
    row = conn.execute(_ACTIVATIONS + "WHERE id = ?", (activation_id,)).fetchone()
    if row is None:
        raise EarnedError("That episode is no longer in your journal.")
    return _activation(row)


def check_prefix(prefix: str) -> str:
    """An id or the start of one (hex), lower-cased; anything else is a clear error."""
    text = prefix.strip().lower()
    if not text or len(text) > 32 or not set(text) <= _HEX:
        raise EarnedError(
            f"{prefix!r} is not an id. Ids look like 3f2a9c1e; `earned open` lists them."
        )
    return text


def _by_prefix(conn: Any, select: str, prefix: str, what: str) -> tuple[Any, ...]:
    start = check_prefix(prefix)
    # A range on the primary key uses its index; 'g' sorts after every hex digit.
    rows = conn.execute(
        select + "WHERE id >= ? AND id < ? ORDER BY id LIMIT 2", (start, start + "g")
    ).fetchall()
    if not rows:
        raise EarnedError(f"No {what} has an id starting with {start}; `earned open` lists them.")
    if len(rows) > 1:
        raise EarnedError(
            f"More than one {what} has an id starting with {start}; please type a few more "
            "characters of it."
        )
    return tuple(rows[0])


def find_activation(conn: Any, prefix: str | None, now: datetime | None = None) -> Activation:
    """The activation whose id starts with `prefix`, or else the most recent open one (one
    begun within episodes.OPEN_WINDOW of `now`; older ones were never marked)."""
    if prefix is not None:
        return _activation(_by_prefix(conn, _ACTIVATIONS, prefix, "episode"))
    since = to_db(episodes.open_since(now or datetime.now(UTC)))
    row = conn.execute(
        _ACTIVATIONS + "WHERE settled_at IS NULL AND onset_at >= ? ORDER BY onset_at DESC LIMIT 1",
        (since,),
    ).fetchone()
    if row is None:
        raise EarnedError(
            "There is no open episode from the last day, so nothing was changed. "
            "`earned log` records a new one; `earned settle ID` settles an older one."
        )
    return _activation(row)


def mark_settled(
    conn: Any, *, prefix: str | None, at: datetime | None, now: datetime
) -> Activation:
    """Settle the chosen (or most recent open) episode; `at` None means now, and keeps
    the first time of an episode already settled (episodes.settle_time)."""

    def update() -> Activation:
        found = find_activation(conn, prefix, now)
        settled = episodes.settle_time(found, at=at, now=now)
        if settled == found.settled_at:
            return found
        conn.execute(
            "UPDATE activations SET settled_at = ?, updated_at = ? WHERE id = ?",
            (to_db(settled), to_db(now), found.id),
        )
        return _get_activation(conn, found.id)

    return _write(conn, update)


def mark_peak(
    conn: Any,
    *,
    prefix: str | None,
    at: datetime | None,
    now: datetime,
    intensity: object = None,
) -> Activation:
    """Record the peak of the chosen (or most recent open) episode (episodes.peak_values)."""

    def update() -> Activation:
        found = find_activation(conn, prefix, now)
        peak_at, level = episodes.peak_values(found, at=at, now=now, intensity=intensity)
        conn.execute(
            "UPDATE activations SET peak_at = ?, peak_intensity = ?, updated_at = ? WHERE id = ?",
            (to_db(peak_at), level, to_db(now), found.id),
        )
        return _get_activation(conn, found.id)

    return _write(conn, update)


def open_activations(
    conn: Any, *, limit: int, now: datetime | None = None
) -> tuple[list[Activation], int]:
    """The newest `limit` open episodes (begun within episodes.OPEN_WINDOW of `now`),
    newest first, and how many are open in all."""
    since = to_db(episodes.open_since(now or datetime.now(UTC)))
    rows = conn.execute(
        _ACTIVATIONS + "WHERE settled_at IS NULL AND onset_at >= ? ORDER BY onset_at DESC LIMIT ?",
        (since, limit),
    ).fetchall()
    (total,) = conn.execute(
        "SELECT count(*) FROM activations WHERE settled_at IS NULL AND onset_at >= ?", (since,)
    ).fetchone()
    return [_activation(r) for r in rows], int(total)


# --- urge-delay timers -----------------------------------------------------------------------


def start_urge(conn: Any, *, urge: str, now: datetime) -> UrgeDelay:
    """Start a timer now (like urge_timers.start_urge); it runs until `end_urge`."""
    from earned.urges import check_urge

    values = dict.fromkeys(columns.URGE_DELAYS)
    values.update(id=new_id(), urge=check_urge(urge), started_at=to_db(now))

    def insert() -> UrgeDelay:
        conn.execute(columns.insert("urge_delays", columns.URGE_DELAYS), values)
        return get_urge(conn, str(values["id"]))

    return _write(conn, insert)


def get_urge(conn: Any, prefix: str) -> UrgeDelay:
    return _urge(_by_prefix(conn, _URGES, prefix, "urge timer"))


def end_urge(conn: Any, *, prefix: str, outcome: str, now: datetime) -> tuple[UrgeDelay, bool]:
    """Stop a timer: (timer, True), or (timer, False) if it had already ended (a double tap)."""
    from earned.urges import check_outcome, ending

    check_outcome(outcome)  # a wrong outcome fails before the write lock is taken

    def update() -> tuple[UrgeDelay, bool]:
        timer = get_urge(conn, prefix)
        end = ending(timer, outcome=outcome, now=now)
        if end is None:
            return timer, False
        conn.execute(
            "UPDATE urge_delays SET ended_at = ?, outcome = ? WHERE id = ?",
            (to_db(end[0]), end[1], timer.id),
        )
        return get_urge(conn, timer.id), True

    return _write(conn, update)


def running_urges(conn: Any) -> list[UrgeDelay]:
    rows = conn.execute(_URGES + "WHERE ended_at IS NULL ORDER BY started_at DESC").fetchall()
    return [_urge(r) for r in rows]


# --- settings --------------------------------------------------------------------------------


def get_setting(conn: Any, key: str) -> str | None:
    """One value of the settings table (e.g. "region" for the crisis lines), or None."""
    row = conn.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
    return None if row is None else str(row[0])
