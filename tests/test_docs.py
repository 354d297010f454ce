"""The documentation names what the code has: check ids, modules, functions."""

import ast
import importlib
import re
from pathlib import Path

from django.utils.module_loading import import_string

import gallery.checks

DOCS = Path(__file__).resolve().parent.parent / "docs"
DOCUMENTED_ID = re.compile(r"^``(gallery\.[EWI]\d{3})``", re.MULTILINE)
DOTTED_NAME = re.compile(r"``(gallery(?:\.\w+)+)``")


def ids_in_code():
    """Every check id that ``gallery/checks.py`` can report."""
    tree = ast.parse(Path(gallery.checks.__file__).read_text(encoding="utf-8"))
    return {
        f"gallery.{node.value}"
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and re.fullmatch(r"[EWI]\d{3}", node.value)
    }


def test_every_check_id_is_documented():
    documented = DOCUMENTED_ID.findall((DOCS / "checks.rst").read_text())
    assert len(documented) == len(set(documented)), "an id is documented twice"
    assert set(documented) == ids_in_code()


def test_ids_are_found_in_the_code():
    assert {"gallery.E001", "gallery.W001"} <= ids_in_code()


def resolves(name):
    """Tell whether ``name`` is a module, or an attribute of a module."""
    try:
        importlib.import_module(name)
    except ImportError:
        try:
            import_string(name)
        except ImportError:
            return False
    return True


def test_contributing_names_modules_and_functions_that_exist():
    names = set(DOTTED_NAME.findall((DOCS / "contributing.rst").read_text()))
    assert "gallery.scanning.scan" in names
    assert [name for name in sorted(names) if not resolves(name)] == []
