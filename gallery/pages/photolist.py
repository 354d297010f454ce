"""The photos of an album page: thumbnails from two columns, objects on demand.

An album may hold thousands of photos. Its page needs only their primary keys,
dates and sizes: one query reads them without building a model instance per
row, and the cells of the justified rows are rendered in Python at once. A template that
iterates over the photos gets :class:`~gallery.models.Photo` objects instead,
fetched by one more query the first time it does.
"""

from django.utils.functional import cached_property

from ..models import Photo
from .links import add_links
from .tiles import TileMaker, viewer_data

__all__ = ["PhotoList"]


class PhotoList:
    """The photos of ``queryset``, all in ``album``, as a sequence for templates."""

    def __init__(self, queryset, album, preset_name="thumb"):
        self.queryset = queryset
        self.album = album
        self.preset_name = preset_name
        columns = ("pk", "date", "width", "height", "placeholder")
        self.rows = list(queryset.values_list(*columns))

    def __len__(self):
        return len(self.rows)

    def count(self):
        """The number of photos, as the queryset of myks-gallery 0.9.1 said."""
        return len(self.rows)

    def __iter__(self):
        return iter(self.objects)

    def __getitem__(self, index):
        # Templates look names up as keys first: don't fetch the photos for that.
        if isinstance(index, str):
            raise TypeError("photos are indexed by position")
        return self.objects[index]

    @cached_property
    def list_items(self):
        """``<li>`` cells, one per photo, of its thumbnail in a link to its page."""
        return TileMaker(self.album).list_items(self.rows)

    @cached_property
    def viewer_data(self):
        """What the full-screen viewer needs to know of the presets, as JSON."""
        return viewer_data()

    @cached_property
    def objects(self):
        """The photos, with their album set and the attributes of ``add_links``."""
        photos = list(self.queryset)
        cache_album = Photo.album.field.set_cached_value
        for photo in photos:
            cache_album(photo, self.album)
        return add_links(photos, self.preset_name)
