"""A new session note (GET/POST /therapy/prep/new): candidates to tick from the window,
what was typed kept and each refusal shown next to its field, the words of ticked records
copied, a double submit saved once, and the care panel after worrying words."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from earned import session_prep
from earned.episodes import Pattern
from earned.store import activations, session_notes
from earned.store.models import SessionNoteRow
from earned.web import deps
from tests.support.html import page
from tests.support.web import Web, csrf_of, location

PATTERN = Pattern("abandoned", "the silence", "him leaving", "being left", "send another text")


def moment(web: Web, days_ago: float, trigger: str, pattern: Pattern | None = None) -> str:
    """A moment logged `days_ago`, with a pattern sentence if given; its id."""
    store = web.store
    now = deps.now()
    with store.session() as s:
        a = activations.log_activation(
            session=s, intensity=7, now=now - timedelta(days=days_ago), trigger=trigger
        )
        if pattern is not None:
            activations.update_details(session=s, activation_id=a.id, now=now, pattern=pattern)
    return a.id


def notes(web: Web) -> int:
    return int(web._read(lambda s: s.scalar(select(func.count()).select_from(SessionNoteRow))))


def boxes(response: Any) -> list[str]:
    return [str(b.get("value")) for b in page(response).select("input", name="pick")]


def test_the_form_offers_recent_moments_and_recurring_patterns(
    web: Web, unlocked: TestClient
) -> None:
    recent = moment(web, 2, "no reply all evening", PATTERN)
    moment(web, 5, "a quiet dinner", PATTERN)
    moment(web, 30, "an old argument")  # before the fortnight
    r = unlocked.get("/therapy/prep/new")
    assert r.status_code == 200
    p = page(r)
    assert "Moments from the last two weeks" in p.text
    offered = boxes(r)
    key = session_prep.pattern_id("being left", "send another text")
    assert offered[0] == f"activation:{recent}"
    assert len([k for k in offered if k.startswith("activation:")]) == 2
    assert offered[-1] == f"pattern:{key}"
    assert "no reply all evening" in p.text and "an old argument" not in p.text
    assert "Fear of being left, and the urge to send another text (twice so far)" in p.text
    # The limits come from the domain, and the window is sent back with the form.
    assert p.one("textarea", name="since_last").get("maxlength") == str(session_prep.MAX_TEXT)
    since = p.one("input", name="since").get("value")
    assert since is not None and since.endswith("+00:00")


def test_after_a_note_the_window_starts_at_it(web: Web, unlocked: TestClient) -> None:
    moment(web, 3, "before the note")
    web.post(unlocked, "/therapy/prep/new", {"to_bring": "pacing"})
    moment(web, 0, "after the note")
    p = page(unlocked.get("/therapy/prep/new"))
    assert "Moments since your last note, written" in p.text
    assert "after the note" in p.text and "before the note" not in p.text


def test_an_empty_journal_says_so_kindly(unlocked: TestClient) -> None:
    p = page(unlocked.get("/therapy/prep/new"))
    assert session_prep_words("no_moments") in p.text
    assert session_prep_words("no_patterns") in p.text
    assert not p.select("input", name="pick")


def session_prep_words(key: str) -> str:
    from earned import content

    words: str = content.load("therapy")["prep"][key]
    return words


def test_ticking_two_and_writing_a_line_saves_a_whole_note(web: Web, unlocked: TestClient) -> None:
    first = moment(web, 1, "he went quiet", PATTERN)
    moment(web, 2, "the call ran late", PATTERN)
    key = session_prep.pattern_id("being left", "send another text")
    r = unlocked.post(
        "/therapy/prep/new",
        data={
            "csrf": csrf_of(unlocked),
            "pick": [f"activation:{first}", f"pattern:{key}"],
            "since_last": "I noticed the pull earlier",
            "to_bring": "",
            "session_day": "2026-03-10",
            "session_time": "17:30",
        },
    )
    assert r.status_code == 303
    where = location(r)
    assert where.startswith("/therapy/prep/") and where.endswith("?saved=1")
    note_id = where.split("/")[3].split("?")[0]
    note = web._read(lambda s: session_notes.get_note(session=s, note_id=note_id))
    assert note.since_last == "I noticed the pull earlier" and note.to_bring is None
    assert [p.key for p in note.picked] == [f"activation:{first}", f"pattern:{key}"]
    assert "he went quiet" in note.picked[0].text
    zone = deps_zone()
    assert note.session_at is not None
    assert note.session_at.astimezone(zone).strftime("%Y-%m-%d %H:%M") == "2026-03-10 17:30"
    shown = page(unlocked.get(where))
    assert "he went quiet" in shown.text and "I noticed the pull earlier" in shown.text


def deps_zone() -> Any:
    """The zone the pages use for a journal with no saved zone: this computer's."""
    from earned import zones

    return zones.zone_of(None)


def test_a_double_submit_saves_one_note(web: Web, unlocked: TestClient) -> None:
    token = page(unlocked.get("/therapy/prep/new")).one("input", name="client_token").get("value")
    assert token
    one = web.post(unlocked, "/therapy/prep/new", {"to_bring": "x", "client_token": token})
    two = web.post(unlocked, "/therapy/prep/new", {"to_bring": "x", "client_token": token})
    assert location(one) == location(two)
    assert notes(web) == 1


@pytest.mark.parametrize(
    ("data", "field_error", "message"),
    [
        ({"since_last": " "}, "p.error", "The note is empty"),
        ({"since_last": "x" * 4001}, "p.error#since-error", "4,001 characters"),
        ({"to_bring": "y" * 4001, "since_last": "kept"}, "p.error#bring-error", "4,001"),
        (
            {"to_bring": "z", "session_day": "10/03/2026"},
            "p.error#session-error",
            "like 2026-03-10",
        ),
        ({"to_bring": "z", "session_time": "17:30"}, "p.error#session-error", "date as well"),
        ({"to_bring": "z", "pick": "activation:" + "0" * 32}, "p.error#pick-error", "no longer"),
    ],
)
def test_a_refusal_is_shown_by_its_field_keeping_what_was_typed(
    web: Web, unlocked: TestClient, data: dict[str, str], field_error: str, message: str
) -> None:
    r = web.post(unlocked, "/therapy/prep/new", data)
    assert r.status_code == 400
    p = page(r)
    tag, _, ident = field_error.partition("#")
    found = p.select(tag, id=ident) if ident else p.select(tag)
    assert found and message in found[0].text
    for name in ("since_last", "to_bring"):
        assert p.one("textarea", name=name).text == data.get(name, "").strip()
    assert notes(web) == 0


def test_a_window_the_page_could_not_have_sent_is_refused(web: Web, unlocked: TestClient) -> None:
    r = web.post(unlocked, "/therapy/prep/new", {"to_bring": "z", "since": "last tuesday"})
    assert r.status_code == 400
    assert notes(web) == 0


def test_worrying_words_are_saved_and_bring_the_care_panel(web: Web, unlocked: TestClient) -> None:
    r = web.post(unlocked, "/therapy/prep/new", {"since_last": "some nights I want to die"})
    assert location(r).endswith("?saved=1&care=1")
    landed = unlocked.get(location(r))
    assert page(landed).select("section.care-panel")
    assert notes(web) == 1


def test_what_is_written_is_escaped(web: Web, unlocked: TestClient) -> None:
    r = web.post(unlocked, "/therapy/prep/new", {"to_bring": "<script>alert(1)</script>"})
    shown = unlocked.get(location(r)).text
    assert "<script>alert(1)</script>" not in shown
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in shown
