import os
from email.utils import formatdate

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from django.http import Http404
from django.test import RequestFactory, override_settings
from django.urls import reverse

from gallery.files import serving
from gallery.files.http import content_disposition
from gallery.storages import get_storage
from tests.builders import make_album, make_album_policy, make_photo

DATA = b"0123456789" * 1000

# Closing a response sends request_finished, which closes database connections.
pytestmark = pytest.mark.django_db


@pytest.fixture
def local(tmp_path):
    """A local storage with one file, ``2013/Été à Paris.jpg``."""
    storage = FileSystemStorage(location=tmp_path / "files")
    storage.save("2013/Été à Paris.jpg", ContentFile(DATA))
    return storage


def get(**headers):
    return RequestFactory().get("/", headers=headers)


def body(response):
    return b"".join(response.streaming_content)


@pytest.fixture(autouse=True)
def responses():
    """Close the responses of each test, as a WSGI server would."""
    opened = []
    yield opened
    for response in opened:
        response.close()


@pytest.fixture
def serve(responses):
    def serve(storage, request=None, **kwargs):
        name = "2013/Été à Paris.jpg"
        response = serving.serve(request or get(), storage, name, **kwargs)
        responses.append(response)
        return response

    return serve


# Content-Disposition


@pytest.mark.parametrize(
    "filename, expected",
    [
        ("photo.jpg", "inline; filename=\"photo.jpg\"; filename*=UTF-8''photo.jpg"),
        (
            "Été à Paris.jpg",
            'inline; filename="Ete a Paris.jpg"; '
            "filename*=UTF-8''%C3%89t%C3%A9%20%C3%A0%20Paris.jpg",
        ),
        ('a"b\\c\r\n.jpg', 'inline; filename="a_b_c__.jpg"; '),
        ("日本.jpg", 'inline; filename="_.jpg"; '.replace("_", "")),
    ],
)
def test_content_disposition(filename, expected):
    assert content_disposition(filename).startswith(expected)


def test_content_disposition_attachment():
    assert content_disposition("x.zip", attachment=True).startswith("attachment; ")


# Local files, streamed by the application


def test_stream_local_file(serve, local):
    response = serve(local)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["Content-Length"] == str(len(DATA))
    assert response["Accept-Ranges"] == "bytes"
    assert response["ETag"].startswith('"')
    assert "Last-Modified" in response
    assert "filename*=UTF-8''%C3%89t%C3%A9" in response["Content-Disposition"]
    assert "private" in response["Cache-Control"]
    assert body(response) == DATA


def test_not_modified_with_etag(serve, local):
    etag = serve(local)["ETag"]
    response = serve(local, get(if_none_match=etag))
    assert response.status_code == 304
    assert response["ETag"] == etag


def test_not_modified_since(serve, local):
    mtime = os.stat(local.path("2013/Été à Paris.jpg")).st_mtime
    since = formatdate(mtime + 10, usegmt=True)
    assert serve(local, get(if_modified_since=since)).status_code == 304
    before = formatdate(mtime - 10, usegmt=True)
    assert serve(local, get(if_modified_since=before)).status_code == 200


def test_changed_etag_gives_full_file(serve, local):
    response = serve(local, get(if_none_match='"other"'))
    assert response.status_code == 200


@pytest.mark.parametrize(
    "header, start, end",
    [("bytes=0-9", 0, 9), ("bytes=9990-", 9990, 9999), ("bytes=-5", 9995, 9999)],
)
def test_byte_range(serve, local, header, start, end):
    response = serve(local, get(range=header))
    assert response.status_code == 206
    assert response["Content-Range"] == f"bytes {start}-{end}/{len(DATA)}"
    assert response["Content-Length"] == str(end - start + 1)
    assert response["Content-Type"] == "image/jpeg"
    assert body(response) == DATA[start : end + 1]


def test_unsatisfiable_range(serve, local):
    response = serve(local, get(range="bytes=20000-"))
    assert response.status_code == 416
    assert response["Content-Range"] == f"bytes */{len(DATA)}"


def test_multiple_ranges_give_full_file(serve, local):
    response = serve(local, get(range="bytes=0-1,5-6"))
    assert response.status_code == 200
    assert body(response) == DATA


def test_if_range_with_stale_etag_gives_full_file(serve, local):
    response = serve(local, get(range="bytes=0-9", if_range='"stale"'))
    assert response.status_code == 200
    etag = serve(local)["ETag"]
    response = serve(local, get(range="bytes=0-9", if_range=etag))
    assert response.status_code == 206


# Local files, sent by the web server


def sendfile_settings(root, prefix="/protected/", header="X-Accel-Redirect"):
    return override_settings(
        GALLERY_SENDFILE_HEADER=header,
        GALLERY_SENDFILE_ROOT=str(root),
        GALLERY_SENDFILE_PREFIX=prefix,
    )


def test_sendfile_header(serve, local, tmp_path):
    with sendfile_settings(tmp_path):
        response = serve(local)
    assert response.status_code == 200
    assert response.content == b""
    assert response["X-Accel-Redirect"] == (
        "/protected/files/2013/%C3%89t%C3%A9%20%C3%A0%20Paris.jpg"
    )
    assert response["Content-Type"] == "image/jpeg"
    assert response["Content-Disposition"].startswith('inline; filename="Ete a Paris')


def test_sendfile_header_for_apache(serve, local, tmp_path):
    with sendfile_settings("", prefix="", header="X-Sendfile"):
        response = serve(local, filename="x.jpg", attachment=True)
    assert response["X-Sendfile"] == serving.sendfile_path(
        local.path("2013/Été à Paris.jpg")
    )
    assert response["X-Sendfile"].startswith(str(tmp_path))
    assert response["Content-Disposition"].startswith('attachment; filename="x.jpg"')


def test_sendfile_refuses_path_outside_root(serve, local, tmp_path):
    with sendfile_settings(tmp_path / "elsewhere"), pytest.raises(Http404):
        serve(local)


def test_sendfile_refuses_sibling_with_common_prefix(serve, local, tmp_path):
    # "files" starts with "fil" but is not inside it.
    with sendfile_settings(tmp_path / "fil"), pytest.raises(Http404):
        serve(local)


def test_sendfile_refuses_symlink_escaping_root(tmp_path):
    outside = tmp_path / "outside.jpg"
    outside.write_bytes(DATA)
    root = tmp_path / "root"
    root.mkdir()
    (root / "link.jpg").symlink_to(outside)
    storage = FileSystemStorage(location=root)
    with sendfile_settings(root), pytest.raises(Http404):
        serving.serve(get(), storage, "link.jpg")


# Remote storages


class SigningStorage(FileSystemStorage):
    """A storage whose ``url()`` takes the options of django-storages' S3."""

    querystring_auth = True

    def url(self, name, parameters=None, expire=None, http_method=None):
        self.options = {"parameters": parameters, "expire": expire}
        return f"https://bucket.example.com/{name}?signed"

    def path(self, name):
        raise NotImplementedError


def test_remote_storage_without_signed_urls_is_streamed(responses):
    storage = get_storage("cache")
    storage.save("a/b.jpg", ContentFile(DATA))
    response = serving.serve(get(), storage, "a/b.jpg")
    responses.append(response)
    assert response.status_code == 200
    assert body(response) == DATA


def test_remote_redirect_is_private(tmp_path):
    storage = SigningStorage(location=tmp_path)
    response = serving.serve(get(), storage, "a/b.jpg")
    assert response.status_code == 302
    assert response["Cache-Control"] == "private, no-store"


def test_remote_redirect_is_signed_and_short_lived(tmp_path):
    storage = SigningStorage(location=tmp_path)
    with override_settings(GALLERY_SIGNED_URL_EXPIRY=60):
        response = serving.serve(get(), storage, "a/b.zip", attachment=True)
    assert response["Location"] == "https://bucket.example.com/a/b.zip?signed"
    assert storage.options["expire"] == 60
    disposition = storage.options["parameters"]["ResponseContentDisposition"]
    assert disposition.startswith('attachment; filename="b.zip"')


def test_s3_redirect_is_presigned_with_expiry():
    from storages.backends.s3 import S3Storage

    storage = S3Storage(
        bucket_name="photos",
        access_key="key",
        secret_key="secret",
        region_name="us-east-1",
        endpoint_url="http://127.0.0.1:9",
        signature_version="s3v4",
    )
    response = serving.serve(get(), storage, "2013/a b.jpg", attachment=True)
    location = response["Location"]
    assert location.startswith("http://127.0.0.1:9/photos/2013/a%20b.jpg?")
    assert "X-Amz-Expires=300" in location
    assert "X-Amz-Signature=" in location
    assert "response-content-disposition=attachment" in location


@pytest.mark.parametrize(
    "options",
    [{"querystring_auth": False}, {"custom_domain": "cdn.example.com"}],
    ids=["unsigned", "custom-domain"],
)
def test_s3_without_signed_urls_is_streamed_not_redirected(options):
    from storages.backends.s3 import S3Storage

    storage = S3Storage(bucket_name="photos", access_key="k", secret_key="s", **options)
    assert not serving.signs_urls(storage)


def test_symlink_out_of_the_storage_is_404(tmp_path):

    secret = tmp_path / "secret.txt"
    secret.write_text("secret")
    (tmp_path / "photos").mkdir()
    (tmp_path / "photos" / "link.jpg").symlink_to(secret)
    storage = FileSystemStorage(location=tmp_path / "photos")
    for header in [None, "X-Accel-Redirect"]:
        with override_settings(GALLERY_SENDFILE_HEADER=header):
            with pytest.raises(Http404):
                serving.serve(get(), storage, "link.jpg")
            with pytest.raises(Http404):
                serving.serve(get(), storage, "../secret.txt")


@override_settings(GALLERY_REMOTE_SERVING="stream")
def test_remote_stream(responses):
    storage = get_storage("cache")
    storage.save("a/b.png", ContentFile(DATA))
    response = serving.serve(get(), storage, "a/b.png")
    responses.append(response)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert body(response) == DATA


# The view of originals


@pytest.fixture
def photo():
    album = make_album()
    make_album_policy(album, public=False)
    photo = make_photo(album, "Été.jpg")
    get_storage("photo").save(photo.image_name, ContentFile(DATA))
    return photo


def test_original_refused_to_visitor_without_access(client, photo):
    url = reverse("gallery:photo-original", args=[photo.pk])
    assert client.get(url).status_code == 404
    assert get_storage("photo").operations("open") == []


def test_original_served_with_ranges(client, photo, tmp_path):
    photo.album.access_policy.public = True
    photo.album.access_policy.save()
    storage = FileSystemStorage(location=tmp_path)
    storage.save(photo.image_name, ContentFile(DATA))
    url = reverse("gallery:photo-original", args=[photo.pk])
    with override_settings(GALLERY_PHOTO_STORAGE=storage):
        response = client.get(url, headers={"range": "bytes=10-19"})
    assert response.status_code == 206
    assert body(response) == DATA[10:20]
    assert "filename*=UTF-8''%C3%89t%C3%A9.jpg" in response["Content-Disposition"]


def test_original_of_unknown_photo(client):
    url = reverse("gallery:photo-original", args=[9999])
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("mode", ["local", "stream"])
def test_missing_file_is_404(tmp_path, mode):

    if mode == "local":
        storage = FileSystemStorage(location=tmp_path)
    else:
        storage = get_storage("cache")
    with (
        override_settings(GALLERY_REMOTE_SERVING="stream"),
        pytest.raises(Http404),
    ):
        serving.serve(get(), storage, "missing.jpg")


def test_missing_original_gives_404(client, photo, tmp_path):
    photo.album.access_policy.public = True
    photo.album.access_policy.save()
    url = reverse("gallery:photo-original", args=[photo.pk])
    storage = FileSystemStorage(location=tmp_path)
    with override_settings(GALLERY_PHOTO_STORAGE=storage):
        assert client.get(url).status_code == 404
