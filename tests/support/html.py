"""Reading HTML without extra dependencies: a page's elements, and a small selector API
(select("a", href="/help"), select(".error"), one("h1"))."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser

import httpx2

_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source"}


@dataclass
class El:
    tag: str
    attrs: dict[str, str | None]
    parts: list[str] = field(default_factory=list)
    in_main: bool = False  # inside <main>: the page's own content, not its header or footer

    @property
    def text(self) -> str:
        return " ".join("".join(self.parts).split())

    def get(self, name: str) -> str | None:
        return self.attrs.get(name)

    def has_class(self, name: str) -> bool:
        return name in (self.attrs.get("class") or "").split()


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[El] = []
        self.stack: list[El] = []

    def _inside_main(self) -> bool:
        return any(el.tag == "main" for el in self.stack)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        el = El(tag, dict(attrs), in_main=self._inside_main())
        self.elements.append(el)
        if tag not in _VOID:
            self.stack.append(el)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append(El(tag, dict(attrs), in_main=self._inside_main()))

    def handle_endtag(self, tag: str) -> None:
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i].tag == tag:
                del self.stack[i:]
                return

    def handle_data(self, data: str) -> None:
        for el in self.stack:
            el.parts.append(data)


class Page:
    """Parsed HTML with a small selector API: select("a", href="/help"), select(".error")."""

    def __init__(self, html: str) -> None:
        reader = _Reader()
        reader.feed(html)
        reader.close()
        self.html = html
        self.elements = reader.elements

    def main(self) -> Page:
        """Only what is inside <main>: the page's content without the navigation."""
        inner = Page("")
        inner.html = self.html
        inner.elements = [el for el in self.elements if el.in_main]
        return inner

    def select(self, selector: str, **attrs: str) -> list[El]:
        tag, _, cls = selector.partition(".")
        out = []
        for el in self.elements:
            if tag and el.tag != tag:
                continue
            if cls and not el.has_class(cls):
                continue
            if all(el.attrs.get(k.rstrip("_").replace("_", "-")) == v for k, v in attrs.items()):
                out.append(el)
        return out

    def one(self, selector: str, **attrs: str) -> El:
        found = self.select(selector, **attrs)
        assert len(found) == 1, f"expected one {selector} {attrs}, found {len(found)}"
        return found[0]

    @property
    def text(self) -> str:
        main = self.select("main")
        return main[0].text if main else " ".join(self.html.split())

    def checked(self) -> dict[int, int]:
        """Questionnaire radios that are checked: {item number: value}."""
        return {
            int(str(el.get("name"))[1:]): int(str(el.get("value")))
            for el in self.select("input", type="radio")
            if "checked" in el.attrs
        }


def page(response: httpx2.Response) -> Page:
    return Page(response.text)
