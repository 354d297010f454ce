"""The command line, the timing policy, the settings and the table of the benchmarks."""

import dataclasses
import json
import sys
import types
import uuid

import pytest

from tests.benchmarks import baseline, run_all, table, workspace
from tests.benchmarks.baseline import Goal, Row

ROWS = [
    Row("index", "index, anonymous", 0.4, 0.1, "s"),
    Row("photo", "photo, anonymous", 0.1, 0.2, "s"),
]


def goals(rows):
    photo = baseline.by_key(rows)["photo"].current
    return [
        Goal("photo under 0.5 s", f"{photo} s", photo < 0.5),
        Goal("size", "", None),
    ]


def test_judge_marks_times_faster_then_lists_stated_goals():
    module = types.SimpleNamespace(GOALS={"index": 3, "photo": 1}, goals=goals)
    judged = run_all.judge("pages", module, ROWS)
    assert [(row.topic, row.key, row.goal, row.verdict) for row in judged] == [
        ("pages", "index", ">= 3x faster", "OK"),
        ("pages", "photo", ">= 1x faster", "FAIL"),
        ("pages", "goal", "0.2 s", "OK"),
        ("pages", "goal", "", "n/a"),
    ]
    assert judged[2].label == "goal: photo under 0.5 s"
    assert judged[2].baseline is judged[2].current is None


def test_judge_without_goals_keeps_the_rows():
    judged = run_all.judge("admin", types.SimpleNamespace(), ROWS)
    assert [(row.label, row.goal, row.verdict) for row in judged] == [
        ("index, anonymous", "", ""),
        ("photo, anonymous", "", ""),
    ]


def test_rows_of_reads_both_sides_by_key():
    results = {"baseline": {"a": 2, "b": 3}, "current": {"a": 1, "b": 4}}
    rows = baseline.rows_of(results, [("b", "B", "s"), ("a", "A", "")])
    assert rows == [Row("b", "B", 3, 4, "s"), Row("a", "A", 2, 1, "")]


def test_best_times_keeps_the_smallest_of_each_workload():
    ticks = iter([0, 5, 5, 6, 6, 8, 8, 15])  # a: 5 then 2; b: 1 then 7
    before = []
    times = baseline.best_times(
        {"a": lambda: None, "b": lambda: None},
        repeat=2,
        before=lambda: before.append(1),
        clock=lambda: next(ticks),
    )
    assert times == {"a": 2, "b": 1}
    assert len(before) == 4


def test_compare_keeps_the_best_figure_of_the_rounds(monkeypatch):
    figures = iter([{"t": 3}, {"t": 5}, {"t": 2}, {"t": 6}])
    monkeypatch.setattr(baseline, "run_worker", lambda *args, **kwargs: next(figures))
    results = baseline.compare("bench_x.py", rounds=2)
    assert results == {"baseline": {"t": 2}, "current": {"t": 5}}


def test_verdicts():
    verdicts = [baseline.verdict_of(ok) for ok in (True, False, None)]
    assert verdicts == ["OK", "FAIL", "n/a"]


def module(worker=None):
    doc = "A benchmark.\n\nMore."
    return types.SimpleNamespace(__doc__=doc, __file__="/x/bench_s3.py", worker=worker)


def test_main_runs_the_worker_of_one_side(capsys, monkeypatch):
    def worker(side, *args):
        return {"side": side, "args": args}

    monkeypatch.delitem(sys.modules, "gallery")  # 0.9.1's is not importable here
    argv = ["--worker", "baseline", "a", "1"]
    assert baseline.main(module(worker), argv) == 0
    result = json.loads(capsys.readouterr().out.splitlines()[-1])
    assert result == {"side": "baseline", "args": ["a", "1"]}


def imported_gallery(monkeypatch, root):
    module = types.SimpleNamespace(__file__=str(root / "gallery" / "__init__.py"))
    monkeypatch.setitem(sys.modules, "gallery", module)


def test_the_current_worker_fails_with_the_gallery_of_another_checkout(
    capsys, monkeypatch, tmp_path
):
    imported_gallery(monkeypatch, tmp_path)
    argv = ["--worker", "current"]
    assert baseline.main(module(lambda side: {"t": 1}), argv) == 1
    output = capsys.readouterr()
    assert output.out == ""
    assert output.err == (
        f"the current worker imported the gallery of {tmp_path}/gallery/__init__.py\n"
    )


def test_each_worker_must_import_the_gallery_of_its_side(monkeypatch, tmp_path):
    imported_gallery(monkeypatch, baseline.ROOT)
    assert baseline.wrong_gallery("current") == ""
    assert baseline.wrong_gallery("baseline").startswith("the baseline worker ")
    imported_gallery(monkeypatch, tmp_path)
    assert baseline.wrong_gallery("baseline") == ""
    assert baseline.wrong_gallery("current").startswith("the current worker ")


def test_main_runs_its_topic_as_run_all_does(monkeypatch):
    calls = []
    monkeypatch.setattr(run_all, "main", lambda argv: calls.append(argv) or 1)
    assert baseline.main(module(), ["--quick"]) == 1
    assert baseline.main(module(), []) == 1
    assert calls == [["--quick", "s3"], ["s3"]]


def test_text_table_aligns_the_columns():
    rows = [Row("index", "index", 0.4, 0.1, "s", "pages", ">= 3x faster", "OK")]
    lines = table.text(rows).splitlines()
    assert lines[0].split() == table.HEADER
    assert " ".join(lines[1].split()) == "pages index 0.4 s 0.1 s 4.0x >= 3x faster OK"
    assert lines[0].index("ratio") == lines[1].index("4.0x")


def test_rst_table_escapes_stars_and_leaves_empty_cells():
    rows = [Row("goal", "goal: *", None, None, topic="s3", verdict="n/a")]
    text = table.rst(rows)
    assert text.startswith(".. list-table::\n   :header-rows: 1\n")
    assert "   * - s3\n     - goal: \\*\n     - \n     - \n     - \n" in text


def test_settings_of_a_scan_and_of_a_site():
    scan = workspace.django_settings("db.sqlite3", **workspace.scan_settings("UTC"))
    assert scan["DATABASES"]["default"]["NAME"] == "db.sqlite3"
    assert scan["INSTALLED_APPS"][0] == "gallery.apps.GalleryConfig"
    assert "ROOT_URLCONF" not in scan
    assert scan["GALLERY_PATTERNS"] == (("Photos", workspace.SCAN_PATTERN),)
    site = workspace.django_settings(admin=True, USE_TZ=False)
    assert "django.contrib.admin" in site["INSTALLED_APPS"]
    assert site["ROOT_URLCONF"] == workspace.URLCONF
    assert site["USE_TZ"] is False


def test_photo_names_match_the_scan_pattern():
    import re

    names = list(workspace.photo_names(30, 2))
    assert len(set(names)) == 60
    assert all(re.fullmatch(workspace.SCAN_PATTERN, name) for name in names)


def test_workers_import_the_gallery_of_their_side(monkeypatch):
    seen = {}

    def run(command, env, **kwargs):
        seen[command[3]] = env.get("PYTHONPATH")
        return types.SimpleNamespace(returncode=0, stdout='{"t": 1}\n')

    monkeypatch.setenv("PYTHONPATH", "/elsewhere")
    monkeypatch.setattr(baseline, "python_for", lambda side: "python")
    monkeypatch.setattr(baseline.subprocess, "run", run)
    assert baseline.compare("bench_x.py") == {"baseline": {"t": 1}, "current": {"t": 1}}
    assert seen == {"baseline": None, "current": str(baseline.ROOT)}


def test_floor_script_times_the_floor_and_the_scan_of_a_small_tree():
    import subprocess
    import sys
    from pathlib import Path

    script = Path(run_all.__file__).with_name("floor_scan.py")
    command = [sys.executable, str(script), "--albums", "3", "--photos", "2"]
    result = subprocess.run(command, capture_output=True, text=True, timeout=120)

    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "6 photos in 3 albums"
    assert lines[1].startswith("floor: ") and lines[2].startswith("scan:  ")
    assert lines[3].startswith("scan / floor: ")
    assert lines[4] == "same rows: yes"


def million_rows(initial_mb, rescan_mb, queries):
    from tests.benchmarks import bench_million

    rows = []
    for photos, initial, rescan, count in zip(
        (1000, 10000), initial_mb, rescan_mb, queries, strict=True
    ):
        figures = {"initial": (initial, count), "rescan": (rescan, count - 5)}
        for kind, (memory, number) in figures.items():
            rows.append(Row(f"{photos} {kind} peak_mb", "", None, memory, "MB"))
            rows.append(Row(f"{photos} {kind} queries", "", None, number))
            rows.append(Row(f"{photos} {kind} seconds", "", None, 1.0, "s"))
    return bench_million.goals(rows)


def test_million_goals_compare_the_larger_size_with_the_smaller():
    goals = million_rows((100, 150), (50, 80), (14, 14))
    assert [(goal.text, goal.measured, goal.ok) for goal in goals] == [
        (
            "initial scan, peak memory at 10,000 <= 1.5x at 1,000",
            "150 vs 100 MB, 1.50x",
            True,
        ),
        ("initial scan, SQL queries at 10,000 == at 1,000", "14 -> 14", True),
        (
            "rescan, nothing changed, peak memory at 10,000 <= 1.5x at 1,000",
            "80 vs 50 MB, 1.60x",
            False,
        ),
        ("rescan, nothing changed, SQL queries at 10,000 == at 1,000", "9 -> 9", True),
    ]


def test_million_goals_fail_when_queries_grow():
    goals = million_rows((100, 100), (50, 50), (14, 15))
    assert [goal.ok for goal in goals] == [True, False, True, False]


def test_million_scans_small_trees_in_fresh_workers(monkeypatch, capsys):
    from tests.benchmarks import bench_million

    monkeypatch.setattr(bench_million, "ALBUMS", {True: (2, 4)})
    monkeypatch.setattr(bench_million, "PER_ALBUM", 3)
    rows = baseline.by_key(bench_million.collect(quick=True))

    assert rows["6 initial seconds"].label == "initial scan, 6 photos"
    assert rows["12 rescan peak_mb"].label == (
        "rescan, nothing changed, peak memory, 12 photos"
    )
    assert len(rows) == 12
    assert all(row.baseline is None and row.current > 0 for row in rows.values())
    # The rescan reads the database the initial scan wrote: fewer queries.
    assert rows["12 rescan queries"].current < rows["12 initial queries"].current
    assert "million: 12 photos: tree written in" in capsys.readouterr().out


def test_scale_goals_compare_each_page_at_both_sizes(monkeypatch):
    from tests.benchmarks import bench_scale

    monkeypatch.setattr(bench_scale, "WORKLOADS", [("index", None, "index")])
    rows = [
        Row("index@10", "index, 3,000 photos", None, 0.010, "s"),
        Row("index, queries@10", "index, queries", None, 4),
        Row("index@100", "index, 12,000 photos", None, 0.016, "s"),
        Row("index, queries@100", "index, queries", None, 5),
    ]
    time, queries = bench_scale.goals(rows)
    assert (time.measured, time.ok) == ("1.60x", False)
    assert (queries.measured, queries.ok) == ("4 -> 5", False)
    rows[2:] = [dataclasses.replace(rows[2], current=0.012), rows[3]]
    rows[3] = dataclasses.replace(rows[3], current=4)
    assert [goal.ok for goal in bench_scale.goals(rows)] == [True, True]


def listed_pages(backend, bucket, max_keys, options):
    """Every page of a ListObjectsV2 pagination by moto's backend: names, token."""
    pages, token = [], None
    while True:
        keys, truncated, token = backend.list_objects_v2(
            bucket=backend.get_bucket(bucket),
            prefix=options.get("prefix"),
            delimiter=options.get("delimiter"),
            continuation_token=token,
            start_after=options.get("start_after") if not pages else None,
            max_keys=max_keys,
        )
        pages.append(([getattr(key, "name", key) for key in keys], token))
        if not truncated:
            return pages


@pytest.fixture
def moto_backend():
    """A backend of moto's S3 of its own; its buckets are forgotten after the test."""
    from moto.s3.models import S3Backend, s3_backends

    from tests.benchmarks import moto_bucket

    backend = S3Backend(region_name=moto_bucket.REGION, account_id="123456789012")
    yield backend
    for bucket in backend.buckets.values():  # bucket names are shared by backends
        for key in bucket.keys.values():
            key.dispose()
        s3_backends.bucket_accounts.pop(bucket.name, None)


def test_indexed_listing_gives_the_pages_of_moto_itself(moto_backend):
    from tests.benchmarks import moto_bucket

    photos, other = f"photos-{uuid.uuid4()}", f"other-{uuid.uuid4()}"
    for bucket in (photos, other):
        moto_backend.create_bucket(bucket, moto_bucket.REGION)
    names = list(workspace.photo_names(25, 100))
    for name in reversed(names):  # the index sorts them
        moto_backend.put_object(photos, name, b"j")
    moto_backend.put_object(other, "a/b.jpg", b"j")
    listings = [
        (photos, 1000, {}),
        (photos, 300, {"prefix": "2000/01_1"}),
        (photos, 1000, {"start_after": names[1234]}),
        (photos, 0, {}),
        (photos, 1000, {"delimiter": "/"}),
        (other, 1000, {}),
    ]
    expected = [listed_pages(moto_backend, *listing) for listing in listings]
    with moto_bucket.indexed_listing(moto_backend, photos):
        indexed = [listed_pages(moto_backend, *listing) for listing in listings]
    assert indexed == expected
    assert [len(names) for names, _ in expected[0]] == [1000, 1000, 500]
    assert [len(names) for names, _ in expected[1]] == [300, 300, 300, 100]
    assert expected[1][0][0][0] == "2000/01_10_Album 9/2000-01-10_00-00-00.jpg"
    assert expected[4] == [(["2000/"], None)]


def test_indexed_listing_ends_with_its_block(moto_backend):
    from moto.s3.models import S3Backend

    from tests.benchmarks import moto_bucket

    bucket = f"photos-{uuid.uuid4()}"
    moto_backend.create_bucket(bucket, moto_bucket.REGION)
    original = S3Backend.list_objects_v2
    with moto_bucket.indexed_listing(moto_backend, bucket):
        assert S3Backend.list_objects_v2 is not original
    assert S3Backend.list_objects_v2 is original


def test_running_server_lists_its_bucket_over_http():
    import boto3

    from tests.benchmarks import moto_bucket

    bucket = f"listed-{uuid.uuid4()}"
    with moto_bucket.running_server(
        bucket, ["b/2.jpg", "a/1.jpg", "c/3.jpg"], True
    ) as url:
        client = boto3.client(
            "s3",
            endpoint_url=url,
            aws_access_key_id="key",
            aws_secret_access_key="secret",
            region_name=moto_bucket.REGION,
        )
        paginator = client.get_paginator("list_objects_v2")
        pages = paginator.paginate(Bucket=bucket, PaginationConfig={"PageSize": 2})
        listed = [[entry["Key"] for entry in page["Contents"]] for page in pages]
    assert listed == [["a/1.jpg", "b/2.jpg"], ["c/3.jpg"]]
    assert bucket not in moto_bucket.backend_of_server().buckets
