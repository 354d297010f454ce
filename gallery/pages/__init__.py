"""Pages: what the gallery's views need to build their context cheaply.

* :mod:`.links` and :mod:`.presets` make the URLs and ``<img>`` attributes;
* :mod:`.photolist` lists an album's photos without model objects;
* :mod:`.previews` picks album previews without loading every photo;
* :mod:`.ordering` orders albums and photos and finds neighbours;
* :mod:`.photopage` looks up a photo and its neighbours with SQL compiled
  once per kind of visitor (:mod:`.prepared`);
* :mod:`.periods` groups albums by year and month;
* :mod:`.search` matches the search box.

Each module lists its public names in ``__all__``; anything else is internal.
"""
