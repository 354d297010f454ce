"""The thumbor resizer: URLs signed as thumbor expects, and served by a real thumbor."""

import io
import urllib.parse
import urllib.request

import pytest
from django.test import override_settings
from libthumbor.url import Url
from libthumbor.url_signers.base64_hmac_sha1 import UrlSigner
from PIL import Image

from tests.builders import make_album, make_image, make_photo

thumbor = pytest.importorskip("gallery.resizers.thumbor")

pytestmark = pytest.mark.django_db

SERVER = "http://thumbor.example.com:8888"
KEY = "thumbor security key of the test suite"


def signed_path(url):
    """Split a thumbor URL into its signature and the signed path."""
    assert url.startswith(SERVER + "/")
    signature, _, path = url[len(SERVER) + 1 :].partition("/")
    return signature, path


@pytest.fixture
def photo():
    album = make_album("2013/01_19_Snow in Paris")
    return make_photo(album, "2013-01-19_19-12-43.jpg")


@override_settings(THUMBOR_SERVER=SERVER, THUMBOR_SECURITY_KEY=KEY)
@pytest.mark.parametrize(("crop", "fit_in"), [(True, False), (False, True)])
def test_url_is_signed_with_the_security_key(photo, crop, fit_in):
    signature, path = signed_path(thumbor.resize(photo, 256, 128, crop=crop))

    # thumbor checks the signature of the path as it receives it, %-encoded.
    assert UrlSigner(KEY).validate(signature.encode(), path)
    assert not UrlSigner("another key").validate(signature.encode(), path)
    options = Url.parse_decrypted("/" + path)
    assert options["width"] == 256
    assert options["height"] == 128
    assert options["fit_in"] is fit_in
    assert urllib.parse.unquote(options["image"]) == photo.image_name
    assert " " not in path


def test_default_is_a_crop(photo, settings):
    settings.THUMBOR_SERVER, settings.THUMBOR_SECURITY_KEY = SERVER, KEY

    signature, path = signed_path(thumbor.resize(photo, 64, 64))

    assert not Url.parse_decrypted("/" + path)["fit_in"]


@pytest.mark.component
@pytest.mark.parametrize("crop", [True, False])
def test_real_thumbor_serves_the_resized_photo(thumbor_server, crop):
    album = make_album("2013/01_19_Snow in Paris")
    photo = make_photo(album, "2013-01-19_19-12-43.jpg")
    folder = thumbor_server / album.dirpath
    folder.mkdir(parents=True)
    (folder / photo.filename).write_bytes(make_image(800, 600))

    url = thumbor.resize(photo, 200, 200, crop=crop)
    with urllib.request.urlopen(url, timeout=30) as response:
        assert response.headers["Content-Type"] == "image/jpeg"
        image = Image.open(io.BytesIO(response.read()))

    assert image.size == ((200, 200) if crop else (200, 150))


@pytest.mark.component
def test_real_thumbor_refuses_a_tampered_url(thumbor_server):
    photo = make_photo(make_album("2013/01_19_Snow"), "a.jpg")
    (thumbor_server / "2013/01_19_Snow").mkdir(parents=True)
    (thumbor_server / "2013/01_19_Snow/a.jpg").write_bytes(make_image(800, 600))
    url = thumbor.resize(photo, 200, 200).replace("/200x200/", "/2000x2000/")

    with pytest.raises(urllib.error.HTTPError) as info:
        urllib.request.urlopen(url, timeout=30)
    info.value.close()
    assert info.value.code == 400
