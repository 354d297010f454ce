"""Phone photos: HEIC and AVIF originals, WebP and AVIF thumbnails, EXIF dates.

Goals of the issue:

* a 12-megapixel HEIC and AVIF original: ``thumb`` and ``standard`` on first
  request within 1.3 times one decode of the file (these formats have no
  reduced-scale decode: the decode itself is the floor);
* an album page of 100 thumbnails: WebP at most 0.75 times the bytes of JPEG,
  each format at the lowest quality setting that keeps every thumbnail at an
  SSIM of 0.95 or more against the original's reduction; AVIF bytes and the
  encode time of each format reported;
* a scan of 10,000 local photos with ``GALLERY_PHOTO_DATES = "exif"`` within
  3 times the same scan without it, files in the page cache; a rescan with
  nothing changed reads no file.

myks-gallery 0.9.1 reads none of these formats: rows have no 0.9.1 figure,
and the goals compare rows of this project with each other.

Run alone: ``.venv/bin/python tests/benchmarks/bench_formats.py [--quick]``.
"""

import io
import json
import os
import random
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
SAMPLES = [
    *sorted((ROOT / "example" / "photos").rglob("*.jpg")),
    *sorted((ROOT / "tests" / "data").glob("*.jpg")),
]
ALBUM_PATTERN = (
    r"(?P<a_year>\d{4})/(?P<a_month>\d{2})_(?P<a_day>\d{2})_(?P<a_name>[^/]+)/"
)
PHONE_PATTERN = ALBUM_PATTERN + r"IMG_\d{4}\.jpg"
QUALITIES = {
    "JPEG": range(40, 100, 5),
    "WEBP": range(40, 100, 5),
    "AVIF": range(20, 100, 5),
}
SSIM_FLOOR = 0.95


# Worker side: a process of its own, since Django is set up once per process.


def resize_worker(extension, source, repeat):
    """Best times of one decode, ``thumb`` and ``standard`` of ``source``."""
    from workspace import photo_tree, setup_django

    filename = f"photo.{extension}"
    with photo_tree("bench-formats-", source, [filename]) as (photo_dir, cache_dir):
        setup_django(photo_dir, cache_dir)
        return measure_resize(photo_dir / "album" / filename, cache_dir, repeat)


def measure_resize(path, cache_dir, repeat):
    import shutil

    from PIL import Image

    from gallery.models import Album, Photo
    from gallery.resizers.formats import heif_available
    from gallery.resizers.pillow import resize

    heif_available()
    album = Album(pk=1, category="Photos", dirpath="album", name="Album")
    photo = Photo(pk=1, album=album, filename=path.name, size=path.stat().st_size)

    def decode():
        with Image.open(path) as image:
            image.load()

    def clear():
        for entry in cache_dir.iterdir():
            if entry.name != ".locks":
                shutil.rmtree(entry)

    workloads = {
        "decode": decode,
        "thumb": lambda: resize(photo, 128, 128, True),
        "standard": lambda: resize(photo, 768, 768, False),
    }
    times = {name: [] for name in workloads}
    for _ in range(repeat):
        for name, function in workloads.items():
            clear()
            started = time.perf_counter()
            function()
            times[name].append(time.perf_counter() - started)
    return {name: min(values) for name, values in times.items()}


def scan_worker(root, database, dates, repeat):
    """Best time of a first scan of ``root``, and files read by a rescan."""
    from django.conf import settings
    from django.core.files.storage import FileSystemStorage
    from workspace import setup_scan

    def storages():
        return FileSystemStorage(location=root), FileSystemStorage(database + ".c")

    setup_scan(database, "Europe/Paris", storages)
    settings.GALLERY_PATTERNS = [("Photos", PHONE_PATTERN)]
    settings.GALLERY_PHOTO_DATES = dates
    return measure_scan(repeat)


def measure_scan(repeat):
    from django.core.management import call_command

    from gallery.files import heads
    from gallery.models import Album, Photo, ScanState

    read = []
    original = heads.local_head
    heads.local_head = lambda path: read.append(path) or original(path)
    best = None
    for _ in range(repeat):
        for model in (Photo, Album, ScanState):
            model.objects.all().delete()
        started = time.perf_counter()
        call_command("scanphotos", verbosity=0)
        seconds = time.perf_counter() - started
        best = seconds if best is None else min(best, seconds)
    dated = Photo.objects.filter(date__isnull=False).count()
    read.clear()
    call_command("scanphotos", verbosity=0)
    return {"scan": best, "dated": dated, "rescan_reads": len(read)}


def worker(side, kind, *args):
    if kind == "resize":
        return resize_worker(args[0], args[1], int(args[2]))
    return scan_worker(args[0], args[1], args[2], int(args[3]))


# Driver side.


def make_original(path, format, width, height):
    """A photo of ``width`` x ``height`` in ``format``, from a sample photo.

    Made at each run, never committed; a 12 MP HEIC takes pillow-heif about
    a minute to write on two cores.
    """
    from PIL import Image

    from gallery.resizers.formats import heif_available

    heif_available()
    with Image.open(SAMPLES[2]) as sample:
        image = sample.convert("RGB").resize((width, height), Image.Resampling.BICUBIC)
    # Sensor noise: an upscaled picture alone decodes unrealistically fast.
    grain = Image.effect_noise((width, height), 20).convert("RGB")
    Image.blend(image, grain, 0.05).save(path, format, quality=80)
    return path


def run(kind, *args):
    from tests.benchmarks.baseline import run_worker

    env = {"PYTHONPATH": str(ROOT)}  # this project, wherever it is installed
    return run_worker("current", HERE / "bench_formats.py", kind, *args, env=env)


def resize_rows(quick):
    width, height = (2000, 1500) if quick else (4000, 3000)
    megapixels = round(width * height / 1e6)
    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-formats-") as directory:
        for name, format, extension in (
            ("HEIC", "HEIF", "heic"),
            ("AVIF", "AVIF", "avif"),
        ):
            path = make_original(
                Path(directory) / f"photo.{extension}", format, width, height
            )
            result = run("resize", extension, path, 3 if quick else 7)
            prefix = f"{name} {megapixels} MP"
            rows += [
                (f"{prefix}: Pillow alone, one decode", None, result["decode"], "s"),
                (f"{prefix}: thumb 128x128 crop", None, result["thumb"], "s"),
                (f"{prefix}: standard 768x768 fit", None, result["standard"], "s"),
            ]
    return rows


def album_sources(count, seed=16):
    """``count`` originals of about 2 MP, cut from the sample photos."""
    from PIL import Image

    generator = random.Random(seed)
    samples = []
    for path in SAMPLES:
        with Image.open(path) as image:
            samples.append(image.convert("RGB"))
    for _ in range(count):
        sample = generator.choice(samples)
        width, height = sample.size
        side = generator.uniform(0.5, 1.0)
        box_width, box_height = int(width * side), int(height * side)
        left = generator.randint(0, width - box_width)
        top = generator.randint(0, height - box_height)
        part = sample.crop((left, top, left + box_width, top + box_height))
        yield part.resize((1600, 1200), Image.Resampling.BICUBIC)


def thumbnails(count):
    """The reductions the resizer makes for ``thumb``, before encoding."""
    from gallery.resizers import pillow

    for source in album_sources(count):
        source.original_size = source.size
        yield pillow.shrink(source, 1, 128, 128, True)


def luma(image):
    import numpy

    return numpy.asarray(image.convert("L"), dtype=numpy.float64)


def box_mean(values, size=7):
    import numpy

    total = numpy.pad(values, ((1, 0), (1, 0))).cumsum(0).cumsum(1)
    window = (
        total[size:, size:]
        - total[:-size, size:]
        - total[size:, :-size]
        + total[:-size, :-size]
    )
    return window / (size * size)


def ssim(first, second):
    """Structural similarity of two images' luma, 7x7 windows."""
    x, y = luma(first), luma(second)
    c1, c2 = (0.01 * 255) ** 2, (0.03 * 255) ** 2
    mx, my = box_mean(x), box_mean(y)
    vx = box_mean(x * x) - mx * mx
    vy = box_mean(y * y) - my * my
    cov = box_mean(x * y) - mx * my
    index = ((2 * mx * my + c1) * (2 * cov + c2)) / (
        (mx * mx + my * my + c1) * (vx + vy + c2)
    )
    return float(index.mean())


def encode_album(references, format, quality):
    """``(bytes, seconds, lowest SSIM)`` of the album encoded at ``quality``."""
    from PIL import Image

    total, seconds, lowest = 0, 0.0, 1.0
    for reference in references:
        buffer = io.BytesIO()
        started = time.perf_counter()
        reference.save(buffer, format, quality=quality)
        seconds += time.perf_counter() - started
        total += buffer.tell()
        with Image.open(io.BytesIO(buffer.getvalue())) as decoded:
            lowest = min(lowest, ssim(reference, decoded))
    return total, seconds, lowest


def lowest_quality(references, format):
    """``(quality, bytes, seconds)`` of the lowest quality keeping every SSIM."""
    for quality in QUALITIES[format]:
        total, seconds, lowest = encode_album(references, format, quality)
        if lowest >= SSIM_FLOOR:
            return quality, total, seconds
    raise RuntimeError(f"{format} never reaches SSIM {SSIM_FLOOR}")


def album_rows(quick):
    references = list(thumbnails(100))
    rows = []
    for name, format in (("JPEG", "JPEG"), ("WebP", "WEBP"), ("AVIF", "AVIF")):
        quality, total, seconds = lowest_quality(references, format)
        label = f"100 thumbs {name} (quality {quality}, SSIM >= {SSIM_FLOOR})"
        rows.append((f"{label}: bytes", None, total / 1000, "kB"))
        rows.append((f"100 thumbs {name}: encode time", None, seconds, "s"))
    return rows


def make_phone_tree(root, albums, per_album):
    """``albums`` folders of ``per_album`` small JPEG files with EXIF dates."""
    from PIL import Image

    image = Image.new("RGB", (32, 24), "teal")
    exif = Image.Exif()
    exif.get_ifd(0x8769)[0x9003] = "2024:01:01 12:34:56"
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif.tobytes())
    data = buffer.getvalue()
    for number in range(albums):
        directory = (
            root / f"2024/{number % 12 + 1:02d}_{number % 28 + 1:02d}_Album {number}"
        )
        directory.mkdir(parents=True)
        for photo in range(per_album):
            (directory / f"IMG_{photo:04d}.jpg").write_bytes(data)
    an_hour_ago = time.time() - 3600  # settled: rescans skip unchanged folders
    for directory in [root, *root.rglob("*/")]:
        os.utime(directory, (an_hour_ago, an_hour_ago))


def scan_rows(quick):
    albums = 10 if quick else 100
    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-formats-scan-") as directory:
        root = Path(directory) / "photos"
        make_phone_tree(root, albums, 100)
        repeat = 2 if quick else 3
        results = {}
        for dates in ("pattern", "exif"):
            database = str(Path(directory) / f"{dates}.sqlite3")
            results[dates] = run("scan", root, database, dates, repeat)
    count = f"{albums * 100:,}"
    exif = results["exif"]
    rows.append(
        (
            f"scan {count} photos, dates from paths",
            None,
            results["pattern"]["scan"],
            "s",
        )
    )
    rows.append((f"scan {count} photos, dates from EXIF", None, exif["scan"], "s"))
    rows.append((f"scan {count} photos, EXIF: photos dated", None, exif["dated"], ""))
    rows.append(
        ("rescan, nothing changed, EXIF: files read", None, exif["rescan_reads"], "")
    )
    return rows


def collect(quick=False):
    """Rows ``(label, None, current, unit)``: no 0.9.1 side."""
    return resize_rows(quick) + album_rows(quick) + scan_rows(quick)


def find(rows, *words):
    """The figure of the row whose label holds all ``words``."""
    return next(
        cur for label, _, cur, _ in rows if all(word in label for word in words)
    )


def goals(rows):
    """``(goal, verdict, ok)`` for each goal of the issue, from ``rows``."""
    results = []
    for name in ("HEIC", "AVIF"):
        decode = find(rows, f"{name} ", "decode")
        for preset in ("thumb", "standard"):
            times = find(rows, f"{name} ", preset) / decode
            goal = f"{name} {preset} within 1.3 x one decode"
            results.append((goal, f"{times:.2f} x", times <= 1.3))
    jpeg = find(rows, "thumbs JPEG (", "bytes")
    webp = find(rows, "thumbs WebP (", "bytes") / jpeg
    avif = find(rows, "thumbs AVIF (", "bytes") / jpeg
    results.append(
        ("WebP thumbs at most 0.75 x JPEG bytes", f"{webp:.2f} x", webp <= 0.75)
    )
    results.append(("AVIF thumbs against JPEG bytes", f"{avif:.2f} x", None))
    times = find(rows, "dates from EXIF") / find(rows, "dates from paths")
    results.append(
        ("scan with EXIF dates within 3 x without", f"{times:.2f} x", times <= 3)
    )
    reads = find(rows, "rescan")
    results.append(("unchanged rescan reads no file", f"{reads}", reads == 0))
    return results


def main(argv=None):
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small workloads")
    parser.add_argument("--worker", help="run one workload (internal)")
    parser.add_argument("args", nargs="*")
    options = parser.parse_args(argv)
    if options.worker:
        print(json.dumps(worker(options.worker, *options.args)))
        return 0
    sys.path.insert(0, str(ROOT))
    from tests.benchmarks.baseline import print_goals, verdict_of

    rows = collect(quick=options.quick)
    for label, _, cur, unit in rows:
        print(f"{label:<60} {cur:>10.4g} {unit}")
    results = goals(rows)
    print_goals(results)
    return 1 if any(verdict_of(ok) == "FAIL" for *_, ok in results) else 0


if __name__ == "__main__":
    sys.exit(main())
