"""The directories of a local photo storage, read in the scan's process or
ahead of it, by a child process.

Reading a directory is mostly the kernel's work: one ``scandir`` and one
``stat`` a file. On a machine with more than one processor, once a scan has
read :data:`READ_AHEAD_AFTER` files, a child process goes on reading the
directories the walk will ask for next, while the scan matches and plans the
ones it has; a large tree is then listed beside the rest of the scan instead
of before it.

The child only reads ahead. The walk still decides the order, checks that
each answer is for the directory it asks for, and reads in its own process
whenever the child cannot answer: it could not start, it stopped, or it
answered for another directory. For that reason this module imports nothing
but the standard library: it is the child's program too, run by the same
interpreter in isolated mode (``python -I -S localdirs.py``).
"""

import contextlib
import heapq
import logging
import marshal
import os
import struct
import subprocess
import sys
import weakref

__all__ = ["READ_AHEAD_AFTER", "ReadAhead", "read_directory", "walk_key"]

READ_AHEAD_AFTER = 2_000  # files read before a child reads ahead; 0: never
_FRAME = struct.Struct("<I")  # the length of each batch of directories sent
_BATCH_FILES = 1_000  # files of the directories sent together, at least
_READ, _LOOP, _ERROR = range(3)

logger = logging.getLogger("gallery.scanning")


def walk_key(path):
    """The walk's order: paths followed by "/" (see :mod:`.order`)."""
    return f"{path}/"


def read_directory(root, relative, known, seen):
    """Read the directory ``relative`` (to ``root``, "" for the root itself).

    Return ``None`` when its ``(device, inode)`` is in ``seen`` (a loop of
    symbolic links), otherwise add it and return ``(identity, mtime_ns,
    files, subdirectories)``. ``files`` is ``None`` when the directory's
    modification time is the one ``known`` gives for it (same entries as last
    time), or three lists: paths relative to ``root``, sizes in bytes and
    POSIX modification times. Raise ``OSError`` when it cannot be read.
    """
    # Through a descriptor, each stat() resolves one name instead of a path.
    fd = os.open(os.path.join(root, relative), os.O_RDONLY | os.O_DIRECTORY)
    try:
        status = os.fstat(fd)
        identity = status.st_dev, status.st_ino
        if identity in seen:
            return None
        seen.add(identity)
        prefix = f"{relative}/" if relative else ""
        subdirectories = []
        if known.get(relative) == status.st_mtime_ns:
            with os.scandir(fd) as entries:
                subdirectories += [prefix + e.name for e in entries if e.is_dir()]
            return identity, status.st_mtime_ns, None, subdirectories
        names, sizes, mtimes = [], [], []
        with os.scandir(fd) as entries:
            for entry in entries:
                if entry.is_file():
                    stat = entry.stat()
                    names.append(prefix + entry.name)
                    sizes.append(stat.st_size)
                    mtimes.append(stat.st_mtime)
                elif entry.is_dir():
                    subdirectories.append(prefix + entry.name)
        return identity, status.st_mtime_ns, (names, sizes, mtimes), subdirectories
    finally:
        os.close(fd)


class ReadAhead:
    """A child process reading the directories that a walk will ask for.

    It starts from ``pending``, the paths the walk has yet to read, and reads
    them, and the subdirectories it finds, in the walk's order: smallest
    :func:`walk_key` first. :meth:`take` gives its answer for each path.
    """

    def __init__(self, root, known, seen, pending):
        self._process = subprocess.Popen(
            self.command(),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        self._stop = weakref.finalize(self, _stop, self._process)
        self._answers = iter(())
        job = root, known, seen, [(walk_key(path), path) for path in pending]
        try:
            self._process.stdin.write(marshal.dumps(job))
            self._process.stdin.close()
        except OSError:  # it stopped at once; take() will tell
            pass

    @staticmethod
    def command():
        """The child's command line: this interpreter, isolated, on this file."""
        return [sys.executable, "-I", "-S", os.path.abspath(__file__)]

    @classmethod
    def start(cls, root, known, seen, pending):
        """A new :class:`ReadAhead`, or None (and a warning) if it cannot start."""
        try:
            return cls(root, known, seen, pending)
        except OSError as exc:
            logger.warning("The scan reads the photo directories itself: %s", exc)
            return None

    def take(self, path):
        """The child's answer for ``path``, as :func:`read_directory` gives it
        or the ``OSError`` it raised; ``NotImplemented`` (and the child
        stopped) when it has none."""
        answer = next(self._answers, None)
        if answer is None:
            self._answers = iter(self._receive())
            answer = next(self._answers, None)
        if answer is None or answer[0] != path:
            self._give_up(path)
            return NotImplemented
        kind = answer[1]
        if kind == _READ:
            return answer[2]
        if kind == _LOOP:
            return None
        return OSError(*answer[2])

    def _receive(self):
        """The next batch of answers, or nothing when the child has stopped."""
        header = self._process.stdout.read(_FRAME.size)
        if len(header) < _FRAME.size:
            return ()
        (length,) = _FRAME.unpack(header)
        data = self._process.stdout.read(length)
        return marshal.loads(data) if len(data) == length else ()

    def _give_up(self, path):
        if self._process.poll() is None:
            self._process.kill()
        self._process.wait()
        error = self._process.stderr.read().decode(errors="replace").strip()
        self.close()
        logger.warning(
            "The scan reads the photo directories itself from %r on: the "
            "process reading ahead gave no answer for it (exit status %s). %s",
            path,
            self._process.returncode,
            error,
        )

    def close(self):
        """Stop the child, if it is still running."""
        self._stop()


def _stop(process):
    if process.poll() is None:
        process.kill()
    process.wait()
    process.stdout.close()
    process.stderr.close()


def _read_ahead(root, known, seen, pending, output):
    """Read the directories of the heap ``pending`` and below, in the walk's
    order, and write the answers to ``output`` in batches."""
    batch, files = [], 0
    while pending:
        _, path = heapq.heappop(pending)
        try:
            result = read_directory(root, path, known, seen)
        except OSError as exc:
            batch.append((path, _ERROR, (exc.errno, exc.strerror or str(exc))))
        else:
            if result is None:
                batch.append((path, _LOOP, None))
            else:
                for subdirectory in result[3]:
                    heapq.heappush(pending, (walk_key(subdirectory), subdirectory))
                batch.append((path, _READ, result))
                files += len(result[2][0]) if result[2] else 0
        if files >= _BATCH_FILES or not pending:
            data = marshal.dumps(batch)
            output.write(_FRAME.pack(len(data)) + data)
            output.flush()
            batch, files = [], 0


def _main():
    root, known, seen, pending = marshal.loads(sys.stdin.buffer.read())
    heapq.heapify(pending)
    with contextlib.suppress(BrokenPipeError):  # the scan stopped asking
        _read_ahead(root, known, seen, pending, sys.stdout.buffer)


if __name__ == "__main__":
    _main()
