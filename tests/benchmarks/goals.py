"""The speed goals of the issues, for benchmarks that do not judge themselves.

Each goal names its topic, a pattern matching the labels of the rows it
applies to, a description, and a test of ``(row, rows)``; a row is
``(label, baseline, current, unit)``. A goal that matches no row fails, so a
renamed row cannot silently drop its goal.
"""

import re


def faster(times):
    return lambda row, rows: row[2] and row[1] / row[2] >= times


def at_most(limit):
    return lambda row, rows: row[2] <= limit


def within_reference(pattern, times):
    """Current time within ``times`` the current value of the row ``pattern``."""

    def check(row, rows):
        reference = find(rows, pattern)
        return reference is not None and row[2] <= times * reference[2]

    return check


def find(rows, pattern):
    for row in rows:
        if re.search(pattern, row[0], re.I):
            return row
    return None


GOALS = [
    ("pages", r"^index", ">= 3x faster", faster(3)),
    ("pages", r"^album.*2,?000", ">= 4x faster", faster(4)),
    (
        "resize",
        r"thumb.*(cold|first)",
        "<= 1.2x decode at 1/8",
        within_reference(r"decode.*1/8", 1.2),
    ),
    (
        "resize",
        r"standard.*(cold|first)",
        "<= 1.3x decode at 1/4",
        within_reference(r"decode.*1/4", 1.3),
    ),
    ("resize", r"decodes", "one decode", at_most(1)),
    ("export", r"first byte", "<= 0.1 s", at_most(0.1)),
    ("export", r"memory", "<= 30 MB above rest", at_most(30)),
    ("s3", r"^scan.*requests", "<= 12 requests", at_most(12)),
    ("s3", r"^rescan.*requests", "<= 12 requests", at_most(12)),
]


def judge_rows(topic, rows):
    """``rows`` with a goal and a verdict each, then the goals matching no row."""
    goals = [goal for goal in GOALS if goal[0] == topic]
    used = set()
    judged = []
    for row in rows:
        goal, verdict = "", ""
        for index, (_, pattern, description, check) in enumerate(goals):
            if re.search(pattern, row[0], re.I):
                used.add(index)
                goal = description
                verdict = "OK" if check(row, rows) else "FAIL"
                break
        judged.append((*row, goal, verdict))
    for index, (_, pattern, description, _) in enumerate(goals):
        if index not in used:
            label = f"no row matches /{pattern}/"
            judged.append((label, None, None, "", description, "FAIL"))
    return judged
