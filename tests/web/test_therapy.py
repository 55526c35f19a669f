"""The guide to working with a therapist (/therapy), one page per approach, and the
printable questions (earned.web.routes.therapy): words from content/therapy.toml, no
link that leaves the app, and a calm 404 for an unknown approach."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from earned import content
from tests.support.html import page
from tests.support.web import error_text

WORDS = content.load("therapy")
KEYS = [a["key"] for a in WORDS["approaches"]]


def test_the_guide_links_to_each_approach_the_questions_and_prep(unlocked: TestClient) -> None:
    r = unlocked.get("/therapy")
    assert r.status_code == 200
    p = page(r)
    assert p.main().one("h1").text == WORDS["guide"]["title"]
    hrefs = [a.get("href") for a in p.main().select("a")]
    assert [h for h in hrefs if (h or "").startswith("/therapy/approaches/")] == [
        f"/therapy/approaches/{k}" for k in KEYS
    ]
    assert {"/therapy/questions", "/therapy/prep", "/therapy/prep/new"} <= set(hrefs)
    # The four sections, with every paragraph of the guide's own words.
    for a in WORDS["approaches"]:
        assert a["short"] in p.text
    for part in WORDS["finding"]["parts"]:
        assert part["title"] in p.text
        assert all(para in p.text for para in part["paragraphs"])
    assert all(para in p.text for para in WORDS["relationship"]["paragraphs"])


def test_no_link_leaves_the_app(unlocked: TestClient) -> None:
    for url in ["/therapy", "/therapy/questions", *(f"/therapy/approaches/{k}" for k in KEYS)]:
        hrefs = [a.get("href") or "" for a in page(unlocked.get(url)).select("a")]
        assert hrefs and all(h.startswith(("/", "#")) for h in hrefs), url
        assert "http" not in " ".join(hrefs)


@pytest.mark.parametrize("key", KEYS)
def test_each_approach_has_its_page(unlocked: TestClient, key: str) -> None:
    approach = next(a for a in WORDS["approaches"] if a["key"] == key)
    r = unlocked.get(f"/therapy/approaches/{key}")
    assert r.status_code == 200
    p = page(r)
    assert p.main().one("h1").text == approach["name"]
    headings = [h.text for h in p.main().select("h2")]
    assert headings[:5] == [
        "What a session is like",
        "What it may help with",
        "Good to know",
        "What the research looks like",
        "Finding someone trained in it",
    ]
    for words in (approach["session"], approach["helps"], approach["know"]):
        assert all(w in p.text for w in words)
    assert approach["evidence"] in p.text
    assert WORDS["guide"]["evidence_note"] in p.text
    others = [
        a.get("href") for a in p.main().select("a") if "/approaches/" in (a.get("href") or "")
    ]
    assert sorted(others) == sorted(f"/therapy/approaches/{k}" for k in KEYS if k != key)


def test_an_unknown_approach_is_a_calm_404(unlocked: TestClient) -> None:
    r = unlocked.get("/therapy/approaches/hypnosis")
    assert r.status_code == 404
    assert "no page about that approach" in error_text(r)


def test_the_questions_are_a_printable_list(unlocked: TestClient) -> None:
    r = unlocked.get("/therapy/questions")
    assert r.status_code == 200
    p = page(r).main()
    assert p.select("article.printable")
    items = [li.text for li in p.select("li") if li.text]
    expected = [q for g in WORDS["questions"]["groups"] for q in g["items"]]
    expected += [q["item"] for q in WORDS["questions"]["after"]]
    assert items == expected
    # The way back is left out of a printout.
    assert p.select("p.no-print")


def test_the_stylesheet_prints_a_printable_page_without_the_app_around_it() -> None:
    from pathlib import Path

    css = (Path(__file__).parents[2] / "earned/web/static/earned.css").read_text("utf-8")
    block = css[css.index("/* --- therapy") :]
    assert "@media print" in block
    for hidden in (".top", ".tabs", ".foot", ".no-print"):
        assert hidden in block.split("@media print", 1)[1]
