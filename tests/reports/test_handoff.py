"""The therapist hand-off PDF (earned/reports/handoff.py) drawn from the demo person's
journal: page 1 rendered to PNG by pdftoppm, the words read back by pdftotext, chosen
sections present, unticked and unchosen words absent, names as initials when asked, and
nothing fetched."""

from __future__ import annotations

import struct
import subprocess
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from earned import demo
from earned import handoff as rules
from earned.paths import profile
from earned.reports import export, handoff
from earned.store import handoff as gathering
from earned.store import personal
from earned.store.handoff import Gathered
from tests.support import PASSPHRASE, T0
from tests.support.pdf import text_of, tool

DPI = 50
# A4 (210 × 297 mm) at DPI dots per inch, as pdftoppm rounds it.
A4_PIXELS = (round(210 / 25.4 * DPI), round(297 / 25.4 * DPI))


def lead(words: str) -> str:
    """The first 40 characters of `words` as pdftotext gives them back (spaces folded)."""
    return " ".join(words.split())[:40]


@pytest.fixture(scope="module")
def gathered(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Gathered]:
    """Three months of the demo person's journal (seed 0), gathered for the hand-off."""
    data = demo.generate(0, T0, months=6)
    end = datetime.fromisoformat(data["exported_at"]).date()
    store, _ = personal.set_up(profile("handoff", tmp_path_factory.mktemp("data")), PASSPHRASE)
    try:
        with store.session() as session:
            export.restore(session=session, data=data)
        with store.session() as session:
            yield gathering.gather(
                session=session, start=end - timedelta(days=90), end=end, zone=UTC
            )
    finally:
        store.close()


def choice(g: Gathered, **kw: Any) -> rules.Choice:
    return rules.Choice(start=g.start, end=g.end, **kw)


def test_the_demo_period_has_something_in_every_section(gathered: Gathered) -> None:
    g = gathered
    assert g.steps and g.moments.count and g.practices and g.ladder.done
    assert g.beliefs and g.notes and g.moments.words and g.moments.patterns
    assert "Sam" in g.names


def test_page_one_renders_to_a_png_of_a4_size(gathered: Gathered, tmp_path: Path) -> None:
    path = tmp_path / "handoff.pdf"
    path.write_bytes(handoff.make(gathered, choice(gathered), today=gathered.end))
    subprocess.run(
        [tool("pdftoppm"), "-png", "-r", str(DPI), "-f", "1", "-l", "1", "-singlefile",
         str(path), str(tmp_path / "page")],
        check=True,
    )  # fmt: skip
    png = (tmp_path / "page.png").read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 2_000
    width, height = struct.unpack(">II", png[16:24])
    assert abs(width - A4_PIXELS[0]) <= 1 and abs(height - A4_PIXELS[1]) <= 1


def test_chosen_sections_are_in_and_the_rest_are_out(gathered: Gathered, tmp_path: Path) -> None:
    g = gathered
    words = rules.words()
    picked = ("results", "moments", "practices", "note")
    text = text_of(
        handoff.make(g, choice(g, sections=picked, note="Please ask about June."), today=g.end),
        tmp_path,
    )
    for key in picked:
        assert words["sections"][key] in text
    for key in set(rules.SECTIONS) - set(picked):
        assert words["sections"][key] not in text
    assert "Please ask about June." in text
    assert f"{g.moments.count}" in text
    top_word, _n = g.moments.words[0]
    assert top_word in text
    assert "Box breathing" in text or "Self-compassion break" in text
    # The date range and the "not a diagnosis" line on every page.
    pages = text.count(words["not_diagnosis"])
    assert pages >= 2
    period = handoff.period_words(g.start, g.end)
    assert text.count(period) >= pages
    # Moments' own words stay out unless asked for.
    assert not any(said[:40] in text for _id, _when, said in g.moments.written)


def test_unticked_items_are_left_out_and_ticked_ones_kept(
    gathered: Gathered, tmp_path: Path
) -> None:
    g = gathered
    full = choice(g, written=True)
    listed = handoff.items(g, full)
    beliefs = [i for i in listed if i.section == "beliefs"]
    notes = [i for i in listed if i.section == "prep"]
    said = [" ".join(i.text.split()) for i in listed]
    moments = [  # words written once: leaving this one out leaves them out of the file
        i
        for i in listed
        if i.key.startswith("moment-") and sum(lead(i.text) in o for o in said) == 1
    ]
    assert beliefs and notes and moments
    dropped = [beliefs[0], notes[0], moments[0]]
    kept = [beliefs[-1], moments[-1]]
    assert not {d.text for d in dropped} & {k.text for k in kept}
    keep = frozenset(i.key for i in listed) - {d.key for d in dropped}
    text = text_of(handoff.make(g, choice(g, written=True, keep=keep), today=g.end), tmp_path)
    for item in dropped:
        assert lead(item.text) not in text, item.key
    for item in kept:
        assert lead(item.text) in text, item.key
    assert "words left out" in text  # the dropped belief keeps its numbers, not its words


def test_names_become_initials_when_asked(gathered: Gathered, tmp_path: Path) -> None:
    g = gathered
    note = "Sam and I talked it through; Maya helped."
    plain = text_of(handoff.make(g, choice(g, written=True, note=note), today=g.end), tmp_path)
    assert "Sam" in plain and "Maya helped" in plain
    shown = text_of(
        handoff.make(g, choice(g, written=True, initials=True, note=note), today=g.end), tmp_path
    )
    assert "S. and I talked it through; M. helped." in shown
    for name in g.names:
        assert f" {name} " not in f" {shown} ", name


def test_the_pdf_fetches_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    made: list[Any] = []
    real = handoff.refusing

    def watched() -> Any:
        made.append(real())
        return made[-1]

    monkeypatch.setattr(handoff, "refusing", watched)
    drawn = handoff.pdf(
        '<link rel="stylesheet" href="file:///etc/hostname"><p>hello</p>'
        '<img src="https://example.org/x.png">'
    )
    assert drawn.startswith(b"%PDF")
    assert [f.asked for f in made] == [["file:///etc/hostname", "https://example.org/x.png"]]


def test_the_document_names_no_address(gathered: Gathered) -> None:
    document = handoff.html(gathered, choice(gathered, written=True), today=gathered.end)
    assert "http" not in document.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert "<link" not in document and "<script" not in document
    assert 'variant="print"' not in document and "<style>.chart-axis" in document


def test_an_empty_period_says_so(gathered: Gathered, tmp_path: Path) -> None:
    quiet = date(2001, 1, 1)
    empty = Gathered(
        quiet, quiet, UTC, [], gathered.moments.__class__(0, None, None, 0, [], [], []), [],
        gathered.ladder.__class__([], 0, 0, []), [], [],
    )  # fmt: skip
    text = text_of(handoff.make(empty, rules.Choice(quiet, quiet), today=quiet), tmp_path)
    assert text.count(rules.words()["nothing"]) == len(rules.SECTIONS)


def test_a_long_period_lists_the_newest_moments_words_and_says_so(
    gathered: Gathered, monkeypatch: pytest.MonkeyPatch
) -> None:
    g = gathered
    most = len(g.moments.written)
    document = handoff.html(g, choice(g, written=True), today=g.end)
    assert f"newest {most} moments" not in document
    monkeypatch.setattr(rules, "MOST_ITEMS", most)
    document = handoff.html(g, choice(g, written=True), today=g.end)
    assert f"The words of the newest {most} moments" in document
