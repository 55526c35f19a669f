"""earned.records, the dataclass stand-in for the quick CLI path: it must behave as
`dataclasses.dataclass` does for everything earned uses, so the same class declared both
ways is compared here, and the quick path must not import dataclasses at all."""

from __future__ import annotations

import dataclasses

import pytest

from earned.records import field, names_of, record, replace
from tests.support.cli import heavy_imports_after


def declare(decorate: object, make_field: object) -> tuple[type, type]:
    @decorate(frozen=True)  # type: ignore[operator,misc]
    class Point:
        x: int
        y: int = 0

    @decorate  # type: ignore[operator,misc]
    class Bag:
        name: str
        items: list[str] = make_field(default_factory=list)  # type: ignore[operator]
        note: str | None = None

    return Point, Bag


REAL = declare(dataclasses.dataclass, dataclasses.field)
OURS = declare(record, field)


@pytest.mark.parametrize("kinds", [REAL, OURS], ids=["dataclasses", "records"])
def test_records_behave_as_dataclasses(kinds: tuple[type, type]) -> None:
    point, bag = kinds
    assert point(1, 2) == point(x=1, y=2) == point(1, y=2)
    assert point(1) == point(1, 0) and point(1) != point(2)
    assert hash(point(1, 2)) == hash(point(1, 2))
    assert {point(1): "a"}[point(1)] == "a"
    with pytest.raises(AttributeError):
        point(1).x = 3  # type: ignore[misc]
    assert repr(point(1, 2)).endswith("Point(x=1, y=2)")
    one, two = bag("a"), bag("b")
    one.items.append("x")
    assert two.items == [] and one.items == ["x"]  # a fresh default for each
    two.note = "changed"
    assert two.note == "changed"
    assert bag("a", ["x"]) == one and bag("a") != one
    with pytest.raises(TypeError):
        hash(one)
    with pytest.raises(TypeError):
        bag()
    with pytest.raises(TypeError):
        bag("a", colour="red")
    with pytest.raises(TypeError):
        point(1, 2, 3)
    assert point(1) != (1, 0)


def test_replace_copies_with_changes() -> None:
    bag = OURS[1]
    one = bag("a", ["x"])
    two = replace(one, note="n")
    assert (two.name, two.items, two.note) == ("a", ["x"], "n") and one.note is None
    with pytest.raises(TypeError):
        replace(one, colour="red")


def test_field_names_in_order() -> None:
    assert names_of(OURS[1]) == ("name", "items", "note")
    assert [f.name for f in dataclasses.fields(REAL[1])] == list(names_of(OURS[1]))


def test_the_quick_path_imports_neither_dataclasses_nor_inspect() -> None:
    """The reason earned.records exists: `earned log`'s modules, without `inspect`."""
    code = "import earned.cli.capture, earned.store.quick, earned.episodes, earned.cli.care"
    left = heavy_imports_after(
        code + "\nimport sys\nassert 'inspect' not in sys.modules, 'inspect'"
    )
    assert left == []
