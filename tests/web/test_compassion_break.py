"""The self-compassion break's pages (earned.web.routes.practise): three steps with their
words carried from page to page, kept as a labelled note only when the person chooses,
logged with the time it took, and the recent breaks listed."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from earned import compassion_break
from earned.store.models import PracticeRow
from earned.web import deps
from tests.support.html import page
from tests.support.web import Web, error_text, location

STEPS = compassion_break.steps()
KEYS = [s["key"] for s in STEPS]
URL = "/practise/compassion-break"
NOW = datetime(2026, 3, 2, 21, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def frozen(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(deps, "now", lambda: NOW)


def stored(web: Web) -> list[tuple[str, int, str | None]]:
    rows: list[tuple[str, int, str | None]] = web._read(
        lambda s: [(r.kind, r.seconds, r.note) for r in s.scalars(select(PracticeRow))]
    )
    return rows


def move(web: Web, client: TestClient, step: int, go: str = "next", **notes: str) -> httpx.Response:
    started = str(int(NOW.timestamp()) - 200)
    return web.post(client, URL, {"step": str(step), "go": go, "started": started, **notes})


def hidden(r: httpx.Response, name: str) -> str | None:
    found = [el for el in page(r).select("input", type="hidden") if el.get("name") == name]
    assert len(found) == 1, name
    return found[0].get("value")


def test_the_intro_names_the_three_steps(unlocked: TestClient) -> None:
    p = page(unlocked.get(URL))
    assert p.one("h1").text == compassion_break.words()["title"]
    for step in STEPS:
        assert step["title"] in p.text
    assert p.one("a", href=f"{URL}?step=1")
    assert p.select("a", href="/compassion/letters")


def test_words_travel_with_the_steps_and_become_a_labelled_note(
    web: Web, unlocked: TestClient
) -> None:
    first = page(unlocked.get(f"{URL}?step=1"))
    assert first.one("h1").text == STEPS[0]["title"]
    area = first.one("textarea", name=KEYS[0])
    assert area.get("maxlength") == str(compassion_break.MAX_STEP_WORDS)
    assert [a.text for a in first.select("a", href="/grounding") if a.in_main] == [
        "Stop and ground"
    ]
    r = move(web, unlocked, 1, **{KEYS[0]: "This hurts."})
    assert page(r).one("h1").text == STEPS[1]["title"]
    assert hidden(r, KEYS[0]) == "This hurts."
    r = move(web, unlocked, 2, **{KEYS[0]: "This hurts.", KEYS[1]: ""})
    r = move(web, unlocked, 3, **{KEYS[0]: "This hurts.", KEYS[2]: "I'm here with you."})
    end = page(r)
    assert end.one("h1").text == "Here with yourself"
    assert "This hurts." in end.one("dl").text
    token = hidden(r, "client_token") or ""
    data = {KEYS[0]: "This hurts.", KEYS[1]: "", KEYS[2]: "I'm here with you."}
    done = {**data, "started": hidden(r, "started") or "", "client_token": token, "save_note": "1"}
    assert location(web.post(unlocked, f"{URL}/done", done)) == f"{URL}?saved=1"
    assert location(web.post(unlocked, f"{URL}/done", done))  # a double submit logs once
    note = f"{STEPS[0]['title']}: This hurts.\n{STEPS[2]['title']}: I'm here with you."
    assert stored(web) == [("compassion-break", 200, note)]
    listed = page(unlocked.get(f"{URL}?saved=1"))
    assert "Logged." in listed.one("p.ok").text
    assert "I'm here with you." in listed.one("ul.sessions").text


def test_back_keeps_the_words_and_unticked_words_are_let_go(web: Web, unlocked: TestClient) -> None:
    r = move(web, unlocked, 2, go="back", **{KEYS[0]: "one", KEYS[1]: "two"})
    assert page(r).one("h1").text == STEPS[0]["title"]
    assert page(r).one("textarea", name=KEYS[0]).text == "one"
    assert hidden(r, KEYS[1]) == "two"
    data = {KEYS[0]: "one", "started": str(int(NOW.timestamp()) - 90)}
    assert location(web.post(unlocked, f"{URL}/done", data))
    assert stored(web) == [("compassion-break", 90, None)]


def test_a_break_without_its_start_time_gets_the_suggested_length(
    web: Web, unlocked: TestClient
) -> None:
    assert location(web.post(unlocked, f"{URL}/done", {"started": "junk"}))
    assert stored(web) == [("compassion-break", compassion_break.DEFAULT_SECONDS, None)]


def test_too_many_words_for_a_step_are_refused_and_kept(web: Web, unlocked: TestClient) -> None:
    long = "w" * (compassion_break.MAX_STEP_WORDS + 1)
    r = move(web, unlocked, 2, **{KEYS[1]: long})
    assert r.status_code == 400 and STEPS[1]["title"].lower() in error_text(r)
    assert page(r).one("textarea", name=KEYS[1]).text == long
    r = web.post(unlocked, f"{URL}/done", {KEYS[2]: long, "save_note": "1", "started": "1"})
    assert r.status_code == 400
    assert stored(web) == []


def test_words_that_suggest_danger_bring_the_care_panel_kept_or_not(
    web: Web, unlocked: TestClient
) -> None:
    where = location(web.post(unlocked, f"{URL}/done", {KEYS[0]: "I want to die", "started": "1"}))
    assert where.endswith("care=1")
    assert page(unlocked.get(where)).select("section.care-panel")


@pytest.mark.parametrize("step", ["5", "-1", "x"])
def test_unknown_steps_are_calm_404s(web: Web, unlocked: TestClient, step: str) -> None:
    assert web.post(unlocked, URL, {"step": step}).status_code == 404
    if step != "x":
        assert unlocked.get(f"{URL}?step={step}").status_code == 404
