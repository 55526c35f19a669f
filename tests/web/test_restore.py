"""Restore from the browser (/restore) and "Back up now" on the data page: a backup from
the listing or an upload, locked or unlocked, and every refusal replacing nothing."""

from __future__ import annotations

import os
from pathlib import Path

from fastapi.testclient import TestClient

from earned.store import backups
from tests.support import PASSPHRASE
from tests.support.html import page
from tests.support.web import Web, csrf_of, error_text, location


def restore(
    web: Web,
    client: TestClient,
    *,
    backup: str = "",
    file: bytes | None = None,
    passphrase: str = PASSPHRASE,
    confirm: bool = True,
) -> object:
    data = {"csrf": csrf_of(client), "passphrase": passphrase, "backup": backup}
    if confirm:
        data["confirm"] = "yes"
    files = {"file": ("my-backup.tar", file or b"")} if file is not None else None
    if files is None:
        # multipart all the same, as the browser sends this form
        files = {"file": ("", b"")}
    return client.post("/restore", data=data, files=files)


def newest_name(web: Web) -> str:
    [newest, *_] = backups.listed(web.profile)
    return newest.path.relative_to(backups.folder(web.profile)).as_posix()


def folder_state(web: Web) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in web.profile.folder.iterdir() if p.is_file()}


def test_the_listing_offers_todays_automatic_backup(web: Web) -> None:
    client = web.unlocked_client()  # the unlock made today's automatic backup
    r = client.get("/restore")
    assert r.status_code == 200
    radios = page(r).select("input", name="backup")
    assert [x.get("value") for x in radios] == [newest_name(web), "upload"]
    assert "made automatically" in page(r).text
    assert page(r).select("form", action="/lock")  # still this browser's session


def test_restore_from_the_listing_brings_back_what_was_backed_up(web: Web) -> None:
    client = web.unlocked_client()
    web.add_reflection(client, "before the backup")
    r = web.post(client, "/data/backup")
    assert r.status_code == 200 and "Backup written" in page(r).text
    web.add_reflection(client, "after the backup")
    chosen = newest_name(web)
    assert not chosen.startswith("automatic/")  # the one just made by hand
    old_session = client.cookies.get("earned_session")
    r = restore(web, client, backup=chosen)
    assert location(r) == "/unlock?restored=1", r.text[:300]
    # The journal was closed before it was replaced; the old session opens nothing now.
    assert web.vault.store is None
    stale = web.client()
    stale.cookies.set("earned_session", old_session or "")
    assert stale.get("/data").status_code == 303
    unlock_page = client.get("/unlock?restored=1")
    text = page(unlock_page).text
    assert "Your backup is back in place" in text
    [aside] = backups.set_aside(web.profile)
    assert str(aside) in text
    assert location(web.unlock(client)) == "/"
    assert [e.body for e in web.entries()] == ["before the backup"]


def test_a_locked_browser_restores_an_uploaded_backup_into_a_fresh_install(
    web: Web, make_web: object
) -> None:
    source = web.unlocked_client()
    web.add_reflection(source, "carried over")
    made = backups.write(web.profile, web.vault.data_key or b"", web.profile.folder.parent / "x")
    other: Web = make_web("other")  # type: ignore[operator]
    fresh = other.client()
    assert location(fresh.get("/")) == "/setup"
    assert 'href="/restore"' in fresh.get("/setup").text
    r = restore(other, fresh, backup="upload", file=made.read_bytes())
    assert location(r) == "/unlock?restored=1", r.text[:300]
    assert backups.set_aside(other.profile) == []  # there was nothing to set aside
    assert location(other.unlock(fresh)) == "/"
    assert [e.body for e in other.entries()] == ["carried over"]


def test_refusals_replace_nothing(web: Web) -> None:
    client = web.unlocked_client()
    web.add_reflection(client, "kept as it is")
    chosen = newest_name(web)
    web.vault.close()  # locked: the files on disk settle
    client = web.client()
    before = folder_state(web)
    cases = [
        (dict(backup=chosen, confirm=False), 400, "tick the box"),
        (dict(backup=chosen, passphrase=""), 400, "type the backup's passphrase"),
        (dict(backup="../../profiles/t/journal.db"), 400, "no longer in the backups folder"),
        (dict(backup=""), 400, "Please choose a backup"),
        (dict(backup="upload", file=b"not a tar at all"), 400, "is not an earned backup"),
        (dict(backup=chosen, passphrase="another passphrase"), 401, "does not open this backup"),
    ]
    for kwargs, status, said in cases:
        r = restore(web, client, **kwargs)  # type: ignore[arg-type]
        assert r.status_code == status, (kwargs, r.status_code, r.text[:300])  # type: ignore[attr-defined]
        assert said in error_text(r), kwargs  # type: ignore[arg-type]
        assert folder_state(web) == before
        assert backups.set_aside(web.profile) == []


def test_a_damaged_backup_file_is_refused_with_its_reason(web: Web) -> None:
    web.unlocked_client()
    [auto] = backups.listed(web.profile)
    data = bytearray(auto.path.read_bytes())
    data[len(data) // 2] ^= 0x10
    client2 = web.client()
    before = folder_state(web)
    r = restore(web, client2, backup="upload", file=bytes(data))
    assert r.status_code == 400  # type: ignore[attr-defined]
    assert "did not survive intact" in error_text(r)  # type: ignore[arg-type]
    assert folder_state(web) == before
    assert web.vault.store is not None  # the open journal was never closed for it


def test_guessing_the_passphrase_through_restore_is_rate_limited(web: Web) -> None:
    web.unlocked_client()
    chosen = newest_name(web)
    client = web.client()
    statuses = [
        restore(web, client, backup=chosen, passphrase=f"guess {i}").status_code  # type: ignore[attr-defined]
        for i in range(8)
    ]
    assert statuses[0] == 401
    assert 429 in statuses
    # Unlock shares the same limit: guesses here count there too.
    r = web.unlock(client, "another guess")
    assert r.status_code == 429


def test_damage_found_while_open_offers_the_restore_page(web: Web) -> None:
    client = web.unlocked_client()
    for i in range(30):
        web.add_reflection(client, f"entry {i} " + "words " * 200)
    store = web.vault.store
    assert store is not None
    store.engine.dispose()  # nothing cached: the next read meets the file as it is on disk
    database = web.profile.database
    with open(database, "r+b") as f:
        size = os.fstat(f.fileno()).st_size
        for offset in range(8192, size - 4096, 4096):
            f.seek(offset + 100)
            f.write(b"\x00" * 64)
    r = client.get("/reflect")
    assert r.status_code == 500
    assert page(r).select("a", href="/restore")
    # And the unlock page, which is where a damaged journal leaves the person, links it too.
    assert page(client.get("/unlock")).select("a", href="/restore")


def test_back_up_now_and_the_data_page_say_where_backups_are(web: Web) -> None:
    client = web.unlocked_client()
    text = page(client.get("/data")).text
    assert str(backups.folder(web.profile)) in text
    assert "1 in all" in text  # today's automatic one
    r = web.post(client, "/data/backup")
    assert r.status_code == 200
    assert "2 in all" in page(r).text
    mine = [b for b in backups.listed(web.profile) if not b.automatic]
    assert len(mine) == 1 and mine[0].path.stat().st_mode & 0o777 == 0o600


def test_back_up_now_into_a_folder_that_cannot_be_written_is_a_clear_message(web: Web) -> None:
    client = web.unlocked_client()
    folder: Path = backups.folder(web.profile)
    for p in folder.iterdir():
        if p.is_dir():
            for q in p.iterdir():
                q.unlink()
            p.rmdir()
        else:
            p.unlink()
    folder.rmdir()
    folder.write_text("a file where the folder goes")
    r = web.post(client, "/data/backup")
    assert r.status_code == 400
    assert "journal is unchanged" in error_text(r)
