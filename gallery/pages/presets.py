"""What templates need to know of the resize presets."""

from django.utils.html import format_html

from ..resizers.presets import get_preset

__all__ = ["preset"]


def preset(name):
    """Size of the preset ``name`` and the name of its ``2x`` variant, if any.

    ``size`` holds the ``width`` and ``height`` attributes of an ``<img>``
    showing the preset; everything is empty when the preset isn't configured
    (or is malformed).
    """
    width, height, crop = get_preset(name) or (None, None, False)
    hidpi = f"{name}2x"
    size = format_html(' width="{}" height="{}"', width, height) if width else ""
    return {
        "size": size,
        "name": name,
        "width": width,
        "height": height,
        "crop": crop,
        "hidpi": hidpi if get_preset(hidpi) else None,
    }
