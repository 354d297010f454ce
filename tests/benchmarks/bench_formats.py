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
and the goals compare rows of this project with each other. Durations are
the CPU time of the worker process (the decoders' threads included): every
workload runs in it, and on a shared machine the wall clock of two
workloads measured a minute apart says more about the neighbours than about
them.

Run alone: ``.venv/bin/python tests/benchmarks/bench_formats.py [--quick]``.
"""

import io
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
    from workspace import folder_storages, photo_tree, setup_django

    filename = f"photo.{extension}"
    with photo_tree("bench-formats-", source, [filename]) as folders:
        setup_django(folder_storages(*folders))
        return measure_resize(folders[0] / "album" / filename, folders[1], repeat)


def measure_resize(path, cache_dir, repeat):
    from baseline import best_times
    from PIL import Image
    from workspace import empty_cache

    from gallery.models import Album, Photo
    from gallery.resizers.formats import heif_available
    from gallery.resizers.pillow import resize

    heif_available()
    album = Album(pk=1, category="Photos", dirpath="album", name="Album")
    photo = Photo(pk=1, album=album, filename=path.name, size=path.stat().st_size)

    def decode():
        with Image.open(path) as image:
            image.load()

    workloads = {
        "decode": decode,
        "thumb": lambda: resize(photo, 128, 128, True),
        "standard": lambda: resize(photo, 768, 768, False),
    }
    before = lambda: empty_cache(cache_dir)  # noqa: E731
    return best_times(workloads, repeat, before, clock=time.process_time)


def scan_worker(root, workdir, dates, repeat):
    """Best time of a first scan of ``root``, and files read by a rescan."""
    from workspace import folder_storages, fresh_database, scan_settings, setup_django

    database = fresh_database(workdir, dates)
    options = {
        **scan_settings("Europe/Paris"),
        "GALLERY_PATTERNS": [("Photos", PHONE_PATTERN)],
        "GALLERY_PHOTO_DATES": dates,
    }
    setup_django(
        folder_storages(root, database + ".cache"), database=database, **options
    )
    return measure_scan(repeat)


def measure_scan(repeat):
    from baseline import best_time, cpu_time
    from workspace import empty_gallery_tables, scan

    from gallery.files import heads
    from gallery.models import Photo

    read = []
    original = heads.local_head
    heads.local_head = lambda *args: read.append(args[0]) or original(*args)
    # Processor time, that of the process reading the tree ahead included.
    seconds = best_time(scan, repeat, empty_gallery_tables, clock=cpu_time)
    dated = Photo.objects.filter(date__isnull=False).count()
    read.clear()
    scan()
    return {"scan": seconds, "dated": dated, "rescan_reads": len(read)}


def worker(side, kind, *args):
    """The figures of one workload of this project (``side`` is "current")."""
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

    return run_worker("current", __file__, kind, *args)


def resize_rows(quick):
    from tests.benchmarks.baseline import Row

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
            result = run("resize", extension, path, 3 if quick else 11)
            prefix = f"{name} {megapixels} MP"
            rows += [
                Row(f"{name} {key}", f"{prefix}: {label}", None, result[key], "s")
                for key, label in (
                    ("decode", "Pillow alone, one decode"),
                    ("thumb", "thumb 128x128 crop, first request"),
                    ("standard", "standard 768x768 fit, first request"),
                )
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
    from tests.benchmarks.baseline import Row

    references = list(thumbnails(100))
    rows = []
    for name, format in (("JPEG", "JPEG"), ("WebP", "WEBP"), ("AVIF", "AVIF")):
        quality, total, seconds = lowest_quality(references, format)
        label = f"100 thumbs {name}, quality {quality} (SSIM >= {SSIM_FLOOR})"
        rows.append(Row(f"{name} bytes", f"{label}: bytes", None, total / 1000, "kB"))
        rows.append(
            Row(f"{name} encode", f"100 thumbs {name}: encode time", None, seconds, "s")
        )
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


def scans(root, directory, rounds):
    """Figures of the scans without and with EXIF dates, run in turn ``rounds``
    times so that a busy moment of the machine does not favour one; each the
    smallest of its rounds."""
    from tests.benchmarks.baseline import best_figures

    runs = {"pattern": [], "exif": []}
    for _ in range(rounds):
        for dates, results in runs.items():
            results.append(run("scan", root, directory, dates, 3))
    return best_figures(runs["pattern"]), best_figures(runs["exif"])


def scan_rows(quick):
    from tests.benchmarks.baseline import Row

    albums = 10 if quick else 100
    with tempfile.TemporaryDirectory(prefix="bench-formats-scan-") as directory:
        root = Path(directory) / "photos"
        make_phone_tree(root, albums, 100)
        pattern, exif = scans(root, directory, rounds=1 if quick else 3)
    count = f"{albums * 100:,} photos"
    return [
        Row(
            "scan paths", f"scan {count}, dates from paths", None, pattern["scan"], "s"
        ),
        Row("scan exif", f"scan {count}, dates from EXIF", None, exif["scan"], "s"),
        Row("dated", f"scan {count}, EXIF: photos dated", None, exif["dated"]),
        Row(
            "rescan reads",
            "rescan, nothing changed: files read",
            None,
            exif["rescan_reads"],
        ),
    ]


def collect(quick=False):
    """Rows of the figures of this project: there is no 0.9.1 side."""
    return resize_rows(quick) + album_rows(quick) + scan_rows(quick)


def goals(rows):
    """One :class:`~baseline.Goal` a goal of the issue, from ``rows``."""
    from tests.benchmarks.baseline import Goal, by_key

    current = {key: row.current for key, row in by_key(rows).items()}
    results = []
    for name in ("HEIC", "AVIF"):
        for preset in ("thumb", "standard"):
            times = current[f"{name} {preset}"] / current[f"{name} decode"]
            text = f"{name} {preset} within 1.3 x one decode"
            results.append(Goal(text, f"{times:.2f} x", times <= 1.3))
    webp = current["WebP bytes"] / current["JPEG bytes"]
    avif = current["AVIF bytes"] / current["JPEG bytes"]
    results.append(
        Goal("WebP thumbs at most 0.75 x JPEG bytes", f"{webp:.2f} x", webp <= 0.75)
    )
    results.append(Goal("AVIF thumbs against JPEG bytes", f"{avif:.2f} x", None))
    times = current["scan exif"] / current["scan paths"]
    results.append(
        Goal("scan with EXIF dates within 3 x without", f"{times:.2f} x", times <= 3)
    )
    reads = current["rescan reads"]
    results.append(Goal("unchanged rescan reads no file", f"{reads}", reads == 0))
    return results


if __name__ == "__main__":
    from baseline import main  # this folder comes first on sys.path

    sys.exit(main(sys.modules[__name__]))
