"""The starting-point questionnaire and its results (earned.web.routes.assess)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from fastapi.testclient import TestClient

from earned.web import deps
from tests.support.html import page
from tests.support.web import ECR, Web, csrf_of, error_text, location, values_for

UNKNOWN_ID = "0" * 32


# --- intro and start ---------------------------------------------------------------------


def test_intro_page(unlocked: TestClient) -> None:
    r = unlocked.get("/assess")
    assert r.status_code == 200
    p = page(r)
    assert p.one("h1").text == "Your starting point"
    assert "Experiences in Close Relationships" in p.text
    assert "Nothing here is a diagnosis" in p.text
    ecr_form, ecrr_form = p.select("form", action="/assess/start")  # the ECR-R: an alternative
    assert ecr_form.get("method") == "post" and ecrr_form.get("method") == "post"
    *buttons, way_out = [b.text for b in p.select("button")]
    assert buttons == ["Start the questionnaire", "Take the ECR-R instead", "Turn calm mode on"]
    assert way_out in ("Lock now", "Sign out")  # the footer's, personal or server mode
    assert "Brennan" in p.text


def test_start_and_first_page(web: Web, unlocked: TestClient) -> None:
    aid = web.start(unlocked)
    [a] = web.assessments()
    assert a.id == aid
    assert a.answers == {}
    assert a.completed_at is None
    r = unlocked.get(f"/assess/{aid}/1")
    assert r.status_code == 200
    p = page(r)
    assert "page 1 of 6" in p.one("h1").text
    assert p.one("span", id="saved").text == "0 of 36 answered, all saved."
    p.one("form", action=f"/assess/{aid}/1")
    fieldsets = p.select("fieldset")
    assert [f.get("id") for f in fieldsets] == [f"item-{n}" for n in range(1, 7)]
    assert ECR.items[0].text in fieldsets[0].text
    radios = p.select("input", type="radio", name="q1")
    assert [r.get("value") for r in radios] == ["1", "2", "3", "4", "5"]
    assert radios[0].get("hx-post") == f"/assess/{aid}/answer"
    assert "strongly disagree" in fieldsets[0].text
    assert p.select("a", href="/pause")
    assert not p.select("button", value="back")  # no Back on the first page
    assert p.checked() == {}


def test_intro_offers_continue_and_start_over(web: Web, unlocked: TestClient) -> None:
    aid = web.start(unlocked)
    web.answer(unlocked, aid, 1, 2)
    p = page(unlocked.get("/assess"))
    assert "You have 1 answers saved" in p.text
    assert p.select("button", name="fresh", value="yes")
    # Continue keeps the same assessment; Start over replaces it.
    assert web.start(unlocked) == aid
    fresh = web.start(unlocked, fresh="yes")
    assert fresh != aid
    [only] = web.assessments()
    assert only.id == fresh
    assert only.answers == {}


# --- the whole questionnaire -----------------------------------------------------------------


def test_whole_assessment_through_page_posts(web: Web, unlocked: TestClient) -> None:
    values = values_for("high")
    aid = web.complete(unlocked, values)
    [a] = web.assessments()
    assert a.id == aid
    assert a.answers == values
    assert a.completed_at is not None
    # A finished questionnaire's pages lead to its result and take no more answers.
    assert location(unlocked.get(f"/assess/{aid}/3")) == f"/results/{aid}"
    r = web.answer(unlocked, aid, 1, 3)
    assert r.status_code == 400
    assert "This assessment is finished" in error_text(r)
    assert web.assessments()[0].answers[1] == values[1]


def test_whole_assessment_through_htmx_answers(web: Web, unlocked: TestClient) -> None:
    aid = web.start(unlocked)
    values = values_for("low")
    for n, (item, value) in enumerate(sorted(values.items()), start=1):
        r = web.answer(unlocked, aid, item, value)
        assert r.status_code == 200
        saved = page(r).one("span", id="saved")
        assert saved.text == f"{n} of 36 answered, all saved."
        # The live region is the page's role=status wrapper; the swapped partial
        # carries the progress bar so that it moves with the count.
        assert f'<progress max="36" value="{n}"' in r.text
        assert "<html" not in r.text  # a fragment for htmx to swap, not a page
    # Changing one's mind replaces the answer.
    web.answer(unlocked, aid, 1, 3)
    web.answer(unlocked, aid, 1, values[1])
    # The last page's "See my results" with everything already saved finishes it.
    r = web.post(unlocked, f"/assess/{aid}/6", {"direction": "next"})
    assert location(r) == f"/results/{aid}"
    [a] = web.assessments()
    assert a.answers == values
    assert a.completed_at is not None


def test_back_button_saves_and_goes_back(web: Web, unlocked: TestClient) -> None:
    aid = web.start(unlocked)
    web.submit_page(unlocked, aid, 1, {n: 2 for n in range(1, 7)})
    r = web.post(unlocked, f"/assess/{aid}/2", {"q7": "4", "direction": "back"})
    assert location(r) == f"/assess/{aid}/1"
    assert web.assessments()[0].answers[7] == 4
    p = page(unlocked.get(f"/assess/{aid}/2"))
    assert p.select("button", value="back")
    assert p.checked() == {7: 4}


def test_resume_in_a_new_browser(web: Web, unlocked: TestClient) -> None:
    aid = web.start(unlocked)
    for item in range(1, 11):
        assert web.answer(unlocked, aid, item, (item % 5) + 1).status_code == 200
    other = web.client()
    assert location(web.enter(other)) == "/"
    assert location(web.post(other, "/assess/start")) == f"/assess/{aid}/2"
    p = page(other.get(f"/assess/{aid}/2"))
    assert p.checked() == {item: (item % 5) + 1 for item in range(7, 11)}
    assert p.one("span", id="saved").text == "10 of 36 answered, all saved."
    assert p.one("progress").get("value") == "10"
    p1 = page(other.get(f"/assess/{aid}/1"))
    assert p1.checked() == {item: (item % 5) + 1 for item in range(1, 7)}


def test_missing_answers_are_reported_and_the_given_ones_saved(
    web: Web, unlocked: TestClient
) -> None:
    aid = web.start(unlocked)
    r = web.submit_page(unlocked, aid, 1, {1: 5, 2: 4, 3: 1})
    assert r.status_code == 400
    assert "3 question(s) on this page still need an answer" in error_text(r)
    assert "Your other answers are saved" in error_text(r)
    p = page(r)
    assert p.one("p.error").get("role") == "alert"
    missing = [f.get("id") for f in p.select("fieldset") if f.has_class("missing")]
    assert missing == ["item-4", "item-5", "item-6"]
    assert p.checked() == {1: 5, 2: 4, 3: 1}
    assert web.assessments()[0].answers == {1: 5, 2: 4, 3: 1}
    # Skipping ahead through the last page cannot finish an incomplete questionnaire.
    r = web.submit_page(unlocked, aid, 6, {n: 3 for n in range(31, 37)})
    assert location(r) == f"/assess/{aid}/1"
    assert web.assessments()[0].completed_at is None


@pytest.mark.parametrize(
    "field,value,message",
    [
        ("q1", "7", "Answers run from 1 to 5; 7 is not one of them."),
        ("q1", "0", "Answers run from 1 to 5; 0 is not one of them."),
        ("q1", "abc", "One of the answers was not a choice on the scale."),
        ("q6", "2.5", "One of the answers was not a choice on the scale."),
    ],
)
def test_invalid_page_values_save_nothing(
    web: Web, unlocked: TestClient, field: str, value: str, message: str
) -> None:
    aid = web.start(unlocked)
    data = {f"q{n}": "3" for n in range(1, 7)} | {field: value, "direction": "next"}
    r = web.post(unlocked, f"/assess/{aid}/1", data)
    assert r.status_code == 400
    assert message in error_text(r)
    assert web.assessments()[0].answers == {}


def test_items_from_other_pages_are_ignored_on_a_page(web: Web, unlocked: TestClient) -> None:
    aid = web.start(unlocked)
    values = {n: 2 for n in range(1, 7)} | {99: 3, 7: 4}
    assert location(web.submit_page(unlocked, aid, 1, values)) == f"/assess/{aid}/2"
    assert web.assessments()[0].answers == {n: 2 for n in range(1, 7)}


@pytest.mark.parametrize(
    "item,value,message",
    [
        ("1", "7", "Answers run from 1 to 5; 7 is not one of them."),
        ("1", "abc", "Please choose an answer."),
        ("99", "3", "There is no question 99 in this questionnaire."),
        ("0", "3", "There is no question 0 in this questionnaire."),
        ("abc", "3", "Please choose a question."),
        ("", "", "Please choose a question."),
    ],
)
def test_invalid_htmx_answers_save_nothing(
    web: Web, unlocked: TestClient, item: str, value: str, message: str
) -> None:
    aid = web.start(unlocked)
    r = web.answer(unlocked, aid, item, value)
    assert r.status_code == 400
    assert message in error_text(r)
    assert web.assessments()[0].answers == {}


def test_unknown_assessment_and_page(web: Web, unlocked: TestClient) -> None:
    aid = web.start(unlocked)
    for url in (f"/assess/{UNKNOWN_ID}/1", f"/assess/{aid}/7", f"/assess/{aid}/0"):
        r = unlocked.get(url)
        assert r.status_code == 404, url
        assert "does not exist" in error_text(r)
    r = web.submit_page(unlocked, UNKNOWN_ID, 1, {1: 3})
    assert r.status_code == 404
    r = web.submit_page(unlocked, aid, 9, {1: 3})
    assert r.status_code == 404
    assert web.answer(unlocked, UNKNOWN_ID, 1, 3).status_code == 404
    # A page that is not a number is a calm 404 page too, not a JSON error.
    r = unlocked.get(f"/assess/{aid}/abc")
    assert r.status_code == 404
    assert r.headers["content-type"].startswith("text/html")
    assert "abc" not in error_text(r)


# --- results ------------------------------------------------------------------------------


def test_no_results_yet(unlocked: TestClient) -> None:
    r = unlocked.get("/results")
    assert r.status_code == 200
    p = page(r)
    assert p.one("h1").text == "No results yet"
    assert p.select("a", href="/assess")


def test_results_page(web: Web, unlocked: TestClient) -> None:
    aid = web.complete(unlocked, values_for("high"))
    for url in (f"/results/{aid}", "/results"):
        r = unlocked.get(url)
        assert r.status_code == 200
        p = page(r)
        svg = p.one("svg")
        assert svg.get("role") == "img"
        assert svg.get("aria-labelledby") == "plane-title plane-desc"
        desc = p.one("desc", id="plane-desc").text
        assert desc.startswith("Anxiety 5.00 and avoidance 5.00 on a 1 to 5 scale")
        assert "leaning fearful" in desc
        assert "1 result(s) shown" in desc
        assert len(p.select("circle")) == 1
        reading = p.one("section.reading")
        assert reading.text.startswith("Leaning fearful")
        assert p.one("p.caveat").text.startswith("Please read this too: Attachment is dimensional")
        rows = {row.get("data-subscale"): row.text for row in p.select("tr")}
        for sub in ("anxiety", "avoidance"):
            assert re.search(
                r"5\.00 (higher than about \d{1,3}%|higher than almost everyone)", rows[sub]
            ), rows[sub]
        assert "This is your first result" in p.text
        assert "Cronbach's alpha" in p.text
        assert "Open Psychometrics" in p.text


def three_weeks_on(monkeypatch: pytest.MonkeyPatch) -> None:
    """From here on, the app's clock reads three weeks later: a fair re-take interval."""
    later = datetime.now(UTC) + timedelta(weeks=3)
    monkeypatch.setattr(deps, "now", lambda: later)


def test_too_soon_a_re_take_gets_no_verdict(web: Web, unlocked: TestClient) -> None:
    web.complete(unlocked, values_for("high"))
    web.complete(unlocked, values_for("low"))
    p = page(unlocked.get("/results"))
    assert p.select("span.verdict") == []
    assert "too soon after the one before to compare" in p.text
    assert "Too soon to compare" in p.text


def test_results_trajectory_with_two_assessments(
    web: Web, unlocked: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = web.complete(unlocked, values_for("high"))
    three_weeks_on(monkeypatch)
    second = web.complete(unlocked, values_for("low"))
    p = page(unlocked.get("/results"))
    assert p.one("section.reading").text.startswith("Leaning secure")
    desc = p.one("desc", id="plane-desc").text
    assert "Anxiety 1.00 and avoidance 1.00" in desc
    assert "2 result(s) shown" in desc
    on_plane = [c for c in p.select("circle") if (c.get("class") or "").startswith("plane-")]
    assert len(on_plane) == 2
    assert len(p.select("line", class_="plane-path")) == 1  # one step, with its arrow
    # Each dimension over time, wide and narrow, described in words.
    for sub in ("anxiety", "avoidance"):
        for width in ("wide", "narrow"):
            desc = p.one("desc", id=f"{sub}-{width}-desc").text
            assert desc.startswith(f"Attachment {sub} over time: 2 results from"), desc
            assert "1 change(s) from one result to the next counted as reliable" in desc
    assert len(p.select("circle", class_="chart-reliable")) == 4  # 2 subscales x 2 widths
    table = p.one("table.trajectory")
    assert "first result" in table.text
    verdicts = [v.text for v in p.select("span.verdict")]
    assert len(verdicts) == 2
    for sub, verdict in zip(("anxiety", "avoidance"), verdicts, strict=True):
        assert re.fullmatch(rf"{sub}: reliable improvement \(RCI -\d+\.\d\d\)", verdict)
    overall = {li.get("data-subscale"): li.text for li in p.select("li") if li.get("data-subscale")}
    assert "5.00 → 1.00, reliable improvement" in overall["anxiety"]
    assert "counts as reliable" in overall["avoidance"]
    assert "Jacobson–Truax Reliable Change Index" in p.text
    figures = p.main().one("details").text
    assert "reliability 0.916" in figures
    assert "Cronbach's alpha) computed by earned from the 46,610" in figures
    assert "scripts/" not in page(unlocked.get("/results")).text  # no developer paths
    assert "Reference SD" in figures
    assert p.select("a", href=f"/results/{first}")
    assert p.select("a", href=f"/results/{second}")
    # The first result, seen later, still shows only itself.
    early = page(unlocked.get(f"/results/{first}"))
    assert early.one("section.reading").text.startswith("Leaning fearful")
    assert "This is your first result" in early.text
    assert not early.select("span.verdict")


def test_same_scores_twice_is_no_reliable_change(
    web: Web, unlocked: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    web.complete(unlocked, values_for("mid"))
    three_weeks_on(monkeypatch)
    web.complete(unlocked, values_for("mid"))
    verdicts = [v.text for v in page(unlocked.get("/results")).select("span.verdict")]
    assert verdicts == [
        "anxiety: no reliable change (RCI +0.00)",
        "avoidance: no reliable change (RCI +0.00)",
    ]


def test_results_for_unknown_and_unfinished(web: Web, unlocked: TestClient) -> None:
    r = unlocked.get(f"/results/{UNKNOWN_ID}")
    assert r.status_code == 404
    assert "That assessment does not exist" in error_text(r)
    aid = web.start(unlocked)
    web.submit_page(unlocked, aid, 1, {n: 3 for n in range(1, 7)})
    assert location(unlocked.get(f"/results/{aid}")) == f"/assess/{aid}/2"
    assert page(unlocked.get("/results")).one("h1").text == "No results yet"


# --- saves that arrive late ---------------------------------------------------------------------


def test_a_save_overtaken_by_the_pages_submit_cannot_overwrite_the_final_choice(
    web: Web, unlocked: TestClient
) -> None:
    """Arrow keys in quick bursts queued saves carrying in-between values; some reached the
    server after the page's own submit and overwrote the final choice (3.39 shown instead
    of 3.61). Each save now carries when its choice was made and the submit a later number,
    so a late save is ignored."""
    aid = web.start(unlocked)

    def answer(item: int, value: int, seq: int) -> httpx.Response:
        return unlocked.post(
            f"/assess/{aid}/answer",
            data={"item": str(item), "value": str(value), "seq": str(seq)},
            headers={"HX-Request": "true", "X-CSRF-Token": csrf_of(unlocked)},
        )

    assert answer(1, 2, 100).status_code == 200
    final = {n: 5 for n in range(1, 7)}
    form = {f"q{n}": str(v) for n, v in final.items()}
    web.post(unlocked, f"/assess/{aid}/1", {**form, "direction": "next", "seq": "300"})
    # Late arrivals: chosen before the submit (seq < 300), saved after it.
    assert answer(1, 3, 250).status_code == 200
    assert answer(2, 1, 299).status_code == 200
    [a] = web.assessments()
    assert {n: a.answers[n] for n in range(1, 7)} == final
    # A choice made after the submit (going back to the page, say) does apply.
    assert answer(1, 4, 301).status_code == 200
    assert web.assessments()[0].answers[1] == 4


@pytest.mark.parametrize("seq", ["-1", "1e5", "１２", "9" * 19, "abc"])
def test_a_malformed_order_number_saves_nothing(web: Web, unlocked: TestClient, seq: str) -> None:
    aid = web.start(unlocked)
    r = unlocked.post(
        f"/assess/{aid}/answer",
        data={"item": "1", "value": "3", "seq": seq},
        headers={"HX-Request": "true", "X-CSRF-Token": csrf_of(unlocked)},
    )
    assert r.status_code == 400
    assert web.assessments()[0].answers == {}


def test_digits_of_other_scripts_are_not_read_as_answers(web: Web, unlocked: TestClient) -> None:
    """int() reads "٣" as 3 and "1_0" as 10; a choice on the scale is sent in ASCII digits
    (numbers.whole), so these are refused and nothing is saved."""
    aid = web.start(unlocked)
    for item, value in (("١", "3"), ("1", "٣"), ("1", "1_0"), ("1_0", "3")):
        r = web.answer(unlocked, aid, item, value)
        assert r.status_code == 400, (item, value, r.status_code)
    r = web.submit_page(unlocked, aid, 1, {})
    page_one = {f"q{n}": "٣" for n in range(1, 2)}
    r = web.post(unlocked, f"/assess/{aid}/1", {**page_one, "direction": "next"})
    assert r.status_code == 400
    assert web.assessments()[0].answers == {}
