"""The table of benchmark rows, for the terminal and for the docs."""

HEADER = ["topic", "workload", "0.9.1", "1.0", "ratio", "goal", "verdict"]


def number(value, unit):
    """``value`` with four significant digits and its unit; empty for None."""
    return "" if value is None else f"{value:.4g} {unit}".strip()


def ratio_text(row):
    """How many times faster (or smaller) the current side is, as text."""
    if row.baseline is None or row.current is None:
        return ""
    return f"{row.baseline / row.current:.1f}x" if row.current else "inf"


def cells(row):
    """The cells of ``row`` in the order of :data:`HEADER`."""
    return [
        row.topic,
        row.label,
        number(row.baseline, row.unit),
        number(row.current, row.unit),
        ratio_text(row),
        row.goal,
        row.verdict,
    ]


def text(rows):
    """The table as aligned columns of text."""
    lines = [HEADER, *map(cells, rows)]
    widths = [max(len(line[i]) for line in lines) for i in range(len(HEADER))]
    return "\n".join("  ".join(map(str.ljust, line, widths)).rstrip() for line in lines)


def rst(rows):
    """The table as a reStructuredText ``list-table``."""
    lines = [".. list-table::", "   :header-rows: 1", ""]
    for line in [HEADER, *map(cells, rows)]:
        first, *rest = (cell.replace("*", r"\*") for cell in line)
        lines.append(f"   * - {first}")
        lines += [f"     - {cell}" for cell in rest]
    return "\n".join(lines)
