import time

from django.core.management.base import BaseCommand, CommandError
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, npgettext_lazy

from gallery.files.precompute import precompute
from gallery.models import Photo
from gallery.resizers.presets import get_presets
from gallery.scanning import scan
from gallery.scanning.report import (
    album_lines,
    counted,
    photo_lines,
    summary,
    unchanged_line,
)

PHASES = {
    "list": gettext_lazy("Listing the photo storage"),
    "match": gettext_lazy("Matching paths"),
    "plan": gettext_lazy("Comparing with the database"),
    "apply": gettext_lazy("Writing to the database"),
}


# Chosen by the count of key "n"; the context gives French its genders.
RESIZED = (
    (
        "created",
        npgettext_lazy("images", "%(count)s created", "%(count)s created", "n"),
    ),
    (
        "existing",
        npgettext_lazy(
            "images", "%(count)s already cached", "%(count)s already cached", "n"
        ),
    ),
    ("broken", npgettext_lazy("photos", "%(count)s broken", "%(count)s broken", "n")),
    ("failed", npgettext_lazy("photos", "%(count)s failed", "%(count)s failed", "n")),
)


def resized_summary(report, seconds):
    """One line: what ``precompute`` did, in ``seconds``."""
    counts = {
        "created": report.created,
        "existing": report.existing,
        "broken": len(report.broken),
        "failed": len(report.failed),
    }
    parts = [counted(message, counts[key]) for key, message in RESIZED]
    return _("Resized: %(counts)s in %(seconds)s s") % {
        "counts": ", ".join(parts),
        "seconds": number_format(seconds, decimal_pos=2),
    }


class Command(BaseCommand):
    help = "Scan the photo storage and update albums and photos."
    progress_after = 1.0  # seconds: short scans show no progress line

    def add_arguments(self, parser):
        parser.add_argument(
            "--full",
            action="store_true",
            dest="full_sync",
            help=(
                "Read every directory, even those unchanged since the last scan, "
                "and correct the dates of existing photos."
            ),
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Print what would change and change nothing.",
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="Apply even when the scan would remove most albums.",
        )
        parser.add_argument(
            "--resize",
            nargs="+",
            default=[],
            metavar="PRESET",
            help="Then create the missing resized images for these presets.",
        )
        parser.add_argument(
            "--jobs",
            type=int,
            default=None,
            help="Processes resizing images (default: one per core).",
        )

    def handle(self, *args, full_sync, dry_run, force, verbosity, **options):
        self.verbosity = verbosity
        presets = get_presets()
        unknown = [p for p in options["resize"] if p not in presets]
        if unknown:
            known = ", ".join(sorted(presets)) or _("none")
            message = _("Unknown preset: %(unknown)s (known presets: %(known)s)")
            raise CommandError(
                message % {"unknown": ", ".join(unknown), "known": known}
            )
        self.started = time.perf_counter()
        report = scan(
            full=full_sync,
            dry_run=dry_run,
            force=force,
            trace=verbosity >= 3,
            progress=self.progress if self.show_progress() else None,
        )
        self.clear_progress()
        self.print_report(report, verbosity)
        if report.fatal:
            raise CommandError(report.fatal, returncode=2)
        if report.refused:
            raise CommandError(report.plan.refusal + " (--force)", returncode=3)
        if options["resize"] and not dry_run:
            self.resize(options["resize"], options["jobs"], verbosity)
        return None

    def resize(self, presets, jobs, verbosity):
        """Create the missing resized images of every photo for ``presets``."""
        started = time.perf_counter()
        report = precompute(Photo.objects.all(), presets, jobs=jobs)
        for name, error in report.failed:
            message = _("Cannot resize %(name)s: %(error)s")
            self.stderr.write(
                self.style.ERROR(message % {"name": name, "error": error})
            )
        for name in report.broken:
            message = _("Not an image: %(name)s") % {"name": name}
            self.stderr.write(self.style.WARNING(message))
        if verbosity >= 1:
            elapsed = time.perf_counter() - started
            self.stdout.write(resized_summary(report, elapsed))

    def show_progress(self):
        return self.verbosity >= 1 and getattr(self.stdout, "isatty", bool)()

    def progress(self, phase):
        """Show the current phase of a long scan on one terminal line."""
        elapsed = time.perf_counter() - self.started
        if elapsed >= self.progress_after:
            self.shown = True
            self.stdout.write(
                f"\r\033[K{PHASES[phase]}... ({elapsed:.1f} s)", ending=""
            )
            self.stdout.flush()

    def clear_progress(self):
        if getattr(self, "shown", False):
            self.stdout.write("\r\033[K", ending="")

    def print_report(self, report, verbosity):
        found = report.found
        if verbosity >= 3 and found:
            self.lines(f"> {path}" for path in found.matched)
            self.lines(f"- {path}" for path in found.ignored)
        if verbosity >= 1:
            self.lines((f"? {path}" for path in report.unmatched), self.stderr)
            self.lines(album_lines(report))
        if verbosity >= 2:
            self.lines(photo_lines(report))
            self.lines(line for line in [unchanged_line(report)] if line)
        if verbosity >= 1:
            style = self.style.WARNING
            self.lines((style(w) for w in report.plan.warnings), self.stderr)
        if verbosity >= 1 and not report.fatal:  # CommandError shows a fatal one
            self.lines((self.style.ERROR(e) for e in report.errors), self.stderr)
        if verbosity >= 1:
            self.stdout.write(summary(report))

    def lines(self, lines, stream=None):
        stream = stream or self.stdout
        for line in lines:
            stream.write(line)
