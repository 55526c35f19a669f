"""The reminders page (/reminders) and the calendar file it makes, on a real journal:
the choices, the neutral words by default, the person's zone, and bad input."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from icalendar import Calendar

from earned import beliefs, reminders, zones
from earned.store import beliefs as belief_store
from earned.store import settings
from earned.web import deps
from tests.support.html import page
from tests.support.web import Web, error_text

NOW = datetime(2026, 3, 25, 9, 0, tzinfo=UTC)  # a Wednesday; Europe's clocks change on the 29th
WORDS = "If I ask for what I need, people pull away."


@pytest.fixture(autouse=True)
def frozen(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(deps, "now", lambda: NOW)


def prepare(web: Web, *, rerate_days: int | None = 7) -> str:
    store = web.store
    with store.session() as s:
        settings.set_setting(session=s, key=zones.SETTING, value="Europe/Madrid")
        made = belief_store.add_belief(
            session=s,
            details=beliefs.check_details(belief=WORDS, rerate_days=rerate_days),
            strength=70,
            now=NOW - timedelta(days=3),
        )
    return made.id


def events_of(body: bytes) -> dict[str, object]:
    return {str(ev["uid"]): ev for ev in Calendar.from_ical(body).walk("VEVENT")}


def test_the_page_offers_every_practice_with_days_and_a_time(
    web: Web, unlocked: TestClient
) -> None:
    prepare(web)
    r = unlocked.get("/reminders")
    assert r.status_code == 200
    doc = page(r)
    for key in reminders.practices():
        assert doc.select("input", name=f"{key}-mon", type_="checkbox")
        (at,) = doc.select("input", name=f"{key}-at")
        assert at.get("type") == "time" and at.get("value") == "08:30"
    assert "Europe/Madrid" in r.text
    assert "online account" in r.text  # the privacy note
    (words_box,) = doc.select("input", name="belief_words")
    assert "checked" not in words_box.attrs  # private by default


def test_the_file_has_the_chosen_practice_and_a_neutral_belief_reminder(
    web: Web, unlocked: TestClient
) -> None:
    belief_id = prepare(web)
    r = web.post(
        unlocked,
        "/reminders",
        {"grounding-mon": "1", "grounding-thu": "1", "grounding-at": "19:15"},
    )
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/calendar")
    assert 'filename="earned-reminders.ics"' in r.headers["content-disposition"]
    found = events_of(r.content)
    assert set(found) == {f"belief-{belief_id}@earned.local", "practice-grounding@earned.local"}
    belief = found[f"belief-{belief_id}@earned.local"]
    assert str(belief["summary"]) == "earned: a belief to re-rate"  # type: ignore[index]
    assert WORDS not in r.content.decode()
    practice = found["practice-grounding@earned.local"]
    assert "DTSTART;TZID=Europe/Madrid:20260326T191500" in practice.to_ical().decode()  # type: ignore[attr-defined]
    assert practice["rrule"].to_ical() == b"FREQ=WEEKLY;BYDAY=MO,TH"  # type: ignore[index]


def test_the_words_go_in_only_when_the_box_is_ticked(web: Web, unlocked: TestClient) -> None:
    belief_id = prepare(web)
    r = web.post(unlocked, "/reminders", {"belief_words": "1"})
    (event,) = events_of(r.content).values()
    assert str(event["summary"]) == f'earned: re-rate "{WORDS}"'  # type: ignore[index]
    assert str(event["uid"]) == f"belief-{belief_id}@earned.local"  # type: ignore[index]


def test_two_files_carry_the_same_uids(web: Web, unlocked: TestClient) -> None:
    prepare(web)
    form = {"moment-sun": "1", "moment-at": "21:00"}
    first = events_of(web.post(unlocked, "/reminders", form).content)
    second = events_of(web.post(unlocked, "/reminders", form).content)
    assert set(first) == set(second) and len(first) == 2


@pytest.mark.parametrize("typed", ["25:00", "8 in the morning", "", "0" * 500])
def test_a_time_that_cannot_be_read_is_refused_next_to_its_field(
    web: Web, unlocked: TestClient, typed: str
) -> None:
    prepare(web)
    r = web.post(
        unlocked,
        "/reminders",
        {"breathing-tue": "1", "breathing-at": typed, "moment-fri": "1", "moment-at": "07:00"},
    )
    assert r.status_code == 400
    assert "e.g. 08:30" in error_text(r)
    doc = page(r)
    (field,) = doc.select("input", name="breathing-at")
    assert field.get("aria-invalid") == "true"
    assert field.get("value") == typed  # what was typed is kept
    (ticked,) = doc.select("input", name="breathing-tue")
    assert "checked" in ticked.attrs
    (other,) = doc.select("input", name="moment-at")
    assert other.get("aria-invalid") is None and other.get("value") == "07:00"


def test_nothing_to_remind_of_says_so(web: Web, unlocked: TestClient) -> None:
    prepare(web, rerate_days=None)
    r = web.post(unlocked, "/reminders", {"breathing-at": "08:30"})  # no day ticked
    assert r.status_code == 400
    assert "nothing to put in a calendar" in error_text(r)


def test_a_form_without_its_token_makes_no_file(web: Web, unlocked: TestClient) -> None:
    prepare(web)
    r = unlocked.post("/reminders", data={"breathing-mon": "1", "breathing-at": "08:30"})
    assert r.status_code == 403
    assert not r.headers["content-type"].startswith("text/calendar")
