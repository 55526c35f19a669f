"""The inner practices in Chromium, on a phone: a secure-figure visualisation going on by
itself at each step's own pace (Playwright's fake clock, as the regulate journeys use),
then logged with a note; and a self-compassion break with words for each step, kept as
its note. axe-core on the pages along the way."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from playwright.sync_api import expect

from earned import compassion_break, secure_figure
from earned.store import Store, personal, practices
from tests.support import PASSPHRASE
from tests.support.browser import PHONE, Pages, Server, axe_check, unlock

pytestmark = pytest.mark.browser

BELL = 432  # the struck bell's fundamental (regulate.js TONES.bell)
LISTEN = """
window.__sounds = [];
const start = OscillatorNode.prototype.start;
OscillatorNode.prototype.start = function (...args) {
  window.__sounds.push(Math.round(this.frequency.value));
  return start.apply(this, args);
};
"""


@contextmanager
def opened(server: Server) -> Iterator[Store]:
    store, _key = personal.unlock(server.profile, PASSPHRASE)
    try:
        yield store
    finally:
        store.close()


def logged(server: Server, kind: str) -> list[tuple[int, str | None]]:
    with opened(server) as store, store.session() as s:
        found = practices.recent_of_kinds(session=s, kinds=(kind,), limit=10)
    return [(seconds, note) for _kind, _when, seconds, note in found]


def test_a_visualisation_goes_on_by_itself_at_each_steps_pace(
    ready_server: Server, pages: Pages, artifacts: Path, axe_source: str
) -> None:
    script = secure_figure.scripts()[0]
    steps = script.steps
    page = pages.open(**PHONE)
    page.add_init_script(LISTEN)
    page.clock.install()
    unlock(page, ready_server)
    page.goto(ready_server.url + "/practise/secure-figure")
    axe_check(page, axe_source, "inner journey 1")
    page.get_by_role("link", name=script.title).click()
    expect(page.get_by_role("note")).to_contain_text("Imagery can bring up strong feelings")
    page.get_by_role("link", name="I'm ready to continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(steps[0].title)
    expect(page.get_by_role("link", name="Stop and ground")).to_be_visible()
    axe_check(page, axe_source, "inner journey 2")

    page.get_by_role("button", name="Go on by itself").click()
    bells = f"window.__sounds.filter(f => f === {BELL}).length"
    assert page.evaluate(bells) == 1
    # Just short of the first step's own length it stays; at its length it moves on.
    page.clock.run_for((steps[0].seconds - 2) * 1000)
    expect(page.get_by_role("heading", level=1)).to_have_text(steps[0].title)
    page.clock.run_for(2_000)
    expect(page.get_by_role("heading", level=1)).to_have_text(steps[1].title)
    expect(page).to_have_url(f"{ready_server.url}/practise/secure-figure/{script.key}?step=2")
    assert page.evaluate(bells) == 2
    page.get_by_role("button", name="Stay on this one").click()
    page.clock.run_for((steps[1].seconds + 5) * 1000)
    expect(page.get_by_role("heading", level=1)).to_have_text(steps[1].title)
    page.get_by_role("button", name="Go on by itself").click()
    page.clock.run_for(sum(s.seconds for s in steps[1:]) * 1000 + 1_500)
    expect(page.get_by_role("heading", level=1)).to_have_text("Coming back")
    page.screenshot(path=artifacts / "secure-figure-end.png", full_page=True)

    page.get_by_label("About how many minutes did it take?").fill("4")
    page.get_by_label("A note (optional)").fill("Warm, like a hand on my shoulder.")
    page.get_by_role("button", name="Log this session").click()
    expect(page.get_by_role("status")).to_contain_text("Logged.")
    expect(page.locator("ul.sessions")).to_contain_text("Warm, like a hand on my shoulder.")
    assert logged(ready_server, "secure-figure") == [(240, "Warm, like a hand on my shoulder.")]


def test_a_compassion_break_with_words_for_each_step(
    ready_server: Server, pages: Pages, artifacts: Path, axe_source: str
) -> None:
    steps = compassion_break.steps()
    words = ["My chest is tight.", "Others feel this too.", "I'm here with you."]
    page = pages.open(**PHONE)
    unlock(page, ready_server)
    page.goto(ready_server.url + "/practise/compassion-break")
    axe_check(page, axe_source, "inner journey 3")
    page.get_by_role("link", name="Begin").click()
    for step, said in zip(steps, words, strict=True):
        expect(page.get_by_role("heading", level=1)).to_have_text(step["title"])
        expect(page.get_by_role("link", name="Stop and ground")).to_be_visible()
        page.get_by_label("Your words (optional, not saved unless you choose)").fill(said)
        page.get_by_role("button", name="Finish" if step is steps[-1] else "Next").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Here with yourself")
    for said in words:
        expect(page.locator("dl.noticed")).to_contain_text(said)
    axe_check(page, axe_source, "inner journey 4")
    page.get_by_label("Keep these words as a note with this practice").check()
    page.screenshot(path=artifacts / "compassion-break-end.png", full_page=True)
    page.get_by_role("button", name="Log this break").click()
    expect(page.get_by_role("status")).to_contain_text("Logged.")
    expect(page.locator("ul.sessions")).to_contain_text("I'm here with you.")
    [(seconds, note)] = logged(ready_server, "compassion-break")
    assert note == "\n".join(f"{s['title']}: {w}" for s, w in zip(steps, words, strict=True))
    assert 0 < seconds < 600
