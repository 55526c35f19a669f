"""Who a moment was with, picked from the people ledger (POST /moment/{id}/person, the form
on the moment's page): it sets the link and the name text, unlinking keeps the name, and an
unknown person is a calm not-found with nothing changed."""

from __future__ import annotations

from fastapi.testclient import TestClient

from earned.store import activations
from tests.support.html import page
from tests.support.web import Web, error_text, location


def moment(web: Web, client: TestClient) -> str:
    return location(web.post(client, "/moment", {"intensity": "6"})).split("/")[2]


def test_the_moment_page_offers_the_ledger(web: Web, unlocked: TestClient) -> None:
    m = moment(web, unlocked)
    assert "Add people on the" in page(unlocked.get(f"/moment/{m}")).text
    sam = location(web.post(unlocked, "/people", {"name": "Sam", "role": "partner"}))
    sam_id = sam.split("/")[2][:32]
    shown = page(unlocked.get(f"/moment/{m}"))
    options = {o.get("value"): o.text for o in shown.select("option")}
    assert options[sam_id] == "Sam"


def test_linking_sets_the_id_and_the_name_and_unlinking_keeps_the_name(
    web: Web, unlocked: TestClient
) -> None:
    m = moment(web, unlocked)
    sam = location(web.post(unlocked, "/people", {"name": "Sam", "role": "partner"}))
    sam_id = sam.split("/")[2][:32]
    assert location(web.post(unlocked, f"/moment/{m}/person", {"person_id": sam_id})) == (
        f"/moment/{m}?person=1#fold-links"
    )
    linked = web._read(lambda s: activations.get_activation(session=s, activation_id=m))
    assert (linked.person_id, linked.person) == (sam_id, "Sam")
    selected = [o for o in page(unlocked.get(f"/moment/{m}")).select("option")
                if "selected" in o.attrs]  # fmt: skip
    assert [o.get("value") for o in selected] == [sam_id]
    location(web.post(unlocked, f"/moment/{m}/person", {"person_id": ""}))
    unlinked = web._read(lambda s: activations.get_activation(session=s, activation_id=m))
    assert (unlinked.person_id, unlinked.person) == (None, "Sam")


def test_an_unknown_person_changes_nothing(web: Web, unlocked: TestClient) -> None:
    m = moment(web, unlocked)
    r = web.post(unlocked, f"/moment/{m}/person", {"person_id": "0" * 32})
    assert r.status_code == 404 and "does not exist" in error_text(r)
    kept = web._read(lambda s: activations.get_activation(session=s, activation_id=m))
    assert (kept.person_id, kept.person) == (None, None)
