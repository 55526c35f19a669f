"""Charts as inline SVG strings: a value over time (with a band, regions and marked
points), a dated path across a plane, and bars.

Every chart has role="img", a <title> and a <desc> naming what it shows in words, and the
page gives a table beside it; the drawing itself is decoration for those. Colours are
classes (earned.css: `.chart-*`), except in the print variant, which embeds fixed light
colours in a <style> (PDF renderers ignore the page's CSS and var() in inline SVG; the web
CSP forbids a <style>, so the web variant never has one).

Text is escaped here; callers pass plain strings.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from html import escape
from itertools import pairwise
from typing import Literal

from earned.charts.scales import Dates, Linear

Variant = Literal["web", "print"]

# Fixed light colours for print: the same roles as the classes in earned.css.
PRINT_STYLE = (
    "<style>"
    ".chart-axis,.chart-tick{fill:#5d636b;font:11px sans-serif}"
    ".chart-grid{stroke:#e4e0d8}"
    ".chart-frame{fill:none;stroke:#d9d4cb}"
    ".chart-band{fill:#2f6f66;fill-opacity:.10}"
    ".chart-region{fill:#9b3b2f;fill-opacity:.07}"
    ".chart-region-label{fill:#9b3b2f;font:10px sans-serif}"
    ".chart-line{fill:none;stroke:#2f6f66;stroke-width:2}"
    ".chart-point{fill:#2f6f66}"
    ".chart-latest{fill:#2f6f66;stroke:#22252a;stroke-width:2}"
    ".chart-reliable{fill:none;stroke:#2d6a3e;stroke-width:2}"
    ".chart-reliable-worse{fill:none;stroke:#9b3b2f;stroke-width:2}"
    ".chart-bar{fill:#2f6f66}"
    ".chart-label{fill:#22252a;font:11px sans-serif}"
    ".plane-path{fill:none;stroke:#2f6f66;stroke-width:1.5}"
    ".plane-mid{stroke:#5d636b;stroke-dasharray:4 4}"
    ".plane-quadrant{fill:#5d636b;font:11px sans-serif}"
    "</style>"
)


@dataclass(frozen=True)
class Dated:
    """One value at one time; `mark` says whether its change from the one before counted
    as reliable ("better" / "worse"), or None."""

    when: date | datetime
    value: float
    label: str
    mark: str | None = None


@dataclass(frozen=True)
class Region:
    """A stretch of time to shade, with a short label."""

    start: date
    end: date
    label: str


@dataclass(frozen=True)
class Box:
    """A drawing's size and its margins (left, right, top, bottom), in SVG units."""

    width: int
    height: int
    left: int = 40
    right: int = 14
    top: int = 14
    bottom: int = 30


WIDE = Box(640, 240)
NARROW = Box(360, 220, left=34, right=10)


def _open(key: str, box: Box, title: str, desc: str, css: str, variant: Variant) -> list[str]:
    return [
        f'<svg class="chart {css}" viewBox="0 0 {box.width} {box.height}" role="img" '
        f'aria-labelledby="{key}-title {key}-desc" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{key}-title">{escape(title)}</title>',
        f'<desc id="{key}-desc">{escape(desc)}</desc>',
        PRINT_STYLE if variant == "print" else "",
    ]


def _day(value: date | datetime) -> date:
    return value.date() if isinstance(value, datetime) else value


def over_time(
    points: Sequence[Dated],
    *,
    key: str,
    title: str,
    desc: str,
    lo: float,
    hi: float,
    band: tuple[float, float] | None = None,
    band_label: str = "",
    regions: Sequence[Region] = (),
    box: Box = WIDE,
    variant: Variant = "web",
    css: str = "",
) -> str:
    """A line of `points` over time on a y axis from `lo` to `hi`, with date ticks.

    `band` shades a range of values (e.g. the everyday wobble around the first result);
    `regions` shade stretches of time. A point whose change counted as reliable gets a
    ring; the latest is drawn largest.
    """
    parts = _open(key, box, title, desc, f"over-time {css}".strip(), variant)
    x0, x1 = box.left, box.width - box.right
    y0, y1 = box.height - box.bottom, box.top
    days = [_day(p.when) for p in points] or [date.today()]
    sx = Dates(min(days), max(days), x0 + 8, x1 - 8)
    sy = Linear(lo, hi, y0, y1)
    for r in regions:
        a, b = sx(max(r.start, sx.first)), sx(min(r.end, sx.last))
        if b > a:
            parts.append(
                f'<rect class="chart-region" x="{a:.1f}" y="{y1}" width="{b - a:.1f}" '
                f'height="{y0 - y1}"><title>{escape(r.label)}</title></rect>'
            )
    if band is not None:
        top, bottom = sy(min(hi, max(band))), sy(max(lo, min(band)))
        parts.append(
            f'<rect class="chart-band" x="{x0}" y="{top:.1f}" width="{x1 - x0}" '
            f'height="{bottom - top:.1f}"><title>{escape(band_label)}</title></rect>'
        )
    for v in sy.ticks(5):
        y = sy(v)
        parts.append(f'<line class="chart-grid" x1="{x0}" y1="{y:.1f}" x2="{x1}" y2="{y:.1f}"/>')
        parts.append(
            f'<text class="chart-tick" x="{x0 - 6}" y="{y + 4:.1f}" text-anchor="end">{v:g}</text>'
        )
    most = 6 if box.width >= 500 else 3
    for d, label in sx.ticks(most):
        x = sx(d)
        parts.append(
            f'<line class="chart-grid" x1="{x:.1f}" y1="{y0}" x2="{x:.1f}" y2="{y0 + 4}"/>'
        )
        parts.append(
            f'<text class="chart-tick" x="{x:.1f}" y="{y0 + 18}" text-anchor="middle">'
            f"{escape(label)}</text>"
        )
    parts.append(
        f'<rect class="chart-frame" x="{x0}" y="{y1}" width="{x1 - x0}" height="{y0 - y1}"/>'
    )
    if len(points) > 1:
        line = " ".join(f"{sx(p.when):.1f},{sy(p.value):.1f}" for p in points)
        parts.append(f'<polyline class="chart-line" points="{line}"/>')
    for i, p in enumerate(points):
        x, y = sx(p.when), sy(p.value)
        latest = i == len(points) - 1
        if p.mark:
            ring = "chart-reliable" if p.mark == "better" else "chart-reliable-worse"
            parts.append(f'<circle class="{ring}" cx="{x:.1f}" cy="{y:.1f}" r="8"/>')
        parts.append(
            f'<circle class="{"chart-latest" if latest else "chart-point"}" cx="{x:.1f}" '
            f'cy="{y:.1f}" r="{6 if latest else 3.5}"><title>{escape(p.label)}</title></circle>'
        )
    parts.append("</svg>")
    return "".join(parts)


@dataclass(frozen=True)
class PlanePoint:
    x: float
    y: float
    label: str


def plane_path(
    points: Sequence[PlanePoint],
    *,
    key: str,
    title: str,
    desc: str,
    corners: tuple[str, str, str, str],
    x_label: str,
    y_label: str,
    lo: float = 1.0,
    hi: float = 5.0,
    size: int = 360,
    recent: int = 6,
    variant: Variant = "web",
    first_label: str = "",
    latest_label: str = "",
) -> str:
    """Points on a square plane, oldest first, joined in order.

    Readable with many points: only the `recent` newest are joined, each step with an
    arrow showing the direction; older points fade; the newest is drawn largest and
    labelled (`latest_label`), the first too (`first_label`). `corners` name the quadrants
    (top left, top right, bottom left, bottom right).
    """
    pad = 44
    s = Linear(lo, hi, pad, size - pad)
    sy = Linear(lo, hi, size - pad, pad)
    mid = (lo + hi) / 2
    parts = _open(key, Box(size, size), title, desc, "plane", variant)
    parts.append(
        f'<defs><marker id="{key}-arrow" viewBox="0 0 10 10" refX="9" refY="5" '
        'markerWidth="8" markerHeight="8" markerUnits="userSpaceOnUse" orient="auto">'
        '<path class="plane-arrow" d="M0,0 L10,5 L0,10 z"/></marker></defs>'
    )
    parts.append(
        f'<rect class="plane-bg" x="{pad}" y="{pad}" width="{size - 2 * pad}" '
        f'height="{size - 2 * pad}"/>'
    )
    parts.append(
        f'<line class="plane-mid" x1="{s(mid)}" y1="{pad}" x2="{s(mid)}" y2="{size - pad}"/>'
    )
    parts.append(
        f'<line class="plane-mid" x1="{pad}" y1="{sy(mid)}" x2="{size - pad}" y2="{sy(mid)}"/>'
    )
    spots = [
        (pad + 6, pad + 16, "start"),
        (size - pad - 6, pad + 16, "end"),
        (pad + 6, size - pad - 8, "start"),
        (size - pad - 6, size - pad - 8, "end"),
    ]
    for text, (x, y, anchor) in zip(corners, spots, strict=True):
        parts.append(
            f'<text class="plane-quadrant" x="{x}" y="{y}" text-anchor="{anchor}">'
            f"{escape(text)}</text>"
        )
    for v in Linear(lo, hi, 0, 1).ticks(5):
        parts.append(
            f'<text class="chart-tick" x="{s(v):.1f}" y="{size - pad + 16}" '
            f'text-anchor="middle">{v:g}</text>'
        )
        parts.append(
            f'<text class="chart-tick" x="{pad - 8}" y="{sy(v) + 4:.1f}" text-anchor="end">'
            f"{v:g}</text>"
        )
    parts.append(
        f'<text class="chart-axis" x="{size / 2}" y="{size - 8}" text-anchor="middle">'
        f"{escape(x_label)} →</text>"
    )
    parts.append(
        f'<text class="chart-axis" x="14" y="{size / 2}" text-anchor="middle" '
        f'transform="rotate(-90 14 {size / 2})">{escape(y_label)} →</text>'
    )
    n = len(points)
    joined = points[max(0, n - recent) :]
    for i, (a, b) in enumerate(pairwise(joined)):
        ax, ay, bx, by = s(a.x), sy(a.y), s(b.x), sy(b.y)
        length = math.hypot(bx - ax, by - ay)
        to_latest = i == len(joined) - 2
        gap_a, gap_b = 5.0, (9.0 if to_latest else 6.0)  # stop short of the dots
        if length <= gap_a + gap_b + 2:
            continue  # too close to show a direction
        ux, uy = (bx - ax) / length, (by - ay) / length
        ax, ay = ax + ux * gap_a, ay + uy * gap_a
        bx, by = bx - ux * gap_b, by - uy * gap_b
        parts.append(
            f'<line class="plane-path" x1="{ax:.1f}" y1="{ay:.1f}" x2="{bx:.1f}" y2="{by:.1f}" '
            f'marker-end="url(#{key}-arrow)"/>'
        )
    for i, p in enumerate(points):
        age = n - 1 - i  # 0: the newest
        latest = age == 0
        css = "plane-latest" if latest else f"plane-earlier plane-age-{min(age, 5)}"
        if i == 0 and n > 1:
            css += " plane-first"
        parts.append(
            f'<circle class="{css}" cx="{s(p.x):.1f}" cy="{sy(p.y):.1f}" '
            f'r="{7 if latest else 4}"><title>{escape(p.label)}</title></circle>'
        )
    if n > 1 and first_label:
        f = points[0]
        parts.append(_tag(s(f.x), sy(f.y), first_label, size, pad, "plane-tag"))
    if n and latest_label:
        last = points[-1]
        parts.append(_tag(s(last.x), sy(last.y), latest_label, size, pad, "plane-tag-latest"))
    parts.append("</svg>")
    return "".join(parts)


def _tag(x: float, y: float, text: str, size: int, pad: int, css: str) -> str:
    """A short label beside a point, kept inside the plane."""
    right = x < size - pad - 70
    tx = x + 11 if right else x - 11
    ty = y - 10 if y > pad + 24 else y + 20
    anchor = "start" if right else "end"
    return (
        f'<text class="{css}" x="{tx:.1f}" y="{ty:.1f}" text-anchor="{anchor}">'
        f"{escape(text)}</text>"
    )


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    title: str


def bars(
    items: Sequence[Bar],
    *,
    key: str,
    title: str,
    desc: str,
    box: Box = WIDE,
    variant: Variant = "web",
    every: int = 1,
) -> str:
    """Vertical bars from zero, labelled below (every `every`-th label, to keep them apart)."""
    parts = _open(key, box, title, desc, "bars", variant)
    x0, x1 = box.left, box.width - box.right
    y0, y1 = box.height - box.bottom, box.top
    top = max([b.value for b in items] + [1.0])
    sy = Linear(0, top, y0, y1)
    ticks = [v for v in sy.ticks(4) if v == int(v)]
    for v in ticks:
        y = sy(v)
        parts.append(f'<line class="chart-grid" x1="{x0}" y1="{y:.1f}" x2="{x1}" y2="{y:.1f}"/>')
        parts.append(
            f'<text class="chart-tick" x="{x0 - 6}" y="{y + 4:.1f}" text-anchor="end">{v:g}</text>'
        )
    slot = (x1 - x0) / max(1, len(items))
    for i, b in enumerate(items):
        x = x0 + i * slot + slot * 0.15
        y = sy(b.value)
        parts.append(
            f'<rect class="chart-bar" x="{x:.1f}" y="{y:.1f}" width="{slot * 0.7:.1f}" '
            f'height="{y0 - y:.1f}"><title>{escape(b.title)}</title></rect>'
        )
        if i % every == 0:
            parts.append(
                f'<text class="chart-tick" x="{x + slot * 0.35:.1f}" y="{y0 + 16}" '
                f'text-anchor="middle">{escape(b.label)}</text>'
            )
    parts.append("</svg>")
    return "".join(parts)


def over_time_both(
    points: Sequence[Dated],
    *,
    key: str,
    title: str,
    desc: str,
    lo: float,
    hi: float,
    band: tuple[float, float] | None = None,
    band_label: str = "",
    regions: Sequence[Region] = (),
) -> str:
    """over_time drawn wide and narrow (keys `key`-wide and `key`-narrow), for both_widths:
    what every web chart of a value over time shows."""
    wide, narrow = (
        over_time(
            points,
            key=f"{key}-{name}",
            title=title,
            desc=desc,
            lo=lo,
            hi=hi,
            band=band,
            band_label=band_label,
            regions=regions,
            box=box,
        )
        for name, box in (("wide", WIDE), ("narrow", NARROW))
    )
    return both_widths(wide, narrow)


def both_widths(wide: str, narrow: str) -> str:
    """A wide drawing and a narrow one for phones, one shown at a time by earned.css
    (a 640-wide drawing shrunk to a phone would make 12 px text about 6 px)."""
    return f'<div class="chart-wide">{wide}</div><div class="chart-narrow">{narrow}</div>'
