"""Quick capture from the terminal (earned/cli/capture.py): `earned log` with bad input
refused before anything is written and idempotent retries, `settle` with the recovery
time, `peak`, and `open`. What these commands import, and that their rows are the
store's, is tests/test_cli_quick.py."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from earned.cli import capture
from earned.episodes import Activation
from earned.store import quick
from earned.urges import UrgeDelay
from tests.support.cli import call, count, earned, raw, short_id
from tests.support.journals import Journal

pytestmark = pytest.mark.usefixtures("no_ambient_secrets")


# --- log -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["11"], "Intensity runs from 0 to 10; 11 is outside that"),
        (["-1"], "Intensity runs from 0 to 10; -1 is outside that"),
        (["seven"], "Intensity is a whole number from 0 to 10"),
        (["5", "x" * 501], "The trigger is 501 characters; please keep it under 500"),
        (["5", "--urge", "y" * 600], "The urge is 600 characters"),
        (["5", "--emotion", "z" * 61], "too long"),
        (["5", "--at", "2999-01-01T10:00"], "in the future"),
        (["5", "--at", "yesterday-ish"], "not a time earned understands"),
        (["5", "--at", "25:61"], "not a time earned understands"),
        (["5", "--token", "t" * 65], "at most 64"),
    ],
)
def test_bad_input_is_refused_before_anything_is_written(
    journal: Journal, capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    # No agent and no passphrase source: the input is checked before any is asked for.
    result = call(capsys, "log", *argv)
    assert result.code == 1
    assert message in result.err
    assert "Traceback" not in result.err
    assert count(journal) == 0


def test_identical_logs_are_separate_captures_but_a_token_is_idempotent(
    journal_with_agent: Journal, capsys: pytest.CaptureFixture[str]
) -> None:
    assert call(capsys, "log", "6", "silence").code == 0
    assert call(capsys, "log", "6", "silence").code == 0
    assert count(journal_with_agent) == 2

    first = call(capsys, "log", "6", "silence", "--token", "retry-1")
    again = call(capsys, "log", "6", "silence", "--token", "retry-1")
    assert first.code == again.code == 0
    assert "Logged" in first.out
    assert "Already saved with this --token" in again.out
    assert short_id(first.out) == short_id(again.out)
    assert count(journal_with_agent) == 3


def test_log_with_a_passphrase_file_and_no_agent(
    journal: Journal, capsys: pytest.CaptureFixture[str]
) -> None:
    result = call(capsys, "log", "3", pw=journal.pw)
    assert result.code == 0, result.err
    assert "earned unlock" not in result.err  # no tip when the passphrase came from a file
    assert count(journal) == 1


def test_log_at_an_earlier_time(
    journal_with_agent: Journal, capsys: pytest.CaptureFixture[str]
) -> None:
    earlier = (datetime.now(UTC) - timedelta(hours=2)).replace(microsecond=0)
    result = call(capsys, "log", "5", "--at", earlier.isoformat())
    assert result.code == 0, result.err
    assert raw(journal_with_agent, "SELECT onset_at FROM activations") == [
        (earlier.replace(tzinfo=None).isoformat(" ", "microseconds"),)
    ]


# --- settle, peak, open ----------------------------------------------------------------------


def test_a_second_settle_keeps_the_first_time(
    journal_with_agent: Journal, capsys: pytest.CaptureFixture[str]
) -> None:
    """`earned settle ID` on a settled episode keeps its time, as the web's second tap does;
    only a typed --at (a deliberate correction) moves it."""
    now = datetime.now(UTC)
    logged = call(capsys, "log", "6", "--at", (now - timedelta(hours=2)).isoformat())
    first = now - timedelta(hours=1)
    assert call(capsys, "settle", "--at", first.isoformat()).code == 0
    ((stored,),) = raw(journal_with_agent, "SELECT settled_at FROM activations")
    again = call(capsys, "settle", short_id(logged.out))
    assert again.code == 0, again.err
    assert "already settled" in again.out
    assert "Settled: 60 minutes from the start" in again.out
    assert raw(journal_with_agent, "SELECT settled_at FROM activations") == [(stored,)]
    corrected = now - timedelta(minutes=30)
    fixed = call(capsys, "settle", short_id(logged.out), "--at", corrected.isoformat())
    assert fixed.code == 0 and "already settled" not in fixed.out
    assert "Settled: 1 h 30 min from the start" in fixed.out


def test_settle_the_most_recent_open_episode_and_see_recovery_time(
    journal_with_agent: Journal, capsys: pytest.CaptureFixture[str]
) -> None:
    now = datetime.now(UTC)
    old = call(capsys, "log", "5", "--at", (now - timedelta(hours=3)).isoformat())
    new = call(capsys, "log", "8", "--at", (now - timedelta(minutes=42)).isoformat())
    settled = call(capsys, "settle")
    assert settled.code == 0, settled.err
    assert "Settled: 42 minutes from the start" in settled.out
    assert "intensity 8" in settled.out
    assert "1 other episode(s) still open" in settled.out

    by_id = call(
        capsys, "settle", short_id(old.out)[:5], "--at", (now - timedelta(hours=1)).isoformat()
    )
    assert by_id.code == 0, by_id.err
    assert "Settled: 2 h 00 min from the start" in by_id.out
    assert "still open" not in by_id.out

    nothing = call(capsys, "settle")
    assert nothing.code == 1
    assert "There is no open episode" in nothing.err
    assert short_id(new.out) != short_id(old.out)


def test_settle_refusals_change_nothing(
    journal_with_agent: Journal, capsys: pytest.CaptureFixture[str]
) -> None:
    now = datetime.now(UTC)
    logged = call(capsys, "log", "6", "--at", (now - timedelta(minutes=30)).isoformat())
    before = call(capsys, "settle", "--at", (now - timedelta(hours=1)).isoformat())
    assert before.code == 1
    assert "before the episode began" in before.err
    future = call(capsys, "settle", "--at", (now + timedelta(hours=1)).isoformat())
    assert future.code == 1
    assert "in the future" in future.err
    unknown = call(capsys, "settle", "ffffffffffff")
    assert unknown.code == 1
    assert "No episode has an id starting with ffffffffffff" in unknown.err
    not_hex = call(capsys, "settle", "hello")
    assert not_hex.code == 1
    assert "is not an id" in not_hex.err
    assert raw(journal_with_agent, "SELECT settled_at, updated_at FROM activations")[0][0] is None
    assert short_id(logged.out)


def test_an_ambiguous_prefix_asks_for_more(
    journal_with_agent: Journal, capsys: pytest.CaptureFixture[str]
) -> None:
    conn = quick.open_journal(journal_with_agent.profile, journal_with_agent.key)
    try:
        now = datetime.now(UTC)
        for suffix in ("1", "2"):
            values = quick.prepare_activation(intensity=3, now=now)
            values["id"] = "abcd" + suffix * 28
            quick.insert_activation(conn, values)
    finally:
        conn.close()
    result = call(capsys, "settle", "abcd")
    assert result.code == 1
    assert "More than one episode" in result.err
    assert call(capsys, "settle", "ABCD2").code == 0


def test_peak_then_settle(journal_with_agent: Journal, capsys: pytest.CaptureFixture[str]) -> None:
    now = datetime.now(UTC)
    call(capsys, "log", "6", "--at", (now - timedelta(minutes=30)).isoformat())
    bad = call(capsys, "peak", "--intensity", "12")
    assert bad.code == 1 and "outside that" in bad.err
    peak = call(
        capsys, "peak", "--intensity", "9", "--at", (now - timedelta(minutes=20)).isoformat()
    )
    assert peak.code == 0, peak.err
    assert "Peak noted" in peak.out and "intensity 9" in peak.out
    early = call(capsys, "settle", "--at", (now - timedelta(minutes=25)).isoformat())
    assert early.code == 1
    assert "before the peak" in early.err
    assert call(capsys, "settle").code == 0
    ((peak_at, peak_intensity, settled_at),) = raw(
        journal_with_agent, "SELECT peak_at, peak_intensity, settled_at FROM activations"
    )
    assert peak_intensity == 9 and peak_at < settled_at


def test_open_lists_episodes_and_running_timers(
    journal_with_agent: Journal, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    empty = call(capsys, "open")
    assert empty.code == 0
    assert "Nothing is open" in empty.out

    monkeypatch.setattr(capture, "OPEN_SHOWN", 2)
    for n in range(3):
        call(capsys, "log", str(n + 4), f"trigger {n}")
    assert earned("wait", "text her again", stdin="").returncode == 0
    listed = call(capsys, "open")
    assert listed.code == 0
    assert "Open episodes (3):" in listed.out
    assert "trigger 2" in listed.out and "trigger 1" in listed.out
    assert "trigger 0" not in listed.out and "and 1 older one(s)" in listed.out
    assert "Urge timers still running (1):" in listed.out
    assert "text her again" in listed.out
    assert "earned wait --end ID w|a|p" in listed.out


def test_open_shows_the_peak_and_leaves_out_episodes_never_marked(
    journal_with_agent: Journal, capsys: pytest.CaptureFixture[str]
) -> None:
    now = datetime.now(UTC)
    stale = call(capsys, "log", "7", "months ago", "--at", (now - timedelta(days=200)).isoformat())
    call(capsys, "log", "6", "this evening", "--at", (now - timedelta(minutes=50)).isoformat())
    call(capsys, "peak", "--intensity", "8", "--at", (now - timedelta(minutes=40)).isoformat())
    listed = call(capsys, "open")
    assert "Open episodes (1):" in listed.out
    assert "this evening" in listed.out and ", peak " in listed.out and " at 8" in listed.out
    assert "months ago" not in listed.out
    # `earned settle` with no id takes the evening's episode, never the stale one...
    assert "Settled: 50 minutes" in call(capsys, "settle").out
    nothing = call(capsys, "settle")
    assert nothing.code == 1 and "no open episode from the last day" in nothing.err
    # ...and settling the stale one "now" is refused: it would not be a recovery time.
    refused = call(capsys, "settle", short_id(stale.out))
    assert refused.code == 1 and "200 days ago" in refused.err
    assert raw(journal_with_agent, "SELECT count(*) FROM activations WHERE settled_at IS NULL") == [
        (1,)
    ]


def test_words_can_come_from_standard_input_not_the_command_line(
    journal_with_agent: Journal,
) -> None:
    """`earned log 7 -` reads the trigger from standard input, so the words stay out of
    `ps` and the shell history; the command line holds only "-"."""
    done = earned("log", "7", "-", stdin="he read my message and said nothing\n")
    assert done.returncode == 0, done.stderr
    assert raw(journal_with_agent, "SELECT trigger FROM activations") == [
        ("he read my message and said nothing",)
    ]


# --- open's columns ------------------------------------------------------------------------


def _starts(lines: list[str], word: str) -> set[int]:
    """Where `word` starts in each of `lines`."""
    return {line.index(word) for line in lines}


def test_open_keeps_its_columns_aligned_when_a_date_has_a_year() -> None:
    local = datetime.now().astimezone().tzinfo
    now = datetime(2026, 1, 1, 9, 0, tzinfo=local)
    episodes = [
        Activation("a" * 32, datetime(2026, 1, 1, 8, 30, tzinfo=local), 7, trigger="late"),
        Activation(
            "b" * 32,
            datetime(2025, 12, 31, 23, 10, tzinfo=local),
            10,
            trigger="no answer",
            peak_at=datetime(2025, 12, 31, 23, 40, tzinfo=local),
            peak_intensity=9,
        ),
        Activation("c" * 32, datetime(2025, 12, 30, 22, 0, tzinfo=local), 4, trigger="quiet"),
    ]
    lines = capture._open_rows(episodes, now)
    assert "Tue 30 Dec 2025 22:00" in lines[2]  # another year: the year is shown
    assert "yesterday 23:10" in lines[1] and ", peak yesterday 23:40 at 9" in lines[1]
    assert len(_starts(lines, "intensity")) == 1
    assert len({line.index(t) for line, t in zip(lines, ["late", "no answer", "quiet"])}) == 1
    assert all(line == line.rstrip() for line in lines)

    timers = [
        UrgeDelay("d" * 32, "text him", datetime(2026, 1, 1, 8, 55, tzinfo=local)),
        UrgeDelay("e" * 32, "check his phone", datetime(2025, 3, 2, 14, 5, tzinfo=local)),
    ]
    running = capture._running_rows(timers, now)
    assert "since Sun 02 Mar 2025 14:05" in running[1]
    assert len({line.index(u) for line, u in zip(running, ["text him", "check his"])}) == 1
    assert len({line.index("(") for line in running}) == 1
