"""One session note (GET /therapy/prep/{id}, its edit page and POSTs): shown whole and
print-friendly, edited with refusals by their fields, picked items let go, deleted, and a
calm 404 for an unknown note."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient

from earned.store import activations, session_notes
from earned.web import deps
from tests.support.html import page
from tests.support.web import Web, csrf_of, error_text, location

UNKNOWN = "0" * 32


def a_note(web: Web, client: TestClient, **data: str) -> str:
    r = web.post(client, "/therapy/prep/new", data or {"since_last": "a full week"})
    return location(r).split("/")[3].split("?")[0]


def a_moment(web: Web, trigger: str) -> str:
    store = web.store
    with store.session() as s:
        a = activations.log_activation(
            session=s, intensity=6, now=deps.now() - timedelta(hours=2), trigger=trigger
        )
    return a.id


def test_a_note_is_shown_whole_and_printable(web: Web, unlocked: TestClient) -> None:
    moment = a_moment(web, "he cancelled our plans")
    note = a_note(
        web,
        unlocked,
        since_last="line one\nline two",
        to_bring="the pull to text",
        pick=f"activation:{moment}",
    )
    r = unlocked.get(f"/therapy/prep/{note}?saved=1")
    assert r.status_code == 200
    p = page(r)
    assert p.main().select("article.printable")
    assert "line one\nline two" in r.text  # kept as written, shown with pre-wrap
    assert "he cancelled our plans" in p.text
    assert [h.text for h in p.main().select("h3")] == ["Moments"]
    assert p.main().select("a", href=f"/therapy/prep/{note}/edit")
    assert "Saved." in p.text


def test_the_copied_words_stay_when_the_moment_is_deleted(web: Web, unlocked: TestClient) -> None:
    moment = a_moment(web, "the long silence")
    note = a_note(web, unlocked, pick=f"activation:{moment}", to_bring="x")
    store = web.store
    with store.session() as s:
        activations.delete_activation(session=s, activation_id=moment)
    assert "the long silence" in page(unlocked.get(f"/therapy/prep/{note}")).text


def test_an_edit_changes_the_words_and_lets_picked_items_go(web: Web, unlocked: TestClient) -> None:
    one, two = a_moment(web, "first thing"), a_moment(web, "second thing")
    r = unlocked.post(
        "/therapy/prep/new",
        data={
            "csrf": csrf_of(unlocked),
            "to_bring": "y",
            "pick": [f"activation:{one}", f"activation:{two}"],
        },
    )
    note = location(r).split("/")[3].split("?")[0]
    form = page(unlocked.get(f"/therapy/prep/{note}/edit"))
    assert form.one("textarea", name="to_bring").text == "y"
    boxes = form.select("input", name="keep")
    assert {b.get("value") for b in boxes} == {f"activation:{one}", f"activation:{two}"}
    assert all("checked" in b.attrs for b in boxes)
    r = web.post(
        unlocked,
        f"/therapy/prep/{note}",
        {
            "since_last": "after",
            "to_bring": "",
            "session_day": "2026-04-01",
            "keep": f"activation:{two}",
        },
    )
    assert location(r) == f"/therapy/prep/{note}?edited=1"
    saved = web._read(lambda s: session_notes.get_note(session=s, note_id=note))
    assert (saved.since_last, saved.to_bring) == ("after", None)
    assert [p.key for p in saved.picked] == [f"activation:{two}"]
    assert "second thing" in saved.picked[0].text
    assert saved.session_at is not None
    # A key that was never picked is not added by an edit.
    web.post(
        unlocked, f"/therapy/prep/{note}", {"since_last": "after", "keep": f"activation:{one}"}
    )
    saved = web._read(lambda s: session_notes.get_note(session=s, note_id=note))
    assert saved.picked == ()


def test_a_refused_edit_keeps_what_was_typed_and_changes_nothing(
    web: Web, unlocked: TestClient
) -> None:
    note = a_note(web, unlocked, since_last="as it was")
    r = web.post(
        unlocked, f"/therapy/prep/{note}", {"since_last": "new words", "session_day": "soon"}
    )
    assert r.status_code == 400
    p = page(r)
    assert "like 2026-03-10" in p.one("p", id="session-error").text
    assert p.one("textarea", name="since_last").text == "new words"
    r = web.post(unlocked, f"/therapy/prep/{note}", {"since_last": ""})
    assert r.status_code == 400 and "The note is empty" in page(r).text
    saved = web._read(lambda s: session_notes.get_note(session=s, note_id=note))
    assert saved.since_last == "as it was"


def test_a_note_can_be_deleted(web: Web, unlocked: TestClient) -> None:
    note = a_note(web, unlocked)
    r = web.post(unlocked, f"/therapy/prep/{note}/delete")
    assert location(r) == "/therapy/prep?deleted=1"
    assert "The note was deleted." in page(unlocked.get("/therapy/prep?deleted=1")).text
    assert unlocked.get(f"/therapy/prep/{note}").status_code == 404


def test_an_unknown_note_is_a_calm_404(web: Web, unlocked: TestClient) -> None:
    for r in (
        unlocked.get(f"/therapy/prep/{UNKNOWN}"),
        unlocked.get(f"/therapy/prep/{UNKNOWN}/edit"),
        web.post(unlocked, f"/therapy/prep/{UNKNOWN}", {"since_last": "x"}),
        web.post(unlocked, f"/therapy/prep/{UNKNOWN}/delete"),
    ):
        assert r.status_code == 404
        assert "does not exist" in error_text(r)


def test_edited_worrying_words_bring_the_care_panel(web: Web, unlocked: TestClient) -> None:
    note = a_note(web, unlocked)
    r = web.post(unlocked, f"/therapy/prep/{note}", {"to_bring": "I want to end my life"})
    assert location(r).endswith("edited=1&care=1")
    assert page(unlocked.get(location(r))).select("section.care-panel")
