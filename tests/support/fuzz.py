"""Hostile requests to every form route of the web app, made from the app itself.

Which routes, fields and addresses: tests/support/forms.py finds them in the app (its
route table, the forms its pages show in the three states, no journal yet, locked and
unlocked, and the names each handler reads), so a new form route is fuzzed the day it is
added, and `discover` walks a journal with one of everything (`seed_journal`) to do so.

A case is one request to one route on an unlocked journal with data in it (or, for the
routes that need no unlock, now and then an app with no journal yet), with a valid
session and CSRF token so that it reaches the handler (a missing token is tested by
test_routes): the form as the page fills it in, with some fields hostile (empty, missing,
ten times their limit and 1 MB long, NUL, bytes that are not UTF-8, lone surrogates,
other scripts' digits where numbers go, huge, negative, float, NaN, dates out of range,
ids of no record or of another kind), the shape hostile (a field repeated, unknown
fields, 1,500 fields, none at all, a hostile path parameter or query), and the body in
any encoding (urlencoded, multipart with files where text goes and uploads where they
belong, JSON, text/plain, a garbled Content-Type, multipart cut short, too large).

What must hold after each case (`Fuzzer.run`):
- no 5xx, and nothing raised through the app;
- a refusal (4xx, or a form shown again with its error) leaves every row of every table
  as it was, unless its message says what it kept ("your other answers are saved");
- whatever a request did change is whole records (tests/support/rows.py): no row that a
  new record of its kind could not be, no reference to a missing record, no finished
  questionnaire short of answers, no check-in without one, no text cut short.
Those are the partial writes: an assessment row without its answers, an episode with
fields from a refused submission, a row whose text was truncated.

Deterministic: case k of a route comes from Random(f"{seed}:{route}:{k}") alone, and each
route runs on its own copy of the journal, so one route's cases can be replayed alone.
Used by tests/web/test_fuzz.py (a few hundred cases) and bench/fuzz.py (ten thousand).
"""

from __future__ import annotations

import functools
import json
import logging
import random
import re
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast
from urllib.parse import quote_from_bytes, urlsplit

import httpx2
from sqlalchemy.orm import Session

from earned import origin_links
from earned.store import personal
from earned.web import security
from earned.web.render import templates

from .forms import (
    UNSAFE,
    Field,
    Form,
    Found,
    Route,
    RouteInfo,
    handler_fields,
    name,
    route_table,
    walk,
)
from .journals import Template, as_template, copy_journal
from .rows import Change, Rows, broken_records, changes, short, snapshot_rows
from .web import PROMPTS, Web, csrf_of, location, values_for

# The limits the forms state (each owned by its record kind's domain module).
LIMITS: dict[str, int] = cast(dict[str, int], templates.env.globals["limits"])
MEGABYTE = 1_000_000


# --- the journal the cases run on ------------------------------------------------------------


@dataclass(frozen=True)
class Seeded:
    """A journal with one of everything (made through the pages), to copy for each route,
    and export files for the upload fields."""

    template: Template
    uploads: tuple[tuple[str, bytes], ...]  # (what it is, the file)
    landed: tuple[str, ...]  # the addresses the seeding's forms led to
    shown: tuple[tuple[str, str], ...]  # (address, html) of pages only a form leads to


def seed_journal(root: Path, template: Template) -> Seeded:
    """Set up a journal through the pages with records of every kind and in every state:
    a finished and an open questionnaire, a finished and an unfinished check-in, entries of
    each kind, a detailed episode and a settled one, a running and an ended urge timer, a
    tool with a use, practices and settings. Costs about two seconds.

    Where the pages sent the browser is kept (`landed`): some pages, such as a page of
    the open questionnaire, are reached only from a form, never from a link.
    """
    web = Web(root / "seeded", template)
    client = web.unlocked_client()
    landed: list[str] = []

    def go(url: str, data: dict[str, str] | None = None, **headers: str) -> str:
        where = location(web.post(client, url, data, headers=headers))
        landed.append(where)
        return where

    web.complete(client, values_for("mid"))
    open_page = go("/assess/start")
    go(open_page, {"q1": "3", "q2": "4", "direction": "back"})  # kept; back to page 1
    go("/checkin/phq9", {f"q{n}": "1" for n in range(1, 10)})
    web.post(
        client, "/checkin/gad7/answer", {"item": "1", "value": "2"}, headers={"HX-Request": "true"}
    )
    go(f"/reflect/{PROMPTS[0]}", {"body": "the marigolds in the window box"})
    go("/origin/write", {"body": "when I was small"})
    go("/entries/note", {"body": "words kept for later"})
    go("/moment/after", {"happened": "we talked on the phone"})
    detailed = go("/moment", {"intensity": "6"}).split("/")[2]
    go(f"/moment/{detailed}", {"intensity": "7", "trigger": "no reply", "tags": "work, late"})
    settled = go("/moment", {"intensity": "4"}).split("/")[2]
    go(f"/moment/{settled}/peak")
    go(f"/moment/{settled}/settled")
    go("/urge", {"custom": "text them again", "activation": detailed})
    ended = go("/urge", {"custom": "leave"}).split("/")[2]
    go(f"/urge/{ended}/end", {"outcome": "waited"})
    go("/regulate/toolkit", {"name": "cold water"})
    go("/regulate/toolkit", {"name": "walk"})
    use = re.search(r'action="(/regulate/toolkit/\w+/use)"', client.get("/regulate/toolkit").text)
    assert use, "the toolkit page has no form to log a use"
    go(use.group(1), {"before": "6", "after": "3"})
    go("/regulate/practice", {"kind": "movement", "minutes": "5", "note": "a walk"})
    go("/regulate/ground/done", {"started": "1", "see": "the lamp", "save_note": "1"})
    # Session prep: a note with a moment picked (the note's own pages hold its forms).
    go("/therapy/prep/new", {"since_last": "a long week", "pick": f"activation:{detailed}"})
    # the inner practices: a part on the map (named on a moment), a letter, a session
    part = go("/parts", {"name": "the watcher", "fears": "being left"}).rsplit("part-", 1)[1]
    go(f"/moment/{detailed}/part", {"part_id": part})
    go("/compassion/letters/new", {"body": "Dear me, that was hard.", "prompt": ""})
    go("/practise/secure-figure/visit", {"minutes": "3", "note": "warm"})
    web.post(client, "/data/region", {"region": "ca"})
    # core beliefs, re-rated, and a passage of the origin story linked to one
    made = go("/beliefs", {"belief": "people pull away", "strength": "70", "rerate_days": "14"})
    belief = made.split("/")[2].split("?")[0]
    go(f"/beliefs/{belief}/rate", {"strength": "60", "note": "a calmer week"})
    origin = web.entries("origin")[0].id
    chosen = origin_links.Target("belief", belief, "").choice
    go(f"/origin/{origin}/links", {"passage": "when I was", "choice": chosen})
    # The ladder: a rung the ended "leave" timer matches, with a try planned on it.
    rung = go("/ladder", {"title": "stay a little longer", "difficulty": "30", "urge": "leave"})
    go(f"{rung.split('?')[0]}/plan", {"predicted": "60", "feared": "a no"})
    # the people ledger: a person rated, a rupture, a moment linked to them
    person = go("/people", {"name": "Sam", "role": "partner"}).split("/")[2].split("?")[0]
    go(f"/people/{person}/rate", {"consistency": "4", "availability": "3", "safety": "4"})
    go(f"/people/{person}/ruptures", {"what": "we argued", "reached_out": "me"})
    go(f"/moment/{detailed}/person", {"person_id": person})
    # Pages only a form shows: the last step of grounding, and a refusal that offers to
    # keep the words as a note.
    shown = [
        ("/regulate/ground", {"step": "5", "go": "next", "started": "1", "see": "a lamp"}),
        ("/urge", {"custom": "x" * (LIMITS["short_text"] + 1)}),
    ]
    pages = tuple((url, web.post(client, url, data).text) for url, data in shown)
    own = client.get("/data/export.json").content
    web.close()
    other = Web(root / "other", template)
    source = other.unlocked_client()
    other.add_reflection(source, "from the other journal", PROMPTS[1])
    location(other.post(source, "/moment", {"intensity": "3"}))
    foreign = source.get("/data/export.json").content
    other.close()
    template = as_template(web.profile, template.key)
    return Seeded(template, _uploads(own, foreign), tuple(dict.fromkeys(landed)), pages)


def _uploads(own: bytes, foreign: bytes) -> tuple[tuple[str, bytes], ...]:
    """Files for an upload field: real exports, and exports damaged in the ways that
    matter (cut short, one record over its limit near the end, bad bytes, deep nesting)."""
    data = json.loads(foreign)
    late_bad = json.loads(foreign)
    late_bad["settings"] = {"calm_mode": "on"}
    late_bad["activations"].append({**data["activations"][-1], "id": "f" * 32, "intensity": 99})
    long_body = json.loads(foreign)
    long_body["entries"].append(
        {**data["entries"][-1], "id": "e" * 32, "body": "x" * (LIMITS["entry"] + 1)}
    )
    surrogate = foreign.replace(b"from the other journal", b"from the \\ud800 journal")
    return (
        ("this journal's own export", own),
        ("another journal's export", foreign),
        ("an export cut short", foreign[: len(foreign) // 2]),
        ("an export with a bad record last", json.dumps(late_bad).encode()),
        ("an export with an entry over its limit", json.dumps(long_body).encode()),
        ("an export with a lone surrogate", surrogate),
        ("an export in bytes that are not UTF-8", foreign.replace(b"other", b"\xff\xfe")),
        ("JSON nested a million deep", b"[" * 1_000_000),
        ("an empty file", b""),
        ("not JSON", b"\x89PNG\r\n\x1a\n" + bytes(range(256))),
        ("a JSON list", b"[1, 2, 3]"),
        ("an export of a later version", foreign.replace(b'"version": 1', b'"version": 99')),
    )


# --- hostile values ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Upload:
    """A file part of a multipart body."""

    filename: str
    content: bytes
    content_type: str = "application/json"


Value = str | bytes | Upload  # bytes: sent as they are, not as UTF-8 text
MISSING = object()

EMPTY = ["", " ", "\t\r\n "]
NUL = ["\x00", "a\x00b", "\x00" * 64, "5\x00", "\x00DELETE"]
NOT_UTF8 = [b"\xff\xfe", b"\xed\xa0\x80", b"\xc0\x80", b"\x80abc", b"caf\xe9", b"\xf4\x90\x80\x80"]
SURROGATES = ["\ud800", "a\udfffb", "\udc80" * 8]  # sent as "surrogatepass" UTF-8 bytes
DIGITS = ["²", "٣", "١٢", "１２", "½", "Ⅻ", "𝟗", "৩", "⁵", "5²", "٣٠"]
NUMBERS = [
    "-1", "-0", "+5", " 5 ", "5.0", "5.5", "1e3", "0x10", "1_0", "0", "11", "99", "100000",
    "-99999999999999999999", "9" * 30, str(2**63), str(-(2**63) - 1), str(2**31), "4" * 5000,
    "nan", "NaN", "inf", "-inf", "Infinity", "1e309", "-1e309", "0" * 4000 + "5",
]  # fmt: skip
DATES = [
    "0001-01-01T00:00", "0001-01-01", "9999-12-31T23:59", "9999-12-31T23:59:59-23:59",
    "0001-01-01T00:00+23:59", "10000-01-01T00:00", "2026-02-30T10:00", "2026-13-01T00:00",
    "0000-00-00T00:00", "2026-03-02T25:61", "2026-03-02T10:00Z", "2026-03-02T10:00+14:00",
    "2026-03-02T10:00:00.123456789", "1970-01-01T00:00", "2026-03-02", "T", "2026-W10-1",
    "20260302T1000", "2026-03-02T10:00:00+99:00", "२०२६-03-02T10:00", "2100-01-01T00:00",
    "1900-01-01T00:00", "2026-03-02T10:00:00-00:01",
]  # fmt: skip
TEXTS = [
    "<script>alert(1)</script>", "{{7*7}}", "' OR 1=1 --", "\u202eevil", "👩‍👩‍👧", "\ufeff",
    "e\u0301" * 40, "\r\n\r\nSet-Cookie: x=y", "%00", "../../etc/passwd", "null", "None",
    "[]", "{}", "DELETE", " DELETE ", "on", "yes", "now", "after", "back", "next", "1",
    "//evil.example/", "/data", "javascript:alert(1)", "I want to die", "a,b,,c,", ",,,",
]  # fmt: skip
PATHS = [
    "0" * 32, "f" * 32, "0" * 33, "%00", "%ff", "%ED%A0%80", "..", "%2e%2e", "a" * 5000, "²",
    "%20", "null", "-1", "1e3", "٣", "%0A", "x%2Fy", "%3Cscript%3E", "99999999999999999999999",
]  # fmt: skip


@dataclass
class Pool:
    """What the hostile values draw on: the journal's ids of every kind, every option any
    form offers, and the uploads."""

    ids: dict[str, list[str]]  # record kind (table) → ids
    options: list[str]
    uploads: Sequence[tuple[str, bytes]]

    def any_id(self, rng: random.Random) -> str:
        kind = rng.choice(sorted(self.ids))
        return rng.choice(self.ids[kind]) if self.ids[kind] else "0" * 32


def _long(rng: random.Random, limit: int | None) -> str:
    if rng.random() < 0.3:
        return rng.choice(["a", "é", "😀", "word ", "\n", "x\x00"]) * (MEGABYTE // 5) + "a" * (
            MEGABYTE - MEGABYTE // 5
        )
    size = 10 * (limit or rng.choice(sorted(set(LIMITS.values()))))
    unit = rng.choice(["a", "é", "😀", "word ", " ", "\n"])
    return (unit * (size // len(unit) + 1))[:size]


def _beyond(f: Field) -> list[str]:
    """The whole numbers just outside a number field's min and max."""
    out = []
    if f.low and f.low.lstrip("-").isdigit():
        out.append(str(int(f.low) - 1))
    if f.high and f.high.lstrip("-").isdigit():
        out.append(str(int(f.high) + 1))
    return out


def _numbery(f: Field) -> bool:
    return f.kind in ("number", "range", "radio", "hidden", "select") or any(
        o.lstrip("-").isdigit() for o in f.options
    )


def hostile(f: Field, rng: random.Random, pool: Pool) -> Value | object:
    """A hostile value for `f` (MISSING: leave the field out), often one aimed at its kind."""
    roll = rng.random()
    if f.kind == "file" and roll < 0.6:
        what, content = rng.choice(list(pool.uploads))
        return Upload(f"{what}.json", content)
    if roll < 0.35:
        if _numbery(f):
            return rng.choice(DIGITS + NUMBERS + _beyond(f))
        if f.kind in ("datetime-local", "date", "time") or f.name in ("onset", "at", "from", "to"):
            return rng.choice(DATES)
        if f.options:
            own = rng.choice(f.options)
            return rng.choice([*pool.options, f" {own} ", own.upper(), own * 2, own + "\x00"])
        return _long(rng, f.limit)
    family = rng.choice(
        ["missing", "empty", "long", "nul", "utf8", "surrogate", "digits", "numbers", "dates",
         "ids", "options", "texts", "upload"]
    )  # fmt: skip
    if family == "missing":
        return MISSING
    if family == "empty":
        return rng.choice(EMPTY)
    if family == "long":
        return _long(rng, f.limit)
    if family == "nul":
        return rng.choice(NUL)
    if family == "utf8":
        return rng.choice(NOT_UTF8)
    if family == "surrogate":
        return rng.choice(SURROGATES).encode("utf-8", "surrogatepass")
    if family == "digits":
        return rng.choice(DIGITS)
    if family == "numbers":
        return rng.choice(NUMBERS)
    if family == "dates":
        return rng.choice(DATES)
    if family == "ids":
        real = pool.any_id(rng)
        return rng.choice([real, real.upper(), f" {real}", f"{real}\x00", "0" * 32, real[:-1]])
    if family == "options":
        return rng.choice(pool.options or ["x"])
    if family == "upload":
        what, content = rng.choice(list(pool.uploads))
        return Upload(f"{what}.json", content)
    return rng.choice(TEXTS)


# --- what the pages offer ---------------------------------------------------------


@dataclass
class Catalogue:
    """Everything the cases are made from, found by walking the app's pages."""

    table: list[RouteInfo]
    forms: dict[Route, list[Form]]
    read: dict[Route, set[str]]  # the names each handler reads
    params: dict[str, list[str]]  # path parameter → values the pages' addresses use
    pool: Pool
    pages: int  # how many pages were walked

    @property
    def routes(self) -> list[RouteInfo]:
        """The routes with an unsafe method, the ones fuzzed."""
        return [r for r in self.table if r.route[0] in UNSAFE]

    def address(self, info: RouteInfo, rng: random.Random) -> str | None:
        """An address for the route: a form's own, or one built from values seen."""
        actions = [f.action for f in self.forms.get(info.route, [])]
        if actions and (rng.random() < 0.8 or not info.params):
            return rng.choice(actions)
        if any(not self.params.get(p) for p in info.params):
            return actions[0] if actions else None
        return re.sub(r"{(\w+)}", lambda m: rng.choice(self.params[m.group(1)]), info.route[1])

    def unreached(self) -> list[Route]:
        """Routes that no page offers and whose address could not be filled in."""
        return [
            r.route
            for r in self.routes
            if not self.forms.get(r.route) and any(not self.params.get(p) for p in r.params)
        ]


def discover(root: Path, seeded: Seeded, *, most_pages: int = 240) -> Catalogue:
    """Walk the pages of the seeded journal (unlocked, then as a locked browser) and of an
    app with no journal yet, collecting every form that posts somewhere (about 2 s)."""
    found = Found()
    opened = Site(root / "walk-unlocked", seeded, fresh=False)
    fresh = Site(root / "walk-fresh", seeded, fresh=True)
    try:
        table = route_table(opened.web.app)
        for client in (opened.client, opened.web.client(), fresh.client):
            walk(client, table, found, starts=seeded.landed, shown=seeded.shown, most=most_pages)
        ids = opened.read(_ids)
    finally:
        opened.close()
        fresh.close()
    forms = found.forms.values()
    options = sorted(
        {o for fs in forms for f in fs for fld in f.fields for o in fld.options}
        | {v for fs in forms for f in fs for _n, v in f.defaults if 0 < len(v) <= 40}
    )
    read = {r.route: handler_fields(r.endpoint) for r in table if r.route[0] in UNSAFE}
    pool = Pool(ids, options, seeded.uploads)
    return Catalogue(table, found.forms, read, found.params, pool, found.pages)


def _ids(session: Session) -> dict[str, list[str]]:
    rows = snapshot_rows(session)
    return {t: sorted(str(k[0]) for k in keys) for t, keys in rows.items() if keys}


# --- a case: one request -------------------------------------------------------------------------

ENCODINGS = {
    "urlencoded": 46, "multipart": 22, "json": 5, "text/plain": 5, "garbled": 8,
    "truncated": 6, "oversized": 4, "no body": 4,
}  # fmt: skip
GARBLED = [
    "multipart/form-data", "multipart/form-data; boundary=", 'multipart/form-data; boundary="x',
    "multipart/form-data; boundary=" + "b" * 300, "multipart/mixed; boundary=fuzz",
    "application/x-www-form-urlencoded; charset=utf-16",
    "application/x-www-form-urlencoded; charset=nope",
    "application/x-www-form-urlencoded, multipart/form-data", "text/html", "", ";;;", "é/é",
    "application/json; charset=utf-8", "application/octet-stream", "*/*",
]  # fmt: skip
UNKNOWN_NAMES = [
    "x",
    "__proto__",
    "a" * 300,
    "q0",
    "q999",
    "p_",
    "csrf2",
    "é",
    "na\x00me",
    "name[]",
    "",
]


@dataclass(frozen=True)
class Case:
    """One hostile request: where, what fields, in which encoding, and for which state."""

    seed: int
    route: Route
    number: int  # the route's k-th case
    url: str
    pairs: tuple[tuple[str, Value], ...]
    encoding: str
    csrf: str  # where the token goes: "field", "header" or "both"
    headers: tuple[tuple[str, str], ...]
    made: tuple[str, ...]  # what was made hostile, for the report
    fresh: bool = False  # on an app with no journal yet (routes that need no unlock)

    def sent(self) -> list[str]:
        """The text values sent, as the server would read them (bad bytes replaced)."""
        out = []
        for _name, value in self.pairs:
            if isinstance(value, str):
                out.append(value)
            elif isinstance(value, bytes):
                out.append(value.decode("utf-8", "replace"))
        return out

    def describe(self) -> str:
        fields = ", ".join(
            f"{n}={short(v if not isinstance(v, Upload) else v.filename, 50)}"
            for n, v in self.pairs
        )
        state = "no journal yet" if self.fresh else "unlocked"
        return (
            f"case {self.number} of {name(self.route)} (seed {self.seed}, {state}): "
            f"POST {short(self.url, 80)} as {self.encoding}, csrf in {self.csrf}; "
            f"made hostile: {'; '.join(self.made) or 'nothing'}; fields: {fields or 'none'}"
        )


def make_case(catalogue: Catalogue, info: RouteInfo, seed: int, number: int) -> Case | None:
    """Case `number` of the route, from its own random stream (None: no address known)."""
    rng = random.Random(f"{seed}:{name(info.route)}:{number}")
    url = catalogue.address(info, rng)
    if url is None:
        return None
    made: list[str] = []
    if info.params and rng.random() < 0.12:
        url, what = _hostile_path(url, info, rng, catalogue.pool)
        made.append(what)
    offered = catalogue.forms.get(info.route) or [Form(info.route, url, (), ())]
    form = rng.choice(offered)
    fields = list(form.fields)
    fields += [
        Field(n, "read")
        for n in sorted(catalogue.read.get(info.route, ()))
        if n not in {f.name for f in fields}
    ]
    fields = [f for f in fields if f.name != "csrf" and f.kind not in ("button",)]
    pairs: list[tuple[str, Value]] = [(n, v) for n, v in form.defaults if n != "csrf"]
    for f in fields:
        if f.kind == "file":
            pairs.append((f.name, Upload("export.json", catalogue.pool.uploads[1][1])))
    # Some cases keep every field as the page fills it in: their hostility is in the
    # shape (encoding, repeated or unknown fields, the address), and they reach the saves.
    if fields and rng.random() > 0.15:
        count = rng.choice([1, 1, 1, 2, 2, 3, len(fields)])
        for f in rng.sample(fields, min(count, len(fields))):
            value = hostile(f, rng, catalogue.pool)
            pairs = [(n, v) for n, v in pairs if n != f.name]
            if value is MISSING:
                made.append(f"{f.name} left out")
                continue
            assert isinstance(value, str | bytes | Upload)
            pairs.insert(rng.randrange(len(pairs) + 1), (f.name, value))
            made.append(
                f"{f.name}={short(value.filename if isinstance(value, Upload) else value, 40)}"
            )
    pairs = _reshape(pairs, fields, rng, catalogue.pool, made)
    if rng.random() < 0.05:
        query = rng.choice(QUERIES)
        url += ("&" if "?" in url else "?") + query
        made.append(f"address with ?{short(query, 30)}")
    weights = dict(ENCODINGS)
    if form.multipart:
        weights["multipart"] *= 4
    encoding = rng.choices(list(weights), list(weights.values()))[0]
    if encoding == "multipart" and rng.random() < 0.15 and pairs:
        i = rng.randrange(len(pairs))
        n, v = pairs[i]
        if not isinstance(v, Upload):
            data = v if isinstance(v, bytes) else v.encode("utf-8", "surrogatepass")
            pairs[i] = (n, Upload("notes.txt", data, "text/plain"))
            made.append(f"{short(n, 20)} sent as a file")
    # The token goes where the request can still be read: a body that is not a form
    # (or not a whole one) carries it in the header, as htmx does.
    whole_form = encoding in ("urlencoded", "multipart") and not form.htmx
    csrf = rng.choice(["field", "field", "header", "both"] if whole_form else ["header", "both"])
    headers: list[tuple[str, str]] = []
    if form.htmx or rng.random() < 0.1:
        headers.append(("HX-Request", "true"))
    if rng.random() < 0.05:
        headers.append(("X-Earned-JS", "1"))
    if encoding == "garbled":
        headers.append(("Content-Type", rng.choice(GARBLED)))
    fresh = not info.needs_unlock and rng.random() < 0.25
    return Case(
        seed,
        info.route,
        number,
        url,
        tuple(pairs),
        encoding,
        csrf,
        tuple(headers),
        tuple(made),
        fresh,
    )


QUERIES = [
    "care=1",
    "next=//evil.example/",
    "saved=1&care=1",
    "%ff=%00",
    "a=1&a=2",
    "q=" + "x" * 5000,
]


def _reshape(
    pairs: list[tuple[str, Value]],
    fields: Sequence[Field],
    rng: random.Random,
    pool: Pool,
    made: list[str],
) -> list[tuple[str, Value]]:
    """The form's shape made hostile, now and then: a field twice or thirty times, an
    unknown field, more fields than any parser takes, or no fields at all."""
    roll = rng.random()
    if roll < 0.08 and pairs:
        twice, _ = rng.choice(pairs)
        f = next((x for x in fields if x.name == twice), Field(twice, "text"))
        extra = hostile(f, rng, pool)
        at = rng.randrange(len(pairs) + 1)
        pairs.insert(at, (twice, extra if isinstance(extra, str | bytes | Upload) else ""))
        made.append(f"{twice} sent twice")
    elif roll < 0.14:
        unknown = rng.choice(UNKNOWN_NAMES)
        pairs.append((unknown, rng.choice(TEXTS + NUMBERS[:5])))
        made.append(f"unknown field {short(unknown, 20)}")
    elif roll < 0.17:
        pairs = []
        made.append("no fields at all")
    elif roll < 0.2 and fields:
        many = rng.choice(fields)
        values = [*many.options, *pool.options, *TEXTS]
        pairs += [(many.name, rng.choice(values)) for _ in range(30)]
        made.append(f"{many.name} sent 30 times")
    elif roll < 0.22:
        pairs += [(f"f{i}", "x") for i in range(1500)]
        made.append("1,500 unknown fields")
    return pairs


def _hostile_path(url: str, info: RouteInfo, rng: random.Random, pool: Pool) -> tuple[str, str]:
    found = info.regex.match(urlsplit(url).path)
    if found is None:
        return url, "no path parameter"
    param = rng.choice(info.params)
    value = rng.choice([*PATHS, pool.any_id(rng), pool.any_id(rng)])
    start, end = found.span(param)
    return url[:start] + value + url[end:], f"path {param}={short(value, 40)}"


def _bytes(value: Value) -> bytes:
    if isinstance(value, Upload):
        return value.content
    return value if isinstance(value, bytes) else value.encode("utf-8", "surrogatepass")


@functools.lru_cache(maxsize=512)
def _quote(value: Value) -> str:
    """Percent-encoded; cached, since the long values repeat and quoting 1 MB takes 20 ms."""
    return quote_from_bytes(_bytes(value), safe="")


def encode(case: Case, token: str, *, too_large: int) -> tuple[dict[str, str], bytes | None]:
    """The request's headers and body, with the CSRF token placed as the case says."""
    headers = dict(case.headers)
    pairs = list(case.pairs)
    if case.csrf in ("field", "both"):
        pairs.insert(0, ("csrf", token))
    if case.csrf in ("header", "both"):
        headers["X-CSRF-Token"] = token
    kind = case.encoding
    if kind == "no body":
        return headers, None
    if kind == "json":
        data = {
            n: (v.filename if isinstance(v, Upload) else _bytes(v).decode("utf-8", "replace"))
            for n, v in pairs
        }
        headers.setdefault("Content-Type", "application/json")
        return headers, json.dumps(data).encode()
    if kind == "text/plain":
        headers.setdefault("Content-Type", "text/plain")
        return headers, b"\r\n".join(_bytes(n) + b"=" + _bytes(v) for n, v in pairs)
    if kind == "oversized":
        pairs.append(("pad", "x" * (too_large + 1)))
    urlencoded = "&".join(f"{_quote(n)}={_quote(v)}" for n, v in pairs).encode()
    boundary = "fuzz" + format(case.number, "08x") + "b0undary"
    multipart = _multipart(pairs, boundary)
    if kind in ("urlencoded", "oversized") or (kind == "garbled" and case.number % 2):
        headers.setdefault("Content-Type", "application/x-www-form-urlencoded")
        return headers, urlencoded
    headers.setdefault("Content-Type", f"multipart/form-data; boundary={boundary}")
    if kind == "truncated":
        cut = random.Random(f"{case.seed}:{case.number}:cut").randrange(max(1, len(multipart)))
        return headers, multipart[:cut]
    return headers, multipart


def _multipart(pairs: Sequence[tuple[str, Value]], boundary: str) -> bytes:
    out = []
    for n, v in pairs:
        disposition = (
            b'Content-Disposition: form-data; name="' + _bytes(n).replace(b'"', b"%22") + b'"'
        )
        head = [disposition]
        if isinstance(v, Upload):
            head[0] += b'; filename="' + _bytes(v.filename).replace(b'"', b"%22") + b'"'
            head.append(b"Content-Type: " + v.content_type.encode())
        out.append(
            b"--"
            + boundary.encode()
            + b"\r\n"
            + b"\r\n".join(head)
            + b"\r\n\r\n"
            + _bytes(v)
            + b"\r\n"
        )
    return b"".join(out) + b"--" + boundary.encode() + b"--\r\n"


# --- where the cases run -------------------------------------------------------------------


class Site:
    """One app on a copy of the seeded journal, unlocked in one browser; or, `fresh`,
    an app with no journal yet and a browser that has not set one up."""

    def __init__(self, root: Path, seeded: Seeded, *, fresh: bool) -> None:
        self.web = Web(root, seeded.template)
        self.fresh = fresh
        self.client = self.web.client()
        self.key = seeded.template.key
        if not fresh:
            # As unlocking does, without the key derivation and backup it costs (0.15 s):
            # the unlock page itself is tested elsewhere, and here it is only the way in.
            copy_journal(seeded.template, self.web.profile)
            opened = personal.open_with_key(self.web.profile, self.key)
            token = self.web.vault.open(opened, self.key)
            host = urlsplit(str(self.client.base_url)).hostname or ""
            self.client.cookies.set(security.SESSION_COOKIE, token, domain=host, path="/")

    def read(self, fn: Callable[[Session], Any]) -> Any:
        """`fn` in a read of the journal (None when there is none); opens it with the
        passphrase when the app has locked it."""
        if not self.web.profile.exists:
            return None
        store = self.web.vault.store
        if store is not None:
            with store.session() as s:
                return fn(s)
        if self.fresh:
            return None  # set up with a passphrase the case chose; nothing to read it with
        store = personal.open_with_key(self.web.profile, self.key)  # locked by the case
        try:
            with store.session() as s:
                return fn(s)
        finally:
            store.close()

    def usable(self) -> bool:
        """Whether the next case finds the state a case starts from."""
        if self.fresh:
            return not self.web.profile.exists and not self.web.profile.database.exists()
        return self.web.vault.holds(self.client.cookies.get(security.SESSION_COOKIE))

    def close(self) -> None:
        self.web.close()


@dataclass(frozen=True)
class Result:
    case: Case
    status: int  # 0: the request escaped the app as an exception
    refused: bool
    problems: tuple[str, ...]  # each a 5xx or a partial write, said plainly
    seconds: float

    @property
    def server_error(self) -> bool:
        return self.status == 0 or self.status >= 500

    @property
    def partial(self) -> bool:
        return any(p.startswith("partial write") for p in self.problems)


SAYS_KEPT = re.compile(r"\b(is|are) saved\b", re.I)
ERROR_SHOWN = re.compile(r'<p class="error" role="alert">(.*?)</p>', re.S)


class Fuzzer:
    """Runs cases, each route on its own copy of the seeded journal, and judges each."""

    def __init__(self, root: Path, seeded: Seeded, catalogue: Catalogue, *, seed: int) -> None:
        from earned.web.app import MAX_BODY

        self.root = root
        self.seeded = seeded
        self.catalogue = catalogue
        self.seed = seed
        self.too_large = MAX_BODY
        self.sites: dict[tuple[Route, bool], Site] = {}
        self.made = 0
        self.log = _Log()

    def cases(self, info: RouteInfo, count: int) -> Iterator[Case]:
        for number in range(count):
            case = make_case(self.catalogue, info, self.seed, number)
            if case is not None:
                yield case

    def site(self, case: Case) -> Site:
        key = (case.route, case.fresh)
        if key not in self.sites:
            self.made += 1
            self.sites[key] = Site(self.root / f"site{self.made}", self.seeded, fresh=case.fresh)
        return self.sites[key]

    def done_with(self, route: Route) -> None:
        """Close the route's sites (a run goes route by route)."""
        for key in [k for k in self.sites if k[0] == route]:
            self.sites.pop(key).close()

    def run(self, case: Case) -> Result:
        site = self.site(case)
        # Each case is a first try: the unlock backoff (tested in test_auth) would
        # otherwise answer most passphrase cases with 429 before reading them.
        site.web.app.state.attempts = security.Attempts()
        before = site.read(snapshot_rows)
        token = csrf_of(site.client)
        headers, body = encode(case, token, too_large=self.too_large)
        began = time.perf_counter()
        with self.log.catching() as logged:
            try:
                response: httpx2.Response | None = site.client.request(
                    case.route[0],
                    case.url,
                    content=body,
                    headers={k.encode(): v.encode("utf-8") for k, v in headers.items()},
                )
            except Exception as exc:  # raised through the app: a 500 in a real server
                response, logged = None, [*logged, f"{type(exc).__name__}: {exc}"]
        took = time.perf_counter() - began
        status = response.status_code if response is not None else 0
        text = response.text if response is not None and _is_html(response) else ""
        shown = [re.sub(r"<[^>]+>", "", m).strip() for m in ERROR_SHOWN.findall(text)]
        refused = status >= 400 or bool(shown)
        problems: list[str] = []
        if status == 0 or status >= 500:
            problems.append(
                f"answered {status or 'with an exception'}: {'; '.join(logged) or text[:200]}"
            )
        said = " ".join(shown) or _message(text)
        found, changed = self._judge(case, site, before, refused, said)
        problems += found
        # A fresh copy for the next case when this one locked or removed the journal, or
        # removed a record the pages link to (later cases would all be "not found").
        gone = any(c.after is None for c in changed)
        if gone or not site.usable() or sum(len(t) for t in (before or {}).values()) > 1500:
            self.sites.pop((case.route, case.fresh)).close()
        return Result(case, status, refused, tuple(problems), took)

    def _judge(
        self, case: Case, site: Site, before: Rows | None, refused: bool, message: str
    ) -> tuple[list[str], list[Change]]:
        """The partial writes this case left, and every row it changed."""
        sent = case.sent()

        def after_state(session: Session) -> tuple[list[Change], list[str]]:
            changed = changes(before or {}, snapshot_rows(session))
            kept = not refused or bool(SAYS_KEPT.search(message))
            broken = broken_records(session, changed, sent) if kept and changed else []
            return changed, broken

        outcome = site.read(after_state)
        if outcome is None:
            if refused and site.fresh and site.web.profile.database.exists():
                return ["partial write: a refused setup left a journal file behind"], []
            return [], []
        changed, broken = outcome
        said = short(message, 120)
        if site.fresh and before is None and refused:
            return [f"partial write: a refusal ({said}) set up a journal"], changed
        if refused and not SAYS_KEPT.search(message) and changed:
            listed = ", ".join(str(c) for c in changed[:6])
            return [
                f"partial write: a refusal ({said}) changed {len(changed)} row(s): {listed}"
            ], changed
        return [f"partial write: {b}" for b in broken], changed

    def close(self) -> None:
        for site in self.sites.values():
            site.close()
        self.sites.clear()


def _is_html(response: httpx2.Response) -> bool:
    return response.headers.get("content-type", "").startswith("text/html")


def _message(html: str) -> str:
    """The text of an error page's message card."""
    found = re.search(r'<section class="card" role="alert">(.*?)</section>', html, re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", found.group(1)).split()) if found else ""


class _Log:
    """What the app logs while a case runs (the type of an unexpected exception)."""

    def __init__(self) -> None:
        self.logger = logging.getLogger("earned.web")

    @contextmanager
    def catching(self) -> Iterator[list[str]]:
        found: list[str] = []

        class Keep(logging.Handler):
            def emit(self, record: logging.LogRecord) -> None:
                found.append(record.getMessage())

        handler = Keep(logging.WARNING)
        self.logger.addHandler(handler)
        try:
            yield found
        finally:
            self.logger.removeHandler(handler)


# --- a tally of results ---------------------------------------------------------------------


@dataclass
class Tally:
    """Figures over many results: routes, cases, statuses, and every problem found."""

    routes: set[Route] = field(default_factory=set)
    statuses: Counter[int] = field(default_factory=Counter)
    problems: list[Result] = field(default_factory=list)
    cases: int = 0
    server_errors: int = 0
    partial_writes: int = 0
    slowest: tuple[float, str] = (0.0, "")

    def add(self, result: Result) -> None:
        self.routes.add(result.case.route)
        self.statuses[result.status] += 1
        self.cases += 1
        self.server_errors += result.server_error
        self.partial_writes += result.partial
        if result.problems:
            self.problems.append(result)
        if result.seconds > self.slowest[0]:
            self.slowest = (result.seconds, result.case.describe())

    def report(self, *, most: int = 10) -> str:
        lines = [
            f"{r.case.describe()}\n    -> {' | '.join(r.problems)}" for r in self.problems[:most]
        ]
        if len(self.problems) > most:
            lines.append(f"... and {len(self.problems) - most} more")
        return "\n".join(lines)
