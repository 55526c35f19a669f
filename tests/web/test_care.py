"""Crisis language at save time in the web app: every route that saves free text keeps the
words exactly as written and then, when earned.safety fires, lands on a page showing the
calm care panel with the region's lines. Idioms and ordinary sadness land without it."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from earned.store import activations, settings, toolkit, urge_timers
from earned.store.models import PracticeRow
from earned.web.care import after_save
from tests.support.html import page
from tests.support.web import PROMPTS, Web, location

RISK = "I keep thinking about killing myself tonight"
IDIOM = "This deadline is killing me"


def lands(client: TestClient, response: httpx.Response) -> tuple[str, httpx.Response]:
    """Where a save redirected to, and that page."""
    where = location(response)
    return where, client.get(where)


def shows_care(where: str, response: httpx.Response) -> bool:
    """care=1 in the address, and the panel with the crisis lines on the page."""
    asked = parse_qs(urlsplit(where).query).get("care") == ["1"]
    panels = page(response).select("section.care-panel")
    if asked:
        assert response.status_code == 200
        assert len(panels) == 1, "care=1 but no panel"
        assert "988" in panels[0].text and "Everything you wrote is saved" in panels[0].text
    else:
        assert panels == []
    return asked


def capture(web: Web, client: TestClient) -> str:
    where = location(web.post(client, "/moment", {"intensity": "7", "client_token": ""}))
    match = re.fullmatch(r"/moment/([0-9a-f]{32})/saved", where)
    assert match, where
    return match.group(1)


# --- the journal -------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "care"), [(RISK, True), (IDIOM, False)])
def test_a_reflection_is_saved_and_risk_words_bring_the_care_panel(
    web: Web, unlocked: TestClient, text: str, care: bool
) -> None:
    where, landed = lands(unlocked, web.post(unlocked, f"/reflect/{PROMPTS[0]}", {"body": text}))
    assert where.startswith(f"/reflect/{PROMPTS[0]}?saved=1")
    assert shows_care(where, landed) is care
    assert [e.body for e in web.entries("reflection")] == [text]  # saved, word for word
    if care:
        panel = page(landed).one("section.care-panel")
        assert "Call or text 988" in panel.text
        # The person can carry on where they were: the page and its form are all there.
        assert page(landed).select("textarea", name="body")


def test_the_origin_story_and_an_edit_are_checked_too(web: Web, unlocked: TestClient) -> None:
    where, landed = lands(unlocked, web.post(unlocked, "/origin/write", {"body": "I want to die."}))
    assert shows_care(where, landed)
    assert [e.body for e in web.entries("origin")] == ["I want to die."]

    entry = web.add_reflection(unlocked, "A hard day at work.")
    where, landed = lands(
        unlocked, web.post(unlocked, f"/entries/{entry}", {"body": "I wish I were dead."})
    )
    assert shows_care(where, landed)
    assert web.entries("reflection")[0].body == "I wish I were dead."


def test_after_an_interaction_only_the_answers_are_read(web: Web, unlocked: TestClient) -> None:
    where, landed = lands(
        unlocked, web.post(unlocked, "/moment/after", {"happened": "He left. I want to die."})
    )
    assert shows_care(where, landed)
    assert "I want to die." in web.entries("after")[0].body
    where, landed = lands(
        unlocked, web.post(unlocked, "/moment/after", {"happened": "We talked it through."})
    )
    assert not shows_care(where, landed)


def test_the_region_setting_chooses_the_lines(web: Web, unlocked: TestClient) -> None:
    store = web.store
    with store.session() as s:
        settings.set_setting(session=s, key="region", value="uk-ie")
    _, landed = lands(unlocked, web.post(unlocked, f"/reflect/{PROMPTS[0]}", {"body": "kms"}))
    panel = page(landed).one("section.care-panel")
    assert "116 123" in panel.text and "988" not in panel.text


# --- in the moment ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "text", "care"),
    [
        ("trigger", "he left and I want to end my life", True),
        ("urge", "hurt myself", True),
        ("action", "took all my pills", True),
        ("emotions_other", "suicidal", True),
        ("p_fear", "everyone would be better off without me", True),
        ("trigger", IDIOM, False),
        ("urge", "text him again", False),
    ],
)
def test_an_activation_s_details_are_saved_and_checked(
    web: Web, unlocked: TestClient, field: str, text: str, care: bool
) -> None:
    aid = capture(web, unlocked)
    where, landed = lands(unlocked, web.post(unlocked, f"/moment/{aid}", {field: text}))
    assert where.startswith(f"/moment/{aid}?saved=1")
    assert shows_care(where, landed) is care
    saved = web._read(lambda s: activations.get_activation(session=s, activation_id=aid))
    if field == "emotions_other":
        assert saved.emotions == [text]
    elif field == "p_fear":
        assert saved.pattern is not None and saved.pattern.fear == text
    else:
        assert getattr(saved, field) == text


@pytest.mark.parametrize(("text", "care"), [("cut myself", True), ("check his phone", False)])
def test_an_urge_timer_starts_and_its_words_are_checked(
    web: Web, unlocked: TestClient, text: str, care: bool
) -> None:
    where, landed = lands(unlocked, web.post(unlocked, "/urge", {"custom": text}))
    assert re.fullmatch(r"/urge/[0-9a-f]{32}(\?care=1)?", where)
    assert shows_care(where, landed) is care
    assert [t.urge for t in web._read(lambda s: urge_timers.list_urges(session=s))] == [text]


# --- regulation ----------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "care"), [("planning to end it all", True), ("a bath", False)])
def test_a_tool_name_is_saved_and_checked(
    web: Web, unlocked: TestClient, name: str, care: bool
) -> None:
    where, landed = lands(unlocked, web.post(unlocked, "/regulate/toolkit", {"name": name}))
    assert shows_care(where, landed) is care
    assert [r.name for r in web._read(lambda s: toolkit.toolkit(session=s))] == [name]


def notes(web: Web) -> list[str | None]:
    found: list[str | None] = web._read(lambda s: list(s.scalars(select(PracticeRow.note))))
    return found


@pytest.mark.parametrize(("note", "care"), [("walked to the bridge to jump", True), ("", False)])
def test_a_practice_note_is_saved_and_checked(
    web: Web, unlocked: TestClient, note: str, care: bool
) -> None:
    data = {"kind": "movement", "minutes": "20", "note": note}
    where, landed = lands(unlocked, web.post(unlocked, "/regulate/practice", data))
    assert where.startswith("/regulate/log?saved=1")
    assert shows_care(where, landed) is care
    assert notes(web) == [note or None]


def test_a_kept_grounding_note_is_checked(web: Web, unlocked: TestClient) -> None:
    data = {"see": "the rope", "touch": "I want to hang myself", "save_note": "1"}
    where, landed = lands(unlocked, web.post(unlocked, "/regulate/ground/done", data))
    assert shows_care(where, landed)
    assert "I want to hang myself" in (notes(web)[0] or "")
    # Not kept, not read: nothing was saved, so nothing is shown.
    data.pop("save_note")
    where, landed = lands(unlocked, web.post(unlocked, "/regulate/ground/done", data))
    assert not shows_care(where, landed)


# --- the helper ------------------------------------------------------------------------------


def test_after_save_adds_care_before_a_fragment_and_only_when_it_fires() -> None:
    assert after_save("/moment?peak=1#episodes", "kms") == "/moment?peak=1&care=1#episodes"
    assert after_save("/urge/abc", "I want to die") == "/urge/abc?care=1"
    assert after_save("/urge/abc", "a calm walk", None) == "/urge/abc"
    assert after_save("/urge/abc") == "/urge/abc"


# --- a refusal never hides the care panel or loses the words --------------------------------


def test_a_refused_vent_still_brings_the_panel_and_keeps_the_words(
    web: Web, unlocked: TestClient
) -> None:
    """A 502-character vent ending in crisis words was refused for length and showed no
    panel: detection now runs on every submitted form before any limit, and the refusal
    page gives the words back with an offer to keep them as a note."""
    vent = ("I have been holding all of this in for weeks and nobody notices. " * 8)[:480]
    vent = vent.strip() + " I want to end my life."
    assert len(vent) > 500
    r = web.post(unlocked, "/urge", {"custom": vent})
    assert r.status_code == 400
    p = page(r)
    assert len(p.select("section.care-panel")) == 1
    assert "988" in p.one("section.care-panel").text
    assert p.one("textarea", id="kept-body").text == vent
    assert web._read(lambda s: urge_timers.list_urges(session=s)) == []
    kept = web.post(unlocked, "/entries/note", {"body": p.one("textarea", id="kept-body").text})
    where, landed = lands(unlocked, kept)
    assert shows_care(where, landed)
    [note] = web.entries("note")
    assert note.body == vent


def test_a_refusal_of_calm_words_shows_no_panel(web: Web, unlocked: TestClient) -> None:
    r = web.post(unlocked, "/urge", {"custom": "text him again and again " * 30})
    assert r.status_code == 400
    p = page(r)
    assert p.select("section.care-panel") == []
    assert p.one("textarea", id="kept-body")  # long words are still offered back


def test_short_refused_input_is_not_offered_back(web: Web, unlocked: TestClient) -> None:
    r = web.post(unlocked, "/moment", {"intensity": "eleven"})
    assert r.status_code == 400
    assert page(r).select("textarea") == []


@pytest.mark.parametrize(("urge", "care"), [("hurt myself", True), ("send a text", False)])
def test_acting_on_a_dangerous_urge_brings_the_lines(
    web: Web, unlocked: TestClient, urge: str, care: bool
) -> None:
    started = location(web.post(unlocked, "/urge", {"custom": urge}))
    timer_id = started.split("?")[0].rsplit("/", 1)[1]
    ended = web.post(unlocked, f"/urge/{timer_id}/end", {"outcome": "acted"})
    where, landed = lands(unlocked, ended)
    assert shows_care(where, landed) is care
    calm = web.post(unlocked, "/urge", {"custom": urge})
    calm_id = location(calm).split("?")[0].rsplit("/", 1)[1]
    waited = web.post(unlocked, f"/urge/{calm_id}/end", {"outcome": "waited"})
    assert not shows_care(*lands(unlocked, waited))


def test_the_care_panel_on_a_refusal_does_not_say_it_was_saved(
    web: Web, unlocked: TestClient
) -> None:
    """The panel usually says everything written is saved; on a refusal nothing is yet, so
    it says the words are still on the page; and its lines can be tapped to call."""
    vent = "I can't do this anymore. " * 30 + "I want to end my life."
    p = page(web.post(unlocked, "/urge", {"custom": vent}))
    panel = p.one("section.care-panel")
    assert "It is not saved yet" in panel.text and "Everything you wrote is saved" not in panel.text
    calls = [a.get("href") for a in p.select("a") if a.has_class("call")]
    assert calls == ["tel:988"]  # the panel's lines, the only ones on a refusal page
