"""Passphrase → key: Argon2id key derivation and the versioned key file beside the database.

Envelope design. The database is encrypted by SQLCipher with a random 256-bit
*data key* that never changes. The key file holds that data key wrapped
(AES-256-GCM) under a *wrapping key* derived from the passphrase with Argon2id
and a random salt. Consequences:

- unlocking costs one Argon2id derivation (≈140 ms at the default cost), once;
  the raw data key is then handed to SQLCipher, which skips its own KDF;
- a wrong passphrase fails the GCM tag check before the database is touched;
- changing the passphrase rewrites only this small file, atomically
  (temp file, fsync, rename), so a process killed at any instant leaves either
  the old or the new file, each of which opens the same database.

The file is JSON with a `format` marker and `version`, detected on read, and a `check`
(SHA-256 of the rest) that tells a damaged file from a wrong passphrase.
"""

from __future__ import annotations

import base64
import errno
import json
import os
import secrets
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from earned import passphrases
from earned.errors import EarnedError, WrongPassphrase

FORMAT = "earned-key"
VERSION = 1
_AAD = b"earned-key-v1"


@dataclass(frozen=True)
class KdfParams:
    time_cost: int = 3
    memory_kib: int = 64 * 1024
    parallelism: int = 1


DEFAULT_KDF = KdfParams()
# A deliberately cheap profile for the test suite only, selected by the
# EARNED_KDF_PROFILE=test environment variable; the parameters are recorded
# in each key file, so a file made this way says so.
TEST_KDF = KdfParams(time_cost=1, memory_kib=8 * 1024, parallelism=1)
# What a key file may ask for (inclusive); anything outside is treated as damage. The
# upper bounds are a few times what earned ever writes: a key file asking for 4 GiB of
# memory once took 16 s and 4.2 GB per try, a denial of service by file.
_PARAM_RANGE = {"time_cost": (1, 12), "memory_kib": (8, 512 * 1024), "parallelism": (1, 8)}


def kdf_from_env() -> KdfParams:
    return TEST_KDF if os.environ.get("EARNED_KDF_PROFILE") == "test" else DEFAULT_KDF


def derive(passphrase: str, salt: bytes, params: KdfParams) -> bytes:
    """Argon2id(passphrase, salt) → 32 bytes. Costs ~140 ms at DEFAULT_KDF."""
    from argon2.low_level import Type, hash_secret_raw

    return bytes(
        hash_secret_raw(
            passphrase.encode("utf-8"),
            salt,
            time_cost=params.time_cost,
            memory_cost=params.memory_kib,
            parallelism=params.parallelism,
            hash_len=32,
            type=Type.ID,
        )
    )


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"), validate=True)


def _checksum(header: dict[str, Any]) -> str:
    """SHA-256 of the header without its own `check`, in a canonical JSON form.

    For telling damage from a wrong passphrase, not for security (anyone who can edit
    the file can recompute it): a flipped bit in the salt or the sealed key otherwise
    fails exactly as a wrong passphrase does, and the person would keep retyping.
    """
    import hashlib

    body = {k: v for k, v in header.items() if k != "check"}
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(canonical.encode("ascii")).hexdigest()


def _serialise(header: dict[str, Any]) -> bytes:
    return json.dumps({**header, "check": _checksum(header)}, indent=1).encode("utf-8")


def _wrap(passphrase: str, data_key: bytes, params: KdfParams) -> dict[str, Any]:
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    salt = secrets.token_bytes(16)
    nonce = secrets.token_bytes(12)
    wrapping = derive(passphrase, salt, params)
    return {
        "format": FORMAT,
        "version": VERSION,
        "kdf": {"name": "argon2id", "salt": _b64(salt), **asdict(params)},
        "wrap": {
            "alg": "AES-256-GCM",
            "nonce": _b64(nonce),
            "ciphertext": _b64(AESGCM(wrapping).encrypt(nonce, data_key, _AAD)),
        },
    }


def write_atomic(path: Path, data: bytes, *, unchanged: str | None = None) -> None:
    """Replace `path` with `data` so that a crash leaves the old or the new content.

    `unchanged` is what the refusal says stayed as it was (the server key ring's own
    words; by default, the passphrase)."""
    # A name of this process's own, and gone again if writing fails (a full disk once
    # left a stray temp key file behind).
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        try:
            os.write(fd, data)
            os.fsync(fd)
        finally:
            os.close(fd)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        reason = "the disk is full" if exc.errno == errno.ENOSPC else (exc.strerror or "")
        raise EarnedError(
            f"The key file could not be written ({reason}). Nothing was changed: "
            + (unchanged or "your passphrase is still the one it was.")
        ) from None
    if os.environ.get("EARNED_FAULT") == "after-temp-key":
        os._exit(86)  # fault injection for the crash-safety test only
    os.replace(tmp, path)
    dir_fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


def create(path: Path, passphrase: str, params: KdfParams | None = None) -> bytes:
    """Make a new data key, write it wrapped to `path`, return the raw data key."""
    passphrases.check_new(passphrase)
    data_key = secrets.token_bytes(32)
    header = _wrap(passphrase, data_key, params or kdf_from_env())
    write_atomic(path, _serialise(header))
    return data_key


def read_header(path: Path) -> dict[str, Any]:
    """Parse and validate the key file; damage or an unknown version is a clear error."""
    try:
        header = json.loads(path.read_bytes())
    except FileNotFoundError:
        raise EarnedError(f"No key file at {path}: this journal has not been set up.") from None
    except (OSError, ValueError):
        raise EarnedError(
            f"The key file {path.name} is damaged and cannot be read. Restore it from a "
            "backup (earned backup makes one); the journal itself was not changed."
        ) from None
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise EarnedError(f"{path.name} is not an earned key file.")
    if header.get("version") != VERSION:
        raise EarnedError(
            f"{path.name} uses key-file version {header.get('version')}, which this version "
            "of earned does not know. Please update earned."
        )
    # Key files written before the checksum have none; the next passphrase change adds it.
    if "check" in header and header["check"] != _checksum(header):
        raise EarnedError(
            f"The key file {path.name} has changed since earned wrote it (its checksum no "
            "longer matches), so it cannot be used, whatever the passphrase. Restore it from "
            "a backup (earned backup keeps a copy); the journal itself was not changed."
        )
    return header


def unlock(path: Path, passphrase: str) -> bytes:
    """Return the raw data key, or raise WrongPassphrase. Never writes anything."""
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    header = read_header(path)
    damaged = EarnedError(f"The key file {path.name} is damaged; restore it from a backup.")
    try:
        kdf = header["kdf"]
        params = KdfParams(int(kdf["time_cost"]), int(kdf["memory_kib"]), int(kdf["parallelism"]))
        salt = _unb64(kdf["salt"])
        nonce = _unb64(header["wrap"]["nonce"])
        sealed = _unb64(header["wrap"]["ciphertext"])
    except (KeyError, TypeError, ValueError, AttributeError):
        # AttributeError: a number where base64 text belongs (int has no .encode).
        raise damaged from None
    # Out-of-range values would otherwise surface as argon2/AESGCM exceptions (or, for
    # a huge memory cost, an attempt to allocate it) instead of a clear message.
    in_range = all(lo <= getattr(params, name) <= hi for name, (lo, hi) in _PARAM_RANGE.items())
    if not (
        in_range
        and params.memory_kib >= 8 * params.parallelism  # Argon2's own minimum
        and len(salt) >= 8
        and len(nonce) == 12
        and len(sealed) == 32 + 16  # the data key plus the GCM tag
    ):
        raise damaged
    wrapping = derive(passphrase, salt, params)
    try:
        return bytes(AESGCM(wrapping).decrypt(nonce, sealed, _AAD))
    except InvalidTag:
        raise WrongPassphrase() from None


def change(path: Path, old: str, new: str, params: KdfParams | None = None) -> None:
    """Re-wrap the same data key under a new passphrase, atomically.

    Two changes at once (two terminals) once both reported success while only one
    passphrase worked: the whole read-check-write now holds an exclusive lock on the
    profile folder, so the second waits, then finds its old passphrase no longer opens it.
    """
    import fcntl

    passphrases.check_new(new)
    folder = os.open(path.parent, os.O_RDONLY)
    try:
        fcntl.flock(folder, fcntl.LOCK_EX)
        # A change killed half-way leaves its temp file; with the lock held, none is live.
        for stale in path.parent.glob(f".{path.name}.*.tmp"):
            stale.unlink(missing_ok=True)
        data_key = unlock(path, old)
        header = _wrap(new, data_key, params or kdf_from_env())
        write_atomic(path, _serialise(header))
    finally:
        os.close(folder)  # closing releases the lock
