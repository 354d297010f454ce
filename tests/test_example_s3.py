"""The example site's S3 settings, used as docs/s3.rst says, against a real S3 API."""

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.fixtures.s3 import ACCESS_KEY, SECRET_KEY
from tests.scanning.test_listing_s3 import closed_port

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "example"
PHOTOS = EXAMPLE / "photos"

pytestmark = pytest.mark.component


def manage(var_dir, endpoint_url, *args):
    env = {key: value for key, value in os.environ.items() if key[:4] != "AWS_"}
    env.update(
        PYTHONPATH=os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")]),
        DJANGO_SETTINGS_MODULE="example.settings_s3",
        GALLERY_EXAMPLE_VAR=str(var_dir),
        S3_ENDPOINT_URL=endpoint_url,
        S3_PHOTO_BUCKET="example-photos",
        S3_PHOTO_PREFIX="gallery",
        S3_CACHE_BUCKET="example-cache",
        S3_PHOTO_ACCESS_KEY_ID=ACCESS_KEY,
        S3_PHOTO_SECRET_ACCESS_KEY=SECRET_KEY,
        S3_CACHE_ACCESS_KEY_ID=ACCESS_KEY,
        S3_CACHE_SECRET_ACCESS_KEY=SECRET_KEY,
    )
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=EXAMPLE,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def albums(var_dir):
    with sqlite3.connect(var_dir / "db.sqlite3") as connection:
        return connection.execute(
            "SELECT a.dirpath, COUNT(p.id), SUM(p.size) FROM gallery_album a "
            "JOIN gallery_photo p ON p.album_id = a.id GROUP BY a.dirpath "
            "ORDER BY a.dirpath"
        ).fetchall()


def expected_albums():
    folders = {}
    for path in PHOTOS.rglob("*.jpg"):
        folder = path.parent.relative_to(PHOTOS).as_posix()
        count, size = folders.get(folder, (0, 0))
        folders[folder] = (count + 1, size + path.stat().st_size)
    return [(folder, *folders[folder]) for folder in sorted(folders)]


def test_synced_bucket_is_scanned_and_a_failure_changes_nothing(s3, tmp_path):
    s3.create_bucket("example-photos")
    s3.create_bucket("example-cache")
    for path in PHOTOS.rglob("*"):  # what "aws s3 sync example/photos ..." does
        if path.is_file():
            key = f"gallery/{path.relative_to(PHOTOS).as_posix()}"
            s3.put("example-photos", key, path.read_bytes())

    migrate = manage(tmp_path, s3.endpoint_url, "migrate", "--noinput", "-v0")
    assert migrate.returncode == 0, migrate.stderr
    scan = manage(tmp_path, s3.endpoint_url, "scanphotos")
    assert scan.returncode == 0, scan.stderr
    assert albums(tmp_path) == expected_albums()

    unreachable = f"http://127.0.0.1:{closed_port()}"
    failed = manage(tmp_path, unreachable, "scanphotos")

    assert failed.returncode != 0
    assert unreachable in failed.stderr
    assert len(failed.stderr.strip().splitlines()) == 1
    assert albums(tmp_path) == expected_albums()
