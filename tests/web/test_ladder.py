"""The ladder page (/ladder, earned.web.routes.ladder): rungs by predicted difficulty with
their evidence, where to go next, adding a rung of one's own or a suggested one, putting
one away, the chart of the gap by month, and bad input kept beside its field."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient

from earned import ladder as rules
from earned.ladder import Rung
from earned.store import ladder
from tests.support.html import page
from tests.support.web import Web, error_text, location

NOW = datetime(2026, 3, 2, 21, 30, tzinfo=UTC)


def add(web: Web, client: TestClient, title: str, difficulty: int, urge: str = "") -> str:
    data = {"title": title, "difficulty": str(difficulty), "urge": urge}
    return location(web.post(client, "/ladder", data)).split("/")[2].split("?")[0]


def rungs(web: Web) -> list[Rung]:
    found: list[Rung] = web._read(lambda s: ladder.rungs(session=s))
    return found


def tried(web: Web, rung_id: str, n: int, *, well: bool = True, start: int = 0) -> None:
    def write(s: object) -> None:
        for i in range(n):
            ladder.try_attempt(
                session=s,  # type: ignore[arg-type]
                rung_id=rung_id,
                predicted=60,
                now=NOW + timedelta(days=start + i),
                after=rules.check_after(30, None, well),
            )

    web._read(write)


def test_an_empty_ladder_offers_the_suggestions_and_a_form(web: Web, unlocked: TestClient) -> None:
    p = page(unlocked.get("/ladder"))
    assert rules.words()["empty"] in p.text
    keys = {el.get("value") for el in p.select("input", name="key")}
    assert keys == set(rules.templates())
    assert p.one("input", name="title").get("maxlength") == str(rules.MAX_TITLE)
    assert p.one("input", name="urge").get("maxlength") == str(rules.MAX_URGE)
    assert p.one("input", name="difficulty").get("max") == str(rules.DIFFICULTY_MAX)


def test_rungs_are_listed_easiest_first_with_their_evidence(web: Web, unlocked: TestClient) -> None:
    hard = add(web, unlocked, "Say I missed them", 70)
    easy = add(web, unlocked, "Ask for a lift", 20)
    tried(web, easy, 2)
    tried(web, easy, 1, well=False, start=5)
    p = page(unlocked.get("/ladder"))
    listed = [el.get("id") for el in p.select("li.rung")]
    assert listed == [f"rung-{easy}", f"rung-{hard}"]
    evidence = [el.text for el in p.select("span.rung-evidence")]
    assert evidence == ["2 times it went reasonably well", rules.words()["evidence_none"]]


def test_the_next_rung_is_suggested_after_enough_reasonably_well_tries(
    web: Web, unlocked: TestClient
) -> None:
    easy = add(web, unlocked, "Ask for a lift", 20)
    mid = add(web, unlocked, "Share one more thing", 50)
    first = page(unlocked.get("/ladder"))
    assert "A gentle place to begin: Ask for a lift." in first.text
    tried(web, easy, rules.EVIDENCE_TO_CLIMB - 1)
    short = page(unlocked.get("/ladder"))
    assert f"{rules.EVIDENCE_TO_CLIMB - 1} of {rules.EVIDENCE_TO_CLIMB}" in short.text
    assert short.select("li.suggested") == []
    tried(web, easy, 1, start=10)
    ready = page(unlocked.get("/ladder"))
    assert [el.get("id") for el in ready.select("li.suggested")] == [f"rung-{mid}"]
    assert ready.select("a.button", href=f"/ladder/{mid}")


def test_adding_a_suggested_rung_takes_its_words_and_hides_it_from_the_offer(
    web: Web, unlocked: TestClient
) -> None:
    target = location(web.post(unlocked, "/ladder/template", {"key": "wait-before-text"}))
    (made,) = rungs(web)
    assert target == f"/ladder/{made.id}?added=1"
    suggested = rules.templates()["wait-before-text"]
    assert (made.title, made.difficulty, made.urge, made.pattern) == (
        suggested.title,
        suggested.difficulty,
        suggested.urge,
        "anxious",
    )
    keys = {el.get("value") for el in page(unlocked.get("/ladder")).select("input", name="key")}
    assert "wait-before-text" not in keys and keys
    unknown = web.post(unlocked, "/ladder/template", {"key": "jump"})
    assert unknown.status_code == 404
    assert len(rungs(web)) == 1


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"title": "", "difficulty": "20"}, "What is the step"),
        ({"title": "ok", "difficulty": "120"}, "from 0"),
        ({"title": "ok", "difficulty": "²"}, "from 0"),
        ({"title": "x" * (rules.MAX_TITLE + 1), "difficulty": "20"}, f"under {rules.MAX_TITLE}"),
    ],
)
def test_bad_input_is_named_and_what_was_typed_is_kept(
    web: Web, unlocked: TestClient, data: dict[str, str], message: str
) -> None:
    response = web.post(unlocked, "/ladder", {**data, "urge": "leave <b>now</b>"})
    assert response.status_code == 400
    assert message in error_text(response)
    p = page(response)
    assert p.one("input", name="difficulty").get("value") == data["difficulty"]
    assert p.one("input", name="urge").get("value") == "leave <b>now</b>"
    assert "<b>now</b>" not in response.text  # escaped, not markup
    assert rungs(web) == []


def test_putting_a_rung_away_keeps_it_in_the_records(web: Web, unlocked: TestClient) -> None:
    made = add(web, unlocked, "Ask for a lift", 20)
    assert location(web.post(unlocked, f"/ladder/{made}/archive")) == "/ladder?archived=1"
    p = page(unlocked.get("/ladder?archived=1"))
    assert p.select("li.rung") == []
    assert rules.words()["archived"] in p.text
    assert unlocked.get(f"/ladder/{made}").status_code == 200
    assert web.post(unlocked, f"/ladder/{'0' * 32}/archive").status_code == 404


def test_words_that_suggest_danger_bring_the_care_panel(web: Web, unlocked: TestClient) -> None:
    target = location(
        web.post(unlocked, "/ladder", {"title": "I want to kill myself", "difficulty": "10"})
    )
    assert "care=1" in target


def test_the_month_by_month_chart_appears_with_two_months_of_results(
    web: Web, unlocked: TestClient
) -> None:
    made = add(web, unlocked, "Ask for a lift", 20)
    now = datetime.now(UTC)
    tried(web, made, 1, start=0)  # one month of results: no chart yet
    assert page(unlocked.get("/ladder")).select("svg") == []

    def recent(s: object) -> None:
        for days, actual in ((40, 10), (39, 20), (2, 55)):
            ladder.try_attempt(
                session=s,  # type: ignore[arg-type]
                rung_id=made,
                predicted=60,
                now=now - timedelta(days=days),
                after=rules.check_after(actual, None, True),
            )

    web._read(recent)
    p = page(unlocked.get("/ladder"))
    charts = p.select("svg")
    assert len(charts) == 2  # a wide and a narrow drawing
    titles = [el.text for el in p.select("title")]
    assert "How close your guesses come" in titles
