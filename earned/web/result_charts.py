"""The charts of the results page, drawn with earned.charts: the plane with its dated
path, and each dimension over time. Words for titles and descriptions live here; the
table beside them on the page says the same in rows."""

from __future__ import annotations

from datetime import tzinfo

from markupsafe import Markup

from earned.charts import svg
from earned.results import Summary

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


def over_time(summary: Summary, zone: tzinfo) -> list[tuple[str, Markup]]:
    """One chart per subscale, (subscale id, markup): wide and narrow drawings."""
    steps = summary.steps
    if len(steps) < 2:
        return []
    out = []
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
            f"on a 1 to 5 scale; {reliable} change(s) from one result to the next counted "
            "as reliable (ringed)."
        )
        lo, hi = 1.0, 5.0
        title = f"{sub.name} over time"
        drawn = svg.over_time_both(
            points, key=sub.id, title=title, desc=desc, lo=lo, hi=hi, band=band,
            band_label=band_label,
        )  # fmt: skip
        out.append((sub.id, Markup(drawn)))  # noqa: S704 - escaped in svg.py
    return out
