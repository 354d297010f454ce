"""What the visitor's browser downloads: small, and all from the site itself."""

import gzip
import re
from pathlib import Path

import gallery

STATIC = Path(gallery.__file__).parent / "static" / "gallery"
TEMPLATES = Path(gallery.__file__).parent / "templates" / "gallery"
BUDGETS = {".js": 40 * 1024, ".css": 15 * 1024}  # bytes, compressed
# A URL in code (not in a licence comment) would make the browser go elsewhere.
URL = re.compile(r"(?:https?:)?//[\w.-]+\.[a-z]{2,}/", re.IGNORECASE)
BANNER = re.compile(r"/\*!.*?\*/", re.DOTALL)


def compressed_size(paths):
    return sum(len(gzip.compress(path.read_bytes(), 9)) for path in paths)


def test_scripts_and_styles_stay_within_their_budgets():
    for suffix, budget in BUDGETS.items():
        paths = sorted(STATIC.rglob(f"*{suffix}"))
        assert paths, suffix
        assert compressed_size(paths) <= budget, suffix


def test_nothing_is_fetched_from_another_host():
    files = [*STATIC.rglob("*.js"), *STATIC.rglob("*.css"), *TEMPLATES.rglob("*.html")]
    found = {path.name: URL.findall(BANNER.sub("", path.read_text())) for path in files}
    assert {name: urls for name, urls in found.items() if urls} == {}


def test_the_vendored_viewer_keeps_its_licence_and_version():
    vendor = STATIC / "vendor" / "photoswipe"
    assert "MIT License" in (vendor / "LICENSE").read_text()
    assert "5.4.4" in (vendor / "VERSION.txt").read_text()
    for name in ("photoswipe.esm.min.js", "photoswipe-lightbox.esm.min.js"):
        assert "5.4.4" in (vendor / name).read_text()[:200]
