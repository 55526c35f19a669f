"""`earned server new-key` and `earned server rotate-key`: the server key ring file, and a
real PostgreSQL database re-sealed under a new key, stopped and resumed, its old keys
retired only when nothing uses them."""

from __future__ import annotations

import json
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from earned.store import Store, fields, reseal
from earned.store.server import Server
from earned.store.server import accounts as account_store
from tests.support import T0
from tests.support.cli import Run
from tests.support.sealed import imported, raw
from tests.support.server import PASSWORD

pytestmark = pytest.mark.usefixtures("no_ambient_secrets")


def key_ids(stores: list[Store]) -> set[str | None]:
    """The key ids every sealed value of these journals is under, read from the raw rows."""
    found: set[str | None] = set()
    for store in stores:
        for sealed in reseal.sealed_columns():
            for _i, value in raw(store, sealed.table.name, sealed.column.name):
                if value not in (None, "null"):
                    assert value is not None
                    found.add(fields.key_id_of(value.strip('"') if sealed.json else value))
    return found


def snapshot(store: Store) -> dict[str, Any]:
    from earned.reports import export

    with store.session() as s:
        snap = export.snapshot(session=s)
    return {k: v for k, v in snap.items() if k != "exported_at"}


@pytest.fixture
def key_file(tmp_path: Path, run: Run) -> Path:
    path = tmp_path / "server-keys.json"
    done = run("server", "new-key", "--key-file", str(path), passphrase=None)
    assert done.code == 0, done.err
    return path


@pytest.fixture
def database(pg_database: str, key_file: Path) -> Iterator[tuple[str, list[Store], dict[str, Any]]]:
    """A server database with two people's journals, each holding the demo journal sealed
    under the first key (and under its own owner, as Store.session names it)."""
    server = Server.open(pg_database, pool_size=2)
    try:
        with server.session() as s:
            people = [
                account_store.create(session=s, name=name, role="person", password=PASSWORD, now=T0)
                for name in ("ada", "ben")
            ]
        stores = [server.create_journal(p.id) for p in people]
        with fields.installed(fields.read_file(key_file)):
            words = imported(stores[0])
            assert imported(stores[1]) == words
        yield pg_database, stores, words
    finally:
        server.close()


def test_new_key_makes_a_private_ring_and_never_overwrites_it(key_file: Path, run: Run) -> None:
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    ring = fields.read_file(key_file)
    assert len(ring.keys) == 1
    again = run("server", "new-key", "--key-file", str(key_file), passphrase=None)
    assert again.code == 1 and "not overwritten" in again.err
    assert fields.read_file(key_file) == ring


@pytest.mark.postgres
def test_rotate_key_reseals_everything_and_retires_the_old_key(
    key_file: Path, database: tuple[str, list[Store], dict[str, Any]], run: Run
) -> None:
    url, stores, words = database
    first = fields.read_file(key_file)
    assert key_ids(stores) == {first.current}
    done = run(
        "server", "rotate-key", "--key-file", str(key_file), "--database", url,
        "--batch", "40", passphrase=None,
    )  # fmt: skip
    assert done.code == 0, done.err
    second = fields.read_file(key_file)
    assert second.old_ids() == [first.current] and second.current != first.current
    assert f"Added key {second.current}" in done.out
    assert key_ids(stores) == {second.current}
    assert "in 2 journals" in done.out
    with fields.installed(second.only_current()):
        assert all(snapshot(store) == words for store in stores)
    retired = run(
        "server", "rotate-key", "--key-file", str(key_file), "--database", url,
        "--resume", "--retire-old", passphrase=None,
    )  # fmt: skip
    assert retired.code == 0, retired.err
    assert f"Retired {first.current}" in retired.out
    assert fields.read_file(key_file) == second.only_current()
    assert sorted(json.loads(key_file.read_text())["keys"]) == [second.current]


@pytest.mark.postgres
def test_retire_old_refuses_while_a_value_still_uses_an_old_key(
    key_file: Path,
    database: tuple[str, list[Store], dict[str, Any]],
    run: Run,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    url, stores, _words = database
    first = fields.read_file(key_file)
    # A server still running with the old ring keeps sealing under the old key: here,
    # everything it wrote is still under it when the check runs.
    monkeypatch.setattr(reseal, "reseal", lambda *a, **k: reseal.Resealed())
    refused = run(
        "server", "rotate-key", "--key-file", str(key_file), "--database", url,
        "--retire-old", passphrase=None,
    )  # fmt: skip
    assert refused.code == 1
    assert "The older keys were kept" in refused.err and "values still use them" in refused.err
    ring = fields.read_file(key_file)
    assert ring.old_ids() == [first.current]  # the new key was added; nothing retired
    assert key_ids(stores) == {first.current}


@pytest.mark.postgres
def test_a_stopped_rotation_resumes_without_adding_another_key(
    key_file: Path,
    database: tuple[str, list[Store], dict[str, Any]],
    run: Run,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    url, stores, words = database
    real = reseal.reseal

    def stopped_after_one_batch(*args: Any, **kwargs: Any) -> reseal.Resealed:
        def interrupt(_done: reseal.Resealed) -> None:
            raise KeyboardInterrupt

        return real(*args, **kwargs, after_batch=interrupt)

    monkeypatch.setattr(reseal, "reseal", stopped_after_one_batch)
    stopped = run(
        "server", "rotate-key", "--key-file", str(key_file), "--database", url,
        "--batch", "30", passphrase=None,
    )  # fmt: skip
    assert stopped.code == 130 and "Stopped" in stopped.err
    ring = fields.read_file(key_file)
    assert len(ring.keys) == 2
    assert key_ids(stores) == {ring.current, *ring.old_ids()}  # half and half
    with fields.installed(ring):
        assert all(snapshot(store) == words for store in stores)
    monkeypatch.setattr(reseal, "reseal", real)
    resumed = run(
        "server", "rotate-key", "--key-file", str(key_file), "--database", url, "--resume",
        passphrase=None,
    )  # fmt: skip
    assert resumed.code == 0, resumed.err
    assert fields.read_file(key_file) == ring  # no third key
    assert key_ids(stores) == {ring.current}


def test_a_key_file_others_can_read_is_refused(key_file: Path, run: Run) -> None:
    key_file.chmod(0o640)
    done = run(
        "server", "rotate-key", "--key-file", str(key_file), "--database",
        "postgresql+psycopg://nobody@127.0.0.1:1/none", passphrase=None,
    )  # fmt: skip
    assert done.code == 1 and "must be 0600" in done.err
    key_file.chmod(0o600)
    assert len(fields.read_file(key_file).keys) == 1  # no key was added
    batch = run(
        "server", "rotate-key", "--key-file", str(key_file), "--database", "x", "--batch", "0",
        passphrase=None,
    )  # fmt: skip
    assert batch.code == 2 and "--batch" in batch.err
    nowhere = run(
        "server", "rotate-key", "--key-file", str(key_file), "--database",
        "postgresql+psycopg://nobody@127.0.0.1:1/none", passphrase=None,
    )  # fmt: skip
    assert nowhere.code != 0 and "Could not open the server database" in nowhere.err
    assert len(fields.read_file(key_file).keys) == 1
