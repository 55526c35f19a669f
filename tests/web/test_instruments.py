"""The WHO-5 and SCS-SF check-ins and the ECR-R alternative on the web: taken through the
existing flows, results in plain non-diagnostic words, change across re-takes of the same
questionnaire only. Expected figures are worked out in the comments."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient

from earned import content, instruments
from earned.web import deps
from tests.support.html import page
from tests.support.web import Web, location
from tests.web.test_checkin import complete

TALK = content.load("checkin")["cues"]["talk"]
ECRR = instruments.load("ecrr")
REVERSED = {i.number for i in ECRR.items if i.reverse}


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> list[datetime]:
    moment = [datetime.now(UTC)]
    monkeypatch.setattr(deps, "now", lambda: moment[0])
    return moment


def test_the_index_offers_the_new_check_ins(unlocked: TestClient) -> None:
    p = page(unlocked.get("/checkin"))
    assert p.one("section", id="checkin-who5").text.startswith("WHO-5")
    assert p.one("section", id="checkin-scssf").text.startswith("SCS-SF")
    form = page(unlocked.get("/checkin/who5"))
    assert "I woke up feeling fresh and rested" in form.text
    assert len(form.select("fieldset")) == 5
    assert "All of the time" in form.text and "At no time" in form.text


def test_who5_result_percentage_cue_and_ten_point_rule(
    web: Web, unlocked: TestClient, clock: list[datetime]
) -> None:
    # 2+2+2+3+3 = 12 raw, x4 = 48%: below 52 (raw below 13), so the gentle cue shows.
    first = complete(web, unlocked, "who5", [2, 2, 2, 3, 3])
    p = page(unlocked.get(f"/checkin/result/{first}"))
    assert p.one("section", data_total="48").text.startswith("Well-being: 48 of 100")
    assert " ".join(TALK.split()) in " ".join(p.text.split())
    assert "This is not a diagnosis" in p.text
    assert "Symptom level" not in p.text  # well-being, not symptoms
    assert "You matter, and you don't have to hold this alone" not in p.text  # no crisis panel
    clock[0] += timedelta(weeks=3)
    # 3 x 5 = 15 raw = 60%: +12 points, more than the published 10: a meaningful rise.
    second = complete(web, unlocked, "who5", [3, 3, 3, 3, 3])
    q = page(unlocked.get(f"/checkin/result/{second}"))
    assert "reliable improvement (+12 points)" in q.text
    assert TALK.split()[0] not in q.one("section", data_total="60").text  # no cue at 60%
    assert "more than 10 points" in q.text  # the figures used, with their source
    clock[0] += timedelta(weeks=3)
    # 14 raw = 56%: -4 points, within the rule.
    third = complete(web, unlocked, "who5", [3, 3, 3, 3, 2])
    r = page(unlocked.get(f"/checkin/result/{third}"))
    assert "no reliable change (-4 points)" in r.text


def test_who5_single_low_answer_shows_the_cue(web: Web, unlocked: TestClient) -> None:
    # 5+5+5+5+1 = 21 raw = 84%, but item 5 answered 1: the cue shows all the same.
    done = complete(web, unlocked, "who5", [5, 5, 5, 5, 1])
    p = page(unlocked.get(f"/checkin/result/{done}"))
    assert p.one("section", data_total="84")
    assert " ".join(TALK.split()) in " ".join(p.text.split())


def test_scs_sf_result_mean_and_reliable_change(
    web: Web, unlocked: TestClient, clock: list[datetime]
) -> None:
    # Keyed all 2 (4 on reversed items 1, 4, 8, 9, 11, 12): mean 2.00.
    first = complete(web, unlocked, "scssf", [4, 2, 2, 4, 2, 2, 2, 4, 4, 2, 4, 4])
    p = page(unlocked.get(f"/checkin/result/{first}"))
    assert p.one("section", data_total="2.00").text.startswith(
        "Self-compassion: 2.00 on a scale from 1 to 5"
    )
    assert "not a grade" in p.text
    clock[0] += timedelta(days=120)  # months apart
    # 2 4 3 2 4 3 4 1 2 3 1 2 keyed 4 4 3 4 4 3 4 5 4 3 5 4 = 47 / 12 = 3.92; from 2.00:
    # RCI = 1.9167 / 0.32278 = +5.94, a reliable improvement (higher is better).
    second = complete(web, unlocked, "scssf", [2, 4, 3, 2, 4, 3, 4, 1, 2, 3, 1, 2])
    q = page(unlocked.get(f"/checkin/result/{second}"))
    assert q.one("section", data_total="3.92")
    assert "reliable improvement (+1.92, RCI +5.94)" in q.text
    assert "Reliability 0.86" in q.text and "Reference SD 0.61" in q.text


# --- ECR-R ----------------------------------------------------------------------------------


def ecrr_answers(anxiety_plain: int, anxiety_reversed: int, avoidance: int) -> dict[int, int]:
    """Anxiety items plain/reversed, and every avoidance item keyed to `avoidance`."""
    out = {}
    for n in range(1, 37):
        if n <= 18:
            out[n] = anxiety_reversed if n in REVERSED else anxiety_plain
        else:
            out[n] = 8 - avoidance if n in REVERSED else avoidance
    return out


def take_ecrr(web: Web, client: TestClient, answers: dict[int, int]) -> str:
    where = location(web.post(client, "/assess/start", {"instrument": "ecrr"}))
    match = re.fullmatch(r"/assess/([0-9a-f]{32})/1", where)
    assert match, where
    ident = match.group(1)
    for number in range(1, ECRR.pages + 1):
        form = {f"q{i.number}": str(answers[i.number]) for i in ECRR.page_items(number)}
        where = location(
            web.post(client, f"/assess/{ident}/{number}", form | {"direction": "next"})
        )
    assert where == f"/results/{ident}"
    return ident


def test_the_assess_page_offers_the_ecr_r_as_an_alternative(unlocked: TestClient) -> None:
    p = page(unlocked.get("/assess"))
    alt = p.one("section", id="alternative-ecrr")
    assert "ECR-R" in alt.text and "36 statements" in alt.text
    assert "not with the ECR's" in alt.text
    # The ECR's own start button is still there, unchanged.
    assert "Start the questionnaire" in p.text


def test_ecr_r_taken_page_by_page_with_its_own_results(
    web: Web, unlocked: TestClient, clock: list[datetime]
) -> None:
    # Anxiety: 16 plain items 5, reversed 9 and 11 answered 2 (keyed 6): (80 + 12) / 18 = 5.11.
    # Avoidance: every item keyed 2: 2.00.
    first = take_ecrr(web, unlocked, ecrr_answers(5, 2, 2))
    p = page(unlocked.get(f"/results/{first}"))
    assert p.one("tr", data_subscale="anxiety").text.startswith("Attachment anxiety5.11")
    assert p.one("tr", data_subscale="avoidance").text.startswith("Attachment avoidance2.00")
    assert "first ECR-R result" in p.text
    assert "not a diagnosis" in p.text
    page_one = page(unlocked.get("/assess"))
    assert page_one.one("a", href=f"/results/{first}").text.startswith("Your latest ECR-R")
    clock[0] += timedelta(weeks=6)
    # Anxiety all keyed 4: 4.00 (-1.11); avoidance keyed 3: 3.00 (+1.00).
    second = take_ecrr(web, unlocked, ecrr_answers(4, 4, 3))
    q = page(unlocked.get(f"/results/{second}"))
    assert "Attachment anxiety -1.11, Attachment avoidance +1.00" in q.text
    assert "no checked published figures" not in q.text
    assert "has none for the ECR-R yet" in " ".join(q.text.split())
    # The ECR's own results know nothing of the ECR-R.
    assert "No results yet" in page(unlocked.get("/results")).text


def test_an_unknown_starting_questionnaire_is_refused_and_saves_nothing(
    web: Web, unlocked: TestClient
) -> None:
    for bad in ("phq9", "nope"):
        response = web.post(unlocked, "/assess/start", {"instrument": bad})
        assert response.status_code == 404
    assert web.assessments() == []


def test_the_ecr_start_still_starts_the_ecr(web: Web, unlocked: TestClient) -> None:
    location(web.post(unlocked, "/assess/start", {}))
    assert [a.instrument_id for a in web.assessments()] == ["ecr"]
