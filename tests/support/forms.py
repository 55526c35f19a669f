"""The app's form routes, and what a browser would send to each: found from the app itself.

The routes come from the app's route table (as tests/web/test_routes.py finds them), so
a new route is known the day it is added. What each one reads comes from two places that
stay true by themselves: the forms (and htmx controls) the app's own pages show, found by
walking the pages as a browser would (`walk`), and the names its handler reads from its
form (`values.get("x")`, `int_field(values, "x")`, ... in its source: `handler_fields`).
Used by the form fuzzer (tests/support/fuzz.py).
"""

from __future__ import annotations

import ast
import inspect
import json
import re
import textwrap
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlencode, urlsplit

from fastapi import FastAPI
from fastapi.routing import APIRoute, iter_route_contexts
from fastapi.testclient import TestClient
from starlette.routing import compile_path

from earned.web import deps

from . import PASSPHRASE

Route = tuple[str, str]  # (method, path as the app declares it)
UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def name(route: Route) -> str:
    return f"{route[0]} {route[1]}"


# --- the routes ------------------------------------------------------------------------------


@dataclass(frozen=True)
class RouteInfo:
    """One route of the app's table: its address pattern and what its handler is."""

    route: Route
    regex: re.Pattern[str]
    params: tuple[str, ...]
    endpoint: Callable[..., Any]
    needs_unlock: bool  # declares the open journal (deps.store)


def _calls(dependant: Any) -> Iterator[Any]:
    for dep in dependant.dependencies:
        yield dep.call
        yield from _calls(dep)


def route_table(app: FastAPI) -> list[RouteInfo]:
    """Every API route of `app` in the order the app matches them, one per method."""
    out: list[RouteInfo] = []
    for context in iter_route_contexts(app.routes):
        original = context.original_route
        if not isinstance(original, APIRoute) or context.path is None:
            continue
        regex, _format, convertors = compile_path(context.path)
        needs_unlock = deps.store in set(_calls(original.dependant))
        for method in sorted(context.methods or ()):
            out.append(
                RouteInfo(
                    (method, context.path),
                    regex,
                    tuple(convertors),
                    original.endpoint,
                    needs_unlock,
                )
            )
    return out


def match(table: Sequence[RouteInfo], method: str, path: str) -> RouteInfo | None:
    """The route a request would reach, as the app matches it (first in order)."""
    for info in table:
        if info.route[0] == method and info.regex.match(path):
            return info
    return None


# --- what a route reads: its forms on the pages, and the names in its handler ---------------


@dataclass(frozen=True)
class Field:
    """One named control of a form (radios and checkboxes of one name are one Field)."""

    name: str
    kind: str  # the input type, "textarea", "select", "file", or "read" (only in the handler)
    options: tuple[str, ...] = ()  # the values a radio, checkbox or select offers
    limit: int | None = None  # maxlength
    low: str | None = None  # min
    high: str | None = None  # max


@dataclass(frozen=True)
class Form:
    """A form (or htmx control) of a page that posts to `route`, as the page fills it in."""

    route: Route
    action: str
    fields: tuple[Field, ...]
    defaults: tuple[tuple[str, str], ...]  # what the browser would send untouched
    htmx: bool = False
    multipart: bool = False


class _Forms(HTMLParser):
    """The forms, htmx controls and links of one page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[dict[str, Any]] = []
        self.links: list[str] = []
        self._form: dict[str, Any] | None = None
        self._textarea: dict[str, Any] | None = None
        self._select: dict[str, Any] | None = None

    def _control(self, tag: str, attrs: dict[str, str | None]) -> dict[str, Any] | None:
        control_name = attrs.get("name")
        if not control_name:
            return None
        kind = tag if tag in ("textarea", "select") else (attrs.get("type") or "text").lower()
        if tag == "button":
            kind = "submit" if (attrs.get("type") or "submit").lower() == "submit" else "button"
        return {
            "name": control_name,
            "kind": kind,
            "value": attrs.get("value") or "",
            "checked": "checked" in attrs,
            "limit": attrs.get("maxlength"),
            "low": attrs.get("min"),
            "high": attrs.get("max"),
            "options": [],
        }

    def handle_starttag(self, tag: str, attr_list: list[tuple[str, str | None]]) -> None:
        attrs = dict(attr_list)
        if tag == "a" and attrs.get("href"):
            self.links.append(str(attrs["href"]))
        if tag == "form":
            self._form = {
                "action": attrs.get("action") or "",
                "method": (attrs.get("method") or "get").lower(),
                "multipart": "multipart" in (attrs.get("enctype") or ""),
                "controls": [],
                "htmx": False,
            }
            self.forms.append(self._form)
        control = (
            self._control(tag, attrs) if tag in ("input", "textarea", "select", "button") else None
        )
        if control is not None and self._form is not None:
            self._form["controls"].append(control)
        if tag == "textarea" and control is not None:
            self._textarea = control
        if tag == "select" and control is not None:
            self._select = control
        if tag == "option" and self._select is not None:
            value = attrs.get("value") or ""
            self._select["options"].append(value)
            if "selected" in attrs or not self._select["value"]:
                self._select["value"] = value
        if attrs.get("hx-post"):
            # htmx sends the enclosing form's values, this control's own, and hx-vals.
            controls = list(self._form["controls"]) if self._form is not None else []
            if control is not None and control not in controls:
                controls.append(control)
            for key, value in json.loads(attrs.get("hx-vals") or "{}").items():
                extra = self._control("input", {"name": key, "type": "hidden", "value": str(value)})
                controls.append(extra)
            self.forms.append(
                {
                    "action": attrs["hx-post"],
                    "method": "post",
                    "multipart": False,
                    "controls": controls,
                    "htmx": True,
                }
            )

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._textarea["value"] += data


def _fields(
    controls: list[dict[str, Any]],
) -> tuple[tuple[Field, ...], tuple[tuple[str, str], ...]]:
    """The Fields of a form's controls, and the (name, value) pairs a browser sends."""
    by_name: dict[str, list[dict[str, Any]]] = {}
    for c in controls:
        by_name.setdefault(c["name"], []).append(c)
    fields: list[Field] = []
    defaults: list[tuple[str, str]] = []
    for control_name, group in by_name.items():
        first = group[0]
        kind = first["kind"]
        options = tuple(dict.fromkeys(v for c in group for v in [c["value"], *c["options"]] if v))
        limit = first["limit"]
        fields.append(
            Field(
                control_name,
                kind,
                options if kind in ("radio", "checkbox", "select", "submit") else (),
                int(limit) if limit and limit.isdigit() else None,
                first["low"],
                first["high"],
            )
        )
        if kind in ("radio", "checkbox"):
            chosen = [c["value"] for c in group if c["checked"]]
            if kind == "radio" and not chosen:
                chosen = [group[0]["value"]]
            defaults += [(control_name, v) for v in chosen]
        elif kind == "submit":
            defaults.append((control_name, first["value"]))
        elif kind not in ("button", "file", "reset"):
            defaults.append((control_name, first["value"] or _plausible(kind, first)))
    return tuple(fields), tuple(defaults)


def _plausible(kind: str, control: dict[str, Any]) -> str:
    """What a person might type into an empty control, so the form can get past its checks."""
    if kind == "number":
        return str(control["low"] or "5")
    if kind in ("text", "textarea", "search"):
        return "a few calm words"
    if kind == "password":
        return PASSPHRASE  # the journal's own: unlock, setup and delete can then go through
    return ""


def handler_fields(endpoint: Callable[..., Any]) -> set[str]:
    """The field names a handler reads from its form, found in its source.

    `values.get("x")`, `values["x"]`, and a name passed beside `values` or `request` to a
    call (`int_field(values, "item", ...)`, `_checked(request, "body")`); followed one
    level into module functions that are handed `values`.
    """
    return _read_names(endpoint, "values", depth=2)


_IDENT = re.compile(r"[a-z_][a-z0-9_]{0,40}")


def _read_names(fn: Callable[..., Any], values: str, *, depth: int) -> set[str]:
    try:
        tree = ast.parse(textwrap.dedent(inspect.getsource(fn)))
    except (OSError, TypeError, SyntaxError):
        return set()
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Subscript) and _is_name(node.value, values):
            found |= _constants([node.slice])
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        if (
            isinstance(func, ast.Attribute)
            and func.attr in ("get", "getlist")
            and _is_name(func.value, values)
        ):
            found |= _constants(node.args[:1])
        passed = [i for i, a in enumerate(node.args) if _is_name(a, values)]
        if passed or any(_is_name(a, "request") for a in node.args):
            found |= _constants(node.args)
        if passed and depth > 0 and isinstance(func, ast.Name):
            callee = getattr(fn, "__globals__", {}).get(func.id)
            if inspect.isfunction(callee):
                params = list(inspect.signature(callee).parameters)
                if passed[0] < len(params):
                    found |= _read_names(callee, params[passed[0]], depth=depth - 1)
    return found


def _is_name(node: ast.expr, wanted: str) -> bool:
    return isinstance(node, ast.Name) and node.id == wanted


def _constants(nodes: Sequence[ast.expr]) -> set[str]:
    return {
        n.value
        for n in nodes
        if isinstance(n, ast.Constant) and isinstance(n.value, str) and _IDENT.fullmatch(n.value)
    }


# --- walking the pages ------------------------------------------------------------------------


@dataclass
class Found:
    """What walking the pages found: the forms that post to each route, the values each
    path parameter takes in the pages' addresses, and how many pages were fetched."""

    forms: dict[Route, list[Form]] = field(default_factory=dict)
    params: dict[str, list[str]] = field(default_factory=dict)
    pages: int = 0


def walk(
    client: TestClient,
    table: Sequence[RouteInfo],
    found: Found,
    *,
    starts: Sequence[str] = (),
    shown: Sequence[tuple[str, str]] = (),
    most: int = 240,
    per_route: int = 6,
) -> None:
    """GET pages breadth-first as `client`, from every GET address of the route table
    without parameters and from `starts`, noting their forms and links in `found`; the
    forms of pages already at hand (`shown`: (address, html)) are noted too.

    At most `per_route` addresses of one route are fetched (a page per episode would
    teach nothing new) and `most` pages in all."""
    forms, params = found.forms, found.params
    queue = [r.route[1] for r in table if r.route[0] == "GET" and not r.params]
    queue += [u.split("#")[0] for u in starts]
    for path, html in shown:
        queue += _collect(html, path, table, forms, params)
    seen: set[str] = set()
    visits: Counter[str] = Counter()
    walked = 0
    while queue and walked < most:
        url = queue.pop(0)
        path = urlsplit(url).path
        info = match(table, "GET", path)
        if url in seen or info is None or visits[info.route[1]] >= per_route:
            continue
        seen.add(url)
        visits[info.route[1]] += 1
        _note_params(info, path, params)
        response = client.get(url)
        walked += 1
        if response.is_redirect:
            queue.append(response.headers["location"])
        elif response.headers.get("content-type", "").startswith("text/html"):
            queue += _collect(response.text, path, table, forms, params)
    found.pages += walked


def _collect(
    html: str,
    path: str,
    table: Sequence[RouteInfo],
    forms: dict[Route, list[Form]],
    params: dict[str, list[str]],
) -> list[str]:
    """Note the POST forms of one page; returns the addresses it leads to (links, and
    its GET forms as submitted untouched)."""
    reader = _Forms()
    reader.feed(html)
    reader.close()
    onward = [link.split("#")[0] for link in reader.links if _on_site(link)]
    for raw in reader.forms:
        action = raw["action"] or path
        if not _on_site(action):
            continue
        fields, defaults = _fields(raw["controls"])
        if raw["method"] == "get":
            query = urlencode([(n, v) for n, v in defaults if n])
            onward.append(f"{action}?{query}" if query else action)
            continue
        target = match(table, "POST", urlsplit(action).path)
        if target is None:
            continue
        _note_params(target, urlsplit(action).path, params)
        known = forms.setdefault(target.route, [])
        names = tuple(f.name for f in fields)
        if all((f.action, tuple(x.name for x in f.fields)) != (action, names) for f in known):
            known.append(
                Form(target.route, action, fields, defaults, raw["htmx"], raw["multipart"])
            )
    return onward


def _on_site(url: str) -> bool:
    return url.startswith("/") and not url.startswith(("//", "/static/", "/data/export."))


def _note_params(info: RouteInfo, path: str, params: dict[str, list[str]]) -> None:
    found = info.regex.match(path)
    for key, value in (found.groupdict() if found else {}).items():
        values = params.setdefault(key, [])
        if value not in values:
            values.append(value)
