"""The parts map's pages (earned.web.routes.parts): the map, adding a part, a part's own
page (edit, where it was loudest), putting it away and back; and the loudest-part card on a
moment's page (routes/moment.py). Bad input keeps what was typed; nothing is half saved."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from earned import content, parts
from earned.store import activations
from earned.store import parts as part_store
from tests.support.html import page
from tests.support.web import Web, error_text, location

WORDS = content.load("parts")
UNKNOWN = "0" * 32


def add(web: Web, client: TestClient, name: str, **fields: str) -> str:
    where = location(web.post(client, "/parts", {"name": name, **fields}))
    match = re.fullmatch(r"/parts\?added=1#part-([0-9a-f]{32})", where)
    assert match, where
    return match.group(1)


def moment(web: Web, client: TestClient) -> str:
    return location(web.post(client, "/moment", {"intensity": "6"})).split("/")[2]


def test_an_empty_map_explains_itself_and_offers_the_form(unlocked: TestClient) -> None:
    p = page(unlocked.get("/parts"))
    assert p.one("h1").text == "Your parts map"
    assert WORDS["empty"] in p.text
    form = p.one("form", action="/parts")
    name = p.one("input", name="name")
    assert name.get("maxlength") == str(parts.MAX_NAME) and "required" in name.attrs
    for field in parts.FIELDS:
        assert p.one("textarea", name=field).get("maxlength") == str(parts.MAX_TEXT)
    assert form.get("method") == "post"


def test_adding_a_part_puts_it_on_the_map_with_its_words(web: Web, unlocked: TestClient) -> None:
    part_id = add(
        web, unlocked, " the watcher ", protects="me from surprises", fears="being left", needs=""
    )
    p = page(unlocked.get("/parts?added=1"))
    assert "Added to your map." in p.one("p.ok").text
    card = p.one("li", id=f"part-{part_id}")
    assert "the watcher" in card.text and "being left" in card.text
    assert "What it needs" not in card.text  # an empty field is not shown
    assert p.select("a", href=f"/parts/{part_id}")
    stored = web._read(lambda s: part_store.get_part(session=s, part_id=part_id))
    assert (stored.name, stored.protects, stored.needs) == (
        "the watcher",
        "me from surprises",
        None,
    )


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ({"name": "  "}, "Give the part a name"),
        ({"name": "ok", "fears": "f" * (parts.MAX_TEXT + 1)}, "under 1,000"),
        ({"name": "n" * (parts.MAX_NAME + 1), "needs": "rest"}, f"under {parts.MAX_NAME}"),
    ],
)
def test_a_refused_part_keeps_what_was_typed_and_saves_nothing(
    web: Web, unlocked: TestClient, typed: dict[str, str], message: str
) -> None:
    r = web.post(unlocked, "/parts", {"protects": "kept words", **typed})
    assert r.status_code == 400
    assert message in error_text(r)
    p = page(r)
    assert p.one("textarea", name="protects").text == "kept words"
    assert web._read(lambda s: part_store.list_parts(session=s)) == []


def test_two_parts_of_one_name_are_refused(web: Web, unlocked: TestClient) -> None:
    add(web, unlocked, "the watcher")
    r = web.post(unlocked, "/parts", {"name": "The Watcher", "needs": "to rest"})
    assert r.status_code == 400 and "already on your map" in error_text(r)
    assert page(r).one("textarea", name="needs").text == "to rest"


def test_words_that_suggest_danger_bring_the_care_panel(web: Web, unlocked: TestClient) -> None:
    where = location(
        web.post(unlocked, "/parts", {"name": "the hurt one", "fears": "I want to die"})
    )
    assert "care=1" in where
    assert page(unlocked.get(where)).select("section.care-panel")


def test_a_part_page_edits_every_field(web: Web, unlocked: TestClient) -> None:
    part_id = add(web, unlocked, "the watcher", fears="being left")
    p = page(unlocked.get(f"/parts/{part_id}"))
    assert p.one("h1").text == "the watcher"
    assert p.one("textarea", name="fears").text == "being left"
    assert WORDS["loudest_none"] in p.text
    r = web.post(unlocked, f"/parts/{part_id}", {"name": "the guard", "fears": "", "needs": "rest"})
    assert location(r) == f"/parts/{part_id}?saved=1"
    got = web._read(lambda s: part_store.get_part(session=s, part_id=part_id))
    assert (got.name, got.fears, got.needs) == ("the guard", None, "rest")


def test_a_refused_edit_shows_the_typed_words_and_changes_nothing(
    web: Web, unlocked: TestClient
) -> None:
    part_id = add(web, unlocked, "the watcher", needs="rest")
    r = web.post(unlocked, f"/parts/{part_id}", {"name": "", "needs": "something new"})
    assert r.status_code == 400 and "Give the part a name" in error_text(r)
    assert page(r).one("textarea", name="needs").text == "something new"
    got = web._read(lambda s: part_store.get_part(session=s, part_id=part_id))
    assert (got.name, got.needs) == ("the watcher", "rest")


def test_putting_a_part_away_and_bringing_it_back(web: Web, unlocked: TestClient) -> None:
    part_id = add(web, unlocked, "the critic")
    assert location(web.post(unlocked, f"/parts/{part_id}/archive")) == "/parts?archived=1"
    p = page(unlocked.get("/parts?archived=1"))
    assert not p.select("li", id=f"part-{part_id}")
    assert "Put away (1)" in p.text
    assert "Bring it back" in page(unlocked.get(f"/parts/{part_id}")).text
    r = web.post(unlocked, f"/parts/{part_id}/archive", {"back": "1"})
    assert location(r) == "/parts?back=1"
    assert page(unlocked.get("/parts")).select("li", id=f"part-{part_id}")


def test_unknown_parts_are_calm_404s(web: Web, unlocked: TestClient) -> None:
    assert unlocked.get(f"/parts/{UNKNOWN}").status_code == 404
    assert web.post(unlocked, f"/parts/{UNKNOWN}", {"name": "x"}).status_code == 404
    assert web.post(unlocked, f"/parts/{UNKNOWN}/archive").status_code == 404


def test_text_is_escaped(web: Web, unlocked: TestClient) -> None:
    part_id = add(web, unlocked, "<script>alert(1)</script>", needs="<b>hi</b>")
    r = unlocked.get(f"/parts/{part_id}")
    assert "<script>alert(1)</script>" not in r.text and "&lt;b&gt;hi&lt;/b&gt;" in r.text


# --- the loudest part, on a moment's page ------------------------------------------------------


def test_a_moment_offers_the_parts_and_keeps_the_choice(web: Web, unlocked: TestClient) -> None:
    a = moment(web, unlocked)
    assert WORDS["moment_empty"] in page(unlocked.get(f"/moment/{a}")).text
    watcher = add(web, unlocked, "the watcher")
    critic = add(web, unlocked, "the critic")
    p = page(unlocked.get(f"/moment/{a}"))
    options = p.one("select", name="part_id")
    assert options
    names = [o.text for o in p.select("option") if o.get("value") in ("", watcher, critic)]
    assert names == ["None named", "the critic", "the watcher"]
    r = web.post(unlocked, f"/moment/{a}/part", {"part_id": watcher})
    assert location(r) == f"/moment/{a}?part=1#fold-links"
    p = page(unlocked.get(f"/moment/{a}?part=1"))
    chosen = [o for o in p.select("option") if "selected" in o.attrs]
    assert [o.get("value") for o in chosen] == [watcher]
    assert p.select("a", href=f"/parts/{watcher}")
    assert web._read(lambda s: activations.loudest_part(session=s, activation_id=a)) == watcher
    # The part's page counts it and links the moment.
    detail = page(unlocked.get(f"/parts/{watcher}"))
    assert "in 1 moment" in detail.text and detail.select("a", href=f"/moment/{a}")
    assert "Loudest in 1 moment" in page(unlocked.get("/parts")).text
    # None named clears it.
    assert location(web.post(unlocked, f"/moment/{a}/part", {"part_id": ""}))
    assert web._read(lambda s: activations.loudest_part(session=s, activation_id=a)) is None


def test_a_part_put_away_stays_on_its_moments_but_is_not_offered_to_others(
    web: Web, unlocked: TestClient
) -> None:
    first, second = moment(web, unlocked), moment(web, unlocked)
    critic = add(web, unlocked, "the critic")
    web.post(unlocked, f"/moment/{first}/part", {"part_id": critic})
    web.post(unlocked, f"/parts/{critic}/archive")
    kept = page(unlocked.get(f"/moment/{first}"))
    assert [o.get("value") for o in kept.select("option") if "selected" in o.attrs] == [critic]
    assert not [o for o in page(unlocked.get(f"/moment/{second}")).select("option")
                if o.get("value") == critic]  # fmt: skip
    r = web.post(unlocked, f"/moment/{second}/part", {"part_id": critic})
    assert r.status_code == 400 and "not on your map" in error_text(r)
    assert web._read(lambda s: activations.loudest_part(session=s, activation_id=second)) is None
    assert web.post(unlocked, f"/moment/{UNKNOWN}/part", {"part_id": ""}).status_code == 404
