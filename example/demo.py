"""Prepare the example site with demo users and sample photos, then serve it.

``make demo`` runs this script. Every step can be repeated: a second run
updates what the first one created. ``--no-serve`` stops after the
preparation; ``--port`` chooses the port on 127.0.0.1.
"""

import argparse
import datetime
import json
import os
import secrets
import string
import sys
from pathlib import Path

EXAMPLE_DIR = Path(__file__).resolve().parent
PRESETS = ("thumb", "thumb2x", "row", "row2x", "standard")

# Albums of example/photos and who may see them.
PUBLIC_ALBUMS = ("2012/09_25_Stargazing", "2015/02_11_Rocket launch")
FAMILY_ALBUM = "2013/01_19_Winter in Paris"
PRIVATE_PHOTO = "2013-01-19_11-20-00.jpg"  # in FAMILY_ALBUM, kept for the admin
FRIEND_ALBUM = "2019/06_01_Flea market"

ADMIN, MEMBER, FRIEND = "admin", "alice", "friend"


def setup():
    """Configure Django with the settings of the example site."""
    sys.path.insert(0, str(EXAMPLE_DIR))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "example.settings")
    import django

    django.setup()


def prepare(stdout=sys.stdout):
    """Migrate, create users, scan, share and resize; return the passwords."""
    from django.conf import settings
    from django.core.management import call_command

    Path(settings.VAR_DIR).mkdir(parents=True, exist_ok=True)
    call_command("migrate", verbosity=0)
    passwords = create_users(load_passwords(Path(settings.VAR_DIR)))
    scan(stdout)
    share_albums()
    create_share_links()
    return passwords


def load_passwords(var_dir):
    """Return the demo passwords, generated on the first run and kept after."""
    path = var_dir / "demo-passwords.json"
    if path.exists():
        return json.loads(path.read_text())
    passwords = {name: new_password() for name in (ADMIN, MEMBER, FRIEND)}
    path.write_text(json.dumps(passwords))
    return passwords


def new_password(length=12):
    """Return a random password that is easy to select and copy."""
    alphabet = string.ascii_letters + string.digits
    return "".join(secrets.choice(alphabet) for _ in range(length))


def create_users(passwords):
    """Create or update the admin, the family member and the friend."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    User = get_user_model()
    family, _ = Group.objects.get_or_create(name="family")
    for name, password in passwords.items():
        user, _ = User.objects.get_or_create(username=name)
        user.is_staff = user.is_superuser = name == ADMIN
        user.set_password(password)
        user.save()
    User.objects.get(username=MEMBER).groups.add(family)
    return passwords


def scan(stdout):
    """Scan example/photos and compute the resized images of the demo presets."""
    from django.core.management import call_command

    call_command("scanphotos", "--resize", *PRESETS, stdout=stdout)


def share_albums():
    """Set the access policies of the demo: public, family, friend, one photo."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from gallery.models import Album

    family = Group.objects.get(name="family")
    friend = get_user_model().objects.get(username=FRIEND)
    for dirpath in PUBLIC_ALBUMS:
        set_policy(album_policy(dirpath), public=True)
    set_policy(album_policy(FAMILY_ALBUM), groups=[family])
    set_policy(album_policy(FRIEND_ALBUM), users=[friend])
    photo = Album.objects.get(dirpath=FAMILY_ALBUM).photo_set.get(
        filename=PRIVATE_PHOTO
    )
    # A policy that names nobody: this photo is hidden from the family.
    set_policy(photo_policy(photo))


def create_share_links():
    """One active link to the family album, for Grandma; one expired link."""
    from django.utils import timezone

    from gallery import shares
    from gallery.models import Album, ShareLink

    links = [
        (FAMILY_ALBUM, "Grandma", shares.default_expiry()),
        (FRIEND_ALBUM, "Cousin", timezone.now() - datetime.timedelta(days=1)),
    ]
    for dirpath, recipient, expires in links:
        album = Album.objects.get(dirpath=dirpath)
        link, _ = ShareLink.objects.get_or_create(album=album, recipient=recipient)
        link.expires = expires
        link.save()


def share_link(base_url):
    """Return the URL of Grandma's share link."""
    from django.urls import reverse

    from gallery import shares
    from gallery.models import ShareLink

    link = ShareLink.objects.get(recipient="Grandma", album__dirpath=FAMILY_ALBUM)
    return base_url + reverse("gallery:share", args=[shares.make_token(link)])


def album_policy(dirpath):
    from gallery.models import Album, AlbumAccessPolicy

    album = Album.objects.get(dirpath=dirpath)
    return AlbumAccessPolicy.objects.get_or_create(album=album)[0]


def photo_policy(photo):
    from gallery.models import PhotoAccessPolicy

    return PhotoAccessPolicy.objects.get_or_create(photo=photo)[0]


def set_policy(policy, public=False, groups=(), users=()):
    policy.public = public
    policy.save()
    policy.groups.set(groups)
    policy.users.set(users)


def login_link(username, base_url):
    """Return a django-sesame login link for ``username``."""
    from django.contrib.auth import get_user_model
    from django.urls import reverse
    from sesame.utils import get_query_string

    user = get_user_model().objects.get(username=username)
    return base_url + reverse("sesame-login") + get_query_string(user)


def welcome(passwords, base_url):
    """Return the text that tells where to go and how to sign in."""
    lines = [
        f"The example gallery is ready at {base_url}/",
        f"The admin is at {base_url}/admin/",
        "",
        "Demo users (user name / password):",
        f"  {ADMIN} / {passwords[ADMIN]}   sees everything, manages the gallery",
        f"  {MEMBER} / {passwords[MEMBER]}   family: Winter in Paris, but one photo",
        f"  {FRIEND} / {passwords[FRIEND]}   sees the Flea market album",
        "  visitors who do not sign in see Stargazing and Rocket launch",
        "",
        f"A login link for {MEMBER}, no password needed (valid {link_validity()}):",
        f"  {login_link(MEMBER, base_url)}",
        "",
        "A share link to Winter in Paris, for Grandma who has no account",
        "(expires in 30 days; Cousin's link to the Flea market has expired):",
        f"  {share_link(base_url)}",
        "",
    ]
    return "\n".join(lines)


def link_validity():
    from django.conf import settings

    max_age = getattr(settings, "SESAME_MAX_AGE", None)
    if max_age is None:
        return "until revoked"
    if isinstance(max_age, datetime.timedelta):
        max_age = max_age.total_seconds()
    return f"for {int(max_age) // 86400} days"


def serve(port):
    """Serve the example site on 127.0.0.1 until interrupted."""
    from django.core.management import call_command

    call_command("runserver", f"127.0.0.1:{port}", use_reloader=False)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--no-serve", action="store_true")
    args = parser.parse_args(argv)
    setup()
    passwords = prepare()
    print(welcome(passwords, f"http://127.0.0.1:{args.port}"), flush=True)
    if not args.no_serve:
        serve(args.port)


if __name__ == "__main__":
    main()
