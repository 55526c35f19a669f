"""The demo generator: deterministic, shaped like an export, a realistic (non-monotonic)
trend, and restorable into a real encrypted journal."""

from __future__ import annotations

import itertools
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from earned import demo, instruments, journal
from earned.instruments.scoring import Scores, score
from earned.reports.tables import TABLES
from tests.conftest import PASSPHRASE, T0

NO_MOMENTS = {t.key: 0 for t in TABLES}

SEEDS = range(10)


def anxiety_series(data: dict[str, Any]) -> list[float]:
    ecr = instruments.load("ecr")
    out = []
    for a in data["assessments"]:
        if a["completed_at"] is None:
            continue
        result = score(ecr, {x["item"]: x["value"] for x in a["answers"]})
        assert isinstance(result, Scores)
        out.append(result["anxiety"])
    return out


def test_same_seed_same_data_other_seed_other_data() -> None:
    assert demo.generate(7, T0) == demo.generate(7, T0)
    assert demo.generate(7, T0) != demo.generate(8, T0)


def test_needs_an_aware_start() -> None:
    with pytest.raises(ValueError):
        demo.generate(1, datetime(2026, 1, 1))  # naive on purpose


def test_shape_is_the_export_format() -> None:
    data = demo.generate(3, T0)
    assert data["format"] == "earned-export"
    assert data["version"] == 1
    assert data["settings"] == {}
    end = datetime.fromisoformat(data["exported_at"])
    assert end - T0 > timedelta(days=540)

    ids = [a["id"] for a in data["assessments"]] + [e["id"] for e in data["entries"]]
    assert len(ids) == len(set(ids))
    assert all(re.fullmatch(r"[0-9a-f]{32}", i) for i in ids)

    unfinished = [a for a in data["assessments"] if a["completed_at"] is None]
    assert len(unfinished) <= 1
    for a in unfinished:
        assert 0 < len(a["answers"]) < 36
    for a in data["assessments"]:
        assert a["instrument"] == "ecr"
        assert [x["item"] for x in a["answers"]] == list(range(1, len(a["answers"]) + 1))
        assert all(1 <= x["value"] <= 5 for x in a["answers"])
        times = [a["started_at"], *(x["answered_at"] for x in a["answers"])]
        if a["completed_at"]:
            times.append(a["completed_at"])
        assert times == sorted(times)
        assert T0 <= datetime.fromisoformat(a["started_at"]) <= end

    reflections = [e for e in data["entries"] if e["kind"] == "reflection"]
    origins = [e for e in data["entries"] if e["kind"] == "origin"]
    assert 35 <= len(reflections) <= 45
    assert origins and all(e["prompt"] is None for e in origins)
    assert {e["prompt"] for e in reflections} == journal.prompt_keys()
    for e in data["entries"]:
        assert journal.clean_body(e["body"]) == e["body"]
        assert T0 <= datetime.fromisoformat(e["created_at"]) <= end
        assert e["created_at"] <= e["updated_at"] <= data["exported_at"]
    assert len({e["body"] for e in reflections}) > 30  # varied, not one text repeated


def test_assessments_come_about_every_six_weeks() -> None:
    data = demo.generate(5, T0)
    starts = [datetime.fromisoformat(a["started_at"]) for a in data["assessments"]]
    gaps = [(b - a).days for a, b in itertools.pairwise(starts[:-1])]  # last is unfinished
    assert len(gaps) >= 10
    assert all(35 <= g <= 50 for g in gaps)


@pytest.mark.parametrize("seed", SEEDS)
def test_anxiety_falls_overall_through_setbacks(seed: int) -> None:
    series = anxiety_series(demo.generate(seed, T0))
    assert 3.6 <= series[0] <= 4.4
    assert 2.2 <= series[-1] <= 3.0
    assert series[0] - series[-1] >= 0.8
    rises = [b - a for a, b in itertools.pairwise(series) if b > a]
    assert rises, "a realistic story has harder stretches"
    assert max(rises) >= 0.2


def test_restores_into_a_journal_and_round_trips(data_dir: Path) -> None:
    from earned.paths import profile
    from earned.reports import export
    from earned.store import personal

    data = demo.generate(11, datetime(2024, 5, 1, tzinfo=UTC))
    store, _ = personal.set_up(profile("roundtrip"), PASSPHRASE)
    try:
        with store.session() as session:
            counts = export.restore(session=session, data=data)
        with store.session() as session:
            again = export.snapshot(session=session)
    finally:
        store.close()
    assert counts == {
        "assessments": len(data["assessments"]),
        "entries": len(data["entries"]),
        "skipped": 0,
        **NO_MOMENTS,
    }
    assert {**again, "exported_at": None} == {**data, "exported_at": None}
