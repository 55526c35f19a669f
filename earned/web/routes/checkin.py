"""Optional check-ins (PHQ-9, GAD-7, WHO-5, SCS-SF): one page of items, saved as answered,
and results.

An answer is saved the moment it is chosen (htmx), or with the whole form when there is
no JavaScript. The check-in itself is only created with its first answer, so opening
the page and leaving again leaves no trace. An answer above 0 on PHQ-9 item 9 shows the
calm crisis panel at once and on the result page; the answer is kept as given and
nothing is blocked.
"""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from earned import assessment as domain
from earned import checkin, numbers
from earned.assessment import Assessment
from earned.errors import EarnedError
from earned.instruments.model import Instrument
from earned.instruments.scoring import Scores, alerts
from earned.store import assessments
from earned.web import deps
from earned.web.deps import Form, Open, Page
from earned.web.page import PageContext
from earned.web.render import render

router = APIRouter()


@dataclass(frozen=True)
class Card:
    """One check-in on the index page: what it is, the latest result, any answers so far."""

    inst: Instrument
    latest: checkin.Entry | None
    unfinished: Assessment | None


@router.get("/checkin")
def index(page: Page, store: Open) -> Response:
    cards = []
    with store.session() as s:
        for instrument_id in checkin.available():
            done = assessments.list_assessments(session=s, instrument_id=instrument_id)
            entries = checkin.history(done, instrument_id)
            cards.append(
                Card(
                    checkin.load(instrument_id),
                    entries[-1] if entries else None,
                    assessments.unfinished_assessment(session=s, instrument_id=instrument_id),
                )
            )
    return render(page, "checkin/index.html", {"cards": cards, "words": checkin.words()})


def _form(
    page: PageContext,
    inst: Instrument,
    current: Assessment | None,
    *,
    error: str | None = None,
    status: int = 200,
) -> Response:
    answers = current.answers if current else {}
    return render(
        page,
        "checkin/form.html",
        {
            "inst": inst,
            "current": current,
            "answers": answers,
            "answered": len(answers),
            "about": checkin.words()["instruments"][inst.id],
            "error": error,
            # Shown at the top when an answer already saved calls for it (e.g. a reload).
            "show_care": bool(alerts(inst, answers)),
        },
        status=status,
    )


@router.get("/checkin/{instrument_id}")
def form_page(page: Page, store: Open, instrument_id: str) -> Response:
    inst = checkin.load(instrument_id)
    with store.session() as s:
        current = assessments.unfinished_assessment(session=s, instrument_id=inst.id)
    return _form(page, inst, current)


@router.post("/checkin/{instrument_id}/answer")
async def answer(page: Page, store: Open, instrument_id: str, values: Form) -> Response:
    """htmx: save one answer the moment it is chosen; the crisis panel if it calls for it."""
    inst = checkin.load(instrument_id)
    item = deps.int_field(values, "item", what="a question")
    value = deps.int_field(values, "value", what="an answer")
    with store.session() as s:
        current = assessments.unfinished_assessment(session=s, instrument_id=inst.id)
        if current is None:
            current = assessments.start_assessment(session=s, instrument_id=inst.id, now=deps.now())
        assessments.record_answer(
            session=s,
            assessment_id=current.id,
            item=item,
            value=value,
            now=deps.now(),
            seq=domain.check_seq(values.get("seq")),
        )
        current = assessments.get_assessment(session=s, assessment_id=current.id)
    # Only for the answer just given, and not when the page already shows the panel.
    calls_for_care = any(a.item == item for a in alerts(inst, {item: value}))
    return render(
        page,
        "checkin/_answer.html",
        {
            "inst": inst,
            "answered": current.answered,
            "show_care": calls_for_care and values.get("care_shown") != "1",
        },
    )


@router.get("/checkin/{instrument_id}/answer")
def answer_page(instrument_id: str) -> Response:
    """Where the crisis panel's "continue" link points after an htmx answer: the form."""
    inst = checkin.load(instrument_id)
    return RedirectResponse(f"/checkin/{inst.id}", status_code=303)


@router.post("/checkin/{instrument_id}")
async def submit(page: Page, store: Open, instrument_id: str, values: Form) -> Response:
    """Save every answer on the form (works without JavaScript), then show the result."""
    inst = checkin.load(instrument_id)
    given: dict[int, int] = {}
    for item in inst.items:
        raw = values.get(f"q{item.number}")
        if raw is None or raw == "":
            continue
        value = numbers.whole(raw, most_digits=3)
        if value is None:
            raise EarnedError("One of the answers was not a choice on the scale.")
        given[item.number] = value
    with store.session() as s:
        current = assessments.unfinished_assessment(session=s, instrument_id=inst.id)
        if current is None and given:
            current = assessments.start_assessment(session=s, instrument_id=inst.id, now=deps.now())
        if current is not None:
            seq = domain.check_seq(values.get("seq"))
            for number, value in given.items():
                assessments.record_answer(
                    session=s,
                    assessment_id=current.id,
                    item=number,
                    value=value,
                    now=deps.now(),
                    seq=seq,
                )
            current = assessments.get_assessment(session=s, assessment_id=current.id)
    missing = [i.number for i in inst.items if current is None or i.number not in current.answers]
    if missing:
        saved = " Your other answers are saved." if current is not None else ""
        return _form(
            page,
            inst,
            current,
            error=f"{len(missing)} question(s) still need an answer.{saved}",
            status=400,
        )
    assert current is not None  # no answer missing implies answers were saved
    with store.session() as s:
        assessments.complete_assessment(session=s, assessment_id=current.id, now=deps.now())
    return RedirectResponse(f"/checkin/result/{current.id}", status_code=303)


@router.post("/checkin/{instrument_id}/restart")
async def restart(request: Request, store: Open, instrument_id: str, values: Form) -> Response:
    """Set aside unfinished answers (e.g. from weeks ago) and start with an empty form."""
    inst = checkin.load(instrument_id)
    with store.session() as s:
        current = assessments.unfinished_assessment(session=s, instrument_id=inst.id)
        if current is not None:
            assessments.delete_assessment(session=s, assessment_id=current.id)
    return RedirectResponse(f"/checkin/{inst.id}", status_code=303)


@router.get("/checkin/result/{assessment_id}")
def result(page: Page, store: Open, assessment_id: str) -> Response:
    with store.session() as s:
        target = assessments.get_assessment(session=s, assessment_id=assessment_id)
        done = assessments.list_assessments(session=s, instrument_id=target.instrument_id)
    if target.instrument_id not in checkin.available():
        # The starting-point questionnaire has its own result page.
        return RedirectResponse(f"/results/{target.id}", status_code=303)
    if target.completed_at is None:
        return RedirectResponse(f"/checkin/{target.instrument_id}", status_code=303)
    entries = checkin.history(done, target.instrument_id)
    upto = next(i for i, e in enumerate(entries) if e.assessment.id == target.id) + 1
    entries = entries[:upto]
    current = entries[-1]
    inst = target.instrument
    scores: Scores = current.step.scores
    return render(
        page,
        "checkin/result.html",
        {
            "inst": inst,
            "entry": current,
            "entries": entries,
            "overall": checkin.since_first(entries),
            "figures": checkin.figures(inst),
            "words": checkin.words(),
            "sub": checkin.total_scale(inst),
            "not_diagnosis": checkin.not_diagnosis(inst),
            "alerted": bool(scores.alerts),
            "show_care": checkin.calls_for_care(inst, scores),
        },
    )
