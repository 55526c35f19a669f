"""In the moment (earned.web.routes.moment): quick capture, open episodes with peak and
settled times, activation details, emotion search, urge-delay timer, the post-interaction
journal, and the patterns page. Time is frozen through earned.web.deps.now."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from earned import patterns, urges
from earned.episodes import BODY_REGIONS, Activation
from earned.journal import Entry
from earned.store import activations, urge_timers
from earned.urges import UrgeDelay
from earned.web import deps, emotion_map
from tests.support.html import page
from tests.support.web import Web, csrf_of, error_text, location

UNKNOWN = "0" * 32
HEX32 = re.compile(r"[0-9a-f]{32}")
SCRIPT = "<script>alert(1)</script>"
XSS = [SCRIPT, '"><img src=x onerror=alert(1)>', "{{7*7}}"]


@dataclass
class Clock:
    now: datetime

    def advance(self, **kwargs: float) -> datetime:
        self.now += timedelta(**kwargs)
        return self.now


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    c = Clock(datetime(2026, 3, 2, 9, 30, tzinfo=UTC))
    monkeypatch.setattr(deps, "now", lambda: c.now)
    return c


# --- helpers -----------------------------------------------------------------------------


def stored_activations(web: Web) -> list[Activation]:
    result: list[Activation] = web._read(lambda s: activations.list_activations(session=s))
    return result


def activation(web: Web, aid: str) -> Activation:
    result: Activation = web._read(
        lambda s: activations.get_activation(session=s, activation_id=aid)
    )
    return result


def timers(web: Web) -> list[UrgeDelay]:
    result: list[UrgeDelay] = web._read(lambda s: urge_timers.list_urges(session=s))
    return result


def token_on(client: TestClient, url: str = "/") -> str:
    """The idempotency token on a page (the urge page's two forms share one)."""
    [value] = {el.get("value") for el in page(client.get(url)).select("input", name="client_token")}
    assert value and HEX32.fullmatch(value)
    return value


def capture(web: Web, client: TestClient, intensity: str = "6", token: str | None = None) -> str:
    """One tap from the home page; returns the new activation's id."""
    where = location(
        web.post(client, "/moment", {"intensity": intensity, "client_token": token or ""})
    )
    match = re.fullmatch(r"/moment/([0-9a-f]{32})/saved", where)
    assert match, where
    return match.group(1)


def htmx(web: Web, client: TestClient, url: str, data: dict[str, str]) -> Any:
    return client.post(
        url, data=data, headers={"HX-Request": "true", "X-CSRF-Token": csrf_of(client)}
    )


def utc_field(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M")


DETAILS = {
    "intensity": "8",
    "trigger": "No reply for three hours after I shared something big",
    "tags": "texting, Partner , texting",
    "person": "Sam",
    "urge": "send another message",
    "action": "put the phone in the other room",
    "named": "now",
    "emotions_other": "small, unmoored",
    "p_feeling": "panicky",
    "p_situation": "the silence",
    "p_interpretation": "losing interest",
    "p_fear": "being left",
    "p_urge": "text again",
}


def save_details(
    web: Web,
    client: TestClient,
    aid: str,
    values: dict[str, str] | None = None,
    *,
    body: tuple[str, ...] = (),
    emotions: tuple[str, ...] = (),
) -> Any:
    form: list[tuple[str, str]] = [("csrf", csrf_of(client))]
    form += list((values if values is not None else DETAILS).items())
    form += [("body", b) for b in body] + [("emotions", e) for e in emotions]
    return client.post(
        f"/moment/{aid}",
        content="&".join(f"{k}={_quote(v)}" for k, v in form),
        headers={"content-type": "application/x-www-form-urlencoded"},
    )


def _quote(value: str) -> str:
    from urllib.parse import quote_plus

    return quote_plus(value)


# --- capture -----------------------------------------------------------------------------


def test_home_offers_one_tap_capture(web: Web, unlocked: TestClient) -> None:
    p = page(unlocked.get("/"))
    assert p.one("h1").text == "Where to start"  # a new journal: capture is there all the same
    form = p.one("form", action="/moment")
    assert form.get("method") == "post"
    buttons = p.select("button", name="intensity")
    assert [b.get("value") for b in buttons] == [str(n) for n in range(11)]
    assert all(b.get("type") == "submit" for b in buttons)
    assert "Save intensity 7" in buttons[7].text
    assert p.one("legend").text == "How strong is it right now?"
    # Nav links for this area, and the entry points.
    nav = [a.get("href") for a in p.select("a") if a.get("href") in ("/moment", "/patterns")]
    assert "/moment" in nav and "/patterns" in nav
    for href in ("/urge", "/moment/after"):
        assert p.select("a", href=href)


def test_every_render_has_a_fresh_token(unlocked: TestClient) -> None:
    assert token_on(unlocked) != token_on(unlocked)
    assert token_on(unlocked, "/moment") != token_on(unlocked, "/moment")


def test_capture_from_home_in_one_post(web: Web, unlocked: TestClient, clock: Clock) -> None:
    aid = capture(web, unlocked, "7", token_on(unlocked))
    [a] = stored_activations(web)
    assert (a.id, a.intensity, a.onset_at, a.is_open) == (aid, 7, clock.now, True)
    p = page(unlocked.get(f"/moment/{aid}/saved"))
    assert p.one("h1").text == "Noted."
    assert "Intensity 7" in p.text
    assert p.one("a", href=f"/moment/{aid}").text == "Add details"
    assert p.one("a", href=f"/urge?activation={aid}").text == "Start an urge timer"
    assert p.one("time").get("datetime") == clock.now.isoformat()


def test_double_submit_with_the_same_token_saves_once(web: Web, unlocked: TestClient) -> None:
    token = token_on(unlocked)
    first = capture(web, unlocked, "5", token)
    again = capture(web, unlocked, "5", token)
    assert first == again
    assert len(stored_activations(web)) == 1
    # A fresh form is a fresh moment.
    capture(web, unlocked, "5", token_on(unlocked))
    assert len(stored_activations(web)) == 2


@pytest.mark.parametrize(
    "intensity,message",
    [
        ("-1", "Intensity runs from 0 to 10; -1 is outside that."),
        ("11", "Intensity runs from 0 to 10; 11 is outside that."),
        ("x", "Intensity is a whole number from 0 to 10."),
        ("", "Intensity is a whole number from 0 to 10."),
        ("7.5", "Intensity is a whole number from 0 to 10."),
    ],
)
def test_bad_intensity_is_refused_clearly(
    web: Web, unlocked: TestClient, intensity: str, message: str
) -> None:
    r = web.post(unlocked, "/moment", {"intensity": intensity, "client_token": token_on(unlocked)})
    assert r.status_code == 400
    assert message in error_text(r)
    assert stored_activations(web) == []


def test_capture_page_lists_recent_and_open_moments(
    web: Web, unlocked: TestClient, clock: Clock
) -> None:
    r = unlocked.get("/moment")
    assert r.status_code == 200
    p = page(r)
    assert p.one("h1").text == "Log a moment"
    assert len(p.select("button", name="intensity")) == 11
    assert "Nothing open." in p.text
    first = capture(web, unlocked, "3")
    clock.advance(minutes=5)
    second = capture(web, unlocked, "9")
    p = page(unlocked.get("/moment"))
    recent = [a.get("href") for a in p.select("a") if a.has_class("recent-moment")]
    assert recent == [f"/moment/{second}", f"/moment/{first}"]
    assert p.one("li", id=f"episode-{first}")
    assert p.one("li", id=f"episode-{second}")
    # The peak/settled forms bring a person without JavaScript back to this page.
    assert {el.get("value") for el in p.select("input", name="next")} == {"/moment"}


# --- open episodes: peak and settled ----------------------------------------------------------


def test_open_episodes_on_home_with_peak_and_settled_buttons(
    web: Web, unlocked: TestClient
) -> None:
    assert not page(unlocked.get("/")).select("ul.episodes")
    aid = capture(web, unlocked, "6")
    p = page(unlocked.get("/"))
    row = p.one("li", id=f"episode-{aid}")
    assert "Intensity 6" in row.text
    form = p.one("form", action=f"/moment/{aid}/settled")
    assert form.get("method") == "post"
    peak = p.one("button", formaction=f"/moment/{aid}/peak")
    assert peak.text == "Peak now"
    assert peak.get("hx-post") == f"/moment/{aid}/peak"
    assert peak.get("hx-target") == f"#episode-{aid}"
    settled = p.one("button", hx_post=f"/moment/{aid}/settled")
    assert settled.text == "Settled now"
    when = p.one("input", name="at")
    assert when.get("type") == "datetime-local"
    assert p.one("label", for_=when.get("id") or "").text
    assert p.one("input", name="tz").get("value") == "0"


def test_peak_then_settled_now_as_plain_forms(web: Web, unlocked: TestClient, clock: Clock) -> None:
    aid = capture(web, unlocked, "8")
    onset = clock.now
    clock.advance(minutes=10)
    r = web.post(unlocked, f"/moment/{aid}/peak", {"next": "/"})
    assert location(r) == "/?peak=1#episodes"
    assert activation(web, aid).peak_at == clock.now
    assert "Peak saved." in page(unlocked.get("/?peak=1")).text
    clock.advance(minutes=35)
    r = web.post(unlocked, f"/moment/{aid}/settled", {"next": "/moment"})
    assert location(r) == "/moment?settled=1#episodes"
    a = activation(web, aid)
    assert a.settled_at == clock.now
    assert a.recovery == clock.now - onset == timedelta(minutes=45)
    # Settled episodes leave the open list; the page says it was saved.
    home = page(unlocked.get("/?settled=1"))
    assert not home.select("li", id=f"episode-{aid}")
    assert "Marked as settled." in home.one("p.ok").text
    detail = page(unlocked.get(f"/moment/{aid}"))
    assert [dt.text for dt in detail.select("dt")][-1] == "Start to settled"
    assert [dd.text for dd in detail.select("dd")][-1] == "45 minutes"


def test_a_second_settled_tap_keeps_the_first_time(
    web: Web, unlocked: TestClient, clock: Clock
) -> None:
    aid = capture(web, unlocked, "6")
    clock.advance(minutes=20)
    assert web.post(unlocked, f"/moment/{aid}/settled").status_code == 303
    clock.advance(seconds=2)
    assert web.post(unlocked, f"/moment/{aid}/settled").status_code == 303
    assert activation(web, aid).recovery == timedelta(minutes=20)
    # A typed time is a correction, and is kept.
    at = utc_field(clock.now - timedelta(minutes=10))
    assert web.post(unlocked, f"/moment/{aid}/settled", {"at": at}).status_code == 303
    assert activation(web, aid).recovery == timedelta(minutes=10)


def test_home_shows_a_few_open_episodes_and_links_to_the_rest(
    web: Web, unlocked: TestClient, clock: Clock
) -> None:
    for _ in range(10):
        capture(web, unlocked, "3")
        clock.advance(minutes=1)
    p = page(unlocked.get("/"))
    assert len(p.select("li.episode")) == 8
    assert p.one("a", href="/moment#episodes").text == "2 more still open"
    assert len(page(unlocked.get("/moment")).select("li.episode")) == 10


def test_htmx_gets_just_the_row(web: Web, unlocked: TestClient, clock: Clock) -> None:
    aid = capture(web, unlocked, "4")
    clock.advance(minutes=3)
    r = htmx(web, unlocked, f"/moment/{aid}/peak", {"at": "", "tz": "0"})
    assert r.status_code == 200
    assert "<html" not in r.text
    p = page(r)
    p.one("li", id=f"episode-{aid}")
    assert "Peak noted." in p.text
    assert p.select("button", hx_post=f"/moment/{aid}/settled")
    clock.advance(minutes=2)
    r = htmx(web, unlocked, f"/moment/{aid}/settled", {})
    p = page(r)
    assert "Settled. From the start to settling: 5 minutes." in p.text
    assert not p.select("button")
    assert activation(web, aid).recovery == timedelta(minutes=5)


def test_a_past_time_is_read_in_the_browsers_time_zone(
    web: Web, unlocked: TestClient, clock: Clock
) -> None:
    aid = capture(web, unlocked, "7")
    clock.advance(hours=2)
    # The person is in UTC+1 (getTimezoneOffset gives -60): 10:00 local is 09:00 UTC.
    local_peak = (clock.now - timedelta(hours=1, minutes=30) + timedelta(hours=1)).strftime(
        "%Y-%m-%dT%H:%M"
    )
    r = web.post(unlocked, f"/moment/{aid}/peak", {"at": local_peak, "tz": "-60"})
    assert r.status_code == 303
    assert activation(web, aid).peak_at == clock.now - timedelta(hours=1, minutes=30)
    # Without JavaScript the offset stays 0: the typed time is UTC.
    r = web.post(unlocked, f"/moment/{aid}/settled", {"at": utc_field(clock.now), "tz": "0"})
    assert r.status_code == 303
    assert activation(web, aid).recovery == timedelta(hours=2)


@pytest.mark.parametrize("which", ["peak", "settled"])
def test_future_times_are_refused(web: Web, unlocked: TestClient, clock: Clock, which: str) -> None:
    aid = capture(web, unlocked, "5")
    r = web.post(
        unlocked, f"/moment/{aid}/{which}", {"at": utc_field(clock.now + timedelta(hours=1))}
    )
    assert r.status_code == 400
    assert "in the future; nothing was changed" in error_text(r)
    a = activation(web, aid)
    assert (a.peak_at, a.settled_at) == (None, None)


def test_settled_before_onset_is_refused(web: Web, unlocked: TestClient, clock: Clock) -> None:
    aid = capture(web, unlocked, "5")
    before = utc_field(clock.now - timedelta(hours=1))
    r = web.post(unlocked, f"/moment/{aid}/settled", {"at": before})
    assert r.status_code == 400
    assert "The settled time is before the episode began; nothing was changed." in error_text(r)
    assert activation(web, aid).is_open
    # Through htmx the row comes back with the message, still offering the buttons.
    r = htmx(web, unlocked, f"/moment/{aid}/settled", {"at": before, "tz": "0"})
    assert r.status_code == 400
    p = page(r)
    assert "before the episode began" in p.one("p.error").text
    assert p.select("button", hx_post=f"/moment/{aid}/settled")
    assert activation(web, aid).is_open


def test_settled_before_peak_is_refused(web: Web, unlocked: TestClient, clock: Clock) -> None:
    aid = capture(web, unlocked, "5")
    clock.advance(minutes=30)
    assert web.post(unlocked, f"/moment/{aid}/peak", {}).status_code == 303
    r = web.post(
        unlocked, f"/moment/{aid}/settled", {"at": utc_field(clock.now - timedelta(minutes=10))}
    )
    assert r.status_code == 400
    assert "Settled cannot come before the peak" in error_text(r)


@pytest.mark.parametrize(
    "data,message",
    [
        ({"at": "yesterday"}, "Please give a date and a time"),
        ({"at": "2026-13-40T99:99"}, "Please give a date and a time"),
        ({"at": "0001-01-01T00:00", "tz": "-60"}, "Please give a date and a time"),
        ({"at": "2026-03-02T09:00", "tz": "abc"}, "That form was malformed"),
        ({"at": "2026-03-02T09:00", "tz": "100000"}, "That form was malformed"),
    ],
)
def test_unreadable_times_are_refused(
    web: Web, unlocked: TestClient, clock: Clock, data: dict[str, str], message: str
) -> None:
    aid = capture(web, unlocked, "5")
    r = web.post(unlocked, f"/moment/{aid}/settled", data)
    assert r.status_code == 400
    assert message in error_text(r)
    assert activation(web, aid).is_open


def test_return_address_is_only_ever_local(web: Web, unlocked: TestClient) -> None:
    aid = capture(web, unlocked, "5")
    r = web.post(unlocked, f"/moment/{aid}/peak", {"next": "https://elsewhere.example/"})
    assert location(r) == "/?peak=1#episodes"
    r = web.post(unlocked, f"/moment/{aid}/peak", {"next": f"/moment/{aid}"})
    assert location(r) == f"/moment/{aid}?peak=1#episodes"


# --- details -----------------------------------------------------------------------------------


def test_detail_page_offers_every_field_with_a_label(
    web: Web, unlocked: TestClient, clock: Clock
) -> None:
    aid = capture(web, unlocked, "6")
    r = unlocked.get(f"/moment/{aid}")
    assert r.status_code == 200
    p = page(r)
    form = p.one("form", action=f"/moment/{aid}")
    assert form.get("method") == "post"
    onset = p.one("input", name="onset")
    assert onset.get("type") == "datetime-local"
    assert onset.get("value") == onset.get("data-utc") == utc_field(clock.now)
    # Body map: one keyboard-reachable checkbox per region, each inside its label.
    boxes = p.select("input", name="body")
    assert [b.get("value") for b in boxes] == [k for k, _ in BODY_REGIONS]
    assert all(b.get("type") == "checkbox" for b in boxes)
    assert [lab.text for lab in p.select("label.region")] == [name for _, name in BODY_REGIONS]
    # Emotion words: four quadrants with their titles, every word of the vocabulary.
    legends = [g.text for g in p.select("legend")]
    for info in patterns.quadrants().values():
        assert f"{info['title']} {info['hint']}" in legends
    words = {b.get("value") for b in p.select("input", name="emotions")}
    assert words == patterns.known_words()
    search = p.one("input", name="q")
    assert search.get("hx-get") == "/moment/emotions"
    assert search.get("hx-target") == "#emotion-results"
    assert [r.get("value") for r in p.select("input", name="named")] == ["now", "after"]
    # The sentence builder: five inline inputs and a preview.
    for part in ("feeling", "situation", "interpretation", "fear", "urge"):
        box = p.one("input", name=f"p_{part}")
        assert p.one("label", for_=box.get("id") or "")
    assert p.one("output").text == (
        "I feel … because I'm reading … as …, which touches my fear of …, and I want to …"
    )
    # Every visible input has a label.
    labelled = {lab.get("for") for lab in p.select("label")}
    for el in p.select("input") + p.select("textarea"):
        if el.get("type") in ("hidden", "checkbox", "radio", "submit"):
            continue
        assert el.get("id") in labelled, el.attrs
    assert p.select("a", href=f"/moment/{aid}/delete")


def test_details_round_trip(web: Web, unlocked: TestClient, clock: Clock) -> None:
    aid = capture(web, unlocked, "6")
    clock.advance(minutes=5)
    r = save_details(
        web,
        unlocked,
        aid,
        body=("chest", "throat", "chest"),
        emotions=("abandoned", "on edge"),
    )
    assert location(r) == f"/moment/{aid}?saved=1"
    a = activation(web, aid)
    assert a.intensity == 8
    assert a.trigger == DETAILS["trigger"]
    assert a.tags == ["texting", "partner"]
    assert a.body == ["chest", "throat"]
    assert a.emotions == ["abandoned", "on edge", "small", "unmoored"]
    assert (a.urge, a.action, a.person) == (DETAILS["urge"], DETAILS["action"], "Sam")
    assert a.named_in_moment is True
    assert a.pattern is not None and a.pattern.fear == "being left"
    assert a.onset_at == clock.now - timedelta(minutes=5)  # the untouched box kept it

    p = page(unlocked.get(f"/moment/{aid}?saved=1"))
    assert p.one("p.ok").text == "Saved."
    checked = {b.get("value") for b in p.select("input", name="body") if "checked" in b.attrs}
    assert checked == {"chest", "throat"}
    chosen = {b.get("value") for b in p.select("input", name="emotions") if "checked" in b.attrs}
    # "small" was typed, and is a word of the map too: it shows there, chosen.
    assert chosen == {"abandoned", "on edge", "small"}
    assert p.one("input", name="emotions_other").get("value") == "unmoored"
    assert p.one("input", name="tags").get("value") == "texting, partner"
    assert "checked" in p.one("input", name="named", value="now").attrs
    assert p.one("textarea", name="trigger").text == DETAILS["trigger"]
    sentence = (
        "I feel panicky because I'm reading the silence as losing interest, which touches "
        "my fear of being left, and I want to text again."
    )
    assert p.one("q").text == sentence
    assert p.one("output").text == sentence
    # The feeling's fold stays folded, and names what it holds.
    feeling = p.one("details", id="fold-feeling")
    assert "open" not in feeling.attrs
    [note] = [el for el in p.select("span.fold-note") if "data-emotion-chosen" in el.attrs]
    assert note.text == "abandoned, on edge, small, unmoored"

    # Tags are offered again on another moment.
    other = capture(web, unlocked, "2")
    options = [o.get("value") for o in page(unlocked.get(f"/moment/{other}")).select("option")]
    assert options[:2] == ["texting", "partner"]


def test_details_can_be_cleared_and_named_afterwards(web: Web, unlocked: TestClient) -> None:
    aid = capture(web, unlocked, "6")
    assert save_details(web, unlocked, aid, body=("jaw",), emotions=("numb",)).status_code == 303
    empty = {k: "" for k in DETAILS} | {"named": "after"}
    assert save_details(web, unlocked, aid, empty).status_code == 303
    a = activation(web, aid)
    assert (a.trigger, a.tags, a.body, a.emotions, a.pattern) == (None, [], [], [], None)
    assert a.intensity == 8  # an empty intensity box keeps the number
    assert a.named_in_moment is False
    assert not page(unlocked.get(f"/moment/{aid}")).select("q")


def test_onset_can_be_moved_earlier_in_local_time(
    web: Web, unlocked: TestClient, clock: Clock
) -> None:
    aid = capture(web, unlocked, "6")
    # In UTC-5 (offset 300): 04:00 local on the day is 09:00 UTC, 30 minutes before.
    earlier = clock.now - timedelta(minutes=30)
    local = (earlier - timedelta(hours=5)).strftime("%Y-%m-%dT%H:%M")
    values = {"onset": local, "tz": "300", "intensity": "6"}
    assert save_details(web, unlocked, aid, values).status_code == 303
    assert activation(web, aid).onset_at == earlier
    future = {"onset": utc_field(clock.now + timedelta(hours=3)), "tz": "0"}
    r = save_details(web, unlocked, aid, future)
    assert r.status_code == 400
    assert "That time is in the future." in error_text(r)
    assert activation(web, aid).onset_at == earlier


@pytest.mark.parametrize(
    "field,value,message",
    [
        ("trigger", "t" * 501, "The trigger is 501 characters; please keep it under 500."),
        ("urge", "u" * 501, "The urge is 501 characters"),
        ("action", "a" * 501, "The note on what you did is 501 characters"),
        ("person", "p" * 121, "The name is 121 characters; please keep it under 120."),
        ("p_fear", "f" * 201, "The pattern sentence is 201 characters"),
        ("intensity", "12", "Intensity runs from 0 to 10; 12 is outside that."),
        ("tags", "x" * 61, "One of the tags is too long"),
    ],
)
def test_oversized_or_bad_details_change_nothing(
    web: Web, unlocked: TestClient, field: str, value: str, message: str
) -> None:
    aid = capture(web, unlocked, "6")
    before = activation(web, aid)
    r = save_details(web, unlocked, aid, {**DETAILS, field: value}, body=("chest",))
    assert r.status_code == 400
    assert message in error_text(r)
    assert "Nothing was saved" in r.text or "outside that" in r.text or "too long" in r.text
    assert activation(web, aid) == before
    # What the person typed is still in the form.
    p = page(r)
    assert p.one("textarea", name="trigger").text == (
        value if field == "trigger" else DETAILS["trigger"]
    )
    assert "checked" in p.one("input", name="body", value="chest").attrs


def test_unknown_body_region_is_refused(web: Web, unlocked: TestClient) -> None:
    aid = capture(web, unlocked, "6")
    r = save_details(web, unlocked, aid, {}, body=("elbow",))
    assert r.status_code == 400
    assert "'elbow' is not one of the body areas earned knows." in error_text(r)
    assert activation(web, aid).body == []


def test_delete_needs_a_confirm_step(web: Web, unlocked: TestClient) -> None:
    aid = capture(web, unlocked, "6")
    p = page(unlocked.get(f"/moment/{aid}/delete"))
    assert p.one("h1").text == "Delete this moment?"
    p.one("form", action=f"/moment/{aid}/delete")
    assert p.select("a", href=f"/moment/{aid}")
    assert len(stored_activations(web)) == 1  # looking at the question deletes nothing
    assert location(web.post(unlocked, f"/moment/{aid}/delete")) == "/moment?deleted=1"
    assert stored_activations(web) == []
    assert "Deleted." in page(unlocked.get("/moment?deleted=1")).text
    assert unlocked.get(f"/moment/{aid}").status_code == 404


# --- the emotion map and the page's folds -----------------------------------------------------


class Nesting(HTMLParser):
    """For every input: the attributes of the forms, sections, fieldsets, details and
    labels around it, outermost first."""

    KEPT = ("fieldset", "details", "form", "section", "label")

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.open: list[tuple[str, dict[str, str | None]]] = []
        self.inputs: list[tuple[dict[str, str | None], list[dict[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "input":
            self.inputs.append((dict(attrs), [a for t, a in self.open]))
        elif tag in self.KEPT:
            self.open.append((tag, dict(attrs)))

    def handle_endtag(self, tag: str) -> None:
        if any(t == tag for t, _ in self.open):
            while self.open.pop()[0] != tag:
                pass


def nesting(html: str) -> list[tuple[dict[str, str | None], list[dict[str, str | None]]]]:
    reader = Nesting()
    reader.feed(html)
    return reader.inputs


def test_the_emotion_map_has_every_word_at_its_coordinates_grouped_by_quadrant(
    web: Web, unlocked: TestClient
) -> None:
    aid = capture(web, unlocked, "6")
    assert save_details(web, unlocked, aid, {}, emotions=("lonely", "hopeful")).status_code == 303
    r = unlocked.get(f"/moment/{aid}")
    vocabulary = {w.word: w for w in patterns.vocabulary()}
    seen: dict[str, str] = {}
    for attrs, around in nesting(r.text):
        if attrs.get("name") != "emotions":
            continue
        word = str(attrs["value"])
        assert attrs.get("type") == "checkbox" and attrs.get("data-emotion") == word
        w = vocabulary[word]
        assert (attrs.get("data-p"), attrs.get("data-e")) == (str(w.pleasantness), str(w.energy))
        # Inside its quadrant's group, inside the map, inside the details form.
        quadrant = [a for a in around if "eq" in (a.get("class") or "").split()]
        assert len(quadrant) == 1, word
        seen[word] = str(quadrant[0]["class"]).split()[1].removeprefix("eq-")
        assert seen[word] == w.quadrant
        assert any(a.get("action") == f"/moment/{aid}" for a in around)
        label = around[-1]
        assert "ew" in str(label.get("class")).split()
        assert ("checked" in attrs) == (word in ("lonely", "hopeful"))
    assert sorted(seen) == sorted(vocabulary)  # every word once
    p = page(r)
    groups = [g.get("class") for g in p.select("fieldset") if g.has_class("eq")]
    assert groups == [f"eq eq-{key}" for key in emotion_map.ORDER]
    # Each word's tile carries its cells in every layout, as emotion_map placed it.
    tiles = {lab.text: lab for lab in p.select("label.ew")}
    for q in emotion_map.layout():
        for spot in q.spots:
            assert tiles[spot.word.word].get("class") == f"ew {spot.classes}"
    # The map is the same words as before, with the same name and values: nothing new to
    # store; the typed words keep their own box.
    assert p.one("input", name="emotions_other").get("id") == "emotions-other"


def test_the_map_works_as_plain_checkboxes(web: Web, unlocked: TestClient) -> None:
    """What a browser without JavaScript sends: the boxes ticked, as repeated fields."""
    aid = capture(web, unlocked, "6")
    values = {"emotions_other": "prickly, lonely"}
    r = save_details(web, unlocked, aid, values, emotions=("panicked", "serene", "lonely"))
    assert r.status_code == 303
    assert activation(web, aid).emotions == ["panicked", "serene", "lonely", "prickly"]
    p = page(unlocked.get(f"/moment/{aid}"))
    ticked = [b.get("value") for b in p.select("input", name="emotions") if "checked" in b.attrs]
    assert sorted(ticked) == ["lonely", "panicked", "serene"]
    assert p.one("input", name="emotions_other").get("value") == "prickly"


def test_the_moment_page_opens_short(web: Web, unlocked: TestClient) -> None:
    """The essentials (settling, intensity, what set it off) are open; everything else is
    folded, each fold naming what it holds; every field is still in the form."""
    aid = capture(web, unlocked, "6")
    assert (
        save_details(web, unlocked, aid, body=("chest",), emotions=("lonely",)).status_code == 303
    )
    r = unlocked.get(f"/moment/{aid}")
    p = page(r)
    folds = [d for d in p.select("details") if d.has_class("fold")]
    assert [d.get("id") for d in folds] == [
        "fold-when",
        "fold-context",
        "fold-body",
        "fold-feeling",
        "fold-urge",
        "fold-pattern",
    ]
    assert not any("open" in d.attrs for d in folds)
    summaries = {d.get("id"): d for d in folds}
    assert "Chest" in summaries["fold-body"].text
    assert "lonely, small, unmoored" in summaries["fold-feeling"].text
    assert "texting, partner · Sam" in summaries["fold-context"].text
    assert DETAILS["urge"] in summaries["fold-urge"].text
    # Open: the settled button, intensity and trigger, outside every fold.
    placed = {str(a.get("name")): around for a, around in nesting(r.text) if a.get("name")}
    assert not any(a.get("class") == "fold" for a in placed["intensity"])
    assert r.text.index('name="trigger"') < r.text.index('id="fold-when"')
    assert r.text.index("Settled now") < r.text.index('id="fold-when"')
    # Every field of the form is still there, folded or not.
    for name in ("onset", "tz", "tags", "person", "body", "emotions", "emotions_other", "named"):
        assert name in placed, name
        assert any(a.get("id") and str(a.get("id")).startswith("fold-") for a in placed[name]), name
    for name in ("urge", "p_feeling", "p_fear"):
        assert name in placed
    assert "Save details" in [b.text for b in p.main().select("button", type="submit")]


def test_a_refused_save_opens_every_fold(web: Web, unlocked: TestClient) -> None:
    aid = capture(web, unlocked, "6")
    r = save_details(web, unlocked, aid, {**DETAILS, "person": "p" * 121}, emotions=("lonely",))
    assert r.status_code == 400
    folds = [d for d in page(r).select("details") if d.has_class("fold")]
    assert len(folds) == 6 and all("open" in d.attrs for d in folds)
    assert "checked" in page(r).one("input", name="emotions", value="lonely").attrs


def test_the_moment_pages_give_actions_thumb_sized_targets(web: Web, unlocked: TestClient) -> None:
    """Links that act are pills (44 px in the stylesheet), not words inside a sentence."""
    aid = capture(web, unlocked, "6")
    capture_page = page(unlocked.get("/moment")).main()
    ways = capture_page.one("nav", **{"aria-labelledby": "ways-in-title"})
    assert ways.text == "Other ways in An urge timer After an interaction Your patterns"
    for href in ("/urge", "/moment/after", "/patterns", "/moment/history"):
        assert capture_page.one("a", href=href).has_class("pill"), href
    detail = page(unlocked.get(f"/moment/{aid}")).main()
    for href in ("/moment", "/", f"/urge?activation={aid}", f"/moment/{aid}/delete"):
        assert [a for a in detail.select("a", href=href) if a.has_class("pill")], href
    for url in ("/moment", f"/moment/{aid}", "/moment/after", "/urge"):
        assert page(unlocked.get(url)).select(".moment-page"), url
    css = (Path(emotion_map.__file__).parent / "static" / "earned.css").read_text("utf-8")
    assert re.search(r"\.pill \{[^}]*min-height: 44px", css)
    assert re.search(r"\.pause-bar \.pause \{[^}]*min-height: 44px", css)


# --- emotion search ---------------------------------------------------------------------------


def test_emotion_search_fragment(unlocked: TestClient) -> None:
    r = unlocked.get("/moment/emotions", params={"q": "aband"}, headers={"HX-Request": "true"})
    assert r.status_code == 200
    assert "<html" not in r.text
    p = page(r)
    # Each result is the twin of the word's box on the map, with no name of its own: the
    # form sends the map's box once, however the word was chosen.
    boxes = p.select("input", type="checkbox")
    assert [b.get("data-emotion") for b in boxes] == ["abandoned"]
    assert boxes[0].get("name") is None
    assert "unpleasant, high energy" in p.text
    assert p.one("li").has_class("eq-unpleasant-high")  # coloured like its quadrant
    many = page(unlocked.get("/moment/emotions", params={"q": "e"})).select("input")
    assert 0 < len(many) <= 12
    # Words that begin with the text come first, then words that hold it.
    found = page(unlocked.get("/moment/emotions", params={"q": "lo"})).select("input")
    assert [b.get("data-emotion") for b in found][:4] == ["lonely", "lost", "loved", "loving"]
    assert "close" in [b.get("data-emotion") for b in found]
    assert unlocked.get("/moment/emotions", params={"q": "  "}).text.strip() == ""
    none = unlocked.get("/moment/emotions", params={"q": SCRIPT})
    assert SCRIPT not in none.text
    assert "&lt;script&gt;" in none.text
    assert "You can add your own below the map." in page(none).text


# --- urge-delay timer ----------------------------------------------------------------------


def test_urge_page_offers_suggestions_and_own_words(unlocked: TestClient) -> None:
    r = unlocked.get("/urge")
    assert r.status_code == 200
    p = page(r)
    assert p.one("h1").text == "I have the urge to…"
    assert [b.get("value") for b in p.select("button", name="urge")] == list(urges.SUGGESTED_URGES)
    custom = p.one("input", name="custom")
    assert p.one("label", for_=custom.get("id") or "").text == "In your own words"
    tokens = {el.get("value") for el in p.select("input", name="client_token")}
    assert len(tokens) == 1  # both forms share one token: either start is idempotent


def test_urge_timer_start_tick_and_end(web: Web, unlocked: TestClient, clock: Clock) -> None:
    token = token_on(unlocked, "/urge")
    r = web.post(unlocked, "/urge", {"urge": urges.SUGGESTED_URGES[0], "client_token": token})
    uid = location(r).removeprefix("/urge/")
    assert HEX32.fullmatch(uid)
    assert location(web.post(unlocked, "/urge", {"custom": "x", "client_token": token})) == (
        f"/urge/{uid}"
    )
    assert len(timers(web)) == 1
    clock.advance(seconds=125)
    p = page(unlocked.get(f"/urge/{uid}"))
    assert p.one("h1").text == urges.SUGGESTED_URGES[0]
    elapsed = p.one("p", role="timer")
    assert (elapsed.text, elapsed.get("data-elapsed")) == ("2:05", "125")
    assert p.select("a", href="/regulate/breathe")
    assert p.select("a", href="/grounding")
    assert [b.get("value") for b in p.select("button", name="outcome")] == list(urges.OUTCOMES)
    # Running timers show on the home page.
    assert page(unlocked.get("/")).select("a", href=f"/urge/{uid}")
    clock.advance(seconds=175)
    assert location(web.post(unlocked, f"/urge/{uid}/end", {"outcome": "waited"})) == (
        f"/urge/{uid}"
    )
    [u] = timers(web)
    assert (u.outcome, u.seconds_held) == ("waited", 300)
    p = page(unlocked.get(f"/urge/{uid}"))
    assert p.one("h1").text == "You held for 5 minutes"
    assert not p.select("button", name="outcome")
    assert not page(unlocked.get("/")).select("a", href=f"/urge/{uid}")
    # A second tap on an end button changes nothing.
    web.post(unlocked, f"/urge/{uid}/end", {"outcome": "acted"})
    assert timers(web)[0].outcome == "waited"


@pytest.mark.parametrize("outcome", urges.OUTCOMES)
def test_each_outcome_is_met_warmly(
    web: Web, unlocked: TestClient, clock: Clock, outcome: str
) -> None:
    uid = location(web.post(unlocked, "/urge", {"custom": "check their profile"}))[6:]
    clock.advance(seconds=42)
    web.post(unlocked, f"/urge/{uid}/end", {"outcome": outcome})
    [u] = timers(web)
    assert u.seconds_held is not None and u.seconds_held >= 0
    assert (u.urge, u.outcome, u.seconds_held) == ("check their profile", outcome, 42)
    p = page(unlocked.get(f"/urge/{uid}"))
    assert p.one("h1").text == "You held for 42 seconds"
    assert "42 seconds" in p.one("section", role="status").text
    text = p.text.lower()
    for harsh in ("fail", "streak", "should have", "relapse"):
        assert harsh not in text
    assert "Times you held before" in page(unlocked.get("/urge")).text


def test_urge_linked_to_a_moment(web: Web, unlocked: TestClient) -> None:
    aid = capture(web, unlocked, "7")
    p = page(unlocked.get(f"/urge?activation={aid}"))
    assert {el.get("value") for el in p.select("input", name="activation")} == {aid}
    uid = location(web.post(unlocked, "/urge", {"urge": "call again", "activation": aid}))[6:]
    assert timers(web)[0].activation_id == aid
    assert page(unlocked.get(f"/moment/{aid}")).select("a", href=f"/urge/{uid}")


@pytest.mark.parametrize(
    "data,message",
    [
        ({"custom": ""}, "What is the urge?"),
        ({"custom": "   "}, "What is the urge?"),
        ({"custom": "u" * 501}, "The urge is 501 characters"),
        ({"custom": "x", "client_token": "t" * 65}, "repeat-guard token"),
    ],
)
def test_bad_urges_are_refused(
    web: Web, unlocked: TestClient, data: dict[str, str], message: str
) -> None:
    r = web.post(unlocked, "/urge", data)
    assert r.status_code == 400
    assert message in error_text(r)
    assert timers(web) == []


def test_bad_outcome_is_refused(web: Web, unlocked: TestClient) -> None:
    uid = location(web.post(unlocked, "/urge", {"custom": "leave"}))[6:]
    r = web.post(unlocked, f"/urge/{uid}/end", {"outcome": "gave up"})
    assert r.status_code == 400
    assert "Please choose how it ended" in error_text(r)
    assert timers(web)[0].running


# --- after an interaction --------------------------------------------------------------------


def after_entries(web: Web) -> list[Entry]:
    return web.entries("after")


def test_after_an_interaction_page(unlocked: TestClient) -> None:
    r = unlocked.get("/moment/after")
    assert r.status_code == 200
    p = page(r)
    assert p.one("h1").text == "After an interaction"
    areas = p.select("textarea")
    assert 4 <= len(areas) <= 5
    for area in areas:
        assert p.one("label", for_=area.get("id") or "").text.endswith("?")
    assert [r.get("value") for r in p.select("input", name="feeling")] == ["hard", "mixed", "good"]
    assert p.select("a", href="/pause")


def test_after_an_interaction_is_saved_as_a_journal_entry(web: Web, unlocked: TestClient) -> None:
    r = web.post(
        unlocked,
        "/moment/after",
        {"feeling": "good", "happened": "We talked about the weekend.", "keep": "I asked."},
    )
    assert location(r) == "/moment/after?saved=1"
    [entry] = after_entries(web)
    assert (entry.kind, entry.prompt) == ("after", None)
    assert entry.body.startswith("It felt good.")
    assert "We talked about the weekend." in entry.body
    assert "What would you like to remember from this for next time?\nI asked." in entry.body
    assert "body" not in entry.body.lower().split("?")[0]  # unanswered questions are left out
    p = page(unlocked.get("/moment/after?saved=1"))
    assert p.one("p.ok").text == "Saved."
    assert "We talked about the weekend." in p.one("ul.entries").text
    # Editing it through the journal pages comes back here.
    r = web.post(unlocked, f"/entries/{entry.id}", {"body": "Shorter now."})
    assert location(r) == "/moment/after?saved=1"
    assert location(web.post(unlocked, f"/entries/{entry.id}/delete")) == (
        "/moment/after?deleted=1"
    )
    assert after_entries(web) == []


def test_an_empty_after_entry_is_refused_and_kept_in_the_form(
    web: Web, unlocked: TestClient
) -> None:
    r = web.post(unlocked, "/moment/after", {"feeling": "hard", "happened": "   "})
    assert r.status_code == 400
    assert "Nothing was written yet." in error_text(r)
    assert "checked" in page(r).one("input", name="feeling", value="hard").attrs
    huge = {p: "x" * 4000 for p in ("happened", "body", "story", "did", "keep")}
    huge["happened"] = "y" * 20_001
    r = web.post(unlocked, "/moment/after", huge)
    assert r.status_code == 400
    assert "the limit is 20,000" in error_text(r)
    assert page(r).one("textarea", name="body").text == "x" * 4000
    assert after_entries(web) == []


# --- patterns ------------------------------------------------------------------------------


def test_patterns_page_when_empty(unlocked: TestClient) -> None:
    r = unlocked.get("/patterns")
    assert r.status_code == 200
    p = page(r)
    assert p.one("h1").text == "Your patterns"
    assert "So far 0 of your 0 logged moments have one." in p.text
    assert not p.select("ol.recurring")


def test_patterns_ranked_with_trend_and_named_share(
    web: Web, unlocked: TestClient, clock: Clock
) -> None:
    start = clock.now

    def moment(days: int, fear: str, urge: str, named: str) -> None:
        clock.now = start + timedelta(days=days)
        aid = capture(web, unlocked, "5")
        values = {**DETAILS, "p_fear": fear, "p_urge": urge, "named": named}
        assert save_details(web, unlocked, aid, values).status_code == 303

    # The four weeks before: being left once, swallowed once; named 1 of 2.
    # The last four weeks: being left 3 times, swallowed once, too much once; named 3 of 5.
    moment(0, "being left", "text again", "after")
    moment(3, "being swallowed", "go quiet", "now")
    moment(30, "being left", "text again", "now")
    moment(35, "Being left.", "Text again", "now")
    moment(40, "being left", "text again", "after")
    moment(45, "being swallowed", "go quiet", "now")
    moment(50, "too much", "apologise", "after")
    clock.now = start + timedelta(days=55)  # day 0 and day 3 fall in the four weeks before
    p = page(unlocked.get("/patterns"))
    items = [li for li in p.select("li") if li.text.startswith("The fear of")]
    assert len(items) == 2
    assert "being left" in items[0].text and "text again" in items[0].text
    assert "4 times, coming up more often in the last four weeks" in items[0].text
    assert "(3 in the last four weeks, 1 in the four before)" in items[0].text
    assert "2 times, about as often as in the four weeks before" in items[1].text
    shares = p.one("dl.shares").text
    assert "60% named while it was happening (3 of 5)" in shares
    assert "50% (1 of 2)" in shares
    words = p.one("ul.word-counts").text
    assert "small 7" in words
    # Eight weeks on, with nothing new, the pattern is described as quiet.
    clock.now = start + timedelta(days=120)
    p = page(unlocked.get("/patterns"))
    assert "4 times, not seen in the last eight weeks" in p.select("ol.recurring")[0].text


# --- security: unknown ids, escaping ------------------------------------------------------
# CSRF, the lock, unknown ids in the address and inline script or style are checked for
# every route in test_routes.py; here, the ids that come in a query or a form.


def test_unknown_ids_in_a_query_form_or_htmx_are_a_calm_404(web: Web, unlocked: TestClient) -> None:
    r = htmx(web, unlocked, f"/moment/{UNKNOWN}/peak", {})
    assert r.status_code == 404
    assert unlocked.get(f"/urge?activation={UNKNOWN}").status_code == 404
    r = web.post(unlocked, "/urge", {"custom": "leave", "activation": UNKNOWN})
    assert r.status_code == 404
    assert "does not exist" in error_text(r)
    assert timers(web) == []


@pytest.mark.parametrize("payload", XSS)
def test_text_that_looks_like_html_stays_text(
    web: Web, unlocked: TestClient, clock: Clock, payload: str
) -> None:
    aid = capture(web, unlocked, "5")
    values = {
        **DETAILS,
        "trigger": payload,
        "tags": payload.replace(",", ""),
        "person": payload,
        "urge": payload,
        "action": payload,
        "emotions_other": payload.replace(",", ""),
        **{f"p_{k}": payload for k in ("feeling", "situation", "interpretation", "fear", "urge")},
    }
    assert save_details(web, unlocked, aid, values).status_code == 303
    clock.advance(days=1)
    aid2 = capture(web, unlocked, "5")
    assert save_details(web, unlocked, aid2, values).status_code == 303
    uid = location(web.post(unlocked, "/urge", {"custom": payload, "activation": aid}))[6:]
    web.post(unlocked, "/moment/after", {"happened": payload})
    for url in (
        f"/moment/{aid}",
        f"/moment/{aid}/delete",
        "/moment",
        "/",
        "/patterns",
        "/urge",
        f"/urge/{uid}",
        "/moment/after",
    ):
        r = unlocked.get(url)
        assert r.status_code == 200, url
        p = page(r)
        if "<" in payload:
            assert payload not in r.text, url
        else:  # template syntax in the data is shown, never evaluated
            assert payload in p.text, url
        assert all((el.get("src") or "").startswith("/static/") for el in p.select("script"))
        assert not p.select("img"), url
    assert payload in page(unlocked.get(f"/moment/{aid}")).one("textarea", name="trigger").text


def test_capture_page_is_bounded_however_many_moments_are_open(
    web: Web, unlocked: TestClient, clock: Clock
) -> None:
    """Three years of moments left open (the demo had months of them) must not make /moment
    list them all: the open list holds the last day's, at most OPEN_SHOWN, and says how
    many more; older ones read "not marked"."""
    from earned.web.routes import moment as routes

    old = capture(web, unlocked, "5")
    clock.advance(hours=30)
    for _ in range(routes.OPEN_SHOWN + 3):
        capture(web, unlocked, "3")
        clock.advance(minutes=1)
    p = page(unlocked.get("/moment"))
    assert len(p.select("li.episode")) == routes.OPEN_SHOWN
    assert not p.select("li", id=f"episode-{old}")
    assert "3 more still open" in p.text
    assert len([a for a in p.select("a") if a.has_class("recent-moment")]) == routes.RECENT_SHOWN
    detail = page(unlocked.get(f"/moment/{old}"))
    assert "not marked" in detail.text and "Left open for more than a day" in detail.text


def test_on_a_moments_page_htmx_also_refreshes_the_timing_card(
    web: Web, unlocked: TestClient, clock: Clock
) -> None:
    """Peak and Settled pressed on the moment's own page once left its timing card at
    "not marked / still open"; the answer now carries the card out of band."""
    aid = capture(web, unlocked, "6")
    detail = page(unlocked.get(f"/moment/{aid}"))
    assert "still open" in detail.one("dl", id=f"timing-{aid}").text
    clock.advance(minutes=4)
    r = htmx(web, unlocked, f"/moment/{aid}/settled", {"next": f"/moment/{aid}"})
    card = page(r).one("dl", id=f"timing-{aid}")
    assert card.get("hx-swap-oob") == "true"
    assert "still open" not in card.text and "4 minutes" in card.text
    # From a list (home, /moment) there is no card to refresh, so none is sent.
    other = capture(web, unlocked, "3")
    r = htmx(web, unlocked, f"/moment/{other}/peak", {"next": "/moment"})
    assert page(r).select("dl") == []


# --- all moments: history -------------------------------------------------------------------


def seed_history(web: Web, count: int) -> list[str]:
    """`count` moments a day apart, newest last; every third tagged work, every fifth with
    Sam, some with words to find."""
    made: list[str] = []

    def add(s: Any) -> None:
        for n in range(count):
            a = activations.log_activation(
                session=s,
                intensity=n % 11,
                now=datetime(2026, 3, 2, 9, 30, tzinfo=UTC),
                onset=datetime(2025, 1, 1, 20, 0, tzinfo=UTC) + timedelta(days=n),
                trigger=f"moment {n}" + (" he was late again" if n % 4 == 0 else ""),
                tags=["work"] if n % 3 == 0 else ["home"],
                emotions=["lonely"] if n % 2 else ["tense"],
            )
            if n % 5 == 0:
                activations.update_details(
                    session=s, activation_id=a.id, now=a.onset_at, person="Sam"
                )
            made.append(a.id)

    web._read(add)
    return made


def history_ids(p: Any) -> list[str]:
    return [a.get("href").rsplit("/", 1)[1] for a in p.select("a") if a.has_class("history-moment")]


def test_all_moments_pages_through_the_whole_history(web: Web, unlocked: TestClient) -> None:
    """ "All moments" once showed the 20 newest of the last 90 days and nothing older."""
    made = seed_history(web, 60)
    seen: list[str] = []
    address = "/moment/history"
    while address:
        p = page(unlocked.get(address))
        seen += history_ids(p)
        older = [a.get("href") for a in p.select("a") if a.get("rel") == "next"]
        address = older[0] if older else ""
    assert seen == list(reversed(made))  # every one, newest first, none twice


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("tag=work", lambda n: n % 3 == 0),
        ("emotion=Lonely", lambda n: n % 2 == 1),
        ("person=sam", lambda n: n % 5 == 0),
        ("q=LATE+again", lambda n: n % 4 == 0),
        ("from=2025-01-10&to=2025-01-12", lambda n: 9 <= n <= 11),
        ("tag=work&q=late", lambda n: n % 12 == 0),
    ],
)
def test_history_filters(web: Web, unlocked: TestClient, query: str, expected: Any) -> None:
    made = seed_history(web, 20)
    found = history_ids(page(unlocked.get(f"/moment/history?{query}")))
    assert found == [made[n] for n in reversed(range(20)) if expected(n)]


def test_history_refuses_a_backwards_range_and_a_bad_cursor(web: Web, unlocked: TestClient) -> None:
    r = unlocked.get("/moment/history?from=2025-02-01&to=2025-01-01")
    assert r.status_code == 400 and "comes before its start" in error_text(r)
    assert unlocked.get("/moment/history?before=yesterday_x").status_code == 404
    assert unlocked.get("/moment/history?from=02/01/2025").status_code == 400
