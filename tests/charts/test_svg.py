"""The SVG drawings: well-formed, described in words, CSP-clean on the web and
self-coloured in print, every text escaped."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date

from earned.charts import svg

NS = "{http://www.w3.org/2000/svg}"
HOSTILE = '<script>alert("x")</script> & "quotes"'


def points() -> list[svg.Dated]:
    return [
        svg.Dated(date(2026, 1, 5), 3.9, "5 Jan: 3.90"),
        svg.Dated(date(2026, 3, 1), 3.1, "1 Mar: 3.10", "better"),
        svg.Dated(date(2026, 6, 9), 3.6, HOSTILE, "worse"),
    ]


def parse(markup: str) -> ET.Element:
    return ET.fromstring(markup)


def test_over_time_is_an_image_with_its_words_and_no_inline_style() -> None:
    drawn = svg.over_time(
        points(),
        key="k",
        title="Anxiety over time",
        desc=HOSTILE,
        lo=1,
        hi=5,
        band=(3.5, 4.3),
        band_label="wobble",
        regions=[svg.Region(date(2026, 2, 1), date(2026, 2, 20), "a hard stretch")],
    )
    root = parse(drawn)
    assert root.get("role") == "img" and root.get("aria-labelledby") == "k-title k-desc"
    assert root.find(f"{NS}title").text == "Anxiety over time"  # type: ignore[union-attr]
    assert root.find(f"{NS}desc").text == HOSTILE  # type: ignore[union-attr]
    assert "<script>" not in drawn and "style" not in drawn  # the CSP forbids both
    circles = root.findall(f"{NS}circle")
    assert [c.get("class") for c in circles if "reliable" in (c.get("class") or "")] == [
        "chart-reliable",
        "chart-reliable-worse",
    ]
    assert circles[-1].get("class") == "chart-latest"
    assert len(root.findall(f"{NS}polyline")) == 1
    assert [r.get("class") for r in root.findall(f"{NS}rect")][:2] == ["chart-region", "chart-band"]


def test_points_run_left_to_right_in_time_and_up_with_the_value() -> None:
    root = parse(svg.over_time(points(), key="k", title="t", desc="d", lo=1, hi=5))
    dots = [c for c in root.findall(f"{NS}circle") if "reliable" not in (c.get("class") or "")]
    xs = [float(c.get("cx") or 0) for c in dots]
    ys = [float(c.get("cy") or 0) for c in dots]
    assert xs == sorted(xs)
    assert ys[1] > ys[0] and ys[2] < ys[1]  # 3.9 -> 3.1 goes down the page, -> 3.6 up


def test_the_print_variant_carries_its_own_light_colours() -> None:
    drawn = svg.over_time(points(), key="k", title="t", desc="d", lo=1, hi=5, variant="print")
    style = parse(drawn).find(f"{NS}style")
    assert style is not None and ".chart-line{" in (style.text or "")
    assert "var(" not in (style.text or "")  # PDF renderers do not resolve var() here


def test_the_plane_joins_the_newest_in_order_with_arrows_and_labels_the_latest() -> None:
    pts = [svg.PlanePoint(1 + i * 0.3, 4 - i * 0.25, f"p{i}") for i in range(10)]
    root = parse(
        svg.plane_path(
            pts,
            key="p",
            title="t",
            desc="d",
            corners=("a", "b", "c", "d"),
            x_label="avoidance",
            y_label="anxiety",
            recent=6,
            first_label="first: 1 Jan",
            latest_label="9 Oct",
        )
    )
    steps = root.findall(f"{NS}line[@class='plane-path']")
    assert len(steps) == 5 and all(s.get("marker-end") == "url(#p-arrow)" for s in steps)
    circles = root.findall(f"{NS}circle")
    assert circles[-1].get("class") == "plane-latest"
    assert "plane-first" in (circles[0].get("class") or "")
    assert "plane-age-5" in (circles[1].get("class") or "")  # the oldest fade the most
    texts = [t.text for t in root.findall(f"{NS}text")]
    assert "first: 1 Jan" in texts and "9 Oct" in texts


def test_bars_start_at_zero_and_label_every_nth() -> None:
    items = [svg.Bar(f"w{i}", float(i % 4), f"week {i}: {i % 4}") for i in range(12)]
    root = parse(svg.bars(items, key="b", title="t", desc="d", every=3))
    bars = root.findall(f"{NS}rect[@class='chart-bar']")
    assert len(bars) == 12
    assert float(bars[0].get("height") or 1) == 0  # a zero week is drawn as nothing
    labels = [t.text for t in root.findall(f"{NS}text") if (t.text or "").startswith("w")]
    assert labels == ["w0", "w3", "w6", "w9"]


def test_both_widths_wrap_a_wide_and_a_narrow_drawing() -> None:
    out = svg.both_widths("<svg/>", "<svg/>")
    assert out.index('class="chart-wide"') < out.index('class="chart-narrow"')
