"""The emotion map's layout (earned.web.emotion_map): every word in one cell of its
quadrant, cells chosen by the word's coordinates, and a rule in the stylesheet for every
cell a page can name."""

from __future__ import annotations

import itertools
import random
import re
from pathlib import Path
from statistics import correlation

import pytest

from earned import patterns
from earned.web import emotion_map
from earned.web.emotion_map import LAYOUTS, ORDER, assign, layout, place

CSS = Path(emotion_map.__file__).parent / "static" / "earned.css"


def cells(name: str) -> dict[str, tuple[str, int, int]]:
    """word -> (quadrant, column, row) in the layout `name`."""
    out = {}
    for q in layout():
        for s in q.spots:
            [(column, row)] = [(c, r) for n, c, r in s.cells if n == name]
            out[s.word.word] = (q.key, column, row)
    return out


def test_the_vocabulary_is_rich_and_every_word_sits_in_one_quadrant() -> None:
    words = patterns.vocabulary()
    assert len(words) >= 130
    assert len({w.word for w in words}) == len(words)
    for w in words:
        assert 1 <= abs(w.pleasantness) <= 5 and 1 <= abs(w.energy) <= 5, w
    counts = [len(patterns.words_in(key)) for key in ORDER]
    assert min(counts) >= 30, counts  # no corner of the map is thin


def test_every_word_is_placed_once_in_reading_order() -> None:
    quadrants = layout()
    assert [q.key for q in quadrants] == list(ORDER)
    placed = [s.word for q in quadrants for s in q.spots]
    assert sorted(w.word for w in placed) == sorted(patterns.known_words())
    for q in quadrants:
        assert all(s.word.quadrant == q.key for s in q.spots)
        assert [s.word.word for s in q.spots] == sorted(s.word.word for s in q.spots)
        assert q.title == patterns.quadrants()[q.key]["title"]


@pytest.mark.parametrize("name", LAYOUTS)
def test_each_layout_gives_every_word_its_own_cell_inside_the_grid(name: str) -> None:
    columns = LAYOUTS[name]
    found = cells(name)
    assert len(set(found.values())) == len(found)  # no two words share a cell
    rows = {q.key: dict(q.rows)[name] for q in layout()}
    for quadrant, column, row in found.values():
        assert 1 <= column <= columns and 1 <= row <= rows[quadrant]
    # Quadrants side by side have as many rows, so the two halves of the map line up.
    assert rows["unpleasant-high"] == rows["pleasant-high"]
    assert rows["unpleasant-low"] == rows["pleasant-low"]
    for q in layout():
        assert (rows[q.key] - 1) * columns < max(len(q.spots) for q in layout())


@pytest.mark.parametrize("name", LAYOUTS)
def test_words_are_placed_by_their_coordinates(name: str) -> None:
    """Within a quadrant, more energy is higher up and more pleasant is further right: the
    row follows energy closely and the column follows pleasantness (a grid of two or five
    columns has less room to show it than fourteen rows do)."""
    found = cells(name)
    for q in layout():
        energy = [s.word.energy for s in q.spots]
        pleasure = [s.word.pleasantness for s in q.spots]
        rows = [found[s.word.word][2] for s in q.spots]
        columns = [found[s.word.word][1] for s in q.spots]
        assert correlation(energy, rows) < -0.85, q.key
        assert correlation(pleasure, columns) > 0.7, q.key
        top = [r for e, r in zip(energy, rows, strict=True) if e == max(energy)]
        bottom = [r for e, r in zip(energy, rows, strict=True) if e == min(energy)]
        assert max(top) < min(bottom), q.key


def test_named_words_land_where_a_reader_expects() -> None:
    narrow = cells("n")
    assert narrow["panicked"][1:] == (1, 1)  # most unpleasant, most energy: the top left
    assert narrow["elated"][1] == 2 and narrow["elated"][2] <= 3
    assert narrow["sleepy"][0] == "pleasant-low" and narrow["sleepy"][1] == 1
    wide = cells("w")
    assert wide["numb"][2] >= 8 and wide["loved"][1] == 5


def test_tone_deepens_away_from_the_centre() -> None:
    tones = {s.word.word: s.tone for q in layout() for s in q.spots}
    assert tones["uneasy"] == 1 and tones["worried"] == 2 and tones["angry"] == 3
    assert tones["panicked"] == 4 and tones["serene"] == 3 and tones["sleepy"] == 4


def brute_force(cost: list[list[float]]) -> float:
    n, m = len(cost), len(cost[0])
    return min(
        sum(cost[i][j] for i, j in enumerate(pick)) for pick in itertools.permutations(range(m), n)
    )


@pytest.mark.parametrize("seed", range(25))
def test_assignment_is_the_cheapest(seed: int) -> None:
    rng = random.Random(seed)
    n = rng.randint(1, 6)
    m = rng.randint(n, 7)
    cost = [[float(rng.randint(0, 9)) for _ in range(m)] for _ in range(n)]
    chosen = assign(cost)
    assert len(set(chosen)) == n
    assert sum(cost[i][j] for i, j in enumerate(chosen)) == brute_force(cost)


def test_more_words_than_cells_is_an_error() -> None:
    with pytest.raises(ValueError, match="3 words do not fit in 2 cells"):
        assign([[1.0, 2.0], [2.0, 1.0], [0.0, 0.0]])


def test_one_word_goes_to_the_cell_nearest_it() -> None:
    [word] = [w for w in patterns.vocabulary() if w.word == "furious"]  # (-5, 5)
    assert place([word], "unpleasant-high", 3, 4) == [(1, 1)]
    [word] = [w for w in patterns.vocabulary() if w.word == "sleepy"]  # (1, -5)
    assert place([word], "pleasant-low", 3, 4) == [(1, 4)]


def test_the_stylesheet_places_every_cell_a_page_can_name() -> None:
    css = CSS.read_text(encoding="utf-8")
    named = {c for q in layout() for s in q.spots for c in s.classes.split()}
    for name in named:
        if name in ("t1", "t2", "t3", "t4", "long", "xlong"):
            assert name == "t1" or f".ew.{name} " in css, name
            continue
        found = re.fullmatch(r"[nmw]-([cr])(\d+)", name)
        assert found, name
        axis, number = found.groups()
        prop = "grid-column" if axis == "c" else "grid-row"
        assert f".is-map .{name} {{ {prop}: {number}; }}" in css, name
