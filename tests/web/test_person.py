"""One person's page (/people/{id}): ratings over time as a chart, rating now, ruptures and
repairs, the moments linked to them, editing, and removing them (which keeps what named
them readable); refusals keep what was typed and save nothing."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient

from earned import content
from earned import people as rules
from earned.store import activations, people
from earned.store.models import PersonRatingRow, RuptureRow
from tests.support.html import page
from tests.support.web import Web, error_text, location

WORDS = content.load("people")
UNKNOWN = "0" * 32


def add(web: Web, client: TestClient, name: str = "Sam", role: str = "partner") -> str:
    return location(web.post(client, "/people", {"name": name, "role": role})).split("/")[2][:32]


def rating(c: str, a: str, s: str, **more: str) -> dict[str, str]:
    return {"consistency": c, "availability": a, "safety": s, **more}


def count(web: Web, model: type) -> int:
    return int(web._read(lambda s: len(list(s.query(model)))))


def test_rating_twice_draws_a_chart_per_dimension(web: Web, unlocked: TestClient) -> None:
    sam = add(web, unlocked)
    shown = page(unlocked.get(f"/people/{sam}"))
    assert WORDS["not_rated"] in shown.text and not shown.select("svg")
    assert location(web.post(unlocked, f"/people/{sam}/rate", rating("2", "3", "4"))).endswith(
        "?rated=1#rate"
    )
    location(web.post(unlocked, f"/people/{sam}/rate", rating("4", "4", "5", note="steadier")))
    shown = page(unlocked.get(f"/people/{sam}"))
    titles = [el.text for el in shown.select("title")]
    for name in ("Consistency", "Availability", "Emotional safety"):
        assert f"{name} over time" in titles
    assert "steadier" in shown.text
    assert "consistency 3, availability 3.5" in shown.text  # the median of both ratings
    radios = shown.select("input", name="consistency")
    assert [r.get("value") for r in radios] == [
        str(n) for n in range(rules.RATING_MIN, rules.RATING_MAX + 1)
    ]


def test_a_double_submitted_rating_is_saved_once(web: Web, unlocked: TestClient) -> None:
    sam = add(web, unlocked)
    form = rating("3", "3", "3", client_token="same-tap")
    location(web.post(unlocked, f"/people/{sam}/rate", form))
    location(web.post(unlocked, f"/people/{sam}/rate", form))
    assert count(web, PersonRatingRow) == 1


def test_a_refused_rating_keeps_the_choices_and_saves_nothing(
    web: Web, unlocked: TestClient
) -> None:
    sam = add(web, unlocked)
    r = web.post(unlocked, f"/people/{sam}/rate", rating("4", "9", "", note="late again"))
    assert r.status_code == 400
    assert "Availability runs from 1 to 5; 9" in error_text(r)
    shown = page(r)
    chosen = [el.get("value") for el in shown.select("input", name="consistency")
              if "checked" in el.attrs]  # fmt: skip
    assert chosen == ["4"]
    assert "late again" in shown.select("textarea", name="note")[0].text
    assert count(web, PersonRatingRow) == 0


def test_a_rupture_is_logged_then_repaired(web: Web, unlocked: TestClient) -> None:
    sam = add(web, unlocked)
    where = location(
        web.post(unlocked, f"/people/{sam}/ruptures", {"what": "we argued", "reached_out": "me"})
    )
    assert where == f"/people/{sam}?logged=1#ruptures"
    shown = page(unlocked.get(f"/people/{sam}"))
    (item,) = shown.select("li", **{"class": "rupture"})
    assert "we argued" in item.text and WORDS["rupture"]["not_repaired"] in item.text
    (made,) = web._read(lambda s: people.ruptures_of(session=s, person_id=sam, limit=5)[0])
    assert made.person_name == "Sam" and made.reached_out == "me"
    # The repair: ticked, with no time given, is now.
    location(web.post(unlocked, f"/people/ruptures/{made.id}",
                      {"what": "we argued", "reached_out": "both", "repaired": "1",
                       "outcome": "we talked it through"}))  # fmt: skip
    fixed = web._read(lambda s: people.get_rupture(session=s, rupture_id=made.id))
    assert fixed.repaired and fixed.outcome == "we talked it through"
    assert fixed.time_to_repair is not None and fixed.time_to_repair < timedelta(minutes=1)
    shown = page(unlocked.get(f"/people/{sam}"))
    assert "We both reached out" in shown.text and "typically after" in shown.text


def test_a_refused_rupture_keeps_the_words_and_saves_nothing(
    web: Web, unlocked: TestClient
) -> None:
    sam = add(web, unlocked)
    r = web.post(unlocked, f"/people/{sam}/ruptures",
                 {"what": "we argued", "happened_at": "2026-03-02T10:00",
                  "repaired_at": "2026-03-01T10:00", "outcome": "kept words"})  # fmt: skip
    assert r.status_code == 400
    assert "before the rupture" in error_text(r)
    shown = page(r)
    assert [d for d in shown.select("details") if "open" in d.attrs]  # open, with the words
    assert "we argued" in shown.select("textarea", name="what")[0].text
    assert "kept words" in shown.select("textarea", name="outcome")[0].text
    r = web.post(unlocked, f"/people/{sam}/ruptures", {"what": "   "})
    assert r.status_code == 400 and "what happened" in error_text(r)
    assert count(web, RuptureRow) == 0


def test_editing_keeps_old_records_their_name(web: Web, unlocked: TestClient) -> None:
    sam = add(web, unlocked)
    location(web.post(unlocked, f"/people/{sam}/ruptures", {"what": "we argued"}))
    location(web.post(unlocked, f"/people/{sam}", {"name": "Sam R.", "role": "partner",
                                                    "note": "since 2024"}))  # fmt: skip
    shown = page(unlocked.get(f"/people/{sam}"))
    assert shown.one("h1").text.startswith("Sam R.") and "since 2024" in shown.text
    add(web, unlocked, "Maya", "friend")
    r = web.post(unlocked, f"/people/{sam}", {"name": "maya", "role": "friend"})
    assert r.status_code == 400 and "already in your ledger" in error_text(r)
    assert page(r).select("input", name="name")[0].get("value") == "maya"


def test_removing_someone_keeps_their_name_on_what_named_them(
    web: Web, unlocked: TestClient
) -> None:
    sam = add(web, unlocked)
    location(web.post(unlocked, f"/people/{sam}/rate", rating("3", "3", "3")))
    location(web.post(unlocked, f"/people/{sam}/ruptures", {"what": "we argued"}))
    moment = location(web.post(unlocked, "/moment", {"intensity": "6"})).split("/")[2]
    location(web.post(unlocked, f"/moment/{moment}/person", {"person_id": sam}))
    assert "Moments linked to Sam: 1." in page(unlocked.get(f"/people/{sam}")).text
    confirm = page(unlocked.get(f"/people/{sam}/remove"))
    assert WORDS["remove"]["intro"] in confirm.text
    assert location(web.post(unlocked, f"/people/{sam}/remove")) == "/people?removed=1"
    assert unlocked.get(f"/people/{sam}").status_code == 404
    kept = web._read(lambda s: activations.get_activation(session=s, activation_id=moment))
    assert (kept.person, kept.person_id) == ("Sam", None)
    (rupture,) = web._read(lambda s: list(s.query(RuptureRow)))
    assert (rupture.person_name, rupture.person_id) == ("Sam", None)
    shown = page(unlocked.get(f"/people/ruptures/{rupture.id}"))
    assert "no longer in your ledger" in shown.text and "we argued" in shown.text
    assert count(web, PersonRatingRow) == 0


def test_unknown_people_are_a_calm_not_found(web: Web, unlocked: TestClient) -> None:
    assert unlocked.get(f"/people/{UNKNOWN}").status_code == 404
    r = web.post(unlocked, f"/people/{UNKNOWN}/rate", rating("3", "3", "3"))
    assert r.status_code == 404 and "does not exist" in error_text(r)
    assert unlocked.get(f"/people/ruptures/{UNKNOWN}").status_code == 404
