"""Building resized images ahead of visits into an S3 cache, on several cores."""

import io

import pytest
from PIL import Image

from gallery.files import cachefiles
from gallery.files.precompute import fresh_connections, precompute
from gallery.models import Photo
from tests.builders import make_album, make_image, make_photo

pytestmark = [pytest.mark.component, pytest.mark.django_db]


@pytest.fixture
def photos(s3, s3_storages):
    album = make_album("2013/01_19_Snow in Paris")
    for number in range(8):
        photo = make_photo(album, f"2013-01-19_19-12-{number:02d}.jpg")
        s3.put("photos", photo.image_name, make_image(400, 300))
    return Photo.objects.filter(album=album)


@pytest.mark.parametrize("jobs", [1, 2])
def test_resized_images_are_saved_to_the_s3_cache(s3, photos, jobs):
    report = precompute(photos, ["thumb", "standard"], jobs=jobs)

    assert (report.created, report.failed, report.broken) == (16, [], [])
    names = sorted(
        cachefiles.resized_name(photo, *size)
        for photo in photos
        for size in [(128, 128, True), (768, 768, False)]
    )
    assert s3.keys("cache") == names
    for name in names:
        data = s3.client().get_object(Bucket="cache", Key=name)["Body"].read()
        assert Image.open(io.BytesIO(data)).size in {(128, 128), (400, 300)}


def test_forked_workers_do_not_share_the_parent_connection(s3_storages):
    photo_storage, cache_storage = s3_storages
    inherited = photo_storage.connection, cache_storage.connection

    fresh_connections()

    assert photo_storage.connection is not inherited[0]
    assert cache_storage.connection is not inherited[1]
    assert cache_storage.bucket.meta.client is cache_storage.connection.meta.client
