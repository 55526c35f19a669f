"""Hostile input to every form route, generated from the app's route table: the app never
answers 5xx, and a refused request never leaves a partial write.

The routes, their fields and their addresses come from the app itself (the route table,
the forms its pages show, the names its handlers read: tests/support/forms.py), so a new
form route is fuzzed without being listed here; the cases and the checks after each are
tests/support/fuzz.py and rows.py. Each route gets CASES_PER_ROUTE cases on
its own copy of a journal with one of everything; bench/fuzz.py runs ten thousand and
more. A failure names the case and the command that runs that route's cases again.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.orm import Session

from earned import paths
from earned.store import toolkit
from earned.store.models import ToolRow
from earned.web.app import create_app
from tests.support import forms, fuzz
from tests.support.fuzz import Catalogue, Fuzzer, Result, Seeded
from tests.support.journals import Template

SEED = 20260302  # any fixed number: the cases follow from it alone
CASES_PER_ROUTE = 8
ROUTES = [
    info.route
    for info in forms.route_table(create_app(paths.profile("fuzz", Path("/nonexistent"))))
    if info.route[0] in forms.UNSAFE
]


@pytest.fixture(scope="module")
def fuzzing(
    tmp_path_factory: pytest.TempPathFactory, journal_template: Template
) -> tuple[Seeded, Catalogue]:
    """The seeded journal and what its pages offer, found once for the module (~3 s)."""
    root = tmp_path_factory.mktemp("fuzz")
    seeded = fuzz.seed_journal(root, journal_template)
    return seeded, fuzz.discover(root, seeded)


@pytest.fixture
def fuzzer(tmp_path: Path, fuzzing: tuple[Seeded, Catalogue]) -> Iterator[Fuzzer]:
    seeded, catalogue = fuzzing
    f = Fuzzer(tmp_path, seeded, catalogue, seed=SEED)
    yield f
    f.close()


def run_route(fuzzer: Fuzzer, route: forms.Route, count: int) -> list[Result]:
    [info] = [r for r in fuzzer.catalogue.routes if r.route == route]
    return [fuzzer.run(case) for case in fuzzer.cases(info, count)]


def explain(results: list[Result], route: forms.Route) -> str:
    bad = [r for r in results if r.problems]
    again = (
        f"uv run python bench/fuzz.py {len(results)} --seed {SEED} --route '{forms.name(route)}'"
    )
    lines = [f"{r.case.describe()}\n  -> {' | '.join(r.problems)}" for r in bad]
    return "\n".join([*lines, f"run these cases again: {again}"])


# --- the route table, all of it -------------------------------------------------------------


def test_every_form_route_is_reached(fuzzing: tuple[Seeded, Catalogue]) -> None:
    """Each unsafe route has a form on some page or an address built from the pages' own
    links, and the fields its handler reads; a route nothing leads to fails here by name."""
    _seeded, catalogue = fuzzing
    assert sorted(r.route for r in catalogue.routes) == sorted(ROUTES)
    assert len(ROUTES) > 30
    assert catalogue.unreached() == []
    unread = [r for r in ROUTES if not catalogue.forms.get(r) and not catalogue.read.get(r)]
    assert [r for r in unread if "{" not in r[1]] == [], "routes with neither a form nor fields"


@pytest.mark.parametrize("route", ROUTES, ids=forms.name)
def test_hostile_input_is_refused_calmly_and_never_half_saved(
    fuzzer: Fuzzer, route: forms.Route
) -> None:
    results = run_route(fuzzer, route, CASES_PER_ROUTE)
    assert len(results) == CASES_PER_ROUTE
    assert not any(r.problems for r in results), explain(results, route)


def test_the_cases_are_the_same_every_time(fuzzing: tuple[Seeded, Catalogue]) -> None:
    _seeded, catalogue = fuzzing
    for info in catalogue.routes[:5]:
        first = [fuzz.make_case(catalogue, info, SEED, n) for n in range(5)]
        assert first == [fuzz.make_case(catalogue, info, SEED, n) for n in range(5)]
        assert first != [fuzz.make_case(catalogue, info, SEED + 1, n) for n in range(5)]


# --- the checks notice what they are for --------------------------------------------------------

TOOLKIT = ("POST", "/regulate/toolkit")


def toolkit_case(fuzzer: Fuzzer, name: str) -> fuzz.Case:
    """The toolkit form with `name` as its one field, as a page would send it."""
    [info] = [r for r in fuzzer.catalogue.routes if r.route == TOOLKIT]
    case = fuzz.make_case(fuzzer.catalogue, info, SEED, 0)
    assert case is not None
    return replace(case, pairs=(("name", name),), encoding="urlencoded", csrf="field", headers=())


def test_a_refusal_that_wrote_first_is_a_partial_write(
    fuzzer: Fuzzer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A store function that commits a row before the check refuses: the fuzzer says so."""
    real = toolkit.add_tool

    def writes_then_checks(*, session: Session, name: str, now: datetime) -> str:
        with Session(session.get_bind()) as other, other.begin():
            real(session=other, name="a row saved before the check", now=now)
        return real(session=session, name=name, now=now)

    monkeypatch.setattr(toolkit, "add_tool", writes_then_checks)
    result = fuzzer.run(toolkit_case(fuzzer, ""))
    assert result.refused and result.partial, result.problems
    assert "changed 1 row(s): tools" in result.problems[0]
    assert fuzzer.run(toolkit_case(fuzzer, "hum")).problems == ()  # two whole tools


def test_text_cut_to_its_limit_is_a_partial_write(
    fuzzer: Fuzzer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Truncating instead of refusing: the stored name is what was sent, cut short."""
    real = toolkit.add_tool

    def truncates(*, session: Session, name: str, now: datetime) -> str:
        return real(session=session, name=name[:100], now=now)

    monkeypatch.setattr(toolkit, "add_tool", truncates)
    result = fuzzer.run(toolkit_case(fuzzer, "é" * 1200))
    assert not result.refused and result.partial, result.problems
    assert "keeps 100 of the 1,200 characters sent" in result.problems[0]
    assert fuzzer.run(toolkit_case(fuzzer, "cold water on my wrists")).problems == ()


def test_a_record_no_new_one_could_be_is_a_partial_write(
    fuzzer: Fuzzer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A name saved untrimmed, past the checks: not the form its own rules give a record."""
    real = toolkit.add_tool

    def untrimmed(*, session: Session, name: str, now: datetime) -> str:
        tool_id = real(session=session, name=name, now=now)
        row = session.get(ToolRow, tool_id)
        assert row is not None
        row.name = f"  {name}  "
        return tool_id

    monkeypatch.setattr(toolkit, "add_tool", untrimmed)
    result = fuzzer.run(toolkit_case(fuzzer, "hum"))
    assert result.partial and "a new record never has" in result.problems[0], result.problems


def test_a_500_is_reported_with_what_was_raised(
    fuzzer: Fuzzer, monkeypatch: pytest.MonkeyPatch
) -> None:
    def breaks(**_kwargs: Any) -> Any:
        raise ZeroDivisionError

    monkeypatch.setattr(toolkit, "add_tool", breaks)
    result = fuzzer.run(toolkit_case(fuzzer, "hum"))
    assert result.server_error
    assert "answered 500" in result.problems[0] and "ZeroDivisionError" in result.problems[0]
