"""Run one workload in this project and in myks-gallery 0.9.1, side by side.

A benchmark script is a module ``bench_<topic>.py`` with ``collect(quick)``
(its rows, see :class:`Row`), ``worker(side, *args)`` (the figures of one
side, JSON-ready) and the goals it states (``goals(rows)`` and/or a
``GOALS`` mapping, see ``run_all.judge``). ``collect`` calls :func:`compare`,
which starts the same script with ``--worker SIDE`` under the interpreter of
each side; every script ends with :func:`main`.

Timing policy, the same for every figure: the best of N. A duration is the
smallest of several runs (:func:`best_times`), and when the sides run in
several rounds (:func:`compare`) each figure is the smallest of the rounds.
On a shared machine a disturbance only ever adds time: the least disturbed
run is the truest, and the smallest is steadier than a median of few runs.

The baseline lives in ``.venv-baseline``, created on first use with
myks-gallery 0.9.1, the last Django it supports, Pillow 9.5 (0.9.1's resizer
fails on Pillow 10 and newer) and django-storages with boto3 (for the S3
scan). It is completed when :data:`BASELINE_REQUIREMENTS` change.

Workers must not import the project from the working directory: under the
baseline interpreter, ``import gallery`` has to find 0.9.1. This module
imports only the standard library, so that workers can use it.
"""

import argparse
import dataclasses
import json
import os
import resource
import subprocess
import sys
import time
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
REPEAT = 5  # runs of a duration in a worker, unless a script says otherwise


@dataclasses.dataclass(frozen=True)
class Row:
    """One line of a table: a figure of both sides, then its topic and goal.

    ``key`` names the figure for the goals that read it (labels may hold
    sizes); ``collect()`` fills the first five fields, ``run_all`` the rest.
    """

    key: str
    label: str
    baseline: float | None
    current: float | None
    unit: str = ""
    topic: str = ""
    goal: str = ""
    verdict: str = ""


@dataclasses.dataclass(frozen=True)
class Goal:
    """A goal stated about some rows, what was measured, and whether it holds.

    ``ok`` is None for a goal that does not apply (set for another size).
    """

    text: str
    measured: str
    ok: bool | None


def rows_of(results, measures):
    """Rows of ``measures``, ``(key, label, unit)`` items, from both sides' results."""
    base, cur = results["baseline"], results["current"]
    return [Row(key, label, base[key], cur[key], unit) for key, label, unit in measures]


def by_key(rows):
    """``rows`` as a mapping of their keys."""
    return {row.key: row for row in rows}


def cpu_time():
    """The processor time of this process and of the processes it started and
    waited for (a scan's process reading ahead)."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def best_times(workloads, repeat=REPEAT, before=None, clock=time.perf_counter):
    """Smallest duration of each ``workloads`` callable over ``repeat`` rounds.

    Each round runs every workload in turn (``before()`` ahead of each), so
    that the load of the machine affects them all alike. ``clock`` is the
    wall clock, or ``time.process_time`` where all the work is in-process,
    or :func:`cpu_time` where some of it is in processes it starts.
    """
    times = {name: [] for name in workloads}
    for _ in range(repeat):
        for name, function in workloads.items():
            if before:
                before()
            start = clock()
            function()
            times[name].append(clock() - start)
    return {name: min(values) for name, values in times.items()}


def best_time(function, repeat=REPEAT, before=None, clock=time.perf_counter):
    """Smallest duration of ``function()`` over ``repeat`` runs (see best_times)."""
    return best_times({"": function}, repeat, before, clock)[""]


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
    """Interpreter that runs the worker of ``side``."""
    return sys.executable if side == "current" else baseline_python()


def run_worker(side, script, *args, env=None):
    """Run ``script --worker SIDE ARGS`` on ``side``; return its JSON result.

    The worker prints one JSON object on its last line of output.
    """
    command = [python_for(side), str(script), "--worker", side, *map(str, args)]
    # The current side imports the ``gallery`` of this checkout, whatever the
    # virtualenv holds (another checkout, installed in editable mode).
    path = {"PYTHONPATH": str(ROOT)} if side == "current" else {}
    worker_env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    worker_env.update(path, **(env or {}))
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


def compare(script, *args, rounds=1, env=None):
    """Run the workload on both sides, in turn, ``rounds`` times.

    Return ``{"baseline": ..., "current": ...}``, each figure the smallest
    of its side's rounds (a busy moment then penalises neither side alone).
    """
    runs = {side: [] for side in SIDES}
    for _ in range(rounds):
        for side in SIDES:
            runs[side].append(run_worker(side, script, *args, env=env))
    return {side: best_figures(results) for side, results in runs.items()}


def best_figures(results):
    """The smallest value of each figure over ``results``, dicts of one worker."""
    return {key: min(result[key] for result in results) for key in results[0]}


def ratio(baseline, current):
    """How many times faster (or smaller) ``current`` is than ``baseline``."""
    return baseline / current if current else float("inf")


def verdict_of(ok):
    """``OK``, ``FAIL``, or ``n/a`` for a goal that does not apply (``ok`` None)."""
    return "n/a" if ok is None else "OK" if ok else "FAIL"


def wrong_gallery(side):
    """Why the ``gallery`` this worker imported is not its side's, or "".

    The current side must run this checkout's, the baseline side must not.
    """
    module = sys.modules.get("gallery")
    if module is None:
        return ""
    ours = Path(module.__file__).resolve().parent == ROOT / "gallery"
    if ours == (side == "current"):
        return ""
    return f"the {side} worker imported the gallery of {module.__file__}"


def main(module, argv=None):
    """Run a benchmark script; return its exit status (1 when a goal fails).

    With ``--worker SIDE ARGS``, print ``module.worker(SIDE, *ARGS)`` (ARGS
    are strings) as JSON on one line, or fail if the worker imported another
    side's ``gallery`` (see :func:`wrong_gallery`). Otherwise run the script's topic as
    ``run_all.py [--quick] TOPIC`` does.
    """
    parser = argparse.ArgumentParser(description=module.__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small workloads")
    parser.add_argument("--worker", choices=SIDES, help="run one side only")
    parser.add_argument("args", nargs="*", help="the worker's arguments")
    options = parser.parse_args(argv)
    if options.worker:
        figures = module.worker(options.worker, *options.args)
        wrong = wrong_gallery(options.worker)
        if wrong:
            print(wrong, file=sys.stderr)
            return 1
        print(json.dumps(figures))
        return 0
    # The driver imports ``tests.benchmarks``; a worker never does.
    sys.path.insert(0, str(ROOT))
    from tests.benchmarks import run_all

    topic = Path(module.__file__).stem.removeprefix("bench_")
    return run_all.main(["--quick", topic] if options.quick else [topic])
