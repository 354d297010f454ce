"""Scanning: turn the paths of the photo storage into albums and photos.

A scan runs in phases, one module each:

* :mod:`.listing` (and :mod:`.listing_s3`) lists the storage;
* :mod:`.matching` matches each path against ``GALLERY_PATTERNS``;
* :mod:`.planning` diffs what was found against the database;
* :mod:`.bulk` and :mod:`.state` apply the plan in one transaction and
  remember what was scanned;
* :mod:`.report` words the outcome for the command and the admin;
* :mod:`.exifdates` dates new and replaced photos from their EXIF, when
  ``GALLERY_PHOTO_DATES = "exif"``, between planning and applying, and
  records their upright size from the same bytes.

:mod:`.rows` names the fields of the photo rows these phases pass on, and
:mod:`.captures` the named groups of the patterns. :func:`scan` is the one
entry point; it prints nothing and returns a :class:`ScanReport`.

Around it, :mod:`.runs` records each scan in the history, with its progress,
and cancels it on request (the admin, the command and the background tasks of
:mod:`gallery.tasks` run scans through it); :mod:`.explain` tells what the
patterns make of a path, for the pattern tester.
"""

from .scanner import ScanOptions, ScanReport, scan

__all__ = ["ScanOptions", "ScanReport", "scan"]
