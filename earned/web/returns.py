"""Where a page may send the person back to: a page of this app a browser can GET.

Used by the calm-mode toggle (back to the page it was pressed on) and by unlock (on to
the page that asked for it). Never another host ("//evil.example"), a scheme, or a
POST-only address (which would be a 405 page).
"""

from __future__ import annotations

import re

from fastapi import Request
from starlette.routing import Match

LOCAL_PATH = re.compile(r"/(?!/)[A-Za-z0-9/_.-]{0,200}")


def local_page(request: Request, target: str) -> bool:
    """Whether `target` (a path, with an optional query) is a page of this app to GET."""
    path, _, query = target.partition("?")
    if not LOCAL_PATH.fullmatch(path) or len(query) > 500:
        return False
    scope = {"type": "http", "path": path, "method": "GET", "root_path": ""}
    return any(route.matches(scope)[0] == Match.FULL for route in request.app.router.routes)
