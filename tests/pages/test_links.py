"""Links and thumbnails computed once per page."""

import datetime

from django.test import override_settings
from django.urls import reverse

from gallery.models import Album, Photo
from gallery.pages.links import add_album_links, add_links, year_links


def test_links_match_reverse():
    photo = Photo(pk=42, filename='<a "b">.jpg')
    add_links([photo])
    assert photo.url == reverse("gallery:photo", args=[42])
    assert photo.thumb_url == reverse("gallery:photo-resized", args=["thumb", 42])
    assert photo.thumb2x_url == reverse("gallery:photo-resized", args=["thumb2x", 42])
    assert photo.thumbnail == (
        '<img src="/resized/thumb/42/" srcset="/resized/thumb2x/42/ 2x"'
        ' width="128" height="128" loading="lazy" alt="&lt;a &quot;b&quot;&gt;.jpg">'
    )
    assert photo.thumbnail_link == f'<a href="/photo/42/">{photo.thumbnail}</a>'


@override_settings(GALLERY_RESIZE_PRESETS={"thumb": (100, 80, True)})
def test_links_without_high_density_preset():
    photo = Photo(pk=7, filename="a.jpg")
    add_links([photo])
    assert photo.thumb2x_url is None
    assert "srcset" not in photo.thumbnail
    assert 'width="100" height="80"' in photo.thumbnail


@override_settings(GALLERY_RESIZE_PRESETS={})
def test_links_without_presets():
    photo = Photo(pk=7, filename="a.jpg")
    add_links([photo])
    assert "width" not in photo.thumbnail


def test_album_and_year_links():
    album = Album(pk=3)
    add_album_links([album])
    assert album.url == album.get_absolute_url()
    assert year_links([datetime.date(2013, 1, 1)]) == [
        (2013, reverse("gallery:year", args=[2013]))
    ]
