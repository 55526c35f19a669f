"""`earned checkin phq9|gad7`: the questions one at a time from (piped) stdin, the total and
its symptom level, reliable change since earlier check-ins, and for PHQ-9 item 9 above 0 the
care words and crisis lines on stderr, with every answer kept."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from earned import cli, content
from tests.support import PASSPHRASE
from tests.support.cli import Run, earned

pytestmark = pytest.mark.usefixtures("no_ambient_secrets")

CARE = content.load("crisis")["care"]


def lines(values: list[int]) -> str:
    return "".join(f"{v}\n" for v in values)


def exported(run: Run) -> list[dict[str, object]]:
    data = json.loads(run("export").out)
    assessments: list[dict[str, object]] = data["assessments"]
    return assessments


def values(assessment: dict[str, object]) -> list[int]:
    answers = assessment["answers"]
    assert isinstance(answers, list)
    return [int(a["value"]) for a in answers]


# --- a whole check-in -------------------------------------------------------------------------


@pytest.mark.usefixtures("journal")
def test_phq9_through_piped_stdin_prints_total_and_level(run: Run) -> None:
    # 2+2+1+1+1+1+1+1+0 = 10: moderate.
    result = run("checkin", "phq9", stdin=lines([2, 2, 1, 1, 1, 1, 1, 1, 0]))
    assert result.code == 0, result.err
    out = " ".join(result.out.split()) + "\n" + result.out  # wrapped text, and the lines
    assert "PHQ-9 check-in (Patient Health Questionnaire-9)" in out
    assert "how often have you been bothered by any of the following problems?" in out
    assert "[1/9] Little interest or pleasure in doing things" in out
    assert "[9/9] Thoughts that you would be better off dead" in out
    assert "   3  Nearly every day" in out
    assert "PHQ-9 total: 10 of 27" in out
    assert "Symptom level over the last two weeks: moderate." in out
    assert "This is not a diagnosis" in out
    assert "first check-in of this kind" in out
    assert result.err == ""  # item 9 at 0: no care words
    [done] = exported(run)
    assert done["instrument"] == "phq9" and done["completed_at"] is not None
    assert values(done) == [2, 2, 1, 1, 1, 1, 1, 1, 0]


@pytest.mark.usefixtures("journal")
@pytest.mark.parametrize("item9", [1, 2, 3])
def test_item_9_above_zero_prints_the_care_words_and_lines_on_stderr(run: Run, item9: int) -> None:
    result = run("checkin", "phq9", stdin=lines([0] * 8 + [item9]))
    assert result.code == 0
    assert f"PHQ-9 total: {item9} of 27" in result.out
    assert "Symptom level over the last two weeks: minimal." in result.out
    err = result.err
    assert CARE["title"] in err
    assert CARE["text"].split(",")[0] in " ".join(err.split())
    for line in (
        "988 Suicide & Crisis Lifeline",
        "Samaritans: Call 116 123",
        "Lifeline: Call 13 11 14",
    ):
        assert line in err
    assert "9-8-8" in err and "findahelpline.com" in err
    assert err.index("United States") < err.index("United Kingdom")  # the default region first
    assert CARE["title"] not in result.out
    [done] = exported(run)
    assert values(done)[-1] == item9  # kept as given
    assert done["completed_at"] is not None


@pytest.mark.usefixtures("journal")
def test_the_saved_region_comes_first(run: Run, tmp_path: Path) -> None:
    from earned import paths
    from earned.store import personal, repo

    store, _key = personal.unlock(paths.profile("default"), PASSPHRASE)
    try:
        with store.session() as s:
            repo.set_setting(session=s, key="region", value="au")
    finally:
        store.close()
    err = run("checkin", "phq9", stdin=lines([0] * 8 + [1])).err
    assert err.index("Australia") < err.index("United States")


@pytest.mark.usefixtures("journal")
def test_gad7_and_reliable_change_since_earlier_check_ins(run: Run) -> None:
    # GAD-7 S_diff = sqrt(2) * 3.4 * sqrt(.08) = 1.36. 12 -> 8: -4 / 1.36 = -2.94 (reliable
    # improvement); 8 -> 7: -1 / 1.36 = -0.74 (no reliable change); 12 -> 7: -3.68.
    assert "GAD-7 total: 12 of 21" in run("checkin", "gad7", stdin=lines([3, 3, 3, 3, 0, 0, 0])).out
    second = " ".join(run("checkin", "gad7", stdin=lines([2, 2, 2, 2, 0, 0, 0])).out.split())
    assert "GAD-7 total: 8 of 21" in second
    assert "Symptom level over the last two weeks: mild." in second
    assert "total 12): reliable improvement (-4, RCI -2.94)." in second
    assert "more than 2.67 points" in second
    third = " ".join(run("checkin", "gad7", stdin=lines([1, 1, 1, 1, 1, 1, 1])).out.split())
    assert "total 8): no reliable change (-1, RCI -0.74)." in third
    assert "Since your first check-in" in third and "reliable improvement (RCI -3.68)" in third
    assert [a["instrument"] for a in exported(run)] == ["gad7"] * 3


@pytest.mark.usefixtures("journal")
def test_invalid_input_going_back_and_enter_keeps(run: Run) -> None:
    # item 1: "x", then 4 (off the scale), then 1; item 2: 2; back; Enter keeps 2; the rest.
    script = "x\n4\n1\n2\nb\n\n" + lines([0] * 7)
    result = run("checkin", "gad7", stdin=script)
    assert result.code == 0, result.err
    assert result.out.count("No problem: please type a number from 0 to 3") == 2
    assert "Enter keeps 2" in result.out
    assert "GAD-7 total: 3 of 21" in result.out
    [done] = exported(run)
    assert values(done) == [1, 2, 0, 0, 0, 0, 0]


@pytest.mark.usefixtures("journal")
def test_pause_then_continue(run: Run) -> None:
    first = run("checkin", "phq9", stdin=lines([1, 1, 1]) + "q\n")
    assert first.code == 0
    assert "Paused. Your 3 answer(s) are saved; run `earned checkin phq9` again" in first.out
    second = run("checkin", "phq9", stdin=lines([1] * 5 + [0]))
    assert "Welcome back" in second.out and "(3 of 9 answered)" in second.out
    assert "[4/9]" in second.out and "[1/9]" not in second.out
    assert "PHQ-9 total: 8 of 27" in second.out
    [done] = exported(run)
    assert values(done) == [1] * 8 + [0]


@pytest.mark.usefixtures("journal")
def test_item_9_answered_then_paused_still_shows_the_care_words(run: Run) -> None:
    # Items 1-8, pause; then item 9 alone in a second run, which completes the check-in.
    first = run("checkin", "phq9", stdin=lines([0] * 8) + "q\n")
    assert first.err == ""
    second = run("checkin", "phq9", stdin="1\n")
    assert CARE["title"] in second.err


@pytest.mark.usefixtures("journal")
def test_end_of_input_at_once_saves_nothing(run: Run) -> None:
    result = run("checkin", "gad7", stdin="")
    assert result.code == 0
    assert "nothing was saved" in result.out
    assert exported(run) == []


def test_an_unknown_or_missing_check_in_is_a_usage_error(run: Run) -> None:
    for argv in (["checkin", "ecr"], ["checkin", "phq-9"], ["checkin"]):
        with pytest.raises(SystemExit) as stop:
            run(*argv)
        assert stop.value.code == 2


def test_help_names_both_check_ins(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        cli.main(["checkin", "--help"])
    out = " ".join(capsys.readouterr().out.split())
    assert "phq9|gad7" in out and "not a diagnosis" in out


def test_piped_through_a_real_process(pw: Path, data_dir: Path) -> None:
    assert earned("--passphrase-file", str(pw), "init").returncode == 0
    done = earned("--passphrase-file", str(pw), "checkin", "phq9", stdin=lines([3] * 8 + [2]))
    assert done.returncode == 0, done.stderr
    assert "PHQ-9 total: 26 of 27" in done.stdout
    assert "Symptom level over the last two weeks: severe." in done.stdout
    assert CARE["title"] in done.stderr and "988" in done.stderr
