"""Synthetic demo data: eighteen months of one invented person's journal, as an export.

`generate` is a pure function of its arguments (a seeded RNG, no clock), and
returns exactly the shape of `earned.reports.export.snapshot`, so the `demo`
command only has to hand it to `export.restore`. Nothing here touches a store.

The invented person starts anxious-leaning (ECR anxiety about 4.0, avoidance
moderate) and drifts towards about 2.6 through two harder stretches, because a
demo that only ever improves would misrepresent what the work looks like.
The in-the-moment sections follow the same story: a few activations a week whose
recovery time shortens (slower again in the hard stretches), more of them named while they
happen, urge-delay timers held longer, practice a few times a week with gaps, and a
self-soothing toolkit in which some tools clearly help more than others.
All prose below is written for this project.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from typing import Any

from earned import instruments, onboarding
from earned.demo.beliefs import beliefs
from earned.demo.inner import add_inner
from earned.demo.ladder import ladder
from earned.demo.moments import moments
from earned.demo.people import people_ledger
from earned.demo.program import recommits
from earned.demo.prose import BODY, CLOSINGS, OPENERS, ORIGIN
from earned.demo.questionnaires import questionnaires
from earned.demo.story import evening, hard_stretches, hardness, iso, new_id, phase_of, trend
from earned.demo.therapy import session_notes

FORMAT = "earned-export"  # the same constants as earned.reports.export, which imports
VERSION = 1  # SQLAlchemy; this module stays importable without it.

DAYS_PER_MONTH = 30.44
ASSESSMENT_EVERY_DAYS = 42

# (start, end) of the underlying trend; the start sits a little above the intended ~4.0
# because answers are clipped at the top of the scale, which pulls observed means down.
ANXIETY = (4.2, 2.6)
AVOIDANCE = (2.7, 2.0)
ITEM_SPREAD = 0.45  # stable per-item leaning of this person
ANSWER_NOISE = 0.55  # moment-to-moment wobble of each answer

# --- records -----------------------------------------------------------------------------


def _answers(
    rng: random.Random,
    leanings: dict[int, float],
    targets: dict[str, float],
    when: datetime,
    count: int | None = None,
) -> tuple[list[dict[str, Any]], datetime]:
    """ECR answers whose keyed subscale means sit near `targets`; returns them and the
    time of the last one. Reverse-keyed items are mirrored back to what one would tick."""
    ecr = instruments.load("ecr")
    out = []
    for item in ecr.items[: count if count is not None else len(ecr.items)]:
        target = targets[item.subscale or ""] + leanings[item.number]
        keyed = round(target + rng.gauss(0, ANSWER_NOISE))
        keyed = min(ecr.scale.max, max(ecr.scale.min, keyed))
        value = ecr.scale.reverse(keyed) if item.reverse else keyed
        when += timedelta(seconds=rng.randint(6, 30))
        out.append({"item": item.number, "value": value, "answered_at": iso(when)})
    return out, when


def _assessments(
    rng: random.Random, start: datetime, span_days: int, stretches: list[tuple[float, float, float]]
) -> list[dict[str, Any]]:
    ecr = instruments.load("ecr")
    leanings = {i.number: rng.gauss(0, ITEM_SPREAD) for i in ecr.items}
    centre = sum(leanings.values()) / len(leanings)
    leanings = {n: v - centre for n, v in leanings.items()}  # keep the subscale means honest

    days = [0]
    while days[-1] + ASSESSMENT_EVERY_DAYS + 7 <= span_days - 14:
        days.append(days[-1] + ASSESSMENT_EVERY_DAYS + rng.randint(-5, 7))

    out: list[dict[str, Any]] = []
    for day in days:
        f = day / span_days
        bump = hardness(f, stretches)
        targets = {
            "anxiety": trend(f, *ANXIETY) + bump + rng.gauss(0, 0.08),
            "avoidance": trend(f, *AVOIDANCE) + 0.6 * bump + rng.gauss(0, 0.08),
        }
        began = evening(start + timedelta(days=day), rng)
        answers, last = _answers(rng, leanings, targets, began)
        out.append(
            {
                "id": new_id(rng),
                "instrument": "ecr",
                "started_at": iso(began),
                "completed_at": iso(last + timedelta(seconds=rng.randint(2, 9))),
                "answers": answers,
            }
        )

    # One questionnaire started a few days ago and paused halfway, to show resuming.
    day = span_days - rng.randint(3, 6)
    f = day / span_days
    targets = {"anxiety": trend(f, *ANXIETY), "avoidance": trend(f, *AVOIDANCE)}
    began = evening(start + timedelta(days=day), rng)
    answers, _ = _answers(rng, leanings, targets, began, count=rng.randint(10, 22))
    out.append(
        {
            "id": new_id(rng),
            "instrument": "ecr",
            "started_at": iso(began),
            "completed_at": None,
            "answers": answers,
        }
    )
    return out


def _reflection(rng: random.Random, prompt: str, phase: str) -> str:
    pool = OPENERS[prompt]
    sentences = [rng.choice(pool[phase])]
    others = [s for s in pool[phase] if s not in sentences]
    if others and rng.random() < 0.6:
        sentences.append(rng.choice(others))
    if rng.random() < 0.55:
        sentences.append(rng.choice(BODY))
    sentences.append(rng.choice(CLOSINGS[phase]))
    return " ".join(sentences)


def _entry(
    rng: random.Random, kind: str, prompt: str | None, body: str, created: datetime, end: datetime
) -> dict[str, Any]:
    updated = created
    if rng.random() < 0.2:  # some entries are revisited and edited
        updated = min(end, created + timedelta(minutes=rng.randint(5, 60 * 24 * 3)))
    return {
        "id": new_id(rng),
        "kind": kind,
        "prompt": prompt,
        "body": body,
        "created_at": iso(created),
        "updated_at": iso(updated),
    }


def _entries(
    rng: random.Random, start: datetime, span_days: int, stretches: list[tuple[float, float, float]]
) -> list[dict[str, Any]]:
    from earned.journal import reflection_prompts

    keys = [p["key"] for p in reflection_prompts()]
    count = 40 + rng.randint(-2, 2)
    # More writing at the start and during the harder stretches, as people do.
    weights = [
        1 + 0.8 * (1 - d / span_days) + 3 * hardness(d / span_days, stretches)
        for d in range(1, span_days)
    ]
    days = sorted(rng.choices(range(1, span_days), weights=weights, k=count))

    end = start + timedelta(days=span_days)
    out = []
    for n, day in enumerate(days):
        f = day / span_days
        phase = phase_of(f, hardness(f, stretches))
        if n < len(keys):
            prompt = keys[n]  # everyone starts by answering each question once
        else:
            leaning = {"hard": (3, 2, 3, 1, 1), "early": (2, 2, 2, 2, 1), "later": (1, 2, 1, 2, 3)}
            prompt = rng.choices(keys, weights=leaning[phase])[0]
        body = _reflection(rng, prompt, phase)
        created = evening(start + timedelta(days=day), rng)
        out.append(_entry(rng, "reflection", prompt, body, created, end))

    # The origin story, told in three sittings: two early, one revisited much later.
    sittings = ((12, ORIGIN[0:4]), (40, ORIGIN[4:7]), (int(span_days * 0.8), ORIGIN[7:10]))
    for day, chosen in sittings:
        body = " ".join(s for s in chosen if rng.random() < 0.85) or chosen[0]
        created = evening(start + timedelta(days=day), rng)
        out.append(_entry(rng, "origin", None, body, created, end))

    out.sort(key=lambda e: (e["created_at"], e["id"]))
    return out


def generate(seed: int, start: datetime, months: int = 18) -> dict[str, Any]:
    """An export-format journal covering `months` from `start`, the same for the same seed.

    `start` must be timezone-aware; every record falls between it and the end of the span,
    which is also used as `exported_at`.
    """
    if start.tzinfo is None:
        raise ValueError("start must be timezone-aware")
    if months < 3:
        raise ValueError("the demo story needs at least three months")
    start = start.astimezone(UTC).replace(microsecond=0)
    span_days = int(months * DAYS_PER_MONTH)
    rng = random.Random(seed)  # noqa: S311 - invented data, reproducible on purpose; no secrets
    stretches = hard_stretches(rng)
    assessments = _assessments(rng, start, span_days, stretches)
    entries = _entries(rng, start, span_days, stretches)
    assessments += questionnaires(seed, start, span_days)  # WHO-5, SCS-SF, ECR-R
    assessments.sort(key=lambda a: (a["started_at"], a["id"]))
    in_the_moment = moments(rng, start, span_days, stretches)
    # The practice program's records draw from their own generator, so adding one never
    # changes the records above for the same seed.
    program = random.Random(seed + 1)  # noqa: S311 - invented data, reproducible on purpose
    # The people ledger, which also links the moments that name someone in it.
    ledger = people_ledger(rng, start, span_days, stretches, in_the_moment["activations"])
    for a in assessments:  # the starting point's questionnaire is about no one person
        a.update(person_id=None, person_name=None)
    # Session prep: notes before fortnightly sessions (their own random stream).
    end = start + timedelta(days=span_days)
    in_the_moment["session_notes"] = session_notes(seed, in_the_moment["activations"], end)
    # Core beliefs re-rated over months, and origin-story passages linked to today.
    in_the_moment |= beliefs(rng, start, span_days, stretches, entries, in_the_moment)
    data = {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": iso(start + timedelta(days=span_days)),
        "assessments": assessments,
        "entries": entries,
        # Past the welcome page: the demo opens on its data.
        "settings": {onboarding.SETTING: onboarding.DONE},
        # The people ledger and the in-the-moment sections, in the order and shape of
        # reports.tables.dump.
        **ledger,
        **in_the_moment,
        "recommits": recommits(program, start, span_days, stretches),
        # The exposure ladder, with some of the timers above counted on its rungs.
        **ladder(seed, start, span_days, stretches, in_the_moment["urge_delays"]),
    }
    add_inner(data, seed=seed, start=start, span_days=span_days)  # parts map, inner practices
    return data
