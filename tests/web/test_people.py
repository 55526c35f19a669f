"""The people ledger page (/people, earned.web.routes.people): everyone with their standing,
adding someone (refusals next to the field, what was typed kept, nothing saved), and the
weekly share of moments with people who are consistently there."""

from __future__ import annotations

from fastapi.testclient import TestClient

from earned import content
from earned import people as rules
from earned.store import activations, people
from earned.web import deps
from tests.support.html import page
from tests.support.web import Web, location

WORDS = content.load("people")


def add(web: Web, client: TestClient, name: str, role: str = "friend") -> str:
    where = location(web.post(client, "/people", {"name": name, "role": role}))
    assert where.endswith("?added=1")
    return where.split("/")[2].split("?")[0]


def rate(web: Web, client: TestClient, person: str, c: int, a: int, s: int = 3) -> None:
    data = {"consistency": str(c), "availability": str(a), "safety": str(s)}
    location(web.post(client, f"/people/{person}/rate", data))


def test_an_empty_ledger_invites_adding_someone(web: Web, unlocked: TestClient) -> None:
    shown = page(unlocked.get("/people"))
    assert WORDS["empty"] in shown.text
    assert shown.select("input", name="name")[0].get("maxlength") == str(rules.MAX_NAME)
    roles = [o.get("value") for o in shown.select("option")]
    assert roles == list(rules.ROLES)


def test_the_ledger_lists_people_by_name_with_their_standing(
    web: Web, unlocked: TestClient
) -> None:
    sam = add(web, unlocked, "Sam", "partner")
    maya = add(web, unlocked, "maya")
    add(web, unlocked, "Jo", "family")
    rate(web, unlocked, sam, 2, 3)
    rate(web, unlocked, maya, 5, 4)
    shown = page(unlocked.get("/people"))
    names = [el.text for el in shown.select("a", **{"class": "ledger-name"})]
    assert names == ["Jo", "maya", "Sam"]
    rows = {el.get("id"): el.text for el in shown.select("li", **{"class": "ledger-row"})}
    assert WORDS["available"] in rows[f"person-{maya}"]
    assert WORDS["not_available"] in rows[f"person-{sam}"]
    assert "Ratings this week: 2." in shown.text


def test_adding_someone_again_is_a_repeat_not_a_second_person(
    web: Web, unlocked: TestClient
) -> None:
    first = add(web, unlocked, "Sam", "partner")
    assert add(web, unlocked, " sam ") == first
    assert len(web._read(lambda s: people.list_people(session=s))) == 1


def test_a_refused_person_keeps_what_was_typed_and_saves_nothing(
    web: Web, unlocked: TestClient
) -> None:
    long_name = "x" * (rules.MAX_NAME + 1)
    r = web.post(unlocked, "/people", {"name": long_name, "role": "friend", "note": "kind"})
    assert r.status_code == 400
    shown = page(r)
    (error,) = shown.select("p", id="p-name-error")
    assert "121 characters" in error.text
    assert shown.select("input", name="name")[0].get("value") == long_name
    assert "kind" in shown.select("textarea", name="note")[0].text
    r = web.post(unlocked, "/people", {"name": "Jo", "role": "boss"})
    assert r.status_code == 400 and page(r).select("p", id="p-role-error")
    assert web._read(lambda s: people.list_people(session=s)) == []


def test_the_weekly_share_counts_moments_linked_to_people(web: Web, unlocked: TestClient) -> None:
    maya = add(web, unlocked, "Maya")
    sam = add(web, unlocked, "Sam", "partner")
    rate(web, unlocked, maya, 5, 5)
    rate(web, unlocked, sam, 2, 2)
    for who in (maya, maya, sam):
        moment = location(web.post(unlocked, "/moment", {"intensity": "5"})).split("/")[2]
        location(web.post(unlocked, f"/moment/{moment}/person", {"person_id": who}))
    shown = page(unlocked.get("/people"))
    weeks = shown.select("li", **{"class": "week"})
    assert "This week" in weeks[-1].text and "2 of 3" in weeks[-1].text
    share = web._read(lambda s: people.weekly_share(session=s, now=deps.now(), weeks=1))
    assert (share[0].interactions, share[0].with_available) == (3, 2)
    assert web._read(lambda s: activations.list_activations(session=s)[0].person) in {"Maya", "Sam"}


def test_calm_mode_hides_the_standing_and_the_share(web: Web, unlocked: TestClient) -> None:
    sam = add(web, unlocked, "Sam", "partner")
    rate(web, unlocked, sam, 5, 5)
    web.post(unlocked, "/settings/calm", {"calm": "on", "next": "/people"})
    shown = page(unlocked.get("/people"))
    (row,) = shown.select("li", **{"class": "ledger-row"})
    assert WORDS["available"] not in row.text and "consistency" not in row.text
    assert not shown.select("ol", **{"class": "weeks share-weeks"})
