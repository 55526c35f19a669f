"""earned on a phone's home screen: the web app manifest, the service worker, the offline
page, and the route that takes an urge timer kept whole on a phone while it was offline.

The service worker (static/sw.js, served here at /sw.js so its scope is the whole app)
keeps only the app shell (SHELL): the stylesheet, the scripts, the icons, the manifest and
the offline page. Journal pages are Cache-Control: no-store and private: it passes them
through and keeps none, so a locked app shows none from a cache. Its cache name carries a
digest of what the shell is made from (`shell_version`), so a changed file installs a new
worker, which removes the old caches.

The offline queue itself is in the page (static/offline.js): see docs/architecture.md.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
from functools import cache
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from earned import content, crisis, urges
from earned.errors import EarnedError
from earned.store import urge_timers
from earned.web import care, deps
from earned.web.deps import Form, Open, Page
from earned.web.render import render
from earned.web.routes.moment import local_time

router = APIRouter()

WEB = Path(__file__).resolve().parent.parent
STATIC = WEB / "static"
TEMPLATES = WEB / "templates"
CONTENT = WEB.parent / "content"

ICONS = (
    {"src": "/static/icons/earned.svg", "sizes": "any", "type": "image/svg+xml"},
    {"src": "/static/icons/earned-192.png", "sizes": "192x192", "type": "image/png"},
    {"src": "/static/icons/earned-512.png", "sizes": "512x512", "type": "image/png"},
    {
        "src": "/static/icons/earned-maskable-512.png",
        "sizes": "512x512",
        "type": "image/png",
        "purpose": "maskable",
    },
)
# What the service worker keeps: everything the offline page needs, and nothing private.
SHELL = (
    "/offline",
    "/manifest.webmanifest",
    "/static/earned.css",
    "/static/earned.js",
    "/static/offline.js",
    "/static/htmx.min.js",
    *(icon["src"] for icon in ICONS),
)
# What the offline page is made from, besides the static files (its digest names the cache).
SHELL_SOURCES = (
    TEMPLATES / "base.html",
    TEMPLATES / "phone" / "offline.html",
    TEMPLATES / "safety" / "_lines.html",
    TEMPLATES / "safety" / "_grounding_steps.html",
    CONTENT / "offline.toml",
    CONTENT / "crisis.toml",
    CONTENT / "moment.toml",
)
MANIFEST_TYPE = "application/manifest+json"
SCRIPT_TYPE = "text/javascript; charset=utf-8"


# --- colours and the manifest ---------------------------------------------------------------

_VARIABLE = re.compile(r"--(bg|card):\s*(#[0-9a-fA-F]{3,8})")


@cache
def colours() -> dict[str, dict[str, str]]:
    """The page background (--bg) and the header's colour (--card) of earned.css, light and
    dark, read from the stylesheet itself so the phone's bars match the pages."""
    css = (STATIC / "earned.css").read_text("utf-8")
    light_part, _, rest = css.partition("@media (prefers-color-scheme: dark)")
    light = dict(_VARIABLE.findall(light_part))
    dark = dict(_VARIABLE.findall(rest.partition("}")[0]))  # the dark block's :root
    return {"light": light, "dark": dark}


def manifest() -> dict[str, Any]:
    light = colours()["light"]
    return {
        "id": "/",
        "name": "earned",
        "short_name": "earned",
        "description": "A private journal and practice companion toward earned security.",
        "lang": "en",
        "start_url": "/",
        "scope": "/",
        "display": "standalone",
        "background_color": light["bg"],
        "theme_color": light["card"],
        "icons": list(ICONS),
    }


@router.get("/manifest.webmanifest")
def web_manifest() -> Response:
    return Response(json.dumps(manifest(), indent=1), media_type=MANIFEST_TYPE)


# --- the service worker ---------------------------------------------------------------------


@cache
def shell_version() -> str:
    """A digest of every file the shell is made from: a changed file, a new cache."""
    digest = hashlib.sha256()
    files = sorted(p for p in STATIC.rglob("*") if p.is_file()) + list(SHELL_SOURCES)
    for path in files:
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


@cache
def worker_source() -> str:
    source = (STATIC / "sw.js").read_text("utf-8")
    return source.replace('"__VERSION__"', json.dumps(shell_version())).replace(
        '["__SHELL__"]', json.dumps(list(SHELL))
    )


@router.get("/sw.js")
def service_worker() -> Response:
    # Served from the root so its scope is the whole app; no-store (app.secure_headers), so
    # the browser checks for a new one on each visit.
    return Response(worker_source(), media_type=SCRIPT_TYPE)


# --- the offline page -----------------------------------------------------------------------


def words() -> dict[str, Any]:
    return content.load("offline")


@router.get("/offline")
def offline_page(page: Page) -> Response:
    """What a phone shows when earned cannot be reached. The service worker keeps a copy,
    so it is rendered as a locked browser sees it whoever asks: no private navigation, no
    session's token, the default region's lines first. Nothing of the journal is in it."""
    anyone = dataclasses.replace(
        page, unlocked=False, calm=False, care=False, csrf="", region=crisis.region_or_default(None)
    )
    return render(
        anyone,
        "phone/offline.html",
        {
            "offline": words(),
            "moment_words": content.load("moment"),
            "crisis": content.load("crisis"),
            "region": anyone.region,
            "outcome_words": urges.OUTCOME_WORDS,
        },
    )


# --- an urge timer kept whole on a phone ----------------------------------------------------


@router.post("/urge/whole")
async def urge_whole(request: Request, store: Open, values: Form) -> Response:
    """A timer started and ended while the phone was offline, sent as one request with the
    phone's times (urges.check_whole); its client token makes a resend save it once."""
    started, ended = local_time(values, "started"), local_time(values, "ended")
    if started is None or ended is None:
        raise EarnedError("That timer came without its start or end time; nothing was saved.")
    text = values.get("urge", "")
    with store.session() as s:
        timer = urge_timers.add_whole(
            session=s,
            urge=text,
            started_at=started,
            ended_at=ended,
            outcome=values.get("outcome", ""),
            now=deps.now(),
            client_token=values.get("client_token"),
        )
    # Words that suggest danger bring the care panel, as a timer started online does.
    return RedirectResponse(care.after_save(f"/urge/{timer.id}", text), status_code=303)
