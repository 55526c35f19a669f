"""The starting-point assessment (one page of items at a time, saved as answered) and results.

The ECR is the starting point; the ECR-R can be chosen as an alternative measure on the
same pages (`instrument` on /assess/start). Each one's results are compared only with
its own earlier results.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from earned import assessment as domain
from earned import instruments, numbers, results
from earned.errors import EarnedError
from earned.store import assessments
from earned.web import deps, result_charts
from earned.web.deps import Form, Open, Page
from earned.web.page import PageContext
from earned.web.render import render

router = APIRouter()
INSTRUMENT = results.INSTRUMENT
# Here `page` is a page of the questionnaire (in the addresses too), so the page context,
# `page` in the other route modules, is `ctx`.


@router.get("/assess")
def intro(ctx: Page, store: Open) -> Response:
    with store.session() as s:
        unfinished = assessments.unfinished_assessment(session=s, instrument_id=INSTRUMENT)
        alternatives = [
            (
                instruments.load(alt),
                assessments.unfinished_assessment(session=s, instrument_id=alt),
                results.latest_alternative(
                    assessments.list_assessments(session=s, instrument_id=alt), alt
                ),
            )
            for alt in results.ALTERNATIVES
        ]
    return render(
        ctx,
        "assess/intro.html",
        {
            "instrument": instruments.load(INSTRUMENT),
            "unfinished": unfinished,
            "alternatives": alternatives,
        },
    )


@router.post("/assess/start")
async def start(request: Request, store: Open, values: Form) -> Response:
    instrument_id = results.check_starting_point(values.get("instrument") or INSTRUMENT)
    with store.session() as s:
        current = assessments.unfinished_assessment(session=s, instrument_id=instrument_id)
        if current is None or values.get("fresh") == "yes":
            if current is not None:
                assessments.delete_assessment(session=s, assessment_id=current.id)
            current = assessments.start_assessment(
                session=s, instrument_id=instrument_id, now=deps.now()
            )
    return RedirectResponse(f"/assess/{current.id}/{current.resume_page()}", status_code=303)


def _page(
    ctx: PageContext,
    a: domain.Assessment,
    page: int,
    *,
    error: str | None = None,
    status: int = 200,
    answers: dict[int, int] | None = None,
) -> Response:
    inst = a.instrument
    if not 1 <= page <= inst.pages:
        raise EarnedError("That page of the questionnaire does not exist.", status=404)
    return render(
        ctx,
        "assess/page.html",
        {
            "a": a,
            "inst": inst,
            "page": page,
            "items": inst.page_items(page),
            "answers": answers if answers is not None else a.answers,
            "error": error,
        },
        status=status,
    )


@router.get("/assess/{assessment_id}/{page}")
def page_view(ctx: Page, store: Open, assessment_id: str, page: int) -> Response:
    with store.session() as s:
        a = assessments.get_assessment(session=s, assessment_id=assessment_id)
    if a.instrument_id not in results.STARTING_POINTS:
        # A check-in (PHQ-9, GAD-7, WHO-5, SCS-SF) has its own pages.
        return RedirectResponse(f"/checkin/result/{a.id}", status_code=303)
    if a.completed_at is not None:
        return RedirectResponse(f"/results/{a.id}", status_code=303)
    return _page(ctx, a, page)


@router.post("/assess/{assessment_id}/answer")
async def answer(ctx: Page, store: Open, assessment_id: str, values: Form) -> Response:
    """htmx: save one answer the moment it is chosen."""
    item = deps.int_field(values, "item", what="a question")
    value = deps.int_field(values, "value", what="an answer")
    with store.session() as s:
        assessments.record_answer(
            session=s,
            assessment_id=assessment_id,
            item=item,
            value=value,
            now=deps.now(),
            seq=domain.check_seq(values.get("seq")),
        )
        a = assessments.get_assessment(session=s, assessment_id=assessment_id)
    return render(ctx, "assess/_saved.html", {"a": a})


@router.post("/assess/{assessment_id}/{page}")
async def page_submit(
    ctx: Page, store: Open, assessment_id: str, page: int, values: Form
) -> Response:
    """Save every answer on the page (works without JavaScript), then move on."""
    with store.session() as s:
        a = assessments.get_assessment(session=s, assessment_id=assessment_id)
    inst = a.instrument
    if not 1 <= page <= inst.pages:
        raise EarnedError("That page of the questionnaire does not exist.", status=404)
    given: dict[int, int] = {}
    for item in inst.page_items(page):
        raw = values.get(f"q{item.number}")
        if raw is None or raw == "":
            continue
        value = numbers.whole(raw, most_digits=3)
        if value is None:
            raise EarnedError("One of the answers was not a choice on the scale.")
        given[item.number] = value
    seq = domain.check_seq(values.get("seq"))  # the submit's moment: later than every choice
    with store.session() as s:
        for number, value in given.items():
            assessments.record_answer(
                session=s, assessment_id=a.id, item=number, value=value, now=deps.now(), seq=seq
            )
        a = assessments.get_assessment(session=s, assessment_id=a.id)
    missing = [i.number for i in inst.page_items(page) if i.number not in a.answers]
    if values.get("direction") == "back":
        return RedirectResponse(f"/assess/{a.id}/{max(1, page - 1)}", status_code=303)
    if missing:
        return _page(
            ctx,
            a,
            page,
            error=f"{len(missing)} question(s) on this page still need an answer. "
            "Your other answers are saved.",
            status=400,
        )
    if page < inst.pages:
        return RedirectResponse(f"/assess/{a.id}/{page + 1}", status_code=303)
    with store.session() as s:
        if a.resume_page() != inst.pages or len(a.answers) < len(inst.items):
            return RedirectResponse(f"/assess/{a.id}/{a.resume_page()}", status_code=303)
        assessments.complete_assessment(session=s, assessment_id=a.id, now=deps.now())
    return RedirectResponse(f"/results/{a.id}", status_code=303)


@router.get("/results")
def latest(ctx: Page, store: Open) -> Response:
    with store.session() as s:
        done = [
            a
            for a in assessments.list_assessments(session=s, instrument_id=INSTRUMENT)
            if a.completed_at
        ]
    if not done:
        return render(ctx, "assess/no_results.html")
    return _results(ctx, done, done[-1].id)


@router.get("/results/{assessment_id}")
def one(ctx: Page, store: Open, assessment_id: str) -> Response:
    with store.session() as s:
        target = assessments.get_assessment(session=s, assessment_id=assessment_id)
        done = [
            a
            for a in assessments.list_assessments(session=s, instrument_id=target.instrument_id)
            if a.completed_at
        ]
    if target.instrument_id not in results.STARTING_POINTS:
        # A check-in (PHQ-9, GAD-7, WHO-5, SCS-SF) has its own result page.
        return RedirectResponse(f"/checkin/result/{target.id}", status_code=303)
    if target.completed_at is None:
        return RedirectResponse(f"/assess/{target.id}/{target.resume_page()}", status_code=303)
    if target.instrument_id in results.ALTERNATIVES:
        return _alternative(ctx, done, target.instrument_id, assessment_id)
    return _results(ctx, done, assessment_id)


def _alternative(
    ctx: PageContext, done: list[domain.Assessment], instrument_id: str, assessment_id: str
) -> Response:
    """An ECR-R result: its means, and change only against earlier ECR-R results."""
    summary = results.summarise_alternative(done, instrument_id, upto=assessment_id)
    return render(ctx, "assess/alternative.html", {"summary": summary, "inst": summary.instrument})


def _results(ctx: PageContext, done: list[domain.Assessment], assessment_id: str) -> Response:
    summary = results.summarise(done, upto=assessment_id)
    shown = summary.shown
    assert shown is not None  # `upto` names a completed result, so there is one to show
    scores = shown.step.scores
    description = (
        f"Anxiety {scores['anxiety']:.2f} and avoidance {scores['avoidance']:.2f} on a 1 to 5 "
        f"scale: {shown.reading.title.lower()}. {len(summary.steps)} result(s) shown, "
        "joined oldest to newest; the newest is the large dot."
    )
    return render(
        ctx,
        "assess/results.html",
        {
            "inst": summary.instrument,
            "step": shown.step,
            "steps": summary.steps,
            "reading": shown.reading,
            "placements": shown.placements,
            "chart": result_charts.plane(summary, ctx.zone, description),
            "over_time": result_charts.over_time(summary, ctx.zone),
            "overall": summary.overall,
            "norms": summary.norms,
        },
    )
