"""The shipped catalogues: complete, compiled, well formed, and used by the pages."""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.urls import reverse
from django.utils import translation

import gallery
from gallery.admin import visibility as admin_visibility
from tests.builders import make_album, make_album_policy, make_group, make_user
from tests.components import require_binary

PACKAGE = Path(gallery.__file__).resolve().parent
LANGUAGES = ["fr"]
DOMAINS = ["django", "djangojs"]
CATALOGUES = [(language, domain) for language in LANGUAGES for domain in DOMAINS]

# Printf placeholders, str.format fields and HTML tags: kept as they are.
PLACEHOLDER = re.compile(r"%\([^)]+\)[-#0 +]*\d*(?:\.\d+)?[a-zA-Z]|\{[^{}]*\}|<[^>]+>")
# French typography: a non-breaking space before : ; ? ! and inside « ».
LOOSE_SPACE = re.compile(r" [:;?!»]|« ")


def po_path(root, language, domain):
    return root / "locale" / language / "LC_MESSAGES" / f"{domain}.po"


def load(path):
    """The catalogue at ``path``, or ``None`` when there is none."""
    return polib.pofile(str(path)) if path.exists() else None


def shipped(languages=LANGUAGES):
    """Every committed catalogue of ``languages``."""
    paths = (
        po_path(PACKAGE, language, domain)
        for language in languages
        for domain in DOMAINS
    )
    return [polib.pofile(str(path)) for path in paths if path.exists()]


def po_id(po):
    return Path(po.fpath).relative_to(PACKAGE / "locale").as_posix()


def messages(po):
    """The messages of ``po``, without their translations."""
    if po is None:
        return set()
    return {(e.msgctxt, e.msgid, e.msgid_plural) for e in po if not e.obsolete}


def translations(entry):
    """Every translation of ``entry``, one per plural form."""
    if entry.msgid_plural:
        return [entry.msgstr_plural[n] for n in sorted(entry.msgstr_plural)]
    return [entry.msgstr]


def placeholders(text):
    return sorted(PLACEHOLDER.findall(text))


@pytest.fixture(scope="module")
def extracted(tmp_path_factory):
    """Catalogues extracted afresh from a copy of the package, by catalogue."""
    require_binary("xgettext", package="gettext")
    root = tmp_path_factory.mktemp("extract") / "gallery"
    ignore = shutil.ignore_patterns("locale", "__pycache__")
    shutil.copytree(PACKAGE, root, ignore=ignore)
    (root / "locale").mkdir()
    # Without settings, makemessages looks at the current directory only.
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    locales = [f"--locale={language}" for language in LANGUAGES]
    # Vendored libraries bring no message of ours (minified code looks like calls).
    vendor = "--ignore=static/gallery/vendor/*"
    for domain in DOMAINS:
        command = [sys.executable, "-m", "django", "makemessages", "--domain", domain]
        subprocess.run([*command, *locales, vendor], cwd=root, env=env, check=True)
    return {catalogue: load(po_path(root, *catalogue)) for catalogue in CATALOGUES}


@pytest.mark.parametrize("catalogue", CATALOGUES, ids="-".join)
def test_catalogue_lists_every_message(extracted, catalogue):
    expected = messages(extracted[catalogue])
    found = messages(load(po_path(PACKAGE, *catalogue)))
    assert sorted(expected - found, key=str) == [], "missing: run makemessages"
    assert sorted(found - expected, key=str) == [], "obsolete: run makemessages"


def test_every_language_ships_its_main_catalogue():
    for language in LANGUAGES:
        assert po_path(PACKAGE, language, "django").exists()


@pytest.mark.parametrize("po", shipped(), ids=po_id)
class TestCatalogue:
    def test_is_fully_translated(self, po):
        assert not po.metadata_is_fuzzy
        assert [e.msgid for e in po.untranslated_entries()] == []
        assert [e.msgid for e in po.fuzzy_entries()] == []
        assert [e.msgid for e in po.obsolete_entries()] == []

    def test_declares_its_language(self, po):
        assert po.metadata["Language"] == po_id(po).split("/")[0]

    def test_keeps_placeholders_and_tags(self, po):
        for entry in po:
            *forms, last = translations(entry)
            source = entry.msgid_plural or entry.msgid
            assert placeholders(last) == placeholders(source), entry.msgid
            known = set(placeholders(entry.msgid) + placeholders(source))
            for form in forms:
                assert set(placeholders(form)) <= known, entry.msgid

    def test_compiled_catalogue_is_up_to_date(self, po, tmp_path):
        msgfmt = require_binary("msgfmt", package="gettext")
        compiled = tmp_path / "fresh.mo"
        command = [msgfmt, "--check", "--output-file", str(compiled), po.fpath]
        subprocess.run(command, check=True)
        committed = Path(po.fpath).with_suffix(".mo")
        assert committed.exists(), "run compilemessages"
        fresh, ours = polib.mofile(str(compiled)), polib.mofile(str(committed))
        assert ours.metadata == fresh.metadata, "run compilemessages"
        assert compiled_messages(ours) == compiled_messages(fresh), (
            "run compilemessages"
        )


@pytest.mark.parametrize("po", shipped(["fr"]), ids=po_id)
class TestFrench:
    def test_has_french_plurals(self, po):
        assert po.metadata["Plural-Forms"] == "nplurals=2; plural=(n > 1);"
        for entry in po:
            if entry.msgid_plural:
                assert sorted(entry.msgstr_plural) == [0, 1], entry.msgid

    def test_follows_french_typography(self, po):
        for entry in po:
            for text in translations(entry):
                assert not LOOSE_SPACE.search(text), text
                assert "'" not in text, f"use ’ in {text!r}"
                assert "“" not in text, f"use « » in {text!r}"


def compiled_messages(mo):
    return {
        (e.msgctxt, e.msgid, e.msgid_plural): (e.msgstr, dict(e.msgstr_plural))
        for e in mo
    }


# The translation at work


@pytest.fixture(autouse=True)
def same_language_afterwards():
    """Requests in French leave French active: restore what was active before."""
    language = translation.get_language()
    yield
    translation.activate(language)


@pytest.mark.django_db
def test_index_page_in_french(client):
    response = client.get(reverse("gallery:index"), HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 200
    assert "<h1>Galerie</h1>" in response.text
    assert "Rechercher des albums" in response.text
    assert ">Rechercher</button>" in response.text
    assert "Désolé, aucun album ne vous est accessible." in response.text
    assert "Search albums" not in response.text


@pytest.mark.django_db
def test_admin_changelist_in_french(admin_client):
    url = reverse("admin:gallery_photo_changelist")
    response = admin_client.get(url, HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 200
    assert "Scanner les photos" in response.text
    assert "Scan photos" not in response.text


@pytest.mark.django_db
def test_admin_album_page_in_french(admin_client):
    album = make_album()
    url = reverse("admin:gallery_album_change", args=[album.pk])
    response = admin_client.get(url, HTTP_ACCEPT_LANGUAGE="fr")
    assert "Qui y a accès" in response.text
    assert "Cet album n’a pas de règle d’accès." in response.text


@pytest.mark.django_db
def test_explanations_follow_the_active_language():
    album = make_album()
    make_album_policy(album, public=True)
    with translation.override("fr"):
        notes, _ = admin_visibility.explain_album(album)
    assert notes[0] == "La règle d’accès de cet album indique qui peut le voir."
    assert notes[1].startswith("Accès public\u00a0: tout le monde y a accès")
    with translation.override("en"):
        notes, _ = admin_visibility.explain_album(album)
    assert notes[0] == "This album’s access policy says who can see it."


@pytest.mark.django_db
def test_audience_in_french():
    album = make_album()
    users, groups = [make_user("alice")], [make_group("famille")]
    make_album_policy(album, users=users, groups=groups)
    with translation.override("fr"):
        notes, _ = admin_visibility.explain_album(album)
    assert notes[1] == (
        "Y ont accès\u00a0: les utilisateurs alice\u00a0; les membres des groupes "
        "famille, ainsi que les utilisateurs ayant la permission "
        "«\u00a0Peut voir toutes les photos\u00a0»."
    )
