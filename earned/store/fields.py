"""Server mode's field encryption: the words people write, sealed column by column.

In personal mode the whole SQLite file is encrypted by SQLCipher, and nothing here runs:
no key ring is installed, the sealed column types pass every value through unchanged,
and the file holds exactly what it held before. In server mode (PostgreSQL, many people)
the database administrator can read every table, so the free-text columns are sealed:
the server installs a key ring at start (`install(ring)`) and each value of a column
typed `SealedText` / `SealedJSON` in earned/store/models.py is written as

    sealed:v1:<key id>:<base64 of nonce (12 bytes) + AES-256-GCM ciphertext + tag>

with associated data naming the table, the column and the key id, and the person whose
journal it is when the server names one (`owner(id)`), so a token moved to another column,
table or person's journal does not open. (It does not name the row: a type decorator never
sees the row. A token copied to another row of the same column of the same journal opens
there; see docs/privacy-and-threat-model.md.)

The ring is the current key id plus older keys still needed to read values sealed
before a rotation (earned/store/reseal.py re-seals them; `earned server rotate-key`).
It is read from EARNED_SERVER_KEYS (the same JSON as the file) or from a key file
(JSON, mode 0600, written atomically like the personal key file). A sealed value read
with no ring, an unknown key id, or a tag that does not match is a clear EarnedError,
never the token shown as if it were the words, and the words are never logged.

Changing a column's Python type changes nothing in the schema: the sealed types are
Text and JSON underneath (tests/store/test_migrations.py compares models and
migrations). Anything the database does with a sealed column's value (LIKE, equality,
GROUP BY, ORDER BY, json_each) cannot work on tokens; the columns chosen, and why the
others stay plain, are listed in docs/privacy-and-threat-model.md.
"""

from __future__ import annotations

import base64
import binascii
import functools
import hashlib
import json
import os
import re
import secrets
import stat
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag
from sqlalchemy import JSON, Text, TypeDecorator
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import DontWrapMixin
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement

from earned.errors import EarnedError

FORMAT = "earned-server-keys"
VERSION = 1
ENV = "EARNED_SERVER_KEYS"
PREFIX = "sealed:v1:"
KEY_BYTES = 32  # AES-256
NONCE_BYTES = 12
TAG_BYTES = 16
_KEY_ID = re.compile(r"[a-z0-9]{1,32}")
_TOKEN = re.compile(r"sealed:v1:([a-z0-9]{1,32}):([A-Za-z0-9+/]+={0,2})")
_UNCHANGED = "the key ring is the one it was."


class SealError(DontWrapMixin, EarnedError):
    """A sealed value that cannot be opened (or written): no ring, unknown key, damage.

    DontWrapMixin: SQLAlchemy raises it as it is, not inside a StatementError, so the
    web app and the CLI show its message."""

    def __init__(self, message: str) -> None:
        super().__init__(message, exit_code=1, status=503)


class Ring:
    """The server's keys: `current` seals, every key in `keys` opens."""

    def __init__(self, current: str, keys: Mapping[str, bytes]) -> None:
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        if current not in keys:
            raise EarnedError("The server key ring names a current key it does not hold.")
        for key_id, key in keys.items():
            if not _KEY_ID.fullmatch(key_id) or len(key) != KEY_BYTES:
                raise EarnedError("The server key ring holds a key that is not a 256-bit key.")
        self.current = current
        self.keys: dict[str, bytes] = dict(keys)
        self._aead = {key_id: AESGCM(key) for key_id, key in self.keys.items()}

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Ring) and (self.current, self.keys) == (other.current, other.keys)

    def __hash__(self) -> int:
        return hash((self.current, tuple(sorted(self.keys))))

    def __repr__(self) -> str:  # never the keys themselves
        return f"Ring(current={self.current!r}, ids={sorted(self.keys)!r})"

    def old_ids(self) -> list[str]:
        return sorted(k for k in self.keys if k != self.current)

    def with_new_key(self) -> Ring:
        """This ring with a fresh key made current (the others kept for reading)."""
        key_id = _new_id(self.keys)
        return Ring(key_id, {**self.keys, key_id: secrets.token_bytes(KEY_BYTES)})

    def only_current(self) -> Ring:
        return Ring(self.current, {self.current: self.keys[self.current]})

    def seal(self, text: str, table: str, column: str, owner: str = "") -> str:
        nonce = secrets.token_bytes(NONCE_BYTES)
        sealed = self._aead[self.current].encrypt(
            nonce, text.encode("utf-8"), _aad(owner, table, column, self.current)
        )
        return f"{PREFIX}{self.current}:{base64.b64encode(nonce + sealed).decode('ascii')}"

    def open(self, token: str, table: str, column: str, owner: str = "") -> str:
        key_id, blob = _parts(token, table, column)
        aead = self._aead.get(key_id)
        if aead is None:
            raise SealError(
                f"Words stored in {table}.{column} were sealed with server key {key_id}, "
                "which is not in this server's key ring, so they cannot be read. Start the "
                "server with the key ring that still holds that key."
            )
        try:
            plain = aead.decrypt(
                blob[:NONCE_BYTES], blob[NONCE_BYTES:], _aad(owner, table, column, key_id)
            )
        except InvalidTag:
            raise SealError(
                f"Words stored in {table}.{column} do not open with their server key: they "
                "were changed, or moved there from another column, table or person's "
                "journal, after earned sealed them. Nothing was shown."
            ) from None
        return plain.decode("utf-8")


@functools.lru_cache(maxsize=1024)
def _aad(owner: str, table: str, column: str, key_id: str) -> bytes:
    """The associated data: the format, whose journal (`owner`, "" when none is named),
    the table, the column and the key id."""
    return f"earned-field\x00v1\x00{owner}\x00{table}\x00{column}\x00{key_id}".encode()


def _parts(token: str, table: str, column: str) -> tuple[str, bytes]:
    """(key id, nonce + ciphertext + tag) of a token, or SealError: damaged."""
    fields = token.split(":", 3)
    blob = b""
    if len(fields) == 4 and _KEY_ID.fullmatch(fields[2]) is not None:
        try:
            blob = binascii.a2b_base64(fields[3], strict_mode=True)
        except (binascii.Error, ValueError):
            blob = b""
    if len(blob) < NONCE_BYTES + TAG_BYTES:
        raise SealError(
            f"A sealed value in {table}.{column} is not a whole sealed token, so it cannot "
            "be read. Nothing was shown."
        )
    return fields[2], blob


def is_token(value: str) -> bool:
    """Whether `value` has the shape of a sealed token (not whether it opens)."""
    return value.startswith(PREFIX) and _TOKEN.fullmatch(value) is not None


def key_id_of(value: str) -> str | None:
    """The key id of a sealed token, None for anything else."""
    found = _TOKEN.fullmatch(value) if value.startswith(PREFIX) else None
    return found.group(1) if found is not None else None


def _new_id(taken: Mapping[str, bytes]) -> str:
    while True:
        key_id = "k" + secrets.token_hex(4)
        if key_id not in taken:
            return key_id


# --- the ring installed in this process ----------------------------------------------------

_ring: Ring | None = None


def install(ring: Ring | None) -> None:
    """Seal and open with `ring` from now on in this process (None: personal mode)."""
    global _ring
    _ring = ring


def current() -> Ring | None:
    return _ring


@contextmanager
def installed(ring: Ring | None) -> Iterator[Ring | None]:
    """`ring` installed for the block, and whatever was installed before put back."""
    before = _ring
    install(ring)
    try:
        yield ring
    finally:
        install(before)


_owner: ContextVar[str] = ContextVar("earned_fields_owner", default="")


@contextmanager
def owner(name: str) -> Iterator[str]:
    """Seal and open as the journal of `name` in this block (this thread or task, and the
    worker threads it starts): the name is bound into every token, so words copied from
    one person's journal into another's do not open there. The server names each person
    by a stable id, the same every time their journal is opened (their tokens open only
    under it); with no name (personal mode, the CLI's one database) it is ""."""
    token = _owner.set(name)
    try:
        yield name
    finally:
        _owner.reset(token)


def _no_ring(table: str, column: str) -> SealError:
    return SealError(
        f"Words stored in {table}.{column} are sealed with a server key, and no server key "
        f"ring is loaded in this process (a key file, or {ENV}), so they cannot be read."
    )


# --- the column types -------------------------------------------------------------------------


class SealedText(TypeDecorator[str]):
    """Text a person wrote: sealed when a ring is installed, as it is otherwise.

    `table` and `column` are the column's own names, bound into every token."""

    impl = Text
    cache_ok = True

    def __init__(self, table: str, column: str) -> None:
        super().__init__()
        self.table = table
        self.column = column

    def process_bind_param(self, value: str | None, dialect: Dialect) -> str | None:
        if value is None:
            return None
        ring = _ring
        if ring is not None:
            return ring.seal(value, self.table, self.column, _owner.get())
        if value.startswith(PREFIX) and is_token(value):
            # Personal mode: these words would read back as a token needing a server key.
            raise SealError(
                "These words have the exact shape of a sealed server value, so they cannot "
                "be saved as they are. Change a character and save again."
            )
        return value

    def process_result_value(self, value: Any, dialect: Dialect) -> str | None:
        if value is None or not value.startswith(PREFIX):
            return value  # type: ignore[no-any-return]
        return _open(value, self.table, self.column)


class SealedJSON(TypeDecorator[Any]):
    """A JSON value holding words a person wrote (a pattern sentence's parts, the words a
    session note copied): with a ring installed, the JSON text is sealed and stored as
    one JSON string; otherwise the value is stored as plain JSON, as before."""

    impl = JSON
    cache_ok = True

    def __init__(self, table: str, column: str) -> None:
        super().__init__()
        self.table = table
        self.column = column

    @property
    def should_evaluate_none(self) -> bool:  # type: ignore[override]
        # As JSON: Python None is stored as the JSON text null (what the plain column did).
        return bool(self.impl_instance.should_evaluate_none)

    def process_bind_param(self, value: Any, dialect: Dialect) -> Any:
        ring = _ring
        if value is None or ring is None:
            return value
        text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
        return ring.seal(text, self.table, self.column, _owner.get())

    def process_result_value(self, value: Any, dialect: Dialect) -> Any:
        if not isinstance(value, str) or not value.startswith(PREFIX):
            return value  # the columns hold lists and objects; a string is a token
        return json.loads(_open(value, self.table, self.column))


class json_text(FunctionElement[Any]):
    """A SealedJSON column as its stored text: the sealed token itself, or the plain JSON
    text of a value written without a ring (read it with open_json_text). Reading years of
    word lists, the column type parsed each value twice (the JSON holding the token, then
    the opened words); this parses once."""

    name = "json_text"
    inherit_cache = True


@compiles(json_text)
def _json_text_sqlite(element: json_text, compiler: SQLCompiler, **kw: Any) -> str:
    return f"json_extract({compiler.process(element.clauses, **kw)}, '$')"


@compiles(json_text, "postgresql")
def _json_text_postgresql(element: json_text, compiler: SQLCompiler, **kw: Any) -> str:
    return f"({compiler.process(element.clauses, **kw)} #>> '{{}}')"


def open_json_text(text: str | None, table: str, column: str) -> Any:
    """The value a json_text() column holds (None for SQL or JSON null)."""
    if text is None:
        return None
    return json.loads(_open(text, table, column) if text.startswith(PREFIX) else text)


def _open(value: str, table: str, column: str) -> str:
    ring = _ring
    if ring is None:
        if not is_token(value):
            return value  # personal mode: words that merely begin like a token
        raise _no_ring(table, column)
    return ring.open(value, table, column, _owner.get())


# --- the key ring on disk and in the environment ----------------------------------------------


def _checksum(body: Mapping[str, Any]) -> str:
    canonical = json.dumps(
        {k: v for k, v in body.items() if k != "check"},
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=True,
    )
    return hashlib.sha256(canonical.encode("ascii")).hexdigest()


def to_json(ring: Ring) -> bytes:
    body: dict[str, Any] = {
        "format": FORMAT,
        "version": VERSION,
        "current": ring.current,
        "keys": {k: base64.b64encode(v).decode("ascii") for k, v in sorted(ring.keys.items())},
    }
    return json.dumps({**body, "check": _checksum(body)}, indent=1).encode("utf-8")


def from_json(text: str | bytes, where: str) -> Ring:
    """The ring in `text` (a key file's content, or EARNED_SERVER_KEYS), or a clear error
    naming `where` it came from (never its content)."""
    try:
        body = json.loads(text)
    except ValueError:
        raise EarnedError(f"{where} is not a server key ring (it is not JSON).") from None
    if not isinstance(body, dict) or body.get("format") != FORMAT:
        raise EarnedError(f"{where} is not an earned server key ring.")
    if body.get("version") != VERSION:
        raise EarnedError(
            f"{where} uses key-ring version {body.get('version')}, which this version of "
            "earned does not know. Please update earned."
        )
    if "check" in body and body["check"] != _checksum(body):
        raise EarnedError(f"{where} has changed since earned wrote it (its checksum differs).")
    try:
        keys = {
            str(k): base64.b64decode(str(v).encode("ascii"), validate=True)
            for k, v in body["keys"].items()
        }
        return Ring(str(body["current"]), keys)
    except (KeyError, AttributeError, TypeError, ValueError, binascii.Error):
        raise EarnedError(
            f"{where} cannot be read as a key ring: its keys are not whole."
        ) from None


def read_file(path: Path) -> Ring:
    """The ring in the key file at `path`: it must be a regular file only its owner can
    read (mode 0600 or stricter), like an SSH private key."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
    except FileNotFoundError:
        raise EarnedError(
            f"No server key file at {path}. Make one with `earned server new-key --key-file "
            f"{path}`."
        ) from None
    except OSError as exc:
        raise EarnedError(f"The server key file {path} cannot be read ({exc.strerror}).") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_mode & 0o077:
            raise EarnedError(
                f"The server key file {path} can be read by other users (mode "
                f"{stat.S_IMODE(info.st_mode):04o}); it must be 0600. Nothing was read from it."
            )
        with os.fdopen(fd, "rb", closefd=False) as handle:
            data = handle.read()
    finally:
        os.close(fd)
    return from_json(data, f"The server key file {path}")


def write_file(path: Path, ring: Ring) -> None:
    """Replace the key file with `ring`, atomically (mode 0600)."""
    from earned.store.keys import write_atomic

    try:
        write_atomic(path, to_json(ring), unchanged=_UNCHANGED)
    except OSError as exc:  # no such folder, no permission: before anything was written
        raise EarnedError(
            f"The server key file {path} cannot be written ({exc.strerror}). Nothing was "
            f"changed: {_UNCHANGED}"
        ) from None


def create_file(path: Path) -> Ring:
    """A new ring with one key, written to `path`; never over an existing file."""
    if path.exists() or path.is_symlink():
        raise EarnedError(
            f"{path} already exists; a server key file is not overwritten (its keys "
            "would be lost with the words they sealed). Use `earned server rotate-key`."
        )
    ring = new_ring()
    write_file(path, ring)
    return ring


def new_ring() -> Ring:
    """A ring of one new random key (kept nowhere: create_file writes one to a file)."""
    first = _new_id({})
    return Ring(first, {first: secrets.token_bytes(KEY_BYTES)})


def load(path: Path | None = None) -> Ring | None:
    """The server's ring: EARNED_SERVER_KEYS if set, else the key file at `path`, else
    None (no field encryption)."""
    from_env = os.environ.get(ENV)
    if from_env:
        return from_json(from_env, f"The {ENV} variable")
    return read_file(path) if path is not None else None


def load_required(path: Path | None = None) -> Ring:
    """`load`, for server mode: without a ring the words would be stored as written, so
    no ring is a clear error instead."""
    ring = load(path)
    if ring is None:
        raise EarnedError(
            "Server mode seals the words people write, and no server key ring was given: "
            f"set {ENV} or give a key file (make one with `earned server new-key --key-file "
            "PATH`). Nothing was started."
        )
    return ring
