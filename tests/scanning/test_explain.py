import datetime
import io

import pytest
from django.core.management import call_command

from gallery.scanning.explain import describe, explain, sample_paths, top_level_pieces
from gallery.scanning.matching import Rules

PATTERN = (
    r"(?P<a_year>\d{4})/(?P<a_month>\d{2})_(?P<a_day>\d{2})_(?P<a_name>[^_/]+)/"
    r"(?P<p_year>\d{4})-(?P<p_month>\d{2})-(?P<p_day>\d{2})_"
    r"(?P<p_hour>\d{2})-(?P<p_minute>\d{2})-(?P<p_second>\d{2})\.jpg"
)
RULES = Rules.from_settings(
    [("Photos", PATTERN), ("Scans", r"scans/(?P<a_name>[^/]+)/[^/]+\.tiff?")],
    [r".*\.txt$"],
)
SNOW = "2013/01_19_Snow in Paris/2013-01-19_19-12-43.jpg"


def test_a_matched_path_gives_category_album_and_photo_date():
    result = explain(SNOW, RULES)

    assert (result.outcome, result.pattern, result.category) == ("matched", 1, "Photos")
    assert result.album_date == datetime.date(2013, 1, 19)
    assert result.album_name == "Snow in Paris"
    assert result.photo_date.replace(tzinfo=None) == datetime.datetime(
        2013, 1, 19, 19, 12, 43
    )
    assert describe(result) == [
        SNOW,
        "  pattern 1 (Photos): album of 2013-01-19 named “Snow in Paris”, "
        "photo of 2013-01-19 19:12:43",
    ]


def test_an_ignored_path():
    result = explain("2013/notes.txt", RULES)

    assert result.outcome == "ignored"
    assert describe(result) == ["2013/notes.txt", r"  ignored by .*\.txt$"]


@pytest.mark.parametrize(
    ("path", "reason"),
    [
        (
            "2013/1_19_Snow/2013-01-19_19-12-43.jpg",
            "the capture a_month fails on “1_19_Snow/2013-01-19_19-12-43.jpg”",
        ),
        (
            "2013/01_19_Snow_Paris/2013-01-19_19-12-43.jpg",
            "“_Paris/2013-01-19_19-12-43.jpg” does not match /",
        ),
        ("2013/01_19_Snow/IMG_0001.jpg", "the capture p_year fails on “IMG_0001.jpg”"),
        ("2013/01_19_Snow", "the path ends before /"),
        ("notes", "the capture a_year fails on “notes”"),
    ],
)
def test_an_unmatched_path_says_where_each_pattern_stops(path, reason):
    result = explain(path, RULES)

    assert result.outcome == "unmatched"
    assert result.details[0] == f"pattern 1 (Photos): {reason}"
    assert result.details[1].startswith("pattern 2 (Scans): ")
    assert describe(result)[1] == "  no pattern matches:"


def test_an_invalid_album_date_skips_the_album():
    result = explain("2013/13_19_Snow/2013-01-19_19-12-43.jpg", RULES)

    assert result.outcome == "skipped"
    assert result.details == [
        "invalid album date (month must be in 1..12); album skipped"
    ]


def test_an_invalid_photo_date_is_a_warning():
    result = explain("2013/01_19_Snow/2013-01-19_25-12-43.jpg", RULES)

    assert result.outcome == "matched"
    assert result.photo_date is None
    assert result.details == ["invalid photo time (hour must be in 0..23)"]


def test_a_pattern_without_album_date():
    result = explain("scans/Old/1.tif", RULES)

    assert result.outcome == "skipped"
    assert "no album date in the name" in result.details[0]


@pytest.mark.parametrize(
    ("regex", "pieces"),
    [
        (r"(?P<a>\d+)/x", [r"(?P<a>\d+)", "/x"]),
        (r"a[)(|]b(c)?$", ["a[)(|]b", "(c)?", "$"]),
        (r"\((?:x|y){2,3}z", [r"\(", "(?:x|y){2,3}", "z"]),
        (r"a|b", None),
    ],
)
def test_top_level_pieces(regex, pieces):
    assert top_level_pieces(regex) == pieces


def test_a_top_level_alternation_is_not_cut():
    rules = Rules.from_settings([("Photos", r"a|b")], [])

    assert explain("c", rules).details == ["pattern 1 (Photos): does not match"]


def test_sample_takes_a_few_paths_per_directory(photo_tree):
    photo_tree.album("2013/01_19_Snow", 5).album("2014/02_02_Rain", 5)

    paths = sample_paths(photo_tree.storage(), count=3)

    assert len(paths) == 3
    assert paths[0].startswith("2013/01_19_Snow/")
    assert paths[2].startswith("2014/02_02_Rain/")


def test_scanphotos_explain(photo_tree, settings):
    settings.GALLERY_PATTERNS = [("Photos", PATTERN)]
    photo_tree.album("2013/01_19_Snow", 1)
    out = io.StringIO()

    call_command("scanphotos", "--explain", SNOW, "x.jpg", stdout=out)
    call_command("scanphotos", "--explain", stdout=out)

    assert out.getvalue().splitlines() == [
        *describe(explain(SNOW)),
        "x.jpg",
        "  no pattern matches:",
        "    pattern 1 (Photos): the capture a_year fails on “x.jpg”",
        "2013/01_19_Snow/2013-01-19_10-00-00.jpg",
        "  pattern 1 (Photos): album of 2013-01-19 named “Snow”, "
        "photo of 2013-01-19 10:00:00",
    ]
