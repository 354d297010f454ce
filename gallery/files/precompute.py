"""Build resized versions ahead of visits, on every core.

Each original is decoded once for all the presets it still lacks, under the
same lock as the resizer, so a visitor asking for the same photo meanwhile
waits for it instead of decoding it too.
"""

import dataclasses
import multiprocessing
import os
import threading
from concurrent.futures import ProcessPoolExecutor

from ..conf import conf
from ..resizers import (
    FormatUnsupported,
    ImageUnavailable,
    OriginalMissing,
    get_preset,
)
from ..resizers.facts import record
from ..resizers.pillow import build_missing
from ..storages import get_storage
from . import cachefiles

__all__ = ["PrecomputeReport", "precompute"]


@dataclasses.dataclass
class PrecomputeReport:
    """What :func:`precompute` did: counts of files and photos."""

    created: int = 0  # resized files written
    existing: int = 0  # resized files already in the cache
    broken: list = dataclasses.field(default_factory=list)  # image names
    failed: list = dataclasses.field(default_factory=list)  # (image name, error)


def precompute(photos, presets, jobs=None):
    """Create the missing resized versions of ``photos`` for ``presets``."""
    sizes = [lookup(preset) for preset in presets]
    formats = list(conf.RESIZE_FORMATS) or [None]
    if hasattr(photos, "select_related"):
        photos = photos.select_related("album")  # workers make no query
    report = PrecomputeReport()
    tasks = []
    for photo in photos:
        targets = missing_targets(photo, sizes, formats)
        report.existing += len(sizes) * len(formats) - len(targets)
        if targets:
            tasks.append((photo, targets))
    jobs = jobs or os.cpu_count() or 1
    if jobs == 1 or len(tasks) <= 1:
        results = map(run, tasks)
        collect(report, tasks, results)
    else:
        # Forked workers inherit the configured Django; they use no database.
        context = multiprocessing.get_context("fork")
        pool = ProcessPoolExecutor(
            jobs, mp_context=context, initializer=fresh_connections
        )
        with pool:
            collect(report, tasks, pool.map(run, tasks, chunksize=4))
    return report


def fresh_connections():
    """Make a forked worker open its own connections to S3 storages.

    django-storages' ``S3Storage`` keeps a boto3 connection per thread; one
    inherited from the parent would share its sockets with other workers.
    """
    for kind in ("photo", "cache"):
        storage = get_storage(kind)
        if hasattr(storage, "_connections"):
            storage._connections = threading.local()
            storage._bucket = None


def lookup(preset):
    size = get_preset(preset)
    if size is None:
        raise ValueError(f"unknown preset: {preset!r}")
    return size


def missing_targets(photo, sizes, formats=(None,)):
    """``(name, width, height, crop, format)`` of the versions not in the cache."""
    cache = get_storage("cache")
    targets = [
        (cachefiles.resized_name(photo, *size, format), *size, format)
        for size in sizes
        for format in formats
    ]
    return [target for target in targets if not cache.exists(target[0])]


def run(task):
    """Build the ``targets`` of one photo; return ``(status, detail)``.

    A worker makes no query: the parent records the facts of the photo.
    """
    photo, targets = task
    try:
        return "created", build_missing(photo, targets)
    except (OriginalMissing, FormatUnsupported) as exc:
        return "failed", str(exc)
    except ImageUnavailable as exc:
        return "broken", str(exc)
    except Exception as exc:
        return "failed", f"{type(exc).__name__}: {exc}"


def collect(report, tasks, results):
    for (photo, _), (status, detail) in zip(tasks, results, strict=True):
        if status == "created":
            report.created += detail[0]
            record(photo, detail[1])
        elif status == "broken":
            report.broken.append(photo.image_name)
        else:
            report.failed.append((photo.image_name, detail))
