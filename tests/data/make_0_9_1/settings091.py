"""Settings of the scratch site that created the 0.9.1 databases (see README.rst)."""

import os

if os.environ.get("DB") == "postgresql":
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.postgresql",
            "HOST": "127.0.0.1",
            "PORT": os.environ["PGPORT"],
            "USER": "gallery",
            "NAME": "postgres",
        }
    }
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": os.environ["SQLITE"],
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"
INSTALLED_APPS = [
    "gallery.apps.GalleryConfig",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.messages",
    "django.contrib.sessions",
    "django.contrib.staticfiles",
]
SECRET_KEY = "scratch"
USE_TZ = True
TIME_ZONE = "Europe/Paris"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
GALLERY_PHOTO_STORAGE = "django.core.files.storage.FileSystemStorage"
GALLERY_CACHE_STORAGE = "django.core.files.storage.FileSystemStorage"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "APP_DIRS": True,
        "OPTIONS": {"context_processors": []},
    }
]
GALLERY_RESIZE_PRESETS = {"thumb": (128, 128, True)}
