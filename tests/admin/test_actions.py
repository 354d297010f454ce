"""Messages of the admin actions: pluralised, with numbers written for the language."""

import datetime
import re

import pytest
from django.utils import formats, translation

from gallery.admin.actions import refusal, set_message
from gallery.models import Album, AlbumAccessPolicy
from tests.admin.test_model_admins import ALBUM_PERMS, act, messages_of, staff


def grouped(language):
    return formats.get_format("THOUSAND_SEPARATOR", language)


@pytest.mark.parametrize(
    ("created", "changed", "expected"),
    [
        (1, 0, "Created 1 access policy."),
        (0, 1, "Changed 1 access policy."),
        (2, 1, "Created 2 access policies. Changed 1 access policy."),
        (0, 0, "Created 0 access policies."),
        (1234, 5678, "Created 1,234 access policies. Changed 5,678 access policies."),
    ],
)
def test_set_message_in_english(created, changed, expected):
    with translation.override("en"):
        assert set_message(created, changed) == expected


@pytest.mark.parametrize(
    ("created", "changed", "expected"),
    [
        (1, 0, "1 règle d’accès créée."),
        (0, 1, "1 règle d’accès modifiée."),
        (2, 1, "2 règles d’accès créées. 1 règle d’accès modifiée."),
        (1234, 0, "1{sep}234 règles d’accès créées."),
    ],
)
def test_set_message_in_french(created, changed, expected):
    with translation.override("fr"):
        message = set_message(created, changed)
    assert message == expected.format(sep=grouped("fr"))


def test_refusal_counts_are_grouped():
    names = {"objects": "photos", "policies": "policies"}
    with translation.override("en"):
        one = refusal("delete", 1) % {**names, "count": "1"}
        many = refusal("delete", 1000) % {**names, "count": "1,000"}
    assert "1 of the selected photos has an access policy" in one
    assert "1,000 of the selected photos have an access policy" in many


def many_albums(count=1200):
    albums = Album.objects.bulk_create(
        Album(category="Photos", dirpath=f"2013/{n:04}", date=datetime.date(2013, 1, 1))
        for n in range(count)
    )
    AlbumAccessPolicy.objects.bulk_create(
        AlbumAccessPolicy(album=album) for album in albums
    )
    return albums


@pytest.mark.django_db
def test_the_admin_speaks_french_with_grouped_counts(client):
    staff(client, *ALBUM_PERMS, "gallery.add_albumaccesspolicy")
    albums = many_albums()
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "fr"
    response = act(client, "album", "set_access_policy", albums[:1], select_across=1)
    assert messages_of(response) == [
        f"Impossible de définir ces règles d’accès\xa0: 1{grouped('fr')}200 des "
        "albums de la sélection ont déjà une règle d’accès, et vous n’avez pas la "
        "permission de modifier les règles d’accès aux albums."
    ]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "You selected 1,200 albums. 1,200 of them already have"),
        (
            "fr",
            "Éléments sélectionnés (albums)\xa0: 1{sep}200. Dans la sélection, "
            "1{sep}200 ont déjà",
        ),
    ],
)
def test_action_pages_group_counts(admin_client, language, expected):
    albums = many_albums()
    admin_client.defaults["HTTP_ACCEPT_LANGUAGE"] = language
    response = act(
        admin_client, "album", "set_access_policy", albums[:1], select_across=1
    )
    text = re.sub(r"[ \t\n]+", " ", response.content.decode())  # keeps \xa0
    assert expected.format(sep=grouped(language)) in text
