"""The secure-figure pages (earned.web.routes.practise): choosing a visualisation, playing
it one step at a time (each step's length for regulate.js, a way to stop and ground on
every step), logging it with an optional note, and the recent sessions."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from earned import regulation, secure_figure
from earned.store.models import PracticeRow
from earned.web import deps
from tests.support.html import page
from tests.support.web import Web, error_text, location

SCRIPTS = secure_figure.scripts()
FIRST = SCRIPTS[0]
BASE = f"/practise/secure-figure/{FIRST.key}"


def stored(web: Web) -> list[tuple[str, int, str | None]]:
    rows: list[tuple[str, int, str | None]] = web._read(
        lambda s: [
            (r.kind, r.seconds, r.note)
            for r in s.scalars(select(PracticeRow).order_by(PracticeRow.started_at))
        ]
    )
    return rows


def test_the_choice_lists_every_script_with_its_length(unlocked: TestClient) -> None:
    p = page(unlocked.get("/practise/secure-figure"))
    for script in SCRIPTS:
        link = p.one("a", href=f"/practise/secure-figure/{script.key}")
        assert link.text == script.title
        assert f"About {script.minutes} minutes" in p.text
    assert secure_figure.words()["log_empty"] in p.text


def test_a_script_opens_with_a_content_note_and_a_way_in(unlocked: TestClient) -> None:
    p = page(unlocked.get(BASE))
    assert p.one("h1").text == FIRST.title
    assert p.one("div.content-note")
    assert p.one("a", href=f"{BASE}?step=1")
    assert p.select("a", href="/pause")
    assert not [s for s in p.select("script") if s.get("src") == "/static/regulate.js"]


@pytest.mark.parametrize("step", range(1, len(FIRST.steps) + 1))
def test_every_step_offers_stop_and_ground_and_carries_its_pace(
    unlocked: TestClient, step: int
) -> None:
    p = page(unlocked.get(f"{BASE}?step={step}"))
    assert p.one("h1").text == FIRST.steps[step - 1].title
    # Besides the header's Ground · 60s: in the step itself, next to Pause.
    assert [a.text for a in p.select("a", href="/grounding") if a.in_main] == ["Stop and ground"]
    assert [a for a in p.select("a", href="/pause") if a.in_main]
    seconds = [li.get("data-seconds") for li in p.select("li") if li.get("data-seconds")]
    assert seconds == [str(s.seconds) for s in FIRST.steps]
    assert [s for s in p.select("script") if s.get("src") == "/static/regulate.js"]
    assert p.one("a", rel="next").get("href") == f"{BASE}?step={step + 1}"


def test_the_end_offers_a_note_and_logs_the_session(web: Web, unlocked: TestClient) -> None:
    p = page(unlocked.get(f"{BASE}?step={len(FIRST.steps) + 1}"))
    assert p.one("input", name="minutes").get("value") == str(FIRST.minutes)
    assert p.one("textarea", name="note").get("maxlength") == str(regulation.MAX_NOTE)
    token = p.one("input", name="client_token").get("value") or ""
    data = {"minutes": "4", "note": "She said I can rest.", "client_token": token}
    assert location(web.post(unlocked, BASE, data)) == "/practise/secure-figure?saved=1"
    assert location(web.post(unlocked, BASE, data))  # a double submit logs once
    assert stored(web) == [("secure-figure", 240, "She said I can rest.")]
    listed = page(unlocked.get("/practise/secure-figure?saved=1"))
    assert "Logged." in listed.one("p.ok").text
    assert "She said I can rest." in listed.one("ul.sessions").text
    assert "Secure figure visualisation" in page(unlocked.get("/regulate/log")).text


@pytest.mark.parametrize(
    ("minutes", "message"),
    [("", "How many minutes"), ("ten", "whole number"), ("0", "between a second"),
     ("500", "between a second")],
)  # fmt: skip
def test_a_refused_length_keeps_the_note(
    web: Web, unlocked: TestClient, minutes: str, message: str
) -> None:
    r = web.post(unlocked, BASE, {"minutes": minutes, "note": "kept words"})
    assert r.status_code == 400 and message in error_text(r)
    assert page(r).one("textarea", name="note").text == "kept words"
    assert stored(web) == []


def test_a_note_over_its_limit_is_refused_whole(web: Web, unlocked: TestClient) -> None:
    r = web.post(unlocked, BASE, {"minutes": "3", "note": "n" * (regulation.MAX_NOTE + 1)})
    assert r.status_code == 400 and "under 2,000" in error_text(r)
    assert stored(web) == []


def test_a_note_that_suggests_danger_brings_the_care_panel(web: Web, unlocked: TestClient) -> None:
    where = location(web.post(unlocked, BASE, {"minutes": "3", "note": "I want to die"}))
    assert where.endswith("care=1")
    assert page(unlocked.get(where)).select("section.care-panel")


def test_unknown_scripts_and_steps_are_calm_404s(web: Web, unlocked: TestClient) -> None:
    assert unlocked.get("/practise/secure-figure/nonexistent").status_code == 404
    assert unlocked.get(f"{BASE}?step={len(FIRST.steps) + 2}").status_code == 404
    assert unlocked.get(f"{BASE}?step=-1").status_code == 404
    assert (
        web.post(unlocked, "/practise/secure-figure/nonexistent", {"minutes": "3"}).status_code
        == 404
    )


def test_recent_sessions_are_the_newest_ten_of_this_kind(
    web: Web, unlocked: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    for day in range(1, 13):
        monkeypatch.setattr(deps, "now", lambda d=day: datetime(2026, 3, d, 20, tzinfo=UTC))
        web.post(unlocked, BASE, {"minutes": "3", "note": f"day {day}"})
        web.post(unlocked, "/regulate/practice", {"kind": "movement", "minutes": "5"})
    p = page(unlocked.get("/practise/secure-figure"))
    notes = [li.text for li in p.select("li.session")]
    assert len(notes) == 10 and "day 12" in notes[0] and "day 3" in notes[-1]
