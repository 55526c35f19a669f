"""Delete everything in server mode (earned.web.routes.data): the person's password and the
typed word, then their journal schema and account go together; anything less deletes
nothing."""

from __future__ import annotations

from earned.store.schemas import journal_schema
from tests.support.server import PASSWORD, ServerWeb
from tests.support.web import error_text, location


def test_delete_everything_needs_the_password_then_takes_journal_and_account(
    srv: ServerWeb,
) -> None:
    ada = srv.add("ada")
    srv.add("ben")
    person = srv.signed_in("ada")
    srv.post(person, "/moment", {"intensity": "5"})
    unsure = srv.post(person, "/data/delete", {"confirm": "delete", "passphrase": PASSWORD})
    assert unsure.status_code == 400 and "type DELETE" in error_text(unsure)
    wrong = srv.post(person, "/data/delete", {"confirm": "DELETE", "passphrase": "not mine"})
    assert wrong.status_code == 400 and "Nothing was deleted" in error_text(wrong)
    assert journal_schema(ada.id) in srv.server.journal_schemas()
    done = srv.post(person, "/data/delete", {"confirm": "DELETE", "passphrase": PASSWORD})
    assert location(done) == "/login?deleted=1"
    assert srv.server.journal_schemas() == [journal_schema(ada.id + 1)]  # ben's is kept
    again = srv.sign_in(srv.client(), "ada")
    assert again.status_code == 400  # the account is gone
    assert location(person.get("/")) == "/login"
