"""The therapist hand-off as a PDF: HTML built from what store/handoff.py gathered and
the person's choice (earned/handoff.py), drawn by WeasyPrint.

Nothing is fetched: the CSS is inline, the charts are inline SVG in their print variant
(earned/charts/svg.py), and WeasyPrint's url_fetcher refuses every address. Only the free
text the person kept leaves the journal; names become initials when asked. Every page
carries the date range and the "not a diagnosis" line (CSS page margin boxes).
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Callable, Iterable
from datetime import date, datetime, tzinfo
from html import escape
from typing import Any, NoReturn

from earned import handoff as rules
from earned import instruments, regulation
from earned.assessment import Step
from earned.charts import svg
from earned.handoff import Choice, Item
from earned.store.handoff import Gathered

BOX = svg.Box(640, 200)

CSS = """
@page {
  size: A4; margin: 22mm 18mm 22mm 18mm;
  @top-left { content: "{title}"; font: 9pt sans-serif; color: #5d636b; }
  @top-right { content: "{period}"; font: 9pt sans-serif; color: #5d636b; }
  @bottom-left { content: "{not_diagnosis}"; font: 8pt sans-serif; color: #5d636b; }
  @bottom-right { content: counter(page) " / " counter(pages); font: 8pt sans-serif;
    color: #5d636b; }
}
body { font: 10.5pt/1.45 "DejaVu Sans", sans-serif; color: #22252a; }
h1 { font-size: 17pt; margin: 0 0 2mm; }
h2 { font-size: 13pt; margin: 7mm 0 2mm; border-bottom: 1px solid #d9d4cb; }
h3 { font-size: 11pt; margin: 4mm 0 1mm; }
h2, h3, p.meta { break-after: avoid; }
tr { break-inside: avoid; }
p.meta { color: #5d636b; margin: 0 0 2mm; }
table { border-collapse: collapse; width: 100%; margin: 2mm 0; }
th, td { text-align: left; padding: 1mm 2mm; border-bottom: 1px solid #e4e0d8;
  vertical-align: top; }
th { font-weight: bold; }
svg.chart { width: 100%; height: auto; }
.quote { white-space: pre-wrap; margin: 1mm 0 3mm; padding-left: 3mm;
  border-left: 2px solid #d9d4cb; }
.figure { break-inside: avoid; }
"""


def _css_string(value: str) -> str:
    """A CSS string's inside: backslashes and quotes escaped, line breaks to spaces."""
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ")


def refusing() -> Any:
    """A WeasyPrint URL fetcher that fetches nothing, not even a local file, and keeps the
    addresses it was asked for in `asked` (the tests read them)."""
    from weasyprint.urls import URLFetcher  # imported here: it loads pango (see pdf)

    class Refusing(URLFetcher):  # type: ignore[misc]
        def __init__(self) -> None:
            super().__init__(allowed_protocols=(), fail_on_errors=False)
            self.asked: list[str] = []

        def fetch(self, url: str, headers: Any = None) -> NoReturn:
            self.asked.append(url)
            raise ValueError(f"the hand-off fetches nothing (asked for {url[:80]!r})")

    return Refusing()


def _key(prefix: str, text: str) -> str:
    return f"{prefix}-{hashlib.sha256(text.encode()).hexdigest()[:12]}"


def _day(moment: datetime | date, zone: tzinfo) -> str:
    if isinstance(moment, datetime):
        moment = moment.astimezone(zone).date()
    return f"{moment:%-d %b %Y}"


def _pattern_words(fear: str, urge: str) -> str:
    return str(rules.words()["moments"]["pattern"]).format(fear=fear, urge=urge)


def _note_text(note: Any) -> str:
    parts = [note.since_last, note.to_bring, *(p.text for p in note.picked)]
    return "\n".join(p.strip() for p in parts if p and p.strip())


def items(g: Gathered, choice: Choice) -> list[Item]:
    """Every piece of the person's own writing the chosen sections would include, for the
    form's list of checkboxes (all of them, before any is unticked)."""
    z = g.zone
    out: list[Item] = []
    chosen = set(choice.sections)
    if "moments" in chosen:
        for r in g.moments.patterns:
            words = _pattern_words(r.fear, r.urge)
            out.append(Item(_key("pattern", words), "moments", _day(r.last_seen, z), words))
        if choice.written:
            for aid, onset, said in g.moments.written:
                out.append(Item(f"moment-{aid}", "moments", _day(onset, z), said))
    if "ladder" in chosen:
        for rid, title, _n in g.ladder.tried:
            out.append(Item(f"rung-{rid}", "ladder", "", title))
    if "beliefs" in chosen:
        for b in g.beliefs:
            out.append(Item(f"belief-{b.id}", "beliefs", _day(b.ratings[0][0], z), b.belief))
    if "prep" in chosen:
        for n in g.notes:
            said = _note_text(n)
            if said:
                out.append(Item(f"prep-{n.id}", "prep", _day(n.created_at, z), said))
    return out


class _Writer:
    def __init__(self, g: Gathered, choice: Choice) -> None:
        self.g = g
        self.choice = choice
        self.w = rules.words()
        self.parts: list[str] = []
        names = g.names + [s.assessment.person_name or "" for s in g.steps]
        self.names = [n for n in names if n]

    def text(self, value: str) -> str:
        """Escaped, with names as initials when the person asked."""
        if self.choice.initials:
            value = rules.with_initials(value, self.names)
        return escape(value)

    def kept(self, key: str) -> bool:
        return self.choice.kept(key)

    def add(self, *html: str) -> None:
        self.parts.extend(html)

    def day(self, moment: datetime | date) -> str:
        return _day(moment, self.g.zone)

    def nothing(self) -> None:
        self.add(f"<p>{escape(self.w['nothing'])}</p>")


def _verdict(step: Step, sub_id: str, w: dict[str, Any]) -> str:
    change = step.changes.get(sub_id)
    if change is not None:
        return str(w["verdicts"].get(change.verdict, change.verdict))
    if step.too_soon:
        return str(w["too_soon"])
    if step.days_since is None:
        return str(w["first"])
    return str(w["no_rule"])


def _range(values: Iterable[float]) -> tuple[float, float]:
    listed = list(values)
    lo, hi = math.floor(min(listed)), math.ceil(max(listed))
    pad = max(1, (hi - lo) // 10)
    return max(0, lo - pad), hi + pad


def _results(out: _Writer) -> None:
    w = out.w["results"]
    if not out.g.steps:
        out.nothing()
        return
    by_instrument: dict[str, list[Step]] = {}
    for step in out.g.steps:
        by_instrument.setdefault(step.assessment.instrument_id, []).append(step)
    for inst_id, steps in by_instrument.items():
        inst = instruments.load(inst_id)
        out.add(f"<h3>{escape(inst.name)}</h3>")
        out.add("<table><tr><th>Date</th>")
        out.add(*(f"<th>{escape(sub.name)}</th>" for sub in inst.subscales))
        out.add("</tr>")
        for step in steps:
            about = step.assessment.person_name
            when = out.day(step.assessment.completed_at or step.assessment.started_at)
            label = f"{when} (about {out.text(about)})" if about else when
            out.add(f"<tr><td>{label}</td>")
            for sub in inst.subscales:
                out.add(
                    f"<td>{step.scores[sub.id]:.2f}<br><small>"
                    f"{escape(_verdict(step, sub.id, w))}</small></td>"
                )
            out.add("</tr>")
        out.add("</table>")
        if len(steps) < 2:
            continue
        for sub in inst.subscales:
            points = [
                svg.Dated(
                    (s.assessment.completed_at or s.assessment.started_at).astimezone(out.g.zone),
                    s.scores[sub.id],
                    f"{out.day(s.assessment.completed_at or s.assessment.started_at)}: "
                    f"{s.scores[sub.id]:.2f}",
                    _mark(s, sub.id),
                )
                for s in steps
            ]
            lo, hi = _range(p.value for p in points)
            desc = str(w["chart_desc"]).format(
                name=sub.name,
                count=len(points),
                first=out.day(points[0].when),
                last=out.day(points[-1].when),
            )
            drawn = svg.over_time(
                points,
                key=f"result-{inst_id}-{sub.id}",
                title=f"{inst.short_name}: {sub.name}",
                desc=desc,
                lo=lo,
                hi=hi,
                box=BOX,
                variant="print",
            )
            out.add(f'<div class="figure"><p class="meta">{escape(desc)}</p>{drawn}</div>')


def _mark(step: Step, sub_id: str) -> str | None:
    change = step.changes.get(sub_id)
    if change is None:
        return None
    if change.verdict == "reliable improvement":
        return "better"
    if change.verdict == "reliable worsening":
        return "worse"
    return None


def _minutes(value: float) -> str:
    if value < 90:
        return f"{round(value)} minutes"
    return f"{value / 60:.1f} hours"


def _moments(out: _Writer) -> None:
    m = out.g.moments
    w = out.w["moments"]
    if not m.count:
        out.nothing()
        return
    out.add("<table>")
    out.add(f"<tr><th>{escape(w['count'])}</th><td>{m.count}</td></tr>")
    if m.median_intensity is not None:
        out.add(f"<tr><th>{escape(w['intensity'])}</th><td>{m.median_intensity:g}</td></tr>")
    if m.median_minutes is not None:
        settled = str(w["settled"]).format(settled=m.settled, count=m.count)
        out.add(
            f"<tr><th>{escape(w['recovery'])}</th><td>{_minutes(m.median_minutes)} "
            f"<small>({escape(settled)})</small></td></tr>"
        )
    if m.words:
        listed = ", ".join(f"{escape(word)} ({n})" for word, n in m.words)
        out.add(f"<tr><th>{escape(w['words'])}</th><td>{listed}</td></tr>")
    out.add("</table>")
    kept = [r for r in m.patterns if out.kept(_key("pattern", _pattern_words(r.fear, r.urge)))]
    if kept:
        out.add(f"<h3>{escape(w['patterns'])}</h3><ul>")
        for r in kept:
            out.add(f"<li>{out.text(_pattern_words(r.fear, r.urge))} ({r.count})</li>")
        out.add("</ul>")
    if out.choice.written:
        written = [x for x in m.written if out.kept(f"moment-{x[0]}")]
        if written:
            out.add(f"<h3>{escape(w['written'])}</h3>")
            if len(m.written) >= rules.MOST_ITEMS:
                newest = str(w["written_newest"]).format(most=rules.MOST_ITEMS)
                out.add(f'<p class="meta">{escape(newest)}</p>')
            for _aid, onset, said in reversed(written):
                out.add(f'<p class="meta">{out.day(onset)}</p><div class="quote">')
                out.add(f"{out.text(said)}</div>")


def _practices(out: _Writer) -> None:
    if not out.g.practices:
        out.nothing()
        return
    out.add("<table>")
    for kind, n in out.g.practices:
        name = regulation.PRACTICE_KINDS.get(kind, kind)
        out.add(f"<tr><th>{escape(name)}</th><td>{n}</td></tr>")
    out.add("</table>")


def _ladder(out: _Writer) -> None:
    lad = out.g.ladder
    w = out.w["ladder"]
    if not lad.done:
        out.nothing()
        return
    out.add(f"<h3>{escape(w['tried'])}</h3><ul>")
    for rid, title, n in lad.tried:
        shown = (
            out.text(title) if out.kept(f"rung-{rid}") else f"<i>{escape(out.w['left_out'])}</i>"
        )
        out.add(f"<li>{shown} ({n})</li>")
    out.add("</ul>")
    out.add(f"<p>{escape(str(w['went_well']).format(good=lad.went_well, done=lad.done))}</p>")
    if lad.gaps:
        predicted = sum(p for _w, p, _a in lad.gaps) / len(lad.gaps)
        actual = sum(a for _w, _p, a in lad.gaps) / len(lad.gaps)
        said = str(w["gap"]).format(predicted=f"{predicted:.1f}", actual=f"{actual:.1f}")
        out.add(f"<p>{escape(said)}</p>")
    else:
        out.add(f"<p>{escape(w['no_gap'])}</p>")


def _beliefs(out: _Writer) -> None:
    if not out.g.beliefs:
        out.nothing()
        return
    for i, b in enumerate(out.g.beliefs, start=1):
        kept = out.kept(f"belief-{b.id}")
        title = out.text(b.belief) if kept else f"Belief {i} ({escape(out.w['left_out'])})"
        out.add(f'<div class="figure"><h3>{title}</h3>')
        first, last = b.ratings[0], b.ratings[-1]
        desc = str(out.w["beliefs"]["chart_desc"]).format(
            count=len(b.ratings),
            first=out.day(first[0]),
            last=out.day(last[0]),
            a=first[1],
            b=last[1],
        )
        out.add(f'<p class="meta">{escape(desc)}</p>')
        if len(b.ratings) > 1:
            points = [
                svg.Dated(when.astimezone(out.g.zone), value, f"{out.day(when)}: {value}")
                for when, value in b.ratings
            ]
            out.add(
                svg.over_time(
                    points,
                    key=f"belief-{i}",
                    title=f"Belief {i}: how true it felt",
                    desc=desc,
                    lo=0,
                    hi=100,
                    box=BOX,
                    variant="print",
                )
            )
        out.add("</div>")


def _prep(out: _Writer) -> None:
    kept = [n for n in out.g.notes if _note_text(n) and out.kept(f"prep-{n.id}")]
    if not kept:
        out.nothing()
        return
    for n in kept:
        out.add(f'<p class="meta">{out.day(n.created_at)}</p>')
        out.add(f'<div class="quote">{out.text(_note_text(n))}</div>')


def _note(out: _Writer) -> None:
    if not out.choice.note:
        out.nothing()
        return
    out.add(f'<div class="quote">{out.text(out.choice.note)}</div>')


DRAW: dict[str, Callable[[_Writer], None]] = {
    "results": _results,
    "moments": _moments,
    "practices": _practices,
    "ladder": _ladder,
    "beliefs": _beliefs,
    "prep": _prep,
    "note": _note,
}


def period_words(start: date, end: date) -> str:
    return str(rules.words()["period"]).format(start=f"{start:%-d %b %Y}", end=f"{end:%-d %b %Y}")


def html(g: Gathered, choice: Choice, *, today: date) -> str:
    """The hand-off as one self-contained HTML document (no address anywhere in it)."""
    out = _Writer(g, choice)
    w = out.w
    period = period_words(g.start, g.end)
    css = (
        CSS.replace("{title}", _css_string(w["title"]))
        .replace("{period}", _css_string(period))
        .replace("{not_diagnosis}", _css_string(w["not_diagnosis"]))
    )
    out.add(
        '<!doctype html><html lang="en"><head><meta charset="utf-8">',
        f"<title>{escape(w['title'])}</title><style>{css}</style></head><body>",
        f"<h1>{escape(w['title'])}</h1>",
        f'<p class="meta">{escape(period)}</p>',
        f'<p class="meta">{escape(str(w["made"]).format(today=f"{today:%-d %b %Y}"))}</p>',
        f"<p><small>{escape(w['not_diagnosis'])}</small></p>",
    )
    for section in choice.sections:
        out.add(f"<h2>{escape(w['sections'][section])}</h2>")
        DRAW[section](out)
    out.add("</body></html>")
    return "".join(out.parts)


def pdf(document: str, *, fetcher: Any = None) -> bytes:
    """WeasyPrint's PDF of `document`, fetching nothing (`fetcher`: a `refusing()`)."""
    from weasyprint import HTML  # imported here: it loads pango, which most commands never need

    fetcher = fetcher if fetcher is not None else refusing()
    drawn: bytes = HTML(string=document, url_fetcher=fetcher).write_pdf()
    return drawn


def make(g: Gathered, choice: Choice, *, today: date) -> bytes:
    return pdf(html(g, choice, today=today))


def filename(start: date, end: date) -> str:
    return f"earned-handoff-{start:%Y%m%d}-{end:%Y%m%d}.pdf"
