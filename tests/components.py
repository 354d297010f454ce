"""Finding the real components some tests need (servers, browsers, binaries)."""

import glob
import os
import shutil

import pytest


def under_ci():
    return os.environ.get("CI") == "true"


def require(condition, reason):
    """Skip when ``condition`` is false; under CI, fail instead of skipping."""
    if condition:
        return
    if under_ci():
        pytest.fail(f"missing under CI: {reason}", pytrace=False)
    pytest.skip(reason)


def find_binary(name, *patterns):
    """Path of executable ``name`` on PATH or in one of the glob ``patterns``."""
    found = shutil.which(name)
    if found:
        return found
    for pattern in patterns:
        for candidate in sorted(glob.glob(pattern), reverse=True):
            if os.access(candidate, os.X_OK):
                return candidate
    return None


def require_binary(name, *patterns, package=None):
    path = find_binary(name, *patterns)
    require(path, f"{name} not found (install the Debian package {package or name})")
    return path
