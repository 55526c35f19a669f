"""A personal journal on disk: set up, unlock (with its automatic backup), change passphrase.

Ties the key file (store.keys) to the encrypted database (store.engine) for one
profile folder. The only place that turns a passphrase into an open Store.
"""

from __future__ import annotations

from earned import passphrases
from earned.errors import NEEDS_RESTORE, EarnedError
from earned.paths import Profile
from earned.store import Store, backups, keys, schema, sqlcipher


def set_up(profile: Profile, passphrase: str) -> tuple[Store, bytes]:
    """Create a new journal protected by `passphrase`. Refuses to overwrite one."""
    profile.check_key_file()
    if profile.exists or profile.database.exists():
        raise EarnedError(
            f"A journal already exists in {profile.folder}. Unlock it instead, or choose "
            "another profile."
        )
    passphrases.check_new(passphrase)
    profile.ensure_folder()
    data_key = keys.create(profile.key_file, passphrase)
    return Store.personal(profile.database, data_key), data_key


def unlock(profile: Profile, passphrase: str) -> tuple[Store, bytes]:
    """Open an existing journal; a wrong passphrase raises WrongPassphrase, writing nothing."""
    profile.check_key_file()
    if not profile.exists:
        raise EarnedError(
            f"There is no journal in {profile.folder} yet. Run `earned init` or open the app "
            "to create one.",
            exit_code=2,
        )
    data_key = keys.unlock(profile.key_file, passphrase)
    store = open_with_key(profile, data_key)  # every page checked: safe to copy
    backups.automatic(profile, data_key)
    return store, data_key


def open_with_key(profile: Profile, data_key: bytes) -> Store:
    """Open the existing database; a missing one is an error, never silently recreated."""
    if not profile.database.exists():
        # SQLite would create an empty file here, and the person would find an empty
        # journal (then write into it) instead of learning that theirs has gone missing.
        raise EarnedError(
            f"The key file is in {profile.folder} but the journal file {profile.database.name} "
            "is missing. Nothing was created. Put it back, or restore from a backup "
            "(see `earned backup`).",
            exit_code=NEEDS_RESTORE,
            status=500,
        )
    if profile.database.stat().st_size == 0:
        # An empty file where the journal should be is damage (a failed copy, a full disk),
        # not a new journal: SQLite would happily start an empty one in it, and the
        # person's history would silently vanish while new writes went into the empty file.
        raise EarnedError(
            f"The journal file {profile.database} is empty, although its key file is here: "
            "it was cut short or replaced. Nothing was written to it. Restore your "
            "latest backup (`earned backup` keeps them in the data folder's backups).",
            exit_code=NEEDS_RESTORE,
            status=500,
        )
    if _behind(profile, data_key):
        backups.before_upgrade(profile, data_key)
    return Store.personal(profile.database, data_key)


def _behind(profile: Profile, data_key: bytes) -> bool:
    """Whether the journal was made by an older earned (its schema will be upgraded)."""
    try:
        conn = sqlcipher.connect(profile.database, data_key)
    except EarnedError:
        return False  # Store.personal below says what is wrong
    try:
        found = sqlcipher.revision(conn)
    except EarnedError:
        return False
    finally:
        conn.close()
    # Not a newer earned's journal: that is refused, not upgraded.
    return found in schema.REVISIONS[:-1]


def change_passphrase(profile: Profile, old: str, new: str) -> None:
    """Atomic: only the small key file is rewritten; the database is untouched."""
    keys.change(profile.key_file, old, new)
