"""A child process reads the directories of a local storage ahead of the walk,
and the walk gives what it gives when it reads them itself."""

import logging
import os
import sys
import unicodedata

import pytest
from django.test import override_settings

from gallery.models import Photo
from gallery.scanning import listing, localdirs, scan
from gallery.scanning.listing import walk_storage

# Names that sort differently with and without the slash that follows a
# directory, a name in NFD, and many directories, so that the walk asks the
# child for each of them in its own order.
TREE = [
    "2013/01_19_Snow",
    "2013/01_19_Snow in Paris",
    "2013/01_19_Snow-2",
    "2013/01_19_Snow.bis",
    "2013/01_19_Snow/01_20_Inside",
    "2013/01_19_Snowfall",
    unicodedata.normalize("NFD", "2013/02_01_Été"),
    *(f"2014/{month:02d}_01_Month {month}" for month in range(1, 13)),
]
PATTERN = (
    r"(?P<a_year>\d{4})/(?:[^/]+/)*(?P<a_month>\d{2})_(?P<a_day>\d{2})_"
    r"(?P<a_name>[^/]+)/(?P<p_name>[^/]+)\.jpg"
)


@pytest.fixture
def tree(photo_tree):
    for number, dirpath in enumerate(TREE):
        photo_tree.add(*(f"{dirpath}/{n}.jpg" for n in range(number % 4 + 1)))
    photo_tree.add("2013/notes.txt", "top.jpg")
    os.utime(photo_tree.root / "top.jpg", (0, 1_500_000_000.123456))
    (photo_tree.root / "2014" / "loop").symlink_to(photo_tree.root / "2014")
    return photo_tree


@pytest.fixture
def children(monkeypatch):
    """Read ahead after the first file, on any machine; the children started."""
    started = []
    monkeypatch.setattr(localdirs, "READ_AHEAD_AFTER", 1)
    monkeypatch.setattr(listing, "_read_ahead_possible", lambda: True)
    original = localdirs.ReadAhead.__init__

    def init(self, *args):
        started.append(self)
        original(self, *args)

    monkeypatch.setattr(localdirs.ReadAhead, "__init__", init)
    return started


@pytest.fixture
def answers(monkeypatch):
    """The paths the child answered for, in turn."""
    answered = []
    original = localdirs.ReadAhead.take

    def take(self, path):
        answer = original(self, path)
        if answer is not NotImplemented:
            answered.append(path)
        return answer

    monkeypatch.setattr(localdirs.ReadAhead, "take", take)
    return answered


def walked(storage, known=None):
    """Everything a walk of ``storage`` gives: the directories in order, and
    what the listing learnt of them."""
    result, directories = walk_storage(storage, known)
    order = [(path, files) for path, files in directories]
    learnt = result.unreadable, result.directories, result.unchanged, result.seen
    return order, learnt


def test_child_reads_what_the_walk_would_read(tree, children, answers, monkeypatch):
    ahead = walked(tree.storage())
    assert len(children) == 1
    assert len(answers) > len(TREE)  # every directory but the root
    assert "2014/loop" in answers  # a loop is answered too, as one
    monkeypatch.setattr(listing, "_read_ahead_possible", lambda: False)
    alone = walked(tree.storage())
    assert len(children) == 1  # none for the walk alone
    assert ahead == alone
    names = [stored.name for _, files in ahead[0] for stored in files]
    assert TREE[6] + "/0.jpg" in names  # as listed, in NFD


def test_child_skips_directories_whose_time_is_known(tree, children, answers):
    _, (_, directories, _, _) = walked(tree.storage())
    known = {path: mtime for path, mtime in directories.items() if path}
    answers.clear()
    # The root is read again, then the child goes on below it.
    order, (_, again, unchanged, _) = walked(tree.storage(), known)
    assert len(children) == 2
    assert sorted(answers) == sorted([*known, "2014/loop"])  # a loop, as one
    assert [path for path, _ in order] == [""]
    assert unchanged == set(known) and again == directories


def test_unchanged_tree_starts_no_child(tree, children):
    _, (_, known, _, _) = walked(tree.storage())
    order, (_, _, unchanged, _) = walked(tree.storage(), known)
    assert order == [] and unchanged == set(known)
    assert len(children) == 1  # that of the first walk


def test_unreadable_directory_is_reported_alike(tree, children, answers):
    # A path too long to open, below names the child lists through a
    # descriptor: the child cannot read it, as the walk could not.
    fd = os.open(tree.root / "2013", os.O_RDONLY)
    deep = ["2013"]
    try:
        for _ in range(20):
            os.mkdir("d" * 250, dir_fd=fd)
            inner = os.open("d" * 250, os.O_RDONLY, dir_fd=fd)
            os.close(fd)
            fd = inner
            deep.append("d" * 250)
    finally:
        os.close(fd)
    order, (unreadables, *_) = walked(tree.storage())
    (unreadable,) = unreadables
    assert unreadable.error == "File name too long"
    assert "/".join(deep).startswith(unreadable.path)
    assert unreadable.path in answers
    assert len(order) == len(TREE) + 2  # 2013 and the root hold files too


@pytest.mark.django_db
@override_settings(GALLERY_PATTERNS=[("Photos", PATTERN)])
def test_scan_with_a_child_writes_the_same_rows(tree, children, monkeypatch):
    scan()
    assert len(children) == 1
    rows = sorted(Photo.objects.values_list("album__dirpath", "filename", "size"))
    Photo.objects.all().delete()
    monkeypatch.setattr(listing, "_read_ahead_possible", lambda: False)
    scan(full=True)
    assert (
        sorted(Photo.objects.values_list("album__dirpath", "filename", "size")) == rows
    )
    assert len(rows) == sum(number % 4 + 1 for number in range(len(TREE)))


def walked_with_child(tree, monkeypatch, caplog, program):
    """A walk of ``tree`` with ``program`` as the child reading ahead, and the
    warnings; the walk gives what it gives without a child."""
    monkeypatch.setattr(
        localdirs.ReadAhead,
        "command",
        staticmethod(lambda: [sys.executable, "-c", program]),
    )
    with caplog.at_level(logging.WARNING, logger="gallery.scanning"):
        ahead = walked(tree.storage())
    warnings = [record.getMessage() for record in caplog.records]
    monkeypatch.setattr(listing, "_read_ahead_possible", lambda: False)
    assert ahead == walked(tree.storage())
    return warnings


def test_failing_child_leaves_the_walk_to_this_process(
    tree, children, answers, monkeypatch, caplog
):
    program = "import sys; sys.stderr.write('cannot start'); sys.exit(3)"
    (warning,) = walked_with_child(tree, monkeypatch, caplog, program)
    assert answers == []
    assert "exit status 3" in warning and "cannot start" in warning


def test_child_answering_for_another_path_is_stopped(
    tree, children, answers, monkeypatch, caplog
):
    # A batch answering for a path the walk never asks for.
    program = (
        "import marshal, struct, sys; data = marshal.dumps([('elsewhere', 1, None)]);"
        "sys.stdout.buffer.write(struct.pack('<I', len(data)) + data);"
        "sys.stdout.flush(); sys.stdin.read()"
    )
    (warning,) = walked_with_child(tree, monkeypatch, caplog, program)
    assert answers == []
    assert "gave no answer" in warning
    (child,) = children
    assert child._process.returncode is not None  # stopped


def test_child_that_cannot_be_started_is_a_warning(tree, children, monkeypatch, caplog):
    monkeypatch.setattr(
        localdirs.ReadAhead,
        "command",
        staticmethod(lambda: [str(tree.root / "no-python")]),
    )
    with caplog.at_level(logging.WARNING, logger="gallery.scanning"):
        order, _ = walked(tree.storage())
    assert len(order) == len(TREE) + 2
    assert "reads the photo directories itself" in caplog.records[0].getMessage()


def test_abandoned_walk_stops_the_child(tree, children):
    _, directories = walk_storage(tree.storage())
    next(directories)
    (child,) = children
    assert child._process.poll() is None  # still reading ahead, or done
    directories.close()
    assert child._process.returncode is not None


def test_child_answers_an_error_for_a_missing_directory(tmp_path):
    (tmp_path / "here").mkdir()
    child = localdirs.ReadAhead(str(tmp_path), {}, set(), ["gone", "here"])
    try:
        error = child.take("gone")
        assert isinstance(error, FileNotFoundError)
        identity, mtime, files, subdirectories = child.take("here")
        assert files == ([], [], []) and subdirectories == []
        assert mtime == os.stat(tmp_path / "here").st_mtime_ns
    finally:
        child.close()


@pytest.mark.parametrize(
    ("processors", "executable", "possible"),
    [
        ({0, 1}, "/usr/bin/python3.11", True),
        ({0}, "/usr/bin/python3.11", False),  # nothing to read beside
        ({0, 1}, "/usr/bin/uwsgi", False),  # not an interpreter to run
        ({0, 1}, "", False),
    ],
)
def test_read_ahead_needs_processors_and_an_interpreter(
    monkeypatch, processors, executable, possible
):
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: processors)
    monkeypatch.setattr(sys, "executable", executable)
    assert listing._read_ahead_possible() is possible


def test_read_ahead_needs_its_program_as_a_file(monkeypatch, tmp_path):
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1})
    monkeypatch.setattr(sys, "executable", "/usr/bin/python3")
    assert listing._read_ahead_possible()
    archive = str(tmp_path / "site.zip" / "gallery" / "scanning" / "localdirs.py")
    monkeypatch.setattr(localdirs, "__file__", archive)
    assert not listing._read_ahead_possible()
