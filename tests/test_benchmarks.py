"""The command line and the goals shared by the benchmark scripts."""

import json
import types

from tests.benchmarks import baseline, run_all

ROWS = [
    ("index, anonymous", 0.4, 0.1, "s"),
    ("photo, anonymous", 0.1, 0.2, "s"),
]


def goals(rows):
    return [("photo under 0.5 s", "0.2 s", True), ("size-bound goal", "", None)]


def test_judge_lists_stated_goals_then_times_faster():
    results = baseline.judge(ROWS, goals, faster={"index": 3, "photo": 1})
    assert results == [
        ("photo under 0.5 s", "0.2 s", True),
        ("size-bound goal", "", None),
        ("index, anonymous: >= 3x faster", "4.0x", True),
        ("photo, anonymous: >= 1x faster", "0.5x", False),
    ]


def test_verdicts():
    assert [baseline.verdict_of(ok) for ok in (True, False, None)] == [
        "OK",
        "FAIL",
        "n/a",
    ]


def test_main_runs_the_worker_of_one_side(capsys):
    def worker(side, *args):
        return {"side": side, "args": args}

    status = baseline.main("T", None, worker, argv=["--worker", "baseline", "a", "1"])
    assert status == 0
    result = json.loads(capsys.readouterr().out.splitlines()[-1])
    assert result == {"side": "baseline", "args": ["a", "1"]}


def test_main_prints_table_and_goals_and_fails_on_a_failed_goal(capsys):
    def collect(quick):
        assert quick
        return ROWS

    status = baseline.main("Title", collect, None, goals, {"photo": 1}, ["--quick"])
    out = capsys.readouterr().out
    assert status == 1
    assert "Title" in out
    assert "OK    photo under 0.5 s: 0.2 s" in out
    assert "n/a   size-bound goal" in out
    assert "FAIL  photo, anonymous: >= 1x faster: 0.5x" in out


def test_main_succeeds_when_no_goal_fails(capsys):
    status = baseline.main("Title", lambda quick: ROWS, None, goals, argv=[])
    assert status == 0


def test_run_all_puts_goals_in_the_table():
    module = types.SimpleNamespace(GOALS={"index": 3}, goals=goals)
    table = run_all.judge("pages", module, ROWS)
    assert table == [
        ("pages", *ROWS[0], ">= 3x faster", "OK"),
        ("pages", *ROWS[1], "", ""),
        ("pages", "goal: photo under 0.5 s", None, None, "", "0.2 s", "OK"),
        ("pages", "goal: size-bound goal", None, None, "", "", "n/a"),
    ]
