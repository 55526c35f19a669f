"""The roadmap home, its step pages, the home page's suggestion and beginning again
(earned.web.routes.roadmap), on a real journal."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from earned import recommit, roadmap
from earned.store import activations, recommits
from earned.store.models import RecommitRow
from earned.web import deps
from tests.support.html import page
from tests.support.web import Web, error_text, location, values_for

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def frozen(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(deps, "now", lambda: NOW)


def log_weeks(web: Web, levels: list[int]) -> None:
    """One moment a day for each week's level, oldest week first, ending now; settled
    after an hour."""
    store = web.store
    weeks = len(levels)
    with store.session() as s:
        for w, level in enumerate(levels):
            for day in range(6):
                onset = NOW - timedelta(days=7 * (weeks - w) - day - 0.5)
                made = activations.log_activation(session=s, intensity=level, now=onset)
                activations.mark_settled(
                    session=s, activation_id=made.id, at=None, now=onset + timedelta(hours=1)
                )


def test_the_roadmap_shows_every_step_with_its_state_and_one_suggestion(
    web: Web, unlocked: TestClient
) -> None:
    r = unlocked.get("/roadmap")
    assert r.status_code == 200
    doc = page(r)
    steps = doc.select("li.roadmap-step")
    assert len(steps) == len(roadmap.steps()) == 11
    # Nothing yet: every step not begun, and the suggestion is the starting point.
    assert all("state-not_yet" in (s.get("class") or "") for s in steps)
    assert (
        doc.one("h2", id="suggestion-title").text.strip() == "Take the starting-point questionnaire"
    )


def test_logging_a_moment_makes_noticing_active_with_a_count_this_week(
    web: Web, unlocked: TestClient
) -> None:
    web.post(unlocked, "/moment", {"intensity": "5"})
    doc = page(unlocked.get("/roadmap"))
    notice = doc.one("li", id="step-notice")
    assert "state-active" in (notice.get("class") or "")
    assert "1 this week" in notice.text
    assert "state-not_yet" in (doc.one("li", id="step-doses").get("class") or "")


def test_after_the_starting_point_high_avoidance_suggests_a_closeness_rung(
    web: Web, unlocked: TestClient
) -> None:
    web.complete(unlocked, values_for("high"))
    web.post(unlocked, "/moment", {"intensity": "4"})
    doc = page(unlocked.get("/roadmap"))
    assert (
        doc.one("h2", id="suggestion-title").text.strip() == "Try one small step toward closeness"
    )
    assert doc.select("a.button")[0].get("href") == "/ladder"
    # The home page carries the same suggestion once the person has begun.
    home = page(unlocked.get("/"))
    assert (
        home.one("h2", id="suggestion-title").text.strip() == "Try one small step toward closeness"
    )


def test_a_step_page_says_why_it_matters(web: Web, unlocked: TestClient) -> None:
    doc = page(unlocked.get("/roadmap/beliefs"))
    step = roadmap.step("beliefs")
    assert step is not None
    assert doc.one("h1").text.strip() == step.title
    assert step.why[0] in doc.one("main").text
    assert unlocked.get("/roadmap/nowhere").status_code == 404


def test_a_slip_is_offered_beginning_again_and_the_offer_rests_once_taken(
    web: Web, unlocked: TestClient
) -> None:
    web.complete(unlocked, values_for("mid"))
    log_weeks(web, [4] * 12 + [8] * 4)
    doc = page(unlocked.get("/roadmap"))
    assert doc.one("h2", id="suggestion-title").text.strip() == "Begin again, gently"
    slip_page = unlocked.get("/recommit")
    text = page(slip_page).one("main").text
    assert "Moments felt stronger than your usual in 4 of the last 4 weeks" in text
    assert "svg" in slip_page.text  # the long run, shown alongside
    r = web.post(
        unlocked,
        "/recommit",
        {"practice": "breathe", "noticed": "a move and no sleep", "client_token": "t1"},
    )
    assert location(r) == "/recommit?saved=1#made"
    again = web.post(unlocked, "/recommit", {"practice": "breathe", "client_token": "t1"})
    assert location(again).startswith("/recommit")
    stored = web._read(lambda s: list(s.scalars(select(RecommitRow))))
    assert [(r.practice, r.noticed) for r in stored] == [("breathe", "a move and no sleep")]
    after = page(unlocked.get("/roadmap"))
    assert after.one("h2", id="suggestion-title").text.strip() != "Begin again, gently"
    assert "Times you began again" in page(unlocked.get("/recommit")).one("main").text


def test_a_steady_history_is_told_so_and_a_short_one_not_enough_yet(
    web: Web, unlocked: TestClient
) -> None:
    assert recommit.words()["not_enough"] in page(unlocked.get("/recommit")).one("main").text
    log_weeks(web, [5] * 16)
    assert recommit.words()["none_detected"] in page(unlocked.get("/recommit")).one("main").text


def test_bad_input_keeps_the_words_and_saves_nothing(web: Web, unlocked: TestClient) -> None:
    words = "the old checking came back"
    r = web.post(unlocked, "/recommit", {"practice": "sprint", "noticed": words})
    assert r.status_code == 400
    assert "Choose one of the practices" in error_text(r)
    assert page(r).one("textarea", id="noticed").text.strip() == words
    long = web.post(
        unlocked, "/recommit", {"practice": "breathe", "noticed": "x" * (recommit.MAX_NOTICED + 1)}
    )
    assert long.status_code == 400
    assert web._read(lambda s: recommits.recent(session=s)) == []


def test_crisis_words_bring_the_care_panel(web: Web, unlocked: TestClient) -> None:
    r = web.post(unlocked, "/recommit", {"practice": "breathe", "noticed": "I want to kill myself"})
    assert "care=1" in location(r)


def test_weeks_on_the_wound_suggest_balance_and_the_check_can_be_turned_off(
    web: Web, unlocked: TestClient
) -> None:
    web.complete(unlocked, values_for("mid"))
    store = web.store
    with store.session() as s:
        for week in range(4):
            for day in range(4):
                when = NOW - timedelta(days=7 * week + day + 0.5)
                activations.log_activation(
                    session=s, intensity=5, now=when, trigger="the old argument again"
                )
    doc = page(unlocked.get("/roadmap"))
    title = "Balance the looking back with something steadying"
    assert doc.one("h2", id="suggestion-title").text.strip() == title
    assert location(web.post(unlocked, "/roadmap/balance", {"check": "off"})) == "/roadmap#balance"
    after = page(unlocked.get("/roadmap"))
    assert after.one("h2", id="suggestion-title").text.strip() != title
    assert "This balance check is off." in after.one("main").text
    web.post(unlocked, "/roadmap/balance", {"check": "on"})
    assert page(unlocked.get("/roadmap")).one("h2", id="suggestion-title").text.strip() == title
