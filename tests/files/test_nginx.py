"""Photos served through real nginx in front of the app under gunicorn."""

import io
import json
import zipfile

import pytest
from PIL import Image

from tests.builders import make_image

pytestmark = pytest.mark.component

SEED = """
import json
from tests.builders import make_album, make_album_policy, make_photo
public = make_album("2013/01_19_Snow in Paris", name="Snow in Paris")
make_album_policy(public, public=True)
private = make_album("2013/01_20_Private", name="Private")
make_album_policy(private, public=False)
shown = make_photo(public, "Été à Paris.jpg", size={size})
hidden = make_photo(private, "secret.jpg", size={size})
print(json.dumps({{"shown": shown.pk, "hidden": hidden.pk, "album": public.pk}}))
"""


@pytest.fixture(scope="module")
def site(served_site):
    data = make_image(640, 480)
    site = served_site.site
    site.add_photo_file("2013/01_19_Snow in Paris/Été à Paris.jpg", data)
    site.add_photo_file("2013/01_20_Private/secret.jpg", data)
    served_site.pks = json.loads(site.django(SEED.format(size=len(data))))
    served_site.data = data
    return served_site


def test_original_sent_by_nginx(site):
    status, headers, body = site.get(f"/original/{site.pks['shown']}/")
    assert status == 200
    assert body == site.data
    assert headers["Content-Type"] == "image/jpeg"
    assert headers["Content-Length"] == str(len(site.data))
    assert "X-Accel-Redirect" not in headers
    assert "filename*=UTF-8''%C3%89t%C3%A9" in headers["Content-Disposition"]


def test_nginx_answers_ranges(site):
    path = f"/original/{site.pks['shown']}/"
    status, headers, body = site.get(path, {"Range": "bytes=0-99"})
    assert status == 206
    assert body == site.data[:100]


def test_resized_sent_by_nginx(site):
    status, headers, body = site.get(f"/resized/thumb/{site.pks['shown']}/")
    assert status == 200
    assert "X-Accel-Redirect" not in headers
    with Image.open(io.BytesIO(body)) as image:
        assert (image.format, image.size) == ("JPEG", (128, 128))


def test_protected_location_is_internal(site):
    path = "/protected/photos/2013/01_20_Private/secret.jpg"
    status, _, body = site.get(path)
    assert status == 404
    assert site.data not in body
    site.get(f"/resized/thumb/{site.pks['shown']}/")
    cached = next(site.site.cache_dir.glob("resized/**/*.jpg"))
    relative = cached.relative_to(site.site.directory)
    assert site.get(f"/protected/{relative}")[0] == 404


def test_visitor_without_access_gets_404(site):
    hidden = site.pks["hidden"]
    for path in (f"/original/{hidden}/", f"/resized/thumb/{hidden}/"):
        status, headers, body = site.get(path)
        assert status == 404
        assert site.data not in body
        assert "X-Accel-Redirect" not in headers


def test_export_streamed_then_sent_by_nginx(site):
    path = f"/export/{site.pks['album']}/"
    status, headers, first = site.get(path)
    assert status == 200
    assert headers["Content-Type"] == "application/zip"
    assert zipfile.ZipFile(io.BytesIO(first)).read("Été à Paris.jpg") == site.data
    status, headers, second = site.get(path)
    assert status == 200
    assert second == first
    assert headers["Content-Length"] == str(len(first))  # a file sent by nginx
    assert "X-Accel-Redirect" not in headers
