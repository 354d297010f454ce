"""Counts on the pages are grouped by thousands as the language does."""

import pytest
from django.template import Context, Template
from django.utils import translation

from gallery.models import Photo
from tests.builders import make_album, make_album_policy

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("language", "text"), [("en", "1,234 photos"), ("fr", "1\xa0234 photos")]
)
def test_counts_are_grouped(language, text):
    template = Template("{% load gallery_numbers %}{{ n|grouped }} photos")
    with translation.override(language):
        assert template.render(Context({"n": 1234})) == text


@pytest.mark.parametrize(
    ("language", "grouped"), [("en", "1,200 photos"), ("fr", "1\xa0200 photos")]
)
def test_album_and_index_pages_group_counts(client, language, grouped):
    album = make_album()
    make_album_policy(album, public=True)
    Photo.objects.bulk_create(
        Photo(album=album, filename=f"{i:04d}.jpg") for i in range(1200)
    )
    headers = {"Accept-Language": language}
    for url in (album.get_absolute_url(), "/"):
        with translation.override(language):
            response = client.get(url, headers=headers)
        assert grouped in response.content.decode(), url
