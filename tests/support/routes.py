"""Every route of the app, and how to exercise each one: the checks generated from the
route table (tests/web/test_routes.py over HTTP, tests/browser/test_every_page.py in
Chromium) take their addresses, forms and states from here.

The routes come from the app itself (create_app(...).routes), so a new page cannot escape
those checks: until it has a row in SAMPLES (an address with real ids, and a form for a
write) every check fails for it by name.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import pytest
from fastapi.routing import APIRoute, iter_route_contexts

from earned import origin_links, paths
from earned.store import backups, entries, ladder, parts, people, toolkit
from earned.store import origin_links as origin_link_store
from earned.web.app import create_app
from tests.support import PASSPHRASE
from tests.support.journals import Template, as_template
from tests.support.web import ECR, PROMPTS, Web, location, values_for

Route = tuple[str, str]  # (method, path as the app declares it)
State = Literal["fresh", "locked", "unlocked"]
Kind = Literal["page", "fragment", "redirect", "download", "file"]


def app_routes() -> list[Route]:
    """(method, path) of every route the app serves (static files aside)."""
    app = create_app(paths.profile("routes", Path("/nonexistent")))
    found = {
        (method, context.path)
        for context in iter_route_contexts(app.routes)
        if isinstance(context.original_route, APIRoute) and context.path is not None
        for method in context.methods or ()
    }
    return sorted(found, key=lambda r: (r[1], r[0]))


ROUTES = app_routes()
POSTS = [r for r in ROUTES if r[0] == "POST"]


@dataclass(frozen=True)
class Sample:
    """How to exercise one route: an address (ids in braces, from `seeded`), a valid form
    for a write, what comes back, and in which states it is used.

    kind: a full page, an htmx fragment, a redirect (303), a download, or a file the browser
    reads itself (the web app manifest, the service worker).
    states: where the route is exercised for the first two checks; a public route is
    tried before setup ("fresh") or by a browser without the session ("locked") too.
    htmx: sent as htmx sends it (HX-Request, the token in X-CSRF-Token).
    upload: a write that carries a file as `file`: an export of another journal, or a
    backup of the seeded journal.
    """

    url: str
    kind: Kind = "page"
    data: dict[str, str] = field(default_factory=dict)
    states: tuple[State, ...] = ("unlocked",)
    htmx: bool = False
    upload: Literal["export", "backup"] | None = None


ALL_STATES: tuple[State, ...] = ("fresh", "locked", "unlocked")
ECR_PAGE_1 = {f"q{item.number}": "3" for item in ECR.page_items(1)} | {"direction": "next"}

# The seeded origin story, and a trigger of a seeded moment a passage of it is linked to.
SEED_ORIGIN = "When I cried, the house went quiet. I learned to keep the hard days to myself."
SEED_PASSAGE = "I learned to keep the hard days to myself."
SEED_TRIGGER = "no reply for hours"
SEED_CHOICE = origin_links.Target("trigger", SEED_TRIGGER, "").choice

SAMPLES: dict[Route, Sample] = {
    # first run, unlock, lock, onboarding, home
    ("GET", "/"): Sample("/"),
    ("GET", "/setup"): Sample("/setup", states=("fresh",)),
    ("POST", "/setup"): Sample(
        "/setup",
        "redirect",
        {"passphrase": PASSPHRASE, "confirm": PASSPHRASE},
        states=("fresh",),
    ),
    ("POST", "/setup/strength"): Sample(
        "/setup/strength", "fragment", {"passphrase": "x"}, states=("fresh",), htmx=True
    ),
    ("GET", "/unlock"): Sample("/unlock", states=("locked",)),
    ("POST", "/unlock"): Sample(
        "/unlock", "redirect", {"passphrase": PASSPHRASE}, states=("locked",)
    ),
    ("POST", "/lock"): Sample("/lock", "redirect"),
    ("GET", "/welcome"): Sample("/welcome"),
    ("POST", "/welcome"): Sample("/welcome", "redirect"),
    # the safety pages, in every state
    ("GET", "/help"): Sample("/help", states=ALL_STATES),
    ("GET", "/grounding"): Sample("/grounding", states=ALL_STATES),
    ("GET", "/pause"): Sample("/pause", states=ALL_STATES),
    # the starting-point questionnaire and its results
    ("GET", "/assess"): Sample("/assess"),
    ("POST", "/assess/start"): Sample("/assess/start", "redirect"),
    ("GET", "/assess/{assessment_id}/{page}"): Sample("/assess/{open}/1"),
    ("POST", "/assess/{assessment_id}/{page}"): Sample("/assess/{open}/1", "redirect", ECR_PAGE_1),
    ("POST", "/assess/{assessment_id}/answer"): Sample(
        "/assess/{open}/answer", "fragment", {"item": "1", "value": "3"}, htmx=True
    ),
    ("GET", "/results"): Sample("/results"),
    ("GET", "/results/{assessment_id}"): Sample("/results/{done}"),
    # check-ins
    ("GET", "/checkin"): Sample("/checkin"),
    ("GET", "/checkin/{instrument_id}"): Sample("/checkin/phq9"),
    ("POST", "/checkin/{instrument_id}"): Sample(
        "/checkin/gad7", "redirect", {f"q{n}": "1" for n in range(1, 8)}
    ),
    ("GET", "/checkin/{instrument_id}/answer"): Sample("/checkin/phq9/answer", "redirect"),
    ("POST", "/checkin/{instrument_id}/answer"): Sample(
        "/checkin/phq9/answer", "fragment", {"item": "1", "value": "1"}, htmx=True
    ),
    ("POST", "/checkin/{instrument_id}/restart"): Sample("/checkin/phq9/restart", "redirect"),
    ("GET", "/checkin/result/{assessment_id}"): Sample("/checkin/result/{checkin}"),
    # the journal
    ("GET", "/reflect"): Sample("/reflect"),
    ("GET", "/reflect/{key}"): Sample("/reflect/{key}"),
    ("POST", "/reflect/{key}"): Sample("/reflect/{key}", "redirect", {"body": "new words"}),
    ("GET", "/origin"): Sample("/origin"),
    ("GET", "/origin/write"): Sample("/origin/write"),
    ("POST", "/origin/write"): Sample("/origin/write", "redirect", {"body": "when I was small"}),
    ("POST", "/entries/note"): Sample("/entries/note", "redirect", {"body": "words kept"}),
    ("GET", "/entries/{entry_id}/edit"): Sample("/entries/{entry}/edit"),
    ("POST", "/entries/{entry_id}"): Sample("/entries/{entry}", "redirect", {"body": "changed"}),
    ("POST", "/entries/{entry_id}/delete"): Sample("/entries/{entry}/delete", "redirect"),
    # in the moment
    ("GET", "/moment"): Sample("/moment"),
    ("POST", "/moment"): Sample("/moment", "redirect", {"intensity": "6"}),
    ("GET", "/moment/history"): Sample("/moment/history?q=late&tag=work"),
    ("GET", "/moment/emotions"): Sample("/moment/emotions?q=a", "fragment", htmx=True),
    ("GET", "/moment/after"): Sample("/moment/after"),
    ("POST", "/moment/after"): Sample("/moment/after", "redirect", {"happened": "we talked"}),
    ("GET", "/moment/{activation_id}"): Sample("/moment/{activation}"),
    ("POST", "/moment/{activation_id}"): Sample(
        "/moment/{activation}", "redirect", {"intensity": "5", "trigger": "no reply"}
    ),
    ("GET", "/moment/{activation_id}/saved"): Sample("/moment/{activation}/saved"),
    ("POST", "/moment/{activation_id}/peak"): Sample(
        "/moment/{activation}/peak", "fragment", htmx=True
    ),
    ("POST", "/moment/{activation_id}/settled"): Sample("/moment/{activation}/settled", "redirect"),
    ("GET", "/moment/{activation_id}/delete"): Sample("/moment/{activation}/delete"),
    ("POST", "/moment/{activation_id}/delete"): Sample("/moment/{activation}/delete", "redirect"),
    ("GET", "/urge"): Sample("/urge"),
    ("POST", "/urge"): Sample("/urge", "redirect", {"custom": "leave"}),
    ("GET", "/urge/{urge_id}"): Sample("/urge/{urge}"),
    ("POST", "/urge/{urge_id}/end"): Sample("/urge/{urge}/end", "redirect", {"outcome": "waited"}),
    ("GET", "/patterns"): Sample("/patterns"),
    # regulation
    ("GET", "/regulate"): Sample("/regulate"),
    ("GET", "/regulate/log"): Sample("/regulate/log"),
    ("GET", "/regulate/practice"): Sample("/regulate/practice"),
    ("POST", "/regulate/practice"): Sample(
        "/regulate/practice", "redirect", {"kind": "movement", "minutes": "5"}
    ),
    ("GET", "/regulate/breathe"): Sample("/regulate/breathe?pattern=box"),
    ("GET", "/regulate/ground"): Sample("/regulate/ground"),
    ("POST", "/regulate/ground"): Sample(
        "/regulate/ground", data={"step": "1", "go": "next", "started": "1"}
    ),
    ("POST", "/regulate/ground/done"): Sample(
        "/regulate/ground/done", "redirect", {"started": "1"}
    ),
    ("GET", "/regulate/sit"): Sample("/regulate/sit"),
    ("GET", "/regulate/body-scan"): Sample("/regulate/body-scan"),
    ("GET", "/regulate/toolkit"): Sample("/regulate/toolkit"),
    ("POST", "/regulate/toolkit"): Sample("/regulate/toolkit", "redirect", {"name": "hum"}),
    ("POST", "/regulate/toolkit/{tool_id}/use"): Sample(
        "/regulate/toolkit/{tool}/use", "redirect", {"before": "6", "after": "3"}
    ),
    ("POST", "/regulate/toolkit/{tool_id}/archive"): Sample(
        "/regulate/toolkit/{tool}/archive", "redirect"
    ),
    # the roadmap and beginning again
    ("GET", "/roadmap"): Sample("/roadmap"),
    ("GET", "/roadmap/{key}"): Sample("/roadmap/doses"),
    ("POST", "/roadmap/balance"): Sample("/roadmap/balance", "redirect", {"check": "off"}),
    ("GET", "/recommit"): Sample("/recommit"),
    # the progress page: the four signs and their trends (issue 13)
    ("GET", "/progress"): Sample("/progress"),
    ("POST", "/recommit"): Sample(
        "/recommit", "redirect", {"practice": "breathe", "noticed": "a hard month"}
    ),
    # working with a therapist: the guide, the questions, session prep
    ("GET", "/therapy"): Sample("/therapy"),
    ("GET", "/therapy/approaches/{key}"): Sample("/therapy/approaches/emdr"),
    ("GET", "/therapy/questions"): Sample("/therapy/questions"),
    ("GET", "/therapy/prep"): Sample("/therapy/prep"),
    ("GET", "/therapy/prep/new"): Sample("/therapy/prep/new"),
    ("POST", "/therapy/prep/new"): Sample(
        "/therapy/prep/new", "redirect", {"to_bring": "how to pace the next weeks"}
    ),
    ("GET", "/therapy/prep/{note_id}"): Sample("/therapy/prep/{note}"),
    ("GET", "/therapy/prep/{note_id}/edit"): Sample("/therapy/prep/{note}/edit"),
    ("POST", "/therapy/prep/{note_id}"): Sample(
        "/therapy/prep/{note}", "redirect", {"since_last": "a steadier fortnight"}
    ),
    ("POST", "/therapy/prep/{note_id}/delete"): Sample("/therapy/prep/{note}/delete", "redirect"),
    # core beliefs, and origin-story passages linked to today
    ("GET", "/beliefs"): Sample("/beliefs"),
    ("GET", "/beliefs/new"): Sample("/beliefs/new"),
    ("POST", "/beliefs"): Sample(
        "/beliefs", "redirect", {"belief": "I am too much.", "strength": "70", "rerate_days": "14"}
    ),
    ("GET", "/beliefs/{belief_id}"): Sample("/beliefs/{belief}"),
    ("POST", "/beliefs/{belief_id}"): Sample(
        "/beliefs/{belief}", "redirect", {"belief": "I can be too much.", "rerate_days": "7"}
    ),
    ("POST", "/beliefs/{belief_id}/rate"): Sample(
        "/beliefs/{belief}/rate", "redirect", {"strength": "60", "alternative_strength": "30"}
    ),
    ("POST", "/beliefs/{belief_id}/archive"): Sample(
        "/beliefs/{belief}/archive", "redirect", {"archived": "yes"}
    ),
    ("POST", "/origin/{entry_id}/links"): Sample(
        "/origin/{origin}/links", "redirect", {"passage": SEED_PASSAGE, "choice": SEED_CHOICE}
    ),
    ("POST", "/origin/links/{link_id}/delete"): Sample("/origin/links/{link}/delete", "redirect"),
    # the exposure ladder
    ("GET", "/ladder"): Sample("/ladder"),
    ("POST", "/ladder"): Sample(
        "/ladder", "redirect", {"title": "stay five more minutes", "difficulty": "40"}
    ),
    ("POST", "/ladder/template"): Sample("/ladder/template", "redirect", {"key": "ask-small"}),
    ("GET", "/ladder/{rung_id}"): Sample("/ladder/{rung}"),
    ("POST", "/ladder/{rung_id}"): Sample(
        "/ladder/{rung}", "redirect", {"title": "ask for a lift home", "difficulty": "35"}
    ),
    ("POST", "/ladder/{rung_id}/archive"): Sample("/ladder/{rung}/archive", "redirect"),
    ("POST", "/ladder/{rung_id}/plan"): Sample(
        "/ladder/{rung}/plan", "redirect", {"predicted": "50"}
    ),
    ("POST", "/ladder/{rung_id}/try"): Sample(
        "/ladder/{rung}/try", "redirect", {"predicted": "50", "actual": "20", "went_well": "yes"}
    ),
    ("POST", "/ladder/{rung_id}/attempts/{attempt_id}"): Sample(
        "/ladder/{rung}/attempts/{attempt}", "redirect", {"actual": "20", "went_well": "yes"}
    ),
    ("POST", "/ladder/{rung_id}/timers/{urge_id}"): Sample(
        "/ladder/{rung}/timers/{ladder_urge}", "redirect", {"predicted": "30", "actual": "10"}
    ),
    # the inner practices: parts map, secure figure, self-compassion (roadmap steps 6, 9)
    ("GET", "/parts"): Sample("/parts"),
    ("POST", "/parts"): Sample("/parts", "redirect", {"name": "the reacher", "fears": "leaving"}),
    ("GET", "/parts/{part_id}"): Sample("/parts/{part}"),
    ("POST", "/parts/{part_id}"): Sample("/parts/{part}", "redirect", {"name": "the guard"}),
    ("POST", "/parts/{part_id}/archive"): Sample("/parts/{part}/archive", "redirect"),
    ("POST", "/moment/{activation_id}/part"): Sample("/moment/{activation}/part", "redirect"),
    ("GET", "/practise/secure-figure"): Sample("/practise/secure-figure"),
    ("GET", "/practise/secure-figure/{key}"): Sample("/practise/secure-figure/build?step=2"),
    ("POST", "/practise/secure-figure/{key}"): Sample(
        "/practise/secure-figure/visit", "redirect", {"minutes": "3", "note": "warm"}
    ),
    ("GET", "/practise/compassion-break"): Sample("/practise/compassion-break"),
    ("POST", "/practise/compassion-break"): Sample(
        "/practise/compassion-break", data={"step": "1", "go": "next", "started": "1"}
    ),
    ("POST", "/practise/compassion-break/done"): Sample(
        "/practise/compassion-break/done", "redirect", {"started": "1", "kindness": "be gentle"}
    ),
    ("GET", "/compassion/letters"): Sample("/compassion/letters"),
    ("GET", "/compassion/letters/new"): Sample("/compassion/letters/new?prompt=younger-you"),
    ("POST", "/compassion/letters/new"): Sample(
        "/compassion/letters/new", "redirect", {"body": "Dear me"}
    ),
    ("GET", "/compassion/letters/{entry_id}/edit"): Sample("/compassion/letters/{letter}/edit"),
    ("POST", "/compassion/letters/{entry_id}"): Sample(
        "/compassion/letters/{letter}", "redirect", {"body": "Dear me, again"}
    ),
    # the people ledger
    ("GET", "/people"): Sample("/people"),
    ("POST", "/people"): Sample("/people", "redirect", {"name": "Jo", "role": "family"}),
    ("GET", "/people/{person_id}"): Sample("/people/{person}"),
    ("POST", "/people/{person_id}"): Sample(
        "/people/{person}", "redirect", {"name": "Sam", "role": "partner", "note": "kind"}
    ),
    ("POST", "/people/{person_id}/rate"): Sample(
        "/people/{person}/rate",
        "redirect",
        {"consistency": "4", "availability": "3", "safety": "5"},
    ),
    ("POST", "/people/{person_id}/ruptures"): Sample(
        "/people/{person}/ruptures", "redirect", {"what": "we argued", "reached_out": "me"}
    ),
    ("GET", "/people/ruptures/{rupture_id}"): Sample("/people/ruptures/{rupture}"),
    ("POST", "/people/ruptures/{rupture_id}"): Sample(
        "/people/ruptures/{rupture}", "redirect", {"what": "we argued", "repaired": "1"}
    ),
    ("GET", "/people/{person_id}/remove"): Sample("/people/{person}/remove"),
    ("POST", "/people/{person_id}/remove"): Sample("/people/{person}/remove", "redirect"),
    ("GET", "/people/{person_id}/ecr-rs"): Sample("/people/{person}/ecr-rs"),
    ("POST", "/people/{person_id}/ecr-rs"): Sample(
        "/people/{person}/ecr-rs", "redirect", {f"q{n}": "4" for n in range(1, 10)}
    ),
    ("POST", "/moment/{activation_id}/person"): Sample(
        "/moment/{activation}/person", "redirect", {"person_id": ""}
    ),
    # data and settings
    ("GET", "/data"): Sample("/data"),
    ("GET", "/settings"): Sample("/settings", "redirect"),
    ("POST", "/settings/calm"): Sample("/settings/calm", "redirect", {"calm": "on", "next": "/"}),
    ("GET", "/data/export.{fmt}"): Sample("/data/export.json", "download"),
    # the therapist hand-off PDF (the dates: any past four weeks; the seeded journal's
    # records are recent, so an older period also checks the "nothing recorded" words)
    ("GET", "/handoff"): Sample("/handoff"),
    ("POST", "/handoff"): Sample(
        "/handoff",
        "download",
        {"from": "2025-01-01", "to": "2025-01-28", "section-results": "1", "section-note": "1"},
    ),
    ("POST", "/data/import"): Sample("/data/import", upload="export"),
    ("POST", "/data/backup"): Sample("/data/backup"),
    # restore: public (a damaged journal cannot be unlocked), so in every state
    ("GET", "/restore"): Sample("/restore", states=ALL_STATES),
    ("POST", "/restore"): Sample(
        "/restore",
        "redirect",
        {"backup": "upload", "passphrase": PASSPHRASE, "confirm": "yes"},
        states=ALL_STATES,
        upload="backup",
    ),
    ("POST", "/data/region"): Sample("/data/region", data={"region": "ca"}),
    ("POST", "/data/delete"): Sample(
        "/data/delete", "redirect", {"confirm": "DELETE", "passphrase": PASSPHRASE}
    ),
    # calendar reminders (issue 13): the page, and the .ics it makes
    ("GET", "/reminders"): Sample("/reminders"),
    ("POST", "/reminders"): Sample(
        "/reminders", "download", {"breathing-mon": "1", "breathing-at": "08:30"}
    ),
    # issue 14: the app on a phone's home screen, and an urge timer kept whole offline
    ("GET", "/manifest.webmanifest"): Sample("/manifest.webmanifest", "file", states=ALL_STATES),
    ("GET", "/sw.js"): Sample("/sw.js", "file", states=ALL_STATES),
    ("GET", "/offline"): Sample("/offline", states=("fresh", "locked")),
    ("POST", "/urge/whole"): Sample(
        "/urge/whole",
        "redirect",
        {
            "urge": "leave",
            "started": "2026-01-05T10:00:00Z",
            "ended": "2026-01-05T10:04:30Z",
            "outcome": "waited",
        },
    ),
}

# Routes a browser without the unlocked session may use. Everything else must send it to
# the unlock page; a new route is private until it is added here on purpose.
PUBLIC: set[Route] = {
    ("GET", "/setup"),
    ("POST", "/setup"),
    ("POST", "/setup/strength"),
    ("GET", "/unlock"),
    ("POST", "/unlock"),
    ("POST", "/lock"),
    ("GET", "/help"),
    ("GET", "/grounding"),
    ("GET", "/pause"),
    ("GET", "/restore"),
    ("POST", "/restore"),
    # Only a redirect to the check-in form (which needs the unlock); it reads nothing.
    ("GET", "/checkin/{instrument_id}/answer"),
    # The phone's shell: nothing of the journal in them (the offline page is rendered as a
    # locked browser sees it, whoever asks).
    ("GET", "/manifest.webmanifest"),
    ("GET", "/sw.js"),
    ("GET", "/offline"),
}
PRIVATE = [r for r in ROUTES if r not in PUBLIC]
# Home checks the lock itself (it also sends a first visit to /setup) and answers htmx
# with the same plain redirect; nothing asks for it through htmx.
PLAIN_REDIRECT_FOR_HTMX: set[Route] = {("GET", "/")}
MARKER = "marigold"  # in the seeded journal; a locked browser must never be shown it


def sample(route: Route) -> Sample:
    found = SAMPLES.get(route)
    assert found is not None, (
        f"{route[0]} {route[1]} has no sample in SAMPLES (tests/support/routes.py): add one, "
        "so that the checks of every route cover it"
    )
    return found


def name(route: Route) -> str:
    return f"{route[0]} {route[1]}"


def in_states(routes: list[Route]) -> list[Any]:
    """(route, state) for each state the route's sample names (unlocked if it has none)."""
    return [
        pytest.param(route, state, id=f"{name(route)} [{state}]")
        for route in routes
        for state in (SAMPLES[route].states if route in SAMPLES else ("unlocked",))
    ]


def by_route(routes: list[Route]) -> list[Any]:
    return [pytest.param(route, id=name(route)) for route in routes]


# --- a journal with one of everything, copied for each test ---------------------------------


@dataclass(frozen=True)
class Seeded:
    template: Template
    ids: dict[str, str]
    export: bytes  # an export of another journal, for the import form
    backup: bytes  # a backup of this journal, for the restore form


def seed(root: Path, journal_template: Template) -> Seeded:
    """A journal with a finished and an open questionnaire, a check-in, an entry, a moment,
    an urge timer, a tool and a session note, made through the pages themselves, under
    `root`."""
    web = Web(root / "seeded", journal_template)
    client = web.unlocked_client()
    ids = {"key": PROMPTS[0], "done": web.complete(client, values_for("mid"))}
    ids["open"] = web.start(client)
    answers = {f"q{n}": "0" for n in range(1, 10)}
    ids["checkin"] = location(web.post(client, "/checkin/phq9", answers)).rsplit("/", 1)[1]
    ids["entry"] = web.add_reflection(client, f"a {MARKER} in the window box")
    ids["activation"] = location(web.post(client, "/moment", {"intensity": "6"})).split("/")[2]
    ids["urge"] = location(web.post(client, "/urge", {"custom": "leave"})).split("/")[2]
    web.post(client, "/regulate/toolkit", {"name": "walk"})
    ids["tool"] = web._read(lambda s: toolkit.toolkit(session=s))[0].tool_id
    prep = {"since_last": "a hard week", "pick": f"activation:{ids['activation']}"}
    ids["note"] = location(web.post(client, "/therapy/prep/new", prep)).split("/")[3].split("?")[0]
    # core beliefs, and an origin-story passage linked to a moment's trigger
    moment = location(web.post(client, "/moment", {"intensity": "5"})).split("/")[2]
    web.post(client, f"/moment/{moment}", {"intensity": "5", "trigger": SEED_TRIGGER})
    web.post(client, "/origin/write", {"body": SEED_ORIGIN})
    ids["origin"] = web.entries("origin")[0].id
    made_belief = web.post(client, "/beliefs", {"belief": "I am on my own.", "strength": "80"})
    ids["belief"] = location(made_belief).split("/")[2].split("?")[0]
    linked = {"passage": SEED_PASSAGE, "choice": SEED_CHOICE}
    web.post(client, f"/origin/{ids['origin']}/links", linked)
    ids["link"] = web._read(
        lambda s: origin_link_store.for_entries(session=s, entry_ids=[ids["origin"]])
    )[ids["origin"]][0].id
    # The ladder: a rung whose urge a finished timer matches, and an attempt planned on it.
    rung_data = {"title": "ask for a lift", "difficulty": "30", "urge": "leave"}
    ids["rung"] = location(web.post(client, "/ladder", rung_data)).split("/")[2].split("?")[0]
    web.post(client, f"/ladder/{ids['rung']}/plan", {"predicted": "60"})
    ids["attempt"] = web._read(lambda s: ladder.latest_open(session=s, rung_id=ids["rung"])).id
    ids["ladder_urge"] = location(web.post(client, "/urge", {"custom": "leave"})).split("/")[2]
    web.post(client, f"/urge/{ids['ladder_urge']}/end", {"outcome": "waited"})
    web.post(client, "/parts", {"name": "the watcher"})
    ids["part"] = next(iter(web._read(lambda s: parts.active_names(session=s))))
    web.post(client, "/compassion/letters/new", {"body": "Dear me, you did well today."})
    ids["letter"] = web._read(lambda s: entries.list_entries(session=s, kind="letter"))[0].id
    ids["person"] = (
        location(web.post(client, "/people", {"name": "Sam", "role": "partner"}))
        .split("/")[2]
        .split("?")[0]
    )
    web.post(client, f"/people/{ids['person']}/rate", {"consistency": "4", "availability": "4",
                                                       "safety": "3"})  # fmt: skip
    web.post(client, f"/people/{ids['person']}/ruptures", {"what": "we argued"})
    ids["rupture"] = web._read(
        lambda s: people.ruptures_of(session=s, person_id=ids["person"], limit=1)
    )[0][0].id
    other = Web(root / "other", journal_template)
    source = other.unlocked_client()
    other.add_reflection(source, "from the other journal")
    exported = source.get("/data/export.json").content
    other.close()
    web.close()
    made = backups.write(web.profile, journal_template.key, root / "backup")
    template = as_template(web.profile, journal_template.key)
    return Seeded(template, ids, exported, made.read_bytes())
