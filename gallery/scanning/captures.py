"""The named groups of ``GALLERY_PATTERNS`` that the scan reads.

An album takes its date from ``a_year``, ``a_month`` and ``a_day``, and its
name from ``a_name`` or from every capture whose name starts with it
(``a_name1``, ``a_name2``..., joined in the order of their names); a photo
takes its date from the six ``p_*`` captures. The system checks and the scan
both read these names from here.
"""

__all__ = ["ALBUM_DATE", "ALBUM_NAME", "PHOTO_DATE", "is_album_name", "known"]

ALBUM_DATE = ("a_year", "a_month", "a_day")
ALBUM_NAME = "a_name"
PHOTO_DATE = tuple(
    f"p_{part}" for part in ("year", "month", "day", "hour", "minute", "second")
)


def is_album_name(capture):
    """Whether the group named ``capture`` is a part of the album's name."""
    return capture.startswith(ALBUM_NAME)


def known():
    """Every capture the scan reads, as the check's hint lists them."""
    return (ALBUM_NAME, f"{ALBUM_NAME}N", *ALBUM_DATE, *PHOTO_DATE)
