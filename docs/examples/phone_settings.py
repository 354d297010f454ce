# Settings for the export folders of phones: one folder per event, such as
# "2024/01_01_New Year/", holding the files as the phone named them.
ALBUM = r"(?P<a_year>\d{4})/(?P<a_month>\d{2})_(?P<a_day>\d{2})_(?P<a_name>[^/]+)/"
TIME = (
    r"(?P<p_year>\d{4})(?P<p_month>\d{2})(?P<p_day>\d{2})_"
    r"(?P<p_hour>\d{2})(?P<p_minute>\d{2})(?P<p_second>\d{2})"
)

GALLERY_PATTERNS = [
    # Android and Samsung: IMG_20240101_123456.jpg, 20240101_123456.jpg
    ("Photos", ALBUM + r"(?:IMG_)?" + TIME + r"(?:_\d+)?\.(?i:jpe?g|heic)"),
    # Pixel: PXL_20240101_123456789.jpg, PXL_20240101_123456789.MP.jpg
    ("Photos", ALBUM + r"PXL_" + TIME + r"\d{3}(?:\.\w+)?\.(?i:jpe?g)"),
    # iPhone and cameras: IMG_1234.HEIC, DSC_0001.JPG; the date is in the EXIF.
    ("Photos", ALBUM + r"(?:IMG|DSC|DSCF|P)_?\d{4,}\.(?i:heic|heif|jpe?g|avif)"),
]
GALLERY_IGNORES = [
    # Live Photos and videos (IMG_1234.MOV beside IMG_1234.HEIC), iPhone edits.
    r".*\.(?i:mov|mp4|aae)$",
]
GALLERY_PHOTO_DATES = "exif"  # for names without the time
GALLERY_RESIZE_FORMATS = ["avif", "webp", "jpeg"]
GALLERY_STRIP_LOCATION = True
