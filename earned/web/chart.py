"""The anxiety × avoidance plane as inline SVG (no chart library, no script, no styles
attributes: colours come from classes in earned.css so dark mode and CSP both hold).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Point:
    x: float  # avoidance
    y: float  # anxiety
    label: str


SIZE = 320
PAD = 44
LO, HI = 1.0, 5.0


def _sx(v: float) -> float:
    return PAD + (v - LO) / (HI - LO) * (SIZE - 2 * PAD)


def _sy(v: float) -> float:
    return SIZE - PAD - (v - LO) / (HI - LO) * (SIZE - 2 * PAD)


def plane(points: list[Point], description: str) -> str:
    """SVG markup; the last point is the latest and is drawn largest. Escaping is the caller's
    concern only for `description`, which this function escapes itself."""
    from markupsafe import escape

    mid_x, mid_y = _sx(3.0), _sy(3.0)
    parts = [
        f'<svg class="plane" viewBox="0 0 {SIZE} {SIZE}" role="img" '
        f'aria-labelledby="plane-title plane-desc" xmlns="http://www.w3.org/2000/svg">',
        '<title id="plane-title">Your place on the anxiety and avoidance plane</title>',
        f'<desc id="plane-desc">{escape(description)}</desc>',
        f'<rect class="plane-bg" x="{PAD}" y="{PAD}" width="{SIZE - 2 * PAD}" '
        f'height="{SIZE - 2 * PAD}"/>',
        f'<line class="plane-mid" x1="{mid_x}" y1="{PAD}" x2="{mid_x}" y2="{SIZE - PAD}"/>',
        f'<line class="plane-mid" x1="{PAD}" y1="{mid_y}" x2="{SIZE - PAD}" y2="{mid_y}"/>',
    ]
    corners = [
        ("leaning anxious", PAD + 6, PAD + 16, "start"),
        ("leaning fearful", SIZE - PAD - 6, PAD + 16, "end"),
        ("leaning secure", PAD + 6, SIZE - PAD - 8, "start"),
        ("leaning avoidant", SIZE - PAD - 6, SIZE - PAD - 8, "end"),
    ]
    for text, x, y, anchor in corners:
        parts.append(
            f'<text class="plane-quadrant" x="{x}" y="{y}" text-anchor="{anchor}">{text}</text>'
        )
    for v in (1, 2, 3, 4, 5):
        parts.append(
            f'<text class="plane-tick" x="{_sx(v)}" y="{SIZE - PAD + 16}" '
            f'text-anchor="middle">{v}</text>'
        )
        parts.append(
            f'<text class="plane-tick" x="{PAD - 8}" y="{_sy(v) + 4}" text-anchor="end">{v}</text>'
        )
    parts.append(
        f'<text class="plane-axis" x="{SIZE / 2}" y="{SIZE - 6}" text-anchor="middle">'
        "avoidance →</text>"
    )
    parts.append(
        f'<text class="plane-axis" x="12" y="{SIZE / 2}" text-anchor="middle" '
        f'transform="rotate(-90 12 {SIZE / 2})">anxiety →</text>'
    )
    if len(points) > 1:
        path = " ".join(f"{_sx(p.x):.1f},{_sy(p.y):.1f}" for p in points)
        parts.append(f'<polyline class="plane-path" points="{path}"/>')
    for i, p in enumerate(points):
        latest = i == len(points) - 1
        parts.append(
            f'<circle class="{"plane-latest" if latest else "plane-earlier"}" '
            f'cx="{_sx(p.x):.1f}" cy="{_sy(p.y):.1f}" r="{7 if latest else 4}">'
            f"<title>{escape(p.label)}</title></circle>"
        )
    parts.append("</svg>")
    return "".join(parts)
