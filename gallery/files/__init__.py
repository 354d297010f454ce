"""Files: what leaves the storages after an access check.

* :mod:`.serving` answers with a sendfile header, a stream or a signed URL;
* :mod:`.http` holds the HTTP helpers (ranges, ``Content-Disposition``);
* :mod:`.cachefiles` names the files of the cache storage;
* :mod:`.locks` keeps two workers from building the same file at once;
* :mod:`.exports` streams zip archives of albums;
* :mod:`.precompute` builds resized images ahead of requests;
* :mod:`.unavailable` answers when a storage fails;
* :mod:`.location` blanks the GPS block of originals as they are read,
  found by :mod:`.exifblock`; :mod:`.heads` reads the first bytes of a file;
  :mod:`.tiff` reads the directories of an EXIF block;
* :mod:`.dimensions` (and :mod:`.heifsize`) tells the upright size of a
  photo from its first bytes.

Each module lists its public names in ``__all__``; anything else is internal.
"""
