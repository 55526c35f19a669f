"""The progress page (earned.web.routes.progress): four signs, their charts and trend
sentences, harder stretches worded as step 10, and calm mode, on a real journal."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient

from earned import demo, instruments, pacing, trajectories, trends
from earned.reports import export
from earned.store import activations, assessments
from earned.web import deps
from tests.support.html import Page, page
from tests.support.web import Web

NOW = datetime(2026, 6, 3, 12, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def frozen(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(deps, "now", lambda: NOW)


def log_weeks(web: Web, minutes: list[float], *, named: list[bool] | None = None) -> None:
    """Three moments a week, oldest week first, ending this week: each settled after the
    week's minutes, and named in the moment as `named` says for the week."""
    store = web.store
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


# --- the trajectories below the signs ------------------------------------------------------------


def restore_demo(web: Web) -> None:
    """The demo's 18 months, ending at NOW."""
    store = web.store
    with store.session() as s:
        export.restore(session=s, data=demo.generate(7, NOW - timedelta(days=550), 18))


def card(html: str, section_id: str) -> Page:
    """One <section> of the page (sections here hold no other section), parsed."""
    found = re.search(rf'<section[^>]*id="{section_id}".*?</section>', html, re.S)
    assert found is not None, section_id
    return Page(found.group(0))


def add_checkin(web: Web, instrument_id: str, when: datetime, level: int) -> None:
    """A completed check-in answering every item `level` (before any reverse keying)."""
    inst = instruments.load(instrument_id)
    store = web.store
    with store.session() as s:
        a = assessments.start_assessment(session=s, instrument_id=instrument_id, now=when)
        for item in inst.items:
            assessments.record_answer(
                session=s, assessment_id=a.id, item=item.number, value=level, now=when, seq=None
            )
        assessments.complete_assessment(session=s, assessment_id=a.id, now=when)


def test_each_trajectory_appears_for_the_demo_with_its_chart(
    web: Web, unlocked: TestClient
) -> None:
    restore_demo(web)
    r = unlocked.get("/progress")
    assert r.status_code == 200
    html, doc = r.text, page(r).main()
    said = trajectories.words()
    # The starting point: the ECR's anxiety and avoidance, each drawn wide and narrow,
    # reliable changes ringed, with the Reliable Change verdict in the sentence.
    attachment = card(html, "trajectory-attachment")
    assert said["sections"]["attachment"]["title"] in attachment.html
    for sub in ("anxiety", "avoidance"):
        assert f'id="ecr-{sub}-wide-title"' in html and f'id="ecr-{sub}-narrow-title"' in html
    # The demo's one ECR-R: not enough yet, and no chart of its own.
    assert said["not_enough"] in attachment.html
    assert "ecrr-anxiety-wide" not in html
    # Beliefs: the few re-rated most recently, each with its chart, and the way to all.
    belief_card = card(html, "trajectory-beliefs")
    assert 1 <= len(belief_card.select("h3")) <= trajectories.BELIEFS_SHOWN
    assert 'id="progress-belief-0-wide-title"' in html
    assert belief_card.select("a", href="/beliefs")
    # The ladder: steps done month by month, and the ladder page's own gap chart.
    ladder_card = card(html, "trajectory-ladder")
    assert 'id="progress-ladder-tries-wide-title"' in html
    assert 'id="ladder-gap-wide-title"' in html
    assert "went reasonably well" in ladder_card.html
    # Check-ins: WHO-5 (several) and SCS-SF (two) are charted; PHQ-9 and GAD-7 were never
    # taken, so each is one line with the way to begin, not an empty chart.
    for instrument_id in ("who5", "scssf"):
        assert card(html, f"trajectory-{instrument_id}")
        assert f'id="progress-{instrument_id}-wide-title"' in html
    for instrument_id in ("phq9", "gad7"):
        assert f'id="trajectory-{instrument_id}"' not in html
        assert doc.one("li", id=f"none-{instrument_id}")
        assert card(html, "trajectory-waiting").select("a", href=f"/checkin/{instrument_id}")
        assert f"progress-{instrument_id}-wide" not in html


def test_a_single_result_says_not_enough_yet_without_a_chart(
    web: Web, unlocked: TestClient
) -> None:
    add_checkin(web, "who5", NOW - timedelta(days=30), 3)
    html = unlocked.get("/progress").text
    who5 = card(html, "trajectory-who5")
    assert who5.one("p", class_="not-enough").text == trajectories.words()["not_enough"]
    assert not who5.select("svg")
    assert "progress-who5-wide" not in html
    # With nothing else recorded, the other sections are one line each, with a link.
    waiting = card(html, "trajectory-waiting")
    for key, href in (
        ("attachment", "/assess"),
        ("beliefs", "/beliefs/new"),
        ("ladder", "/ladder"),
    ):
        assert waiting.one("li", id=f"none-{key}")
        assert waiting.select("a", href=href)


def test_a_check_in_that_moved_the_harder_way_is_met_with_step_10(
    web: Web, unlocked: TestClient
) -> None:
    # WHO-5 from 80 to 20 (more than its 10-point rule), then PHQ-9 from 0 to 18.
    add_checkin(web, "who5", NOW - timedelta(days=60), 4)
    add_checkin(web, "who5", NOW - timedelta(days=20), 1)
    add_checkin(web, "phq9", NOW - timedelta(days=60), 0)
    add_checkin(web, "phq9", NOW - timedelta(days=20), 2)
    r = unlocked.get("/progress")
    html, doc = r.text, page(r).main()
    for instrument_id in ("who5", "phq9"):
        shown = card(html, f"trajectory-{instrument_id}")
        assert trajectories.words()["sections"]["checkin"]["harder"] in shown.html
        assert shown.one("p", id=f"step10-{instrument_id}")
        assert shown.select("a", href="/recommit")
    assert 'class="chart-reliable-worse"' in html
    # The words on the page (the charts' own point labels name the RCI verdict, as the
    # results page's charts do) stay gentle.
    words = re.sub(r"<[^>]+>", " ", re.sub(r"<svg.*?</svg>", "", html, flags=re.S)).lower()
    for word in ("worse", "failed", "failure"):
        assert word not in words
    # GAD-7 never taken: no step 10 there, one line to begin.
    assert not doc.select("p", id="step10-gad7")


def test_a_check_in_that_improved_is_said_so_without_step_10(
    web: Web, unlocked: TestClient
) -> None:
    add_checkin(web, "gad7", NOW - timedelta(days=60), 3)
    add_checkin(web, "gad7", NOW - timedelta(days=20), 0)
    html = unlocked.get("/progress").text
    found = card(html, "trajectory-gad7")
    assert trajectories.words()["sections"]["checkin"]["better"] in found.html
    assert not found.select("p.step10")


def test_calm_mode_shows_the_trajectories_without_numbers_or_charts(
    web: Web, unlocked: TestClient
) -> None:
    restore_demo(web)
    web.post(unlocked, "/settings/calm", {"calm": "on", "next": "/progress"})
    doc = page(unlocked.get("/progress")).main()
    assert not doc.select("svg")
    assert not doc.select("p.trajectory-sentence") and not doc.select("p.not-enough")
    cards = doc.select("section.progress-trajectory")
    assert len(cards) == 3 + len(trajectories.CHECKINS)
    # No figure of any result: scores, counts, points, p-values.
    shown = " ".join(c.text for c in cards)
    for key in trajectories.CHECKINS:
        shown = shown.replace(instruments.load(key).short_name, "")
    assert not re.search(r"\d", shown), shown
    assert doc.select("a", href="/results") and doc.select("a", href="/checkin")


def test_a_newest_check_in_that_calls_for_care_brings_the_crisis_lines(
    web: Web, unlocked: TestClient
) -> None:
    add_checkin(web, "gad7", NOW - timedelta(days=60), 3)  # 21 of 21: the most severe band
    assert page(unlocked.get("/progress")).select("section.care-panel")
    # A lighter check-in since: the newest no longer calls for it.
    add_checkin(web, "gad7", NOW - timedelta(days=20), 1)
    assert not page(unlocked.get("/progress")).select("section.care-panel")
