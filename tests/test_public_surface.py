"""Each module of the subpackages declares its public names, and the rest of
the package imports only those."""

import ast
import importlib
import pathlib

import pytest

import gallery

ROOT = pathlib.Path(gallery.__file__).parent
PACKAGES = ["admin", "files", "pages", "resizers"]
MODULES = sorted(
    ".".join(("gallery", package, path.stem)).removesuffix(".__init__")
    for package in PACKAGES
    for path in (ROOT / package).glob("*.py")
)


def declared(module_name):
    module = importlib.import_module(module_name)
    return getattr(module, "__all__", None)


@pytest.mark.parametrize("module_name", [m for m in MODULES if m.count(".") == 2])
def test_every_module_declares_existing_public_names(module_name):
    names = declared(module_name)
    assert names, f"{module_name} has no __all__"
    module = importlib.import_module(module_name)
    assert [name for name in names if not hasattr(module, name)] == []


def imported_names(path):
    """``(module, name)`` of the ``from ... import name`` statements in ``path``."""
    package = ".".join(path.relative_to(ROOT.parent).with_suffix("").parts[:-1])
    if path.name == "__init__.py":
        package = ".".join(path.relative_to(ROOT.parent).parts[:-1])
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom):
            module = importlib.util.resolve_name(
                "." * node.level + (node.module or ""), package
            )
            for alias in node.names:
                yield module, alias.name


def test_the_package_imports_only_declared_names():
    private = []
    for path in ROOT.rglob("*.py"):
        for module, name in imported_names(path):
            if module in MODULES and (names := declared(module)) is not None:
                submodule = f"{module}.{name}" in MODULES
                if name not in names and not submodule:
                    private.append(f"{path.relative_to(ROOT)}: {module}.{name}")
    assert private == []
