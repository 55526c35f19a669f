"""The parts map's rules (earned.parts): names and fields with their limits, one part per
name, the loudest-part rule, and the checks an imported part meets."""

from __future__ import annotations

from datetime import timedelta

import pytest

from earned import parts
from earned.errors import EarnedError
from tests.support import T0


def test_a_new_part_is_its_name_and_its_trimmed_fields() -> None:
    got = parts.check_part("  the  watcher\n", protects="  me, from surprises ", fears="")
    assert got == {
        "name": "the watcher",
        "protects": "me, from surprises",
        "fears": None,
        "needs": None,
        "relations": None,
    }


@pytest.mark.parametrize("name", [None, "", "   ", "\x00"])
def test_a_part_needs_a_name(name: str | None) -> None:
    with pytest.raises(EarnedError, match="Give the part a name"):
        parts.check_part(name)


def test_each_limit_is_its_own_constant() -> None:
    assert parts.check_part_name("n" * parts.MAX_NAME) == "n" * parts.MAX_NAME
    with pytest.raises(EarnedError, match=f"under {parts.MAX_NAME}"):
        parts.check_part_name("n" * (parts.MAX_NAME + 1))
    for field in parts.FIELDS:
        assert parts.check_field(field, "x" * parts.MAX_TEXT) == "x" * parts.MAX_TEXT
        with pytest.raises(EarnedError, match=parts.FIELDS[field]):
            parts.check_part("ok", **{field: "x" * (parts.MAX_TEXT + 1)})


def test_unknown_fields_are_a_programming_error() -> None:
    with pytest.raises(TypeError):
        parts.check_part("ok", hopes="more")


def test_invalid_text_is_refused_before_anything_is_kept() -> None:
    with pytest.raises(EarnedError, match="not valid text"):
        parts.check_part("ok", needs="\ud800")


def test_one_part_per_name_case_aside_and_not_itself() -> None:
    active = {"a": "The Watcher", "b": "the quiet one"}
    assert parts.same_part("the watcher", active) == "a"
    assert parts.same_part("the watcher", active, besides="a") is None
    assert parts.same_part("the reacher", active) is None


def test_the_loudest_part_is_one_on_the_map_the_one_kept_or_none() -> None:
    active = {"a": "the watcher"}
    assert parts.check_loudest("a", active, None) == "a"
    assert parts.check_loudest("", active, "a") is None
    assert parts.check_loudest(None, active, "a") is None
    # Put away since it was chosen: saving the moment again keeps it.
    assert parts.check_loudest("gone", active, "gone") == "gone"
    with pytest.raises(EarnedError, match="not on your map") as error:
        parts.check_loudest("gone", active, "a")
    assert error.value.status == 400


def test_every_stored_column_of_a_part_has_an_import_check() -> None:
    assert set(parts.IMPORTED) == {"name", *parts.FIELDS, "archived"}
    assert parts.IMPORTED["name"](" the watcher ") == "the watcher"
    assert parts.IMPORTED["fears"](None) is None
    assert parts.IMPORTED["archived"](True) is True
    with pytest.raises(EarnedError, match="without a name"):
        parts.IMPORTED["name"]("  ")
    for wrong in (3, ["x"], {"x": 1}):
        with pytest.raises(TypeError):
            parts.IMPORTED["needs"](wrong)
    with pytest.raises(TypeError):
        parts.IMPORTED["archived"]("yes")
    with pytest.raises(EarnedError):
        parts.IMPORTED["protects"]("x" * (parts.MAX_TEXT + 1))


def test_an_imported_part_is_not_changed_before_it_was_made() -> None:
    parts.check_imported_times({"created_at": T0, "updated_at": T0}, {})
    parts.check_imported_times({"created_at": T0, "updated_at": T0 + timedelta(days=1)}, {})
    with pytest.raises(EarnedError, match="changed before it was made"):
        parts.check_imported_times({"created_at": T0, "updated_at": T0 - timedelta(seconds=1)}, {})
