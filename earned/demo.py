"""Synthetic demo data: eighteen months of one invented person's journal, as an export.

`generate` is a pure function of its arguments (a seeded RNG, no clock), and
returns exactly the shape of `earned.reports.export.snapshot`, so the `demo`
command only has to hand it to `export.restore`. Nothing here touches a store.

The invented person starts anxious-leaning (ECR anxiety about 4.0, avoidance
moderate) and drifts towards about 2.6 through two harder stretches, because a
demo that only ever improves would misrepresent what the work looks like.
All prose below is written for this project.
"""

from __future__ import annotations

import math
import random
from datetime import UTC, datetime, timedelta
from typing import Any

from earned import instruments

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

# --- prose -----------------------------------------------------------------------------
# Pools of short first-person sentences per reflection prompt and phase of the work.
# "early": the first months; "later": once practice has taken hold; "hard": a setback.

OPENERS: dict[str, dict[str, list[str]]] = {
    "distance": {
        "early": [
            "Sam didn't answer my message all afternoon, and by five o'clock I had already "
            "written the whole breakup in my head.",
            "When Maya cancelled our dinner, my chest went tight before I had finished reading "
            "her text.",
            "I checked my phone eleven times during one meeting, waiting for a reply that was "
            "never urgent.",
            "The moment someone goes quiet, my mind fills the silence with the worst "
            "explanation it can find.",
            "Sam was away for the weekend and I felt it like a draught under the door the "
            "whole time.",
        ],
        "later": [
            "Sam was quiet after work today; my stomach dropped, and then I noticed that I had "
            "noticed.",
            "I waited two hours before texting back, and the sky did not fall.",
            "When the reply came late, I could tell myself that busy is not the same as gone.",
            "Maya went quiet for a few days and I sent one friendly message, then let it be.",
            "Distance still stings, but it stings like weather now, not like an ending.",
        ],
        "hard": [
            "The old alarm is loud again this week, and every unanswered message feels like proof.",
            "I sent the reassurance text I had promised myself to wait on, and then felt "
            "ashamed for sending it.",
            "Sam's work trip landed badly; I spent the first night awake, scrolling and imagining.",
        ],
    },
    "closeness": {
        "early": [
            "When Sam talked about a trip together next summer, part of me lit up and another "
            "part started looking for the catch.",
            "Being close feels good for about a day, and then I start waiting for it to be "
            "taken away.",
            "I caught myself testing whether Sam would still want me if I was difficult.",
        ],
        "later": [
            "Sam said he'd like to meet my family, and I let myself feel glad without "
            "rehearsing how it could go wrong.",
            "I let a good evening just be a good evening.",
            "Closeness feels less like a cliff edge now and more like a place I can stand for "
            "a while.",
            "We made plans for the spring and I noticed I was simply looking forward to it.",
        ],
        "hard": [
            "We had a lovely weekend, and on Monday I pulled back, as if the happiness was too "
            "much to hold.",
            "Sam wanted to talk about moving in together and I froze, then picked a fight about "
            "the dishes.",
        ],
    },
    "conflict": {
        "early": [
            "We disagreed about money and I followed Sam from room to room, needing to fix it "
            "right then.",
            "When my sister's voice got sharp, I apologised for things I had not done just to "
            "make it stop.",
            "I could not sleep until we had talked it through, even though we were both exhausted.",
        ],
        "later": [
            "We disagreed about the holidays and I asked for an hour before we talked; I used "
            "the hour to breathe.",
            "I said 'I feel hurt' instead of 'you always', and the conversation went somewhere "
            "new.",
            "After the argument we both came back, and the repair felt almost easier than the "
            "fight.",
            "I told my sister I needed a minute, and I came back to the conversation instead of "
            "chasing it.",
        ],
        "hard": [
            "The argument on Sunday knocked me flat: I pursued, Sam went quiet, and we were "
            "back in the old dance.",
            "I said something sharp I didn't mean and spent the evening bracing for him to leave.",
        ],
    },
    "known": {
        "early": [
            "If people saw how much I need, I am sure they would decide it was too much.",
            "I edit myself all the time, especially the parts that feel needy or messy.",
            "I learned early that being easy to love meant being easy, full stop.",
        ],
        "later": [
            "I told Maya about the panic I felt last month, and she did not flinch; she told me "
            "about hers.",
            "In therapy I said out loud something I have never said, and afterwards I was "
            "still there, and so was she.",
            "Letting someone see the messy parts is still frightening, but the fear has a "
            "smaller voice.",
        ],
        "hard": [
            "I shared something tender with Sam and then spent two days regretting it.",
            "After I cried in front of my friends I wanted to take it all back.",
        ],
    },
    "going-well": {
        "early": [
            "Grandma's kitchen was the one place where nobody needed me to be anything.",
            "It goes well when the other person is steady and says what they mean.",
            "There was an hour on the beach last summer when I didn't check my phone once.",
        ],
        "later": [
            "Tonight Sam simply sat beside me while I was upset, and I let that be enough.",
            "It went well because I asked directly for what I wanted instead of hinting and "
            "hoping.",
            "I noticed I felt safe, and I noticed I did not have to earn it first.",
            "A quiet Sunday, phones away, both reading on the sofa: this is what steady feels "
            "like from the inside.",
        ],
        "hard": [
            "Even in this rough patch there was a good moment: Sam made me tea without being "
            "asked.",
            "Maya called just to check in, and for ten minutes the world felt the right size.",
        ],
    },
}

BODY = [
    "My shoulders were up near my ears; when I noticed, I let them drop.",
    "I did the slow breathing, four in and six out, until my hands stopped shaking.",
    "I put a hand on my chest, the way the exercise suggests, and felt my heart slow down.",
    "The tightness sat in my throat for a long time before it eased.",
    "I went for a walk around the block and counted five things I could see.",
    "My whole body wanted to do something, anything, and I let it just be restless for a bit.",
]

CLOSINGS: dict[str, list[str]] = {
    "early": [
        "I'm writing this down so I can see it more clearly tomorrow.",
        "I don't know what to do with this yet, but naming it helps a little.",
        "I want to be kinder to the part of me that panics; it is trying to protect me.",
        "My therapist says noticing is the first step, so here I am, noticing.",
    ],
    "later": [
        "I'm proud of that, quietly.",
        "Small steps, but they are adding up.",
        "The old pattern showed up, and this time it did not get to drive.",
        "I want to remember this evening the next time things get hard.",
        "It wasn't perfect, and it didn't need to be.",
    ],
    "hard": [
        "A setback is not starting over; I know more now than I did a year ago.",
        "I'm tired, and that's allowed. Tomorrow I'll try again.",
        "This is data, not a verdict on me.",
        "I reread an old entry and remembered that I have come through this before.",
    ],
}

# The origin story, told in order; each origin entry takes a few of these.
ORIGIN = [
    "When I was small and upset I usually went to my mother, and what I got depended on her day.",
    "Sometimes she held me for a long time; sometimes she was far away behind her own worries.",
    "I learned to watch her face very carefully, to know which version of her I would get.",
    "My father was kind but often away, and I remember waiting by the window on Fridays.",
    "Asking for comfort worked best when I had been very good and very quiet first.",
    "Crying was allowed, but only for a little while, and then it was time to be brave.",
    "To stay close, I became the helpful one, the child who never caused any trouble.",
    "I still do that: I make myself useful so that nobody has a reason to leave.",
    "I would like the child I was to hear that being held never had to be earned.",
    "Looking back with kinder eyes, I see a little one doing their very best with what they had.",
]


# --- shape of the story ----------------------------------------------------------------


def _hard_stretches(rng: random.Random) -> list[tuple[float, float, float]]:
    """Two setbacks as (centre, half-width, height), in fractions of the whole span."""
    return [
        (rng.uniform(0.33, 0.42), rng.uniform(0.06, 0.09), rng.uniform(0.45, 0.6)),
        (rng.uniform(0.66, 0.74), rng.uniform(0.05, 0.08), rng.uniform(0.35, 0.5)),
    ]


def _hardness(f: float, stretches: list[tuple[float, float, float]]) -> float:
    """How much harder than the trend life is at fraction `f` (a sum of smooth bumps)."""
    total = 0.0
    for centre, half_width, height in stretches:
        x = (f - centre) / half_width
        if abs(x) < 1:
            total += height * math.cos(x * math.pi / 2) ** 2
    return total


def _trend(f: float, start: float, end: float) -> float:
    """Faster change early, slower later, as practice settles in."""
    return start + (end - start) * (1 - math.pow(1 - f, 1.4))


def _phase(f: float, hardness: float) -> str:
    if hardness > 0.15:
        return "hard"
    return "early" if f < 0.35 else "later"


def _id(rng: random.Random) -> str:
    return f"{rng.getrandbits(128):032x}"


def _ts(value: datetime) -> str:
    return value.astimezone(UTC).isoformat()


def _evening(day: datetime, rng: random.Random) -> datetime:
    minutes = rng.randint(18 * 60, 22 * 60 + 30)
    return day.replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(minutes=minutes)


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
        out.append({"item": item.number, "value": value, "answered_at": _ts(when)})
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
        bump = _hardness(f, stretches)
        targets = {
            "anxiety": _trend(f, *ANXIETY) + bump + rng.gauss(0, 0.08),
            "avoidance": _trend(f, *AVOIDANCE) + 0.6 * bump + rng.gauss(0, 0.08),
        }
        began = _evening(start + timedelta(days=day), rng)
        answers, last = _answers(rng, leanings, targets, began)
        out.append(
            {
                "id": _id(rng),
                "instrument": "ecr",
                "started_at": _ts(began),
                "completed_at": _ts(last + timedelta(seconds=rng.randint(2, 9))),
                "answers": answers,
            }
        )

    # One questionnaire started a few days ago and paused halfway, to show resuming.
    day = span_days - rng.randint(3, 6)
    f = day / span_days
    targets = {"anxiety": _trend(f, *ANXIETY), "avoidance": _trend(f, *AVOIDANCE)}
    began = _evening(start + timedelta(days=day), rng)
    answers, _ = _answers(rng, leanings, targets, began, count=rng.randint(10, 22))
    out.append(
        {
            "id": _id(rng),
            "instrument": "ecr",
            "started_at": _ts(began),
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
        "id": _id(rng),
        "kind": kind,
        "prompt": prompt,
        "body": body,
        "created_at": _ts(created),
        "updated_at": _ts(updated),
    }


def _entries(
    rng: random.Random, start: datetime, span_days: int, stretches: list[tuple[float, float, float]]
) -> list[dict[str, Any]]:
    from earned.journal import reflection_prompts

    keys = [p["key"] for p in reflection_prompts()]
    count = 40 + rng.randint(-2, 2)
    # More writing at the start and during the harder stretches, as people do.
    weights = [
        1 + 0.8 * (1 - d / span_days) + 3 * _hardness(d / span_days, stretches)
        for d in range(1, span_days)
    ]
    days = sorted(rng.choices(range(1, span_days), weights=weights, k=count))

    end = start + timedelta(days=span_days)
    out = []
    for n, day in enumerate(days):
        f = day / span_days
        phase = _phase(f, _hardness(f, stretches))
        if n < len(keys):
            prompt = keys[n]  # everyone starts by answering each question once
        else:
            leaning = {"hard": (3, 2, 3, 1, 1), "early": (2, 2, 2, 2, 1), "later": (1, 2, 1, 2, 3)}
            prompt = rng.choices(keys, weights=leaning[phase])[0]
        body = _reflection(rng, prompt, phase)
        created = _evening(start + timedelta(days=day), rng)
        out.append(_entry(rng, "reflection", prompt, body, created, end))

    # The origin story, told in three sittings: two early, one revisited much later.
    sittings = ((12, ORIGIN[0:4]), (40, ORIGIN[4:7]), (int(span_days * 0.8), ORIGIN[7:10]))
    for day, chosen in sittings:
        body = " ".join(s for s in chosen if rng.random() < 0.85) or chosen[0]
        created = _evening(start + timedelta(days=day), rng)
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
    stretches = _hard_stretches(rng)
    assessments = _assessments(rng, start, span_days, stretches)
    entries = _entries(rng, start, span_days, stretches)
    assessments.sort(key=lambda a: (a["started_at"], a["id"]))
    return {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": _ts(start + timedelta(days=span_days)),
        "assessments": assessments,
        "entries": entries,
        "settings": {},
        # In-the-moment sections, in the order and shape of reports.tables.dump.
        "activations": [],
        "urge_delays": [],
        "practices": [],
        "tools": [],
        "tool_uses": [],
    }
