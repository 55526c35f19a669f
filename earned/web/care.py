"""After a save: ask for the calm care panel when what was written suggests danger.

Routes save first, exactly as written, then redirect to `after_save(url, *texts)`: the same
address, with `care=1` added when earned.safety fires on any of the texts, which makes
render() show safety/_care_panel.html on the page the person lands on. Nothing is blocked,
deleted, stored, logged or sent; the finding itself is dropped here.
"""

from __future__ import annotations

from earned import safety


def after_save(url: str, *texts: str | None) -> str:
    """`url` with care=1 added (before any #fragment) when one of `texts` fires."""
    if safety.detect_any(texts) is None:
        return url
    path, hash_mark, fragment = url.partition("#")
    joiner = "&" if "?" in path else "?"
    return f"{path}{joiner}care=1{hash_mark}{fragment}"
