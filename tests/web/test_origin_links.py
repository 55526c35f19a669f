"""Origin-story passages linked to today (earned.web.routes.beliefs, on the origin page
earned.web.routes.journal shows): the link form under each entry, a passage that is the
entry's words, bad input kept, links shown on the belief page and the patterns page,
removing a link, and the origin page's content note and Pause kept."""

from __future__ import annotations

from fastapi.testclient import TestClient

from earned import beliefs as rules
from earned import pacing
from earned.episodes import Pattern
from earned.origin_links import MAX_PASSAGE, Target
from earned.store import activations
from earned.web import deps
from tests.support.html import page
from tests.support.web import Web, location

STORY = "When I cried, Mum went quiet.\nI learned to keep the hard days to myself."
TRIGGER = "no reply for hours"


def story(web: Web, client: TestClient) -> str:
    web.post(client, "/origin/write", {"body": STORY})
    return web.entries("origin")[0].id


def belief(web: Web, client: TestClient) -> str:
    r = web.post(client, "/beliefs", {"belief": "People pull away.", "strength": "80"})
    return location(r).split("/")[2].split("?")[0]


def moments(web: Web) -> None:
    """Two moments with the same trigger and pattern: a recurring pattern to link to."""

    def log(s: object) -> None:
        for _ in range(2):
            a = activations.log_activation(
                session=s,
                intensity=6,
                trigger=TRIGGER,
                now=deps.now(),  # type: ignore[arg-type]
            )
            activations.update_details(
                session=s,  # type: ignore[arg-type]
                activation_id=a.id,
                now=deps.now(),
                pattern=Pattern("scared", "silence", "leaving", "being left", "text again"),
            )

    web._read(log)


def choice(kind: str, key: str) -> str:
    return Target(kind, key, "").choice


def link(web: Web, client: TestClient, entry: str, passage: str, chosen: str) -> object:
    return web.post(client, f"/origin/{entry}/links", {"passage": passage, "choice": chosen})


def test_the_origin_page_keeps_its_note_and_pause(unlocked: TestClient) -> None:
    note = page(unlocked.get("/origin"))
    assert " ".join(pacing.content_note("origin")["text"].split()) in note.text
    assert note.select("a", href="/pause")


def test_each_entry_offers_a_link_form_with_what_can_be_linked(
    web: Web, unlocked: TestClient
) -> None:
    entry = story(web, unlocked)
    belief_id = belief(web, unlocked)
    moments(web)
    p = page(unlocked.get("/origin/write"))
    assert p.select("a", href="/pause")
    form = p.one("form", action=f"/origin/{entry}/links")
    assert form
    assert p.one("textarea", name="passage").get("maxlength") == str(MAX_PASSAGE)
    values = {o.get("value") for o in p.select("option")}
    assert {
        choice("belief", belief_id),
        choice("trigger", TRIGGER),
        choice("pattern", "being left\ntext again"),
    } <= values
    assert p.select("script", src="/static/beliefs.js")


def test_a_linked_passage_shows_on_the_origin_page_and_the_belief_page(
    web: Web, unlocked: TestClient
) -> None:
    entry = story(web, unlocked)
    belief_id = belief(web, unlocked)
    r = link(web, unlocked, entry, "Mum went quiet. I learned", choice("belief", belief_id))
    assert location(r) == f"/origin/write?linked=1#entry-{entry}"
    origin = page(unlocked.get("/origin/write?linked=1"))
    assert rules.words()["links"]["linked"] in origin.text
    assert origin.one("ul.origin-links").text.startswith("Mum went quiet. I learned")
    assert origin.one("a", href=f"/beliefs/{belief_id}").text == "People pull away."
    shown = page(unlocked.get(f"/beliefs/{belief_id}"))
    assert "Mum went quiet. I learned" in shown.one("ul.origin-passages").text
    assert rules.words()["links_title"] in shown.text


def test_links_to_patterns_and_triggers_show_on_the_patterns_page(
    web: Web, unlocked: TestClient
) -> None:
    entry = story(web, unlocked)
    moments(web)
    link(web, unlocked, entry, "keep the hard days", choice("trigger", TRIGGER))
    link(web, unlocked, entry, "When I cried", choice("pattern", "being left\ntext again"))
    p = page(unlocked.get("/patterns"))
    recurring = p.one("ol.recurring").text
    assert "being left" in recurring and "When I cried" in recurring
    assert "keep the hard days" in p.one("ul.trigger-passages").text


def test_a_refused_link_keeps_what_was_chosen_and_saves_nothing(
    web: Web, unlocked: TestClient
) -> None:
    entry = story(web, unlocked)
    belief_id = belief(web, unlocked)
    for passage, chosen, message in [
        ("Dad went quiet", choice("belief", belief_id), "not in this entry"),
        ("", choice("belief", belief_id), "Select a few words"),
        ("Mum went quiet", "belief:nothing-like-this", "Choose one of"),
        ("Mum went quiet", "", "Choose what to link"),
    ]:
        r = link(web, unlocked, entry, passage, chosen)
        assert r.status_code == 400
        p = page(r)
        assert message in p.select("p.error")[0].text
        assert p.one("textarea", name="passage").text == passage
        assert "open" in p.one("details.link-passage").attrs
    assert not page(unlocked.get("/origin/write")).select("ul.origin-links")


def test_only_origin_story_entries_link_and_unknown_ones_are_404(
    web: Web, unlocked: TestClient
) -> None:
    reflection = web.add_reflection(unlocked, "Mum went quiet")
    belief_id = belief(web, unlocked)
    r = link(web, unlocked, reflection, "Mum went quiet", choice("belief", belief_id))
    assert r.status_code == 400 and "origin-story entries" in r.text
    r = link(web, unlocked, "0" * 32, "Mum went quiet", choice("belief", belief_id))
    assert r.status_code == 404


def test_removing_a_link_keeps_the_entry(web: Web, unlocked: TestClient) -> None:
    entry = story(web, unlocked)
    belief_id = belief(web, unlocked)
    link(web, unlocked, entry, "Mum went quiet", choice("belief", belief_id))
    p = page(unlocked.get("/origin/write"))
    action = next(
        f.get("action") or ""
        for f in p.select("form")
        if (f.get("action") or "").startswith("/origin/links/")
    )
    r = web.post(unlocked, action)
    assert location(r) == f"/origin/write?unlinked=1#entry-{entry}"
    after = page(unlocked.get("/origin/write"))
    assert not after.select("ul.origin-links")
    assert [e.id for e in web.entries("origin")] == [entry]
