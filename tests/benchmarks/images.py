"""Large test photos generated at benchmark time (never committed)."""

from PIL import Image, ImageFilter


def make_jpeg(path, width=6000, height=4000, quality=90):
    """Write a ``width`` x ``height`` JPEG of gradients and noise to ``path``."""
    small = (width // 8, height // 8)
    red = Image.linear_gradient("L").resize(small)
    green = Image.radial_gradient("L").resize(small)
    blue = Image.effect_noise(small, 40).filter(ImageFilter.GaussianBlur(2))
    image = Image.merge("RGB", (red, green, blue)).resize((width, height))
    grain = Image.effect_noise((width, height), 40)
    image = Image.blend(image, Image.merge("RGB", (grain, grain, grain)), 0.2)
    image.save(path, "JPEG", quality=quality)
    return path
