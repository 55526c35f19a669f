"""The emotion map's layout: each word of the vocabulary in one cell of its quadrant's grid,
as near its (pleasantness, energy) as a grid of equal cells allows.

A quadrant is a grid of `columns` × `rows` cells; each cell stands for the point of the
quadrant at its centre, and the words go to distinct cells so that the sum of squared
distances between a word's coordinates and its cell's point is the least possible (an
assignment problem, solved exactly below). So the most energetic words sit at the top, the
most unpleasant at the left, and words with the same coordinates share the area around them.

There is one layout per width of screen (LAYOUTS). The page sends every layout's cells as
classes (the CSP allows no style attribute) and the stylesheet picks one by the map's width;
earned.js turns the grouped checkboxes into the map. Pure and cached: about 30 ms once.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache

from earned import patterns
from earned.patterns import Word

# Columns per quadrant for each layout, by the class prefix the stylesheet knows it by:
# a phone, a tablet or narrow window, and a wide screen (two quadrants side by side).
LAYOUTS: dict[str, int] = {"n": 2, "m": 3, "w": 5}
# The reading order of the map: top left, top right, bottom left, bottom right.
ORDER = ("unpleasant-high", "pleasant-high", "unpleasant-low", "pleasant-low")
# The two quadrants beside each other share their number of rows, so the halves line up.
BESIDE = {
    "unpleasant-high": "pleasant-high",
    "pleasant-high": "unpleasant-high",
    "unpleasant-low": "pleasant-low",
    "pleasant-low": "unpleasant-low",
}
REACH = 5  # coordinates run from -REACH to REACH, never 0
LONG, XLONG = 11, 13  # letters from which a word is set smaller, then smaller still


@dataclass(frozen=True)
class Spot:
    """One word on the map: its tone (1 near the centre .. 4 at the edge) and its cell,
    (column, row) counted from 1 at the quadrant's top left, in each layout."""

    word: Word
    tone: int
    cells: tuple[tuple[str, int, int], ...]  # (layout, column, row)

    @property
    def classes(self) -> str:
        """`t3 long n-c1 n-r4 m-c2 m-r3 …`: what the stylesheet colours, sizes and places
        the word by (a long word is set smaller so that it fits its tile on one line)."""
        size = ("long",) if len(self.word.word) >= LONG else ()
        size = ("xlong",) if len(self.word.word) >= XLONG else size
        places = (f"{name}-c{column} {name}-r{row}" for name, column, row in self.cells)
        return " ".join((f"t{self.tone}", *size, *places))


@dataclass(frozen=True)
class Quadrant:
    key: str
    title: str
    hint: str
    spots: tuple[Spot, ...]  # in alphabetical order: the order a list and a reader meet them
    rows: tuple[tuple[str, int], ...]  # (layout, rows)


def tone(word: Word) -> int:
    """How strong the word's colour is: its distance from the centre, in four steps."""
    return {1: 1, 2: 1, 3: 2, 4: 3}.get(max(abs(word.pleasantness), abs(word.energy)), 4)


def cell_points(quadrant: str, columns: int, rows: int) -> list[tuple[float, float]]:
    """The (pleasantness, energy) each cell stands for, row by row from the top left.

    Whole-number coordinates 1..5 (or -5..-1) cover the span 0.5..5.5, cut into equal parts.
    """
    width, height = REACH / columns, REACH / rows
    pleasant, high = quadrant.startswith("pleasant"), quadrant.endswith("high")
    left = 0.5 if pleasant else -REACH - 0.5
    top = REACH + 0.5 if high else -0.5
    return [
        (left + (c + 0.5) * width, top - (r + 0.5) * height)
        for r in range(rows)
        for c in range(columns)
    ]


def assign(cost: list[list[float]]) -> list[int]:
    """The cheapest way to give every row of `cost` its own column (rows <= columns).

    The Hungarian method with potentials, O(rows² × columns): for a quadrant of 45 words
    in 46 cells, about a million steps. Returns the column chosen for each row.
    """
    n, m = len(cost), len(cost[0]) if cost else 0
    if n > m:
        raise ValueError(f"{n} words do not fit in {m} cells")
    inf = math.inf
    u, v = [0.0] * (n + 1), [0.0] * (m + 1)
    owner, way = [0] * (m + 1), [0] * (m + 1)  # owner[j]: the row in column j (1-based)
    for i in range(1, n + 1):
        owner[0], j0 = i, 0
        least, used = [inf] * (m + 1), [False] * (m + 1)
        while True:
            used[j0] = True
            i0, delta, j1 = owner[j0], inf, 0
            for j in range(1, m + 1):
                if not used[j]:
                    reduced = cost[i0 - 1][j - 1] - u[i0] - v[j]
                    if reduced < least[j]:
                        least[j], way[j] = reduced, j0
                    if least[j] < delta:
                        delta, j1 = least[j], j
            for j in range(m + 1):
                if used[j]:
                    u[owner[j]] += delta
                    v[j] -= delta
                else:
                    least[j] -= delta
            j0 = j1
            if owner[j0] == 0:
                break
        while j0:  # flip the augmenting path
            j1 = way[j0]
            owner[j0] = owner[j1]
            j0 = j1
    chosen = [0] * n
    for j in range(1, m + 1):
        if owner[j]:
            chosen[owner[j] - 1] = j - 1
    return chosen


def place(words: list[Word], quadrant: str, columns: int, rows: int) -> list[tuple[int, int]]:
    """Each word's (column, row), from 1, in a `columns` × `rows` grid of `quadrant`."""
    points = cell_points(quadrant, columns, rows)
    cost = [[(w.pleasantness - p) ** 2 + (w.energy - e) ** 2 for p, e in points] for w in words]
    return [(k % columns + 1, k // columns + 1) for k in assign(cost)]


@cache
def layout() -> tuple[Quadrant, ...]:
    """The four quadrants in reading order, each word with its cell in every layout."""
    info = patterns.quadrants()
    members = {key: sorted(patterns.words_in(key), key=lambda w: w.word) for key in ORDER}
    quadrants = []
    for key in ORDER:
        words = members[key]
        most = max(len(words), len(members[BESIDE[key]]))
        rows = {name: math.ceil(most / columns) for name, columns in LAYOUTS.items()}
        cells = {name: place(words, key, columns, rows[name]) for name, columns in LAYOUTS.items()}
        spots = tuple(
            Spot(w, tone(w), tuple((name, *cells[name][i]) for name in LAYOUTS))
            for i, w in enumerate(words)
        )
        quadrants.append(
            Quadrant(key, info[key]["title"], info[key]["hint"], spots, tuple(rows.items()))
        )
    return tuple(quadrants)
