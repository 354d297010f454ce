"""Background tasks: scans and resizing started from the admin.

They use Django's tasks framework (``django.tasks``, or the ``django-tasks``
backport before Django 6) through the backend named by
``GALLERY_TASK_BACKEND``. Without it, the admin does the work in the request.
"""

try:
    from django.tasks import task
except ImportError:  # Django < 6: the backport, myks-gallery[tasks]
    from django_tasks import task

from .conf import conf
from .models import Photo, ScanRun
from .scanning import runs

# Bound at import to a backend that exists; enqueue() picks the one configured.
BACKEND = conf.TASK_BACKEND or "default"


@task(backend=BACKEND)
def scan_photos(run_id):
    """Run the scan recorded as the :class:`~gallery.models.ScanRun` ``run_id``."""
    run = ScanRun.objects.get(pk=run_id)
    report = runs.execute(run, beat=True)
    return run.state if report is None else report.counts


@task(backend=BACKEND)
def resize_photos(album_ids, presets):
    """Create the missing resized images of the photos of ``album_ids``."""
    from .files.precompute import precompute

    photos = Photo.objects.filter(album__in=album_ids)
    report = precompute(photos, presets, jobs=1)
    return {"created": report.created, "failed": len(report.failed)}


def queue_scan(run):
    """Queue the scan of ``run``; return whether the backend took it.

    A backend that refuses it (unreachable, misconfigured) fails the run.
    """
    try:
        result = enqueue(scan_photos, run.pk)
    except Exception as exc:  # any backend error
        runs.fail(run, f"{type(exc).__name__}: {exc}")
        return False
    run.task_id = str(result.id)
    run.save(update_fields=["task_id"])
    return True


def enqueue(task_function, *args):
    """Queue ``task_function`` on the gallery's task backend; return the result."""
    return task_function.using(backend=conf.TASK_BACKEND).enqueue(*args)
