"""The charts of the results page, drawn with earned.charts: the plane with its dated
path, and each dimension over time. Words for titles and descriptions live here; the
table beside them on the page says the same in rows."""

from __future__ import annotations

from datetime import tzinfo

from markupsafe import Markup

from earned import checkin
from earned.charts import svg
from earned.results import AlternativeSummary, Summary

CORNERS = ("leaning anxious", "leaning fearful", "leaning secure", "leaning avoidant")


def _when(step: object, zone: tzinfo) -> str:
    a = step.assessment  # type: ignore[attr-defined]
    return f"{(a.completed_at or a.started_at).astimezone(zone):%-d %b %Y}"


def plane(summary: Summary, zone: tzinfo, description: str) -> Markup:
    steps = summary.steps
    points = [
        svg.PlanePoint(
            st.scores["avoidance"],
            st.scores["anxiety"],
            f"{_when(st, zone)}: anxiety {st.scores['anxiety']:.2f}, "
            f"avoidance {st.scores['avoidance']:.2f}",
        )
        for st in steps
    ]
    drawn = svg.plane_path(
        points,
        key="plane",
        title="Your place on the anxiety and avoidance plane",
        desc=description,
        corners=CORNERS,
        x_label="avoidance",
        y_label="anxiety",
        first_label=f"first: {_when(steps[0], zone)}" if len(steps) > 1 else "",
        latest_label=_when(steps[-1], zone),
    )
    return Markup(drawn)  # noqa: S704 - built from numbers; every text escaped in svg.py


def over_time(
    summary: Summary | AlternativeSummary, zone: tzinfo, *, prefix: str = ""
) -> list[tuple[str, Markup]]:
    """One chart per subscale, (subscale id, markup): wide and narrow drawings. `prefix`
    keeps the drawings' ids apart when several questionnaires share a page (/progress)."""
    steps = summary.steps
    if len(steps) < 2:
        return []
    out = []
    scale = summary.instrument.scale  # the ECR's 1 to 5, the ECR-R's 1 to 7
    lo, hi = float(scale.min), float(scale.max)
    for sub in summary.instrument.subscales:
        points = []
        for st in steps:
            change = st.changes.get(sub.id)
            mark = None
            if change is not None and change.verdict == "reliable improvement":
                mark = "better"
            elif change is not None and change.verdict == "reliable worsening":
                mark = "worse"
            label = f"{_when(st, zone)}: {sub.name.lower()} {st.scores[sub.id]:.2f}"
            if mark:
                label += f", {change.verdict if change else ''}"
            when = st.assessment.completed_at or st.assessment.started_at
            points.append(svg.Dated(when.astimezone(zone), st.scores[sub.id], label, mark))
        overall = summary.overall.get(sub.id)
        band = None
        band_label = ""
        if overall is not None:
            first = steps[0].scores[sub.id]
            band = (first - overall.threshold, first + overall.threshold)
            band_label = (
                f"Within this band, a score differs from your first by less than "
                f"{overall.threshold:.2f}: the everyday wobble of a questionnaire."
            )
        reliable = sum(1 for p in points if p.mark)
        desc = (
            f"{sub.name} over time: {len(points)} results from {_when(steps[0], zone)} to "
            f"{_when(steps[-1], zone)}, from {points[0].value:.2f} to {points[-1].value:.2f} "
            f"on a {lo:g} to {hi:g} scale; {reliable} change(s) from one result to the next "
            "counted as reliable (ringed)."
        )
        title = f"{sub.name} over time"
        drawn = svg.over_time_both(
            points, key=f"{prefix}{sub.id}", title=title, desc=desc, lo=lo, hi=hi, band=band,
            band_label=band_label,
        )  # fmt: skip
        out.append((sub.id, Markup(drawn)))  # noqa: S704 - escaped in svg.py
    return out


def checkin_over_time(entries: list[checkin.Entry], zone: tzinfo, *, key: str) -> Markup | None:
    """A check-in's total over time (wide and narrow), each result ringed when its change
    from the one before counted by the questionnaire's own rule (the RCI, or WHO-5's
    10 points), the band the everyday wobble around the first; None under two results."""
    if len(entries) < 2:
        return None
    inst = entries[-1].assessment.instrument
    sub = checkin.total_scale(inst)
    places = checkin.decimals(inst)
    points = []
    for e in entries:
        verdict = e.change.verdict if e.change is not None else None
        mark = {"reliable improvement": "better", "reliable worsening": "worse"}.get(verdict or "")
        label = f"{_when(e.step, zone)}: {e.level.figure}"
        if mark:
            label += f", {verdict}"
        when = e.assessment.completed_at or e.assessment.started_at
        points.append(svg.Dated(when.astimezone(zone), e.step.scores[sub.id], label, mark))
    overall = checkin.since_first(entries)
    band = None
    band_label = ""
    if overall is not None:
        first = points[0].value
        band = (first - overall.threshold, first + overall.threshold)
        band_label = (
            f"Within this band, a total differs from your first by no more than "
            f"{overall.threshold:.{places}f}: the everyday wobble of a questionnaire."
        )
    reliable = sum(1 for p in points if p.mark)
    lo, hi = float(checkin.minimum(inst)), float(checkin.maximum(inst))
    desc = (
        f"{inst.short_name} {sub.name.lower()} over time: {len(points)} check-ins from "
        f"{_when(entries[0].step, zone)} to {_when(entries[-1].step, zone)}, from "
        f"{entries[0].level.figure} to {entries[-1].level.figure} on a {lo:g} to {hi:g} "
        f"scale; {reliable} change(s) from one check-in to the next counted as reliable "
        "(ringed)."
    )
    drawn = svg.over_time_both(
        points, key=key, title=f"{inst.short_name} over time", desc=desc, lo=lo, hi=hi,
        band=band, band_label=band_label,
    )  # fmt: skip
    return Markup(drawn)  # noqa: S704 - escaped in svg.py
