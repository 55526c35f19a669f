"""`earned roadmap` and `earned recommit`: the same steps, suggestion, comparison and record
as the pages, through the full store."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from earned import recommit, roadmap
from earned.cli import common
from earned.store import activations, personal, recommits
from tests.support import PASSPHRASE
from tests.support.cli import call
from tests.support.journals import Journal

pytestmark = pytest.mark.usefixtures("no_ambient_secrets")
NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def frozen(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(common, "now", lambda: NOW)
    import earned.cli.roadmap as module

    monkeypatch.setattr(module, "now", lambda: NOW)


def weeks_of(journal: Journal, levels: list[int]) -> None:
    store, _key = personal.unlock(journal.profile, PASSPHRASE)
    try:
        with store.session() as s:
            for w, level in enumerate(levels):
                for day in range(5):
                    onset = NOW - timedelta(days=7 * (len(levels) - w) - day - 0.5)
                    activations.log_activation(session=s, intensity=level, now=onset)
    finally:
        store.close()


def test_roadmap_lists_every_step_and_one_next_thing(
    journal: Journal, capsys: pytest.CaptureFixture[str]
) -> None:
    done = call(capsys, "roadmap", pw=journal.pw)
    assert done.code == 0, done.err
    for step in roadmap.steps():
        assert step.title in done.out
    assert "One small next thing: Take the starting-point questionnaire." in done.out
    assert max(len(line) for line in done.out.splitlines()) <= 100


def test_recommit_compares_and_records_one_practice_once(
    journal: Journal, capsys: pytest.CaptureFixture[str]
) -> None:
    weeks_of(journal, [4] * 12 + [8] * 4)
    shown = call(capsys, "recommit", pw=journal.pw)
    assert shown.code == 0, shown.err
    assert "Moments felt stronger than your usual in 4 of the last 4 weeks" in shown.out
    assert "earned recommit --practice KEY" in shown.out
    args = ("recommit", "--practice", "compassion", "--noticed", "moving house", "--token", "x1")
    assert call(capsys, *args, pw=journal.pw).code == 0
    assert call(capsys, *args, pw=journal.pw).code == 0  # a repeat saves once
    store, _key = personal.unlock(journal.profile, PASSPHRASE)
    try:
        with store.session() as s:
            made = recommits.recent(session=s)
    finally:
        store.close()
    assert [(r.practice, r.noticed) for r in made] == [("compassion", "moving house")]


def test_recommit_refuses_an_unknown_practice_and_too_long_words(
    journal: Journal, capsys: pytest.CaptureFixture[str]
) -> None:
    unknown = call(capsys, "recommit", "--practice", "sprint", pw=journal.pw)
    assert unknown.code == 1 and "Choose one of the practices" in unknown.err
    long = "x" * (recommit.MAX_NOTICED + 1)
    refused = call(capsys, "recommit", "--practice", "breathe", "--noticed", long, pw=journal.pw)
    assert refused.code == 1 and "keep it under" in refused.err


def test_crisis_words_print_the_lines(journal: Journal, capsys: pytest.CaptureFixture[str]) -> None:
    done = call(
        capsys, "recommit", "--practice", "breathe", "--noticed", "I want to die", pw=journal.pw
    )
    assert done.code == 0
    assert "crisis" in done.err.lower() or "you matter" in done.err.lower()
