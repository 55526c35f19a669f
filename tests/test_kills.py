"""SIGKILL while the CLI and the web app write at once (tests/support/kills.py): no
acknowledged write is lost and the journal passes both integrity checks after every kill.

A short run of the harness with real processes: `earned log`, `wait` and `edit` in a loop,
`earned serve` taking form posts, the key agent, each killed in turn. bench/kills.py runs
the same harness for hundreds of kills.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support import PASSPHRASE
from tests.support.journals import Journal
from tests.support.kills import TARGETS, Harness, report

pytestmark = pytest.mark.usefixtures("no_ambient_secrets")

KILLS = 6


def test_no_acknowledged_write_is_lost_and_nothing_is_damaged_across_kills(
    journal: Journal, tmp_path: Path
) -> None:
    harness = Harness(journal.profile, journal.key, PASSPHRASE, tmp_path, seed=1, gap=(0.4, 1.2))
    figures = harness.run(KILLS)
    said = "\n".join(report(figures))
    print(said)  # the figures, with -s
    # It did something: every kind of kill landed, and both sides had writes acknowledged.
    assert sum(figures.kills.values()) == KILLS, said
    assert set(figures.kills) == set(TARGETS), said
    assert figures.killed_processes["server"] and figures.killed_processes["agent"], said
    assert figures.acknowledged["log"] and figures.acknowledged["capture"], said
    assert figures.final is not None and figures.final.checked == sum(
        figures.acknowledged.values()
    ), said
    assert len(figures.checks) == KILLS, said
    # And nothing was lost or damaged.
    assert figures.lost == [], said
    assert figures.damaged == [], said
    assert figures.unexpected == [], said
    assert figures.server_errors == [], said
