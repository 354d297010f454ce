"""The scan page with a task backend: queue, progress, cancel, history."""

import pytest
from django.urls import reverse
from django.utils import timezone

from gallery.models import Album, ScanRun
from tests.builders import make_user

pytestmark = pytest.mark.django_db

SNOW = "2013/01_19_Snow in Paris"
URL = "/admin/gallery/photo/scan/"
DUMMY = "django_tasks.backends.dummy.DummyBackend"
IMMEDIATE = "django_tasks.backends.immediate.ImmediateBackend"


@pytest.fixture
def scanner(client):
    user = make_user(is_staff=True, perms=["gallery.scan"])
    client.force_login(user)
    client.user = user
    return client


@pytest.fixture
def backend(settings):
    """Scans go to a task backend that keeps them queued."""
    settings.TASKS = {"default": {"BACKEND": IMMEDIATE}, "gallery": {"BACKEND": DUMMY}}
    settings.GALLERY_TASK_BACKEND = "gallery"
    from django_tasks import task_backends

    return task_backends["gallery"]


def test_post_queues_a_task_and_changes_nothing_yet(scanner, photo_tree, backend):
    photo_tree.album(SNOW, 3)

    response = scanner.post(URL, {"full": "on"}, follow=True)

    run = ScanRun.objects.get()
    assert (run.origin, run.user, run.state, run.full) == (
        "admin",
        scanner.user,
        "queued",
        True,
    )
    (result,) = backend.results
    assert result.args == [run.pk] or result.args == (run.pk,)
    assert run.task_id == result.id
    assert not Album.objects.exists()
    content = response.content.decode()
    assert "The scan is queued; its progress shows below." in content
    assert reverse("admin:gallery_scan_status", args=[run.pk]) in content
    assert reverse("admin:gallery_scan_cancel", args=[run.pk]) in content
    assert "gallery/scan-progress.js" in content
    assert "What a scan would change" not in content  # planned only when asked


def test_plan_on_demand(scanner, photo_tree, backend):
    photo_tree.album(SNOW, 1)

    content = scanner.get(URL + "?plan=1").content.decode()

    assert f"Adding album {SNOW} (Photos) as Snow in Paris" in content


def test_immediate_backend_scans_at_once(scanner, photo_tree, settings):
    settings.TASKS = {"default": {"BACKEND": IMMEDIATE}}
    settings.GALLERY_TASK_BACKEND = "default"
    photo_tree.album(SNOW, 2)

    scanner.post(URL)

    run = ScanRun.objects.get()
    assert run.state == "done"
    assert run.counts["photos_added"] == 2
    assert Album.objects.count() == 1


def test_status_of_a_running_scan(scanner):
    now = timezone.now()
    run = ScanRun.objects.create(
        origin="admin",
        state="running",
        phase="match",
        done=10,
        total=40,
        started_at=now,
        phase_started_at=now,
        heartbeat=now,
    )

    status = scanner.get(reverse("admin:gallery_scan_status", args=[run.pk])).json()

    assert status["state"] == "running"
    assert status["active"] is True
    assert (status["done"], status["total"]) == (10, 40)
    assert status["text"].startswith("Matching paths, 10 of 40 (")


def test_status_of_a_dead_worker_settles_as_failed(scanner, settings):
    settings.GALLERY_TASK_STALE_AFTER = 0
    then = timezone.now()
    run = ScanRun.objects.create(
        origin="admin", state="running", started_at=then, heartbeat=then
    )

    status = scanner.get(reverse("admin:gallery_scan_status", args=[run.pk])).json()

    assert status["state"] == "failed"
    assert status["active"] is False


def test_cancel_a_queued_scan(scanner, photo_tree, backend):
    photo_tree.album(SNOW, 1)
    scanner.post(URL)
    run = ScanRun.objects.get()

    response = scanner.post(
        reverse("admin:gallery_scan_cancel", args=[run.pk]), follow=True
    )

    run.refresh_from_db()
    assert run.state == "cancelled"
    assert "The scan is being cancelled." in response.content.decode()
    again = scanner.post(
        reverse("admin:gallery_scan_cancel", args=[run.pk]), follow=True
    )
    assert "This scan can no longer be cancelled." in again.content.decode()


def test_status_and_cancel_need_the_scan_permission(client):
    run = ScanRun.objects.create(origin="admin")
    client.force_login(make_user(is_staff=True, perms=["gallery.view"]))

    assert (
        client.get(reverse("admin:gallery_scan_status", args=[run.pk])).status_code
        == 403
    )
    assert (
        client.post(reverse("admin:gallery_scan_cancel", args=[run.pk])).status_code
        == 403
    )
    assert client.get("/admin/gallery/scanrun/").status_code == 403
    run.refresh_from_db()
    assert not run.cancel_requested


def test_history_lists_every_run(scanner, photo_tree, django_assert_max_num_queries):
    photo_tree.album(SNOW, 2)
    scanner.post(URL)  # in the request: no task backend
    ScanRun.objects.create(origin="schedule", state="failed", errors=["boom"])

    with django_assert_max_num_queries(8):
        content = scanner.get("/admin/gallery/scanrun/").content.decode()

    assert "1 album, 2 photos" in content
    assert "schedule" in content
    assert content.count('class="field-state"') == 2


def test_recent_runs_on_the_scan_page(scanner, photo_tree):
    photo_tree.album(SNOW, 2)
    scanner.post(URL)

    content = scanner.get(URL).content.decode()

    assert "Recent scans" in content
    assert "Done: 1 album added" in content
    assert reverse("admin:gallery_scanrun_changelist") in content


def test_pattern_tester_on_the_scan_page(scanner, photo_tree):
    content = scanner.get(URL).content.decode()

    assert reverse("admin:gallery_test_patterns") in content
    assert 'name="paths"' in content


def test_pattern_tester_explains_pasted_paths(scanner, photo_tree):
    paths = "2013/01_19_Snow in Paris/2013-01-19_10-00-00.jpg\n\n2013/x.jpg\n"

    response = scanner.get(reverse("admin:gallery_test_patterns"), {"paths": paths})

    content = response.content.decode()
    assert response.context["paths"] == paths.replace("\n\n", "\n").strip()
    assert [item.outcome for item in response.context["explanations"]] == [
        "matched",
        "unmatched",
    ]
    assert "Snow in Paris" in content
    assert "the capture a_month fails on “x.jpg”" in content


def test_pattern_tester_samples_the_storage(scanner, photo_tree):
    photo_tree.album(SNOW, 4)

    response = scanner.get(reverse("admin:gallery_test_patterns"), {"sample": "1"})

    explanations = response.context["explanations"]
    assert len(explanations) == 2  # a few per directory
    assert {item.album_name for item in explanations} == {"Snow in Paris"}


def test_pattern_tester_needs_the_scan_permission(client):
    client.force_login(make_user(is_staff=True, perms=["gallery.view"]))

    assert client.get(reverse("admin:gallery_test_patterns")).status_code == 403


def test_queries_of_the_status_and_of_the_page(
    scanner, photo_tree, backend, django_assert_num_queries
):
    for _ in range(3):
        scanner.post(URL)
    run = ScanRun.objects.first()
    status_url = reverse("admin:gallery_scan_status", args=[run.pk])
    scanner.get(status_url)  # the session and the user, once loaded, are cached

    # Session, user, its two kinds of permissions, settling stale runs, the run.
    with django_assert_num_queries(6):
        scanner.get(status_url)
    # Session, user, permissions, settling stale runs, the recent runs with
    # their users: whatever the number of runs.
    with django_assert_num_queries(6):
        content = scanner.get(URL).content.decode()
    assert content.count('class="scan-progress module"') == 3


def test_a_backend_that_refuses_the_task_fails_the_run(
    scanner, photo_tree, backend, monkeypatch
):
    def refuse(*args):
        raise ConnectionError("no broker")

    monkeypatch.setattr(backend, "enqueue", refuse)

    response = scanner.post(URL, follow=True)

    run = ScanRun.objects.get()
    assert (run.state, run.errors) == ("failed", ["ConnectionError: no broker"])
    assert "The scan could not be queued: ConnectionError: no broker" in (
        response.content.decode()
    )
    assert 'class="scan-progress module"' not in response.content.decode()
