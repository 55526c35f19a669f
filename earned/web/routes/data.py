"""Settings and your data: calm mode and region settings, export (JSON, CSV, Markdown),
import, delete everything."""

from __future__ import annotations

import re
import shutil
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from starlette.routing import Match

from earned import content, pacing
from earned.errors import EarnedError
from earned.reports import export
from earned.store import Store, keys, repo
from earned.web import deps, security
from earned.web.render import render

router = APIRouter()
Form = Annotated[dict[str, str], Depends(deps.form)]
Open = Annotated[Store, Depends(deps.store)]

# Where the calm-mode toggle may send the person back to: a path on this app, never
# another host ("//evil.example") or a scheme.
LOCAL_PATH = re.compile(r"/(?!/)[A-Za-z0-9/_.-]{0,200}")


def _page(
    request: Request,
    store: Store,
    *,
    message: str | None = None,
    error: str | None = None,
    status: int = 200,
) -> Response:
    with store.session() as s:
        region = (
            repo.get_setting(session=s, key="region") or content.load("crisis")["default_region"]
        )
    return render(
        request,
        "data/index.html",
        {
            "regions": content.load("crisis")["regions"],
            "region": region,
            "message": message,
            "error": error,
        },
        status=status,
    )


@router.get("/data")
def index(request: Request, store: Open, calm: str = "") -> Response:
    message = None
    if calm in pacing.CALM_VALUES:  # just switched (see set_calm): say so, if it is true
        with store.session() as s:
            stored = repo.get_setting(session=s, key=pacing.CALM_MODE) or "off"
        if stored == calm:
            message = str(pacing.words()["calm"][f"now_{calm}"])
    return _page(request, store, message=message)


@router.get("/settings")
def settings(store: Open) -> Response:
    return RedirectResponse("/data#settings", status_code=303)


@router.post("/settings/calm")
async def set_calm(request: Request, store: Open, values: Form) -> Response:
    """Calm mode on or off (a display setting: no record is touched), then back where it was."""
    value = pacing.calm_value(values.get("calm", ""))
    with store.session() as s:
        repo.set_setting(session=s, key=pacing.CALM_MODE, value=value)
    target = values.get("next", "")
    if target.startswith("/data") or not _page_to_return_to(request, target):
        target = f"/data?calm={value}#settings"
    return RedirectResponse(target, status_code=303)


def _page_to_return_to(request: Request, target: str) -> bool:
    """Whether `target` is a page of this app that a browser can GET.

    The footer sends the current path, which after a refused form is a POST-only address
    (e.g. /regulate/toolkit/<id>/use); returning there would be a 405 page.
    """
    if not LOCAL_PATH.fullmatch(target):
        return False
    scope = {"type": "http", "path": target, "method": "GET", "root_path": ""}
    return any(route.matches(scope)[0] == Match.FULL for route in request.app.router.routes)


@router.get("/data/export.{fmt}")
def download(request: Request, store: Open, fmt: str) -> Response:
    with store.session() as s:
        data = export.snapshot(session=s)
    stamp = data["exported_at"][:10]
    if fmt == "json":
        body: bytes = export.to_json(data).encode("utf-8")
        media = "application/json"
    elif fmt == "md":
        body = export.to_markdown(data).encode("utf-8")
        media = "text/markdown; charset=utf-8"
    elif fmt == "zip":
        body = export.to_csv_zip(data)
        media = "application/zip"
    else:
        raise EarnedError("Exports come as JSON, CSV (zip) or Markdown.", status=404)
    return Response(
        body,
        media_type=media,
        headers={"Content-Disposition": f'attachment; filename="earned-{stamp}.{fmt}"'},
    )


@router.post("/data/import")
async def do_import(request: Request, store: Open) -> Response:
    try:
        form = await request.form(max_part_size=export.MAX_IMPORT_BYTES)
    except Exception:
        raise EarnedError("That upload could not be read. Nothing was imported.") from None
    if not security.csrf_ok(request.cookies.get(security.CSRF_COOKIE), str(form.get("csrf") or "")):
        raise EarnedError("This form had expired; nothing was imported. Please reload.", status=403)
    upload = form.get("file")
    if upload is None or isinstance(upload, str):
        return _page(request, store, error="Please choose an export file to import.", status=400)
    raw = await upload.read()
    try:
        data = export.parse_json(raw)
        with store.session() as s:
            counts = export.restore(session=s, data=data)
    except EarnedError as error:
        return _page(request, store, error=error.message, status=400)
    return _page(
        request,
        store,
        message=f"Imported {counts['assessments']} assessment(s) and {counts['entries']} "
        f"journal entries; {counts['skipped']} already here were left as they were.",
    )


@router.post("/data/region")
async def set_region(request: Request, store: Open, values: Form) -> Response:
    region = values.get("region", "")
    if region not in content.load("crisis")["regions"]:
        return _page(request, store, error="Please choose one of the listed regions.", status=400)
    with store.session() as s:
        repo.set_setting(session=s, key="region", value=region)
    return _page(request, store, message="Saved. Get help now will show this region first.")


@router.post("/data/delete")
async def delete_everything(request: Request, store: Open, values: Form) -> Response:
    """Irreversible: needs the passphrase and the typed word DELETE."""
    vault: security.Vault = request.app.state.vault
    if values.get("confirm", "").strip() != "DELETE":
        return _page(
            request, store, error="To delete everything, type DELETE in the box.", status=400
        )
    try:
        keys.unlock(vault.profile.key_file, values.get("passphrase", ""))
    except EarnedError as error:
        return _page(request, store, error=error.message, status=400)
    vault.close()
    shutil.rmtree(vault.profile.folder)
    response = RedirectResponse("/setup", status_code=303)
    response.delete_cookie(security.SESSION_COOKIE, path="/")
    return response
