"""Run one workload in this project and in myks-gallery 0.9.1, side by side.

A benchmark script calls :func:`compare` (or :func:`run_worker` for each
side); the worker is the same script started with ``--worker SIDE`` under
the interpreter of that side. Every script ends with :func:`main`, which
runs its worker or both sides, then prints the table and the goals.

The baseline lives in ``.venv-baseline``, created on first use with
myks-gallery 0.9.1, the last Django it supports, Pillow 9.5 (0.9.1's resizer
fails on Pillow 10 and newer) and django-storages with boto3 (for the S3
scan). It is completed when :data:`BASELINE_REQUIREMENTS` change.

Workers must not import the project from the working directory: under the
baseline interpreter, ``import gallery`` has to find 0.9.1. This module
imports only the standard library, so that workers can use :func:`main`.
"""

import argparse
import json
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BASELINE_VENV = Path(os.environ.get("GALLERY_BASELINE_VENV", ROOT / ".venv-baseline"))
BASELINE_REQUIREMENTS = [
    "myks-gallery==0.9.1",
    "Django>=4.2,<5",
    "Pillow==9.5.0",
    "libthumbor",
    "django-storages[s3]>=1.14",
]
SIDES = ("baseline", "current")


def baseline_python():
    """Interpreter of the baseline virtualenv, created or completed when needed."""
    python = BASELINE_VENV / "bin" / "python"
    stamp = BASELINE_VENV / ".installed"
    # The stamp lists what was installed: a virtualenv made for fewer
    # requirements gets the new ones on top.
    wanted = "\n".join(BASELINE_REQUIREMENTS)
    if not stamp.exists() or stamp.read_text() != wanted:
        if not python.exists():
            venv.create(BASELINE_VENV, with_pip=True, clear=True)
        subprocess.run(
            [python, "-m", "pip", "install", "--quiet", *BASELINE_REQUIREMENTS],
            check=True,
        )
        stamp.write_text(wanted)
    return str(python)


def python_for(side):
    return sys.executable if side == "current" else baseline_python()


def run_worker(side, script, *args, env=None):
    """Run ``script --worker SIDE ARGS`` on ``side``; return its JSON result.

    The worker prints one JSON object on its last line of output.
    """
    command = [python_for(side), str(script), "--worker", side, *map(str, args)]
    worker_env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    worker_env.update(env or {})
    result = subprocess.run(
        command,
        env=worker_env,
        cwd=Path(script).resolve().parent,
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        raise RuntimeError(f"{side} worker failed:\n{result.stderr[-3000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def compare(script, *args, env=None):
    """Run the workload on both sides; return ``{"current": ..., "baseline": ...}``."""
    return {side: run_worker(side, script, *args, env=env) for side in SIDES}


def ratio(baseline, current):
    """How many times faster (or smaller) ``current`` is than ``baseline``."""
    return baseline / current if current else float("inf")


def print_table(title, rows):
    """Print rows of ``(label, baseline, current, unit)`` with their ratio."""
    print(f"\n{title}")
    print(f"{'workload':<44} {'0.9.1':>12} {'1.0':>12} {'ratio':>8}")
    for label, base, cur, unit in rows:
        print(
            f"{label:<44} {base:>10.4g}{unit:>2} {cur:>10.4g}{unit:>2} "
            f"{ratio(base, cur):>7.1f}x"
        )


def verdict_of(ok):
    """``OK``, ``FAIL``, or ``n/a`` for a goal that does not apply (``ok`` None)."""
    return "n/a" if ok is None else "OK" if ok else "FAIL"


def times_faster(faster, label):
    """Times faster that ``faster`` (label prefix: times) expects, or None."""
    return next((n for prefix, n in faster.items() if label.startswith(prefix)), None)


def judge(rows, goals=None, faster=None):
    """``(goal, verdict, ok)`` for every goal stated about ``rows``.

    ``goals(rows)`` returns such items itself; ``faster`` maps label prefixes
    to the times faster than 0.9.1 expected of the matching rows.
    """
    results = list(goals(rows)) if goals else []
    for label, base, cur, _ in rows:
        times = times_faster(faster or {}, label)
        if times is not None:
            speedup = ratio(base, cur)
            goal = f"{label}: >= {times}x faster"
            results.append((goal, f"{speedup:.1f}x", speedup >= times))
    return results


def print_goals(results):
    """Print ``(goal, verdict, ok)`` items, one line each."""
    for goal, verdict, ok in results:
        print(f"{verdict_of(ok):<5} {goal}{f': {verdict}' if verdict else ''}")


def main(title, collect, worker, goals=None, faster=None, argv=None):
    """Run a benchmark script; return its exit status (1 when a goal fails).

    With ``--worker SIDE ARGS``, print ``worker(SIDE, *ARGS)`` (a JSON-ready
    result; ARGS are strings) on one line. Otherwise print the table of
    ``collect(quick=...)`` under ``title`` and the goals (see :func:`judge`).
    """
    parser = argparse.ArgumentParser(description=title)
    parser.add_argument("--quick", action="store_true", help="small workloads")
    parser.add_argument("--worker", choices=SIDES, help="run one side only")
    parser.add_argument("args", nargs="*", help="the worker's arguments")
    options = parser.parse_args(argv)
    if options.worker:
        print(json.dumps(worker(options.worker, *options.args)))
        return 0
    # The driver imports ``tests.benchmarks``; a worker never does.
    sys.path.insert(0, str(ROOT))
    rows = collect(quick=options.quick)
    print_table(title, rows)
    results = judge(rows, goals, faster)
    print_goals(results)
    return 1 if any(verdict_of(ok) == "FAIL" for *_, ok in results) else 0
