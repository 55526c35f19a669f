"""Where a profile's files live: the platform's user data dir, or EARNED_DATA_DIR.

Kept free of heavy imports because the quick CLI path uses it.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from earned.errors import NEEDS_RESTORE, EarnedError

# Real dataclasses for mypy; earned.records at run time, which spares the quick CLI path
# the ~6 ms import of `inspect` that `dataclasses` brings.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from dataclasses import dataclass
else:
    from earned.records import record as dataclass

_PROFILE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,31}$")


def data_root() -> Path:
    override = os.environ.get("EARNED_DATA_DIR")
    if override:
        return Path(override).expanduser()
    from platformdirs import user_data_dir

    return Path(user_data_dir("earned", appauthor=False))


@dataclass(frozen=True)
class Profile:
    name: str
    folder: Path

    @property
    def database(self) -> Path:
        return self.folder / "journal.db"

    @property
    def key_file(self) -> Path:
        return self.folder / "journal.key"

    @property
    def exists(self) -> bool:
        return self.key_file.exists()

    def check_key_file(self) -> None:
        """A journal file without its key file is damage, not "no journal yet": say so
        (setup would refuse to overwrite it, and unlock has nothing to open it with)."""
        if not self.key_file.exists() and self.database.exists():
            raise EarnedError(
                f"The journal file is in {self.folder}, but its key file "
                f"({self.key_file.name}) is missing, and without it nothing can open the "
                "journal. Nothing was changed. Put the key file back, or restore your latest "
                "backup (a backup holds both).",
                exit_code=NEEDS_RESTORE,
                status=500,
            )

    def ensure_folder(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        os.chmod(self.folder, 0o700)


def profile(name: str = "default", root: Path | None = None) -> Profile:
    if not _PROFILE.match(name):
        raise EarnedError(
            "A profile name uses lower-case letters, digits, '-' or '_' (at most 32)."
        )
    return Profile(name, (root or data_root()) / "profiles" / name)
