"""The progress page (/progress): the four signs that change is taking hold, each week by
week with its trend said plainly, and the way to the other trajectories."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response
from markupsafe import Markup

from earned import trends
from earned.charts import svg
from earned.store import progress as gather
from earned.web import deps
from earned.web.deps import Open, Page
from earned.web.render import render

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
    return render(
        page,
        "progress/index.html",
        {"words": words, "signs": signs, "window": trends.WINDOW_WEEKS},
    )
