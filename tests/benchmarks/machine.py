"""The machine a benchmark ran on, and the table written into the docs."""

import datetime
import os
import platform
import re
import subprocess
import sys

VERSIONS = (
    "import sys, django, PIL; "
    "print(sys.version.split()[0], django.get_version(), PIL.__version__)"
)
START = ".. benchmark-table-start"
END = ".. benchmark-table-end"


def cpu_model():
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def versions(python):
    """``(Python, Django, Pillow)`` versions of interpreter ``python``."""
    try:
        output = subprocess.run(
            [python, "-c", VERSIONS], capture_output=True, text=True, check=True
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        return ("?", "?", "?")
    return tuple(output.split())


def facts():
    from tests.benchmarks.baseline import BASELINE_VENV

    baseline = BASELINE_VENV / "bin" / "python"
    current = versions(sys.executable)
    old = versions(str(baseline)) if baseline.exists() else ("?", "?", "?")
    return {
        "date": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "CPU": f"{cpu_model()}, {os.cpu_count()} cores",
        "system": f"{platform.system()} {platform.release()}",
        "1.0": "Python {}, Django {}, Pillow {}".format(*current),
        "0.9.1": "Python {}, Django {}, Pillow {}".format(*old),
    }


def describe():
    return "\n".join(f"{key}: {value}" for key, value in facts().items())


def rst_table(rows, quick):
    """The machine and the table of ``rows`` in reStructuredText."""
    from tests.benchmarks import table

    described = facts()
    quick = " (quick workloads)" if quick else ""
    lines = [f"Measured {described.pop('date')}{quick}:", ""]
    lines += [*(f"- {key}: {value}" for key, value in described.items()), ""]
    return "\n".join([*lines, table.rst(rows)])


def write_docs(path, rows, quick):
    """Replace the table between the markers of ``path`` with ``rows``."""
    text = path.read_text(encoding="utf-8")
    pattern = re.compile(rf"{re.escape(START)}\n.*?{re.escape(END)}", re.S)
    table = f"{START}\n\n{rst_table(rows, quick)}\n\n{END}"
    path.write_text(pattern.sub(lambda _: table, text), encoding="utf-8")
    print(f"written into {path}")
