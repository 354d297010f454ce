"""The thumbor resizer: URLs signed as thumbor expects, and served by a real thumbor.

Visitors reach thumbor through the redirect of the resized-photo view, so the
URL checked here is that redirect's ``Location``, as a browser requests it.
"""

import io
import urllib.error
import urllib.parse
import urllib.request

import pytest
from django.urls import reverse
from libthumbor.url import Url
from libthumbor.url_signers.base64_hmac_sha1 import UrlSigner
from PIL import Image

from gallery.resizers import thumbor
from tests.builders import make_album, make_album_policy, make_image, make_photo

pytestmark = pytest.mark.django_db

SERVER = "http://thumbor.example.com:8888"
KEY = "thumbor security key of the test suite"
DIRPATH = "2013/01_19_Été à Paris"


@pytest.fixture(autouse=True)
def thumbor_settings(settings):
    settings.GALLERY_RESIZE = "gallery.resizers.thumbor.resize"
    settings.THUMBOR_SERVER = SERVER
    settings.THUMBOR_SECURITY_KEY = KEY


@pytest.fixture
def photo():
    album = make_album(DIRPATH)
    make_album_policy(album, public=True)
    return make_photo(album, "2013-01-19_19-12-43.jpg")


def location(client, photo, preset):
    response = client.get(reverse("gallery:photo-resized", args=[preset, photo.pk]))
    assert response.status_code == 302
    return response["Location"]


def signed_path(url, server=SERVER):
    """Split a thumbor URL into its signature and the signed path."""
    assert url.startswith(server + "/")
    signature, _, path = url[len(server) + 1 :].partition("/")
    return signature, path


@pytest.mark.parametrize(
    ("preset", "size", "fit_in"), [("thumb", 128, False), ("standard", 768, True)]
)
def test_url_is_signed_with_the_security_key(client, photo, preset, size, fit_in):
    signature, path = signed_path(location(client, photo, preset))

    # thumbor checks the signature of the path as it receives it, %-encoded.
    assert UrlSigner(KEY).validate(signature.encode(), path)
    assert not UrlSigner("another key").validate(signature.encode(), path)
    options = Url.parse_decrypted("/" + path)
    assert (options["width"], options["height"]) == (size, size)
    assert options["fit_in"] is fit_in
    assert urllib.parse.unquote(options["image"]) == photo.image_name


def test_resizer_contract_default_is_a_crop(photo):
    signature, path = signed_path(thumbor.resize(photo, 64, 64))

    assert not Url.parse_decrypted("/" + path)["fit_in"]


@pytest.fixture
def served_photo(thumbor_server, photo):
    """``photo``, with its original in the directory thumbor reads."""
    folder = thumbor_server / DIRPATH
    folder.mkdir(parents=True)
    (folder / photo.filename).write_bytes(make_image(800, 600))
    return photo


@pytest.mark.component
@pytest.mark.parametrize(
    ("preset", "size"), [("thumb", (128, 128)), ("standard", (768, 576))]
)
def test_real_thumbor_serves_the_resized_photo(client, served_photo, preset, size):
    url = location(client, served_photo, preset)

    with urllib.request.urlopen(url, timeout=30) as response:
        assert response.headers["Content-Type"] == "image/jpeg"
        image = Image.open(io.BytesIO(response.read()))

    assert image.size == size


@pytest.mark.component
def test_real_thumbor_refuses_a_tampered_url(client, served_photo):
    url = location(client, served_photo, "thumb").replace("/128x128/", "/1280x1280/")

    with pytest.raises(urllib.error.HTTPError) as info:
        urllib.request.urlopen(url, timeout=30)
    info.value.close()
    assert info.value.code == 400
