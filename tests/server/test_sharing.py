"""Sharing in server mode, page by page (earned.web.routes.sharing and clinic): the invite
code, what a clinician sees per category, the log of looks, suggestions on the person's
home page, and a risky PHQ-9 answer flagged on the caseload."""

from __future__ import annotations

from datetime import UTC, datetime

from earned import consent
from tests.support.html import page
from tests.support.server import ServerWeb
from tests.support.web import error_text, location


def test_an_invite_shares_only_what_was_ticked(srv: ServerWeb) -> None:
    ada = srv.add("ada", display_name="Ada")
    srv.add("cleo", "clinician", display_name="Dr Cleo")
    person = srv.signed_in("ada")
    srv.post(person, "/moment", {"intensity": "7"})
    code = srv.invite(person, "results")
    assert consent.normal_code(code) == code
    nothing = srv.post(person, "/sharing/invite", {})
    assert nothing.status_code == 400 and "tick at least one" in error_text(nothing)
    clinician = srv.signed_in("cleo")
    assert location(srv.post(clinician, "/clinic/join", {"code": code})) == f"/clinic/{ada.id}"
    shown = clinician.get(f"/clinic/{ada.id}").text
    assert "Starting point and check-ins" in shown
    assert "Recent moments" not in shown and "intensity 7/10" not in shown
    # The code is spent.
    again = srv.post(srv.signed_in("cleo"), "/clinic/join", {"code": code})
    assert again.status_code == 400 and "used or has expired" in error_text(again)
    # The person sees who looked, and what.
    log = person.get("/sharing/log").text
    assert "Dr Cleo" in log and "results and check-ins" in log


def test_a_suggestion_is_an_offer_on_the_home_page(srv: ServerWeb) -> None:
    ada = srv.add("ada")
    srv.add("cleo", "clinician", display_name="Dr Cleo")
    person = srv.signed_in("ada")
    code = srv.invite(person, "practices")
    clinician = srv.signed_in("cleo")
    srv.post(clinician, "/clinic/join", {"code": code})
    sent = srv.post(clinician, f"/clinic/{ada.id}/suggest",
                    {"choice": "practice|Box breathing", "note": "before bed"})  # fmt: skip
    assert location(sent) == f"/clinic/{ada.id}?suggested=1"
    home = person.get("/").text
    assert "An idea from your clinician" in home and "Box breathing" in home
    assert "before bed" in home and "Yours to take up or leave" in home
    account = page(person.get("/account"))
    [answer] = [
        f for f in account.select("form") if (f.get("action") or "").startswith("/suggestions/")
    ]
    srv.post(person, answer.get("action") or "", {"answer": "declined"})
    assert "An idea from your clinician" not in person.get("/").text
    assert "You left this one." in person.get("/account").text
    # Someone else's suggestion cannot be answered by guessing its id.
    srv.add("ben")
    other = srv.post(srv.signed_in("ben"), answer.get("action") or "", {"answer": "done"})
    assert other.status_code == 404


def test_a_risky_phq9_answer_is_flagged_on_the_caseload_once_new(srv: ServerWeb) -> None:
    ada = srv.add("ada", display_name="Ada")
    srv.add("cleo", "clinician")
    person = srv.signed_in("ada")
    code = srv.invite(person, "results")
    clinician = srv.signed_in("cleo")
    srv.post(clinician, "/clinic/join", {"code": code})
    assert "Please check in" not in clinician.get("/clinic").text
    answers = {f"q{n}": "1" for n in range(1, 10)}
    srv.post(person, "/checkin/phq9", answers)
    # On the person's own page too: new at the first look after the answer, then not.
    page_first = clinician.get(f"/clinic/{ada.id}").text
    assert "Please check in" in page_first and "new since your last look" in page_first
    page_again = clinician.get(f"/clinic/{ada.id}").text
    assert "Please check in" in page_again and "new since your last look" not in page_again
    srv.post(person, "/checkin/phq9", answers)  # a newer one, for the caseload's turn
    first = clinician.get("/clinic").text
    assert "Please check in" in first and "new since your last look" in first
    later = clinician.get("/clinic").text
    assert "Please check in" in later and "new since your last look" not in later
    # Without results shared, there is no flag and nothing of the answers at all.
    with srv.server.session() as s:
        from earned.store.server import sharing

        links = sharing.clinicians_of(session=s, person_id=ada.id)
        sharing.set_categories(
            session=s,
            person_id=ada.id,
            clinician_id=links[0][1].id,
            categories=frozenset({"practices"}),
            now=datetime.now(UTC),
        )
    assert "Please check in" not in clinician.get("/clinic").text


def test_clinicians_and_people_keep_to_their_own_pages(srv: ServerWeb) -> None:
    srv.add("ada")
    srv.add("cleo", "clinician")
    person = srv.signed_in("ada")
    clinician = srv.signed_in("cleo")
    assert person.get("/clinic").status_code == 403
    assert location(clinician.get("/")) == "/clinic"
    refused = srv.post(clinician, "/sharing/invite", {"share_results": "1"})
    assert refused.status_code == 403
    assert "Caseload" in clinician.get("/clinic").text
