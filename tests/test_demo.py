"""The demo generator: deterministic, shaped like an export, a realistic (non-monotonic)
trend, and restorable into a real encrypted journal."""

from __future__ import annotations

import hashlib
import itertools
import json
import re
import statistics
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from earned import demo, instruments, journal, onboarding, patterns, regulation, toolkit, urges
from earned.episodes import BODY_KEYS
from earned.instruments.scoring import Scores, score
from earned.reports import tables
from earned.reports.tables import TABLES
from tests.support import PASSPHRASE, T0

MOMENT_KEYS = [t.key for t in TABLES]
SEEDS = range(10)
QUARTER = timedelta(days=91)  # "the first three months" and "the last three"
Demo = Callable[[int], dict[str, Any]]  # the `generated` fixture: seed -> demo data


def anxiety_series(data: dict[str, Any]) -> list[float]:
    ecr = instruments.load("ecr")
    out = []
    for a in data["assessments"]:
        if a["completed_at"] is None or a["instrument"] != "ecr":
            continue
        result = score(ecr, {x["item"]: x["value"] for x in a["answers"]})
        assert isinstance(result, Scores)
        out.append(result["anxiety"])
    return out


@pytest.fixture(scope="module")
def generated() -> Iterator[Demo]:
    """demo.generate(seed, T0), made once per seed for this module and shared by its tests.

    Each costs about 0.1 s and the checks below read the same seeds many times. The data
    is read only: the fingerprints taken when it was made are compared when the module
    ends, so a test that changed it would fail here.
    """
    made: dict[int, dict[str, Any]] = {}
    prints: dict[int, str] = {}

    def fingerprint(data: dict[str, Any]) -> str:
        return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()

    def get(seed: int) -> dict[str, Any]:
        if seed not in made:
            made[seed] = demo.generate(seed, T0)
            prints[seed] = fingerprint(made[seed])
        return made[seed]

    yield get
    changed = [seed for seed, data in made.items() if fingerprint(data) != prints[seed]]
    assert changed == [], f"a test changed the shared demo data of seeds {changed}"


def test_same_seed_same_data_other_seed_other_data() -> None:
    first, again, other = demo.generate(7, T0), demo.generate(7, T0), demo.generate(8, T0)
    assert first == again
    assert first != other
    for key in MOMENT_KEYS:
        assert first[key] == again[key]
        assert first[key] != other[key], key


def test_needs_an_aware_start() -> None:
    with pytest.raises(ValueError):
        demo.generate(1, datetime(2026, 1, 1))  # naive on purpose


def test_shape_is_the_export_format(generated: Demo) -> None:
    data = generated(3)
    assert data["format"] == "earned-export"
    assert data["version"] == 1
    assert data["settings"] == {onboarding.SETTING: onboarding.DONE}  # opens on its data
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
        inst = instruments.load(a["instrument"])
        assert a["instrument"] in {"ecr", "ecrr", "who5", "scssf"}
        assert [x["item"] for x in a["answers"]] == list(range(1, len(a["answers"]) + 1))
        assert all(inst.scale.min <= x["value"] <= inst.scale.max for x in a["answers"])
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


def test_assessments_come_about_every_six_weeks(generated: Demo) -> None:
    data = generated(5)
    ecr = [a for a in data["assessments"] if a["instrument"] == "ecr"]
    starts = [datetime.fromisoformat(a["started_at"]) for a in ecr]
    gaps = [(b - a).days for a, b in itertools.pairwise(starts[:-1])]  # last is unfinished
    assert len(gaps) >= 10
    assert all(35 <= g <= 50 for g in gaps)


@pytest.mark.parametrize("seed", SEEDS)
def test_anxiety_falls_overall_through_setbacks(generated: Demo, seed: int) -> None:
    series = anxiety_series(generated(seed))
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
        **{key: len(data[key]) for key in MOMENT_KEYS},
    }
    assert all(counts[key] > 0 for key in MOMENT_KEYS)
    assert {**again, "exported_at": None} == {**data, "exported_at": None}


# --- in the moment -----------------------------------------------------------------------


def when(value: str) -> datetime:
    return datetime.fromisoformat(value)


def recovery_minutes(a: dict[str, Any]) -> float:
    return (when(a["settled_at"]) - when(a["onset_at"])).total_seconds() / 60


def held_seconds(u: dict[str, Any]) -> float:
    return (when(u["ended_at"]) - when(u["started_at"])).total_seconds()


def first_and_last_quarter(
    data: dict[str, Any], records: list[dict[str, Any]], key: str
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    end = when(data["exported_at"])
    first = [r for r in records if when(r[key]) < T0 + QUARTER]
    last = [r for r in records if when(r[key]) >= end - QUARTER]
    return first, last


@pytest.mark.parametrize("seed", SEEDS)
def test_every_moment_record_passes_the_import_checks_as_it_is(generated: Demo, seed: int) -> None:
    """Each record is already in the form import normalises to, so a restore changes
    nothing and a second import of the same demo skips every record."""
    data = generated(seed)
    for table in TABLES:
        assert data[table.key], table.key
        for record in data[table.key]:
            assert tables._normalise(table, record) == record
        order = [(r[table.order], r["id"]) for r in data[table.key]]
        assert order == sorted(order), f"{table.key} is not in export order"
    ids = [r["id"] for key in MOMENT_KEYS for r in data[key]]
    assert len(ids) == len(set(ids))
    assert all(re.fullmatch(r"[0-9a-f]{32}", i) for i in ids)


def test_moment_records_fall_within_the_span(generated: Demo) -> None:
    data = generated(3)
    end = when(data["exported_at"])
    for table in TABLES:
        for record in data[table.key]:
            for column in table.times:
                if record[column] is not None:
                    assert T0 <= when(record[column]) <= end, (table.key, column)


def test_activations_look_like_a_real_log(generated: Demo) -> None:
    data = generated(3)
    acts = data["activations"]
    weeks = (when(data["exported_at"]) - T0).days / 7
    assert 2 <= len(acts) / weeks <= 6  # a few a week
    vocabulary = patterns.known_words()
    for a in acts:
        assert 1 <= a["intensity"] <= 10
        assert set(a["emotions"]) <= vocabulary
        assert set(a["body"]) <= BODY_KEYS
        assert a["client_token"] is None
        if a["peak_at"] is not None:
            assert a["onset_at"] <= a["peak_at"]
            assert a["settled_at"] is None or a["peak_at"] <= a["settled_at"]
        if a["peak_intensity"] is not None:
            assert a["peak_intensity"] >= a["intensity"]
        if a["pattern"] is not None:
            assert a["pattern"]["feeling"] in a["emotions"]
            assert a["pattern"]["urge"] == a["urge"]
        assert a["onset_at"] <= a["created_at"] <= a["updated_at"]
    detailed = [a for a in acts if a["trigger"]]
    assert len(detailed) > 0.8 * len(acts)
    assert len({a["trigger"] for a in detailed}) >= 15  # varied, not one line repeated
    assert len({e for a in acts for e in a["emotions"]}) >= 20  # granular words
    assert {b for a in acts for b in a["body"]} >= {"chest", "throat", "stomach", "jaw"}
    assert any(a["named_in_moment"] is None for a in acts)  # some quick captures
    # A handful of recurring patterns, the most common of them well established.
    pairs = Counter((a["pattern"]["fear"], a["pattern"]["urge"]) for a in acts if a["pattern"])
    assert 3 <= len(pairs) <= 6
    assert pairs.most_common(1)[0][1] >= 20
    # A few episodes are left open (the latest among them), never with a settled time.
    still_open = [a for a in acts if a["settled_at"] is None]
    assert 1 <= len(still_open) <= 0.1 * len(acts)
    assert acts[-1]["settled_at"] is None


@pytest.mark.parametrize("seed", SEEDS)
def test_recovery_time_falls_through_the_hard_stretches(generated: Demo, seed: int) -> None:
    data = generated(seed)
    settled = [a for a in data["activations"] if a["settled_at"] is not None]
    first, last = first_and_last_quarter(data, settled, "onset_at")
    early = statistics.median(recovery_minutes(a) for a in first)
    late = statistics.median(recovery_minutes(a) for a in last)
    assert early > 1.8 * late
    # Not a straight line: some month's median is clearly slower than the month before.
    months: dict[int, list[float]] = {}
    for a in settled:
        months.setdefault(int((when(a["onset_at"]) - T0).days // 30.44), []).append(
            recovery_minutes(a)
        )
    medians = [statistics.median(months[m]) for m in sorted(months)]
    assert max(b - a for a, b in itertools.pairwise(medians)) >= 10


@pytest.mark.parametrize("seed", SEEDS)
def test_time_held_before_the_urge_rises(generated: Demo, seed: int) -> None:
    data = generated(seed)
    timers = data["urge_delays"]
    first, last = first_and_last_quarter(data, timers, "started_at")
    assert first and last
    assert statistics.median(map(held_seconds, last)) > 2 * statistics.median(
        map(held_seconds, first)
    )
    # Acting on the urge gets rarer; every outcome appears.
    assert Counter(u["outcome"] for u in timers).keys() == set(urges.OUTCOMES)
    share = [sum(u["outcome"] == "acted" for u in group) / len(group) for group in (first, last)]
    assert share[0] > share[1]


@pytest.mark.parametrize("seed", SEEDS)
def test_more_moments_are_named_as_they_happen(generated: Demo, seed: int) -> None:
    data = generated(seed)
    answered = [a for a in data["activations"] if a["named_in_moment"] is not None]
    first, last = first_and_last_quarter(data, answered, "onset_at")
    share = [sum(a["named_in_moment"] for a in group) / len(group) for group in (first, last)]
    assert share[1] - share[0] >= 0.25


def test_urge_timers_are_mostly_linked_to_their_activation(
    generated: Demo,
) -> None:
    data = generated(3)
    acts = {a["id"]: a for a in data["activations"]}
    linked = [u for u in data["urge_delays"] if u["activation_id"] is not None]
    assert len(linked) > 0.7 * len(data["urge_delays"])
    for u in linked:
        a = acts[u["activation_id"]]
        assert u["urge"] == a["urge"]
        assert a["onset_at"] <= u["started_at"]
    for u in data["urge_delays"]:
        assert u["started_at"] <= u["ended_at"]
        assert u["outcome"] in urges.OUTCOMES


def test_practice_a_few_times_a_week_with_gaps(generated: Demo) -> None:
    data = generated(3)
    practices = data["practices"]
    kinds = {p["kind"] for p in practices}
    assert kinds <= set(regulation.PRACTICE_KINDS)
    assert {"grounding", "mindfulness", "body-scan", "movement"} <= kinds
    assert any(k.startswith("breathing-") for k in kinds)
    weeks = (when(data["exported_at"]) - T0).days / 7
    assert 1.5 <= len(practices) / weeks <= 5
    starts = [when(p["started_at"]) for p in practices]
    gaps = [b - a for a, b in itertools.pairwise(starts)]
    assert sum(g >= timedelta(days=7) for g in gaps) >= 2  # gaps, and life goes on after
    assert all(0 < p["seconds"] <= regulation.MAX_PRACTICE_SECONDS for p in practices)
    mindful = [p["seconds"] for p in practices if p["kind"] == "mindfulness"]
    assert Counter(mindful).most_common(1)[0][0] == 600  # the ten-minute default
    # More practice later than at first.
    first, last = first_and_last_quarter(data, practices, "started_at")
    assert len(last) > len(first)


@pytest.mark.parametrize("seed", SEEDS)
def test_some_tools_clearly_work_better_than_others(generated: Demo, seed: int) -> None:
    data = generated(seed)
    tools = data["tools"]
    assert 4 <= len(tools) <= 6
    assert len({t["name"].lower() for t in tools}) == len(tools)
    created = {t["id"]: t["created_at"] for t in tools}
    for use in data["tool_uses"]:
        assert created[use["tool_id"]] <= use["used_at"]
        assert 0 <= use["after"] <= 10 and 0 <= use["before"] <= 10
    uses = [
        toolkit.ToolUse(u["tool_id"], u["before"], u["after"], when(u["used_at"]))
        for u in data["tool_uses"]
    ]
    ranked = toolkit.rank_tools({t["id"]: t["name"] for t in tools}, uses)
    assert all(r.uses >= 5 for r in ranked)
    medians = [r.median_drop for r in ranked]
    assert None not in medians
    assert medians[0] is not None and medians[-1] is not None
    assert medians[0] - medians[-1] >= 2.5
    assert medians[0] >= 3
    # The tool that did not help was set aside (archived), and it ranks last.
    archived = [t for t in tools if t["archived"]]
    assert len(archived) == 1
    assert ranked[-1].tool_id == archived[0]["id"]


@pytest.mark.parametrize("seed", range(1, 13))
def test_the_shortest_story_works_for_any_seed(seed: int) -> None:
    """Three months is the documented minimum; a late practice gap once fell outside it."""
    made = demo.generate(seed, datetime(2025, 1, 6, 9, tzinfo=UTC), months=3)
    assert made["activations"] and made["practices"]


def test_the_demo_has_who5_check_ins_two_scs_sf_months_apart_and_one_ecr_r(
    generated: Demo,
) -> None:
    from earned.assessment import Assessment
    from earned.checkin import latest_scs_sf_mean, who5_series

    data = generated(3)
    taken = [
        Assessment(
            a["id"],
            a["instrument"],
            datetime.fromisoformat(a["started_at"]),
            datetime.fromisoformat(a["completed_at"]) if a["completed_at"] else None,
            {x["item"]: x["value"] for x in a["answers"]},
        )
        for a in data["assessments"]
    ]
    kinds = [a.instrument_id for a in taken]
    assert kinds.count("who5") >= 3 and kinds.count("scssf") == 2 and kinds.count("ecrr") == 1
    series = who5_series(taken)
    assert len(series) == kinds.count("who5")
    assert all(0 <= value <= 100 and value % 4 == 0 for _, value in series)
    scs = sorted((a for a in taken if a.instrument_id == "scssf"), key=lambda a: a.started_at)
    assert (scs[1].started_at - scs[0].started_at).days >= 90  # months apart
    latest = latest_scs_sf_mean(taken)
    assert latest is not None and 1 <= latest <= 5


# --- the exposure ladder -------------------------------------------------------------------------


def ladder_gaps(data: dict[str, Any]) -> list[tuple[datetime, int]]:
    return sorted(
        (when(a["done_at"]), abs(a["predicted"] - a["actual"]))
        for a in data["ladder_attempts"]
        if a["done_at"] is not None
    )


@pytest.mark.parametrize("seed", SEEDS)
def test_the_ladder_gap_between_guess_and_result_narrows(generated: Demo, seed: int) -> None:
    gaps = ladder_gaps(generated(seed))
    assert len(gaps) > 80  # about a year of one or two tries a week
    span = gaps[-1][0] - gaps[0][0]
    assert span > timedelta(days=300)
    first = [g for t, g in gaps if t < gaps[0][0] + QUARTER]
    last = [g for t, g in gaps if t >= gaps[-1][0] - QUARTER]
    assert statistics.median(last) < statistics.median(first) - 5


@pytest.mark.parametrize("seed", SEEDS)
def test_the_ladder_is_climbed_and_timers_count_on_their_own_rung(
    generated: Demo, seed: int
) -> None:
    from earned import ladder

    data = generated(seed)
    rungs = {r["id"]: r for r in data["ladder_rungs"]}
    tries = data["ladder_attempts"]
    # Every rung is reached, and the easiest is practised before the hardest.
    assert set(rungs) == {a["rung_id"] for a in tries}
    order = sorted(rungs.values(), key=lambda r: r["difficulty"])
    first_try = {r: min(when(a["planned_at"]) for a in tries if a["rung_id"] == r) for r in rungs}
    assert first_try[order[0]["id"]] < first_try[order[-1]["id"]]
    timers = {u["id"]: u for u in data["urge_delays"]}
    counted = [a for a in tries if a["urge_delay_id"]]
    assert counted
    assert len({a["urge_delay_id"] for a in counted}) == len(counted)
    for a in counted:
        timer = timers[a["urge_delay_id"]]
        assert ladder.urge_matches(rungs[a["rung_id"]]["urge"], timer["urge"])
        assert a["went_well"] is (timer["outcome"] in ladder.HELD_OUTCOMES)
        assert (a["planned_at"], a["done_at"]) == (timer["started_at"], timer["ended_at"])
    latest = max(tries, key=lambda a: a["planned_at"])
    assert latest["done_at"] is None and latest["actual"] is None
