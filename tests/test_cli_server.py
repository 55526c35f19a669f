"""`earned server …` (earned/cli/server.py) and `earned serve --database` (server mode in
earned/cli/serve.py): accounts made and reset from the terminal, and a real server with
one and with two worker processes answering sign-ins on PostgreSQL."""

from __future__ import annotations

import http.cookiejar
import re
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from earned.store.server import Server
from earned.store.server import accounts as account_store
from tests.support.cli import call, serving
from tests.support.journals import fresh_pg_database
from tests.support.server import PASSWORD

pytestmark = pytest.mark.usefixtures("no_ambient_secrets")


@pytest.fixture
def database() -> Iterator[str]:
    with fresh_pg_database(kind="cli") as url:
        yield url


@pytest.fixture
def password_file(tmp_path: Path) -> Path:
    path = tmp_path / "password"
    path.write_text(PASSWORD + "\n")
    return path


def test_add_list_reset_and_remove(
    capsys: pytest.CaptureFixture[str], database: str, password_file: Path
) -> None:
    db = ["--database", database]
    added = call(capsys, "server", "add", "Ada", "--password-file", str(password_file), *db)
    assert added.code == 0 and "Added ada" in added.out
    clin = call(capsys, "server", "add", "cleo", "--role", "clinician", "--display-name",
                "Dr Cleo", "--password-file", str(password_file), *db)  # fmt: skip
    assert clin.code == 0
    again = call(capsys, "server", "add", "ada", "--password-file", str(password_file), *db)
    assert again.code != 0 and "already an account called ada" in again.err
    listed = call(capsys, "server", "list", *db)
    assert re.search(r"ada\s+person", listed.out) and "Dr Cleo" in listed.out
    server = Server.open(database, pool_size=1)
    try:
        assert "journal_1" in server.journal_schemas()
        new = password_file.parent / "new"
        new.write_text(PASSWORD + " renewed\n")
        reset = call(capsys, "server", "password", "ada", "--password-file", str(new), *db)
        assert reset.code == 0
        with server.session() as s:
            found = account_store.by_name(session=s, name="ada")
            assert found is not None
            assert account_store.check_password(
                session=s, account_id=found.id, password=PASSWORD + " renewed"
            )
        gone = call(capsys, "server", "remove", "ada", *db)
        assert gone.code == 0 and "their journal" in gone.out
        assert server.journal_schemas() == []
    finally:
        server.close()
    missing = call(capsys, "server", "password", "nobody", "--password-file", str(new), *db)
    assert missing.code == 2 and "no account called nobody" in missing.err


def test_a_weak_password_and_a_missing_database_are_clear(
    capsys: pytest.CaptureFixture[str],
    database: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    weak = tmp_path / "weak"
    weak.write_text("password\n")
    said = call(
        capsys, "server", "add", "ada", "--password-file", str(weak), "--database", database
    )
    assert said.code != 0 and "guessed" in said.err
    monkeypatch.delenv("EARNED_DATABASE_URL", raising=False)
    none = call(capsys, "server", "list")
    assert none.code == 2 and "--database" in none.err
    sqlite = call(capsys, "server", "list", "--database", "sqlite:///x.db")
    assert sqlite.code == 2 and "PostgreSQL" in sqlite.err


def _sign_in(url: str, name: str) -> int:
    """A browser's sign-in through the real server: login page, its CSRF cookie, the form."""
    jar = http.cookiejar.CookieJar()

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args: object, **kwargs: object) -> None:
            return None

    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect)
    with opener.open(url + "login", timeout=20) as page:
        html = page.read().decode()
    token = re.search(r'name="csrf" value="([^"]+)"', html)
    assert token is not None
    form = urllib.parse.urlencode(
        {"csrf": token.group(1), "name": name, "password": PASSWORD}
    ).encode()
    try:
        with opener.open(urllib.request.Request(url + "login", data=form), timeout=20) as done:
            return int(done.status)
    except urllib.error.HTTPError as exc:
        return int(exc.code)


@pytest.mark.parametrize("workers", ["1", "2"])
def test_the_server_signs_people_in_on_any_worker(
    capsys: pytest.CaptureFixture[str], database: str, password_file: Path, workers: str
) -> None:
    for name in ("ada", "ben"):
        made = call(capsys, "server", "add", name, "--password-file", str(password_file),
                    "--database", database)  # fmt: skip
        assert made.code == 0
    key_file = password_file.parent / "keys.json"
    assert call(capsys, "server", "new-key", "--key-file", str(key_file)).code == 0
    argv = ("--port", "0", "--database", database, "--key-file", str(key_file))
    with serving(
        *argv, "--workers", workers, says="earned (server mode) is running at ", wait=60
    ) as (url, _proc):
        # Several fresh browsers: with two workers, sign-ins land on both.
        assert [_sign_in(url, name) for name in ("ada", "ben", "ada", "ben")] == [303] * 4


def test_serve_refuses_workers_without_a_database(capsys: pytest.CaptureFixture[str]) -> None:
    said = call(capsys, "serve", "--workers", "2")
    assert said.code == 2 and "server mode" in said.err


def test_a_server_without_its_key_ring_does_not_start(
    capsys: pytest.CaptureFixture[str], database: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("EARNED_SERVER_KEYS", raising=False)
    said = call(capsys, "serve", "--port", "0", "--database", database)
    assert said.code != 0 and "key ring" in said.err and "Nothing was started" in said.err
