"""A rung's page (/ladder/{rung_id}, earned.web.routes.ladder): plan a try (the guess),
record how it went, both halves at once, the tries a page at a time, the chart of guess
against result, urge timers counted on confirmation, editing, and bad input kept beside
its form with nothing saved."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient

from earned import ladder as rules
from earned.ladder import Attempt
from earned.store import ladder
from tests.support.html import page
from tests.support.web import Web, error_text, location

NOW = datetime(2026, 3, 2, 21, 30, tzinfo=UTC)


@pytest.fixture
def rung(web: Web, unlocked: TestClient) -> str:
    data = {"title": "Wait before the text", "difficulty": "40", "urge": "send a reassurance text"}
    return location(web.post(unlocked, "/ladder", data)).split("/")[2].split("?")[0]


def attempts(web: Web, rung_id: str) -> list[Attempt]:
    found, _more = web._read(lambda s: ladder.attempts_page(session=s, rung_id=rung_id, limit=100))
    return list(found)


def test_plan_then_record_how_it_went(web: Web, unlocked: TestClient, rung: str) -> None:
    p = page(unlocked.get(f"/ladder/{rung}?added=1"))
    assert "Added to your ladder." in p.text
    assert p.select("section", id="after") == []
    plan = {"predicted": "70", "feared": "they think I am too much", "person_name": "Sam"}
    assert location(web.post(unlocked, f"/ladder/{rung}/plan", plan)) == (
        f"/ladder/{rung}?planned=1#after"
    )
    (planned,) = attempts(web, rung)
    assert (planned.predicted, planned.feared, planned.person_name, planned.done) == (
        70,
        "they think I am too much",
        "Sam",
        False,
    )
    p = page(unlocked.get(f"/ladder/{rung}"))
    assert "expecting 70 out of 100" in p.text
    form = p.one("form", action=f"/ladder/{rung}/attempts/{planned.id}")
    assert form is not None
    after = {"actual": "25", "happened": "Sam rang me later", "went_well": "yes"}
    target = location(web.post(unlocked, f"/ladder/{rung}/attempts/{planned.id}", after))
    assert target == f"/ladder/{rung}?saved=1"
    (done,) = attempts(web, rung)
    assert (done.actual, done.went_well, done.happened, done.gap) == (
        25,
        True,
        "Sam rang me later",
        45,
    )
    p = page(unlocked.get(f"/ladder/{rung}"))
    assert p.one("span", id="evidence").text == "1 time it went reasonably well"
    assert p.select("section", id="after") == []
    assert "reasonably well" in p.one("table.attempts").text


def test_both_halves_at_once_and_a_double_submit_saves_one(
    web: Web, unlocked: TestClient, rung: str
) -> None:
    data = {"predicted": "50", "actual": "60", "went_well": "no", "client_token": "tok-1"}
    for _ in range(2):
        assert location(web.post(unlocked, f"/ladder/{rung}/try", data)).endswith("?saved=1")
    (made,) = attempts(web, rung)
    assert (made.predicted, made.actual, made.went_well, made.done) == (50, 60, False, True)
    p = page(unlocked.get(f"/ladder/{rung}"))
    assert rules.words()["evidence_tried"] in p.text
    assert "harder than hoped" in p.one("table.attempts").text


@pytest.mark.parametrize(
    ("url", "data", "message"),
    [
        ("plan", {"predicted": ""}, "How hard do you expect"),
        ("plan", {"predicted": "101", "feared": "kept words"}, "from 0"),
        ("plan", {"predicted": "5", "feared": "f" * (rules.MAX_FEARED + 1)}, "feared outcome"),
        ("try", {"predicted": "5", "actual": "x", "went_well": "yes"}, "How hard was it"),
        ("try", {"predicted": "5", "actual": "5"}, "yes or no"),
    ],
)
def test_bad_input_is_named_beside_its_form_and_nothing_is_saved(
    web: Web, unlocked: TestClient, rung: str, url: str, data: dict[str, str], message: str
) -> None:
    response = web.post(unlocked, f"/ladder/{rung}/{url}", data)
    assert response.status_code == 400
    assert message in error_text(response)
    p = page(response)
    for name, value in data.items():
        if name in ("feared",):
            (area,) = [el for el in p.select("textarea", name=name) if el.text == value]
            assert area is not None
        elif name == "predicted" and url == "plan":
            assert p.one("input", id="plan-predicted").get("value") == value
    assert attempts(web, rung) == []


def test_recording_how_it_went_checks_every_field_first(
    web: Web, unlocked: TestClient, rung: str
) -> None:
    web.post(unlocked, f"/ladder/{rung}/plan", {"predicted": "60"})
    (planned,) = attempts(web, rung)
    response = web.post(
        unlocked,
        f"/ladder/{rung}/attempts/{planned.id}",
        {"actual": "30", "happened": "kept", "went_well": "maybe"},
    )
    assert response.status_code == 400
    assert "yes or no" in error_text(response)
    assert page(response).one("textarea", id="after-happened").text == "kept"
    assert not attempts(web, rung)[0].done
    other = location(web.post(unlocked, "/ladder", {"title": "Another", "difficulty": "5"}))
    other_id = other.split("/")[2].split("?")[0]
    wrong = web.post(
        unlocked,
        f"/ladder/{other_id}/attempts/{planned.id}",
        {"actual": "30", "went_well": "yes"},
    )
    assert wrong.status_code == 404


def test_editing_a_rung(web: Web, unlocked: TestClient, rung: str) -> None:
    data = {"title": "Wait an hour before the text", "difficulty": "55", "urge": ""}
    assert location(web.post(unlocked, f"/ladder/{rung}", data)).endswith("?edited=1")
    edited = web._read(lambda s: ladder.get_rung(session=s, rung_id=rung))
    assert (edited.title, edited.difficulty, edited.urge) == (
        "Wait an hour before the text",
        55,
        None,
    )
    refused = web.post(unlocked, f"/ladder/{rung}", {"title": "typed", "difficulty": "900"})
    assert refused.status_code == 400
    p = page(refused)
    assert p.one("input", id="edit-title").get("value") == "typed"
    assert "open" in p.one("details.edit-rung").attrs


def test_an_unknown_rung_is_a_calm_not_found(unlocked: TestClient) -> None:
    response = unlocked.get(f"/ladder/{'0' * 32}")
    assert response.status_code == 404
    assert "rung does not exist" in error_text(response)
    assert unlocked.get(f"/ladder/{'0' * 32}?before=nonsense").status_code == 404


def test_tries_come_a_page_at_a_time(web: Web, unlocked: TestClient, rung: str) -> None:
    count = ladder.ATTEMPTS_PAGE + 3

    def write(s: object) -> None:
        for i in range(count):
            ladder.try_attempt(
                session=s,  # type: ignore[arg-type]
                rung_id=rung,
                predicted=60,
                now=NOW + timedelta(days=i),
                after=rules.check_after(60 - i, None, True),
            )

    web._read(write)
    p = page(unlocked.get(f"/ladder/{rung}"))
    assert len(p.select("tr.attempt")) == ladder.ATTEMPTS_PAGE
    (older,) = [el for el in p.select("a") if el.text == "Older tries"]
    rest = page(unlocked.get(str(older.get("href"))))
    assert len(rest.select("tr.attempt")) == 3
    # The chart and the summary of the gap, first tries against the latest.
    assert len(p.select("svg")) == 2
    summary = p.one("p.gap-summary").text
    assert f"first {rules.GAP_WINDOW} results were typically 2 points" in summary
    assert f"latest {rules.GAP_WINDOW}, {count - 3} points" in summary


def test_a_finished_urge_timer_is_counted_only_when_confirmed(
    web: Web, unlocked: TestClient, rung: str
) -> None:
    started = location(web.post(unlocked, "/urge", {"custom": "send a reassurance text"}))
    timer_id = started.split("/")[2]
    assert page(unlocked.get(f"/ladder/{rung}")).select("section", id="timers") == []  # running
    web.post(unlocked, f"/urge/{timer_id}/end", {"outcome": "passed"})
    p = page(unlocked.get(f"/ladder/{rung}"))
    form = p.one("form", action=f"/ladder/{rung}/timers/{timer_id}")
    assert form is not None
    assert p.one("input", id=f"timer-predicted-{timer_id}").get("value") == "40"
    assert attempts(web, rung) == []  # shown, not counted
    done = web.post(
        unlocked,
        f"/ladder/{rung}/timers/{timer_id}",
        {"predicted": "40", "actual": "15", "went_well": "yes"},
    )
    assert location(done) == f"/ladder/{rung}?saved=1"
    (counted,) = attempts(web, rung)
    assert (counted.urge_delay_id, counted.went_well, counted.actual) == (timer_id, True, 15)
    after = page(unlocked.get(f"/ladder/{rung}"))
    assert after.select("section", id="timers") == []
    assert "(urge timer)" in after.one("table.attempts").text
    refused = web.post(
        unlocked, f"/ladder/{rung}/timers/{'0' * 32}", {"predicted": "4", "actual": "1"}
    )
    assert refused.status_code == 404
