"""The hand-off page (GET/POST /handoff): the form lists the person's own words with
checkboxes, bad input is refused next to its field with what was typed kept, and a good
form downloads a PDF whose words pdftotext reads back."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from fastapi.testclient import TestClient

from earned import beliefs
from earned import handoff as rules
from earned.store import activations, people
from earned.store import beliefs as belief_store
from earned.web import deps
from tests.support.html import page
from tests.support.pdf import text_of
from tests.support.web import Web, error_text

ROLE = "friend"
BELIEF = "I have to earn my place with people"


def seed(web: Web) -> tuple[str, str]:
    """Sam in the people ledger, a moment about Sam and a belief, all this week: (moment
    id, belief id). Names become initials where the app knows them as names."""
    store = web.store
    now = deps.now()
    with store.session() as s:
        people.add_person(session=s, name="Sam", role=ROLE, now=now)
        moment = activations.log_activation(
            session=s,
            intensity=7,
            now=now - timedelta(hours=3),
            trigger="Sam went quiet after dinner",
            emotions=["lonely"],
        )
        belief = belief_store.add_belief(
            session=s, details=beliefs.check_details(belief=BELIEF), strength=80, now=now
        )
        belief_store.rate(session=s, belief_id=belief.id, strength=60, now=now)
    return moment.id, belief.id


def period(web: Web) -> dict[str, str]:
    today = deps.now().date()
    return {"from": (today - timedelta(days=27)).isoformat(), "to": today.isoformat()}


def test_the_form_lists_every_piece_of_writing_with_a_checkbox(
    web: Web, unlocked: TestClient
) -> None:
    moment, belief = seed(web)
    r = unlocked.get("/handoff")
    assert r.status_code == 200
    p = page(r)
    for key in rules.SECTIONS:
        box = p.main().select("input", name=f"section-{key}")
        assert box and "checked" in box[0].attrs
    assert p.main().select("input", name=f"keep-belief-{belief}")
    assert not p.main().select("input", name=f"keep-moment-{moment}")  # not asked for
    r = unlocked.get("/handoff", params={**period(web), "written": "1"})
    assert page(r).main().select("input", name=f"keep-moment-{moment}")
    assert "Sam went quiet after dinner" in page(r).text
    note = page(r).main().select("textarea", name="note")[0]
    assert note.get("maxlength") == str(rules.MAX_NOTE)


def test_a_good_form_downloads_the_pdf(web: Web, unlocked: TestClient, tmp_path: Path) -> None:
    moment, _belief = seed(web)
    data = {
        **period(web),
        "section-moments": "1",
        "section-beliefs": "1",
        "section-note": "1",
        "written": "1",
        "initials": "1",
        f"keep-moment-{moment}": "1",
        "note": "Sam was kind on Sunday.",
    }
    r = web.post(unlocked, "/handoff", data)
    assert r.status_code == 200, r.text[:300]
    assert r.headers["content-type"] == "application/pdf"
    assert r.headers["content-disposition"].startswith('attachment; filename="earned-handoff-')
    text = text_of(r.content, tmp_path)
    assert "S. went quiet after dinner" in text and "S. was kind on Sunday." in text
    assert "Sam" not in text
    assert BELIEF not in text and "words left out" in text  # its box was not ticked
    assert rules.words()["sections"]["practices"] not in text


def test_bad_input_is_refused_next_to_its_field_keeping_what_was_typed(
    web: Web, unlocked: TestClient
) -> None:
    seed(web)
    today = deps.now().date()
    cases = [
        ({"from": "yesterday-ish", "to": today.isoformat()}, "from-error", "year-month-day"),
        ({"from": today.isoformat(), "to": (today + timedelta(days=2)).isoformat()}, "to-error",
         "today at the latest"),
        ({"from": today.isoformat(), "to": (today - timedelta(days=3)).isoformat()},
         "from-error", "comes before"),
        ({"from": "2001-01-01", "to": today.isoformat()}, "from-error", "three years"),
    ]  # fmt: skip
    for dates, where, said in cases:
        r = web.post(unlocked, "/handoff", {**dates, "section-note": "1", "note": "kept words"})
        assert r.status_code == 400, dates
        p = page(r)
        assert said in p.main().select("p", id=where)[0].text, dates
        assert "kept words" in r.text
        assert r.headers["content-type"].startswith("text/html")
    r = web.post(unlocked, "/handoff", {**period(web), "note": "no section chosen"})
    assert r.status_code == 400
    assert "at least one section" in page(r).main().select("p", id="sections-error")[0].text
    assert "no section chosen" in r.text
    r = web.post(
        unlocked,
        "/handoff",
        {**period(web), "section-note": "1", "note": "x" * (rules.MAX_NOTE + 1)},
    )
    assert r.status_code == 400 and "please keep it under" in error_text(r)
    assert page(r).main().select("p", id="note-error")


def test_a_post_without_the_form_token_makes_nothing(web: Web, unlocked: TestClient) -> None:
    r = unlocked.post("/handoff", data={**period(web), "section-note": "1"})
    assert r.status_code == 403
    assert r.headers["content-type"].startswith("text/html")


def test_words_that_suggest_danger_bring_the_care_panel_before_the_pdf(
    web: Web, unlocked: TestClient
) -> None:
    data = {**period(web), "section-note": "1", "note": "I want to kill myself"}
    r = web.post(unlocked, "/handoff", data)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    p = page(r)
    assert p.select("section", id="care")
    assert "I want to kill myself" in r.text  # what was typed is kept
    assert p.main().select("input", name="care_seen")
    again = web.post(unlocked, "/handoff", {**data, "care_seen": "1"})
    assert again.headers["content-type"] == "application/pdf"
