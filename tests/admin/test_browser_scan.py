"""An owner scans in the background: progress moves, a queued scan is
cancelled, and both show in the history.

The site runs under gunicorn behind nginx with a worker of the database task
backend; its photo storage pauses on every directory, as a remote one does,
so the scan takes several seconds.
"""

import re

import pytest
from playwright.sync_api import expect

from tests.fixtures.servers import GallerySite, TaskWorker, serve_site

pytestmark = [pytest.mark.browser, pytest.mark.component, pytest.mark.slow]
WAIT = 30_000  # ms: a scan of several seconds on a busy machine

ALBUMS = 80  # with a pause of 0.05 s per directory: about 5 s of listing
FILES = re.compile(r"Listing the photo storage, (\d+) files")


@pytest.fixture
def site(tmp_path):
    site = GallerySite(tmp_path / "site")
    site.env.update(GALLERY_SERVER_TASKS="1", GALLERY_SERVER_SLOW_LISTING="0.05")
    for number in range(ALBUMS):
        month, day = 1 + number // 28, 1 + number % 28
        album = f"2013/{month:02d}_{day:02d}_Day {number}"
        for photo in range(2):
            name = f"2013-{month:02d}-{day:02d}_10-00-{photo:02d}.jpg"
            site.add_photo_file(f"{album}/{name}", b"not decoded by a scan")
    site.manage("collectstatic", "--noinput", "--verbosity=0")
    site.django("""
        from django.contrib.auth.models import User
        User.objects.create_superuser("owner", "owner@example.com", "owner")
    """)
    return site


@pytest.fixture
def served(site):
    worker = TaskWorker(site)
    try:
        with serve_site(site) as served:
            yield served
    finally:
        worker.stop()


def listed_files(page):
    found = FILES.search(page.locator(".scan-progress .scan-line").first.inner_text())
    return int(found[1]) if found else -1


def test_scan_in_the_background_with_progress_cancel_and_history(page, served):
    page.set_default_timeout(WAIT)
    page.goto(served.url("/admin/login/?next=/admin/gallery/photo/scan/"))
    page.fill("#id_username", "owner")
    page.fill("#id_password", "owner")
    page.click("input[type=submit]")

    page.click("input[type=submit][value='Scan photos']")
    expect(page.locator(".messagelist")).to_contain_text("The scan is queued")
    line = page.locator(".scan-progress .scan-line").first
    expect(line).to_have_text(
        FILES, timeout=WAIT
    )  # the worker took it, the page follows it
    first = listed_files(page)
    page.wait_for_function(
        """(first) => {
            const line = document.querySelector(".scan-progress .scan-line");
            const found = /, (\\d+) files/.exec(line.textContent);
            return found && Number(found[1]) > first;
        }""",
        arg=first,
        timeout=WAIT,
    )

    page.click("input[type=submit][value='Scan photos']")  # a second, queued
    queued = page.locator(".scan-progress", has_text="queued")
    expect(queued).to_have_count(1, timeout=WAIT)
    queued.locator("input.scan-cancel").click()
    expect(page.locator(".messagelist")).to_contain_text("The scan is being cancelled.")

    # The page reloads by itself once the first scan is done.
    expect(page.locator(".scan-progress")).to_have_count(0, timeout=WAIT)
    page.goto(served.url("/admin/gallery/scanrun/"))
    states = page.locator("#result_list td.field-state")
    expect(states).to_have_text(["cancelled", "done"], timeout=WAIT)
    expect(page.locator("#result_list td.field-added").last).to_have_text(
        f"{ALBUMS} albums, {2 * ALBUMS} photos"
    )
