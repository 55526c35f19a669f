"""The ECR-RS about one person (/people/{id}/ecr-rs): the nine published items with the
person named, saved whole or not at all, and the two scores on the person's page."""

from __future__ import annotations

from fastapi.testclient import TestClient

from earned import instruments
from earned.store import assessments
from earned.store.models import AssessmentRow
from tests.support.html import page
from tests.support.web import Web, error_text, location

RS = instruments.load("ecr_rs")
ANSWERS = dict(enumerate([6, 5, 7, 2, 3, 2, 4, 1, 6], start=1))  # avoidance 2.83, anxiety 3.67


def add(web: Web, client: TestClient) -> str:
    return location(web.post(client, "/people", {"name": "Sam", "role": "partner"})).split("/")[2][
        :32
    ]


def test_the_form_shows_the_items_exactly_with_the_person_named(
    web: Web, unlocked: TestClient
) -> None:
    sam = add(web, unlocked)
    shown = page(unlocked.get(f"/people/{sam}/ecr-rs"))
    legends = [el.text for el in shown.select("legend")]
    assert legends == [f"{i.number}. {i.text}" for i in RS.items]
    assert "Sam" in shown.one("h1").text
    assert len(shown.select("input", name="q1")) == RS.scale.max - RS.scale.min + 1
    assert RS.citation in shown.text and RS.terms in shown.text


def test_answers_are_saved_whole_and_scored_on_the_persons_page(
    web: Web, unlocked: TestClient
) -> None:
    sam = add(web, unlocked)
    form = {f"q{n}": str(v) for n, v in ANSWERS.items()}
    assert location(web.post(unlocked, f"/people/{sam}/ecr-rs", form)).endswith("#ecr-rs")
    (done,) = web._read(
        lambda s: assessments.about_person(session=s, person_id=sam, instrument_id="ecr_rs")
    )
    assert done.answers == ANSWERS and done.person_name == "Sam"
    shown = page(unlocked.get(f"/people/{sam}"))
    assert "avoidance with this person 2.83" in shown.text
    assert "anxiety with this person 3.67" in shown.text


def test_a_missing_answer_saves_nothing_and_keeps_the_others(
    web: Web, unlocked: TestClient
) -> None:
    sam = add(web, unlocked)
    form = {f"q{n}": str(v) for n, v in ANSWERS.items() if n != 5}
    r = web.post(unlocked, f"/people/{sam}/ecr-rs", form)
    assert r.status_code == 400
    assert "1 question(s) still need an answer" in error_text(r)
    shown = page(r)
    kept = [el.get("value") for el in shown.select("input", name="q1") if "checked" in el.attrs]
    assert kept == ["6"]
    r = web.post(unlocked, f"/people/{sam}/ecr-rs", {**form, "q5": "8"})
    assert r.status_code == 400 and "Answers run from 1 to 7" in error_text(r)
    assert web._read(lambda s: s.query(AssessmentRow).count()) == 0
