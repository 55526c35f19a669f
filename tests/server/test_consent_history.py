"""The history of consent in server mode (earned/consent.py, store/server/sharing.py, the
table sharing_events): when sharing with a clinician began, changed and stopped is written
in the same transaction as the change (a change that changes nothing writes nothing),
outlives the clinician's account and goes with the person's, is read a page at a time,
and is shown to the person, and only to them, on /sharing/log and in every export format,
on their own clock."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from earned import consent, zones
from earned.accounts import Account
from earned.reports import sharing as report
from earned.store import settings
from earned.store.server import Server, sharing
from earned.store.server import accounts as account_store
from earned.store.server.models import CareLinkRow, SharingEventRow
from tests.support.cli import call
from tests.support.html import page
from tests.support.journals import fresh_pg_database
from tests.support.server import PASSWORD, ServerWeb

T0 = datetime(2026, 11, 3, 9, 0, tzinfo=UTC)
ZONE = "Pacific/Auckland"  # 13 hours ahead of the server's UTC in November, on purpose


# --- the store, with frozen times ----------------------------------------------------------


def _account(server: Server, name: str, role: str = "person", shown: str | None = None) -> Account:
    with server.session() as s:
        return account_store.create(
            session=s, name=name, role=role, password=PASSWORD, display_name=shown, now=T0
        )


def _join(server: Server, person: Account, clinician: Account, at: datetime, *cats: str) -> None:
    with server.session() as s:
        code = sharing.invite(session=s, person_id=person.id, categories=frozenset(cats), now=at)
    with server.session() as s:
        sharing.accept(session=s, clinician=clinician, code=code, now=at)


def _change(server: Server, person: Account, clinician: Account, at: datetime, *cats: str) -> None:
    with server.session() as s:
        sharing.set_categories(
            session=s,
            person_id=person.id,
            clinician_id=clinician.id,
            categories=frozenset(cats),
            now=at,
        )


def _stop(server: Server, person: Account, clinician: Account, at: datetime) -> None:
    with server.session() as s:
        sharing.revoke(session=s, person_id=person.id, clinician_id=clinician.id, now=at)


def _rows(server: Server, person_id: int) -> list[tuple[Any, ...]]:
    with server.session() as s:
        found = s.scalars(
            select(SharingEventRow)
            .where(SharingEventRow.person_id == person_id)
            .order_by(SharingEventRow.id)
        )
        return [(r.kind, r.clinician_id, r.clinician_name, r.categories, r.at) for r in found]


def test_began_changed_and_stopped_are_kept_with_what_was_shared_and_when(
    server: Server,
) -> None:
    ada, ben = _account(server, "ada"), _account(server, "ben")
    lee = _account(server, "lee", "clinician", "Dr Lee")
    _join(server, ada, lee, T0, "progress", "results")
    _change(server, ada, lee, T0 + timedelta(days=17), "results")
    _change(server, ada, lee, T0 + timedelta(days=18), "results")  # the same: no trace
    _join(server, ben, lee, T0 + timedelta(days=19), "journal")  # Ben's, not Ada's
    _stop(server, ada, lee, T0 + timedelta(days=25))
    _stop(server, ada, lee, T0 + timedelta(days=26))  # nothing left to stop: no trace
    assert _rows(server, ada.id) == [
        (consent.BEGAN, lee.id, "Dr Lee", ["progress", "results"], T0),
        (consent.CHANGED, lee.id, "Dr Lee", ["results"], T0 + timedelta(days=17)),
        (consent.STOPPED, lee.id, "Dr Lee", [], T0 + timedelta(days=25)),
    ]
    assert _rows(server, ben.id) == [
        (consent.BEGAN, lee.id, "Dr Lee", ["journal"], T0 + timedelta(days=19)),
    ]
    with server.session() as s:
        assert sharing.link(session=s, person_id=ada.id, clinician_id=lee.id) is None


def test_a_second_invite_to_the_same_clinician_changes_only_what_it_adds(server: Server) -> None:
    ada = _account(server, "ada")
    lee = _account(server, "lee", "clinician", "Dr Lee")
    _join(server, ada, lee, T0, "results")
    _join(server, ada, lee, T0 + timedelta(days=1), "results")  # nothing new: no trace
    _join(server, ada, lee, T0 + timedelta(days=2), "moments")
    assert [(kind, cats, at) for kind, _, _, cats, at in _rows(server, ada.id)] == [
        (consent.BEGAN, ["results"], T0),
        (consent.CHANGED, ["moments", "results"], T0 + timedelta(days=2)),
    ]


def test_the_event_and_the_change_are_one_transaction(server: Server) -> None:
    ada = _account(server, "ada")
    lee = _account(server, "lee", "clinician", "Dr Lee")
    _join(server, ada, lee, T0, "results")
    with pytest.raises(RuntimeError), server.session() as s:
        sharing.set_categories(
            session=s,
            person_id=ada.id,
            clinician_id=lee.id,
            categories=frozenset({"journal"}),
            now=T0 + timedelta(days=1),
        )
        sharing.revoke(session=s, person_id=ada.id, clinician_id=lee.id, now=T0)
        raise RuntimeError("the request fails after the change")
    assert [kind for kind, *_ in _rows(server, ada.id)] == [consent.BEGAN]  # neither was kept
    with server.session() as s:
        found = sharing.link(session=s, person_id=ada.id, clinician_id=lee.id)
    assert found is not None and found.categories == {"results"}


def test_the_history_is_read_newest_first_a_page_at_a_time(server: Server) -> None:
    ada, ben = _account(server, "ada"), _account(server, "ben")
    lee = _account(server, "lee", "clinician", "Dr Lee")
    _join(server, ada, lee, T0, "results")
    for day in range(1, consent.EVENTS_PAGE + 5):  # alternate, so each one changes something
        _change(server, ada, lee, T0 + timedelta(days=day), *(["journal"] if day % 2 else []))
    _join(server, ben, lee, T0 + timedelta(days=99), "results")  # newer than all of Ada's
    # Two of Ada's at one instant: the later-written one first.
    _stop(server, ada, lee, T0 + timedelta(days=50))
    _join(server, ada, lee, T0 + timedelta(days=50), "prep")
    every = _rows(server, ada.id)
    with server.session() as s:
        first = sharing.events(session=s, person_id=ada.id)
        rest = sharing.events(session=s, person_id=ada.id, before=first[-1][0])
        [(bens, _)] = sharing.events(session=s, person_id=ben.id)
        # Another person's event as the page's start is no start: Ada's newest again.
        stray = sharing.events(session=s, person_id=ada.id, before=bens)
    assert len(first) == consent.EVENTS_PAGE and len(first) + len(rest) == len(every)
    shown = [e for _, e in first + rest]
    assert [e.at for e in shown] == sorted((r[-1] for r in every), reverse=True)
    assert [(e.kind, e.categories) for e in shown[:2]] == [
        (consent.BEGAN, {"prep"}), (consent.STOPPED, frozenset()),
    ]  # fmt: skip
    assert {e.clinician for e in shown} == {"Dr Lee"}
    assert [i for i, _ in stray] == [i for i, _ in first]


def test_the_page_of_history_is_read_by_its_index(server: Server) -> None:
    """The log's query walks the index on (person_id, at), not the whole table."""
    with server.engine.begin() as conn:
        conn.exec_driver_sql("SET LOCAL enable_seqscan = off")
        plan = "\n".join(
            str(row[0])
            for row in conn.exec_driver_sql(
                "EXPLAIN SELECT * FROM earned_server.sharing_events WHERE person_id = 1 "
                "ORDER BY at DESC, id DESC LIMIT 20"
            )
        )
    assert "ix_sharing_events_person_at" in plan


def test_an_older_servers_links_keep_when_they_began_after_the_upgrade() -> None:
    """A server at s0001 has care links and no history: the upgrade writes when each began
    (care_links.since), with what it shares, so a later stop does not lose that date."""
    from alembic import command
    from alembic.config import Config
    from sqlalchemy import create_engine
    from sqlalchemy.pool import NullPool

    import earned.store.server as server_module

    with fresh_pg_database(kind="server") as url:
        engine = create_engine(url, poolclass=NullPool)
        with engine.begin() as conn:
            conn.exec_driver_sql("CREATE SCHEMA earned_server")
            cfg = Config()
            cfg.set_main_option(
                "script_location", str(Path(server_module.__file__).with_name("migrations"))
            )
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "s0001")
            for n, (name, role) in enumerate((("ada", "person"), ("lee", "clinician")), 1):
                conn.exec_driver_sql(
                    "INSERT INTO earned_server.accounts (id, name, role, display_name, "
                    "password_hash, failed_logins, created_at) "
                    f"VALUES ({n}, '{name}', '{role}', 'Dr {name}', 'x', 0, '{T0.isoformat()}')"
                )
            conn.exec_driver_sql(
                "INSERT INTO earned_server.care_links (person_id, clinician_id, categories, "
                f"since) VALUES (1, 2, '[\"results\"]', '{T0.isoformat()}')"
            )
        engine.dispose()
        upgraded = Server.open(url, pool_size=1)
        try:
            with upgraded.session() as s:
                found = sharing.events(session=s, person_id=1)
        finally:
            upgraded.close()
    assert [e for _, e in found] == [
        consent.Event(T0, "Dr lee", consent.BEGAN, frozenset({"results"}))
    ]


# --- through the server-mode app --------------------------------------------------------------


def _history(browser: TestClient, address: str = "/sharing/log") -> list[str]:
    shown = browser.get(address)
    assert shown.status_code == 200
    return [li.text for li in page(shown).select("li.change")]


def _events(srv: ServerWeb, person_id: int) -> list[SharingEventRow]:
    with srv.server.session() as s:
        return list(
            s.scalars(
                select(SharingEventRow)
                .where(SharingEventRow.person_id == person_id)
                .order_by(SharingEventRow.id)
            )
        )


def _on_clock(at: datetime, fmt: str = "%-d %b %Y, %H:%M") -> str:
    return at.astimezone(ZoneInfo(ZONE)).strftime(fmt)


@pytest.fixture
def ada(srv: ServerWeb) -> Account:
    made = srv.add("ada", display_name="Ada")
    with srv.journal(made).session() as s:
        settings.set_setting(session=s, key=zones.SETTING, value=ZONE)
    return made


def test_the_log_shows_the_history_newest_first_on_the_persons_clock(
    srv: ServerWeb, ada: Account
) -> None:
    lee = srv.add("lee", "clinician", display_name="Dr Lee")
    ben_account = srv.add("ben", display_name="Ben")
    srv.add("bram", "clinician", display_name="Dr Bram")
    person = srv.signed_in("ada")
    assert _history(person) == []
    assert "not shared with a clinician yet" in person.get("/sharing/log").text
    srv.join("lee", srv.invite(person, "results", "progress"))
    srv.post(person, f"/sharing/{lee.id}", {"share_results": "1"})
    srv.post(person, f"/sharing/{lee.id}", {"share_results": "1"})  # saved again, unchanged
    srv.post(person, f"/sharing/{lee.id}/stop")
    ben = srv.signed_in("ben")
    srv.join("bram", srv.invite(ben, "journal"))
    began, changed, stopped = _events(srv, ada.id)
    assert [began.kind, changed.kind, stopped.kind] == list(consent.EVENT_KINDS)
    assert (began.categories, changed.categories, stopped.categories) == (
        ["progress", "results"], ["results"], [],
    )  # fmt: skip
    assert _history(person) == [
        f"{_on_clock(stopped.at)} Stopped sharing with Dr Lee",
        f"{_on_clock(changed.at)} Changed what Dr Lee sees to results",
        f"{_on_clock(began.at)} Began sharing results and progress signs with Dr Lee",
    ]
    # Ben sees his own history (on his clock: he chose no zone, so UTC), none of Ada's;
    # Ada none of his.
    assert _history(ben) == [
        f"{e.at.astimezone(UTC):%-d %b %Y, %H:%M} Began sharing journal writing with Dr Bram"
        for e in _events(srv, ben_account.id)
    ]
    assert "Dr Bram" not in person.get("/sharing/log").text
    # The account page links to it.
    account = page(person.get("/account"))
    assert any(a.get("href") == "/sharing/log#changes-title" for a in account.select("a"))


def test_the_log_pages_through_a_long_history(srv: ServerWeb, ada: Account) -> None:
    lee = srv.add("lee", "clinician", display_name="Dr Lee")
    person = srv.signed_in("ada")
    srv.join("lee", srv.invite(person, "results"))
    for n in range(consent.EVENTS_PAGE + 2):
        chosen = {"share_results": "1"} | ({"share_moments": "1"} if n % 2 == 0 else {})
        assert srv.post(person, f"/sharing/{lee.id}", chosen).status_code == 303
    stored = len(_events(srv, ada.id))
    assert stored == consent.EVENTS_PAGE + 3
    shown = page(person.get("/sharing/log"))
    first = [li.text for li in shown.select("li.change")]
    assert len(first) == consent.EVENTS_PAGE
    [earlier] = [a.get("href") or "" for a in shown.select("a") if a.text == "Earlier changes"]
    rest = _history(person, earlier)
    assert len(rest) == stored - consent.EVENTS_PAGE
    assert rest[-1].endswith("Began sharing results with Dr Lee")
    # The account page says since when on the person's clock (the day may not be UTC's).
    began = _events(srv, ada.id)[0]
    hint = f"sharing since {_on_clock(began.at, '%-d %b %Y')}"
    assert hint in page(person.get("/account")).text


def test_a_clinicians_removed_account_leaves_the_persons_history(
    srv: ServerWeb, ada: Account, capsys: pytest.CaptureFixture[str]
) -> None:
    """Dr Lee never looked: before, stopping left no trace at all. Now the history keeps
    when it began and when it stopped, by name, after the account is gone."""
    lee = srv.add("lee", "clinician", display_name="Dr Lee")
    person = srv.signed_in("ada")
    srv.join("lee", srv.invite(person, "results"))
    gone = call(capsys, "server", "remove", "lee", "--database", srv.url)
    assert gone.code == 0, gone.err
    rows = _events(srv, ada.id)
    assert [(r.kind, r.clinician_id, r.clinician_name) for r in rows] == [
        (consent.BEGAN, None, "Dr Lee"), (consent.STOPPED, None, "Dr Lee"),
    ]  # fmt: skip
    with srv.server.session() as s:
        assert s.get(CareLinkRow, (ada.id, lee.id)) is None
    assert _history(person)[0].endswith("Stopped sharing with Dr Lee")
    shared = json.loads(person.get("/data/export.json").content)[report.KEY]
    assert [(c["clinician"], c["sharing_now"]) for c in shared["clinicians"]] == [("Dr Lee", False)]
    assert [c["change"] for c in shared["changes"]] == [consent.BEGAN, consent.STOPPED]


def test_deleting_everything_takes_the_persons_history_and_no_one_elses(
    srv: ServerWeb, ada: Account
) -> None:
    srv.add("lee", "clinician", display_name="Dr Lee")
    ben = srv.add("ben", display_name="Ben")
    person, bens = srv.signed_in("ada"), srv.signed_in("ben")
    srv.join("lee", srv.invite(person, "results"))
    srv.join("lee", srv.invite(bens, "results"))
    assert len(_events(srv, ada.id)) == len(_events(srv, ben.id)) == 1
    done = srv.post(person, "/data/delete", {"confirm": "DELETE", "passphrase": PASSWORD})
    assert done.status_code == 303
    with srv.server.session() as s:
        left = s.scalar(
            select(func.count())
            .select_from(SharingEventRow)
            .where(SharingEventRow.person_id == ada.id)
        )
    assert left == 0
    assert [r.clinician_name for r in _events(srv, ben.id)] == ["Dr Lee"]


def test_every_export_format_carries_the_persons_own_history(srv: ServerWeb, ada: Account) -> None:
    lee = srv.add("lee", "clinician", display_name="Dr Lee")
    srv.add("ben", display_name="Ben")
    srv.add("bram", "clinician", display_name="Dr Bram")
    person = srv.signed_in("ada")
    srv.join("lee", srv.invite(person, "results", "progress"))
    srv.post(person, f"/sharing/{lee.id}", {"share_results": "1"})
    srv.post(person, f"/sharing/{lee.id}/stop")
    srv.join("bram", srv.invite(srv.signed_in("ben"), "journal"))
    rows = _events(srv, ada.id)
    # JSON: the stored values, oldest first; the note no longer says the times are not kept.
    shared = json.loads(person.get("/data/export.json").content)[report.KEY]
    assert "not when" not in shared["note"] and "began, changed and stopped" in shared["note"]
    assert shared["changes"] == [
        {
            "at": r.at.isoformat(),
            "clinician": "Dr Lee",
            "change": r.kind,
            "categories": [k for k in consent.CATEGORIES if k in r.categories],
        }
        for r in rows
    ]
    # CSV: one more table, the same rows.
    with zipfile.ZipFile(io.BytesIO(person.get("/data/export.zip").content)) as z:
        name, columns = report.FILES["changes"]
        table = list(csv.DictReader(io.StringIO(z.read(name).decode("utf-8"))))
        assert tuple(z.read(name).decode("utf-8").splitlines()[0].split(",")) == columns
    assert [(r["change"], r["categories"], r["clinician"]) for r in table] == [
        ("began", "results; progress", "Dr Lee"), ("changed", "results", "Dr Lee"),
        ("stopped", "", "Dr Lee"),
    ]  # fmt: skip
    # Markdown: the sentences, on Ada's clock.
    text = person.get("/data/export.md").content.decode("utf-8")
    part = text[text.index("### When sharing began") : text.index("### Every look")]
    stamp = [
        f"{at:%a} {at.day} {at:%b %Y, %H:%M}"
        for at in (r.at.astimezone(ZoneInfo(ZONE)) for r in rows)
    ]
    assert [ln for ln in part.splitlines() if ln.startswith("- ")] == [
        f"- {stamp[0]}: Began sharing results and progress signs with Dr Lee",
        f"- {stamp[1]}: Changed what Dr Lee sees to results",
        f"- {stamp[2]}: Stopped sharing with Dr Lee",
    ]
    # Ben's history is never in Ada's export.
    with zipfile.ZipFile(io.BytesIO(person.get("/data/export.zip").content)) as z:
        unzipped = b"".join(z.read(n) for n in z.namelist())
    for body in (person.get("/data/export.json").content, unzipped, text.encode()):
        assert b"Dr Bram" not in body and b"journal writing" not in body


def test_a_clinicians_name_is_shown_as_words_never_as_markup(srv: ServerWeb, ada: Account) -> None:
    named = '"><script>alert(1)</script>'
    srv.add("lee", "clinician", display_name=named)
    person = srv.signed_in("ada")
    srv.join("lee", srv.invite(person, "results"))
    shown = person.get("/sharing/log").text
    assert "<script>alert(1)" not in shown
    assert "with &#34;&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in shown
