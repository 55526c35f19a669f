"""Crisis language in the quick commands: `earned log` and `earned wait` save what was
typed exactly, exit 0, and when earned.safety fires print the calm care panel with the
region's crisis lines on stderr; idioms add nothing. The quick path stays light."""

from __future__ import annotations

import io
import subprocess
import sys
from typing import Any

import pytest

from earned.store import personal, settings, sqlcipher
from tests.support import PASSPHRASE, child_env
from tests.support.cli import HEAVY, Run
from tests.support.journals import Journal

pytestmark = pytest.mark.usefixtures("no_ambient_secrets")

TITLE = "You matter, and you don't have to hold this alone"


def rows(j: Journal, sql: str) -> list[tuple[Any, ...]]:
    conn = sqlcipher.connect(j.profile.database, j.key)
    try:
        return [tuple(r) for r in conn.execute(sql).fetchall()]
    finally:
        conn.close()


def set_region(j: Journal, region: str) -> None:
    store, _key = personal.unlock(j.profile, PASSPHRASE)
    try:
        with store.session() as s:
            settings.set_setting(session=s, key="region", value=region)
    finally:
        store.close()


# --- earned log ------------------------------------------------------------------------------


def test_log_saves_risk_words_and_shows_the_lines_on_stderr(run: Run, journal: Journal) -> None:
    r = run("log", "8", "I want to kill myself", "--urge", "disappear")
    assert r.code == 0
    assert r.out.startswith("Logged: intensity 8")
    # The panel goes to stderr. (Not just "988": the random id on stdout may contain it.)
    assert TITLE not in r.out and "Call or text 988" not in r.out
    assert TITLE in r.err
    assert "988 Suicide & Crisis Lifeline: Call or text 988" in r.err
    assert "findahelpline.com" in r.err
    assert rows(journal, "SELECT trigger, urge FROM activations") == [
        ("I want to kill myself", "disappear")
    ]


@pytest.mark.parametrize(
    "argv",
    [
        ["log", "6", "no reply for hours", "--emotion", "suicidal"],
        ["log", "6", "--urge", "hurt myself"],
        ["log", "6", "--tag", "kms"],
    ],
)
def test_every_text_option_of_log_is_read(run: Run, journal: Journal, argv: list[str]) -> None:
    r = run(*argv)
    assert r.code == 0 and TITLE in r.err
    assert len(rows(journal, "SELECT id FROM activations")) == 1


@pytest.mark.parametrize("trigger", ["this deadline is killing me", "he didn't answer for 3 hours"])
def test_log_with_an_idiom_or_sadness_adds_nothing(
    run: Run, journal: Journal, trigger: str
) -> None:
    r = run("log", "5", trigger)
    assert r.code == 0 and r.out.startswith("Logged:")
    assert r.err == ""
    assert rows(journal, "SELECT trigger FROM activations") == [(trigger,)]


def test_the_saved_region_comes_first(run: Run, journal: Journal) -> None:
    set_region(journal, "uk-ie")
    r = run("log", "7", "I wish I were dead")
    assert r.code == 0
    lines = r.err.index("Samaritans: Call 116 123")
    assert lines < r.err.index("988")  # the person's region first, the others after


def test_a_retried_token_still_shows_the_lines(run: Run, journal: Journal) -> None:
    first = run("log", "7", "kms", "--token", "t-1")
    again = run("log", "7", "kms", "--token", "t-1")
    assert first.code == again.code == 0
    assert "Already saved" in again.out and TITLE in again.err
    assert len(rows(journal, "SELECT id FROM activations")) == 1


# --- earned wait -----------------------------------------------------------------------------


def test_wait_starts_the_timer_and_shows_the_lines(
    run: Run, journal: Journal, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO("w\n"))
    r = run("wait", "cut myself")
    assert r.code == 0
    assert "Timer started" in r.out and "You waited" in r.out
    assert TITLE in r.err and "988" in r.err
    assert rows(journal, "SELECT urge, outcome FROM urge_delays") == [("cut myself", "waited")]


def test_wait_with_an_ordinary_urge_adds_nothing(
    run: Run, journal: Journal, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO("p\n"))
    r = run("wait", "text him again")
    assert r.code == 0 and r.err == ""


# --- the quick path ----------------------------------------------------------------------


def test_showing_the_lines_keeps_the_quick_path_light(journal_with_agent: Journal) -> None:
    """With `earned unlock`, a risk capture imports none of the heavy stack."""
    code = f"""
import contextlib, io, sys
from earned import cli
err = io.StringIO()
with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(err):
    assert cli.main(["log", "7", "I want to end it all"]) == 0
assert "988" in err.getvalue(), err.getvalue()
print(",".join(sorted(m for m in sys.modules if m.split(".")[0] in {HEAVY!r})))
"""
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=child_env(), timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == ""
    assert rows(journal_with_agent, "SELECT trigger FROM activations") == [
        ("I want to end it all",)
    ]
