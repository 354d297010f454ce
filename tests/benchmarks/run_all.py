"""Run every benchmark side by side with myks-gallery 0.9.1; print one table.

    .venv/bin/python tests/benchmarks/run_all.py [--quick] [--write] [TOPIC ...]

imports each ``tests/benchmarks/bench_<topic>.py``, calls its
``collect(quick=...)`` (rows of ``(label, baseline, current, unit)``) and
judges the goals of the issues that the module states (``goals(rows)`` or a
``GOALS`` mapping, see :func:`judge`). A full run writes
the table and the machine it ran on into ``docs/benchmarks.rst`` (``--write``
forces it for a quick run). The exit status is 1 when a goal fails.
"""

import argparse
import importlib
import multiprocessing
import sys
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))  # run as a script, it imports the benchmark modules
from tests.benchmarks.baseline import ratio, times_faster, verdict_of  # noqa: E402

HERE = Path(__file__).resolve().parent
# Topics whose quick workload is a size the issues ask about too.
ALSO_QUICK = {"scan": "10,000 photos"}


def topics():
    """Names of the benchmark modules, ``bench_`` left out, sorted."""
    return sorted(path.stem[len("bench_") :] for path in HERE.glob("bench_*.py"))


def run_topic(topic, quick, name=None):
    """Rows of one topic, each ``(topic, label, base, cur, unit, goal, verdict)``.

    Each topic runs in a fresh process: workers started by a large driver
    would inherit its peak memory (``ru_maxrss`` survives fork and exec).
    """
    name = name or topic
    context = multiprocessing.get_context("spawn")
    with context.Pool(1) as pool:
        return pool.apply(measure_topic, (topic, quick, name))


def measure_topic(topic, quick, name):
    module = importlib.import_module(f"tests.benchmarks.bench_{topic}")
    started = time.perf_counter()
    try:
        rows = list(module.collect(quick=quick))
        table = judge(name, module, rows)
    except Exception as exc:  # one broken benchmark must not hide the others
        traceback.print_exc()
        return [(name, f"error: {exc!r}"[:80], None, None, "", "runs", "FAIL")]
    print(f"{name}: {len(rows)} rows in {time.perf_counter() - started:.0f} s")
    return table


def judge(topic, module, rows):
    """Attach the goals a module states to its ``rows``.

    A ``GOALS`` mapping gives the times faster expected of the rows whose
    label starts with a key (in their goal and verdict columns); the
    ``(goal, verdict, ok)`` items of ``goals(rows)`` are listed after them.
    """
    faster = getattr(module, "GOALS", {})
    table = [(topic, *row, *times_faster_cells(faster, row)) for row in rows]
    for goal, verdict, ok in getattr(module, "goals", lambda rows: [])(rows):
        table.append((topic, f"goal: {goal}", None, None, "", verdict, verdict_of(ok)))
    return table


def times_faster_cells(faster, row):
    label, base, cur, _ = row
    times = times_faster(faster, label)
    if times is None:
        return "", ""
    return f">= {times}x faster", verdict_of(ratio(base, cur) >= times)


def ratio_text(base, cur):
    if base is None or cur is None:
        return ""
    if not cur:
        return "inf"
    return f"{base / cur:.1f}x"


def number(value, unit):
    if value is None:
        return ""
    return f"{value:.4g} {unit}".strip()


def cells(row):
    topic, label, base, cur, unit, goal, verdict = row
    return [
        topic,
        label,
        number(base, unit),
        number(cur, unit),
        ratio_text(base, cur),
        goal,
        verdict,
    ]


HEADER = ["topic", "workload", "0.9.1", "1.0", "ratio", "goal", "verdict"]


def print_table(rows):
    lines = [HEADER, *map(cells, rows)]
    widths = [max(len(line[i]) for line in lines) for i in range(len(HEADER))]
    for line in lines:
        padded = (cell.ljust(width) for cell, width in zip(line, widths, strict=True))
        print("  ".join(padded))


def main(argv=None):
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
    print()
    print(machine.describe())
    print_table(rows)
    if args.write or not (args.quick or args.topics):
        machine.write_docs(ROOT / "docs" / "benchmarks.rst", rows, args.quick)
    failed = [row for row in rows if row[-1] == "FAIL"]
    print(f"\n{len(failed)} goal(s) failed" if failed else "\nevery goal holds")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
