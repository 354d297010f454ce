"""Run one workload in this project and in myks-gallery 0.9.1, side by side.

A benchmark script calls :func:`compare` (or :func:`run_worker` for each
side); the worker is the same script started with ``--worker SIDE`` under
the interpreter of that side. The baseline lives in ``.venv-baseline``,
created on first use with myks-gallery 0.9.1, the last Django it supports
and Pillow 9.5 (0.9.1's resizer fails on Pillow 10 and newer).

Workers must not import the project from the working directory: under the
baseline interpreter, ``import gallery`` has to find 0.9.1.
"""

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
]


def baseline_python():
    """Interpreter of the baseline virtualenv, created when missing."""
    python = BASELINE_VENV / "bin" / "python"
    stamp = BASELINE_VENV / ".installed"
    if not stamp.exists():
        venv.create(BASELINE_VENV, with_pip=True, clear=True)
        subprocess.run(
            [python, "-m", "pip", "install", "--quiet", *BASELINE_REQUIREMENTS],
            check=True,
        )
        stamp.touch()
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
    return {
        side: run_worker(side, script, *args, env=env)
        for side in ("baseline", "current")
    }


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
