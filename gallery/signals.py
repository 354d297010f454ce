"""Forget memoised objects when tests change the settings they come from.

The one place that knows which memo depends on which setting.
"""

from django.core.signals import setting_changed
from django.dispatch import receiver

from .resizers import get_resize
from .storages import get_storage

STORAGE_SETTINGS = {
    "STORAGES",
    "GALLERY_PHOTO_STORAGE",
    "GALLERY_CACHE_STORAGE",
    "GALLERY_PHOTO_DIR",
    "GALLERY_CACHE_DIR",
}
MEMOS = {
    **dict.fromkeys(STORAGE_SETTINGS, get_storage),
    "GALLERY_RESIZE": get_resize,
}


@receiver(setting_changed)
def forget_memos(*, setting, **kwargs):
    """Clear the memo built from ``setting``, if any."""
    memo = MEMOS.get(setting)
    if memo is not None:
        memo.cache_clear()
