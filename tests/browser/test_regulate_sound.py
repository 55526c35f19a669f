"""Practising with eyes closed, in Chromium: the bells of the mindfulness timer (start,
along the way, end), remembered choices, tones at each change of breath, box breathing's
square path, and the body scan going on by itself. Time is Playwright's fake clock; sound
is observed at the Web Audio API (each oscillator started, by its frequency)."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.support.browser import DESKTOP, PHONE, Pages, Server, unlock

BELL = 432  # the struck bell's fundamental (regulate.js TONES.bell)
BREATH = {528: "in", 396: "out", 462: "hold"}

# Records every oscillator started and every vibration asked for; sound still plays.
LISTEN = """
window.__sounds = [];
window.__buzz = [];
const start = OscillatorNode.prototype.start;
OscillatorNode.prototype.start = function (...args) {
  window.__sounds.push(Math.round(this.frequency.value));
  return start.apply(this, args);
};
Object.defineProperty(navigator, "vibrate", {
  value: (p) => { window.__buzz.push(p); return true; },
});
"""


def opened(pages: Pages, server: Server, size: dict[str, object]) -> Page:
    page = pages.open(**size)
    page.add_init_script(LISTEN)
    page.clock.install()
    unlock(page, server)
    return page


def bells(page: Page) -> int:
    return int(page.evaluate(f"window.__sounds.filter(f => f === {BELL}).length"))


def test_the_sitting_timer_rings_at_start_along_the_way_and_at_the_end(
    ready_server: Server, pages: Pages
) -> None:
    page = opened(pages, ready_server, PHONE)
    page.goto(ready_server.url + "/regulate/sit?minutes=3")
    sound = page.get_by_role("group", name="Sound")
    expect(sound).to_be_visible()
    sound.get_by_label("A bell along the way").select_option("1")
    page.get_by_role("button", name="Start").click()
    assert bells(page) == 1
    page.clock.run_for("01:01")
    assert bells(page) == 2  # one minute in
    page.clock.run_for("01:00")
    assert bells(page) == 3
    page.clock.run_for("01:00")
    assert bells(page) == 4  # the end
    assert page.evaluate("window.__buzz.length") == 4
    expect(page.get_by_role("button", name="Start again")).to_be_visible()


def test_sound_choices_are_remembered_on_this_device(ready_server: Server, pages: Pages) -> None:
    page = opened(pages, ready_server, PHONE)
    page.goto(ready_server.url + "/regulate/sit?minutes=1")
    page.get_by_label("A soft bell at the start and the end").uncheck()
    page.get_by_label("Vibrate too, where this device can").uncheck()
    page.reload()
    expect(page.get_by_label("A soft bell at the start and the end")).not_to_be_checked()
    page.get_by_role("button", name="Start").click()
    page.clock.run_for("01:01")
    assert bells(page) == 0 and page.evaluate("window.__buzz.length") == 0
    page.get_by_role("button", name="Hear the bell").click()
    assert bells(page) == 1


def test_box_breathing_goes_round_a_square_with_a_tone_at_each_change(
    ready_server: Server, pages: Pages
) -> None:
    page = opened(pages, ready_server, DESKTOP)  # motion welcome
    page.goto(ready_server.url + "/regulate/breathe?pattern=box&minutes=1")
    page.get_by_label("A soft tone when the breath changes").check()
    page.get_by_role("button", name="Start").click()
    page.clock.run_for(500)
    assert page.evaluate("document.querySelector('[data-dot]').getAnimations().length") == 1
    page.clock.run_for("00:08")  # two changes of breath: in -> hold -> out
    tones = page.evaluate(f"window.__sounds.filter(f => {list(BREATH)}.includes(f))")
    assert [BREATH[f] for f in tones] == ["hold", "out"]


def test_the_body_scan_goes_on_by_itself_at_the_pace_chosen(
    ready_server: Server, pages: Pages
) -> None:
    page = opened(pages, ready_server, PHONE)
    page.goto(ready_server.url + "/regulate/body-scan?step=1")
    first = page.get_by_role("heading", level=1).text_content()
    page.get_by_label("Stay with each region for").select_option("20")
    page.get_by_role("button", name="Go on by itself").click()
    assert bells(page) == 1
    page.clock.run_for("00:20")
    expect(page.get_by_role("heading", level=1)).not_to_have_text(first or "")
    expect(page).to_have_url(ready_server.url + "/regulate/body-scan?step=2")
    expect(page.get_by_text("Step 2 of")).to_be_visible()
    assert bells(page) == 2
    page.get_by_role("button", name="Stay on this one").click()
    page.clock.run_for("00:30")
    expect(page).to_have_url(ready_server.url + "/regulate/body-scan?step=2")
