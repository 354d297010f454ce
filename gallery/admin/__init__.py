"""The gallery's admin: what ``admin.autodiscover()`` imports.

* :mod:`.model_admins` registers albums and photos with their policy inlines;
* :mod:`.actions` and :mod:`.policies` set and unset access policies in bulk;
* :mod:`.scan` is the "Scan photos" page;
* :mod:`.visibility` explains, in plain words, who can see an album or a photo
  and why.

:class:`AlbumAdmin` and :class:`PhotoAdmin` are exported for sites that
unregister them and register subclasses. Each module lists its public names
in ``__all__``; anything else is internal.
"""

from .model_admins import AlbumAdmin, PhotoAdmin

__all__ = ["AlbumAdmin", "PhotoAdmin"]
