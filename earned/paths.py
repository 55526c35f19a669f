"""Where a profile's files live: the platform's user data dir, or EARNED_DATA_DIR.

Kept free of heavy imports because the quick CLI path uses it.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from earned.errors import EarnedError

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

    def ensure_folder(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        os.chmod(self.folder, 0o700)


def profile(name: str = "default", root: Path | None = None) -> Profile:
    if not _PROFILE.match(name):
        raise EarnedError(
            "A profile name uses lower-case letters, digits, '-' or '_' (at most 32)."
        )
    return Profile(name, (root or data_root()) / "profiles" / name)
