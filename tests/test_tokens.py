"""One repeat-guard token rule for every surface (web form, `--token`, store, import)."""

from __future__ import annotations

import pytest

from earned.errors import EarnedError
from earned.tokens import MAX_TOKEN, check_token


def test_no_token_means_no_guard() -> None:
    assert check_token(None) is None
    assert check_token("") is None


def test_a_token_is_kept_exactly() -> None:
    for token in (" padded ", "MiXeD", "t" * MAX_TOKEN, "é-ü"):
        assert check_token(token) == token


@pytest.mark.parametrize("bad", ["t" * (MAX_TOKEN + 1), "line\nbreak", "tab\there", 7, ["x"]])
def test_unusable_tokens_are_refused_with_one_message(bad: object) -> None:
    with pytest.raises(EarnedError, match="repeat-guard token is at most 64 printable"):
        check_token(bad)
