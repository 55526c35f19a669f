"""In the moment, on a phone (390×844): log an activation in at most three actions and settle
it from the home page, hold an urge with the urge-delay timer, one minute of box breathing with
reduced motion, and axe-core on the new pages.

The breathing journey drives regulate.js with Playwright's clock (page.clock), so the minute
takes well under a second of real time; the urge timer needs real seconds, since the server
measures them. Every page opened through `pages` must keep its requests on 127.0.0.1 and log
no CSP violation (checked when each test ends, see conftest.py).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Locator, Page, expect

from earned import durations, patterns
from earned.episodes import Pattern
from earned.store import Store, activations, personal, practices, toolkit, urge_timers
from tests.support import PASSPHRASE
from tests.support.browser import (
    ARTIFACTS,
    DESKTOP,
    PHONE,
    Pages,
    Server,
    axe_check,
    focused,
    unlock,
)

pytestmark = pytest.mark.browser

# PHONE (from test_journeys) asks for reduced motion; the capture and urge journeys use the
# same phone with no motion preference, the breathing one keeps the reduced motion.
PHONE_MOVING: dict[str, Any] = {**PHONE, "reduced_motion": "no-preference"}
ID = r"[0-9a-f]{32}"


@contextmanager
def opened(server: Server) -> Iterator[Store]:
    """The server's journal opened with the profile's key, next to the running app."""
    store, _key = personal.unlock(server.profile, PASSPHRASE)
    try:
        yield store
    finally:
        store.close()


def clock_seconds(text: str) -> int:
    """'0:07' or '1:02:03' (as the urge timer shows it) in seconds."""
    seconds = 0
    for part in text.strip().split(":"):
        seconds = seconds * 60 + int(part)
    return seconds


# --- 1. capture in at most three actions, then settle from home -------------------------------


def test_log_an_activation_in_three_actions_then_settle_it(
    ready_server: Server, pages: Pages, artifacts: Path
) -> None:
    page = pages.open(**PHONE_MOVING)
    unlock(page, ready_server)  # starting point: the unlocked, onboarded home page
    expect(page.get_by_role("heading", name="Where to start")).to_be_visible()
    expect(page.locator("#episodes")).to_have_count(0)  # nothing open yet

    actions = 0
    page.get_by_role("button", name="Save intensity 7", exact=True).click()
    actions += 1
    assert actions <= 3, f"logging took {actions} actions"

    expect(page).to_have_url(re.compile(rf"/moment/{ID}/saved$"))
    activation_id = page.url.rsplit("/", 2)[-2]
    confirmation = page.get_by_role("status")
    expect(confirmation.get_by_role("heading", name="Noted.")).to_be_visible()
    expect(confirmation).to_contain_text("Intensity 7,")

    page.get_by_role("link", name="Back home").click()
    expect(page).to_have_url(ready_server.url + "/")
    open_list = page.locator("#episodes")
    expect(open_list.get_by_role("heading", name="Still open")).to_be_visible()
    row = open_list.locator(f"#episode-{activation_id}")
    expect(row).to_have_count(1)
    expect(row.get_by_role("link", name="Intensity 7")).to_be_visible()
    page.screenshot(path=artifacts / "capture.png", full_page=True)

    # "Settled now" swaps this one row through htmx: no new page load (the marker stays).
    page.evaluate("window.__samePage = true")
    row.get_by_role("button", name="Settled now").click()
    expect(row).to_contain_text("Settled. From the start to settling:")
    expect(row.get_by_role("button")).to_have_count(0)
    assert page.evaluate("window.__samePage") is True
    expect(page).to_have_url(ready_server.url + "/")

    page.reload()
    expect(page.get_by_role("heading", name="Welcome back")).to_be_visible()
    expect(page.locator(f"#episode-{activation_id}")).to_have_count(0)
    expect(page.locator("#episodes")).to_have_count(0)  # the open list has gone with it

    with opened(ready_server) as store, store.session() as s:
        saved = activations.get_activation(session=s, activation_id=activation_id)
        still_open = activations.list_activations(session=s, open_only=True)
    assert saved.intensity == 7
    assert saved.settled_at is not None
    assert saved.settled_at >= saved.onset_at
    assert still_open == []


# --- 2. urge-delay timer --------------------------------------------------------------------


def test_urge_timer_keeps_running_while_breathing_then_i_waited(
    ready_server: Server, pages: Pages, artifacts: Path
) -> None:
    page = pages.open(**PHONE_MOVING)
    unlock(page, ready_server)
    page.goto(ready_server.url + "/urge")
    expect(page.get_by_role("heading", name="I have the urge to…")).to_be_visible()
    page.get_by_role("button", name="send a reassurance text").click()

    expect(page).to_have_url(re.compile(rf"/urge/{ID}$"))
    urge_id = page.url.rsplit("/", 1)[-1]
    expect(page.get_by_role("heading", name="send a reassurance text")).to_be_visible()
    elapsed = page.get_by_role("timer", name="Time since the urge began")
    first = clock_seconds(elapsed.inner_text())
    page.wait_for_timeout(2_000)
    later = clock_seconds(elapsed.inner_text())
    assert later >= first + 1, f"the counter did not tick: {first} s, then {later} s"
    assert later >= 2
    page.screenshot(path=artifacts / "urge.png", full_page=True)

    page.get_by_role("link", name="Breathe with a pacer").click()
    expect(page).to_have_url(ready_server.url + "/regulate/breathe")
    expect(page.get_by_role("heading", name="Paced breathing")).to_be_visible()
    page.go_back()
    expect(page).to_have_url(f"{ready_server.url}/urge/{urge_id}")
    elapsed = page.get_by_role("timer", name="Time since the urge began")
    expect(elapsed).to_be_visible()
    assert clock_seconds(elapsed.inner_text()) >= later
    with opened(ready_server) as store, store.session() as s:
        assert urge_timers.get_urge(session=s, urge_id=urge_id).running

    page.get_by_role("button", name="I waited").click()
    expect(page).to_have_url(f"{ready_server.url}/urge/{urge_id}")
    with opened(ready_server) as store, store.session() as s:
        ended = urge_timers.get_urge(session=s, urge_id=urge_id)
    assert ended.outcome == "waited"
    assert ended.seconds_held is not None
    assert ended.seconds_held >= 2
    held = durations.words(ended.seconds_held)
    result = page.get_by_role("status")
    expect(result.get_by_role("heading", name=f"You held for {held}")).to_be_visible()
    expect(result).to_contain_text(f"You held for {held} and chose not to act on it.")
    expect(page.get_by_role("timer")).to_have_count(0)


# --- 3. one minute of box breathing, reduced motion -----------------------------------------


def test_one_minute_of_box_breathing_with_reduced_motion(
    ready_server: Server, pages: Pages, artifacts: Path
) -> None:
    page = pages.open(**PHONE)  # reduced_motion="reduce"
    page.clock.install()  # regulate.js times itself with performance.now and setInterval
    unlock(page, ready_server)
    page.goto(ready_server.url + "/regulate/breathe?pattern=box&minutes=1")
    expect(page.get_by_role("heading", name="Box breathing", level=1)).to_be_visible()
    # Box breathing's dot goes round a square (regulate.js); with reduced motion it stays.
    circle = page.locator("[data-dot]")
    label = page.locator("[data-phase-text]")
    expect(label).to_have_text(re.compile("The words below will guide"))

    def transform() -> str:
        return str(circle.evaluate("e => getComputedStyle(e).transform"))

    page.get_by_role("button", name="Start").click()
    expect(label).to_have_text("Breathe in")
    seen = {transform()}
    labels = ["Breathe in"]
    # A few seconds of the rhythm, in fake time (and a little real time for any animation).
    for step, want in ((4_500, "Hold"), (4_000, "Breathe out"), (4_000, "Hold")):
        page.clock.run_for(step)
        expect(label).to_have_text(want)
        labels.append(want)
        page.wait_for_timeout(150)
        seen.add(transform())
        if want == "Breathe out":
            page.screenshot(path=artifacts / "breathing.png", full_page=True)
    assert labels == ["Breathe in", "Hold", "Breathe out", "Hold"]
    assert len(seen) == 1, f"the dot moved: {seen}"
    assert circle.evaluate("e => e.getAnimations().length") == 0

    page.clock.run_for(60_000)  # the rest of the minute (and a little more)
    status = page.locator("[data-status]")
    expect(status).to_have_text("Logged 1 minute in your practice log.")
    expect(label).to_have_text("That's the time.")
    expect(page.locator("[data-finished]")).to_be_visible()

    page.goto(ready_server.url + "/regulate/log")
    rows = page.locator("table.practices tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.locator("td").nth(0)).to_have_text("Box breathing")
    expect(rows.locator("td").nth(2)).to_have_text("1 min")
    with opened(ready_server) as store, store.session() as s:
        logged = practices.practice_times(session=s)
    assert [(kind, seconds) for kind, _when, seconds in logged] == [("breathing-box", 60)]

    # The control: with motion welcome, the same circle does grow during the in-breath
    # (in real time, as the Web Animations API is not under page.clock), so the check above
    # would have caught a pacer that ignored the preference. Stopped within a second: no log.
    page.emulate_media(reduced_motion="no-preference")
    page.goto(ready_server.url + "/regulate/breathe?pattern=box&minutes=1")
    page.get_by_role("button", name="Start").click()
    expect(label).to_have_text("Breathe in")
    before = transform()
    page.wait_for_function(
        "([e, was]) => getComputedStyle(e).transform !== was",
        arg=[circle.element_handle(), before],
        timeout=3_000,
    )
    page.get_by_role("button", name="Stop").click()


# --- 4. accessibility of the new pages ------------------------------------------------------


def seed(server: Server) -> tuple[str, str]:
    """An activation with details and a pattern, a running urge timer linked to it, a tool
    with one use and one practice: the pages then show their lists, not only empty states."""
    now = datetime.now(UTC)
    with opened(server) as store, store.session() as s:
        a = activations.log_activation(session=s, intensity=6, now=now - timedelta(minutes=30))
        activations.update_details(
            session=s,
            activation_id=a.id,
            now=now - timedelta(minutes=29),
            trigger="no reply for three hours",
            tags=["texting"],
            body=["chest", "throat"],
            emotions=["abandoned", "anxious"],
            urge="send another text",
            named_in_moment=True,
            pattern=Pattern(
                "anxious", "the silence", "losing interest", "being left", "text again"
            ),
        )
        u = urge_timers.start_urge(
            session=s, urge="check their phone or profile", now=now, activation_id=a.id
        )
        tool = toolkit.add_tool(session=s, name="cold water on my wrists", now=now)
        toolkit.record_tool_use(session=s, tool_id=tool, before=7, after=4, now=now)
        practices.log_practice(session=s, kind="breathing-box", seconds=60, now=now)
    return a.id, u.id


def test_moment_and_regulate_pages_pass_axe_on_a_phone(
    ready_server: Server, pages: Pages, axe_source: str
) -> None:
    activation_id, urge_id = seed(ready_server)
    page = pages.open(**PHONE)
    unlock(page, ready_server)
    for path, heading in (
        ("/moment", None),
        (f"/moment/{activation_id}", None),
        (f"/urge/{urge_id}", "check their phone or profile"),
        ("/regulate/breathe?pattern=box&minutes=1", "Box breathing"),
        ("/regulate/toolkit", None),
        ("/patterns", None),
    ):
        response = page.goto(ready_server.url + path)
        assert response is not None and response.status == 200, path
        if heading:
            expect(page.get_by_role("heading", name=heading, level=1)).to_be_visible()
        assert page.evaluate("document.documentElement.clientWidth") == 390
        axe_check(page, axe_source, path)


# --- 5. naming the feeling on the emotion map, on a phone -------------------------------------

MAP_SHOTS = "emotion-map"


def centre(page: Page, word: str) -> tuple[float, float]:
    """The centre of a word's tile on the screen."""
    box = page.locator(f'label.ew:has(input[value="{word}"])').bounding_box()
    assert box is not None, word
    return box["x"] + box["width"] / 2, box["y"] + box["height"] / 2


def focused_word(page: Page) -> str:
    word: str = page.evaluate("document.activeElement.dataset.emotion || ''")
    return word


def open_map(page: Page, server: Server, activation_id: str) -> Locator:
    page.goto(f"{server.url}/moment/{activation_id}")
    fold = page.locator("#fold-feeling")
    expect(fold).not_to_have_attribute("open", "")
    fold.locator("summary").click()
    emap = page.locator("#emotion-map")
    expect(emap).to_have_class(re.compile(r"\bis-map\b"))
    return emap


def test_name_the_feeling_on_the_map_by_tapping_arrows_and_search(
    ready_server: Server, pages: Pages, axe_source: str, artifacts: Path
) -> None:
    with opened(ready_server) as store, store.session() as s:
        activation_id = activations.log_activation(session=s, intensity=7, now=datetime.now(UTC)).id
    shots = artifacts / MAP_SHOTS
    shots.mkdir(exist_ok=True)
    page = pages.open(**PHONE)
    unlock(page, ready_server)

    # The page opens short: the essentials, then the folds.
    page.goto(f"{ready_server.url}/moment/{activation_id}")
    folded = page.evaluate("document.documentElement.scrollHeight")
    assert folded < 2400, f"the moment's page is {folded} px tall before any fold opens"
    page.screenshot(path=shots / "detail-phone-light.png", full_page=True)
    page.screenshot(path=shots / "detail-phone-screen.png")  # as it opens

    emap = open_map(page, ready_server, activation_id)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # never sideways
    # Words sit by their coordinates: unpleasant left of pleasant, energy above calm.
    panicked, elated = centre(page, "panicked"), centre(page, "elated")
    numb, sleepy = centre(page, "numb"), centre(page, "sleepy")
    assert panicked[0] < elated[0] and numb[0] < sleepy[0]
    assert panicked[1] < numb[1] and elated[1] < sleepy[1]
    assert centre(page, "furious")[1] < centre(page, "uneasy")[1]  # same side, more energy
    # Every tile is a thumb-sized target inside the screen.
    sizes = emap.locator("label.ew").evaluate_all(
        "els => els.map(e => { const r = e.getBoundingClientRect();"
        " return [e.textContent.trim(), r.width, r.height, r.left, r.right]; })"
    )
    assert len(sizes) == len(patterns.known_words())
    for word, width, height, left, right in sizes:
        assert height >= 44 and width >= 44, (word, width, height)
        assert left >= 0 and right <= 390, (word, left, right)
    # Every word on one line of its tile (long words are set smaller).
    lines = emap.locator("label.ew span").evaluate_all(
        "els => els.filter(e => e.getBoundingClientRect().height >"
        " 1.5 * parseFloat(getComputedStyle(e).fontSize)).map(e => e.textContent)"
    )
    assert lines == []

    # Two words by tapping.
    page.get_by_role("checkbox", name="lonely", exact=True).tap()
    page.get_by_role("checkbox", name="hopeful", exact=True).tap()
    expect(page.get_by_role("checkbox", name="lonely", exact=True)).to_be_checked()
    expect(page.get_by_role("checkbox", name="hopeful", exact=True)).to_be_checked()
    expect(page.locator("[data-emotion-chosen]")).to_have_text("hopeful, lonely")
    # A screen reader meets each word as a checkbox named by the word, in its quadrant's group.
    low = page.get_by_role("group", name="Unpleasant, low energy heavy, drained, shut down")
    expect(low.get_by_role("checkbox", name="lonely", exact=True)).to_be_checked()
    high = page.get_by_role("group", name="Pleasant, high energy lit up, eager")
    expect(high.get_by_role("checkbox", name="hopeful", exact=True)).to_be_checked()

    # One tab stop into the map: from the search field, Tab lands on a word, the next Tab
    # leaves the map for the own-words box.
    page.get_by_label("Find a word").focus()
    page.keyboard.press("Tab")
    start = focused_word(page)
    assert start in ("lonely", "hopeful"), start  # the last word touched
    assert emap.locator('input[tabindex="0"]').count() == 1
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "emotions-other"
    page.keyboard.press("Shift+Tab")
    assert focused_word(page) == start

    # The arrows move by position: right stays in the row, down stays in the column.
    page.get_by_role("checkbox", name="lonely", exact=True).focus()
    was = centre(page, "lonely")
    page.keyboard.press("ArrowRight")
    right = focused_word(page)
    now = centre(page, right)
    assert now[0] > was[0] and abs(now[1] - was[1]) < 5, (right, was, now)
    page.keyboard.press("ArrowDown")
    third = focused_word(page)
    below = centre(page, third)
    assert below[1] > now[1] and abs(below[0] - now[0]) < 5, (third, now, below)
    page.keyboard.press("ArrowUp")
    assert focused_word(page) == right
    page.keyboard.press("ArrowDown")
    assert focused_word(page) == third
    assert emap.locator('input[tabindex="0"]').count() == 1
    assert emap.locator(f'input[tabindex="0"][value="{third}"]').count() == 1
    page.keyboard.press("Space")
    expect(page.get_by_role("checkbox", name=third, exact=True)).to_be_checked()
    assert third not in ("lonely", "hopeful")

    axe_check(page, axe_source, "the emotion map at 390 px, three words chosen")
    page.evaluate(  # the search at the top of the screen, below the sticky header
        "window.scrollTo(0, document.getElementById('emotion-q').getBoundingClientRect().top"
        " + window.scrollY - 110)"
    )
    for scheme in ("light", "dark"):  # what the person sees, then the whole map
        page.emulate_media(color_scheme=scheme)
        page.screenshot(path=shots / f"screen-phone-{scheme}.png")
    for scheme in ("light", "dark"):
        page.emulate_media(color_scheme=scheme)
        page.locator(".emap-frame").screenshot(path=shots / f"map-phone-{scheme}.png")
    page.emulate_media(color_scheme="light")

    # Typing in the search marks the matching words on the map and lists them.
    search = page.get_by_label("Find a word")
    search.press_sequentially("calm")
    calm = page.locator('label.ew:has(input[value="calm"])')
    expect(calm).to_have_class(re.compile(r"\bis-match\b"))
    expect(page.locator("label.ew.is-match")).to_have_count(1)
    expect(page.locator("#emotion-results").get_by_role("checkbox", name="calm")).to_be_visible()
    page.locator(".emap-frame").screenshot(path=shots / "map-phone-search.png")
    axe_check(page, axe_source, "the emotion map while searching")
    search.fill("")
    expect(page.locator("label.ew.is-match")).to_have_count(0)

    page.get_by_role("button", name="Save details").tap()
    expect(page).to_have_url(re.compile(rf"/moment/{activation_id}\?saved=1$"))
    with opened(ready_server) as store, store.session() as s:
        saved = activations.get_activation(session=s, activation_id=activation_id)
    assert sorted(saved.emotions) == sorted(["lonely", "hopeful", third])

    # On a wide screen the same map spreads out, one screen tall.
    wide = pages.open(**DESKTOP)
    unlock(wide, ready_server)
    emap = open_map(wide, ready_server, activation_id)
    expect(wide.get_by_role("checkbox", name=third, exact=True)).to_be_checked()
    assert wide.evaluate("document.documentElement.scrollWidth") <= 1280
    box = emap.bounding_box()
    assert box is not None and box["width"] >= 1000 and box["height"] <= 1100, box
    axe_check(wide, axe_source, "the emotion map at 1280 px")
    lines = emap.locator("label.ew span").evaluate_all(
        "els => els.filter(e => e.getBoundingClientRect().height >"
        " 1.5 * parseFloat(getComputedStyle(e).fontSize)).map(e => e.textContent)"
    )
    assert lines == []
    wide.evaluate(
        "window.scrollTo(0, document.getElementById('emotion-q').getBoundingClientRect().top"
        " + window.scrollY - 10)"
    )
    for scheme in ("light", "dark"):
        wide.emulate_media(color_scheme=scheme)
        wide.screenshot(path=shots / f"screen-desktop-{scheme}.png")
    for scheme in ("light", "dark"):
        wide.emulate_media(color_scheme=scheme)
        wide.locator(".emap-frame").screenshot(path=shots / f"map-desktop-{scheme}.png")


def test_the_map_without_javascript_is_checkboxes_by_quadrant(
    ready_server: Server, pages: Pages
) -> None:
    with opened(ready_server) as store, store.session() as s:
        activation_id = activations.log_activation(session=s, intensity=4, now=datetime.now(UTC)).id
    page = pages.open(**PHONE, java_script_enabled=False)
    unlock(page, ready_server)
    page.goto(f"{ready_server.url}/moment/{activation_id}")
    page.locator("#fold-feeling summary").click()
    emap = page.locator("#emotion-map")
    expect(emap).not_to_have_class(re.compile(r"\bis-map\b"))
    expect(page.get_by_label("Find a word")).to_be_hidden()
    low = page.get_by_role("group", name=re.compile("^Unpleasant, low energy"))
    low.get_by_role("checkbox", name="numb", exact=True).check()
    page.get_by_role("group", name=re.compile("^Pleasant, high energy")).get_by_label(
        "curious", exact=True
    ).check()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.locator(".emap-frame").screenshot(path=ARTIFACTS / MAP_SHOTS / "map-phone-no-js.png")
    page.get_by_role("button", name="Save details").click()
    expect(page).to_have_url(re.compile(r"\?saved=1$"))
    with opened(ready_server) as store, store.session() as s:
        saved = activations.get_activation(session=s, activation_id=activation_id)
    assert sorted(saved.emotions) == ["curious", "numb"]


# --- 6. the moment's controls under the thumb ------------------------------------------------

TARGETS = """() => [...document.querySelectorAll(
    'main a, main button, main input, main summary, main select, main textarea')]
  .filter(e => e.type !== 'hidden' && e.offsetParent !== null)
  .map(e => {
    const t = ['checkbox', 'radio'].includes(e.type) && e.closest('label') ? e.closest('label') : e;
    const r = t.getBoundingClientRect();
    return [(t.textContent || e.name || e.id).trim().slice(0, 40), r.width, r.height];
  })"""


def test_moment_pages_have_thumb_sized_targets_on_a_phone(
    ready_server: Server, pages: Pages
) -> None:
    """Every link, button, field and choice on the moment pages is at least 44 px each way
    at 390 px (a checkbox or radio counts with its label, which takes the tap), with every
    fold of the moment's page open; the page's Save and Settled now sit in the lower part
    of the screen, where a thumb reaches."""
    activation_id, urge_id = seed(ready_server)
    page = pages.open(**PHONE)
    unlock(page, ready_server)
    for path in (
        "/moment",
        f"/moment/{activation_id}",
        "/moment/after",
        "/urge",
        f"/urge/{urge_id}",
    ):
        page.goto(ready_server.url + path)
        if path == f"/moment/{activation_id}":
            for place, name in (("button", "Save details"), ("button", "Settled now")):
                box = page.get_by_role(place, name=name).bounding_box()  # type: ignore[arg-type]
                assert box is not None and 844 / 2 < box["y"] < 844 - 56 - box["height"], name
            page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
        found = page.evaluate(TARGETS)
        assert len(found) > 3, path
        small = [(what, w, h) for what, w, h in found if w < 44 or h < 44]
        assert small == [], path


def test_on_the_map_home_and_end_jump_and_enter_in_the_search_goes_to_a_match(
    ready_server: Server, pages: Pages
) -> None:
    with opened(ready_server) as store, store.session() as s:
        activation_id = activations.log_activation(session=s, intensity=5, now=datetime.now(UTC)).id
    page = pages.open(**DESKTOP)
    unlock(page, ready_server)
    emap = open_map(page, ready_server, activation_id)
    words = emap.locator("input[data-emotion]")
    first, last = words.first.get_attribute("value"), words.last.get_attribute("value")
    words.nth(5).focus()
    page.keyboard.press("End")
    assert focused(page)["value"] == last
    page.keyboard.press("Home")
    assert focused(page)["value"] == first
    page.keyboard.press("Space")
    expect(page.get_by_role("checkbox", name=first or "", exact=True)).to_be_checked()
    search = page.get_by_label("Find a word")
    search.fill("hope")
    search.press("Enter")
    assert focused(page)["value"].startswith("hope")
    expect(page).to_have_url(f"{ready_server.url}/moment/{activation_id}")  # nothing was sent
