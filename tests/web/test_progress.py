"""The progress page (earned.web.routes.progress): four signs, their charts and trend
sentences, harder stretches worded as step 10, and calm mode, on a real journal."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient

from earned import pacing, trends
from earned.store import activations
from earned.web import deps
from tests.support.html import page
from tests.support.web import Web

NOW = datetime(2026, 6, 3, 12, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def frozen(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(deps, "now", lambda: NOW)


def log_weeks(web: Web, minutes: list[float], *, named: list[bool] | None = None) -> None:
    """Three moments a week, oldest week first, ending this week: each settled after the
    week's minutes, and named in the moment as `named` says for the week."""
    store = web.vault.store
    assert store is not None
    with store.session() as s:
        for w, settle in enumerate(minutes):
            for day in range(3):
                onset = NOW - timedelta(days=7 * (len(minutes) - 1 - w) + day, hours=3)
                made = activations.log_activation(session=s, intensity=6, now=onset)
                activations.mark_settled(
                    session=s,
                    activation_id=made.id,
                    at=None,
                    now=onset + timedelta(minutes=settle),
                )
                if named is not None:
                    activations.update_details(
                        session=s,
                        activation_id=made.id,
                        named_in_moment=named[w] or day == 0,
                        now=NOW,
                    )


def test_every_sign_has_its_card_and_says_not_enough_without_records(
    web: Web, unlocked: TestClient
) -> None:
    r = unlocked.get("/progress")
    assert r.status_code == 200
    doc = page(r).main()
    for sign in trends.SIGNS:
        card = doc.one("section", id=f"sign-{sign.key}")
        assert trends.words()["signs"][sign.key]["name"] in card.text
    sentences = [p.text for p in doc.select("p.trend-sentence")]
    assert len(sentences) == 4
    assert all(s.startswith("Not enough data yet: 0 week") for s in sentences)
    assert not doc.select("svg")
    for href in ("/results", "/beliefs", "/ladder", "/checkin"):
        assert doc.select("a", href=href)
    assert "scipy.stats.theilslopes" in doc.text and "kendalltau" in doc.text


def test_a_settling_time_that_falls_is_charted_and_named_as_progress(
    web: Web, unlocked: TestClient
) -> None:
    log_weeks(web, [60 - 3 * w for w in range(14)])
    r = unlocked.get("/progress")
    html, doc = r.text, page(r).main()
    said = doc.one("p", id="sentence-recovery").text
    assert "moments have tended to settle faster: about 3 minutes less each week" in said
    assert "Over the last 14 weeks" in said
    # Drawn wide and narrow; the held-urge sign has no timers, so no chart.
    assert 'id="progress-recovery-wide-title"' in html
    assert 'id="progress-recovery-narrow-title"' in html
    assert "progress-held-wide" not in html
    assert not doc.select("p", id="step10-recovery")
    assert not doc.select("p", id="shaded-recovery")
    assert doc.one("p", id="sentence-held").text.startswith("Not enough data yet")


def test_a_dip_is_shaded_and_a_harder_trend_points_to_step_10(
    web: Web, unlocked: TestClient
) -> None:
    # Twelve steady weeks, then four clearly harder ones: a stretch for step 10.
    log_weeks(web, [20.0] * 12 + [120.0] * 4, named=[True] * 6 + [False] * 10)
    r = unlocked.get("/progress")
    html, doc = r.text, page(r).main()
    assert 'class="chart-region"' in html
    assert trends.words()["stretch"] in html
    assert doc.one("p", id="shaded-recovery")
    # Naming fell from every moment to one in three: a clear trend the hard way, worded
    # as beginning again, with the way to step 10.
    assert "fewer moments have been named" in doc.one("p", id="sentence-named").text
    assert doc.one("p", id="step10-named")
    assert len(doc.select("a", href="/recommit")) >= 2
    for word in ("worse", "failed", "failure"):
        assert word not in doc.text.lower()


def test_calm_mode_rests_the_charts_and_figures(web: Web, unlocked: TestClient) -> None:
    log_weeks(web, [60 - 3 * w for w in range(14)])
    web.post(unlocked, "/settings/calm", {"calm": "on", "next": "/progress"})
    assert pacing.is_calm(web.setting(pacing.CALM_MODE))
    doc = page(unlocked.get("/progress")).main()
    assert doc.select("div.calm-note")
    assert not doc.select("svg") and not doc.select("p.trend-sentence")
    assert "minutes" not in doc.text and "p =" not in doc.text
    assert len(doc.select("section.progress-sign")) == 4
    assert doc.select("a", href="/results")
