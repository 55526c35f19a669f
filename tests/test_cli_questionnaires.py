"""Questionnaires in the terminal (earned/cli/questionnaires.py): `earned assess` and
`results` (the ECR starting point, text and --json), and `earned checkin phq9|gad7`: the
questions one at a time from (piped) stdin, pausing and going back, the total and its
symptom level, reliable change since earlier check-ins, and for PHQ-9 item 9 above 0 the
care words and crisis lines on stderr, with every answer kept."""

from __future__ import annotations

import io
import json
import sys
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from earned import cli, content, instruments
from earned.cli import questionnaires
from earned.instruments.scoring import Scores, score
from tests.support import PASSPHRASE
from tests.support.cli import Result, call, demo_export, earned
from tests.support.journals import Journal

pytestmark = pytest.mark.usefixtures("no_ambient_secrets")

Run = Callable[..., Result]
ANSWERS = [(n % 5) + 1 for n in range(36)]  # a full, valid ECR answer set: 1,2,3,4,5,1,...
CARE = content.load("crisis")["care"]


@pytest.fixture
def run(
    journal: Journal, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> Run:
    """`earned ARGV` in-process on the set-up journal with its passphrase file, stdin from a
    string."""

    def invoke(*argv: str, stdin: str | None = None) -> Result:
        if stdin is not None:
            monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
        return call(capsys, *argv, pw=journal.pw)

    return invoke


@pytest.fixture
def demo_file(tmp_path: Path) -> Path:
    return demo_export(tmp_path)


def exported(run: Run) -> list[dict[str, object]]:
    data = json.loads(run("export").out)
    assessments: list[dict[str, object]] = data["assessments"]
    return assessments


def values(assessment: dict[str, object]) -> list[int]:
    answers = assessment["answers"]
    assert isinstance(answers, list)
    return [int(a["value"]) for a in answers]


# --- assess and results ----------------------------------------------------------------------


def lines(values: list[int]) -> str:
    return "".join(f"{v}\n" for v in values)


def test_assess_through_piped_stdin(journal: Journal) -> None:
    done = earned("--passphrase-file", str(journal.pw), "assess", stdin=lines(ANSWERS))
    assert done.returncode == 0, done.stderr
    assert "[1/36]" in done.stdout and "[36/36]" in done.stdout
    assert "strongly disagree" in done.stdout
    assert "Your latest result" in done.stdout
    assert "This is your first result" in done.stdout


def test_assess_handles_invalid_input_and_going_back(run: Run) -> None:
    # item 1 = 1, item 2 = 2, back to item 2, change it to 4, then the rest
    script = "x\n1\n\n9\n2\nb\n4\n" + lines(ANSWERS[2:])
    result = run("assess", stdin=script)
    assert result.code == 0, result.err
    assert result.out.count("No problem: please type a number from 1 to 5") == 3
    assert "Enter keeps 2" in result.out

    data = json.loads(run("results", "--json").out)
    expected = dict(enumerate(ANSWERS, start=1)) | {2: 4}
    scores = score(instruments.load("ecr"), expected)
    assert isinstance(scores, Scores)
    assert data["latest"]["scores"] == pytest.approx(scores.values)


def test_assess_pause_then_resume(run: Run) -> None:
    first = run("assess", stdin=lines(ANSWERS[:10]) + "q\n")
    assert first.code == 0
    assert "Paused. Your 10 answer(s) are saved" in first.out
    assert "1 of 36" not in first.out

    waiting = run("results")
    assert "There are no results yet" in waiting.out
    assert "10 of 36 answered" in waiting.out

    second = run("assess", stdin=lines(ANSWERS[10:]))
    assert second.code == 0, second.err
    assert "Welcome back" in second.out and "10 of 36 answered" in second.out
    assert "[11/36]" in second.out and "[1/36]" not in second.out
    assert "Your latest result" in second.out

    data = json.loads(run("export").out)
    assert len(data["assessments"]) == 1
    (done,) = data["assessments"]
    assert done["completed_at"] is not None
    assert [a["value"] for a in done["answers"]] == ANSWERS


def test_assess_end_of_input_pauses_and_leaving_at_once_saves_nothing(run: Run) -> None:
    result = run("assess", stdin="")
    assert result.code == 0
    assert "nothing was saved" in result.out
    assert json.loads(run("export").out)["assessments"] == []

    partial = run("assess", stdin="3\n3\n")
    assert "Your 2 answer(s) are saved" in partial.out


def test_results_when_there_are_none(run: Run) -> None:
    text = run("results")
    assert text.code == 0
    assert "There are no results yet" in text.out
    assert "earned assess" in text.out
    data = json.loads(run("results", "--json").out)
    assert data["latest"] is None
    assert data["trajectory"] == []


def test_results_text_and_json(run: Run, demo_file: Path) -> None:
    assert run("import", str(demo_file)).code == 0
    text = run("results")
    assert text.code == 0, text.err
    out = text.out
    assert "Attachment anxiety" in out and "Attachment avoidance" in out
    assert "% of the reference sample" in out
    assert "Leaning" in out
    assert "Attachment is dimensional" in out  # the caveat
    assert "Reliable Change Index" in out
    assert "no reliable change" in out
    assert "Since your first result" in out and "reliable improvement" in out
    assert "0.916" in out and "Cronbach" in out  # the reliability and where it comes from

    data = json.loads(run("results", "--json").out)
    completed = [
        a
        for a in json.loads(demo_file.read_text())["assessments"]
        if a["completed_at"] and a["instrument"] == "ecr"  # `results` is the ECR's by default
    ]
    assert len(data["trajectory"]) == len(completed)
    assert data["trajectory"][0]["changes"] == {}
    for step in data["trajectory"][1:]:
        assert set(step["changes"]) == {"anxiety", "avoidance"}
        for change in step["changes"].values():
            assert change["verdict"] in {
                "reliable improvement",
                "no reliable change",
                "reliable worsening",
            }
    latest = data["latest"]
    assert set(latest["scores"]) == {"anxiety", "avoidance"}
    assert all(0 <= p <= 100 for p in latest["percentiles"].values())
    assert latest["reading"]["title"].startswith("Leaning")
    assert data["overall"]["anxiety"]["verdict"] == "reliable improvement"
    assert data["reliability"]["anxiety"]["value"] == 0.916
    assert "Cronbach" in data["reliability"]["anxiety"]["source"]


def test_results_lines_stay_within_80_columns(
    data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """On the demo journal (18 months, a dozen results, one still in progress), then with
    the longest words each part can take."""
    from earned.cli import profile

    assert call(capsys, "demo").code == 0
    pw = tmp_path / "demo-pw"
    pw.write_text(profile.DEMO_PASSPHRASE + "\n", encoding="utf-8")
    shown = call(capsys, "results", pw=pw, profile="demo")
    assert shown.code == 0, shown.err
    lines = shown.out.splitlines()
    assert len(lines) > 30
    assert [line for line in lines if len(line) > 80] == []
    over_time = lines.index("Over time (Reliable Change Index: a change counts when |RCI| > 1.96)")
    table = lines[over_time + 1 : lines.index("", over_time)]
    assert len(table) > 10
    assert table[1].endswith("first result")
    assert len({line.index(" 2.", 20) for line in table[2:] if " 2." in line[20:]}) == 1

    data = json.loads(call(capsys, "results", "--json", pw=pw, profile="demo").out)
    steps = data["trajectory"]
    for sid in ("anxiety", "avoidance"):
        steps[1]["changes"][sid].update(change=-0.89, verdict="reliable improvement")
        steps[2]["changes"][sid].update(change=+1.11, verdict="reliable worsening")
    steps[3]["too_soon"] = True
    data["latest"]["percentiles"] = {"anxiety": 0.5, "avoidance": 99.5}
    questionnaires._print_results(data)
    longest = capsys.readouterr().out.splitlines()
    assert [line for line in longest if len(line) > 80] == []
    # The longest placement wraps under its own column.
    at = longest.index("  Attachment avoidance  2.06  higher than almost everyone in the reference")
    assert longest[at + 1] == " " * 30 + "sample"
    assert any(line.count("reliable improvement") == 2 for line in longest)
    assert any(line.count("too soon to compare") == 2 for line in longest)
    assert data["unfinished"] is not None


# --- check-ins ----------------------------------------------------------------------------------


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


def test_the_saved_region_comes_first(run: Run, tmp_path: Path) -> None:
    from earned import paths
    from earned.store import personal, settings

    store, _key = personal.unlock(paths.profile("default"), PASSPHRASE)
    try:
        with store.session() as s:
            settings.set_setting(session=s, key="region", value="au")
    finally:
        store.close()
    err = run("checkin", "phq9", stdin=lines([0] * 8 + [1])).err
    assert err.index("Australia") < err.index("United States")


def test_gad7_and_reliable_change_since_earlier_check_ins(
    run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GAD-7 S_diff = sqrt(2) * 3.4 * sqrt(.08) = 1.36. 12 -> 8: -4 / 1.36 = -2.94 (reliable
    # improvement); 8 -> 7: -1 / 1.36 = -0.74 (no reliable change); 12 -> 7: -3.68.
    clock = [datetime.now(UTC)]
    monkeypatch.setattr(questionnaires, "now", lambda: clock[0])
    assert "GAD-7 total: 12 of 21" in run("checkin", "gad7", stdin=lines([3, 3, 3, 3, 0, 0, 0])).out
    clock[0] += timedelta(weeks=3)  # check-ins a fair interval apart
    second = " ".join(run("checkin", "gad7", stdin=lines([2, 2, 2, 2, 0, 0, 0])).out.split())
    assert "GAD-7 total: 8 of 21" in second
    assert "Symptom level over the last two weeks: mild." in second
    assert "total 12): reliable improvement (-4, RCI -2.94)." in second
    assert "more than 2.67 points" in second
    clock[0] += timedelta(weeks=3)
    third = " ".join(run("checkin", "gad7", stdin=lines([1, 1, 1, 1, 1, 1, 1])).out.split())
    assert "total 8): no reliable change (-1, RCI -0.74)." in third
    assert "Since your first check-in" in third and "reliable improvement (RCI -3.68)" in third
    assert [a["instrument"] for a in exported(run)] == ["gad7"] * 3


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


def test_item_9_answered_then_paused_still_shows_the_care_words(run: Run) -> None:
    # Items 1-8, pause; then item 9 alone in a second run, which completes the check-in.
    first = run("checkin", "phq9", stdin=lines([0] * 8) + "q\n")
    assert first.err == ""
    second = run("checkin", "phq9", stdin="1\n")
    assert CARE["title"] in second.err


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


def test_piped_through_a_real_process(journal: Journal) -> None:
    done = earned(
        "--passphrase-file", str(journal.pw), "checkin", "phq9", stdin=lines([3] * 8 + [2])
    )  # 26: severe
    assert done.returncode == 0, done.stderr
    assert "PHQ-9 total: 26 of 27" in done.stdout
    assert "Symptom level over the last two weeks: severe." in done.stdout
    assert CARE["title"] in done.stderr and "988" in done.stderr


@pytest.mark.parametrize(("instrument", "answers"), [("phq9", [3] * 8 + [0]), ("gad7", [3] * 7)])
def test_a_severe_total_prints_the_lines_it_points_to(
    run: Run, instrument: str, answers: list[int]
) -> None:
    """The severe band's words send a person to the help lines, so the terminal prints
    them too (there is no "Get help now" link in a terminal); item 9 is 0 here."""
    result = run("checkin", instrument, stdin=lines(answers))
    assert result.code == 0
    assert "Symptom level over the last two weeks: severe." in result.out
    assert CARE["title"] in result.err
    assert "988 Suicide & Crisis Lifeline" in result.err


def test_a_moderate_total_prints_no_lines(run: Run) -> None:
    result = run("checkin", "gad7", stdin=lines([2] * 5 + [0, 0]))
    assert "Symptom level over the last two weeks: moderate." in result.out
    assert result.err == ""


# --- WHO-5, SCS-SF and the ECR-R ------------------------------------------------------------


def test_the_cli_names_every_check_in_and_starting_point() -> None:
    from earned import checkin, results

    assert list(questionnaires.CHECKINS) == checkin.available()
    assert list(questionnaires.STARTING) == list(results.STARTING_POINTS)


def test_who5_check_in_in_the_terminal(run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    clock = [datetime.now(UTC)]
    monkeypatch.setattr(questionnaires, "now", lambda: clock[0])
    # 2+2+2+3+3 = 12 raw = 48%: the gentle cue, no crisis lines.
    result = run("checkin", "who5", stdin=lines([2, 2, 2, 3, 3]))
    first = " ".join(result.out.split())
    assert CARE["title"] not in result.out + result.err
    assert "WHO-5 well-being: 48 of 100" in first
    assert "Well-being over the last two weeks." in first
    assert "talk this over with a doctor" in first
    clock[0] += timedelta(weeks=3)
    # 60%: +12 points, more than the published 10.
    second = " ".join(run("checkin", "who5", stdin=lines([3] * 5)).out.split())
    assert "well-being 48): reliable improvement (+12 points)." in second
    assert "more than 10 points" in second
    assert [a["instrument"] for a in exported(run)] == ["who5", "who5"]


def test_scs_sf_check_in_in_the_terminal(run: Run) -> None:
    # Keyed 4 4 3 4 4 3 4 5 4 3 5 4 = 47 / 12 = 3.92.
    answers = [2, 4, 3, 2, 4, 3, 4, 1, 2, 3, 1, 2]
    out = " ".join(run("checkin", "scssf", stdin=lines(answers)).out.split())
    assert "SCS-SF self-compassion: 3.92 on a scale from 1 to 5" in out
    assert "Your answer (1-5" in out


def test_ecr_r_in_the_terminal_and_its_results(run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    clock = [datetime.now(UTC)]
    monkeypatch.setattr(questionnaires, "now", lambda: clock[0])
    # Everything 4 (the midpoint mirrors onto itself): both means 4.00.
    first = " ".join(run("assess", "--instrument", "ecrr", stdin=lines([4] * 36)).out.split())
    assert "Attachment anxiety: 4.00" in first and "Attachment avoidance: 4.00" in first
    assert "Your answer (1-7" in first
    clock[0] += timedelta(weeks=4)
    # Anxiety items 1-18 answered 2 except reversed 9, 11 answered 6 (keyed 2): 2.00.
    answers = [6 if n in (9, 11) else 2 for n in range(1, 19)] + [4] * 18
    second = " ".join(run("assess", "--instrument", "ecrr", stdin=lines(answers)).out.split())
    assert "Attachment anxiety -2.00, Attachment avoidance +0.00" in second
    assert "no reliable-change verdict" in second
    data = json.loads(run("results", "--instrument", "ecrr", "--json").out)
    assert [s["scores"]["anxiety"] for s in data["trajectory"]] == [4.0, 2.0]
    assert data["judged"] is False
    # The ECR's results stay the ECR's.
    assert "There are no results yet." in run("results").out


def test_ecr_r_pause_names_the_command_to_continue(run: Run) -> None:
    out = run("assess", "--instrument", "ecrr", stdin=lines([3, 3]) + "q\n").out
    assert "run `earned assess --instrument ecrr` again" in out
    assert "There are no ECR-R results yet" in run("results", "--instrument", "ecrr").out
