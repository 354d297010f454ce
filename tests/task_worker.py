"""Run the database task backend's worker for a test site.

    python tests/task_worker.py [MARKER]

runs ``db_worker`` with the site's settings (``tests.settings.server`` with
``GALLERY_SERVER_TASKS=1``). With MARKER, each scan stops for good after
writing its changes, before it commits them, once it has created the file
MARKER: a test then kills the worker there.
"""

import os
import sys
import time
from pathlib import Path


def pause_before_commit(marker):
    """Make every scan wait, changes written but not committed, once MARKER exists."""
    from gallery.scanning import scanner

    apply = scanner.apply  # the scanner's name for state.apply

    def apply_then_wait(plan, progress=None):
        apply(plan, progress)
        Path(marker).touch()
        while True:  # until the test kills this worker
            time.sleep(1)

    scanner.apply = apply_then_wait


def main(marker=None):
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    import django
    from django.core.management import call_command

    django.setup()
    if marker:
        pause_before_commit(marker)
    call_command("db_worker", interval=0.1, startup_delay=False, reload=False)


if __name__ == "__main__":
    main(*sys.argv[1:])
