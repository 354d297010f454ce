"""Dates of photos from EXIF when the patterns capture none."""

import datetime
import io
import zoneinfo
from pathlib import Path

import pytest
from django.core import checks
from django.core.management import call_command
from django.test import override_settings

from gallery.files import heads
from gallery.models import Photo
from gallery.scanning import exifdates
from gallery.scanning.listing import Listing, StoredFile
from gallery.scanning.matching import Rules, match_listing
from tests.fixtures.phone_photos import phone_exif, phone_photo

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
TAKEN = datetime.datetime(
    2024, 1, 1, 12, 34, 56, tzinfo=datetime.timezone(datetime.timedelta(hours=2))
)
PHONE_PATTERN = (
    "Phone",
    r"(?P<a_year>\d{4})/(?P<a_month>\d{2})_(?P<a_day>\d{2})_(?P<a_name>[^/]+)/"
    r"(?:IMG|PXL)_\w+\.(?i:jpg|heic|avif)",
)
PHONE = {
    "GALLERY_PATTERNS": [PHONE_PATTERN],
    "GALLERY_IGNORES": [r".*\.(?i:mov|mp4)$"],
    "GALLERY_PHOTO_DATES": "exif",
}
ALBUM = "2024/01_01_New Year"


def exif_date(data):
    return exifdates.exif_date(io.BytesIO(data), PARIS)


@pytest.mark.parametrize("extension", ["jpg", "heic", "avif"])
def test_date_and_offset_from_exif(phone_photos, extension):
    assert exif_date(phone_photos(extension)) == TAKEN


def test_without_offset_the_default_time_zone():
    data = phone_photo("jpg", phone_exif(offset=None))
    assert exif_date(data) == datetime.datetime(2024, 1, 1, 12, 34, 56, tzinfo=PARIS)


def test_negative_offset():
    data = phone_photo("jpg", phone_exif(offset="-05:30"))
    assert exif_date(data).utcoffset() == -datetime.timedelta(hours=5, minutes=30)


def test_without_use_tz_naive():
    data = phone_photo("jpg")
    assert exifdates.exif_date(io.BytesIO(data), None) == datetime.datetime(
        2024, 1, 1, 12, 34, 56
    )


@pytest.mark.parametrize(
    "data",
    [
        phone_photo("jpg", phone_exif(taken=None)),
        phone_photo("jpg", phone_exif(taken="0000:00:00 00:00:00")),
        phone_photo("jpg", phone_exif(taken="not a date at all")),
        phone_photo("png"),
        b"\xff\xd8\xff\xe1\x00\x10Exif\x00\x00MM\x00*\x00\x00\x00\xff",
        b"",
    ],
    ids=["no date", "zero date", "garbage", "png", "damaged", "empty"],
)
def test_no_readable_date(data):
    assert exif_date(data) is None


def test_only_the_first_kilobytes_are_read(tmp_path, phone_photos):
    path = tmp_path / "IMG_0001.jpg"
    path.write_bytes(phone_photos("jpg") + bytes(1_000_000))
    head = heads.local_head(path)
    try:
        assert exifdates.exif_date(head, PARIS) == TAKEN
        assert head.fetched <= heads.BLOCK
    finally:
        head.close()


def test_heic_reads_its_exif_item_wherever_it_is(tmp_path, phone_photos):
    data = phone_photos("heic")
    path = tmp_path / "IMG_0001.HEIC"
    path.write_bytes(data + bytes(500_000))  # as if the pixels were larger
    head = heads.local_head(path)
    try:
        assert exifdates.exif_date(head, PARIS) == TAKEN
        assert head.fetched <= 4 * heads.BLOCK
    finally:
        head.close()


# Scans


def scan(verbosity=0, **options):
    out = io.StringIO()
    call_command("scanphotos", verbosity=verbosity, stdout=out, stderr=out, **options)
    return out.getvalue()


def dates():
    return {photo.filename: photo.date for photo in Photo.objects.all()}


@pytest.fixture
def phone_tree(photo_tree, phone_photos):
    photo_tree.add(f"{ALBUM}/IMG_0001.HEIC", content=phone_photos("heic"))
    photo_tree.add(f"{ALBUM}/IMG_0001.MOV", content=b"a live photo movie")
    photo_tree.add(f"{ALBUM}/PXL_20240101_123456.jpg", content=phone_photos("jpg"))
    plain = phone_photo("jpg", phone_exif(taken=None))
    photo_tree.add(f"{ALBUM}/IMG_0002.jpg", content=plain)
    photo_tree.add(f"{ALBUM}/notes.txt", content=b"unmatched")
    return photo_tree


@pytest.fixture
def read_files(monkeypatch):
    """Names of the files whose head the scan reads."""
    names = []
    original = heads.local_head

    def local_head(path, *args):
        names.append(str(path).rpartition("/")[2])
        return original(path, *args)

    monkeypatch.setattr(heads, "local_head", local_head)
    return names


@pytest.mark.django_db
@override_settings(**PHONE)
def test_scan_dates_new_photos_from_exif(phone_tree, read_files):
    output = scan(verbosity=2)
    assert dates() == {
        "IMG_0001.HEIC": TAKEN,
        "PXL_20240101_123456.jpg": TAKEN,
        "IMG_0002.jpg": None,
    }
    assert sorted(read_files) == [
        "IMG_0001.HEIC",
        "IMG_0002.jpg",
        "PXL_20240101_123456.jpg",
    ]
    assert f"{ALBUM}/IMG_0002.jpg: no date in its EXIF" in output
    assert "Files: 1 ignored, 1 matching no pattern" in output


@pytest.mark.django_db
@override_settings(**PHONE)
def test_no_date_line_only_at_verbosity_2(phone_tree):
    assert "no date in its EXIF" not in scan(verbosity=1)


@pytest.mark.django_db
@override_settings(**PHONE)
def test_unchanged_rescan_reads_no_file(phone_tree, read_files):
    scan()
    read_files.clear()
    phone_tree.settle()
    scan()
    assert read_files == []
    scan(full_sync=True)  # the dates read before stay; undated photos are read again
    assert read_files == ["IMG_0002.jpg"]
    assert dates()["IMG_0001.HEIC"] == TAKEN


@pytest.mark.django_db
@override_settings(**PHONE)
def test_replaced_file_is_read_again(phone_tree, read_files):
    scan()
    read_files.clear()
    later = phone_photo("jpg", phone_exif(taken="2024:01:02 08:00:00", offset="+01:00"))
    phone_tree.add(f"{ALBUM}/IMG_0002.jpg", content=later + b"replaced")
    scan()
    assert read_files == ["IMG_0002.jpg"]
    expected = datetime.datetime(
        2024, 1, 2, 8, tzinfo=datetime.timezone(datetime.timedelta(hours=1))
    )
    assert dates()["IMG_0002.jpg"] == expected


def shapes():
    return {
        photo.filename: (photo.width, photo.height, photo.placeholder)
        for photo in Photo.objects.all()
    }


@pytest.mark.django_db
@override_settings(**PHONE)
def test_scan_records_upright_sizes_from_the_same_read(phone_tree, read_files):
    scan()
    # The sample is stored sideways at 400x600: its EXIF orientation turns it.
    assert shapes() == {
        "IMG_0001.HEIC": (600, 400, ""),
        "PXL_20240101_123456.jpg": (600, 400, ""),
        "IMG_0002.jpg": (600, 400, ""),
    }
    assert len(read_files) == 3  # one opening of each file for both


@pytest.mark.django_db
@override_settings(**PHONE)
def test_replaced_file_gets_its_new_size(phone_tree, read_files):
    scan()
    Photo.objects.update(placeholder="#102030")  # as a first resize records it
    upright = phone_photo("jpg", phone_exif(orientation=1, taken=None))
    phone_tree.add(f"{ALBUM}/IMG_0002.jpg", content=upright + b"replaced")
    scan()
    assert shapes()["IMG_0002.jpg"] == (400, 600, "")
    assert shapes()["IMG_0001.HEIC"] == (600, 400, "#102030")  # unchanged file


@pytest.mark.django_db
@override_settings(**PHONE)
def test_replaced_file_without_a_readable_size_forgets_the_old_one(phone_tree):
    scan()
    Photo.objects.update(placeholder="#102030")
    phone_tree.add(f"{ALBUM}/IMG_0002.jpg", content=b"\xff\xd8\xff not a photo")
    scan()
    assert shapes()["IMG_0002.jpg"] == (None, None, "")
    assert shapes()["IMG_0001.HEIC"] == (600, 400, "#102030")


@pytest.mark.django_db
@override_settings(**dict(PHONE, GALLERY_PHOTO_DATES="pattern"))
def test_pattern_dates_replaced_file_forgets_its_size(phone_tree, read_files):
    scan()
    assert set(shapes().values()) == {(None, None, "")}  # no file read
    Photo.objects.update(width=600, height=400, placeholder="#102030")
    phone_tree.add(f"{ALBUM}/IMG_0002.jpg", content=phone_photo("jpg") + b"replaced")
    scan()
    assert read_files == []
    assert shapes()["IMG_0002.jpg"] == (None, None, "")
    assert shapes()["IMG_0001.HEIC"] == (600, 400, "#102030")
    scan(full_sync=True)  # nothing replaced: nothing forgotten
    assert shapes()["IMG_0001.HEIC"] == (600, 400, "#102030")


@pytest.mark.django_db
@override_settings(**dict(PHONE, GALLERY_PHOTO_DATES="pattern"))
def test_pattern_dates_read_no_file(phone_tree, read_files):
    scan()
    assert read_files == []
    assert set(dates().values()) == {None}


@pytest.mark.django_db
@override_settings(
    **dict(
        PHONE,
        GALLERY_PATTERNS=[
            (
                "Phone",
                r"(?P<a_year>\d{4})/(?P<a_month>\d{2})_(?P<a_day>\d{2})_(?P<a_name>[^/]+)/"
                r"PXL_(?P<p_year>\d{4})(?P<p_month>\d\d)(?P<p_day>\d\d)_"
                r"(?P<p_hour>\d\d)(?P<p_minute>\d\d)(?P<p_second>\d\d)\.jpg",
            )
        ],
    )
)
def test_dates_of_paths_come_first(phone_tree, read_files):
    scan()
    assert read_files == []
    assert dates() == {
        "PXL_20240101_123456.jpg": datetime.datetime(
            2024, 1, 1, 12, 34, 56, tzinfo=PARIS
        )
    }


@pytest.mark.django_db
@override_settings(**PHONE)
def test_dry_run_reads_no_file(phone_tree, read_files):
    scan(dry_run=True)
    assert read_files == []


@pytest.mark.component
@pytest.mark.django_db
def test_s3_reads_ranges(s3, s3_photo_storage, phone_photos, settings):
    from tests.fixtures.s3 import on_send

    data = phone_photos("jpg") + bytes(300_000)
    s3.put("photos", f"{ALBUM}/IMG_0001.jpg", data)
    ranges = []
    on_send(
        s3_photo_storage,
        lambda request, operation: ranges.append(
            (operation, request.headers.get("Range"))
        ),
    )
    for name, value in PHONE.items():
        setattr(settings, name, value)
    settings.GALLERY_PHOTO_STORAGE = s3_photo_storage
    scan()
    assert dates() == {"IMG_0001.jpg": TAKEN}
    gets = [value for operation, value in ranges if operation == "GetObject"]
    assert gets == [f"bytes=0-{heads.REMOTE_BLOCK - 1}".encode()]


# The settings of the "Phone photos" guide


GUIDE = Path(__file__).resolve().parents[2] / "docs" / "examples" / "phone_settings.py"


def guide_settings():
    namespace = {}
    exec(GUIDE.read_text(), namespace)
    return {
        name: value for name, value in namespace.items() if name.startswith("GALLERY_")
    }


@pytest.mark.parametrize(
    "filename, time",
    [
        ("IMG_20240101_123456.jpg", (2024, 1, 1, 12, 34, 56)),
        ("20240101_123456.jpg", (2024, 1, 1, 12, 34, 56)),
        ("IMG_20240101_123456_1.jpg", (2024, 1, 1, 12, 34, 56)),
        ("PXL_20240101_123456789.jpg", (2024, 1, 1, 12, 34, 56)),
        ("PXL_20240101_123456789.MP.jpg", (2024, 1, 1, 12, 34, 56)),
        ("IMG_1234.HEIC", None),
        ("IMG_1234.heic", None),
        ("DSC_0001.JPG", None),
        ("IMG_1234.MOV", "ignored"),
        ("VID_20240101_123456.mp4", "ignored"),
        ("IMG_1234.AAE", "ignored"),
    ],
)
def test_guide_patterns(filename, time):
    settings = guide_settings()
    rules = Rules.from_settings(
        settings["GALLERY_PATTERNS"], settings["GALLERY_IGNORES"]
    )
    listing = Listing(files=[StoredFile(f"2024/01_01_New Year/{filename}")])
    found = match_listing(listing, rules)
    assert found.unmatched == []
    if time == "ignored":
        assert found.ignored_count == 1
        return
    [album] = found.albums.values()
    [photo] = album.photos.values()
    assert photo.warning == ""
    assert photo.date == (datetime.datetime(*time, tzinfo=PARIS) if time else None)


def test_guide_settings_pass_the_checks():
    with override_settings(**guide_settings()):
        messages = [m for m in checks.run_checks() if m.id.startswith("gallery.")]
    assert messages == []


@pytest.mark.parametrize(
    "text, expected",
    [
        ("2024:01:01 12:34:56", datetime.datetime(2024, 1, 1, 12, 34, 56)),
        ("2024-01-01 12:34:56", None),
        ("2024:01:01T12:34:56", None),
        ("2024:13:01 12:34:56", None),
        ("2024:01:01 12:34", None),
        ("    :  :     :  :  ", None),
    ],
)
def test_parse_moment(text, expected):
    assert exifdates.parse_moment(text) == expected


def jpeg_with_late_dates(padding):
    """A JPEG whose EXIF puts its Exif directory after ``padding`` bytes."""
    import struct

    exif_ifd = 8 + 2 + 12 + 4 + padding
    date = b"2024:01:01 12:34:56\x00"
    tiff = b"MM\x00*" + struct.pack(">I", 8)
    tiff += struct.pack(">H", 1) + struct.pack(">HHII", 0x8769, 4, 1, exif_ifd)
    tiff += struct.pack(">I", 0) + bytes(padding)
    value = exif_ifd + 2 + 12 + 4
    tiff += struct.pack(">H", 1) + struct.pack(">HHII", 0x9003, 2, len(date), value)
    tiff += struct.pack(">I", 0) + date
    segment = b"Exif\x00\x00" + tiff
    return (
        b"\xff\xd8\xff\xe1"
        + struct.pack(">H", len(segment) + 2)
        + segment
        + b"\xff\xd9"
    )


@pytest.mark.parametrize("padding", [100, 30_000])
def test_the_whole_exif_block_is_read_only_when_needed(tmp_path, padding):
    path = tmp_path / "IMG_0001.jpg"
    path.write_bytes(jpeg_with_late_dates(padding) + bytes(200_000))
    head = heads.local_head(path)
    try:
        expected = datetime.datetime(2024, 1, 1, 12, 34, 56, tzinfo=PARIS)
        assert exifdates.exif_date(head, PARIS) == expected
        if padding < exifdates.FIRST_PART:
            assert head.fetched == heads.BLOCK  # one page
        else:
            assert padding < head.fetched < padding + 2 * heads.BLOCK
    finally:
        head.close()
