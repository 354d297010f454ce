"""What templates need to know of the resize presets."""

from .conf import conf


def preset(name):
    """Size of the preset ``name`` and the name of its ``2x`` variant, if any.

    Width and height are ``None`` when the preset isn't configured.
    """
    presets = conf.RESIZE_PRESETS
    width, height, crop = presets.get(name, (None, None, False))
    hidpi = f"{name}2x"
    return {
        "name": name,
        "width": width,
        "height": height,
        "crop": crop,
        "hidpi": hidpi if hidpi in presets else None,
    }
