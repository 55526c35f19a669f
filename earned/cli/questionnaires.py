"""Questionnaires in the terminal: `earned assess` (the ECR starting point), `results`,
and `checkin phq9|gad7`. The figures come from the domain (earned.results for the ECR,
earned.checkin for check-ins), the same as the web pages'; this module asks and prints.
"""

from __future__ import annotations

import sys

from earned.cli import care
from earned.cli.common import Command, aligned, local_day, now, say, unlocked

# typing.TYPE_CHECKING without importing typing (~2 ms on the quick path); mypy knows the name.
TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse
    from typing import Any, TextIO

    from earned.checkin import Entry as CheckinEntry
    from earned.instruments.model import Instrument
    from earned.store import Store

# The check-in questionnaires (earned.checkin.available(), tested equal); named here so that
# building the parser for --help reads no instrument files.
CHECKINS = ("phq9", "gad7", "who5", "scssf")
# The starting-point questionnaires (earned.results.STARTING_POINTS, tested equal).
STARTING = ("ecr", "ecrr")
RESULTS_WIDTH = 80  # `earned results` fits an 80-column terminal, the trajectory included


# --- asking, one item at a time (assess and checkin) ---------------------------------------


def _read_reply(stdin: TextIO, prompt: str) -> str | None:
    """One line of input, stripped and lower-cased; None at end of input."""
    print(prompt, end="", flush=True)
    line = stdin.readline()
    if not line:
        print()
        return None
    return line.strip().lower()


def _ask(
    store: Store,
    inst: Instrument,
    assessment_id: str | None,
    answers: dict[int, int],
    stdin: TextIO,
) -> tuple[str | None, bool]:
    """Ask every unanswered item in order; returns (assessment id, finished?).

    Each answer is saved in its own transaction as soon as it is given, like the web
    form, so pausing or a closed terminal loses nothing. The assessment itself is only
    created with the first answer, so opening and leaving at once leaves no trace.
    """
    from earned.store import assessments

    items = inst.items
    low, high = inst.scale.min, inst.scale.max
    valid = {str(v): v for v in range(low, high + 1)}

    def first_missing() -> int | None:
        return next((k for k, i in enumerate(items) if i.number not in answers), None)

    index = first_missing()
    while index is not None:
        item = items[index]
        print()
        print(f"[{index + 1}/{len(items)}] {item.text}")
        for value, label in zip(range(low, high + 1), inst.scale.labels, strict=True):
            print(f"   {value}  {label}")
        current = answers.get(item.number)
        keep = f", Enter keeps {current}" if current is not None else ""
        prompt = f"Your answer ({low}-{high}{keep}, b back, q pause): "
        while True:
            reply = _read_reply(stdin, prompt)
            if reply is None or reply == "q":
                return assessment_id, False
            if reply == "b":
                if index == 0:
                    print("This is the first question; there is nothing before it.")
                    continue
                index -= 1
                break
            if reply == "" and current is not None:
                index += 1
                break
            if reply in valid:
                moment = now()
                with store.session() as session:
                    if assessment_id is None:
                        started = assessments.start_assessment(
                            session=session, instrument_id=inst.id, now=moment
                        )
                        assessment_id = started.id
                    assessments.record_answer(
                        session=session,
                        assessment_id=assessment_id,
                        item=item.number,
                        value=valid[reply],
                        now=moment,
                    )
                answers[item.number] = valid[reply]
                index += 1
                break
            print(
                f"No problem: please type a number from {low} to {high}, "
                "or b to go back, or q to pause."
            )
        if index >= len(items):
            index = first_missing()  # normally None; covers items skipped elsewhere
    return assessment_id, True


# --- assess and results --------------------------------------------------------------------


def cmd_assess(args: argparse.Namespace) -> int:
    from earned import instruments, results
    from earned.store import assessments

    inst = instruments.load(results.check_starting_point(getattr(args, "instrument", "ecr")))
    with unlocked(args) as (_, store, _key):
        with store.session() as session:
            unfinished = assessments.unfinished_assessment(session=session, instrument_id=inst.id)
        answers = dict(unfinished.answers) if unfinished else {}
        print(f"{inst.name} ({inst.short_name})")
        say(inst.instructions)
        say(
            f"Answer each statement with {inst.scale.min}-{inst.scale.max}. Type b to go back, "
            "q to pause; every answer is saved as you go."
        )
        if unfinished is not None:
            print(
                f"Welcome back: continuing where you left off "
                f"({len(answers)} of {len(inst.items)} answered)."
            )
        assessment_id, finished = _ask(
            store, inst, unfinished.id if unfinished else None, answers, sys.stdin
        )
        if not finished:
            if answers:
                again = "earned assess" + (f" --instrument {inst.id}" if inst.id != "ecr" else "")
                print(
                    f"Paused. Your {len(answers)} answer(s) are saved; "
                    f"run `{again}` again to continue."
                )
            else:
                print("Paused before the first answer; nothing was saved.")
            return 0
        assert assessment_id is not None  # finished implies at least one answer exists
        with store.session() as session:
            assessments.complete_assessment(session=session, assessment_id=assessment_id, now=now())
        print()
        print("Thank you, that's all of them.")
        print()
        with store.session() as session:
            taken = assessments.list_assessments(session=session, instrument_id=inst.id)
    if inst.id in results.ALTERNATIVES:
        _print_alternative(alternative_data(taken, inst.id))
    else:
        _print_results(results.as_data(results.summarise(taken)))
    return 0


def _starting_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--instrument",
        choices=STARTING,
        default="ecr",
        help="ecr (the starting point, 5-point answers) or ecrr (the revised ECR-R, "
        "7-point answers); each is compared only with its own earlier results",
    )


def alternative_data(taken: list[Any], instrument_id: str) -> dict[str, Any] | None:
    """An alternative measure's results (ECR-R) as JSON-ready data, or None before the
    first completed one: the `earned results --instrument ecrr --json` format."""
    from earned import results
    from earned.errors import EarnedError

    try:
        summary = results.summarise_alternative(taken, instrument_id)
    except EarnedError:
        return None
    inst = summary.instrument
    return {
        "instrument": {"id": inst.id, "name": inst.name, "citation": inst.citation},
        "scale": {"min": inst.scale.min, "max": inst.scale.max},
        "names": {sub.id: sub.name for sub in inst.subscales},
        "trajectory": [
            {
                "assessment_id": step.assessment.id,
                "completed_at": step.assessment.completed_at.isoformat()
                if step.assessment.completed_at
                else None,
                "scores": dict(step.scores.values),
                "changes": {sid: results.change_data(rc) for sid, rc in step.changes.items()},
                "too_soon": step.too_soon,
            }
            for step in summary.steps
        ],
        "overall": {sid: results.change_data(rc) for sid, rc in summary.overall.items()},
        "judged": summary.judged,
    }


def _print_alternative(data: dict[str, Any] | None) -> None:
    if data is None:
        say(
            "There are no ECR-R results yet; `earned assess --instrument ecrr` asks its 36 "
            "statements and shows your means."
        )
        return
    steps = data["trajectory"]
    latest = steps[-1]
    scale = data["scale"]
    say(
        f"Your latest result ({data['instrument']['name']}, {_day(latest['completed_at'])})",
        strong=True,
    )
    for sid, value in latest["scores"].items():
        say(f"{data['names'][sid]}: {value:.2f}", "  ")
    say(
        f"(Means from {scale['min']} to {scale['max']}; lower means less anxiety or avoidance. "
        "Not a diagnosis.)",
        "  ",
    )
    if len(steps) > 1:
        before = steps[-2]
        moved = ", ".join(
            f"{data['names'][sid]} {value - before['scores'][sid]:+.2f}"
            for sid, value in latest["scores"].items()
        )
        say(f"Since the one before ({_day(before['completed_at'])}): {moved}.")
        if not data["judged"]:
            say(
                "Shown as plain differences: earned has no checked published reliability "
                "for the ECR-R yet, so it gives no reliable-change verdict."
            )


ASSESS = Command(
    "assess",
    "take the attachment questionnaire (ECR) in the terminal",
    "Answer the 36 statements of the Experiences in Close Relationships questionnaire, "
    "one at a time. Type 1-5 to answer, b to go back, q to pause; answers are saved as "
    "you go and an unfinished questionnaire is continued next time. With --instrument ecrr, "
    "the revised ECR-R instead (7-point answers).",
    cmd_assess,
    _starting_options,
)


def _day(iso: str | None) -> str:
    from datetime import datetime

    return local_day(datetime.fromisoformat(iso)) if iso else "?"


def _print_results(data: dict[str, Any]) -> None:
    """The results as text, from earned.results.as_data (the --json data)."""
    from earned.assessment import compared_words

    latest = data["latest"]
    if latest is None:
        print("There are no results yet.")
        if data["unfinished"]:
            u = data["unfinished"]
            say(
                f"You have a questionnaire in progress ({u['answered']} of {u['of']} answered); "
                "`earned assess` continues it."
            )
        else:
            say(
                "When you are ready, `earned assess` asks 36 short questions "
                "(about ten minutes) and shows where you are starting from."
            )
        return
    names = {sid: r["name"] for sid, r in data["reliability"].items()}
    n = data["norms"]["n"] if data["norms"] else None
    say(
        f"Your latest result ({data['instrument']['name']}, {_day(latest['completed_at'])})",
        strong=True,
    )
    print()
    scores = [
        [names[sid], f"{value:.2f}", compared_words(latest["percentiles"].get(sid))]
        for sid, value in latest["scores"].items()
    ]
    for line in aligned(scores, width=RESULTS_WIDTH):
        print(line)
    note = "Scores run from 1 to 5; lower means less anxiety or avoidance."
    if n:
        note += f" The reference sample is {n:,} people who answered the same questions online."
    say(f"({note})", "  ")
    print()
    say(latest["reading"]["title"], strong=True)
    say(latest["reading"]["text"], "  ")
    say(latest["reading"]["caveat"], "  ")
    print()
    steps = data["trajectory"]
    if len(steps) < 2:
        say(
            "This is your first result. Take the questionnaire again in a few weeks to see "
            "whether things are changing beyond measurement error."
        )
    else:
        say("Over time (Reliable Change Index: a change counts when |RCI| > 1.96)", strong=True)
        for line in _trajectory(steps, names):
            print(line)
        if any(step["too_soon"] for step in steps):
            say(
                "A re-take within two weeks of the one before is not compared: so soon, "
                "answers mostly repeat what you remember. Two weeks or more apart is fair."
            )
        print()
        say("Since your first result:", strong=True)
        if not data["overall"]:
            say("Too soon to compare: your results so far are within two weeks of each other.")
        for sid, rc in data["overall"].items():
            say(
                f"{names[sid]}: {rc['verdict']} "
                f"({rc['before']:.2f} -> {rc['after']:.2f}, RCI {rc['rci']:+.2f})",
                "  ",
            )
        print()
    say("Reliability used for these verdicts:", strong=True)
    for rel in data["reliability"].values():
        if rel["value"] is not None:
            say(f"{rel['name']}: {rel['value']:.3f}. {rel['source'] or ''}".strip(), "  ")
    if data["unfinished"]:
        u = data["unfinished"]
        print()
        say(
            f"A newer questionnaire is in progress ({u['answered']} of {u['of']} answered); "
            "`earned assess` continues it."
        )


def _trajectory(steps: list[dict[str, Any]], names: dict[str, str]) -> list[str]:
    """Each result as a row under a heading row: the day, then per subscale its score and
    the change from the one before ('3.44 -0.56 reliable improvement'), or why there is
    none. At most 80 columns with the longest verdicts on both subscales."""
    sids = list(steps[0]["scores"])
    rows = [["", *(names[sid] for sid in sids)]]
    for step in steps:
        cells = [_day(step["completed_at"])]
        for sid in sids:
            rc = step["changes"].get(sid)
            if step["too_soon"]:
                detail = "too soon to compare"
            elif rc is None:
                detail = "first result"
            else:
                detail = f"{rc['change']:+.2f} {rc['verdict']}"
            cells.append(f"{step['scores'][sid]:.2f} {detail}")
        rows.append(cells)
    return aligned(rows)


def _results_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    _starting_options(parser)


def cmd_results(args: argparse.Namespace) -> int:
    import json

    from earned import results
    from earned.store import assessments

    instrument_id = results.check_starting_point(getattr(args, "instrument", "ecr"))
    with unlocked(args) as (_, store, _key), store.session() as session:
        taken = assessments.list_assessments(session=session, instrument_id=instrument_id)
    if instrument_id in results.ALTERNATIVES:
        alt = alternative_data(taken, instrument_id)
        if args.json:
            print(json.dumps(alt, indent=1, ensure_ascii=False))
        else:
            _print_alternative(alt)
        return 0
    data = results.as_data(results.summarise(taken))
    if args.json:
        print(json.dumps(data, indent=1, ensure_ascii=False))
    else:
        _print_results(data)
    return 0


RESULTS = Command(
    "results",
    "show your latest scores and how they changed over time",
    "Show your latest anxiety and avoidance scores with percentiles, a plain-language "
    "reading, and each step of your trajectory with its Reliable Change Index.",
    cmd_results,
    _results_options,
    reads_only=True,
)


# --- check-ins -----------------------------------------------------------------------------


def _checkin_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "instrument",
        choices=CHECKINS,
        metavar="|".join(CHECKINS),
        help="which check-in: phq9 (mood, 9 questions), gad7 (worry, 7), who5 (well-being, "
        "5) or scssf (self-compassion, 12)",
    )


def cmd_checkin(args: argparse.Namespace) -> int:
    from earned import checkin
    from earned.instruments.scoring import alerts
    from earned.store import assessments

    inst = checkin.load(args.instrument)
    words = checkin.words()
    with unlocked(args) as (_, store, _key):
        with store.session() as session:
            unfinished = assessments.unfinished_assessment(session=session, instrument_id=inst.id)
        answers = dict(unfinished.answers) if unfinished else {}
        print(f"{inst.short_name} check-in ({inst.name})")
        say(
            f"{words['instruments'][inst.id]['about']} It is optional: type q to pause at any "
            "point, b to go back; every answer is saved as you go."
        )
        if unfinished is not None:
            print(
                f"Welcome back: continuing the check-in from {local_day(unfinished.started_at)} "
                f"({len(answers)} of {len(inst.items)} answered)."
            )
        print()
        say(inst.instructions)
        assessment_id, finished = _ask(
            store, inst, unfinished.id if unfinished else None, answers, sys.stdin
        )
        if not finished:
            if answers:
                print(
                    f"Paused. Your {len(answers)} answer(s) are saved; "
                    f"run `earned checkin {inst.id}` again to continue."
                )
            else:
                print("Paused before the first answer; nothing was saved.")
        else:
            assert assessment_id is not None  # finished implies at least one answer exists
            with store.session() as session:
                assessments.complete_assessment(
                    session=session, assessment_id=assessment_id, now=now()
                )
                done = assessments.list_assessments(session=session, instrument_id=inst.id)
            print()
            print("Thank you, that's all of them.")
            print()
            history = checkin.history(done, inst.id)
            _print_checkin(history, words)
            if checkin.calls_for_care(inst, history[-1].step.scores):
                care.print_for_store(store)
                return 0
        if alerts(inst, answers):
            care.print_for_store(store)
    return 0


def _print_checkin(entries: list[CheckinEntry], words: dict[str, Any]) -> None:
    """The latest check-in in `entries` (earned.checkin.Entry): total, level, change."""
    from earned import checkin

    last = entries[-1]
    inst = last.assessment.instrument
    level = last.level
    print(f"{inst.short_name} {checkin.total_scale(inst).name.lower()}: {level.shown}")
    print(f"{level.heading}: {level.band}." if level.band else f"{level.heading}.")
    say(level.text, "  ")
    if level.cue:
        say(level.cue, "  ")
    say(checkin.not_diagnosis(inst), "  ")
    print()
    if len(entries) < 2:
        say(words["first"])
        return
    before = entries[-2]
    change = last.change
    places = level.decimals
    name = checkin.total_scale(inst).name.lower()

    def moved(rc: Any) -> str:
        shown = f"{rc.after - rc.before:+.{places}f}"
        return f"{shown}, RCI {rc.rci:+.2f}" if rc.rule == "rci" else f"{shown} points"

    if change is not None:
        say(
            f"Since your last check-in ({local_day(before.assessment.completed_at)}, "
            f"{name} {before.level.figure}): {change.verdict} ({moved(change)})."
        )
    overall = checkin.since_first(entries)
    if overall is not None and len(entries) > 2:
        say(
            f"Since your first check-in ({local_day(entries[0].assessment.completed_at)}, "
            f"{name} {entries[0].level.figure}): {overall.verdict} "
            f"({moved(overall).split(', ')[-1]})."
        )
    if change is not None and change.rule == "rci":
        say(
            f"A change counts as reliable when it is more than {change.threshold:.2f} points "
            "(Jacobson-Truax Reliable Change Index, |RCI| > 1.96); ups and downs on the way "
            "are part of the work."
        )
    elif change is not None:
        say(words["points_note"])


CHECKIN = Command(
    "checkin",
    "an optional check-in: mood (PHQ-9), worry (GAD-7), well-being (WHO-5) or "
    "self-compassion (SCS-SF)",
    "Answer the PHQ-9, GAD-7, WHO-5 or SCS-SF questions one at a time. Type a number on the "
    "scale to answer, b to go back, q to pause; answers are saved as you go. Shows the score "
    "in plain words (not a diagnosis) and the reliable change since earlier check-ins.",
    cmd_checkin,
    _checkin_options,
)

COMMANDS = (ASSESS, RESULTS, CHECKIN)
