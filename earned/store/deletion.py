"""Deleting a whole profile, the same way from the web app and the CLI.

Each client asks for its own confirmation first (the typed word DELETE in Settings,
--yes-i-am-sure on the command line) and says what happened afterwards; everything in
between is delete_profile(). It also removes what earned kept on its own: the automatic
backups and the journals a restore set aside. Backups the person made with `earned backup`
are theirs to keep, and are not touched.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from contextlib import suppress

from earned import agent
from earned.errors import EarnedError
from earned.paths import Profile
from earned.store import backups, keys

# typing.TYPE_CHECKING without importing typing; mypy knows the name.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from sqlalchemy.orm import Session


def delete_profile(
    profile: Profile,
    *,
    passphrase: Callable[[], str],
    release: Callable[[], None] | None = None,
) -> None:
    """Delete `profile`'s folder (journal, key file, everything in it) for good.

    In this order: refuse a profile that does not exist (EarnedError, exit code 2);
    prove the owner with the passphrase (WrongPassphrase; nothing changes), which
    `passphrase` is called for only when there is a key file to check it against (the
    CLI prompts then; without a key file nobody can read the data anyway); call `release`
    (the web app closes its open journal there); stop the profile's terminal key agent;
    remove the folder, the automatic backups and any journal a restore set aside.

    Costs one Argon2id derivation (about a second with the real parameters). An agent
    whose socket is not private to this user (UnsafeAgent) is left alone: one we refuse
    to trust is not one we can ask to stop, and that must not keep the data from going.
    """
    if not profile.folder.exists():
        raise EarnedError(
            f"There is no profile '{profile.name}' in {profile.folder.parent}; "
            "nothing was deleted.",
            exit_code=2,
        )
    if profile.key_file.exists():
        keys.unlock(profile.key_file, passphrase())
    if release is not None:
        release()
    with suppress(EarnedError):
        # An unlocked key for a deleted journal has no business in memory, and a new
        # journal set up in the same folder would be offered it by the quick commands.
        agent.stop(profile)
    shutil.rmtree(profile.folder)
    for aside in backups.set_aside(profile):
        shutil.rmtree(aside, ignore_errors=True)
    backups.remove_automatic(profile)


def wipe(*, session: Session) -> None:
    """Delete every record in the open journal; the schema stays (an import then starts
    from nothing). SQLAlchemy is imported here: delete_profile above does not need it."""
    from sqlalchemy import delete

    from earned.store.models import (
        ActivationRow,
        AnswerRow,
        AssessmentRow,
        EntryRow,
        PracticeRow,
        SettingRow,
        ToolRow,
        ToolUseRow,
        UrgeDelayRow,
    )

    # Children before parents, so foreign keys hold at every step.
    models = (ToolUseRow, ToolRow, UrgeDelayRow, ActivationRow, PracticeRow)
    for model in (*models, AnswerRow, AssessmentRow, EntryRow, SettingRow):
        session.execute(delete(model))
    session.flush()
