import pytest

from tests.builders import make_album, make_album_policy

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_index_lists_a_public_album(browser_page, live_server):
    album = make_album(name="Snow in Paris")
    make_album_policy(album, public=True)
    browser_page.goto(f"{live_server.url}/")
    assert browser_page.title() == "Gallery"
