"""The progress page (/progress): the four signs that change is taking hold, each week by
week with its trend said plainly; then the trajectories (earned.trajectories): the
starting-point results, belief strength, the ladder and the check-ins, each drawn with
its own page's chart and judged by its own rule."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, timedelta, tzinfo
from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response
from markupsafe import Markup

from earned import beliefs, checkin, instruments, results, trajectories, trends
from earned.assessment import overall_change, trajectory
from earned.charts import svg
from earned.ladder import GapPoint
from earned.store import Store
from earned.store import progress as gather
from earned.web import deps, result_charts
from earned.web.deps import Open, Page
from earned.web.render import render
from earned.web.routes import beliefs as belief_pages
from earned.web.routes import ladder as ladder_pages

router = APIRouter()


def _shown(sign: trends.Sign, value: float) -> float:
    return value * 100 if sign.unit == "percent" else value


def _value_words(sign: trends.Sign, value: float) -> str:
    return f"{value * 100:.0f}%" if sign.unit == "percent" else f"{value:.0f} min"


def chart(
    sign: trends.Sign,
    weeks: list[tuple[date, float | None]],
    stretches: list[tuple[date, date]],
    said: str,
) -> Markup | None:
    """The sign week by week (wide and narrow), its harder stretches shaded; None with
    fewer than two weeks with values."""
    words = trends.words()
    seen = [(week, v) for week, v in weeks if v is not None]
    if len(seen) < 2:
        return None
    points = [
        svg.Dated(week, _shown(sign, v), f"week of {week:%d %b %Y}: {_value_words(sign, v)}")
        for week, v in seen
    ]
    hi = 100.0 if sign.unit == "percent" else max(1.0, max(p.value for p in points) * 1.1)
    regions = [
        svg.Region(first, last + timedelta(days=6), str(words["stretch"]))
        for first, last in stretches
    ]
    name = words["signs"][sign.key]["name"]
    unit = " (%)" if sign.unit == "percent" else " (minutes)"
    desc = (
        f"{name}, week by week: {len(seen)} weeks with records from {seen[0][0]:%d %b %Y} to "
        f"{seen[-1][0]:%d %b %Y}. {said}"
    )
    if stretches:
        desc += f" {len(stretches)} harder stretch(es) shaded."
    drawn = svg.over_time_both(
        points, key=f"progress-{sign.key}", title=f"{name}{unit}", desc=desc, lo=0, hi=hi,
        regions=regions,
    )  # fmt: skip
    return Markup(drawn)  # noqa: S704 - built from numbers; every text escaped in svg.py


# --- the trajectories ---------------------------------------------------------------------------


@dataclass
class Part:
    """One trajectory inside a section: a heading (a questionnaire's or a belief's name,
    or none), its one sentence, whether that sentence met a harder turn (step 10), and
    its charts; `not_enough` under two results (then no chart)."""

    heading: str | None
    sentence: str
    harder: bool = False
    charts: list[tuple[str, Markup]] = field(default_factory=list)  # (caption or "", drawing)
    not_enough: bool = False


@dataclass
class Section:
    """A section of trajectories; `parts` empty when nothing is recorded yet (then the
    page shows one line with `start`), or in calm mode (then only the names and links)."""

    key: str
    title: str
    what: str
    more: tuple[str, str]
    start: tuple[str, str]
    none: str
    sentence: str = ""
    harder: bool = False
    parts: list[Part] = field(default_factory=list)
    care: bool = False  # the newest result calls for the crisis lines, as on its own page


def _section(key: str, said: dict[str, Any], **values: Any) -> Section:
    return Section(
        key=key,
        title=str(said["title"]),
        what=str(said["what"]),
        more=(str(said["more"]), str(said["more_href"])),
        start=(str(said["start"]), str(said["start_href"])),
        none=str(said["none"]),
        **values,
    )


def _attachment(
    read: dict[str, tuple[list[Any], int]] | None, zone: tzinfo, words: dict[str, Any]
) -> Section:
    said = words["sections"]["attachment"]
    section = _section("attachment", said)
    if read is None:
        return section
    for instrument_id in trajectories.ATTACHMENT:
        done, count = read[instrument_id]
        steps = trajectories.shown_steps(trajectory(done), count)
        if not steps:
            continue
        inst = instruments.load(instrument_id)
        heading = f"{inst.name} ({inst.short_name})"
        if len(steps) < trajectories.MIN_RESULTS:
            section.parts.append(Part(heading, str(words["not_enough"]), not_enough=True))
            continue
        lean = trajectories.latest_lean(steps)
        overall = {
            sub.id: change
            for sub in inst.subscales
            if (change := overall_change(steps, sub.id)) is not None
        }
        if instrument_id in results.ALTERNATIVES:
            summary: results.Summary | results.AlternativeSummary = results.AlternativeSummary(
                inst, steps, steps[-1], overall
            )
        else:
            summary = replace(results.summarise([]), steps=steps, overall=overall)
        names = {sub.id: sub.name for sub in inst.subscales}
        drawn = result_charts.over_time(summary, zone, prefix=f"{inst.id}-")
        charts = [(names[sub_id], m) for sub_id, m in drawn]
        section.parts.append(Part(heading, str(said[lean]), lean == "harder", charts))
    section.harder = any(p.harder for p in section.parts)
    return section


def _beliefs(
    read: list[trajectories.BeliefSeries] | None, zone: tzinfo, words: dict[str, Any]
) -> Section:
    said = words["sections"]["beliefs"]
    section = _section("beliefs", said)
    for n, belief in enumerate(read or []):
        points = belief.points
        if len(points) < trajectories.MIN_RESULTS:
            said_once = str(words["not_enough_rating"])
            section.parts.append(Part(belief.words, said_once, not_enough=True))
            continue
        chart = belief_pages.chart(points, zone, key=f"progress-belief-{n}")
        rose = trajectories.belief_rose(points)
        change = beliefs.change_words(points) or ""
        section.parts.append(Part(belief.words, change, rose, [("", chart)] if chart else []))
    section.harder = any(p.harder for p in section.parts)
    section.sentence = str(said["rose" if section.harder else "said"]) if section.parts else ""
    return section


def tries_chart(span: trajectories.LadderSpan, title: str) -> Markup:
    """Tries done with a guess and a result, month by month (bars, wide and narrow)."""
    bars = [
        svg.Bar(f"{month:%b}", n, f"{month:%b %Y}: {n} step(s) done")
        for month, _gap, n in span.months
    ]
    desc = (
        f"{title}: {span.done} steps done over {len(span.months)} months with steps, from "
        f"{span.months[0][0]:%b %Y} to {span.months[-1][0]:%b %Y}."
    )
    every = max(1, len(bars) // 6)
    wide, narrow = (
        svg.bars(bars, key=f"progress-ladder-tries-{name}", title=title, desc=desc, box=box,
                 every=every if name == "wide" else max(1, len(bars) // 3))
        for name, box in (("wide", svg.WIDE), ("narrow", svg.NARROW))
    )  # fmt: skip
    return Markup(svg.both_widths(wide, narrow))  # noqa: S704 - numbers; text escaped in svg.py


def _ladder(
    read: tuple[trajectories.LadderSpan, list[GapPoint]] | None,
    zone: tzinfo,
    words: dict[str, Any],
) -> Section:
    said = words["sections"]["ladder"]
    section = _section("ladder", said)
    if read is None:
        return section
    span, points = read
    if not span.ever:
        return section
    if len(span.months) < trajectories.MIN_RESULTS:
        section.parts.append(Part(None, str(words["not_enough"]), not_enough=True))
        return section
    charts = [(str(said["tries_title"]), tries_chart(span, str(said["tries_title"])))]
    gap = ladder_pages.ladder_chart(points, zone)
    if gap is not None:
        charts.append((str(said["gap_title"]), gap))
    section.parts.append(Part(None, trajectories.ladder_sentence(span), charts=charts))
    return section


def _checkin(
    instrument_id: str,
    read: dict[str, tuple[list[Any], int]] | None,
    zone: tzinfo,
    words: dict[str, Any],
) -> Section:
    said, own = words["sections"]["checkin"], words["checkins"][instrument_id]
    inst = instruments.load(instrument_id)
    section = Section(
        key=instrument_id,
        title=f"{own['title']} ({inst.short_name})",
        what=str(own["what"]),
        more=(str(said["more"]), str(said["more_href"])),
        start=(str(said["start"]).format(short=inst.short_name), f"/checkin/{inst.id}"),
        none=str(said["none"]).format(name=inst.short_name),
    )
    if read is None:
        return section
    done, count = read[instrument_id]
    entries = checkin.history(done, instrument_id)
    if count > trajectories.RESULTS_SHOWN and entries:
        entries = entries[1:]  # read only to judge the oldest shown against it
    entries = entries[-trajectories.RESULTS_SHOWN :]
    if not entries:
        return section
    section.care = checkin.calls_for_care(inst, entries[-1].step.scores)
    if len(entries) < trajectories.MIN_RESULTS:
        section.parts.append(Part(None, str(words["not_enough"]), not_enough=True))
        return section
    lean = trajectories.lean([entries[-1].change])
    chart = result_charts.checkin_over_time(entries, zone, key=f"progress-{inst.id}")
    charts = [("", chart)] if chart else []
    section.parts.append(Part(None, str(said[lean]), lean == "harder", charts))
    section.harder = lean == "harder"
    return section


def sections(page_zone: tzinfo, calm: bool, store: Store) -> list[Section]:
    """Every trajectory section, reading only what each shows (nothing in calm mode)."""
    words = trajectories.words()
    questionnaires = ladder_read = belief_read = None
    if not calm:
        now = deps.now()
        with store.session() as s:
            questionnaires = gather.completed(
                session=s, instrument_ids=(*trajectories.ATTACHMENT, *trajectories.CHECKINS)
            )
            belief_read = gather.recent_beliefs(session=s)
            ladder_read = gather.ladder_span(session=s, now=now, zone=page_zone)
    return [
        _attachment(questionnaires, page_zone, words),
        _beliefs(belief_read, page_zone, words),
        _ladder(ladder_read, page_zone, words),
        *(_checkin(i, questionnaires, page_zone, words) for i in trajectories.CHECKINS),
    ]


@router.get("/progress")
def progress_page(page: Page, store: Open) -> Response:
    words = trends.words()
    signs: list[dict[str, Any]] = []
    series: dict[str, list[tuple[date, float | None]]] = {}
    if not page.calm:  # calm mode rests the charts and figures: nothing to read
        with store.session() as s:
            series = gather.signs(session=s, now=deps.now(), zone=page.zone)
    for sign in trends.SIGNS:
        shown: dict[str, Any] = {"sign": sign, "words": words["signs"][sign.key]}
        if not page.calm:
            weeks = series[sign.key]
            found = trends.trend(weeks)
            stretches = trends.harder_stretches(sign, weeks)
            said = trends.sentence(sign, found)
            shown |= {
                "sentence": said,
                "harder": trends.improving(sign, found) is False,
                "stretches": stretches,
                "chart": chart(sign, weeks, stretches, said),
            }
        signs.append(shown)
    trajectory_sections = sections(page.zone, page.calm, store)
    return render(
        page,
        "progress/index.html",
        {
            "words": words,
            "signs": signs,
            "window": trends.WINDOW_WEEKS,
            "more": trajectories.words(),
            "sections": trajectory_sections,
            "show_care": any(sec.care for sec in trajectory_sections),
        },
    )
