"""Your patterns: recurring fear-and-urge sentences with their trend, naming in the moment,
and the words you reach for, summed over the past year by the database."""

from __future__ import annotations

from datetime import timedelta

from fastapi import APIRouter
from fastapi.responses import Response

from earned import episodes, patterns
from earned.store import activations
from earned.web import deps
from earned.web.deps import Open, Page
from earned.web.routes.beliefs import pattern_passages
from earned.web.routes.moment import render_page, words

router = APIRouter()
PATTERN_DAYS = 365  # the span the patterns page sums


def _percent(share: float | None) -> str | None:
    return None if share is None else f"{round(share * 100)}%"


@router.get("/patterns")
def patterns_page(page: Page, store: Open) -> Response:
    """Over the past year (PATTERN_DAYS): each part reads only the columns it sums, so the
    page costs the same after three years of daily use as after one."""
    now = deps.now()
    year = now - timedelta(days=PATTERN_DAYS)
    with store.session() as s:
        sentences = activations.sentences_since(session=s, since=year)
        named = activations.columns_since(
            session=s, since=now - timedelta(days=56), columns=("named_in_moment",)
        )
        top = activations.top_words(session=s, since=year)
        total = activations.count(session=s, since=year)
    ranked = patterns.recurring_from(sentences, now=now)
    counts = patterns.count_named(((r[0], r[1]) for r in named), now=now)
    share_recent, share_before = patterns.shares(counts)
    return render_page(
        page,
        "moment/patterns.html",
        {
            "ranked": ranked,
            "trend_words": words()["trend"],
            "recent": counts[0],
            "before": counts[1],
            "share_recent": _percent(share_recent),
            "share_before": _percent(share_before),
            "total": total,
            "with_pattern": sum(1 for _o, raw in sentences if episodes.pattern_of(raw)),
            "top_words": top,
            **pattern_passages(store),  # origin-story passages linked to today
        },
    )
