"""Draw earned's app icons (home screen, install prompt) with Pillow, and write the SVG.

The mark: a steady ring holding a smaller filled circle a little off its centre, on the
app's accent colour: something held, with room around it. Drawn from geometry only (no
font, nothing fetched), so running this again gives the same files.

    uv run --no-sync python scripts/make_icons.py

writes earned/web/static/icons/earned.svg, earned-192.png, earned-512.png and
earned-maskable-512.png (the whole square filled, the mark inside the central 80% circle
a launcher may cut to).
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

OUT = Path(__file__).resolve().parent.parent / "earned" / "web" / "static" / "icons"
ACCENT = "#2f6f66"  # --accent in earned.css (light)
MARK = "#ffffff"  # --accent-fg in earned.css (light)
SCALE = 4  # drawn larger, then reduced: smooth edges without anti-aliasing support


Box = tuple[float, float, float, float]


def shapes(size: float, *, inset: float) -> tuple[Box, float, Box]:
    """The ring's box and width, and the inner circle's box, for a square of `size`; the
    mark sits within `inset` (a fraction of the size) from each edge."""
    c = size / 2
    span = size * (1 - 2 * inset)
    ring_r = span * 0.40
    ring_w = span * 0.085
    dot_r = span * 0.17
    dot_c = (c, c + span * 0.07)  # a little low: resting, held
    ring = (c - ring_r, c - ring_r, c + ring_r, c + ring_r)
    dot = (dot_c[0] - dot_r, dot_c[1] - dot_r, dot_c[0] + dot_r, dot_c[1] + dot_r)
    return ring, ring_w, dot


def png(size: int, *, maskable: bool) -> Image.Image:
    big = size * SCALE
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    if maskable:
        draw.rectangle((0, 0, big, big), fill=ACCENT)
        inset = 0.2  # inside the 80% safe circle
    else:
        draw.rounded_rectangle((0, 0, big - 1, big - 1), radius=big * 0.22, fill=ACCENT)
        inset = 0.1
    ring, width, dot = shapes(big, inset=inset)
    draw.ellipse(ring, outline=MARK, width=round(width))
    draw.ellipse(dot, fill=MARK)
    return image.resize((size, size), Image.Resampling.LANCZOS)


def svg() -> str:
    (x0, _y0, x1, _y1), width, (d0, e0, d1, e1) = shapes(512, inset=0.1)
    ring_r = (x1 - x0) / 2 - width / 2  # an SVG stroke is centred on its circle
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 512 512">'
        f'<rect width="512" height="512" rx="{512 * 0.22:.1f}" fill="{ACCENT}"/>'
        f'<circle cx="256" cy="256" r="{ring_r:.1f}" fill="none" stroke="{MARK}" '
        f'stroke-width="{width:.1f}"/>'
        f'<circle cx="{(d0 + d1) / 2:.1f}" cy="{(e0 + e1) / 2:.1f}" r="{(d1 - d0) / 2:.1f}" '
        f'fill="{MARK}"/></svg>\n'
    )


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for size in (192, 512):
        png(size, maskable=False).save(OUT / f"earned-{size}.png", optimize=True)
    png(512, maskable=True).save(OUT / "earned-maskable-512.png", optimize=True)
    (OUT / "earned.svg").write_text(svg(), encoding="utf-8")


if __name__ == "__main__":
    main()
