import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.files.base import ContentFile

from gallery.files import cachefiles
from gallery.resizers.presets import get_presets
from gallery.storages import get_storage
from tests.builders import make_album, make_image, make_photo, make_user

pytestmark = pytest.mark.django_db

URL = "/admin/gallery/album/"
DUMMY = "django_tasks.backends.dummy.DummyBackend"


def album_with_photos(count=2):
    album = make_album()
    for number in range(count):
        data = make_image(300, 200)
        photo = make_photo(album, f"{number}.jpg", size=len(data))
        get_storage("photo").save(photo.image_name, ContentFile(data))
    return album


def run_action(client, album):
    data = {"action": "create_resized_images", ACTION_CHECKBOX_NAME: [album.pk]}
    return client.post(URL, data, follow=True)


@pytest.fixture
def owner(client):
    perms = ["gallery.view_album", "gallery.change_album", "gallery.scan"]
    client.force_login(make_user(is_staff=True, perms=perms))
    return client


def test_in_the_request_without_a_task_backend(owner):
    album = album_with_photos()

    response = run_action(owner, album)

    messages = [str(m) for m in response.context["messages"]]
    presets = len(get_presets())
    assert messages == [
        f"Resized images: {2 * presets} created, 0 already cached, 0 failed."
    ]
    photo = album.photo_set.first()
    assert get_storage("cache").exists(cachefiles.resized_name(photo, 128, 128, True))


def test_queued_with_a_task_backend(owner, settings):
    settings.TASKS = {"default": {"BACKEND": DUMMY}}
    settings.GALLERY_TASK_BACKEND = "default"
    album = album_with_photos(1)
    from django_tasks import task_backends

    response = run_action(owner, album)

    (result,) = task_backends["default"].results
    assert list(result.args[0]) == [album.pk]
    assert "are being created in the background" in str(
        list(response.context["messages"])[0]
    )
    assert not get_storage("cache").listdir("")[1]


def test_only_for_those_who_may_scan(client):
    perms = ["gallery.view_album", "gallery.change_album"]
    client.force_login(make_user(is_staff=True, perms=perms))

    content = client.get(URL).content.decode()

    assert "create_resized_images" not in content
