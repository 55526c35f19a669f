"""The demo person's exposure ladder: a year of small steps, mostly on the anxious side
(waiting before the text, not checking), a few on the avoidant side, and one of their own.

Their guesses start far above how hard things turn out to be and come closer over the
year (the gap narrowing is the learning); a rung is climbed after it has gone reasonably
well a few times, harder weeks bring harder tries, and some finished urge timers whose
urge matches a rung are counted on it. The latest try is planned and not yet done.
Its own random stream, so the rest of the demo is the same with or without it.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import Any

from earned import ladder as rules
from earned.demo.story import evening, hardness, iso, new_id, trend
from earned.urges import UrgeDelay

YEAR = 365
# (template key or None for the person's own, title if own, difficulty if own, urge if own)
RUNGS: tuple[tuple[str | None, str, int, str | None], ...] = (
    ("five-minutes-not-knowing", "", 0, None),
    (None, "Wait half an hour before sending another text", 38, "send another text"),
    ("wait-before-text", "", 0, None),
    ("stay-longer", "", 0, None),
    ("soothe-first", "", 0, None),
    ("say-the-need", "", 0, None),
    ("say-i-missed-you", "", 0, None),
)
FEARS = (
    "that he has lost interest",
    "that the silence means something is wrong",
    "that I will come across as too much",
    "that she will go quiet and pull away",
    "that I will feel exposed and want to run",
    "that they will say no and I will feel foolish",
)
HAPPENED = {
    True: (
        "It was uncomfortable for a few minutes, then it eased.",
        "The reply came later and it was warm.",
        "Nothing bad happened. I noticed the wave and let it pass.",
        "We talked a little longer and it felt closer, not scarier.",
        "I felt the pull and stayed with it; it faded on its own.",
    ),
    False: (
        "It got loud inside and I reached out sooner than I meant to.",
        "A hard day; the step was bigger than it looked this time.",
        "I went quiet afterwards. Useful to know where the edge is.",
    ),
}
PEOPLE = ("Sam", "Sam", "Maya", None, None)


def _rungs(rng: random.Random, begin: datetime, days: int) -> list[dict[str, Any]]:
    found = rules.templates()
    out = []
    for n, (key, title, difficulty, urge) in enumerate(RUNGS):
        t = found.get(key or "")
        out.append(
            {
                "id": new_id(rng),
                "title": t.title if t else title,
                "pattern": t.pattern if t else "own",
                "template": key,
                "difficulty": t.difficulty if t else difficulty,
                "urge": t.urge if t else urge,
                # Most set up on the first evening, the harder ones added as the year goes.
                "created_at": evening(begin + timedelta(days=max(0, n - 3) * days // 8), rng),
                "archived": False,
            }
        )
    return out


def _attempt(
    rng: random.Random,
    rung: dict[str, Any],
    planned: datetime,
    f: float,
    hard: float,
    practised: int,
) -> dict[str, Any]:
    """One try: the real distress falls with practice on this rung and rises in the hard
    stretches; the guess sits above it by a gap that narrows over the year."""
    base = rung["difficulty"] * (1.1 - 0.06 * min(practised, 6)) + 30 * hard
    actual = round(min(100, max(0, base + rng.gauss(0, 10))))
    gap = trend(f, 34, 7) + 10 * hard + rng.gauss(0, 7)
    predicted = round(min(100, max(0, actual + gap)))
    well = rng.random() < min(0.95, trend(f, 0.6, 0.85) - 0.4 * hard + (0.1 if actual < 40 else 0))
    done = planned + timedelta(minutes=rng.randint(20, 60 * 6))
    return {
        "id": new_id(rng),
        "client_token": None,
        "rung_id": rung["id"],
        "planned_at": planned,
        "predicted": predicted,
        "feared": rng.choice(FEARS) if rng.random() < 0.7 else None,
        "done_at": done,
        "actual": actual,
        "happened": rng.choice(HAPPENED[well]) if rng.random() < 0.6 else None,
        "went_well": well,
        "person_id": None,  # the people ledger's demo links these
        "person_name": rng.choice(PEOPLE),
        "urge_delay_id": None,
        "updated_at": done,
    }


def _from_timer(
    rng: random.Random, rung: dict[str, Any], timer: dict[str, Any], f: float
) -> dict[str, Any]:
    went_well = timer["outcome"] in rules.HELD_OUTCOMES
    actual = round(
        min(100, max(0, rung["difficulty"] - 10 + rng.gauss(0, 10) + (0 if went_well else 20)))
    )
    predicted = round(min(100, max(0, actual + trend(f, 30, 6) + rng.gauss(0, 6))))
    return {
        "id": new_id(rng),
        "client_token": None,
        "rung_id": rung["id"],
        "planned_at": timer["started_at"],
        "predicted": predicted,
        "feared": None,
        "done_at": timer["ended_at"],
        "actual": actual,
        "happened": None,
        "went_well": went_well,
        "person_id": None,
        "person_name": None,
        "urge_delay_id": timer["id"],
        "updated_at": timer["ended_at"],
    }


def ladder(
    seed: int,
    start: datetime,
    span_days: int,
    stretches: list[tuple[float, float, float]],
    urge_delays: list[dict[str, Any]],
) -> dict[str, list[dict[str, Any]]]:
    """The two ladder sections, each sorted as `reports.tables.dump` writes them.

    `urge_delays` are the demo's timers (ISO times), some of which are counted on the rung
    their urge matches.
    """
    rng = random.Random(f"ladder-{seed}")  # noqa: S311 - invented data, reproducible
    end = start + timedelta(days=span_days)
    first_day = max(0, span_days - YEAR)
    begin = start + timedelta(days=first_day)
    rungs = _rungs(rng, begin, span_days - first_day)
    by_order = sorted(rungs, key=lambda r: (r["difficulty"], r["created_at"], r["id"]))
    attempts: list[dict[str, Any]] = []
    level, good, practised = 0, 0, 0
    # Reasonably-well tries before moving up: the suggestion comes after EVIDENCE_TO_CLIMB,
    # and this person, like most, stays a while longer on each rung.
    needed = rules.EVIDENCE_TO_CLIMB + rng.randint(3, 8)
    for day in range(first_day + 1, span_days):
        f = day / span_days
        hard = hardness(f, stretches)
        if rng.random() > 0.2 + 0.1 * (1 - hard):  # one or two tries a week
            continue
        planned = evening(start + timedelta(days=day), rng)
        # Now and then, and more in a hard week, back to an easier rung already climbed.
        back = level > 0 and rng.random() < 0.15 + 0.5 * hard
        rung = by_order[rng.randrange(level) if back else level]
        if planned < rung["created_at"] or planned >= end - timedelta(hours=8):
            continue
        made = _attempt(rng, rung, planned, f, hard, 6 if back else practised)
        if made["done_at"] > end:
            continue
        attempts.append(made)
        if back:
            continue
        practised += 1
        good += made["went_well"]
        # Climb once this rung has gone reasonably well enough times, and not in a hard week.
        ready = good >= needed and hard < 0.15
        if ready and level + 1 < len(by_order) and by_order[level + 1]["created_at"] <= planned:
            level, good, practised = level + 1, 0, 0
            needed = rules.EVIDENCE_TO_CLIMB + rng.randint(3, 8)

    # Finished timers (waited out, passed, or acted on) counted on the rung they match.
    listed = [
        rules.Rung(
            r["id"],
            r["title"],
            r["pattern"],
            r["template"],
            r["difficulty"],
            r["urge"],
            r["created_at"],
        )
        for r in rungs
    ]
    by_id = {r["id"]: r for r in rungs}
    for timer in urge_delays:
        if timer["ended_at"] is None or rng.random() > 0.5:
            continue
        started = datetime.fromisoformat(timer["started_at"])
        ended = datetime.fromisoformat(timer["ended_at"])
        found = rules.rung_for_timer(
            listed, UrgeDelay(timer["id"], timer["urge"], started, ended, timer["outcome"])
        )
        if found is None or started < found.created_at:
            continue
        counted = {**timer, "started_at": started, "ended_at": ended}
        attempts.append(
            _from_timer(rng, by_id[found.id], counted, (started - start).days / span_days)
        )

    # The latest try is planned and waiting to be noted.
    if attempts:
        latest = max(attempts, key=lambda a: a["planned_at"])
        planned = max(latest["planned_at"] + timedelta(minutes=1), end - timedelta(hours=20))
        if planned < end:
            attempts.append(
                {
                    **latest,
                    "id": new_id(rng),
                    "planned_at": planned,
                    "feared": FEARS[0],
                    "done_at": None,
                    "actual": None,
                    "happened": None,
                    "went_well": None,
                    "urge_delay_id": None,
                    "updated_at": planned,
                }
            )

    def ordered(records: list[dict[str, Any]], key: str) -> list[dict[str, Any]]:
        records.sort(key=lambda r: (r[key], r["id"]))
        return [
            {k: iso(v) if isinstance(v, datetime) else v for k, v in r.items()} for r in records
        ]

    return {
        "ladder_rungs": ordered(rungs, "created_at"),
        "ladder_attempts": ordered(attempts, "planned_at"),
    }
