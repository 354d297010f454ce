"""The words of a scan report: counts pluralised and formatted for the language."""

from django.utils import translation

from gallery.files.precompute import PrecomputeReport
from gallery.management.commands.scanphotos import resized_summary
from gallery.scanning import ScanReport
from gallery.scanning.planning import Plan
from gallery.scanning.report import photo_lines, summary, unchanged_line
from gallery.scanning.rows import PhotoDate

NBSP, NNBSP = "\u00a0", "\u202f"


def report(albums_added=0, photos_added=0, photos_redated=0, **fields):
    plan = Plan(
        albums_add=[None] * albums_added,
        photos_add=[None] * photos_added,
        photos_redate=[PhotoDate(1, None)] * photos_redated,
    )
    return ScanReport(plan=plan, applied=True, seconds=1.5, **fields)


def test_summary_says_one_album_and_many_photos():
    assert summary(report(1, 2)) == (
        "Done: 1 album added, 0 removed, 0 moved, 2 photos added, 0 removed, "
        "0 redated, 0 refreshed in 1.50 s"
    )


def test_summary_groups_thousands():
    text = summary(report(1_000, 100_000, fatal="broken"))
    assert text.startswith("Done: 1,000 albums added, 0 removed")
    assert "100,000 photos added" in text
    assert text.endswith(", 1 error in 1.50 s")


def test_summary_in_french():
    with translation.override("fr"):
        one = summary(report(1, 1))
        many = summary(report(2, 100_000))
    assert one == (
        "Terminé — 1 album ajouté, 0 supprimé, 0 déplacé, 1 photo ajoutée, "
        f"0 supprimée, 0 redatée, 0 actualisée, en 1,50{NBSP}s"
    )
    # French groups thousands with a (narrow) non-breaking space.
    assert many.startswith("Terminé — 2 albums ajoutés, 0 supprimé")
    assert any(f"100{space}000 photos ajoutées" in many for space in (NBSP, NNBSP))


def test_counted_lines_in_both_languages():
    scanned = report(photos_redated=1, unchanged_directories=2_500)
    assert list(photo_lines(scanned)) == ["Fixing the date of 1 photo"]
    assert unchanged_line(scanned).startswith("2,500 directories unchanged")
    with translation.override("fr"):
        assert list(photo_lines(scanned)) == ["Correction de la date de 1 photo"]
        assert unchanged_line(scanned, command=False).endswith(
            "répertoires inchangés depuis le dernier scan n’ont pas été relus."
        )


def test_resized_summary_in_both_languages():
    done = PrecomputeReport(created=1_200, existing=1, broken=["a.jpg"])
    assert resized_summary(done, 2) == (
        "Resized: 1,200 created, 1 already cached, 1 broken, 0 failed in 2.00 s"
    )
    with translation.override("fr"):
        text = resized_summary(done, 2)
    assert text.startswith(f"Redimensionnement{NBSP}: 1")
    assert text.endswith(
        f"images créées, 1 déjà en cache, 1 photo illisible, 0 en échec, en 2,00{NBSP}s"
    )
