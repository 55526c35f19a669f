"""The server-mode app (issue 14) built from the environment, so that each of several
uvicorn worker processes can build its own: `earned serve --database … --workers N` sets
these variables, then uvicorn imports `earned.web.server_app:from_env` in every worker.

Each worker holds its own database pool and nothing else: sessions, rate-limit counts
that matter (an account's rest) and sharing all live in PostgreSQL.
"""

from __future__ import annotations

import os
from urllib.parse import urlsplit

from fastapi import FastAPI

from earned.web.security import LOOPBACK_NAMES, Door

DATABASE_ENV = "EARNED_DATABASE_URL"
PUBLIC_URL_ENV = "EARNED_PUBLIC_URL"
PORT_ENV = "EARNED_PORT"
POOL_ENV = "EARNED_POOL_SIZE"
KEY_FILE_ENV = "EARNED_SERVER_KEY_FILE"  # or the ring itself in fields.ENV


def door_for(public_url: str | None, port: int | None, extra: frozenset[str] = frozenset()) -> Door:
    """Loopback names (and `extra`) on the bound port, plus the public address's host name
    on any port (a reverse proxy in front answers on 443 and passes the name through)."""
    host = urlsplit(public_url).hostname if public_url else None
    public = frozenset({host.lower()}) if host else frozenset()
    return Door(frozenset(LOOPBACK_NAMES | extra), port, public)


def from_env() -> FastAPI:
    from pathlib import Path

    from earned.store import fields
    from earned.store.server import WEB_POOL, Server
    from earned.web.app import create_server_app

    key_file = os.environ.get(KEY_FILE_ENV)
    fields.install(fields.load_required(Path(key_file) if key_file else None))
    url = os.environ[DATABASE_ENV]
    public = os.environ.get(PUBLIC_URL_ENV) or None
    port = os.environ.get(PORT_ENV)
    pool = int(os.environ.get(POOL_ENV, str(WEB_POOL)))
    server = Server.open(url, pool_size=pool)
    return create_server_app(
        server,
        door=door_for(public, int(port) if port else None),
        secure_cookies=bool(public and public.startswith("https://")),
    )
