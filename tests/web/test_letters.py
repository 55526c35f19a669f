"""Compassionate letters (earned.web.routes.letters): starting points, writing, the list a
page at a time, editing, deleting through the journal's own route, and bad input."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient

from earned import journal
from earned.store import entries
from earned.web import deps
from tests.support.html import page
from tests.support.web import Web, error_text, location

PROMPTS = journal.letter_prompts()
T = datetime(2026, 3, 2, 20, 0, tzinfo=UTC)


def letters(web: Web) -> list[journal.Entry]:
    found: list[journal.Entry] = web._read(lambda s: entries.list_entries(session=s, kind="letter"))
    return found


def write(web: Web, client: TestClient, body: str, prompt: str = "") -> None:
    where = location(web.post(client, "/compassion/letters/new", {"body": body, "prompt": prompt}))
    assert where.startswith("/compassion/letters?saved=1")


def test_the_list_offers_every_starting_point(unlocked: TestClient) -> None:
    p = page(unlocked.get("/compassion/letters"))
    for prompt in PROMPTS:
        assert (
            p.one("a", href=f"/compassion/letters/new?prompt={prompt['key']}").text
            == (prompt["title"])
        )
    assert p.one("a", href="/compassion/letters/new")


def test_a_letter_from_a_starting_point_is_kept_with_it(web: Web, unlocked: TestClient) -> None:
    key = PROMPTS[0]["key"]
    p = page(unlocked.get(f"/compassion/letters/new?prompt={key}"))
    assert PROMPTS[0]["question"] in p.text
    assert p.one("textarea", name="body").get("maxlength") == str(journal.MAX_BODY)
    assert p.one("input", name="prompt").get("value") == key
    assert p.select("a", href="/pause")
    write(web, unlocked, "Dear me,\nyou did well.", key)
    [letter] = letters(web)
    assert (letter.kind, letter.prompt, letter.body) == ("letter", key, "Dear me,\nyou did well.")
    listed = page(unlocked.get("/compassion/letters?saved=1"))
    assert "Dear me," in listed.one("li", id=f"entry-{letter.id}").text
    assert PROMPTS[0]["title"] in listed.one("li", id=f"entry-{letter.id}").text


def test_a_letter_in_your_own_words_has_no_starting_point(web: Web, unlocked: TestClient) -> None:
    write(web, unlocked, "Dear you")
    assert [(e.prompt, e.body) for e in letters(web)] == [(None, "Dear you")]


def test_editing_and_deleting_a_letter(web: Web, unlocked: TestClient) -> None:
    write(web, unlocked, "first words")
    [letter] = letters(web)
    p = page(unlocked.get(f"/compassion/letters/{letter.id}/edit"))
    assert p.one("textarea", name="body").text == "first words"
    r = web.post(unlocked, f"/compassion/letters/{letter.id}", {"body": "second words"})
    assert location(r) == f"/compassion/letters?saved=1#entry-{letter.id}"
    assert [e.body for e in letters(web)] == ["second words"]
    r = web.post(unlocked, f"/entries/{letter.id}/delete")
    assert location(r) == "/compassion/letters?deleted=1"
    assert letters(web) == []


def test_an_empty_or_oversized_letter_is_refused_and_kept(web: Web, unlocked: TestClient) -> None:
    r = web.post(unlocked, "/compassion/letters/new", {"body": "   ", "prompt": PROMPTS[1]["key"]})
    assert r.status_code == 400 and "empty" in error_text(r)
    assert PROMPTS[1]["question"] in page(r).text
    big = "w" * (journal.MAX_BODY + 1)
    r = web.post(unlocked, "/compassion/letters/new", {"body": big})
    assert r.status_code == 400 and "limit" in error_text(r)
    assert page(r).one("textarea", name="body").text == big
    write(web, unlocked, "kept")
    [letter] = letters(web)
    r = web.post(unlocked, f"/compassion/letters/{letter.id}", {"body": ""})
    assert r.status_code == 400
    assert [e.body for e in letters(web)] == ["kept"]


def test_unknown_letters_and_starting_points_are_calm_404s(web: Web, unlocked: TestClient) -> None:
    assert unlocked.get("/compassion/letters/new?prompt=distance").status_code == 404
    r = web.post(unlocked, "/compassion/letters/new", {"body": "x", "prompt": "nope"})
    assert r.status_code == 404
    assert unlocked.get(f"/compassion/letters/{'0' * 32}/edit").status_code == 404
    reflection = web.add_reflection(unlocked, "not a letter")
    assert unlocked.get(f"/compassion/letters/{reflection}/edit").status_code == 404
    assert web.post(unlocked, f"/compassion/letters/{reflection}", {"body": "x"}).status_code == 404
    assert letters(web) == []


def test_words_that_suggest_danger_bring_the_care_panel(web: Web, unlocked: TestClient) -> None:
    where = location(web.post(unlocked, "/compassion/letters/new", {"body": "I want to die."}))
    assert "care=1" in where
    assert page(unlocked.get(where)).select("section.care-panel")


def test_letters_come_a_page_at_a_time(
    web: Web, unlocked: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    for n in range(journal.PAGE + 3):
        monkeypatch.setattr(deps, "now", lambda n=n: T + timedelta(hours=n))
        write(web, unlocked, f"letter {n}")
    first = page(unlocked.get("/compassion/letters"))
    shown = first.select("li", **{"class": "entry"})
    assert len(shown) == journal.PAGE and f"letter {journal.PAGE + 2}" in shown[0].text
    older = first.one("a", rel="next").get("href") or ""
    rest = page(unlocked.get(f"/compassion/letters{older}")).select("li", **{"class": "entry"})
    assert [li.text.split("letter ")[-1].split()[0] for li in rest] == ["2", "1", "0"]
