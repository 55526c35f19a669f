"""The server's database (earned.store.server): its own migrations against its models, a
journal schema per person made by the journal's migrations, Stores that see only their
own schema, and the account, session and sharing rules as stored."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text

from earned import accounts, consent
from earned.errors import EarnedError
from earned.store import entries, schema, settings
from earned.store.models import Base
from earned.store.server import Server, journal_schema, logins, sharing
from earned.store.server import accounts as account_store
from earned.store.server.models import ServerBase
from tests.support.server import PASSWORD

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def _differences(server: Server, metadata: object, schema_name: str) -> list[object]:
    """Alembic's comparison of `metadata` with the database: the server's schema by name,
    a journal's through its search_path (its tables name no schema, as in personal mode)."""
    with server.engine.connect() as conn:
        opts: dict[str, object] = {"compare_type": True, "compare_server_default": True}
        if schema_name == "earned_server":
            opts["include_schemas"] = True
            # The server's schema only, and not Alembic's own version table in it.
            opts["include_name"] = lambda name, kind, _parent: (
                name == "earned_server" if kind == "schema" else name != "alembic_version"
            )
        else:
            conn.exec_driver_sql(f'SET search_path TO "{schema_name}"')
        context = MigrationContext.configure(conn, opts=opts)
        return list(compare_metadata(context, metadata))  # type: ignore[arg-type]


def test_the_server_migrations_make_exactly_the_models(server: Server) -> None:
    assert _differences(server, ServerBase.metadata, "earned_server") == []


def test_a_persons_journal_schema_is_the_journal_exactly(server: Server) -> None:
    with server.session() as s:
        ada = account_store.create(session=s, name="ada", role="person", password=PASSWORD, now=T0)
    server.create_journal(ada.id)
    assert _differences(server, Base.metadata, journal_schema(ada.id)) == []
    with server.engine.connect() as conn:
        version = conn.exec_driver_sql(
            f'SELECT version_num FROM "{journal_schema(ada.id)}".alembic_version'
        ).scalar()
        tables = set(inspect(conn).get_table_names(schema=journal_schema(ada.id)))
    assert version == schema.HEAD
    assert set(Base.metadata.tables) <= tables
    # Made again (a second worker, a retry): nothing changes, nothing fails.
    server.create_journal(ada.id)


def test_each_store_sees_only_its_own_journal(server: Server) -> None:
    with server.session() as s:
        ada = account_store.create(session=s, name="ada", role="person", password=PASSWORD, now=T0)
        ben = account_store.create(session=s, name="ben", role="person", password=PASSWORD, now=T0)
    a, b = server.create_journal(ada.id), server.create_journal(ben.id)
    with a.session() as s:
        written = entries.add_entry(session=s, kind="origin", prompt=None, body="ada's", now=T0)
        settings.set_setting(session=s, key="zone", value="Europe/Paris")
    with b.session() as s:
        assert entries.list_entries(session=s) == []
        assert settings.get_setting(session=s, key="zone") is None
        with pytest.raises(EarnedError):
            entries.get_entry(session=s, entry_id=written.id)
        # Nor can SQL in a person's transaction reach the server's tables unqualified.
        with pytest.raises(Exception, match="accounts"):
            s.execute(text("SELECT count(*) FROM accounts"))
    # The pooled connection carries no schema over to the next transaction.
    with server.engine.connect() as conn:
        assert conn.exec_driver_sql("SHOW search_path").scalar() == '"$user", public'


def test_removing_a_person_takes_their_journal_and_sharing(server: Server) -> None:
    with server.session() as s:
        ada = account_store.create(session=s, name="ada", role="person", password=PASSWORD, now=T0)
        cleo = account_store.create(
            session=s, name="cleo", role="clinician", password=PASSWORD, now=T0
        )
        code = sharing.invite(session=s, person_id=ada.id, categories=frozenset({"results"}),
                              now=T0)  # fmt: skip
        sharing.accept(session=s, clinician=cleo, code=code, now=T0)
    server.create_journal(ada.id)
    server.remove_person(ada.id)
    assert journal_schema(ada.id) not in server.journal_schemas()
    with server.session() as s:
        assert account_store.get(session=s, account_id=ada.id) is None
        assert sharing.caseload(session=s, clinician_id=cleo.id) == []


def test_wrong_passwords_count_and_rest_then_a_new_password_ends_it(server: Server) -> None:
    with server.session() as s:
        account_store.create(session=s, name="Sam", role="person", password=PASSWORD, now=T0)
    for n in range(1, accounts.FREE_TRIES + 2):
        with server.session() as s:
            said = account_store.sign_in(session=s, name="sam", password="wrong", code="", now=T0)
        assert isinstance(said, EarnedError)
    assert said.status == 429
    with server.session() as s:
        resting = account_store.sign_in(session=s, name="sam", password=PASSWORD, code="", now=T0)
    assert isinstance(resting, EarnedError) and resting.status == 429
    later = T0 + accounts.REST + timedelta(seconds=1)
    with server.session() as s:
        back = account_store.sign_in(session=s, name="sam", password=PASSWORD, code="", now=later)
    assert not isinstance(back, EarnedError) and back.failed_logins == 0


def test_sessions_idle_out_and_live_at_most_their_longest(server: Server) -> None:
    with server.session() as s:
        sam = account_store.create(session=s, name="sam", role="person", password=PASSWORD, now=T0)
        token, csrf = logins.start(session=s, account_id=sam.id, now=T0)
    step = accounts.IDLE - timedelta(minutes=1)
    now = T0
    while now - T0 < accounts.LONGEST - step:
        now += step
        with server.session() as s:
            found = logins.find(session=s, token=token, now=now)
        assert found is not None and found[1] == csrf
    with server.session() as s:
        assert logins.find(session=s, token=token, now=T0 + accounts.LONGEST + step) is None
        assert logins.find(session=s, token=token + "x", now=T0) is None


def test_an_invite_code_works_once_before_it_expires(server: Server) -> None:
    with server.session() as s:
        ada = account_store.create(session=s, name="ada", role="person", password=PASSWORD, now=T0)
        cleo = account_store.create(
            session=s, name="cleo", role="clinician", password=PASSWORD, now=T0
        )
        dev = account_store.create(
            session=s, name="dev", role="clinician", password=PASSWORD, now=T0
        )
        code = sharing.invite(session=s, person_id=ada.id, categories=frozenset({"results"}),
                              now=T0)  # fmt: skip
        late = sharing.invite(session=s, person_id=ada.id, categories=frozenset({"journal"}),
                              now=T0)  # fmt: skip
    with server.session() as s:
        typed = code.lower().replace("-", " ")  # as read aloud and typed on a phone
        assert sharing.accept(session=s, clinician=cleo, code=typed, now=T0).id == ada.id
    with server.session() as s, pytest.raises(EarnedError, match="used or has expired"):
        sharing.accept(session=s, clinician=dev, code=code, now=T0)
    with server.session() as s, pytest.raises(EarnedError, match="used or has expired"):
        sharing.accept(session=s, clinician=dev, code=late, now=T0 + consent.INVITE_LIFE)
    with server.session() as s:
        found = sharing.link(session=s, person_id=ada.id, clinician_id=cleo.id)
        assert found is not None and found.categories == {"results"}
        assert sharing.link(session=s, person_id=ada.id, clinician_id=dev.id) is None
