"""Run every benchmark side by side with myks-gallery 0.9.1; print one table.

    .venv/bin/python tests/benchmarks/run_all.py [--quick] [--write] [TOPIC ...]

imports each ``tests/benchmarks/bench_<topic>.py``, calls its
``collect(quick=...)`` (rows, see ``baseline.Row``) and judges the goals
that the module states (``goals(rows)`` or a ``GOALS`` mapping, see
:func:`judge`). A full run of every topic writes the table and the machine it
ran on into ``docs/benchmarks.rst``; ``--write`` forces it for another run.
The exit status is 1 when a goal fails.
"""

import argparse
import dataclasses
import importlib
import multiprocessing
import sys
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))  # run as a script, it imports the benchmark modules
from tests.benchmarks import table  # noqa: E402
from tests.benchmarks.baseline import Row, ratio, verdict_of  # noqa: E402

HERE = Path(__file__).resolve().parent
# Topics whose quick workload is a size the issues ask about too.
ALSO_QUICK = {"scan": "10,000 photos"}


def topics():
    """Names of the benchmark modules, ``bench_`` left out, sorted."""
    return sorted(path.stem[len("bench_") :] for path in HERE.glob("bench_*.py"))


def run_topic(topic, quick, name=None):
    """Judged rows of one topic, named ``name`` in the table (default: topic).

    Each topic runs in a fresh process: workers started by a large driver
    would inherit its peak memory (``ru_maxrss`` survives fork and exec).
    """
    context = multiprocessing.get_context("spawn")
    with context.Pool(1) as pool:
        return pool.apply(measure_topic, (topic, quick, name or topic))


def measure_topic(topic, quick, name):
    """Collect and judge the rows of ``topic``; one failed row if it breaks."""
    module = importlib.import_module(f"tests.benchmarks.bench_{topic}")
    started = time.perf_counter()
    try:
        rows = list(module.collect(quick=quick))
        judged = judge(name, module, rows)
    except Exception as exc:  # one broken benchmark must not hide the others
        traceback.print_exc()
        error = f"error: {exc!r}"[:80]
        return [
            Row("error", error, None, None, topic=name, goal="runs", verdict="FAIL")
        ]
    print(f"{name}: {len(rows)} rows in {time.perf_counter() - started:.0f} s")
    return judged


def judge(topic, module, rows):
    """``rows`` of ``topic`` with the goals ``module`` states, then one row a goal.

    A ``GOALS`` mapping gives the times faster expected of the rows whose
    label starts with a key (in their goal and verdict columns); the
    :class:`~baseline.Goal` items of ``goals(rows)`` follow the rows.
    """
    faster = getattr(module, "GOALS", {})
    judged = [
        times_faster(faster, dataclasses.replace(row, topic=topic)) for row in rows
    ]
    for goal in getattr(module, "goals", lambda rows: [])(rows):
        label, verdict = f"goal: {goal.text}", verdict_of(goal.ok)
        judged.append(Row("goal", label, None, None, "", topic, goal.measured, verdict))
    return judged


def times_faster(faster, row):
    """``row`` with the goal of ``faster`` whose key starts its label, if any."""
    times = next(
        (n for start, n in faster.items() if row.label.startswith(start)), None
    )
    if times is None:
        return row
    ok = ratio(row.baseline, row.current) >= times
    return dataclasses.replace(row, goal=f">= {times}x faster", verdict=verdict_of(ok))


def main(argv=None):
    """Run the topics named in ``argv`` (every one by default); return the status."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small workloads")
    parser.add_argument("--write", action="store_true", help="update the docs")
    parser.add_argument("topics", nargs="*", help=f"among {', '.join(topics())}")
    args = parser.parse_args(argv)
    from tests.benchmarks import machine

    unknown = set(args.topics) - set(topics())
    if unknown:
        parser.error(f"unknown topics: {', '.join(sorted(unknown))}")
    rows = []
    for topic in args.topics or topics():
        rows += run_topic(topic, args.quick)
        if topic in ALSO_QUICK and not args.quick:
            rows += run_topic(topic, True, f"{topic} ({ALSO_QUICK[topic]})")
    print(f"\n{machine.describe()}\n{table.text(rows)}")
    if args.write or not (args.quick or args.topics):
        machine.write_docs(ROOT / "docs" / "benchmarks.rst", rows, args.quick)
    failed = [row for row in rows if row.verdict == "FAIL"]
    print(f"\n{len(failed)} goal(s) failed" if failed else "\nevery goal holds")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
