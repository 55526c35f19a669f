"""Journeys through the real app in Chromium: first run to results by keyboard alone, resuming
an interrupted assessment, the safety pages on a phone, journal text that looks like HTML,
and axe-core on the main pages.

Every page opened through the `pages` fixture must keep all its requests on 127.0.0.1 and log
no Content Security Policy violation (checked when each test ends, see conftest.py).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import pytest
from playwright.sync_api import Page, expect

from earned import assessment, instruments
from earned.instruments.scoring import Scores, score
from tests.support import PASSPHRASE
from tests.support.browser import DESKTOP, PHONE, Pages, Server, axe_check, focused, unlock

pytestmark = pytest.mark.browser

INST = instruments.load("ecr")
ITEMS = len(INST.items)
PER_PAGE = len(INST.page_items(1))
# What the journeys answer: every point of the scale, in an uneven order.
ANSWERS = {item.number: (2, 4, 1, 5, 3, 4, 2)[item.number % 7] for item in INST.items}
XSS = '<img src=x onerror="window.__pwned=1">'


def saved_text(answered: int) -> str:
    return f"{answered} of {ITEMS} answered, all saved."


def set_up_journal(page: Page, server: Server) -> None:
    """First visit: choose the passphrase, see the strength hint, get past onboarding."""
    page.goto(server.url + "/")
    expect(page).to_have_url(server.url + "/setup")
    passphrase = page.get_by_label("Choose a passphrase")
    passphrase.press_sequentially(PASSPHRASE)
    # htmx posts the passphrase to /setup/strength after a 300 ms pause in typing.
    expect(page.locator("#strength")).to_have_text("Strength: strong")
    page.get_by_label("Type it again").fill(PASSPHRASE)
    page.get_by_role("button", name="Create my private journal").click()
    expect(page).to_have_url(server.url + "/welcome")
    page.get_by_role("button", name="I'm ready").click()
    expect(page).to_have_url(server.url + "/")
    expect(page.get_by_role("heading", name="Where to start")).to_be_visible()


def begin_assessment(page: Page, server: Server) -> str:
    """From home to page 1 of a new assessment; returns the assessment's URL prefix."""
    page.get_by_role("link", name="Take the starting-point questionnaire", exact=True).click()
    expect(page).to_have_url(server.url + "/assess")
    page.get_by_role("button", name="Start the questionnaire", exact=True).click()
    expect(page).to_have_url(re.compile(r"/assess/[^/]+/1$"))
    return page.url.rsplit("/", 1)[0]


def radio(page: Page, number: int, value: int) -> Any:
    return page.locator(f'input[type=radio][name="q{number}"][value="{value}"]')


def answer_by_keyboard(page: Page, number: int, value: int) -> None:
    """Focus is on the first option of item `number`, nothing chosen yet: choose `value`."""
    now = focused(page)
    assert (now["name"], now["value"], now["checked"]) == (
        f"q{number}",
        str(INST.scale.min),
        "false",
    )
    if value == INST.scale.min:
        page.keyboard.press("Space")
    elif value == INST.scale.max:
        page.keyboard.press("ArrowLeft")  # wraps round to the last option
    else:
        for _ in range(value - INST.scale.min):
            page.keyboard.press("ArrowRight")
    expect(radio(page, number, value)).to_be_checked()
    assert focused(page)["value"] == str(value)


def tab_until(page: Page, want: dict[str, str], *, key: str = "Tab", limit: int = 4) -> None:
    for _ in range(limit):
        page.keyboard.press(key)
        if focused(page).items() >= want.items():
            return
    raise AssertionError(f"{key} x{limit} never reached {want}; focus is on {focused(page)}")


def skip_to_content(page: Page) -> None:
    """From the top of a page: Tab to the skip link and follow it with Enter."""
    page.keyboard.press("Tab")
    assert focused(page)["text"] == "Skip to content"
    page.keyboard.press("Enter")


def answer_items_by_keyboard(page: Page, number_page: int, answered_before: int) -> None:
    """Answer every item on this freshly loaded page with the keyboard alone."""
    items = INST.page_items(number_page)
    skip_to_content(page)
    page.keyboard.press("Tab")  # the first option of the first question
    for n, item in enumerate(items, start=1):
        answer_by_keyboard(page, item.number, ANSWERS[item.number])
        # Each choice is saved at once through htmx; the polite live text follows.
        expect(page.locator("#saved")).to_have_text(saved_text(answered_before + n))
        if n < len(items):
            page.keyboard.press("Tab")


def next_by_keyboard(page: Page, number_page: int) -> None:
    """Tab to Next (Shift+Tab back to the last answer and forward again), then press it."""
    last = INST.page_items(number_page)[-1].number
    next_button = {"tag": "button", "value": "next"}
    tab_until(page, next_button, limit=3 + PER_PAGE)
    tab_until(page, {"name": f"q{last}", "checked": "true"}, key="Shift+Tab")
    tab_until(page, next_button)
    page.keyboard.press("Enter" if number_page % 2 else "Space")


def expected_scores() -> Scores:
    result = score(INST, ANSWERS)
    assert isinstance(result, Scores)
    return result


# --- journey 1 -------------------------------------------------------------------------------


def test_first_run_to_results_by_keyboard(server: Server, pages: Pages, artifacts: Path) -> None:
    page = pages.open(**DESKTOP)
    set_up_journal(page, server)
    prefix = begin_assessment(page, server)
    expect(page.locator("#saved")).to_have_text(saved_text(0))
    # htmx replaces #saved on every answer; a screen reader only announces changes inside a
    # live region that was already there, so the status around it must stay the same node.
    status = page.locator("#progress-text [role=status]").element_handle()

    for number_page in range(1, INST.pages + 1):
        expect(page).to_have_url(f"{prefix}/{number_page}")
        answer_items_by_keyboard(page, number_page, (number_page - 1) * PER_PAGE)
        if number_page == 1:
            assert status.evaluate("e => e.isConnected && e.textContent.trim()") == saved_text(
                PER_PAGE
            )
            page.screenshot(path=artifacts / "assessment.png", full_page=True)
            # Before Next is pressed, what htmx saved must be exactly what was chosen.
            page.goto(f"{prefix}/1")  # fetched anew from the server
            for item in INST.page_items(1):
                expect(radio(page, item.number, ANSWERS[item.number])).to_be_checked()
            expect(page.locator("#saved")).to_have_text(saved_text(PER_PAGE))
            skip_to_content(page)
        next_by_keyboard(page, number_page)

    expect(page).to_have_url(re.compile(r"/results/[^/]+$"))
    chart = page.locator("svg.plane[role=img]")
    expect(chart).to_be_visible()
    expect(chart.locator("circle.plane-latest")).to_have_count(1)
    expect(chart.locator("circle.plane-latest")).to_be_visible()
    scores = expected_scores()
    reading = assessment.reading(scores["anxiety"], scores["avoidance"])
    expect(page.get_by_role("heading", name=reading.title)).to_be_visible()
    expect(page.locator(".caveat")).to_be_visible()
    expect(page.locator(".caveat")).to_contain_text(reading.caveat)
    for subscale in ("anxiety", "avoidance"):
        expect(page.locator(f'tr[data-subscale="{subscale}"] td').first).to_have_text(
            f"{scores[subscale]:.2f}"
        )
    page.screenshot(path=artifacts / "results.png", full_page=True)


# --- journey 2 -------------------------------------------------------------------------------


def answer_by_clicking(page: Page, numbers: range, answered_before: int) -> None:
    # to_have_url passes once the address commits, before htmx has bound its handlers;
    # a choice made in that gap is kept by the form's own submit, not the autosave this
    # test watches (under a loaded CI machine it once left "12 of 36" on the page).
    page.wait_for_load_state("load")
    for n, number in enumerate(numbers, start=1):
        radio(page, number, ANSWERS[number]).check()
        expect(page.locator("#saved")).to_have_text(saved_text(answered_before + n))


def test_closing_midway_then_continue_resumes_with_answers_kept(
    ready_server: Server, pages: Pages
) -> None:
    first = pages.open(**DESKTOP)
    unlock(first, ready_server)
    prefix = begin_assessment(first, ready_server)
    answer_by_clicking(first, range(1, PER_PAGE + 1), 0)
    first.get_by_role("button", name="Next").click()
    expect(first).to_have_url(f"{prefix}/2")
    answer_by_clicking(first, range(PER_PAGE + 1, PER_PAGE + 3), PER_PAGE)
    first.context.close()  # as if the window were closed: the session cookie goes with it

    again = pages.open(**DESKTOP)
    unlock(again, ready_server)
    expect(again.get_by_text(f"{PER_PAGE + 2} of {ITEMS} answered")).to_be_visible()
    again.get_by_role("button", name="Continue where you left off").click()
    expect(again).to_have_url(f"{prefix}/2")
    expect(again.locator("#saved")).to_have_text(saved_text(PER_PAGE + 2))
    for item in INST.page_items(2):
        chosen = again.locator(f'input[name="q{item.number}"]:checked')
        if item.number in (PER_PAGE + 1, PER_PAGE + 2):
            expect(chosen).to_have_value(str(ANSWERS[item.number]))
        else:
            expect(chosen).to_have_count(0)
    again.goto(f"{prefix}/1")
    for item in INST.page_items(1):
        expect(radio(again, item.number, ANSWERS[item.number])).to_be_checked()


# --- journey 3 -------------------------------------------------------------------------------


def help_is_on_screen(page: Page) -> None:
    """The header's "Get help now" is fully inside the first screen, before any scrolling."""
    assert page.evaluate("window.scrollY") == 0
    link = page.locator("header").get_by_role("link", name="Get help now")
    expect(link).to_be_visible()
    expect(link).to_be_in_viewport(ratio=1)


def test_help_and_grounding_on_a_phone(ready_server: Server, pages: Pages) -> None:
    page = pages.open(**PHONE)
    page.goto(ready_server.url + "/")
    expect(page).to_have_url(ready_server.url + "/unlock")
    help_is_on_screen(page)
    unlock(page, ready_server)
    help_is_on_screen(page)

    page.locator("header").get_by_role("link", name="Get help now").click()
    expect(page).to_have_url(ready_server.url + "/help")
    expect(page.get_by_role("heading", name="Get help now", level=1)).to_be_visible()
    lines = page.locator("ul.lines").first.locator("li")
    expect(lines.first).to_contain_text("988")
    expect(lines.first).to_be_in_viewport(ratio=1)  # the first line needs no scrolling either

    page.get_by_role("link", name="Ground · 60s").click()
    expect(page).to_have_url(ready_server.url + "/grounding")
    expect(page.get_by_role("heading", name="One minute to land")).to_be_visible()
    dot = page.locator(".pacer-dot")
    expect(dot).to_be_attached()
    assert dot.evaluate("e => getComputedStyle(e).animationName") == "none"

    # The same page without the reduced-motion preference does breathe: the check above
    # would catch a pacer that ignored the preference.
    moving = pages.open(**{**PHONE, "reduced_motion": "no-preference"})
    moving.goto(ready_server.url + "/grounding")
    moving_dot = moving.locator(".pacer-dot")
    assert moving_dot.evaluate("e => getComputedStyle(e).animationName") == "breathe"


# --- journey 4 -------------------------------------------------------------------------------


def test_journal_text_that_looks_like_html_stays_text(ready_server: Server, pages: Pages) -> None:
    page = pages.open(**DESKTOP)
    unlock(page, ready_server)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Journal").click()
    expect(page).to_have_url(ready_server.url + "/reflect")
    page.locator("ol.prompts a").first.click()
    expect(page).to_have_url(re.compile(r"/reflect/[^/?]+$"))
    page.get_by_label("Your answer").fill(XSS)
    page.get_by_role("button", name="Save").click()
    expect(page).to_have_url(re.compile(r"\?saved=1$"))
    expect(page.get_by_role("status")).to_have_text("Saved.")

    body = page.locator(".entry .body")
    expect(body).to_have_text(XSS)
    expect(page.locator(".entry img, main img")).to_have_count(0)
    assert page.evaluate("typeof window.__pwned") == "undefined"

    page.get_by_role("link", name="Edit").click()
    expect(page.get_by_label("Entry")).to_have_value(XSS)
    assert page.evaluate("typeof window.__pwned") == "undefined"

    page.get_by_role("link", name="Home").click()
    expect(page.locator("ul.plain li").first).to_contain_text(XSS)
    expect(page.locator("main img")).to_have_count(0)
    assert page.evaluate("typeof window.__pwned") == "undefined"

    recorder = pages.recorder(page)
    assert recorder.csp_violations() == []
    assert recorder.page_errors == []


def test_csp_violations_would_be_seen(ready_server: Server, pages: Pages) -> None:
    """The control for journey 4: an inline script is refused and the console says so, in
    words the recorder looks for. (This page's recorder is not checked at the end.)"""
    page = pages.open(**DESKTOP)
    recorder = pages.recorder(page)
    page.goto(ready_server.url + "/help")
    with page.expect_console_message(lambda m: m.type == "error") as message:
        page.evaluate(
            """() => { const s = document.createElement("script");
            s.textContent = "window.__inline = 1"; document.head.append(s); }"""
        )
    assert "Content Security Policy" in message.value.text
    assert page.evaluate("typeof window.__inline") == "undefined"
    assert recorder.csp_violations() != []
    recorder.console_errors.clear()  # seen and expected; the end-of-test check is for the rest


# --- accessibility ---------------------------------------------------------------------------


def test_main_pages_pass_axe(server: Server, pages: Pages, axe_source: str) -> None:
    page = pages.open(**DESKTOP)
    page.goto(server.url + "/setup")
    axe_check(page, axe_source, "setup")
    set_up_journal(page, server)
    axe_check(page, axe_source, "home")
    prefix = begin_assessment(page, server)
    for number_page in range(1, INST.pages + 1):
        expect(page).to_have_url(f"{prefix}/{number_page}")
        if number_page == 1:
            axe_check(page, axe_source, "assessment page 1")
        first = (number_page - 1) * PER_PAGE + 1
        answer_by_clicking(page, range(first, first + PER_PAGE), first - 1)
        page.locator("button[value=next]").click()
    expect(page).to_have_url(re.compile(r"/results/[^/]+$"))
    axe_check(page, axe_source, "results")
    page.locator("header").get_by_role("link", name="Get help now").click()
    axe_check(page, axe_source, "help")
    page.get_by_role("link", name="Ground · 60s").click()
    axe_check(page, axe_source, "grounding")
    page.get_by_role("button", name="Lock now").click()
    expect(page).to_have_url(server.url + "/unlock")
    axe_check(page, axe_source, "unlock")


# --- fast key bursts -----------------------------------------------------------------------------


def test_fast_key_bursts_keep_the_last_choice(ready_server: Server, pages: Pages) -> None:
    """Arrow keys about 10 ms apart on every item, then Next at once: the saves queue up,
    each numbered by when its choice was made, the submit numbered later still, and what
    is stored is the last choice on every item (a late save once overwrote it)."""
    page = pages.open(**DESKTOP)
    unlock(page, ready_server)
    prefix = begin_assessment(page, ready_server)
    posts: list[tuple[str, dict[str, list[str]]]] = []
    page.on(
        "request",
        lambda r: (
            posts.append((r.url, parse_qs(r.post_data or "")))
            if r.method == "POST" and "/assess/" in r.url
            else None
        ),
    )
    final: dict[int, int] = {}
    for item in INST.page_items(1):
        radio(page, item.number, 1).focus()
        page.keyboard.press("Space")  # choose 1
        for _ in range(2 + item.number % 3):  # then 3, 4 or 5 by arrow keys in a burst
            page.keyboard.press("ArrowRight", delay=10)
        final[item.number] = 1 + 2 + item.number % 3
    page.get_by_role("button", name="Next").click()
    expect(page).to_have_url(f"{prefix}/2")
    page.goto(f"{prefix}/1")
    for number, value in final.items():
        expect(radio(page, number, value)).to_be_checked()
    saves = [int(data["seq"][0]) for url, data in posts if url.endswith("/answer")]
    [submit] = [int(data["seq"][0]) for url, data in posts if url.endswith(f"{prefix}/1")]
    # Saves still queued when Next was pressed may never be sent; those sent are in order.
    assert saves and saves == sorted(saves) and len(set(saves)) == len(saves)
    assert submit > max(saves)
