"""The optional check-ins (earned.web.routes.checkin): index, the one-page form saved as
answered (htmx) or submitted whole, results with history and reliable change, the crisis
panel on PHQ-9 item 9, CSRF, the lock, and the exports."""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from earned import instruments
from earned.assessment import Assessment
from earned.web import deps
from tests.support.html import page
from tests.support.web import Web, csrf_of, error_text, location, values_for

PHQ9 = instruments.load("phq9")
GAD7 = instruments.load("gad7")
UNKNOWN_ID = "0" * 32
CARE_TITLE = "You matter, and you don't have to hold this alone"


def htmx_answer(
    client: TestClient, ident: str, item: int | str, value: int | str, **extra: str
) -> httpx.Response:
    """What a radio's hx-post sends: the item and value, CSRF in the X-CSRF-Token header."""
    return client.post(
        f"/checkin/{ident}/answer",
        data={"item": str(item), "value": str(value), **extra},
        headers={"HX-Request": "true", "X-CSRF-Token": csrf_of(client)},
    )


def submit(web: Web, client: TestClient, ident: str, answers: list[int]) -> httpx.Response:
    """The plain form post (no JavaScript) with answers for items 1..len(answers)."""
    return web.post(
        client, f"/checkin/{ident}", {f"q{n}": str(v) for n, v in enumerate(answers, start=1)}
    )


def complete(web: Web, client: TestClient, ident: str, answers: list[int]) -> str:
    where = location(submit(web, client, ident, answers))
    match = re.fullmatch(r"/checkin/result/([0-9a-f]{32})", where)
    assert match, where
    return match.group(1)


def checkins(web: Web, ident: str | None = None) -> list[Assessment]:
    return [a for a in web.assessments() if ident is None or a.instrument_id == ident]


def has_care_panel(response: httpx.Response) -> bool:
    return bool(page(response).select("section.care-panel"))


# --- index and navigation ---------------------------------------------------------------------


def test_index_offers_both_check_ins_gently(unlocked: TestClient) -> None:
    r = unlocked.get("/checkin")
    assert r.status_code == 200
    p = page(r)
    assert p.one("h1").text == "Check-ins"
    assert "entirely optional" in p.text
    assert "not a diagnosis" in p.text
    for inst in (PHQ9, GAD7):
        card = p.one("section", id=f"checkin-{inst.id}")
        assert inst.short_name in card.text
        assert f"{len(inst.items)} questions, about 2 minutes" in card.text
        assert p.one("a", href=f"/checkin/{inst.id}").text == f"Begin the {inst.short_name}"
    assert not p.select("a", href="/checkin/ecr")
    assert not has_care_panel(r)


def test_nav_links_to_check_ins(unlocked: TestClient) -> None:
    links = page(unlocked.get("/")).select("a", href="/checkin")
    assert [a.text for a in links if not a.in_main] == ["Check-ins", "Check-ins"]  # both menus
    assert all(a.get("aria-current") is None for a in links)
    links = page(unlocked.get("/checkin/gad7")).select("a", href="/checkin")
    current = next(el for el in links if el.text == "Check-ins")
    assert current.get("aria-current") == "page"


def test_index_shows_the_latest_result_and_answers_in_progress(
    web: Web, unlocked: TestClient
) -> None:
    aid = complete(web, unlocked, "phq9", [1, 1, 1, 1, 1, 1, 1, 0, 0])  # 7: mild
    htmx_answer(unlocked, "gad7", 1, 2)
    p = page(unlocked.get("/checkin"))
    phq = p.one("section", id="checkin-phq9")
    assert "7 of 27; symptom level over the last two weeks: mild" in phq.text
    assert p.select("a", href=f"/checkin/result/{aid}")
    gad = p.one("section", id="checkin-gad7")
    assert "You have 1 answer(s) saved" in gad.text
    assert p.one("a", href="/checkin/gad7").text == "Continue the GAD-7"


# --- the form ---------------------------------------------------------------------------------


@pytest.mark.parametrize("inst", [PHQ9, GAD7], ids=lambda i: i.id)
def test_form_has_every_item_as_a_keyboard_radio_group(
    web: Web, unlocked: TestClient, inst: Any
) -> None:
    r = unlocked.get(f"/checkin/{inst.id}")
    assert r.status_code == 200
    p = page(r)
    assert p.one("h1").text == f"{inst.short_name} check-in"
    assert inst.instructions in p.text
    form = p.one("form", action=f"/checkin/{inst.id}")
    assert form.get("method") == "post"
    fieldsets = p.select("fieldset")
    assert [f.get("id") for f in fieldsets] == [f"item-{i.number}" for i in inst.items]
    for item, fieldset in zip(inst.items, fieldsets, strict=True):
        legend = [el for el in p.select("legend") if el.text.endswith(item.text)]
        assert legend, item.text
        radios = p.select("input", type="radio", name=f"q{item.number}")
        assert [x.get("value") for x in radios] == ["0", "1", "2", "3"]
        assert all(x.get("hx-post") == f"/checkin/{inst.id}/answer" for x in radios)
        assert all(x.get("tabindex") is None for x in radios)  # native radios, arrow keys
        for label in ("Not at all", "Several days", "More than half the days", "Nearly every day"):
            assert label in fieldset.text
    assert p.one("span", id="saved").text == f"0 of {len(inst.items)} answered, all saved."
    assert "See my result" in [b.text for b in p.select("button", type="submit")]
    assert p.select("a", href="/pause")
    assert "No permission required to reproduce, translate, display or distribute" in p.text
    assert p.checked() == {}
    assert not has_care_panel(r)
    assert checkins(web) == []  # looking at the form creates nothing


@pytest.mark.parametrize(
    "url", ["/checkin/ecr", "/checkin/nope", "/checkin/phq-9", "/checkin/result/" + UNKNOWN_ID]
)
def test_unknown_check_ins_are_404(unlocked: TestClient, url: str) -> None:
    r = unlocked.get(url)
    assert r.status_code == 404
    assert error_text(r)


def test_posting_to_an_unknown_check_in_is_404_and_saves_nothing(
    web: Web, unlocked: TestClient
) -> None:
    assert htmx_answer(unlocked, "ecr", 1, 3).status_code == 404
    assert web.post(unlocked, "/checkin/ecr", {"q1": "3"}).status_code == 404
    assert checkins(web) == []


# --- saving as answered (htmx) ----------------------------------------------------------------


def test_each_answer_is_saved_the_moment_it_is_given(web: Web, unlocked: TestClient) -> None:
    r = htmx_answer(unlocked, "phq9", 1, 2)
    assert r.status_code == 200
    assert page(r).one("span", id="saved").text == "1 of 9 answered, all saved."
    [a] = checkins(web)
    assert (a.instrument_id, a.answers, a.completed_at) == ("phq9", {1: 2}, None)
    htmx_answer(unlocked, "phq9", 2, 0)
    htmx_answer(unlocked, "phq9", 1, 3)  # changing an answer replaces it
    [again] = checkins(web)
    assert again.id == a.id
    assert again.answers == {1: 3, 2: 0}
    # Reloading the page shows the saved answers.
    p = page(unlocked.get("/checkin/phq9"))
    assert p.checked() == {1: 3, 2: 0}
    assert "your answers so far are filled in below" in p.text


@pytest.mark.parametrize(("item", "value"), [(10, 1), (0, 1), (1, 4), (1, -1), ("x", 1)])
def test_answers_off_the_form_are_refused(
    web: Web, unlocked: TestClient, item: int | str, value: int
) -> None:
    r = htmx_answer(unlocked, "phq9", item, value)
    assert r.status_code == 400
    assert checkins(web) == []  # nothing half-written, not even an empty check-in


@pytest.mark.parametrize("value", [1, 2, 3])
def test_item_9_above_zero_shows_the_panel_at_once_and_is_saved(
    web: Web, unlocked: TestClient, value: int
) -> None:
    r = htmx_answer(unlocked, "phq9", 9, value)
    assert r.status_code == 200
    p = page(r)
    slot = p.one("div", id="care-slot")
    assert slot.get("hx-swap-oob") == "true"
    assert CARE_TITLE in slot.text
    assert "988" in slot.text  # the default region's lines
    [a] = checkins(web)
    assert a.answers == {9: value}  # kept as given, nothing blocked


def test_item_9_at_zero_and_other_items_show_no_panel(unlocked: TestClient) -> None:
    for item, value in ((9, 0), (1, 3), (8, 3)):
        r = htmx_answer(unlocked, "phq9", item, value)
        assert not page(r).select("div", id="care-slot"), (item, value)
    assert not page(htmx_answer(unlocked, "gad7", 7, 3)).select("div", id="care-slot")


def test_panel_is_not_sent_twice_when_the_page_already_shows_it(
    web: Web, unlocked: TestClient
) -> None:
    htmx_answer(unlocked, "phq9", 9, 1)
    p = page(unlocked.get("/checkin/phq9"))
    assert p.one("section", id="care").text.startswith(CARE_TITLE)  # at the top on reload
    assert p.one("input", name="care_shown").get("value") == "1"
    r = htmx_answer(unlocked, "phq9", 9, 2, care_shown="1")
    assert not page(r).select("div", id="care-slot")
    [a] = checkins(web)
    assert a.answers == {9: 2}


def test_the_panels_continue_link_leads_back_to_the_form(unlocked: TestClient) -> None:
    r = htmx_answer(unlocked, "phq9", 9, 1)
    links = [el.get("href") or "" for el in page(r).select("a")]
    back = next(h for h in links if h.startswith("/checkin/"))
    followed = unlocked.get(back.split("#")[0])
    assert location(followed) == "/checkin/phq9"


# --- submitting the whole form ----------------------------------------------------------------


def test_plain_submit_saves_everything_and_shows_the_result(web: Web, unlocked: TestClient) -> None:
    # 1+1+1+1+1+1+1+0+0 = 7: mild.
    aid = complete(web, unlocked, "phq9", [1, 1, 1, 1, 1, 1, 1, 0, 0])
    [a] = checkins(web)
    assert a.id == aid and a.completed_at is not None
    assert a.answers == {1: 1, 2: 1, 3: 1, 4: 1, 5: 1, 6: 1, 7: 1, 8: 0, 9: 0}
    r = unlocked.get(f"/checkin/result/{aid}")
    assert r.status_code == 200
    p = page(r)
    assert p.one("h1").text == "Your PHQ-9 check-in"
    assert p.one("section", data_total="7").text.startswith("Total: 7 of 27")
    assert "Symptom level over the last two weeks: mild." in p.text
    assert "This is not a diagnosis" in p.text
    assert "only a clinician" in p.text
    assert "first check-in of this kind" in p.text
    assert "Reliability 0.89" in p.text and "Kroenke" in p.text
    assert "Reference SD 3.5" in p.text and "Kocalevent" in p.text
    assert not has_care_panel(r)
    assert not p.select("p.care-note")
    # The form is empty again for the next check-in.
    assert page(unlocked.get("/checkin/phq9")).checked() == {}


def test_submit_continues_answers_given_by_htmx(web: Web, unlocked: TestClient) -> None:
    for item in range(1, 5):
        htmx_answer(unlocked, "gad7", item, 3)
    # The no-JS post carries the rest; the saved ones stay (12 + 0 + 1 + 2 = 15: severe).
    r = web.post(unlocked, "/checkin/gad7", {"q5": "0", "q6": "1", "q7": "2"})
    aid = location(r).rsplit("/", 1)[1]
    [a] = checkins(web)
    assert a.id == aid
    assert sum(a.answers.values()) == 15
    p = page(unlocked.get(f"/checkin/result/{aid}"))
    assert "Total: 15 of 21" in p.text
    assert "Symptom level over the last two weeks: severe." in p.text


def test_missing_answers_are_named_and_the_others_kept(web: Web, unlocked: TestClient) -> None:
    r = submit(web, unlocked, "phq9", [2, 2, 2, 2, 2, 2])
    assert r.status_code == 400
    assert "3 question(s) still need an answer. Your other answers are saved." in error_text(r)
    p = page(r)
    assert [f.get("id") for f in p.select("fieldset.missing")] == ["item-7", "item-8", "item-9"]
    assert p.checked() == dict.fromkeys(range(1, 7), 2)
    [a] = checkins(web)
    assert a.completed_at is None and len(a.answers) == 6


def test_an_empty_submit_creates_nothing(web: Web, unlocked: TestClient) -> None:
    r = submit(web, unlocked, "gad7", [])
    assert r.status_code == 400
    assert "7 question(s) still need an answer." in error_text(r)
    assert checkins(web) == []


@pytest.mark.parametrize("bad", ["x", "4", "-1"])
def test_a_value_off_the_scale_saves_nothing(web: Web, unlocked: TestClient, bad: str) -> None:
    r = web.post(unlocked, "/checkin/phq9", {"q1": "1", "q2": bad})
    assert r.status_code == 400
    assert error_text(r)
    assert checkins(web) == []


def test_start_with_an_empty_form(web: Web, unlocked: TestClient) -> None:
    htmx_answer(unlocked, "phq9", 1, 2)
    p = page(unlocked.get("/checkin/phq9"))
    p.one("form", action="/checkin/phq9/restart")
    assert location(web.post(unlocked, "/checkin/phq9/restart")) == "/checkin/phq9"
    assert checkins(web) == []
    assert page(unlocked.get("/checkin/phq9")).checked() == {}


# --- results ----------------------------------------------------------------------------------


def test_item_9_result_shows_the_panel_and_keeps_the_answer(web: Web, unlocked: TestClient) -> None:
    # 0*8 + 2 = 2: a "minimal" total, and the panel all the same.
    aid = complete(web, unlocked, "phq9", [0, 0, 0, 0, 0, 0, 0, 0, 2])
    r = unlocked.get(f"/checkin/result/{aid}")
    p = page(r)
    assert has_care_panel(r)
    assert p.one("section", id="care").text.startswith(CARE_TITLE)
    assert "thoughts of being better off dead or of hurting yourself" in p.one("p.care-note").text
    assert "Total: 2 of 27" in p.text and "minimal" in p.text
    [a] = checkins(web)
    assert a.answers[9] == 2 and a.completed_at is not None


def test_a_severe_total_shows_the_lines_it_points_to(web: Web, unlocked: TestClient) -> None:
    """The severe band's words send a person to the help lines, so the result shows them
    (issue 9: every surface that mentions help shows the lines); item 9 is 0, so the note
    about its answer stays away."""
    aid = complete(web, unlocked, "phq9", [3, 3, 3, 3, 3, 3, 3, 3, 0])  # 24: severe
    r = unlocked.get(f"/checkin/result/{aid}")
    assert has_care_panel(r)
    assert not page(r).select("p.care-note")
    assert "Symptom level over the last two weeks: severe." in page(r).text


def test_gad7_shows_the_panel_only_at_the_severe_band(web: Web, unlocked: TestClient) -> None:
    severe = complete(web, unlocked, "gad7", [3] * 7)
    assert has_care_panel(unlocked.get(f"/checkin/result/{severe}"))
    moderate = complete(web, unlocked, "gad7", [2] * 5 + [0, 0])
    assert not has_care_panel(unlocked.get(f"/checkin/result/{moderate}"))


def test_result_history_with_reliable_change(
    web: Web, unlocked: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    # PHQ-9 totals 15, 10, 9 (item 9 at 0). S_diff = sqrt(2)*3.5*sqrt(.11) = 1.64165:
    # 15 -> 10 is -5 / 1.64165 = -3.05 (reliable improvement); 10 -> 9 is -0.61 (no reliable
    # change); first to last 15 -> 9 is -6 / 1.64165 = -3.65 (reliable improvement).
    clock = [datetime.now(UTC)]
    monkeypatch.setattr(deps, "now", lambda: clock[0])
    first = complete(web, unlocked, "phq9", [3, 3, 3, 3, 3, 0, 0, 0, 0])
    clock[0] += timedelta(weeks=3)  # a fair interval between check-ins
    second = complete(web, unlocked, "phq9", [3, 3, 3, 1, 0, 0, 0, 0, 0])
    clock[0] += timedelta(weeks=3)
    third = complete(web, unlocked, "phq9", [3, 3, 3, 0, 0, 0, 0, 0, 0])
    complete(web, unlocked, "gad7", [3] * 7)  # another questionnaire stays apart

    p = page(unlocked.get(f"/checkin/result/{third}"))
    rows = p.select("tr", data_total="15") + p.select("tr", data_total="10")
    rows += p.select("tr", data_total="9")
    assert "15 moderately severe first check-in" in rows[0].text
    assert "10 moderate" in rows[1].text and "9 mild" in rows[2].text
    assert "reliable improvement (-5, RCI -3.05)" in rows[1].text
    assert "no reliable change (-1, RCI -0.61)" in rows[2].text
    assert rows[2].get("aria-current") == "true"
    assert not p.select("tr", data_total="21")
    overall = p.one("p.overall").text
    assert "15 → 9: reliable improvement (RCI -3.65" in overall
    assert "more than 3.22 points counts as reliable" in overall
    for aid in (first, second, third):
        assert p.select("a", href=f"/checkin/result/{aid}")

    # An earlier result shows the history up to that day only.
    earlier = page(unlocked.get(f"/checkin/result/{second}"))
    assert [r.get("data-total") for r in earlier.select("tr") if r.get("data-total")] == [
        "15",
        "10",
    ]


def test_result_of_an_unfinished_check_in_leads_to_the_form(web: Web, unlocked: TestClient) -> None:
    htmx_answer(unlocked, "gad7", 1, 1)
    [a] = checkins(web)
    assert location(unlocked.get(f"/checkin/result/{a.id}")) == "/checkin/gad7"


def test_an_ecr_result_is_not_shown_as_a_check_in(web: Web, unlocked: TestClient) -> None:

    aid = web.complete(unlocked, values_for("mid"))
    assert location(unlocked.get(f"/checkin/result/{aid}")) == f"/results/{aid}"


def test_the_starting_point_pages_send_a_check_in_to_its_own_pages(
    web: Web, unlocked: TestClient
) -> None:
    aid = complete(web, unlocked, "gad7", [1] * 7)
    assert location(unlocked.get(f"/results/{aid}")) == f"/checkin/result/{aid}"
    assert location(unlocked.get(f"/assess/{aid}/1")) == f"/checkin/result/{aid}"
    # The starting point's own "latest result" ignores check-ins.
    assert "No results yet" in page(unlocked.get("/results")).text


def test_calm_mode_rests_the_numbers_but_keeps_the_panel(web: Web, unlocked: TestClient) -> None:
    aid = complete(web, unlocked, "phq9", [2] * 8 + [1])  # 17, item 9 above 0
    web.post(unlocked, "/settings/calm", {"calm": "on", "next": "/checkin"})
    r = unlocked.get(f"/checkin/result/{aid}")
    p = page(r)
    assert p.select("div.calm-note")
    assert "Total: 17" not in p.text and not p.select("table")
    assert has_care_panel(r)  # safety does not rest
    assert p.select("p.care-note")
    assert "17 of 27" not in page(unlocked.get("/checkin")).text
    assert page(unlocked.get("/checkin/phq9")).select("fieldset")  # checking in still works
    [a] = checkins(web)
    assert a.answers[9] == 1


# --- exports ----------------------------------------------------------------------------------


def test_a_check_in_round_trips_through_the_exports(
    web: Web, unlocked: TestClient, make_web: Any
) -> None:
    aid = complete(web, unlocked, "phq9", [1, 1, 1, 1, 1, 1, 1, 0, 0])  # 7: mild
    gad = complete(web, unlocked, "gad7", [2, 2, 2, 2, 2, 0, 0])  # 10: moderate
    assert "Your check-ins (PHQ-9, GAD-7) are included" in page(unlocked.get("/data")).text
    exported = unlocked.get("/data/export.json")
    data = json.loads(exported.text)
    by_id = {a["id"]: a for a in data["assessments"]}
    assert by_id[aid]["instrument"] == "phq9"
    assert [x["value"] for x in by_id[aid]["answers"]] == [1, 1, 1, 1, 1, 1, 1, 0, 0]
    assert by_id[gad]["instrument"] == "gad7"

    markdown = unlocked.get("/data/export.md").text
    assert "PHQ-9: total 7 of 27 (mild symptom level over the last two weeks)" in markdown
    assert "GAD-7: total 10 of 21 (moderate symptom level over the last two weeks)" in markdown

    with zipfile.ZipFile(io.BytesIO(unlocked.get("/data/export.zip").content)) as z:
        rows = list(csv.DictReader(io.StringIO(z.read("assessments.csv").decode())))
    totals = {r["id"]: r["score_total"] for r in rows}
    assert totals == {aid: "7.0000", gad: "10.0000"}

    second = make_web("second")
    other = second.unlocked_client()
    r = second.post(
        other,
        "/data/import",
        files={"file": ("export.json", exported.content, "application/json")},
    )
    assert r.status_code in (200, 303), r.text[:300]
    p = page(other.get(f"/checkin/result/{aid}"))
    assert "Total: 7 of 27" in p.text
    again = json.loads(other.get("/data/export.json").text)
    assert [a for a in again["assessments"] if a["id"] == aid] == [by_id[aid]]
