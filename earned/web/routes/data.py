"""Settings and your data: calm mode and region settings, export (JSON, CSV, Markdown),
import, delete everything."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from starlette.background import BackgroundTask
from starlette.concurrency import run_in_threadpool

from earned import content, crisis, pacing, zones
from earned.errors import EarnedError, Locked
from earned.paths import Profile
from earned.reports import export, files, sharing, summary
from earned.store import backups, deletion, settings
from earned.store.server import sharing as server_sharing
from earned.web import gate as gates
from earned.web import memory, returns, security
from earned.web.deps import Form, Open, Page, upload_form
from earned.web.page import PageContext, read_page
from earned.web.render import render

router = APIRouter()


def _page(
    page: PageContext,
    profile: Profile | None,
    *,
    message: str | None = None,
    error: str | None = None,
    status: int = 200,
) -> Response:
    found = backups.listed(profile) if profile is not None else []
    return render(
        page,
        "data/index.html",
        {
            "regions": content.load("crisis")["regions"],
            "region": page.region,
            "message": message,
            "error": error,
            "backup_folder": backups.folder(profile) if profile is not None else None,
            "newest_backup": found[0] if found else None,
            "backup_count": len(found),
            "keep_daily": backups.KEEP_DAILY,
            "keep_weekly": backups.KEEP_WEEKLY,
        },
        status=status,
    )


def _profile(request: Request) -> Profile | None:
    """The personal profile (backups live beside it); None in server mode."""
    gate = gates.gate_of(request)
    return gate.vault.profile if isinstance(gate, gates.PersonalGate) else None


@router.get("/data")
def index(request: Request, page: Page, store: Open, calm: str = "") -> Response:
    message = None
    # Just switched (see set_calm): say so, if it is true.
    if calm in pacing.CALM_VALUES and calm == ("on" if page.calm else "off"):
        message = str(pacing.words()["calm"][f"now_{calm}"])
    return _page(page, _profile(request), message=message)


@router.get("/settings")
def settings_page(store: Open) -> Response:
    return RedirectResponse("/data#settings", status_code=303)


@router.post("/settings/calm")
async def set_calm(request: Request, store: Open, values: Form) -> Response:
    """Calm mode on or off (a display setting: no record is touched), then back where it was."""
    value = pacing.calm_value(values.get("calm", ""))
    with store.session() as s:
        settings.set_setting(session=s, key=pacing.CALM_MODE, value=value)
    target = values.get("next", "")
    if target.startswith("/data") or not returns.local_page(request, target):
        target = f"/data?calm={value}#settings"
    return RedirectResponse(target, status_code=303)


def _with_sharing(request: Request, data: dict[str, Any]) -> None:
    """Server mode: the person's own sharing record (clinicians, every look, suggestions,
    unused invites) joins their export (reports/sharing.py)."""
    gate = gates.server_gate(request)
    who = gates.signed_in(request)
    with gate.server.session() as s:
        found = server_sharing.record(session=s, person_id=who.id)
    data[sharing.KEY] = sharing.section(found)


@router.get("/data/export.{fmt}")
def download(request: Request, store: Open, fmt: str) -> Response:
    files.find(fmt)  # an unknown format is refused before the journal is read
    # One export built at a time, and its memory given back once sent (web/memory.py).
    with memory.one_at_a_time:
        with store.session() as s:
            data = export.snapshot(session=s)
        zone = None  # personal mode: this computer's clock, the person's own
        if isinstance(gates.gate_of(request), gates.ServerGate):
            _with_sharing(request, data)
            # The server's clock is not the person's: theirs, as every page shows times.
            zone = zones.zone_of(data["settings"].get(zones.SETTING))
        out = files.export_file(data, fmt, zone)
        del data
    return Response(
        out.body,
        media_type=out.media_type,
        headers={"Content-Disposition": f'attachment; filename="{out.filename}"'},
        background=BackgroundTask(memory.give_back),
    )


@router.post("/data/import")
async def do_import(request: Request, page: Page, store: Open) -> Response:
    form = await upload_form(request, max_part_size=export.MAX_IMPORT_BYTES, undone="imported")
    upload = form.get("file")
    # A form sent with no file chosen still carries an empty, nameless file part.
    if upload is None or isinstance(upload, str) or not upload.filename:
        return _page(
            page, _profile(request), error="Please choose an export file to import.", status=400
        )
    raw = await upload.read()
    try:
        data = export.parse_json(raw)
        with store.session() as s:
            counts = export.restore(session=s, data=data)
    except EarnedError as error:
        return _page(page, _profile(request), error=error.message, status=400)
    # The file's settings came with it (calm mode, region): show the page as they now are.
    return _page(read_page(request), _profile(request), message=summary.import_summary(counts))


@router.post("/data/region")
async def set_region(request: Request, page: Page, store: Open, values: Form) -> Response:
    region = values.get("region", "")
    if not crisis.known(region):
        return _page(
            page, _profile(request), error="Please choose one of the listed regions.", status=400
        )
    with store.session() as s:
        settings.set_setting(session=s, key=crisis.SETTING, value=region)
    saved = replace(page, region=region)  # the page context was read before this change
    return _page(
        saved, _profile(request), message="Saved. Get help now will show this region first."
    )


@router.post("/data/backup")
async def back_up_now(request: Request, page: Page, store: Open, values: Form) -> Response:
    """A backup made by the person (kept by delete-everything, never thinned)."""
    profile = _profile(request)
    if profile is None:
        # Server mode: the database's keeper backs up the whole server; no file is here.
        raise EarnedError(
            "This journal lives on a server: whoever runs the server backs it up. You can "
            "export everything above at any time.",
            status=404,
        )
    vault: security.Vault = request.app.state.vault
    key = vault.data_key
    if key is None:
        raise Locked()
    try:
        made = await run_in_threadpool(backups.write, profile, key, backups.folder(profile))
    except EarnedError as error:
        return _page(page, profile, error=error.message, status=error.status)
    return _page(
        page,
        profile,
        message=f"Backup written: {made.name}. It opens with the passphrase you have now.",
    )


@router.post("/data/delete")
async def delete_everything(request: Request, page: Page, store: Open, values: Form) -> Response:
    """Irreversible: needs the passphrase (the password) and the typed word DELETE."""
    gate = gates.gate_of(request)
    if isinstance(gate, gates.ServerGate):
        return await _delete_account(request, page, gate, values)
    vault: security.Vault = request.app.state.vault
    if values.get("confirm", "").strip() != "DELETE":
        return _page(
            page, vault.profile, error="To delete everything, type DELETE in the box.", status=400
        )
    try:
        deletion.delete_profile(
            vault.profile, passphrase=lambda: values.get("passphrase", ""), release=vault.close
        )
    except EarnedError as error:
        return _page(page, vault.profile, error=error.message, status=400)
    response = RedirectResponse("/setup?deleted=1", status_code=303)
    response.delete_cookie(security.SESSION_COOKIE, path="/")
    return response


async def _delete_account(
    request: Request, page: PageContext, gate: gates.ServerGate, values: dict[str, str]
) -> Response:
    """Server mode: the person's journal schema, then their account (sessions, invites,
    sharing and the audit log go with it, by cascade)."""
    who = gates.signed_in(request)
    if values.get("confirm", "").strip() != "DELETE":
        return _page(page, None, error="To delete everything, type DELETE in the box.", status=400)

    if not await run_in_threadpool(gate.password_matches, who.id, values.get("passphrase", "")):
        return _page(
            page, None, error="The password did not match. Nothing was deleted.", status=400
        )
    gate.server.remove_person(who.id)
    response = RedirectResponse("/login?deleted=1", status_code=303)
    response.delete_cookie(security.SESSION_COOKIE, path="/")
    return response
