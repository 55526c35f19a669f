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

import math
import random
from dataclasses import dataclass
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


# --- in the moment -----------------------------------------------------------------------
# The recurring patterns of this invented person: each a (fear, urge) pair with the
# situations that set it off, the readings of them, the words for the feeling and where
# it sits in the body. Every emotion word is one of earned's vocabulary (a test checks).


@dataclass(frozen=True)
class _Pair:
    fear: str
    urge: str
    weights: tuple[float, float]  # how often, early → later in the span
    person: str
    tag: str
    triggers: tuple[str, ...]
    situations: tuple[str, ...]
    readings: tuple[str, ...]
    emotions: tuple[str, ...]
    body: tuple[str, ...]


PAIRS: tuple[_Pair, ...] = (
    _Pair(
        "being left",
        "send another text",
        (4.0, 2.2),
        "Sam",
        "sam",
        (
            "he didn't answer for three hours",
            "Sam left my message on read",
            "no goodnight text tonight",
            "his reply was one word",
            "he went quiet after our call",
            "Sam said he needed an early night, alone",
        ),
        ("the unanswered message", "his short reply", "the quiet evening", "the missed call"),
        ("a sign he is losing interest", "the start of him leaving", "proof I did something wrong"),
        ("abandoned", "panicked", "insecure", "desperate", "lonely", "dreading", "uneasy"),
        ("chest", "stomach", "throat", "hands"),
    ),
    _Pair(
        "being too much",
        "apologise and go quiet",
        (2.0, 1.8),
        "Maya",
        "maya",
        (
            "I cried in front of Maya and she changed the subject",
            "I asked for help and she sighed",
            "I talked about myself all through dinner",
            "I sent three messages in a row",
        ),
        ("her pause", "the change of subject", "her sigh"),
        ("her being tired of me", "a sign I ask for too much", "me being a burden again"),
        ("ashamed", "embarrassed", "exposed", "needy", "humiliated", "guilty"),
        ("throat", "head", "stomach", "shoulders"),
    ),
    _Pair(
        "being replaced",
        "check their phone or profile",
        (2.0, 1.2),
        "Sam",
        "sam",
        (
            "Sam mentioned his ex, twice",
            "he laughed at someone else's jokes all evening",
            "saw photos of a night out I wasn't invited to",
            "Maya went to the party without me",
        ),
        ("the photos", "his laughing with her", "the invitation I didn't get"),
        ("a sign someone better has turned up", "me being easy to forget"),
        ("jealous", "insecure", "rejected", "left out", "hurt", "suspicious"),
        ("stomach", "chest", "jaw"),
    ),
    _Pair(
        "being trapped",
        "withdraw and go quiet",
        (1.2, 1.8),
        "Sam",
        "sam",
        (
            "Sam asked about moving in together",
            "a whole weekend of plans with no time alone",
            "he wanted to talk about us again",
            "my sister called three times in a row",
        ),
        ("his question about the future", "the full weekend", "her calls"),
        ("losing myself", "a door closing behind me"),
        ("smothered", "trapped", "pressured", "overwhelmed", "crowded", "detached"),
        ("shoulders", "chest", "jaw", "back"),
    ),
    _Pair(
        "not mattering",
        "pick a fight",
        (1.5, 1.2),
        "Sam",
        "sam",
        (
            "Sam forgot what I told him yesterday",
            "he was on his phone while I was talking",
            "my news got a thumbs-up and nothing else",
            "nobody asked how my week was",
        ),
        ("him forgetting", "the thumbs-up", "his phone in his hand"),
        ("proof I don't matter to him", "a sign I am easy to overlook"),
        ("hurt", "invisible", "unseen", "resentful", "frustrated", "misunderstood", "angry"),
        ("jaw", "shoulders", "hands", "head"),
    ),
)

ACTIONS: dict[str, list[str]] = {
    "early": [
        "I sent the text anyway, then two more.",
        "I checked his profile twice and felt worse.",
        "I went quiet for the rest of the evening.",
        "I apologised, though I wasn't sure what for.",
        "I started an argument about something small.",
        "I lay awake replaying it.",
    ],
    "later": [
        "I named it, breathed for a few minutes, and waited.",
        "I put the phone in a drawer and went for a walk.",
        "I told Sam plainly what I was feeling.",
        "I put a hand on my chest and let the wave pass.",
        "I asked for a short break and came back to talk.",
        "I wrote it down here before deciding anything.",
        "I waited an hour, then replied kindly.",
    ],
    "hard": [
        "I sent two messages and regretted both.",
        "I picked a fight about nothing, then cried.",
        "I shut down and pretended I was fine.",
        "I tried the breathing but gave up halfway.",
    ],
}

# (name, typical intensity drop, spread, added at this fraction of the span, archived at)
TOOLS: tuple[tuple[str, float, float, float, float | None], ...] = (
    ("Cold water on my wrists", 2.4, 1.0, 0.02, None),
    ("Scrolling my phone", -0.3, 1.0, 0.0, 0.35),
    ("Walk around the block", 3.6, 1.1, 0.06, None),
    ("Call Maya", 2.0, 1.8, 0.12, None),
    ("Hand on my chest, slow breaths", 3.1, 0.9, 0.2, None),
    ("Weighted blanket and a playlist", 1.4, 0.9, 0.35, None),
)

PRACTICE_SECONDS: dict[str, tuple[int, int]] = {
    "breathing-box": (60, 300),
    "breathing-478": (60, 240),
    "breathing-coherent": (120, 600),
    "grounding": (90, 300),
    "mindfulness": (300, 1200),
    "body-scan": (600, 1500),
    "movement": (900, 3600),
}
PRACTICE_WEIGHTS = {  # early, later
    "breathing-box": (3, 1),
    "breathing-478": (1, 1),
    "breathing-coherent": (0.5, 2),
    "grounding": (2, 1),
    "mindfulness": (1, 3),
    "body-scan": (0.5, 2),
    "movement": (2, 2),
}
PRACTICE_NOTES = [
    "Hard to settle at first; easier by the end.",
    "My shoulders dropped about halfway through.",
    "Mind wandered a lot. Kept coming back.",
    "Did this before a difficult call.",
    "Felt lighter afterwards.",
    "Noticed the tightness in my chest loosen.",
]


def _mix(f: float, pair: tuple[float, float]) -> float:
    return pair[0] + (pair[1] - pair[0]) * f


def _chance(value: float) -> float:
    return min(0.95, max(0.03, value))


def _moment_time(day: datetime, rng: random.Random) -> datetime:
    """Mostly evenings, some mornings and afternoons, as activations tend to come."""
    first, last = rng.choices([(7, 10), (12, 17), (18, 23)], weights=[1, 2, 5])[0]
    minutes = rng.randint(first * 60, last * 60 + 30)
    return day.replace(hour=0, minute=0, second=0) + timedelta(minutes=minutes)


def _activation(
    rng: random.Random, onset: datetime, f: float, hard: float, end: datetime
) -> tuple[dict[str, Any], _Pair, int]:
    """One activation at `onset`; returns it, its pattern pair and its intensity."""
    pair = rng.choices(PAIRS, weights=[_mix(f, p.weights) for p in PAIRS])[0]
    if hard > 0.15:
        pair = rng.choice((PAIRS[0], PAIRS[0], PAIRS[3], pair))  # the old core fear returns
    phase = _phase(f, hard)
    intensity = round(_trend(f, 7.2, 4.4) + 3.0 * hard + rng.gauss(0, 1.3))
    intensity = min(10, max(1, intensity))

    # Recovery shortens with practice and lengthens in the hard stretches.
    minutes = _trend(f, 105, 26) * (1 + 1.8 * hard) * (0.7 + 0.06 * intensity)
    minutes = max(3.0, minutes * math.exp(rng.gauss(0, 0.45)))
    settled: datetime | None = onset + timedelta(minutes=round(minutes))
    peak: datetime | None = None
    peak_intensity: int | None = None
    if rng.random() < 0.85:
        peak = onset + timedelta(minutes=rng.randint(1, max(1, min(25, round(minutes * 0.4)))))
        if rng.random() < 0.85:
            peak_intensity = min(10, intensity + rng.choice((0, 0, 1, 1, 2)))
    if settled is not None and (settled > end or rng.random() < 0.04):
        settled = None  # never marked settled: stays an open episode, never counted
    if peak is not None and peak > end:
        peak = peak_intensity = None

    quick = rng.random() < 0.08  # logged with intensity alone, details never added
    emotions = rng.sample(pair.emotions, k=rng.choice((1, 2, 2, 3)))
    named = rng.random() < _chance(_trend(f, 0.15, 0.75) - 0.5 * hard)
    with_pattern = rng.random() < _chance(_trend(f, 0.2, 0.7) - 0.2 * hard)
    pattern = {
        "feeling": emotions[0],
        "situation": rng.choice(pair.situations),
        "interpretation": rng.choice(pair.readings),
        "fear": pair.fear,
        "urge": pair.urge,
    }
    created = onset + timedelta(seconds=rng.randint(5, 240))
    last = max(t for t in (created, peak, settled) if t is not None)
    updated = min(end, last + timedelta(minutes=rng.randint(0, 30)))
    tags = [pair.tag] + (["weekend"] if onset.weekday() >= 5 else [])
    record = {
        "id": _id(rng),
        "client_token": None,
        "onset_at": onset,
        "intensity": intensity,
        "trigger": None if quick else rng.choice(pair.triggers),
        "tags": [] if quick else tags,
        "body": [] if quick else rng.sample(pair.body, k=rng.randint(1, min(3, len(pair.body)))),
        "emotions": [] if quick else emotions,
        "urge": None if quick else pair.urge,
        "action": None if quick else rng.choice(ACTIONS[phase]),
        "person": None if quick else pair.person,
        "named_in_moment": None if quick else named,
        "pattern": pattern if with_pattern and not quick else None,
        "peak_at": peak,
        "peak_intensity": peak_intensity,
        "settled_at": settled,
        "created_at": created,
        "updated_at": max(created, updated),
    }
    return record, pair, intensity


def _urge_delay(
    rng: random.Random,
    started: datetime,
    urge: str,
    f: float,
    hard: float,
    end: datetime,
    activation_id: str | None,
) -> dict[str, Any]:
    """A timer started when the urge hit; held longer as the months go by."""
    acted = rng.random() < _chance(_trend(f, 0.65, 0.18) + 0.45 * hard)
    outcome = "acted" if acted else rng.choice(("waited", "waited", "passed"))
    seconds = _trend(f, 90, 1500) * max(0.25, 1 - 0.9 * hard) * (0.6 if acted else 1)
    seconds = min(4 * 3600, max(5, round(seconds * math.exp(rng.gauss(0, 0.6)))))
    ended = min(end, started + timedelta(seconds=seconds))
    return {
        "id": _id(rng),
        "client_token": None,
        "urge": urge,
        "started_at": started,
        "ended_at": ended,
        "outcome": outcome,
        "activation_id": activation_id,
    }


def _practices(
    rng: random.Random, start: datetime, span_days: int, stretches: list[tuple[float, float, float]]
) -> list[dict[str, Any]]:
    """A few practices a week, more as the habit forms; a few gaps of a week or two."""
    gaps = [(rng.randint(20, 80), rng.randint(7, 12))]
    centre = int(stretches[0][0] * span_days)  # practice lapses in the first hard stretch
    gaps.append((centre - rng.randint(0, 10), rng.randint(9, 16)))
    gaps.append((rng.randint(int(span_days * 0.8), span_days - 30), rng.randint(7, 10)))
    end = start + timedelta(days=span_days)
    out = []
    for day in range(span_days):
        if any(first <= day < first + length for first, length in gaps):
            continue
        f = day / span_days
        if rng.random() >= _trend(f, 0.2, 0.55):
            continue
        kinds = list(PRACTICE_WEIGHTS)
        kind = rng.choices(kinds, weights=[_mix(f, PRACTICE_WEIGHTS[k]) for k in kinds])[0]
        low, high = PRACTICE_SECONDS[kind]
        seconds = 600 if kind == "mindfulness" and rng.random() < 0.5 else rng.randint(low, high)
        hour = rng.choice((7, 8, 12, 21, 22))
        started = start.replace(hour=0, minute=0, second=0) + timedelta(
            days=day, hours=hour, minutes=rng.randint(0, 59)
        )
        if started < start or started + timedelta(seconds=seconds) > end:
            continue
        out.append(
            {
                "id": _id(rng),
                "client_token": None,
                "kind": kind,
                "started_at": started,
                "seconds": seconds,
                "note": rng.choice(PRACTICE_NOTES) if rng.random() < 0.15 else None,
            }
        )
    return out


def _tool_use(
    rng: random.Random,
    tools: list[dict[str, Any]],
    spec: dict[str, tuple[float, float, float | None]],
    f: float,
    used_at: datetime,
    before: int,
) -> dict[str, Any] | None:
    """One use of a tool the person had at the time; over time they reach for what works."""
    usable = []
    for tool in tools:
        archived_at = spec[tool["id"]][2]
        if tool["created_at"] <= used_at and (archived_at is None or f < archived_at):
            usable.append(tool)
    if not usable:
        return None
    weights = [1 + f * max(0.0, spec[t["id"]][0]) for t in usable]
    tool = rng.choices(usable, weights=weights)[0]
    drop, spread, _archived_at = spec[tool["id"]]
    after = min(10, max(0, before - round(rng.gauss(drop, spread))))
    return {
        "id": _id(rng),
        "client_token": None,
        "tool_id": tool["id"],
        "used_at": used_at,
        "before": before,
        "after": after,
    }


def _moments(
    rng: random.Random, start: datetime, span_days: int, stretches: list[tuple[float, float, float]]
) -> dict[str, list[dict[str, Any]]]:
    """The five in-the-moment sections, each sorted as `reports.tables.dump` writes them."""
    end = start + timedelta(days=span_days)
    tools: list[dict[str, Any]] = []
    spec: dict[str, tuple[float, float, float | None]] = {}
    for name, drop, spread, added, archived_at in TOOLS:
        created = _evening(start + timedelta(days=int(added * span_days)), rng)
        tool_id = _id(rng)
        tool: dict[str, Any] = {
            "id": tool_id,
            "name": name,
            "created_at": max(start, created),
            "archived": archived_at is not None,
        }
        tools.append(tool)
        spec[tool_id] = (drop, spread, archived_at)

    activations: list[dict[str, Any]] = []
    urge_delays: list[dict[str, Any]] = []
    tool_uses: list[dict[str, Any]] = []
    for day in range(span_days):
        f = day / span_days
        hard = _hardness(f, stretches)
        rate = _trend(f, 0.6, 0.35) + 0.5 * hard  # about four a week early, two to three later
        count = (rng.random() < rate) + (rng.random() < rate * 0.2)
        for _ in range(count):
            onset = _moment_time(start + timedelta(days=day), rng)
            if onset < start or onset >= end:
                continue
            record, pair, intensity = _activation(rng, onset, f, hard, end)
            activations.append(record)
            if record["urge"] and rng.random() < _trend(f, 0.3, 0.55):
                began = onset + timedelta(minutes=rng.randint(1, 8))
                if began < end:
                    urge_delays.append(
                        _urge_delay(rng, began, pair.urge, f, hard, end, record["id"])
                    )
            if record["settled_at"] is not None and rng.random() < _trend(f, 0.3, 0.45):
                used_at = onset + timedelta(minutes=rng.randint(2, 20))
                if used_at <= record["settled_at"]:
                    use = _tool_use(rng, tools, spec, f, used_at, min(10, intensity))
                    if use is not None:
                        tool_uses.append(use)
        if rng.random() < 0.03:  # an urge timer started on its own, without a logged activation
            began = _moment_time(start + timedelta(days=day), rng)
            urge = rng.choice(PAIRS).urge
            if start <= began < end:
                urge_delays.append(_urge_delay(rng, began, urge, f, hard, end, None))

    # The latest activation is still open: the person has not yet marked it settled.
    if activations:
        latest = max(activations, key=lambda a: a["onset_at"])
        latest["settled_at"] = None
        latest_times = (latest["created_at"], latest["peak_at"])
        latest["updated_at"] = max(t for t in latest_times if t is not None)

    practices = _practices(rng, start, span_days, stretches)

    def ordered(records: list[dict[str, Any]], key: str) -> list[dict[str, Any]]:
        records.sort(key=lambda r: (r[key], r["id"]))
        return [
            {k: _ts(v) if isinstance(v, datetime) else v for k, v in r.items()} for r in records
        ]

    return {
        "activations": ordered(activations, "onset_at"),
        "urge_delays": ordered(urge_delays, "started_at"),
        "practices": ordered(practices, "started_at"),
        "tools": ordered(tools, "created_at"),
        "tool_uses": ordered(tool_uses, "used_at"),
    }


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
    moments = _moments(rng, start, span_days, stretches)
    return {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": _ts(start + timedelta(days=span_days)),
        "assessments": assessments,
        "entries": entries,
        "settings": {},
        # In-the-moment sections, in the order and shape of reports.tables.dump.
        **moments,
    }
