"""The upright size and colour of a photo, measured at its first decode."""

from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from django.test import override_settings
from django.urls import reverse

from gallery.files.precompute import precompute
from gallery.models import Photo
from gallery.resizers import pillow
from gallery.resizers.facts import Facts, main_colour, measure
from gallery.storages import get_storage
from tests.builders import make_album, make_album_policy, make_image, make_photo

DATA = Path(__file__).resolve().parents[1] / "data"

pytestmark = pytest.mark.django_db


def public_photo(data, filename="photo.jpg"):
    album = make_album()
    make_album_policy(album, public=True)
    photo = make_photo(album, filename, size=len(data))
    get_storage("photo").save(photo.image_name, ContentFile(data))
    return photo


def test_render_and_measure_gives_the_upright_size_of_the_original():
    data = (DATA / "coffee.jpg").read_bytes()  # stored 400x600, orientation 6
    _, facts = pillow.render_and_measure(data, [(64, 64, True)])
    assert (facts.width, facts.height) == (600, 400)


def test_size_is_the_original_size_not_the_draft_one():
    data = make_image(2048, 1536)
    _, facts = pillow.render_and_measure(data, [(128, 128, True)])
    assert (facts.width, facts.height) == (2048, 1536)


@pytest.mark.parametrize(
    "color, expected",
    [((200, 30, 30), "#c81e1e"), (128, "#808080")],
)
def test_placeholder_is_the_main_colour(color, expected):
    _, facts = pillow.render_and_measure(
        make_image(80, 60, color=color, format="PNG"), [(16, 16, True)]
    )
    assert facts.placeholder == expected


def test_main_colour_of_an_unusual_mode_is_empty_or_a_colour():
    from PIL import Image

    colour = main_colour(Image.new("I;16", (10, 10)))
    assert colour == "" or colour.startswith("#")


def test_measure_swaps_sides_for_rotated_orientations():
    from PIL import Image

    image = Image.new("RGB", (30, 20))
    assert measure(image, 1) == Facts(30, 20, "#000000")
    assert measure(image, 8) == Facts(20, 30, "#000000")


def test_first_resize_records_the_facts_once(client, django_assert_num_queries):
    photo = public_photo(make_image(300, 200, color=(0, 0, 255)))
    url = reverse("gallery:photo-resized", args=["thumb", photo.pk])
    with django_assert_num_queries(4):  # the photo, then the facts in a savepoint
        assert client.get(url).status_code == 200
    photo.refresh_from_db()
    assert (photo.width, photo.height, photo.placeholder) == (300, 200, "#0000fe")
    other = reverse("gallery:photo-resized", args=["standard", photo.pk])
    with django_assert_num_queries(1):  # same facts: no update
        assert client.get(other).status_code == 200


def test_cached_resize_records_nothing(client, django_assert_num_queries):
    photo = public_photo(make_image(300, 200))
    url = reverse("gallery:photo-resized", args=["thumb", photo.pk])
    client.get(url)
    Photo.objects.filter(pk=photo.pk).update(width=None, height=None)
    with django_assert_num_queries(1):
        assert client.get(url).status_code == 200


def test_precompute_records_the_facts_in_the_parent(tmp_path):
    cache = FileSystemStorage(location=tmp_path / "cache")
    with override_settings(GALLERY_CACHE_STORAGE=cache):
        photo = public_photo(make_image(120, 90))
        report = precompute(Photo.objects.all(), ["thumb"], jobs=1)
    assert (report.created, report.failed) == (1, [])
    photo.refresh_from_db()
    assert (photo.width, photo.height) == (120, 90)
