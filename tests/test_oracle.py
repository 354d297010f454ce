"""Every URL, as every user, in many random worlds, against a plain statement.

Each world (see ``tests/oracle/world.py``) is built inside a savepoint that is
rolled back afterwards. Users open their share links first; then some links
expire or are revoked, and every user browses. The expected answers come from
``tests/oracle/rules.py`` and never from ``gallery.access``, whose filters and
object checks are also held against them directly. Set
``GALLERY_ORACLE_WORLDS`` and ``GALLERY_ORACLE_SEED`` to explore further; a
failure names the seed to replay.
"""

import io
import os
import re
import time
import zipfile

import pytest
from django.db import transaction
from django.test import Client, RequestFactory, override_settings
from django.urls import reverse
from PIL import Image

from gallery import access
from gallery.conf import conf
from gallery.models import Album, Photo
from gallery.shares import SESSION_KEY, make_token
from gallery.storages import get_storage
from tests.oracle import rules
from tests.oracle.html import Page, read_count, target
from tests.oracle.world import Generator, build, end_links

# At least 200 worlds under CI; fewer by default to keep local runs short.
DEFAULT_WORLDS = "200" if os.environ.get("CI") == "true" else "20"
WORLDS = int(os.environ.get("GALLERY_ORACLE_WORLDS", DEFAULT_WORLDS))
FIRST_SEED = int(os.environ.get("GALLERY_ORACLE_SEED", "0"))
QUERIES = ["snow", "BEACH", "Été", "lyon", "nothing like this"]
EMPTY_YEAR = 2014

pytestmark = pytest.mark.django_db


def body(response):
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


class Visit:
    """One user browsing one world; ``problems`` lists every mismatch."""

    def __init__(self, world, user, rng):
        self.world, self.user, self.rng = world, user, rng
        self.client = Client()
        if not user.anonymous:
            self.client.force_login(user.obj)
        self.include_public = rules.includes_public(user, False)
        self.problems = []
        self.requests = 0
        self.walked = set()
        for link in user.links:
            self.open_link(link, 302)

    def open_link(self, link, status):
        response = self.get(reverse("gallery:share", args=[make_token(link.obj)]))
        album_url = reverse("gallery:album", args=[link.album.pk])
        if not self.expect_status(response, [status]) or status != 302:
            return
        if response["Location"] != album_url:
            self.problem(f"share link goes to {response['Location']}")

    def get(self, url, data=None):
        self.requests += 1
        response = self.client.get(url, data or {})
        self.url = response.request["PATH_INFO"]
        if data:
            self.url += "?" + "&".join(f"{k}={v}" for k, v in data.items())
        return response

    def problem(self, message):
        self.problems.append(
            f"seed={self.world.seed} user={self.user.name} {self.url}: {message}"
        )

    def expect_status(self, response, allowed):
        if response.status_code not in allowed:
            self.problem(f"status {response.status_code}, expected {allowed}")
            return False
        return True

    def run(self):
        self.browse_share_links()
        self.browse_index()
        self.browse_search()
        self.browse_years()
        self.browse_latest()
        for album in self.world.albums:
            self.browse_album(album)
            self.fetch_export(album)
            for photo in album.photos:
                self.browse_photo(photo)
                self.fetch_original(photo)
                self.fetch_resized(photo, self.preset(photo))
        for use in access.USES:
            self.check_access(use)
        return self.problems

    # gallery.access itself: filters and object checks, with the session's grants

    def check_access(self, use):
        """The filters and the object checks of ``use`` agree with the rules."""
        self.url = f"gallery.access ({use})"
        request = RequestFactory().get("/")
        request.session = {SESSION_KEY: self.client.session.get(SESSION_KEY, [])}
        grants, user = access.grants(request, use), self.user.obj
        albums = set(access.visible_albums(user, grants=grants))
        photos = set(access.visible_photos(user, grants=grants))
        for album in Album.objects.filter(pk__in=[a.pk for a in self.world.albums]):
            spec = next(a for a in self.world.albums if a.pk == album.pk)
            expected = rules.sees_album(self.user, spec, use=use)
            checked = access.can_see_album(user, album, grants=grants)
            if (album in albums, checked) != (expected, expected):
                self.problem(
                    f"album {album.pk}: filter, check {album in albums, checked}"
                )
        for photo in Photo.objects.filter(pk__in=[p.pk for p in self.world.photos]):
            spec = next(p for p in self.world.photos if p.pk == photo.pk)
            expected = rules.sees_photo(self.user, spec, use)
            checked = access.can_see_photo(user, photo, grants=grants)
            if (photo in photos, checked) != (expected, expected):
                self.problem(
                    f"photo {photo.pk}: filter, check {photo in photos, checked}"
                )

    def browse_share_links(self):
        """Ended links say so; held ones open again; unknown tokens are 404."""
        for link in self.world.links:
            if link.state != "active":
                self.open_link(link, 410)
            elif link in self.user.links:
                self.open_link(link, 302)
        token = "Z" * 50
        response = self.get(reverse("gallery:share", args=[token]))
        self.expect_status(response, [404])

    # Listings

    def browse_index(self):
        """Members see private albums, then public ones on request, remembered."""
        self.check_index()
        if self.user.anonymous or self.user.sees_all:
            return
        self.include_public = True
        self.check_index({"show_public": ""})
        if self.rng.random() < 0.5:
            self.include_public = False
            self.check_index({"hide_public": ""})

    def check_index(self, data=None):
        response = self.get(reverse("gallery:index"), data)
        if self.check_listing(response, self.listed()):
            page = Page(response.content.decode())
            years = sorted({found.year for found in page.targets if found.year})
            expected = rules.listing_years(self.world, self.user, self.include_public)
            if years != expected:
                self.problem(f"years {years}, expected {expected}")

    def listed(self, **filters):
        return rules.listed(self.world, self.user, self.include_public, **filters)

    def browse_search(self):
        query = self.rng.choice([*QUERIES, self.rng.choice(self.world.albums).tag])
        response = self.get(reverse("gallery:index"), {"q": query})
        self.check_listing(response, self.listed(query=query), echoed=query)

    def browse_years(self):
        years = {album.date.year for album in self.world.albums}
        if self.rng.random() < 0.25:
            years.add(EMPTY_YEAR)
        for year in sorted(years):
            albums = self.listed(year=year)
            response = self.get(reverse("gallery:year", args=[year]))
            if not albums and response.status_code == 404:
                continue
            self.check_listing(response, albums)
            self.check_year_links(response, year)

    def check_year_links(self, response, year):
        if response.status_code != 200:
            return
        years = rules.listing_years(self.world, self.user, self.include_public)
        before = [other for other in years if other < year]
        after = [other for other in years if other > year]
        expected = {before[-1] if before else None, after[0] if after else None}
        page = Page(response.content.decode())
        shown = {found.year for found in page.targets if found.name == "year"}
        if not shown <= (expected | {year}) - {None}:
            self.problem(f"year links {sorted(shown)}, expected within {expected}")
        missing = expected - {None} - shown
        if missing:
            self.problem(f"year links miss {sorted(missing)}")

    def browse_latest(self):
        response = self.get(reverse("gallery:latest"))
        albums = self.listed()
        expected = (
            reverse("gallery:album", args=[albums[0].pk])
            if albums
            else reverse("gallery:index")
        )
        if response.status_code != 302 or response["Location"] != expected:
            where = response.get("Location")
            self.problem(f"latest gave {response.status_code} {where}, not {expected}")

    def check_listing(self, response, albums, echoed=None):
        if not self.expect_status(response, [200]):
            return False
        page = Page(response.content.decode())
        self.check_no_leak(page, echoed)
        shown = dedupe(page.pks("album"))
        if shown != [album.pk for album in albums]:
            self.problem(f"albums {shown}, expected {[a.pk for a in albums]}")
        for album in albums:
            self.check_card(page, album)
        return True

    def check_card(self, page, album):
        card = page.cards.get(album.pk)
        if card is None:
            self.problem(f"no card for album {album.pk}")
            return
        seen = rules.photos_seen(self.user, album)
        count = page.card_count(album.pk)
        if count != len(seen):
            self.problem(f"album {album.pk} count {count}, expected {len(seen)}")
        previews = dedupe(
            found.pk
            for found in card["targets"]
            if found.name in ("photo", "photo-resized")
        )
        allowed = {photo.pk for photo in seen}
        if not set(previews) <= allowed:
            self.problem(f"album {album.pk} previews {previews} not in {allowed}")
        if len(previews) != min(len(seen), conf.PREVIEW_COUNT):
            self.problem(f"album {album.pk} shows {len(previews)} previews")
        labelled = "shared with you" in " ".join(card["text"])
        if labelled != rules.shared(self.user, album):
            self.problem(f"album {album.pk} labelled shared: {labelled}")

    def check_no_leak(self, page, echoed=None):
        """No link to, nor name of, anything this user may not see.

        A photo page names its album only when the user may see the album.
        """
        for found in page.targets:
            if not self.may_link(found):
                self.problem(f"links to {found}")
        text = page.all_text()
        if echoed:  # a search repeats the query, which may be anything
            text = text.replace(echoed, "")
        for album in self.world.albums:
            if not rules.sees_album(self.user, album) and album.tag in text:
                self.problem(f"names hidden album {album.pk}")
        for photo in self.world.photos:
            if not rules.sees_photo(self.user, photo) and photo.tag in text:
                self.problem(f"names hidden photo {photo.pk}")

    def may_link(self, found):
        albums = {album.pk: album for album in self.world.albums}
        photos = {photo.pk: photo for photo in self.world.photos}
        if found.name == "album":
            return rules.sees_album(self.user, albums[found.pk])
        if found.name == "album-export":
            return rules.exportable(self.user, albums[found.pk]) is not None
        if found.name in ("photo", "photo-resized"):
            return rules.sees_photo(self.user, photos[found.pk])
        if found.name == "photo-original":
            return rules.sees_photo(self.user, photos[found.pk], "originals")
        return True

    # Album and photo pages

    def browse_album(self, album):
        response = self.get(reverse("gallery:album", args=[album.pk]))
        visible = rules.sees_album(self.user, album)
        if not self.expect_status(response, [200] if visible else [404]):
            return
        if not visible:
            return
        page = Page(response.content.decode())
        self.check_no_leak(page)
        self.check_photo_grid(page, album)
        self.check_album_neighbours(page, album)
        seen = rules.photos_seen(self.user, album)
        count = read_count(page.counts[0]) if page.counts else None
        if count != len(seen):
            self.problem(f"count {count}, expected {len(seen)}")
        exports = set(page.pks("album-export"))
        expected = {album.pk} if rules.exportable(self.user, album) else set()
        if exports != expected:
            self.problem(f"export links {exports}, expected {expected}")

    def check_photo_grid(self, page, album):
        shown = dedupe(page.pks("photo"))
        seen = rules.photos_seen(self.user, album)
        if set(shown) != {photo.pk for photo in seen} or len(shown) != len(seen):
            self.problem(f"photos {shown}, expected {sorted(p.pk for p in seen)}")
            return
        self.walk_photos(shown)

    def check_album_neighbours(self, page, album):
        order = self.listed()
        neighbours = set()
        if album in order:
            index = order.index(album)
            neighbours = {other.pk for other in order[max(index - 1, 0) : index + 2]}
        neighbours.discard(album.pk)
        shown = set(page.pks("album")) - {album.pk}
        if album in order and shown != neighbours:
            self.problem(f"album links {shown}, expected {neighbours}")

    def walk_photos(self, order):
        """Next links from the first photo visit ``order``; previous links return."""
        for index, pk in enumerate(order):
            response = self.get(reverse("gallery:photo", args=[pk]))
            self.walked.add(pk)
            if not self.expect_status(response, [200]):
                return
            page = Page(response.content.decode())
            self.check_no_leak(page)
            self.check_original_link(page, pk)
            previous = order[index - 1] if index > 0 else None
            following = order[index + 1] if index + 1 < len(order) else None
            self.check_rel(page, "prev", previous)
            self.check_rel(page, "next", following)

    def check_original_link(self, page, pk):
        photo = next(photo for photo in self.world.photos if photo.pk == pk)
        shown = set(page.pks("photo-original"))
        allowed = rules.sees_photo(self.user, photo, "originals")
        if shown != ({pk} if allowed else set()):
            self.problem(f"original links {shown}, allowed: {allowed}")

    def check_rel(self, page, rel, expected):
        shown = set(page.pks("photo", rel=rel))
        if shown != ({expected} if expected else set()):
            self.problem(f"{rel} photo link {shown}, expected {expected}")

    def browse_photo(self, photo):
        if photo.pk in self.walked:
            return
        response = self.get(reverse("gallery:photo", args=[photo.pk]))
        visible = rules.sees_photo(self.user, photo)
        if self.expect_status(response, [200] if visible else [404]) and visible:
            page = Page(response.content.decode())
            self.check_no_leak(page)
            self.check_original_link(page, photo.pk)

    # Files

    def fetch_original(self, photo):
        response = self.get(reverse("gallery:photo-original", args=[photo.pk]))
        visible = rules.sees_photo(self.user, photo, "originals")
        served = self.expect_status(response, [200] if visible else [404])
        if served and visible and body(response) != photo.content:
            self.problem("original differs from the stored file")
        if served and visible:
            self.check_revalidated(response, rules.needs_link(self.user, photo))

    def preset(self, photo):
        """Each user a different preset, so that each photo gets every preset."""
        presets = sorted(conf.RESIZE_PRESETS)
        index = self.world.users.index(self.user) + self.world.photos.index(photo)
        return presets[index % len(presets)]

    def fetch_resized(self, photo, preset):
        visible = rules.sees_photo(self.user, photo)
        url = reverse("gallery:photo-resized", args=[preset, photo.pk])
        response = self.get(url)
        if self.expect_status(response, [200] if visible else [404]) and visible:
            self.check_image(body(response))
            self.check_revalidated(response, rules.needs_link(self.user, photo))

    def check_revalidated(self, response, through_link):
        """A file that only a link lets through is never reused without asking.

        Once the link ends, even a file loaded before must answer 404.
        """
        cache_control = response.get("Cache-Control", "")
        kept = "max-age" in cache_control and not (
            "no-cache" in cache_control or "no-store" in cache_control
        )
        if through_link and kept:
            self.problem(f"served through a link with Cache-Control {cache_control}")

    def check_image(self, data):
        try:
            Image.open(io.BytesIO(data)).verify()
        except Exception as exc:
            self.problem(f"resized image unreadable: {exc!r}")

    def fetch_export(self, album):
        response = self.get(reverse("gallery:album-export", args=[album.pk]))
        expected = rules.exportable(self.user, album)
        allowed = [200] if expected else [404]
        if not self.expect_status(response, allowed) or not expected:
            return
        self.check_revalidated(response, rules.export_needs_link(self.user, album))
        with zipfile.ZipFile(io.BytesIO(body(response))) as archive:
            names = sorted(archive.namelist())
            if names != expected:
                self.problem(f"zip holds {names}, expected {expected}")
                return
            contents = {photo.filename: photo.content for photo in album.photos}
            for name in names:
                if archive.read(name) != contents[name]:
                    self.problem(f"zip entry {name} differs from the stored file")


def dedupe(pks):
    """``pks`` in order of first appearance, each once."""
    return list(dict.fromkeys(pks))


def summary(problems):
    """Mismatches grouped by kind (numbers left out), with an example of each."""
    kinds = {}
    for problem in problems:
        kind = re.sub(r"\d+", "N", problem.split(" ", 2)[2])
        kinds.setdefault(kind, []).append(problem)
    lines = [f"{len(problems)} mismatches of {len(kinds)} kinds:"]
    for kind, examples in sorted(kinds.items(), key=lambda item: -len(item[1])):
        lines.append(f"{len(examples):5d} x {kind}\n        e.g. {examples[0]}")
    return "\n".join(lines)


def explore(seed):
    """Build world ``seed``, visit it as every user, roll it back."""
    with transaction.atomic():
        get_storage.cache_clear()
        generator = Generator(seed)
        world = generator.world()
        build(world, get_storage("photo"))
        problems, requests = [], 0
        visits = [Visit(world, user, generator.random) for user in world.users]
        end_links(world)
        for visit in visits:
            problems += visit.run()
            requests += visit.requests
        transaction.set_rollback(True)
    return problems, requests


# A world takes about a second on SQLite, up to five on a loaded PostgreSQL.
@pytest.mark.timeout(max(300, 10 * WORLDS))
@override_settings(GALLERY_REMOTE_SERVING="stream", GALLERY_PREVIEW_COUNT=2)
def test_every_url_as_every_user_matches_the_rules():
    start, problems, requests = time.perf_counter(), [], 0
    for seed in range(FIRST_SEED, FIRST_SEED + WORLDS):
        found, count = explore(seed)
        problems += found
        requests += count
    elapsed = time.perf_counter() - start
    print(f"\noracle: {WORLDS} worlds, {requests} requests in {elapsed:.1f} s")
    assert not problems, summary(problems)


def test_target_reads_gallery_urls_only():
    assert target("https://example.com/album/1/") is None
    assert target("/admin/") is None
    found = target(reverse("gallery:photo-resized", args=["thumb", 7]), "next")
    assert (found.name, found.pk, found.preset, found.rel) == (
        "photo-resized",
        7,
        "thumb",
        "next",
    )
