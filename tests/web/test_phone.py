"""earned on a phone (earned.web.routes.phone): the manifest and its icons, the service
worker as served, the offline page, and the writes a phone keeps while offline and sends
later with its own times (a capture's `at`, a timer's end `at`, a whole timer). Time is
frozen through earned.web.deps.now."""

from __future__ import annotations

import io
import json
import re
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from PIL import Image

from earned import content
from earned.episodes import Activation
from earned.store import activations, urge_timers
from earned.urges import UrgeDelay
from earned.web import deps
from earned.web.app import CSP
from earned.web.routes import phone
from tests.support.html import page
from tests.support.routes import PUBLIC
from tests.support.web import Web, csrf_of, error_text, location

NOW = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
CSS = (phone.STATIC / "earned.css").read_text("utf-8")


@pytest.fixture(autouse=True)
def frozen(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(deps, "now", lambda: NOW)


def iso(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def stored_activations(web: Web) -> list[Activation]:
    found: list[Activation] = web._read(lambda s: activations.list_activations(session=s))
    return found


def stored_urges(web: Web) -> list[UrgeDelay]:
    found: list[UrgeDelay] = web._read(lambda s: urge_timers.list_urges(session=s))
    return found


def css_colour(name: str, *, dark: bool) -> str:
    """A variable of earned.css as the stylesheet itself writes it (light: the first block)."""
    part = CSS.split("@media (prefers-color-scheme: dark)")[1 if dark else 0]
    found = re.search(rf"--{name}:\s*(#[0-9a-f]+)", part)
    assert found, name
    return found.group(1)


# --- the manifest and the icons ---------------------------------------------------------------


def test_the_manifest_names_the_app_and_opens_it_standalone(client: TestClient) -> None:
    r = client.get("/manifest.webmanifest")
    assert r.status_code == 200
    assert r.headers["content-type"] == "application/manifest+json"
    assert r.headers["content-security-policy"] == CSP
    m = json.loads(r.text)
    assert (m["name"], m["short_name"], m["start_url"], m["scope"], m["display"]) == (
        "earned",
        "earned",
        "/",
        "/",
        "standalone",
    )
    assert m["background_color"] == css_colour("bg", dark=False) == "#f7f5f1"
    assert m["theme_color"] == css_colour("card", dark=False)


def test_every_icon_is_served_from_this_app_at_its_stated_size(client: TestClient) -> None:
    icons = json.loads(client.get("/manifest.webmanifest").text)["icons"]
    assert {i["type"] for i in icons} == {"image/svg+xml", "image/png"}
    assert [i for i in icons if i.get("purpose") == "maskable"], "a maskable icon"
    for icon in icons:
        assert icon["src"].startswith("/static/icons/"), icon
        r = client.get(icon["src"])
        assert r.status_code == 200, icon
        assert r.headers["content-type"].startswith(icon["type"]), icon
        if icon["type"] == "image/png":
            width, height = Image.open(io.BytesIO(r.content)).size
            assert f"{width}x{height}" == icon["sizes"], icon
        else:
            assert r.text.startswith("<svg") and "href" not in r.text


def test_the_maskable_icon_fills_its_square_and_the_others_have_round_corners(
    client: TestClient,
) -> None:
    maskable = Image.open(io.BytesIO(client.get("/static/icons/earned-maskable-512.png").content))
    plain = Image.open(io.BytesIO(client.get("/static/icons/earned-512.png").content))
    assert maskable.convert("RGBA").getpixel((0, 0))[3] == 255  # a launcher may cut any shape
    assert plain.convert("RGBA").getpixel((0, 0))[3] == 0


def test_every_page_links_the_manifest_and_the_bar_colours_of_the_stylesheet(
    client: TestClient,
) -> None:
    p = page(client.get("/help"))
    assert p.one("link", rel="manifest").get("href") == "/manifest.webmanifest"
    colours = {m.get("media"): m.get("content") for m in p.select("meta", name="theme-color")}
    assert colours == {
        "(prefers-color-scheme: light)": css_colour("card", dark=False),
        "(prefers-color-scheme: dark)": css_colour("card", dark=True),
    }
    assert [s.get("src") for s in p.select("script")][-1] == "/static/offline.js"


# --- the service worker ---------------------------------------------------------------------


def test_the_service_worker_is_served_from_the_root_as_javascript_never_cached(
    client: TestClient,
) -> None:
    r = client.get("/sw.js")
    assert r.status_code == 200
    assert r.headers["content-type"] == "text/javascript; charset=utf-8"
    assert r.headers["cache-control"] == "no-store"  # the browser checks for a new one
    assert r.headers["content-security-policy"] == CSP  # worker-src falls back to 'self'
    assert "__VERSION__" not in r.text and "__SHELL__" not in r.text
    assert f'const VERSION = "{phone.shell_version()}";' in r.text
    assert re.fullmatch(r"[0-9a-f]{16}", phone.shell_version())
    shell = json.loads(re.search(r"const SHELL = (\[.*?\]);", r.text).group(1))  # type: ignore[union-attr]
    assert shell == list(phone.SHELL)


def test_the_shell_holds_only_public_files_each_served(web: Web, client: TestClient) -> None:
    """Nothing the worker keeps needs the unlock: no journal page can be in its cache."""
    for url in phone.SHELL:
        assert url.startswith("/static/") or ("GET", url) in PUBLIC, url
        r = client.get(url)
        assert r.status_code == 200, url
    assert "/offline" in phone.SHELL and "/static/offline.js" in phone.SHELL


def test_the_shells_version_follows_its_files(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    before = phone.shell_version()
    changed = tmp_path / "offline.toml"
    changed.write_text("title = 'changed'\n")
    monkeypatch.setattr(phone, "SHELL_SOURCES", (*phone.SHELL_SOURCES[:-1], changed))
    phone.shell_version.cache_clear()
    try:
        assert phone.shell_version() != before
    finally:
        phone.shell_version.cache_clear()


# --- the offline page -----------------------------------------------------------------------


def test_the_offline_page_has_the_crisis_lines_and_the_grounding(client: TestClient) -> None:
    r = client.get("/offline")
    assert r.status_code == 200
    p = page(r)
    crisis = content.load("crisis")
    first = crisis["regions"][crisis["default_region"]]
    text = p.text
    for line in first["lines"]:
        assert line["name"] in text
    assert crisis["emergency"] in text
    assert p.one("p.countdown").get("data-countdown") == "60"
    assert p.one("ol.steps") and "Name five things you can see" in text
    assert p.one("a.help-link").get("href") == "/help"


def test_the_offline_page_holds_nothing_of_the_session_even_unlocked(
    web: Web, unlocked: TestClient
) -> None:
    """The worker keeps a copy, so it is the page a locked browser gets, whoever asks."""
    token = csrf_of(unlocked)
    r = unlocked.get("/offline")
    assert r.status_code == 200
    assert token not in r.text
    p = page(r)
    assert not p.select("form", action="/lock") and not p.select("nav")
    assert json.loads(p.one("body").get("hx-headers") or "{}") == {"X-CSRF-Token": ""}
    assert not [i for i in p.select("input", name="csrf") if i.get("value")]


def test_the_offline_forms_are_for_scripts_only(client: TestClient) -> None:
    p = page(client.get("/offline"))
    assert sorted(f.get("action") or "" for f in p.select("form")) == [
        "/moment",
        "/urge",
        "/urge/whole",
    ]
    hidden = [s for s in p.select("section") if "data-js-only" in s.attrs]
    assert len(hidden) == 2 and all("hidden" in s.attrs for s in hidden)


# --- a capture with the phone's time ----------------------------------------------------------


def test_a_capture_kept_offline_is_saved_at_the_phones_time(web: Web, unlocked: TestClient) -> None:
    at = NOW - timedelta(minutes=42, seconds=5)
    data = {"intensity": "6", "at": iso(at), "client_token": "t" * 32}
    r = web.post(unlocked, "/moment", data)
    assert r.status_code == 303
    [a] = stored_activations(web)
    assert (a.intensity, a.onset_at) == (6, at)
    # Sent again (the answer was lost on the way): saved once.
    assert location(web.post(unlocked, "/moment", data)) == location(r)
    assert len(stored_activations(web)) == 1


def test_a_capture_at_a_time_in_the_future_is_refused(web: Web, unlocked: TestClient) -> None:
    r = web.post(unlocked, "/moment", {"intensity": "6", "at": iso(NOW + timedelta(minutes=5))})
    assert r.status_code == 400
    assert "future" in error_text(r)
    assert stored_activations(web) == []


def test_a_capture_without_a_time_is_now_as_before(web: Web, unlocked: TestClient) -> None:
    web.post(unlocked, "/moment", {"intensity": "3"})
    assert [a.onset_at for a in stored_activations(web)] == [NOW]


# --- the end of a timer started online ----------------------------------------------------------


def test_an_end_kept_offline_is_saved_at_the_phones_time(web: Web, unlocked: TestClient) -> None:
    uid = location(web.post(unlocked, "/urge", {"custom": "leave"})).split("/")[2]
    at = NOW + timedelta(seconds=30)
    r = web.post(unlocked, f"/urge/{uid}/end", {"outcome": "waited", "at": iso(at)})
    assert location(r) == f"/urge/{uid}"
    # Sent again with another outcome: the first end stands.
    web.post(unlocked, f"/urge/{uid}/end", {"outcome": "acted", "at": iso(NOW)})
    [u] = stored_urges(web)
    assert (u.ended_at, u.outcome) == (at, "waited")


def test_an_end_in_the_future_is_refused(web: Web, unlocked: TestClient) -> None:
    uid = location(web.post(unlocked, "/urge", {"custom": "leave"})).split("/")[2]
    later = iso(NOW + timedelta(minutes=10))
    r = web.post(unlocked, f"/urge/{uid}/end", {"outcome": "waited", "at": later})
    assert r.status_code == 400 and "future" in error_text(r)
    assert stored_urges(web)[0].running


# --- a whole timer --------------------------------------------------------------------------

STARTED = NOW - timedelta(hours=3, minutes=2)
ENDED = STARTED + timedelta(minutes=4, seconds=31)


def whole(**changes: str) -> dict[str, str]:
    return {
        "urge": "text him again",
        "started": iso(STARTED),
        "ended": iso(ENDED),
        "outcome": "passed",
        "client_token": "w" * 32,
        **changes,
    }


def test_a_whole_timer_is_saved_with_the_phones_times(web: Web, unlocked: TestClient) -> None:
    r = web.post(unlocked, "/urge/whole", whole())
    [u] = stored_urges(web)
    assert location(r) == f"/urge/{u.id}"
    assert (u.urge, u.started_at, u.ended_at, u.outcome, u.seconds_held) == (
        "text him again",
        STARTED,
        ENDED,
        "passed",
        271,
    )
    shown = unlocked.get(location(r))
    assert "You held for 5 minutes" in page(shown).text


def test_a_whole_timer_sent_twice_is_saved_once(web: Web, unlocked: TestClient) -> None:
    first = location(web.post(unlocked, "/urge/whole", whole()))
    second = location(web.post(unlocked, "/urge/whole", whole(outcome="acted")))
    assert first == second
    assert [u.outcome for u in stored_urges(web)] == ["passed"]


@pytest.mark.parametrize(
    ("changes", "words"),
    [
        ({"started": iso(NOW + timedelta(minutes=5))}, "future"),
        ({"ended": iso(NOW + timedelta(minutes=5))}, "future"),
        ({"ended": iso(STARTED - timedelta(seconds=1))}, "ends before it starts"),
        ({"ended": ""}, "start or end time"),
        ({"started": "yesterday"}, "date and a time"),
        ({"outcome": "gave in"}, "how it ended"),
        ({"urge": ""}, "What is the urge"),
        ({"client_token": "x" * 65}, "repeat-guard token"),
    ],
)
def test_a_whole_timer_is_refused_and_nothing_saved(
    web: Web, unlocked: TestClient, changes: dict[str, str], words: str
) -> None:
    r = web.post(unlocked, "/urge/whole", whole(**changes))
    assert r.status_code == 400, r.text[:300]
    assert words in error_text(r)
    assert stored_urges(web) == []


def test_a_whole_timer_without_the_csrf_token_is_refused(web: Web, unlocked: TestClient) -> None:
    r = unlocked.post("/urge/whole", data=whole())
    assert r.status_code == 403 and "expired" in error_text(r)
    assert stored_urges(web) == []


def test_a_whole_timer_sent_while_locked_goes_to_unlock_and_waits(
    web: Web, unlocked: TestClient
) -> None:
    other = web.client()
    r = web.post(other, "/urge/whole", whole())
    assert location(r) == web.door
    assert stored_urges(web) == []


def test_a_whole_timer_whose_words_suggest_danger_brings_the_care_panel(
    web: Web, unlocked: TestClient
) -> None:
    r = web.post(unlocked, "/urge/whole", whole(urge="hurt myself", outcome="acted"))
    assert location(r).endswith("?care=1")
