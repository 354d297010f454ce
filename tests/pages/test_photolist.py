"""The photos of an album page: thumbnails without objects, objects on demand."""

import pytest
from django.template import engines
from django.urls import reverse

from gallery.models import Photo
from gallery.pages.photolist import PhotoList
from tests.builders import make_album, make_photo

pytestmark = pytest.mark.django_db


@pytest.fixture
def album():
    album = make_album()
    for name in ["b.jpg", 'a <"x">.jpg', "c.jpg"]:
        make_photo(album, name)
    return album


def photo_list(album):
    return PhotoList(Photo.objects.filter(album=album).order_by("filename"), album)


def test_list_items_link_to_the_photos_of_the_objects(album):
    photos = photo_list(album)
    items = photos.list_items
    assert items.count("<li ") == 3
    positions = [items.index(f'<a href="{photo.url}"') for photo in photos]
    assert positions == sorted(positions)
    assert "x.jpg" not in items  # the file name is no description


def test_cells_are_sized_by_the_photos_aspect_ratio(album):
    Photo.objects.filter(filename="b.jpg").update(
        width=300, height=200, placeholder="#102030"
    )
    photos = photo_list(album)
    b = next(photo for photo in photos if photo.filename == "b.jpg")
    cells = photos.list_items.splitlines()
    cell = next(line for line in cells if f'href="{b.url}"' in line)
    assert 'style="--r:1.5000;background:#102030"' in cell
    assert 'data-size="300x200"' in cell
    assert f"/resized/row/{b.pk}/ 240w" in cell  # row: 480x160
    # row2x: 960x320, never enlarged
    assert f"/resized/row2x/{b.pk}/ 300w" in cell
    unmeasured = next(line for line in cells if line is not cell)
    assert 'style="--r:1"' in unmeasured and "/resized/thumb/" in unmeasured


def test_count_and_items_in_one_query(album, django_assert_num_queries):
    with django_assert_num_queries(1):
        photos = photo_list(album)
        assert len(photos) == 3 and photos and photos.count() == 3
        assert photos.list_items.count("<li ") == 3


def test_objects_in_one_more_query_with_their_album(album, django_assert_num_queries):
    photos = photo_list(album)
    with django_assert_num_queries(1):
        names = [photo.filename for photo in photos]
        assert all(photo.album is album for photo in photos)
    assert names == ['a <"x">.jpg', "b.jpg", "c.jpg"]
    assert photos[1].url == reverse("gallery:photo", args=[photos[1].pk])


def test_templates_reach_the_list_items_without_objects(
    album, django_assert_num_queries
):
    photos = photo_list(album)
    template = engines["django"].from_string(
        "{% if photos %}{{ photos|length }}{{ photos.list_items }}{% endif %}"
    )
    with django_assert_num_queries(0):
        html = template.render({"photos": photos})
    assert html == f"3{photos.list_items}"


def test_templates_that_loop_over_photos_keep_working(album):
    template = engines["django"].from_string(
        "{% for photo in photos %}{{ photo.filename }} {{ photo.album.pk }}"
        " {{ photo.get_absolute_url }};{% endfor %}{{ photos.0.filename }}"
    )
    html = template.render({"photos": photo_list(album)})
    first = Photo.objects.get(filename="b.jpg")
    assert f"b.jpg {album.pk} {first.get_absolute_url()};" in html
    assert html.endswith("a &lt;&quot;x&quot;&gt;.jpg")


def test_empty_album():
    photos = photo_list(make_album())
    assert not photos and len(photos) == 0 and photos.list_items == ""
    assert list(photos) == []
