"""Regulation pages (earned.web.routes.regulate): breathing pacer, grounding flow, sitting
timer, body scan, movement and practice log, the self-soothing toolkit, and bad input."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from earned import content, regulation
from earned import toolkit as toolkit_rules
from earned.store import practices, toolkit
from earned.store.models import PracticeRow
from earned.web import deps
from tests.support.html import page
from tests.support.web import Web, csrf_of, error_text, location

WORDS = content.load("regulate")
SENSES = [s["key"] for s in WORDS["ground"]["steps"]]
SCAN = WORDS["body_scan"]["steps"]
UNKNOWN_ID = "0" * 32
XSS = [
    ("<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;"),
    ('"><img src=x onerror=alert(1)>', "&#34;&gt;&lt;img src=x onerror=alert(1)&gt;"),
    ("{{7*7}}", "{{7*7}}"),
]
# Words a practice page must never use: no streaks, nothing "missed", nothing "failed".
SHAMING = re.compile(r"streak|missed|fail|you didn.t|behind|broke", re.I)


# --- helpers --------------------------------------------------------------------------------


def stored_practices(web: Web) -> list[tuple[str, int, str | None, str | None]]:
    """(kind, seconds, note, client_token) of every stored practice, oldest first."""
    rows: list[tuple[str, int, str | None, str | None]] = web._read(
        lambda s: [
            (r.kind, r.seconds, r.note, r.client_token)
            for r in s.scalars(select(PracticeRow).order_by(PracticeRow.started_at))
        ]
    )
    return rows


def log(web: Web, client: TestClient, **data: str) -> httpx.Response:
    return web.post(client, "/regulate/practice", data)


def add_tool(web: Web, client: TestClient, name: str) -> str:
    assert location(web.post(client, "/regulate/toolkit", {"name": name})) == (
        "/regulate/toolkit?added=1"
    )
    ranks: list[toolkit_rules.ToolRank] = web._read(lambda s: toolkit.toolkit(session=s))
    return next(r.tool_id for r in ranks if r.name == name.strip())


def use(
    web: Web, client: TestClient, tool_id: str, before: Any, after: Any, token: str = ""
) -> Any:
    data = {"before": str(before), "after": str(after)}
    if token:
        data["client_token"] = token
    return web.post(client, f"/regulate/toolkit/{tool_id}/use", data)


def ground_move(
    web: Web, client: TestClient, step: int, go: str = "next", **notes: str
) -> httpx.Response:
    return web.post(
        client, "/regulate/ground", {"step": str(step), "go": go, "started": "1", **notes}
    )


def hidden(p: Any, name: str) -> str | None:
    found = [el for el in p.select("input", type="hidden") if el.get("name") == name]
    assert len(found) == 1, (name, len(found))
    return found[0].get("value")


def freeze(monkeypatch: pytest.MonkeyPatch, when: datetime) -> None:
    monkeypatch.setattr(deps, "now", lambda: when)


GET_PAGES = [
    "/regulate",
    "/regulate/breathe",
    "/regulate/breathe?pattern=box",
    "/regulate/breathe?pattern=478&minutes=1",
    "/regulate/breathe?pattern=coherent&minutes=10",
    "/regulate/ground",
    *[f"/regulate/ground?step={n}" for n in range(1, 7)],
    "/regulate/sit",
    "/regulate/body-scan",
    *[f"/regulate/body-scan?step={n}" for n in range(1, len(SCAN) + 2)],
    "/regulate/practice",
    "/regulate/log",
    "/regulate/toolkit",
]


# --- every page, locked and unlocked ----------------------------------------------------------


@pytest.mark.parametrize("url", GET_PAGES)
def test_every_page_renders_calmly(unlocked: TestClient, url: str) -> None:
    r = unlocked.get(url)
    assert r.status_code == 200, url
    p = page(r)
    assert p.one("h1").text
    # The Practise destination is marked current, in the header and in the phone tab bar.
    nav = [a for a in p.select("a", href="/regulate") if a.text == "Practise"]
    assert len(nav) == 2 and all(a.get("aria-current") == "page" for a in nav)
    assert p.one("a.help-link").get("href") == "/help"
    assert p.one("a.ground-link").get("href") == "/grounding"
    assert not SHAMING.search(p.text), url
    assert not [el for el in p.elements if "style" in el.attrs]
    assert not [el for el in p.elements if any(a.startswith("on") for a in el.attrs)]
    for script in p.select("script"):
        assert (script.get("src") or "").startswith("/static/")


def test_regulate_js_only_on_the_timed_pages(unlocked: TestClient) -> None:
    for url in [*GET_PAGES, "/"]:
        timed = (
            url.startswith("/regulate/breathe?pattern=")
            or url == "/regulate/sit"
            # a region of the body scan, which can go on by itself (not the last page)
            or (
                url.startswith("/regulate/body-scan?step=")
                and int(url.rsplit("=", 1)[1]) <= len(SCAN)
            )
        )
        scripts = [s.get("src") for s in page(unlocked.get(url)).select("script")]
        assert ("/static/regulate.js" in scripts) is timed, url
    r = unlocked.get("/static/regulate.js")
    assert r.status_code == 200
    assert "matchMedia" in r.text and "prefers-reduced-motion" in r.text


def test_the_nav_links_to_regulate_when_unlocked_only(
    stranger: TestClient, unlocked: TestClient
) -> None:
    assert not page(stranger.get("/help")).select("a", href="/regulate")
    links = page(unlocked.get("/")).select("a", href="/regulate")
    assert [a.text for a in links] == ["Practise", "Practise"]  # header, and phone tab bar


# --- index and the weekly counts --------------------------------------------------------------


def test_index_lists_every_practice(unlocked: TestClient) -> None:
    p = page(unlocked.get("/regulate"))
    assert p.one("h1").text == "Regulate"
    hrefs = {a.get("href") for a in p.select("a")}
    for key in regulation.BREATHING:
        assert f"/regulate/breathe?pattern={key}" in hrefs
    for url in (
        "/regulate/ground",
        "/regulate/sit",
        "/regulate/body-scan",
        "/regulate/practice",
        "/regulate/toolkit",
        "/regulate/log",
    ):
        assert url in hrefs, url
    assert "5.5 breaths a minute" in p.text
    weeks = p.select("li.week")
    assert len(weeks) == 8
    assert [w.text for w in p.select("span.week-count")] == ["0 practices"] * 8
    assert p.select("span.week-label")[-1].text == "This week"
    assert "Your own list of things that help you settle" in p.text


def test_weekly_counts_with_frozen_time(
    web: Web, unlocked: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    now = datetime(2026, 3, 4, 12, 0, tzinfo=UTC)  # a Wednesday
    monday = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
    store = web.store
    with store.session() as s:
        for when in (
            monday,
            monday + timedelta(days=1),
            monday - timedelta(days=1),  # last week's Sunday
            monday - timedelta(weeks=5),
            monday - timedelta(weeks=9),  # older than the eight weeks shown
        ):
            practices.log_practice(session=s, kind="grounding", seconds=120, now=when)
    freeze(monkeypatch, now)
    for url in ("/regulate", "/regulate/log"):
        p = page(unlocked.get(url))
        counts = [w.text for w in p.select("span.week-count")]
        assert counts == [
            "0 practices",
            "0 practices",
            "1 practice",
            "0 practices",
            "0 practices",
            "0 practices",
            "1 practice",
            "2 practices",
        ], url
        labels = [w.text for w in p.select("span.week-label")]
        assert labels[0] == "Week of 12 Jan" and labels[-2] == "Week of 23 Feb"
        assert labels[-1] == "This week"
        bars = p.select("progress.week-bar")
        assert [b.get("value") for b in bars] == ["0", "0", "1", "0", "0", "0", "1", "2"]
        assert {b.get("max") for b in bars} == {"2"}
        assert not SHAMING.search(p.text)


def test_index_toolkit_summary_shows_the_top_three(web: Web, unlocked: TestClient) -> None:
    ids = [add_tool(web, unlocked, name) for name in ("one", "two", "three", "four")]
    for tool_id, drop in zip(ids, (1, 4, 2, 3), strict=True):
        assert location(use(web, unlocked, tool_id, 8, 8 - drop)) == "/regulate/toolkit?used=1"
    p = page(unlocked.get("/regulate"))
    summary = p.one("ol.tool-summary")
    assert "4 tools on your list" in p.text
    names = [el.text for el in p.select("strong")]
    assert names == ["two", "four", "three"]
    assert "too early to tell" in summary.text


# --- paced breathing --------------------------------------------------------------------------


def test_breathing_chooser(unlocked: TestClient) -> None:
    p = page(unlocked.get("/regulate/breathe"))
    assert p.one("h1").text == "Paced breathing"
    assert not p.select("div.breath")
    form = p.one("form", action="/regulate/breathe")
    assert form.get("method") == "get"
    radios = [el.get("value") for el in p.select("input", type="radio", name="pattern")]
    assert radios == list(regulation.BREATHING)
    options = [el.get("value") for el in p.select("option")]
    assert options == [str(m) for m in regulation.DURATIONS_MINUTES]
    assert "selected" in p.one("option", value="3").attrs


@pytest.mark.parametrize("key", list(regulation.BREATHING))
@pytest.mark.parametrize("minutes", list(regulation.DURATIONS_MINUTES))
def test_pacer_carries_the_pattern(unlocked: TestClient, key: str, minutes: int) -> None:
    pattern = regulation.BREATHING[key]
    r = unlocked.get(f"/regulate/breathe?pattern={key}&minutes={minutes}")
    assert r.status_code == 200
    p = page(r)
    assert p.one("h1").text == pattern.title
    pacer = p.one("div.breath")
    assert "hidden" in pacer.attrs  # shown by regulate.js; without JS the text below guides
    assert pacer.get("data-pattern") == key
    assert float(str(pacer.get("data-cycle-seconds"))) == pytest.approx(pattern.cycle_seconds)
    assert pacer.get("data-total-seconds") == str(minutes * 60)
    assert p.one("progress.breath-progress").get("max") == str(minutes * 60)
    for button in ("data-start", "data-stop"):
        assert len([el for el in p.select("button") if button in el.attrs]) == 1
    # The rhythm list is both the no-JS instructions and the pacer's data.
    p.one("ol.rhythm")
    phases = [el for el in p.select("li") if "data-phase" in el.attrs]
    assert [el.get("data-phase") for el in phases] == [ph.name for ph in pattern.phases]
    assert [float(str(el.get("data-seconds"))) for el in phases] == [
        pytest.approx(ph.seconds) for ph in pattern.phases
    ]
    assert [el.get("data-label") for el in phases] == [ph.label for ph in pattern.phases]
    for el, ph in zip(phases, pattern.phases, strict=True):
        assert el.text.startswith(ph.label)
        assert "seconds" in el.text
    # The no-JS log button logs the chosen minutes as this pattern's kind.
    form = p.one("form", action="/regulate/practice")
    assert form.get("method") == "post"
    assert hidden(p, "kind") == f"breathing-{key}"
    assert hidden(p, "minutes") == str(minutes)
    assert len(str(hidden(p, "client_token"))) >= 16
    unit = "minute" if minutes == 1 else "minutes"
    assert p.one("button", type="submit", **{"class": "secondary"}).text.startswith(
        f"I did {minutes} {unit}"
    )


def test_breathing_default_length_and_phase_words(unlocked: TestClient) -> None:
    p = page(unlocked.get("/regulate/breathe?pattern=coherent"))
    assert p.one("div.breath").get("data-total-seconds") == "180"
    assert "5.5 breaths a minute" in p.text
    assert "Breathe in: about 5.5 seconds" in p.text
    p = page(unlocked.get("/regulate/breathe?pattern=478"))
    assert "Hold: 7 seconds" in p.text and "Breathe out slowly: 8 seconds" in p.text


@pytest.mark.parametrize("pattern", ["square", "BOX", "box ", "<b>", "4-7-8", ""])
def test_unknown_pattern_is_a_404_page(unlocked: TestClient, pattern: str) -> None:
    r = unlocked.get("/regulate/breathe", params={"pattern": pattern, "minutes": "3"})
    assert r.status_code == 404
    assert "no breathing pattern" in error_text(r)
    assert "<b>" not in r.text.split("<main", 1)[1]


@pytest.mark.parametrize("minutes", ["0", "4", "7", "11", "60", "-1", "abc", "2.5", "1e3"])
def test_minutes_outside_the_choices_is_a_400(unlocked: TestClient, minutes: str) -> None:
    r = unlocked.get("/regulate/breathe", params={"pattern": "box", "minutes": minutes})
    assert r.status_code == 400
    assert "1, 2, 3, 5 or 10 minutes" in error_text(r)
    p = page(r)
    assert not p.select("div.breath")  # no pacer for a length nobody chose
    assert "checked" in p.one("input", type="radio", value="box").attrs


# --- logging a practice -----------------------------------------------------------------------


def test_no_js_breathing_log_button(web: Web, unlocked: TestClient) -> None:
    p = page(unlocked.get("/regulate/breathe?pattern=box&minutes=5"))
    token = str(hidden(p, "client_token"))
    data = {"kind": "breathing-box", "minutes": "5", "client_token": token}
    assert location(log(web, unlocked, **data)) == "/regulate/log?saved=1"
    assert location(log(web, unlocked, **data)) == "/regulate/log?saved=1"  # a double tap
    assert stored_practices(web) == [("breathing-box", 300, None, token)]
    shown = page(unlocked.get("/regulate/log?saved=1"))
    assert "Saved" in shown.one("p.ok").text


def test_js_logs_the_seconds_actually_done(web: Web, unlocked: TestClient) -> None:
    data = {"kind": "breathing-478", "seconds": "95", "minutes": "", "client_token": "t-478"}
    headers = {"X-Earned-Js": "1"}
    r = web.post(unlocked, "/regulate/practice", data, headers=headers)
    assert r.status_code == 204 and r.text == ""
    again = web.post(unlocked, "/regulate/practice", {**data, "seconds": "120"}, headers=headers)
    assert again.status_code == 204
    assert stored_practices(web) == [("breathing-478", 95, None, "t-478")]
    # A new round on the same page comes with a new token and is a new practice.
    web.post(unlocked, "/regulate/practice", {**data, "client_token": "t-2"}, headers=headers)
    assert [p[1] for p in stored_practices(web)] == [95, 95]


def test_seconds_win_over_minutes(web: Web, unlocked: TestClient) -> None:
    log(web, unlocked, kind="mindfulness", seconds="42", minutes="10")
    assert stored_practices(web)[0][:2] == ("mindfulness", 42)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"kind": "breathing-box", "seconds": "0"}, "between a second and four hours"),
        ({"kind": "breathing-box", "seconds": "-5"}, "between a second and four hours"),
        ({"kind": "mindfulness", "minutes": "241"}, "between a second and four hours"),
        ({"kind": "yoga", "minutes": "5"}, "Unknown practice"),
        ({"kind": "breathing-box", "seconds": "ten"}, "could not be read"),
        ({"kind": "mindfulness", "minutes": "a while"}, "whole number"),
        ({"kind": "mindfulness"}, "How many minutes"),
        ({"kind": "movement", "minutes": "0"}, "between a second and four hours"),
        ({"kind": "movement", "minutes": ""}, "How many minutes"),
        ({"kind": "movement", "minutes": "1.5"}, "whole number"),
        ({"kind": "movement", "minutes": "20", "client_token": "x" * 65}, "repeat-guard token"),
    ],
)
def test_bad_practices_are_refused(
    web: Web, unlocked: TestClient, data: dict[str, str], message: str
) -> None:
    r = log(web, unlocked, **data)
    assert r.status_code == 400
    assert message in error_text(r)
    assert stored_practices(web) == []


def test_oversized_movement_note_keeps_the_draft(web: Web, unlocked: TestClient) -> None:
    note = "ran by the river " * 200  # 3,400 characters
    r = log(web, unlocked, kind="movement", minutes="30", note=note, client_token="mv-1")
    assert r.status_code == 400
    assert "please keep it under 2,000" in error_text(r)
    p = page(r)
    assert p.one("textarea", name="note").text == " ".join(note.split())
    assert p.one("input", name="minutes").get("value") == "30"
    assert stored_practices(web) == []
    just = "x" * 2000
    assert location(log(web, unlocked, kind="movement", minutes="30", note=just)) == (
        "/regulate/log?saved=1"
    )
    assert stored_practices(web)[0][2] == just


# --- movement and the practice log ------------------------------------------------------------


def test_movement_form(web: Web, unlocked: TestClient) -> None:
    p = page(unlocked.get("/regulate/practice"))
    assert p.one("h1").text == "Log movement"
    assert hidden(p, "kind") == "movement"
    assert p.one("input", name="minutes").get("type") == "number"
    assert p.one("textarea", name="note").get("maxlength") == "2000"
    token = str(hidden(p, "client_token"))
    data = {
        "kind": "movement",
        "minutes": "25",
        "note": "  a walk in the rain ",
        "client_token": token,
    }
    assert location(log(web, unlocked, **data)) == "/regulate/log?saved=1"
    assert location(log(web, unlocked, **data)) == "/regulate/log?saved=1"
    assert stored_practices(web) == [("movement", 1500, "a walk in the rain", token)]


def test_practice_log_lists_recent_practices(
    web: Web, unlocked: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    empty = page(unlocked.get("/regulate/log"))
    assert empty.one("h1").text == "Practice log"
    assert not empty.select("table")
    assert "Practices you log will appear here" in empty.text
    base = datetime(2026, 3, 4, 9, 0, tzinfo=UTC)
    for i, (kind, seconds) in enumerate(
        [("breathing-box", 180), ("grounding", 95), ("movement", 1800), ("body-scan", 45)]
    ):
        freeze(monkeypatch, base + timedelta(hours=i))
        assert location(log(web, unlocked, kind=kind, seconds=str(seconds))).endswith("saved=1")
    p = page(unlocked.get("/regulate/log"))
    rows = [[td.text for td in tr_cells] for tr_cells in _rows(p)]
    assert rows == [
        ["Body scan", "Wed 04 Mar 2026, 12:00", "45 s"],
        ["Movement", "Wed 04 Mar 2026, 11:00", "30 min"],
        ["5-4-3-2-1 grounding", "Wed 04 Mar 2026, 10:00", "1 min 35 s"],
        ["Box breathing", "Wed 04 Mar 2026, 09:00", "3 min"],
    ]
    assert p.select("time")[0].get("datetime") == "2026-03-04T12:00:00+00:00"
    assert [w.text for w in p.select("span.week-count")][-1] == "4 practices"
    assert not SHAMING.search(p.text)


def _rows(p: Any) -> list[list[Any]]:
    """The table body's cells, row by row (the tiny reader has no nesting queries)."""
    cells = p.select("td")
    return [cells[i : i + 3] for i in range(0, len(cells), 3)]


# --- 5-4-3-2-1 grounding ----------------------------------------------------------------------


def test_grounding_intro(unlocked: TestClient) -> None:
    p = page(unlocked.get("/regulate/ground"))
    assert p.one("h1").text == "5-4-3-2-1 grounding"
    p.one("ol.senses")
    assert [li.text for li in p.select("li")] == [s["title"] for s in WORDS["ground"]["steps"]]
    assert p.one("a", href="/regulate/ground?step=1").text == "Begin"
    assert "only kept if you choose" in p.text


@pytest.mark.parametrize("step", range(1, 6))
def test_each_grounding_step_is_its_own_page(unlocked: TestClient, step: int) -> None:
    sense = WORDS["ground"]["steps"][step - 1]
    p = page(unlocked.get(f"/regulate/ground?step={step}"))
    assert p.one("h1").text == f"{sense['count']} {sense['title']}"
    assert f"Step {step} of 5" in p.text
    assert p.one("progress").get("value") == str(step)
    form = p.one("form", action="/regulate/ground")
    assert form.get("method") == "post"
    assert hidden(p, "step") == str(step)
    textarea = p.one("textarea")
    assert textarea.get("name") == sense["key"]
    assert textarea.get("maxlength") == "300"
    for other in SENSES:
        if other != sense["key"]:
            assert hidden(p, other) == ""
    assert p.one("button", value="next").text == ("Finish" if step == 5 else "Next")
    if step == 1:
        assert p.one("a", href="/regulate/ground").text == "Back"
    else:
        assert p.one("button", value="back").text == "Back"


def test_grounding_flow_carries_notes_and_stores_nothing_until_the_end(
    web: Web, unlocked: TestClient
) -> None:
    r = ground_move(web, unlocked, 1, see="the lamp, my blue mug")
    assert r.status_code == 200
    p = page(r)
    assert p.one("textarea").get("name") == "touch"
    assert hidden(p, "see") == "the lamp, my blue mug"
    assert hidden(p, "started") == "1"
    r = ground_move(web, unlocked, 2, see="the lamp, my blue mug", touch="soft sleeve")
    assert page(r).one("textarea").get("name") == "hear"
    back = page(ground_move(web, unlocked, 3, go="back", see="the lamp", touch="soft sleeve"))
    assert back.one("textarea").get("name") == "touch"
    assert back.one("textarea").text == "soft sleeve"
    notes = {"see": "the lamp", "touch": "soft sleeve", "hear": "rain", "smell": "", "taste": "tea"}
    done = page(ground_move(web, unlocked, 5, **notes))
    assert done.one("h1").text == "You're here"
    assert done.one("form", action="/regulate/ground/done")
    assert [d.text for d in done.select("dd")] == ["the lamp", "soft sleeve", "rain", "tea"]
    assert "checked" not in done.one("input", type="checkbox", name="save_note").attrs
    assert stored_practices(web) == []  # moving between steps stores nothing
    # Finished without ticking the box: the practice is logged, the words are let go.
    token = str(hidden(done, "client_token"))
    data = {**notes, "started": "1", "client_token": token}
    assert location(web.post(unlocked, "/regulate/ground/done", data)) == "/regulate/log?saved=1"
    assert location(web.post(unlocked, "/regulate/ground/done", data)) == "/regulate/log?saved=1"
    assert stored_practices(web) == [("grounding", 180, None, token)]


def test_grounding_note_is_kept_only_when_chosen(
    web: Web, unlocked: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    now = datetime(2026, 3, 4, 9, 0, tzinfo=UTC)
    freeze(monkeypatch, now)
    started = str(int(now.timestamp()) - 150)
    data = {"see": "sky", "hear": "birds", "started": started, "save_note": "1"}
    assert location(web.post(unlocked, "/regulate/ground/done", data)).endswith("saved=1")
    kind, seconds, note, _token = stored_practices(web)[0]
    assert (kind, seconds) == ("grounding", 150)
    assert note == "Five things you can see: sky\nThree things you can hear: birds"


def test_grounding_back_from_the_end_and_step_bounds(web: Web, unlocked: TestClient) -> None:
    back = page(ground_move(web, unlocked, 6, go="back", taste="mint"))
    assert back.one("textarea").get("name") == "taste"
    assert back.one("textarea").text == "mint"
    assert page(ground_move(web, unlocked, 1, go="back")).one("textarea").get("name") == "see"
    for step in ("7", "-1", "abc"):
        r = web.post(unlocked, "/regulate/ground", {"step": step, "go": "next"})
        assert r.status_code == 404, step
    for query in ("step=7", "step=-1", "step=two"):
        assert unlocked.get(f"/regulate/ground?{query}").status_code == 404, query


def test_grounding_oversized_note_is_a_400_that_keeps_the_text(
    web: Web, unlocked: TestClient
) -> None:
    long = "a" * 301
    r = ground_move(web, unlocked, 2, touch=long)
    assert r.status_code == 400
    assert "please keep it under 300" in error_text(r)
    assert page(r).one("textarea").text == long
    done = web.post(unlocked, "/regulate/ground/done", {"see": long, "save_note": "1"})
    assert done.status_code == 400
    assert stored_practices(web) == []


@pytest.mark.parametrize(("text", "escaped"), XSS)
def test_grounding_notes_are_inert(web: Web, unlocked: TestClient, text: str, escaped: str) -> None:
    r = ground_move(web, unlocked, 5, see=text, taste=text)
    assert escaped in r.text
    p = page(r)
    assert not [s for s in p.select("script") if not s.get("src")]
    assert not p.select("img")
    assert [d.text for d in p.select("dd")] == [text, text]


# --- mindfulness timer and body scan ----------------------------------------------------------


def test_sit_defaults_to_ten_minutes(unlocked: TestClient) -> None:
    p = page(unlocked.get("/regulate/sit"))
    assert p.one("h1").text == "Mindfulness timer"
    timer = p.one("div.timer")
    assert "hidden" in timer.attrs
    assert timer.get("data-total-seconds") == "600"
    assert p.one("p.timer-clock").text == "10:00"
    assert p.one("input", id="sit-minutes").get("value") == "10"
    p.one("ol.guidance")
    guidance = [" ".join(g.split()) for g in WORDS["sit"]["guidance"]]
    assert [li.text for li in p.select("li")] == guidance
    assert hidden(p, "kind") == "mindfulness"
    assert p.one("input", id="log-minutes").get("value") == "10"


def test_sit_chosen_length(web: Web, unlocked: TestClient) -> None:
    p = page(unlocked.get("/regulate/sit?minutes=25"))
    assert p.one("div.timer").get("data-total-seconds") == "1500"
    assert p.one("p.timer-clock").text == "25:00"
    token = str(hidden(p, "client_token"))
    r = log(web, unlocked, kind="mindfulness", minutes="25", client_token=token)
    assert location(r) == "/regulate/log?saved=1"
    assert stored_practices(web) == [("mindfulness", 1500, None, token)]


@pytest.mark.parametrize("minutes", ["0", "121", "-3", "abc", "1.5"])
def test_sit_length_out_of_range_is_a_400(unlocked: TestClient, minutes: str) -> None:
    r = unlocked.get("/regulate/sit", params={"minutes": minutes})
    assert r.status_code == 400
    assert "Choose between 1 and 120 minutes" in error_text(r)


def test_body_scan_goes_from_feet_to_head(web: Web, unlocked: TestClient) -> None:
    intro = page(unlocked.get("/regulate/body-scan"))
    assert intro.one("h1").text == "Body scan"
    assert intro.one("a", href="/regulate/body-scan?step=1").text == "Begin"
    titles = []
    for n in range(1, len(SCAN) + 1):
        p = page(unlocked.get(f"/regulate/body-scan?step={n}"))
        titles.append(p.one("h1").text)
        assert f"Step {n} of {len(SCAN)}" in p.text
        assert p.one("a", rel="next").get("href") == f"/regulate/body-scan?step={n + 1}"
        assert p.one("a", rel="prev").get("href") == f"/regulate/body-scan?step={n - 1}"
    assert titles.index("Feet") < titles.index("Chest and upper back") < len(titles) - 1
    assert titles[-1] == "The top of your head"
    end = page(unlocked.get(f"/regulate/body-scan?step={len(SCAN) + 1}"))
    assert hidden(end, "kind") == "body-scan"
    token = str(hidden(end, "client_token"))
    r = log(web, unlocked, kind="body-scan", minutes="12", client_token=token)
    assert location(r) == "/regulate/log?saved=1"
    assert stored_practices(web) == [("body-scan", 720, None, token)]
    for step in (len(SCAN) + 2, -1):
        assert unlocked.get(f"/regulate/body-scan?step={step}").status_code == 404


# --- the self-soothing toolkit ----------------------------------------------------------------


def tool_names(p: Any) -> list[str]:
    return [h.text for h in p.select("h3.tool-name")]


def test_empty_toolkit(unlocked: TestClient) -> None:
    p = page(unlocked.get("/regulate/toolkit"))
    assert p.one("h1").text == "Your self-soothing toolkit"
    assert p.one("input", name="name").get("maxlength") == "120"
    assert "Nothing here yet" in p.text
    assert not p.select("ol.tools")


def test_add_use_and_rank_tools(web: Web, unlocked: TestClient) -> None:
    ids = {
        name: add_tool(web, unlocked, name)
        for name in ("walk", "song", "cold water", "tea", "scroll")
    }
    # Hand-computed medians: walk 4,2,3 -> 3 (3 uses); song 5,1 -> 3 (2 uses: too early);
    # cold water 1,2,0 -> 1; scroll -2,-1,-3 -> -2 (it tends to make it worse); tea untried.
    history = {
        "walk": [(8, 4), (6, 4), (7, 4)],
        "song": [(9, 4), (5, 4)],
        "cold water": [(5, 4), (6, 4), (3, 3)],
        "scroll": [(4, 6), (5, 6), (3, 6)],
    }
    for name, pairs in history.items():
        for before, after in pairs:
            assert location(use(web, unlocked, ids[name], before, after)) == (
                "/regulate/toolkit?used=1"
            )
    p = page(unlocked.get("/regulate/toolkit?used=1"))
    assert "Noted" in p.one("p.ok").text
    assert tool_names(p) == ["walk", "song", "cold water", "scroll", "tea"]
    assert [el.text for el in p.select("span.tool-uses")] == [
        "3 uses",
        "2 uses",
        "3 uses",
        "3 uses",
        "0 uses",
    ]
    said = [el.text for el in p.select("span.tool-said")]
    assert said == [
        "typically brings intensity down by 3 points",
        "too early to tell: typically brings intensity down by 3 points",
        "typically brings intensity down by 1 point",
        "so far intensity has tended to rise by 2 points afterwards",
        "not tried yet",
    ]
    assert len(p.select("p.tool-early")) == 1  # only the tool with one or two uses
    for tool_id in ids.values():
        p.one("form", action=f"/regulate/toolkit/{tool_id}/use")
        p.one("form", action=f"/regulate/toolkit/{tool_id}/archive")
    before = p.one("select", id=f"before-{ids['walk']}")
    assert before.get("name") == "before"
    values = [o.get("value") for o in p.select("option")]
    assert values[:12] == ["", *[str(n) for n in range(11)]]


def test_median_drop_with_half_points(web: Web, unlocked: TestClient) -> None:
    tool = add_tool(web, unlocked, "breathe into my hands")
    for before, after in ((7, 5), (7, 4), (6, 6), (9, 4)):  # drops 2, 3, 0, 5 -> median 2.5
        use(web, unlocked, tool, before, after)
    p = page(unlocked.get("/regulate/toolkit"))
    assert p.one("span.tool-said").text == "typically brings intensity down by 2.5 points"
    assert p.one("span.tool-uses").text == "4 uses"
    assert not p.select("p.tool-early")


def test_tool_use_is_idempotent(web: Web, unlocked: TestClient) -> None:
    tool = add_tool(web, unlocked, "walk")
    token = str(hidden(page(unlocked.get("/regulate/toolkit")), "client_token"))
    for _ in range(3):
        assert location(use(web, unlocked, tool, 8, 2, token)) == "/regulate/toolkit?used=1"
    p = page(unlocked.get("/regulate/toolkit"))
    assert p.one("span.tool-uses").text == "1 use"
    assert "too early to tell" in p.one("span.tool-said").text


def test_adding_the_same_tool_twice_keeps_one(web: Web, unlocked: TestClient) -> None:
    add_tool(web, unlocked, "Cold water")
    again = web.post(unlocked, "/regulate/toolkit", {"name": "  cold WATER "})
    assert location(again) == "/regulate/toolkit?added=1"
    assert tool_names(page(unlocked.get("/regulate/toolkit"))) == ["Cold water"]


@pytest.mark.parametrize(
    ("before", "after", "message"),
    [
        ("11", "3", "outside"),
        ("5", "-1", "outside"),
        ("", "3", "whole number from 0 to 10"),
        ("5", "", "whole number from 0 to 10"),
        ("five", "3", "whole number from 0 to 10"),
        ("5.5", "3", "whole number from 0 to 10"),
    ],
)
def test_bad_intensities_are_a_400(
    web: Web, unlocked: TestClient, before: str, after: str, message: str
) -> None:
    tool = add_tool(web, unlocked, "walk")
    r = use(web, unlocked, tool, before, after)
    assert r.status_code == 400
    assert message in error_text(r)
    assert tool_names(page(r)) == ["walk"]  # the toolkit is still there to try again
    assert page(unlocked.get("/regulate/toolkit")).one("span.tool-uses").text == "0 uses"


@pytest.mark.parametrize(
    ("name", "message"), [("", "short name"), ("   ", "short name"), ("x" * 121, "under 120")]
)
def test_bad_tool_names_are_a_400(web: Web, unlocked: TestClient, name: str, message: str) -> None:
    r = web.post(unlocked, "/regulate/toolkit", {"name": name})
    assert r.status_code == 400
    assert message in error_text(r)
    assert page(r).one("input", name="name").get("value") == name
    assert not tool_names(page(unlocked.get("/regulate/toolkit")))


def test_unknown_tool_is_a_404(web: Web, unlocked: TestClient) -> None:
    for url in (f"/regulate/toolkit/{UNKNOWN_ID}/use", f"/regulate/toolkit/{UNKNOWN_ID}/archive"):
        r = web.post(unlocked, url, {"before": "5", "after": "2"})
        assert r.status_code == 404, url
        assert "does not exist" in error_text(r)


def test_archive_a_tool(web: Web, unlocked: TestClient) -> None:
    keep = add_tool(web, unlocked, "walk")
    gone = add_tool(web, unlocked, "scroll")
    use(web, unlocked, gone, 5, 7)
    r = web.post(unlocked, f"/regulate/toolkit/{gone}/archive")
    assert location(r) == "/regulate/toolkit?archived=1"
    p = page(unlocked.get("/regulate/toolkit?archived=1"))
    assert tool_names(p) == ["walk"]
    assert "Archived" in p.one("p.ok").text
    assert p.one("li.tool").get("id") == f"tool-{keep}"


@pytest.mark.parametrize(("name", "escaped"), XSS)
def test_tool_names_are_inert(web: Web, unlocked: TestClient, name: str, escaped: str) -> None:
    add_tool(web, unlocked, name)
    for url in ("/regulate/toolkit", "/regulate"):
        r = unlocked.get(url)
        assert escaped in r.text, url
        p = page(r)
        assert not [s for s in p.select("script") if not s.get("src")], url
        assert not p.select("img"), url
        assert name in p.text
    assert tool_names(page(unlocked.get("/regulate/toolkit"))) == [name]


def test_every_form_carries_the_csrf_token(web: Web, unlocked: TestClient) -> None:
    add_tool(web, unlocked, "walk")
    for url in ("/regulate/toolkit", "/regulate/breathe?pattern=box", "/regulate/ground?step=6"):
        p = page(unlocked.get(url))
        posts = [f for f in p.select("form") if f.get("method") == "post"]
        tokens = [el.get("value") for el in p.select("input", name="csrf")]
        assert len(tokens) == len(posts) > 0, url
        assert set(tokens) == {csrf_of(unlocked)}, url


def test_index_with_untried_tools_only(web: Web, unlocked: TestClient) -> None:
    add_tool(web, unlocked, "hum a song")
    p = page(unlocked.get("/regulate"))
    assert "1 tool on your list. Rate one after you use it" in p.text
    assert p.one("ol.tool-summary").text == "hum a song · not tried yet"


def test_adding_a_tool_says_it_was_added(web: Web, unlocked: TestClient) -> None:
    """Not "thank you for taking that time for yourself": that is for a practice."""
    add_tool(web, unlocked, "A warm shower")
    p = page(unlocked.get("/regulate/toolkit?added=1"))
    assert p.one("p.ok").text == "Added to your toolkit."
    assert "taking that time" not in p.text


@pytest.mark.parametrize("started", ["²", "١٢", "1e9", "9" * 30])
def test_an_odd_start_time_on_grounding_is_no_error(
    web: Web, unlocked: TestClient, started: str
) -> None:
    """`started=²` once gave a 500 (str.isdigit is true for it, int() refuses it)."""
    r = web.post(unlocked, "/regulate/ground/done", {"started": started})
    assert r.status_code == 303
