"""Restore a backup from the browser: one of this profile's backups in the data folder, or
a backup file the person uploads (from another computer, a USB stick).

Open while locked, on purpose: a damaged journal cannot be unlocked, and that is when a
restore is needed. It asks for the backup's passphrase (rate-limited like unlock, since it
is a guess at the same secret) and replaces nothing until the backup has passed every
check (store.backups.restore); the journal that was there is kept beside it.
"""

from __future__ import annotations

import contextlib
import tempfile
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from earned.errors import EarnedError
from earned.store import backups
from earned.web import security
from earned.web.deps import Page, upload_form
from earned.web.page import PageContext
from earned.web.render import render
from earned.web.routes.auth import too_many_tries

router = APIRouter()
NOTHING = "Nothing was replaced."
UPLOADED = "upload"


def _vault(request: Request) -> security.Vault:
    vault: security.Vault = request.app.state.vault
    return vault


def _choices(vault: security.Vault) -> list[dict[str, Any]]:
    """The backups offered on the page, named by their place in the backups folder (the
    form sends that name back; no path from a browser is ever opened)."""
    return [
        {
            "name": b.name,
            "made": b.made,
            "size": backups.size_words(b.size),
            "kind": b.origin,
        }
        for b in backups.listed(vault.profile)
    ]


def _page(
    request: Request, page: PageContext, *, error: str | None = None, status: int = 200
) -> Response:
    vault = _vault(request)
    return render(
        page,
        "restore/index.html",
        {
            "choices": _choices(vault),
            "folder": backups.folder(vault.profile),
            "has_journal": vault.profile.exists or vault.profile.database.exists(),
            "error": error,
            "max_upload": backups.size_words(backups.MAX_UPLOAD_BYTES),
        },
        status=status,
    )


@router.get("/restore")
def restore_page(request: Request, page: Page) -> Response:
    return _page(request, page)


@router.post("/restore")
async def restore(request: Request, page: Page) -> Response:
    vault = _vault(request)
    form = await upload_form(request, max_part_size=64 * 1024, undone="replaced")
    chosen = str(form.get("backup") or "")
    passphrase = str(form.get("passphrase") or "")
    if form.get("confirm") != "yes":
        return _page(
            request,
            page,
            error="Please tick the box to say the journal here may be replaced.",
            status=400,
        )
    if not passphrase:
        return _page(request, page, error="Please type the backup's passphrase.", status=400)
    attempts: security.Attempts = request.app.state.attempts
    client = request.client.host if request.client else "unknown"
    wait = attempts.wait(client)
    if wait > 0:
        return _page(request, page, error=too_many_tries(wait), status=429)
    with tempfile.TemporaryDirectory(prefix="earned-restore-") as tmp:
        try:
            source = await _source(request, form.get("file"), chosen, Path(tmp))
            await run_in_threadpool(
                backups.restore, vault.profile, source, passphrase, release=vault.close
            )
        except EarnedError as error:
            if error.status == 401:
                attempts.tried(client, success=False)
            return _page(request, page, error=error.message, status=error.status)
    attempts.tried(client, success=True)
    from earned import agent

    with contextlib.suppress(EarnedError):
        agent.stop(vault.profile)  # an unlocked key for the journal that was there
    # The session ended with the journal it opened: the unlock page says what happened.
    response = RedirectResponse("/unlock?restored=1", status_code=303)
    response.delete_cookie(security.SESSION_COOKIE, path="/")
    return response


async def _source(request: Request, upload: Any, chosen: str, tmp: Path) -> Path:
    """The backup file to restore: the uploaded one (copied to `tmp`) or the chosen one."""
    if isinstance(upload, UploadFile) and upload.filename:
        # Named as the person knows it in messages, never as a path: only the last part.
        name = Path(upload.filename).name
        target = tmp / (name if name not in ("", ".", "..") and len(name) <= 200 else "backup.tar")
        with open(target, "wb") as out:
            while block := await upload.read(1 << 20):
                out.write(block)
        return target
    if chosen and chosen != UPLOADED:
        for b in backups.listed(_vault(request).profile):
            if b.name == chosen:
                return b.path
        raise EarnedError(f"That backup is no longer in the backups folder. {NOTHING}")
    raise EarnedError(f"Please choose a backup, or a backup file to upload. {NOTHING}")
