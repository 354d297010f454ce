"""An album of 2,000 photos in Chromium: bytes and time to its first screen.

    .venv/bin/python tests/benchmarks/album_paint.py

Each side (this project and myks-gallery 0.9.1, each with its own templates)
serves the same album of 2,000 JPEG files from a threaded server on
127.0.0.1; headless Chromium (Debian's) opens the album page on a laptop
screen and on a phone. A first visit resizes what the page asks for; the
measured visit starts with an empty browser cache and ends when every image
of the first screen is painted. Printed: the time from the start of the
navigation, the bytes transferred until then, and the layout shift.
"""

import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
COUNT = 2000
SHAPES = [(1200, 900), (900, 1200), (1200, 800), (1000, 1000)]
SCREENS = {
    "laptop 1280x800": {"viewport": {"width": 1280, "height": 800}},
    "phone 390x844 @3x": {
        "viewport": {"width": 390, "height": 844},
        "device_scale_factor": 3,
        "is_mobile": True,
        "has_touch": True,
    },
}
# Resolves when every image of the first screen has loaded and painted.
FIRST_SCREEN = """() => {
  const shown = [...document.images].filter(image => {
    const box = image.getBoundingClientRect();
    return box.bottom > 0 && box.top < innerHeight && box.width > 0;
  });
  return shown.length > 0 && shown.every(image => image.complete && image.naturalWidth);
}"""
FIGURES = """() => new Promise(resolve => requestAnimationFrame(() => {
  const now = performance.now();
  const entries = [...performance.getEntriesByType("navigation"),
                   ...performance.getEntriesByType("resource")];
  const bytes = entries.filter(e => e.responseEnd <= now)
                       .reduce((sum, e) => sum + e.transferSize, 0);
  let shift = 0;
  new PerformanceObserver(list => {
    for (const entry of list.getEntries()) shift += entry.value;
  }).observe({type: "layout-shift", buffered: true});
  setTimeout(() => resolve({time: now, bytes: bytes, shift: shift}), 0);
}))"""


def make_photos(folder):
    """Write the album: a few sources, linked under 2,000 names."""
    from PIL import Image, ImageFilter

    album = folder / "photos" / "2020" / "05_01_Big"
    album.mkdir(parents=True)
    sources = []
    for number, size in enumerate(SHAPES * 2):
        noise = Image.effect_noise(size, 40 + 10 * number).filter(ImageFilter.BLUR)
        colour = Image.new(
            "RGB", size, tuple(random.Random(number).choices(range(256), k=3))
        )
        image = Image.blend(colour, noise.convert("RGB"), 0.5)
        path = folder / f"source{number}.jpg"
        image.save(path, quality=85)
        sources.append(path)
    for index in range(COUNT):
        hms = f"{index // 3600:02d}-{index // 60 % 60:02d}-{index % 60:02d}"
        name = f"2020-05-01_{hms}.jpg"
        os.link(sources[index % len(sources)], album / name)


def serve(side, folder, port):
    """Worker: set the side's gallery up on ``folder``, serve it on ``port``."""
    from workspace import (
        TEMPLATE_PRESETS,
        folder_storages,
        scan,
        scan_settings,
        setup_django,
    )

    folder = Path(folder)
    cache = folder / f"cache-{side}"
    cache.mkdir(exist_ok=True)
    storages = folder_storages(folder / "photos", cache)
    setup_django(
        storages=storages,
        database=str(folder / f"{side}.sqlite3"),
        site=True,
        GALLERY_RESIZE_PRESETS=TEMPLATE_PRESETS,
        ALLOWED_HOSTS=["127.0.0.1"],
        **scan_settings("UTC"),
    )
    from django.conf import settings

    settings.GALLERY_CACHE_STORAGE.base_url = "/cache/"  # 0.9.1 redirects there
    scan()
    from gallery.models import Album, AlbumAccessPolicy, Photo

    album = Album.objects.get()
    AlbumAccessPolicy.objects.create(album=album, public=True)
    if hasattr(Photo, "placeholder"):  # sizes, as the first visit records them
        from gallery.files.precompute import precompute

        precompute(Photo.objects.all(), ["row"])
    run_server(cache, int(port), album.pk)


def run_server(cache, port, album_pk):
    import sys as system

    from django.contrib.staticfiles.handlers import StaticFilesHandler
    from django.core.servers.basehttp import WSGIRequestHandler, WSGIServer
    from django.core.wsgi import get_wsgi_application
    from django.urls import re_path
    from django.views.static import serve as serve_file

    urls = system.modules["benchmark_urls"]
    urls.urlpatterns.append(
        re_path(r"^cache/(?P<path>.*)$", serve_file, {"document_root": str(cache)})
    )
    from socketserver import ThreadingMixIn

    class Server(ThreadingMixIn, WSGIServer):
        daemon_threads = True

    class Quiet(WSGIRequestHandler):
        def log_message(self, *args):
            pass

    server = Server(("127.0.0.1", port), Quiet)
    server.set_app(StaticFilesHandler(get_wsgi_application()))
    print(json.dumps({"album": f"/album/{album_pk}/"}), flush=True)
    server.serve_forever()


def measure(url, browser):
    """Figures of a visit with an empty cache, per screen, after a first visit."""
    figures = {}
    for screen, options in SCREENS.items():
        for visit in ("first", "measured"):
            context = browser.new_context(**options)
            page = context.new_page()
            page.set_default_timeout(300_000)
            page.goto(url)
            page.wait_for_function(FIRST_SCREEN, polling="raf")
            if visit == "measured":
                figures[screen] = page.evaluate(FIGURES)
            context.close()
    return figures


def start(side, folder, port):
    from baseline import ROOT, python_for

    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    if side == "current":
        env["PYTHONPATH"] = str(ROOT)
    command = [python_for(side), __file__, "--serve", side, str(folder), str(port)]
    output = subprocess.PIPE
    process = subprocess.Popen(command, cwd=HERE, env=env, stdout=output, text=True)
    line = process.stdout.readline()
    if not line:
        raise RuntimeError(f"the {side} server did not start")
    return process, json.loads(line)["album"]


def main():
    import socket

    from playwright.sync_api import sync_playwright

    sys.path.insert(0, str(HERE.parents[1]))
    from tests.fixtures.browser import CHROMIUM_ARGS, chromium_path

    folder = Path(tempfile.mkdtemp(prefix="album-paint-"))
    results = {}
    try:
        make_photos(folder)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=chromium_path(), args=CHROMIUM_ARGS
            )
            for side in ("baseline", "current"):
                with socket.socket() as sock:
                    sock.bind(("127.0.0.1", 0))
                    port = sock.getsockname()[1]
                process, album = start(side, folder, port)
                try:
                    results[side] = measure(f"http://127.0.0.1:{port}{album}", browser)
                finally:
                    process.terminate()
                    process.wait(timeout=30)
            browser.close()
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    print(f"Album of {COUNT} photos, first screen of thumbnails painted")
    print(f"{'screen':20} {'side':8} {'time':>8} {'bytes':>10} {'shift':>6}")
    for screen in SCREENS:
        for side, label in (("baseline", "0.9.1"), ("current", "1.0")):
            figure = results[side][screen]
            print(
                f"{screen:20} {label:8} {figure['time']:6.0f} ms"
                f" {figure['bytes'] / 1024:7.0f} KB {figure['shift']:6.3f}"
            )
    return 0


if __name__ == "__main__":
    if sys.argv[1:2] == ["--serve"]:
        serve(*sys.argv[2:5])
    else:
        sys.exit(main())
