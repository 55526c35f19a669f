"""Reflections and the origin story: write, read, edit, delete (earned.web.routes.journal)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient

from earned import content, journal
from tests.support.html import page
from tests.support.web import PROMPTS, Web, error_text, location

KEY = PROMPTS[0]
UNKNOWN_ID = "0" * 32
TOO_LONG = "x" * (journal.MAX_BODY + 1)

XSS = [
    ("<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;"),
    ('"><img src=x onerror=alert(1)>', "&#34;&gt;&lt;img src=x onerror=alert(1)&gt;"),
    ("{{7*7}}", "{{7*7}}"),
]


def _origin(web: Web, client: TestClient, body: str) -> str:
    assert location(web.post(client, "/origin/write", {"body": body})) == "/origin/write?saved=1"
    return web.entries("origin")[0].id


# --- reflections --------------------------------------------------------------------------


def test_reflection_index(web: Web, unlocked: TestClient) -> None:
    r = unlocked.get("/reflect")
    assert r.status_code == 200
    p = page(r)
    assert p.one("h1").text == "Five honest questions"
    hrefs = [a.get("href") for a in p.select("a") if (a.get("href") or "").startswith("/reflect/")]
    assert hrefs == [f"/reflect/{k}" for k in PROMPTS]
    assert [h.text for h in p.select("span.hint")] == ["0 entries"] * 5
    web.add_reflection(unlocked, "one", KEY)
    web.add_reflection(unlocked, "two", KEY)
    web.add_reflection(unlocked, "three", PROMPTS[1])
    counts = [h.text for h in page(unlocked.get("/reflect")).select("span.hint")]
    assert counts == ["2 entries", "1 entry", "0 entries", "0 entries", "0 entries"]


@pytest.mark.parametrize("key", PROMPTS)
def test_each_reflection_page(unlocked: TestClient, key: str) -> None:
    prompt = next(p for p in journal.reflection_prompts() if p["key"] == key)
    r = unlocked.get(f"/reflect/{key}")
    assert r.status_code == 200
    p = page(r)
    assert p.one("h1").text == " ".join(prompt["title"].split())
    assert p.one("p.question").text == " ".join(prompt["question"].split())
    p.one("form", action=f"/reflect/{key}")
    assert p.one("textarea", name="body").get("maxlength") == str(journal.MAX_BODY)
    assert p.select("a", href="/pause")
    assert not p.select("ul.entries")


def test_add_edit_delete_reflection(web: Web, unlocked: TestClient) -> None:
    r = web.post(unlocked, f"/reflect/{KEY}", {"body": "  I go quiet when it matters.\r\n  "})
    assert location(r) == f"/reflect/{KEY}?saved=1"
    [entry] = web.entries()
    assert (entry.kind, entry.prompt, entry.body) == (
        "reflection",
        KEY,
        "I go quiet when it matters.",
    )
    p = page(unlocked.get(location(r)))
    assert p.one("p.ok").text == "Saved."
    li = p.one("li", id=f"entry-{entry.id}")
    assert "I go quiet when it matters." in li.text
    assert "edited" not in li.text
    assert p.select("a", href=f"/entries/{entry.id}/edit")
    p.one("form", action=f"/entries/{entry.id}/delete")
    # Other questions do not show it.
    assert "I go quiet" not in unlocked.get(f"/reflect/{PROMPTS[1]}").text

    edit = page(unlocked.get(f"/entries/{entry.id}/edit"))
    assert edit.one("textarea", name="body").text == "I go quiet when it matters."
    assert edit.select("a", href=f"/reflect/{KEY}")
    r = web.post(unlocked, f"/entries/{entry.id}", {"body": "I speak up now, sometimes."})
    assert location(r) == f"/reflect/{KEY}?saved=1"
    [edited] = web.entries()
    assert edited.id == entry.id
    assert edited.body == "I speak up now, sometimes."
    assert edited.created_at == entry.created_at
    assert edited.updated_at > entry.updated_at
    li = page(unlocked.get(f"/reflect/{KEY}")).one("li", id=f"entry-{entry.id}")
    assert "I speak up now, sometimes." in li.text
    assert "edited" in li.text

    r = web.post(unlocked, f"/entries/{entry.id}/delete")
    assert location(r) == f"/reflect/{KEY}?deleted=1"
    assert web.entries() == []
    p = page(unlocked.get(location(r)))
    assert p.one("p.ok").text == "Deleted."
    assert "I speak up now" not in p.text
    assert unlocked.get(f"/entries/{entry.id}/edit").status_code == 404


def test_unknown_reflection_question(web: Web, unlocked: TestClient) -> None:
    r = unlocked.get("/reflect/nope")
    assert r.status_code == 404
    assert "There is no such reflection question." in error_text(r)
    r = web.post(unlocked, "/reflect/nope", {"body": "hello"})
    assert r.status_code == 404
    assert web.entries() == []


@pytest.mark.parametrize("body", ["", "   \n\t  ", "\x00"])
def test_empty_reflection_is_refused(web: Web, unlocked: TestClient, body: str) -> None:
    r = web.post(unlocked, f"/reflect/{KEY}", {"body": body})
    assert r.status_code == 400
    assert "The entry is empty." in error_text(r)
    assert page(r).one("p.error").get("role") == "alert"
    assert web.entries() == []


def test_too_long_reflection_is_refused_and_kept_as_a_draft(web: Web, unlocked: TestClient) -> None:
    r = web.post(unlocked, f"/reflect/{KEY}", {"body": TOO_LONG})
    assert r.status_code == 400
    assert "That entry is 20,001 characters; the limit is 20,000." in error_text(r)
    assert "Nothing was saved" in error_text(r)
    assert page(r).one("textarea", name="body").text == TOO_LONG
    assert web.entries() == []
    # Exactly at the limit is fine.
    web.add_reflection(unlocked, "y" * journal.MAX_BODY)
    assert len(web.entries()[0].body) == journal.MAX_BODY


def test_edit_refuses_empty_and_too_long(web: Web, unlocked: TestClient) -> None:
    entry_id = web.add_reflection(unlocked, "the original")
    for body, message in (("  ", "The entry is empty."), (TOO_LONG, "20,001 characters")):
        r = web.post(unlocked, f"/entries/{entry_id}", {"body": body})
        assert r.status_code == 400
        assert message in error_text(r)
        assert page(r).one("form", action=f"/entries/{entry_id}")
        assert [e.body for e in web.entries()] == ["the original"]


def test_unknown_entry(web: Web, unlocked: TestClient) -> None:
    r = unlocked.get(f"/entries/{UNKNOWN_ID}/edit")
    assert r.status_code == 404
    assert "That entry does not exist" in error_text(r)
    assert web.post(unlocked, f"/entries/{UNKNOWN_ID}", {"body": "x"}).status_code == 404
    assert web.post(unlocked, f"/entries/{UNKNOWN_ID}/delete").status_code == 404
    assert web.entries() == []


# --- origin story ---------------------------------------------------------------------------


def test_origin_shows_the_content_note_first(unlocked: TestClient) -> None:
    r = unlocked.get("/origin")
    assert r.status_code == 200
    p = page(r)
    main = r.text[r.text.index('<main id="main">') :]
    note = main.index('class="content-note"')
    assert note < main.index('href="/origin/write"')
    assert not p.select("form", action="/origin/write")
    assert p.one("div.content-note").get("role") == "note"
    note_text = p.one("div.content-note").text
    assert note_text.startswith("Content note")
    assert " ".join(content.load("pacing")["notes"]["origin"]["text"].split()) in note_text
    assert "Pause" in note_text
    assert p.select("a", href="/")  # "Not today"


def test_origin_write_page_has_pause_before_the_form(unlocked: TestClient) -> None:
    r = unlocked.get("/origin/write")
    assert r.status_code == 200
    p = page(r)
    p.one("a.pause", href="/pause")
    main = r.text[r.text.index('<main id="main">') :]
    assert main.index('href="/pause"') < main.index('action="/origin/write"')
    prompts = p.one("ul.prompts").text
    assert "Who did you turn to as a child" in prompts


def test_add_edit_delete_origin(web: Web, unlocked: TestClient) -> None:
    entry_id = _origin(web, unlocked, "When I was small I learned to be quiet.")
    [entry] = web.entries()
    assert (entry.kind, entry.prompt) == ("origin", None)
    p = page(unlocked.get("/origin/write?saved=1"))
    assert p.one("p.ok").text == "Saved."
    assert "learned to be quiet" in p.one("li", id=f"entry-{entry_id}").text
    # Origin entries do not show up among the reflections.
    assert "learned to be quiet" not in unlocked.get(f"/reflect/{KEY}").text
    edit = page(unlocked.get(f"/entries/{entry_id}/edit"))
    assert edit.select("a", href="/origin/write")
    r = web.post(unlocked, f"/entries/{entry_id}", {"body": "I learned to be quiet, and why."})
    assert location(r) == "/origin/write?saved=1"
    assert web.entries()[0].body == "I learned to be quiet, and why."
    r = web.post(unlocked, f"/entries/{entry_id}/delete")
    assert location(r) == "/origin/write?deleted=1"
    assert web.entries() == []


def test_origin_refuses_empty_and_too_long(web: Web, unlocked: TestClient) -> None:
    for body, message in (("", "The entry is empty."), (TOO_LONG, "20,001 characters")):
        r = web.post(unlocked, "/origin/write", {"body": body})
        assert r.status_code == 400
        assert message in error_text(r)
        assert page(r).select("a", href="/pause")
    assert web.entries() == []


# --- escaping -------------------------------------------------------------------------------


@pytest.mark.parametrize("payload,escaped", XSS)
def test_entries_render_escaped_and_inert(
    web: Web, unlocked: TestClient, payload: str, escaped: str
) -> None:
    reflection = web.add_reflection(unlocked, payload)
    origin = _origin(web, unlocked, payload)
    pages = {
        f"/reflect/{KEY}": reflection,
        "/origin/write": origin,
        f"/entries/{reflection}/edit": reflection,
        f"/entries/{origin}/edit": origin,
        "/": None,
    }
    for url, entry_id in pages.items():
        r = unlocked.get(url)
        assert r.status_code == 200
        html = r.text
        assert escaped in html, url
        if payload != escaped:
            assert payload not in html, url
        p = page(r)
        assert all((s.get("src") or "").startswith("/static/") for s in p.select("script")), url
        assert not [el for el in p.elements if "onerror" in el.attrs], url
        assert not p.select("img"), url
        # Shown as the very text written: not markup, and not evaluated as a template.
        if url.startswith("/entries/"):
            assert p.one("textarea", name="body").text == payload, url
        elif entry_id:
            assert p.one("div.body").text == payload, url
        else:
            recent = [li.text for li in p.select("li") if li.text.endswith(payload)]
            assert len(recent) == 2, url  # the reflection and the origin entry
        assert "49" not in [el.text for el in p.select("div.body") + p.select("textarea")]


@pytest.mark.parametrize("payload,escaped", XSS)
def test_a_refused_draft_is_escaped_too(
    web: Web, unlocked: TestClient, payload: str, escaped: str
) -> None:
    r = web.post(unlocked, f"/reflect/{KEY}", {"body": payload + TOO_LONG})
    assert r.status_code == 400
    if payload != escaped:
        assert payload not in r.text
    assert escaped in r.text
    assert not [el for el in page(r).elements if "onerror" in el.attrs]


def test_entries_are_dated_on_the_persons_clock(web: Web, unlocked: TestClient) -> None:
    """Entries once showed UTC while moments showed local time: every server-rendered time
    is now in the person's zone (set at setup from the browser)."""
    from sqlalchemy import update

    from earned import zones
    from earned.store import settings
    from earned.store.models import EntryRow

    web.add_reflection(unlocked, "late at night")
    web._read(
        lambda s: settings.set_setting(session=s, key=zones.SETTING, value="Pacific/Auckland")
    )
    web._read(
        lambda s: s.execute(
            update(EntryRow).values(
                created_at=datetime(2026, 3, 2, 22, 30, tzinfo=UTC),
                updated_at=datetime(2026, 3, 2, 22, 30, tzinfo=UTC),
            )
        )
    )
    text = page(unlocked.get(f"/reflect/{PROMPTS[0]}")).text
    assert "03 Mar 2026, 11:30" in text  # Auckland is UTC+13 in March
    assert "UTC" not in text


def test_a_long_history_of_reflections_comes_a_page_at_a_time(
    web: Web, unlocked: TestClient
) -> None:
    """Three years of writing: the page shows the newest `journal.PAGE` and a link to
    older ones, instead of every entry ever written."""
    key = PROMPTS[0]
    total = journal.PAGE * 2 + 3
    for i in range(total):
        web.add_reflection(unlocked, f"entry number {i:03d}", key)
    web.add_reflection(unlocked, "another question's entry", PROMPTS[1])
    seen: list[str] = []
    url = f"/reflect/{key}"
    for _ in range(3):
        p = page(unlocked.get(url))
        seen += [el.text for el in p.select("div.body")]
        older = p.select("a", rel="next")
        if not older:
            break
        url = f"/reflect/{key}{older[0].get('href')}"
    assert len(seen) == total and len(set(seen)) == total
    assert seen[0] == f"entry number {total - 1:03d}"  # newest first
    counts = page(unlocked.get("/reflect")).text
    assert f"{total}" in counts
    assert unlocked.get(f"/reflect/{key}?before=nonsense").status_code == 404
