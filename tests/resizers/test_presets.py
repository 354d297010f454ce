"""One reading of GALLERY_RESIZE_PRESETS for the checks, the pages and the files."""

import pytest
from django.core.checks import run_checks
from django.test import override_settings

from gallery.admin import PhotoAdmin
from gallery.pages.presets import preset
from gallery.resizers import Preset, get_preset, get_presets, parse_preset
from tests.builders import make_album, make_album_policy, make_photo

WELL_FORMED = [
    ((128, 128, True), Preset(128, 128, True)),
    ([768, 512, False], Preset(768, 512, False)),
]
MALFORMED = [
    (128, 128),  # 0.9.1 never accepted a pair either
    (128, 128, True, "extra"),
    (0, 128, True),
    (128, -1, False),
    ("128", 128, False),
    (128.0, 128, False),
    (True, 128, False),
    (128, 128, 1),
    None,
    "128x128",
]


@pytest.mark.parametrize(("value", "expected"), WELL_FORMED)
def test_triples_are_presets(value, expected):
    result = parse_preset(value)
    assert result == expected
    assert (result.width, result.height, result.crop) == tuple(value)


@pytest.mark.parametrize("value", MALFORMED)
def test_anything_else_is_malformed(value):
    with pytest.raises(ValueError, match="not \\(width, height, crop\\)"):
        parse_preset(value)


PRESETS = {"thumb": (128, 128, True), "pair": (300, 200), "thumb2x": (256, 256)}


@override_settings(GALLERY_RESIZE_PRESETS=PRESETS)
def test_every_reader_agrees_on_a_pair():
    assert get_presets() == {"thumb": Preset(128, 128, True)}
    assert get_preset("thumb") == (128, 128, True)
    assert get_preset("pair") is None
    assert get_preset("missing") is None
    assert preset("pair")["size"] == ""
    assert preset("thumb")["hidpi"] is None  # thumb2x is malformed
    ids = [message.id for message in run_checks(tags=None)]
    assert ids.count("gallery.E007") == 2


@pytest.mark.django_db
@override_settings(GALLERY_RESIZE_PRESETS=PRESETS)
def test_a_malformed_preset_is_a_404_not_a_server_error(client):
    album = make_album()
    make_album_policy(album, public=True)
    photo = make_photo(album)
    assert client.get(f"/resized/pair/{photo.pk}/").status_code == 404
    assert client.get(album.get_absolute_url()).status_code == 200


@override_settings(GALLERY_RESIZE_PRESETS={"thumb": (300, 200)})
def test_admin_preview_ignores_a_malformed_preset():
    from django.contrib.admin import site

    from gallery.models import Photo

    assert PhotoAdmin(Photo, site).preview(Photo(pk=1)) == "-"
