"""Forget memoised objects when tests change the settings they come from."""

from django.core.signals import setting_changed
from django.dispatch import receiver

from .storages import get_storage

STORAGE_SETTINGS = {
    "STORAGES",
    "GALLERY_PHOTO_STORAGE",
    "GALLERY_CACHE_STORAGE",
    "GALLERY_PHOTO_DIR",
    "GALLERY_CACHE_DIR",
}


@receiver(setting_changed)
def reset_storages(*, setting, **kwargs):
    if setting in STORAGE_SETTINGS:
        get_storage.cache_clear()
