"""A list of rows that moves to a temporary file as it grows.

A scan of a million photos plans a row for each new photo; the rows wait in
memory up to a limit, then in a file, chunk by chunk, so that the memory of a
scan does not grow with the number of photos it writes.
"""

import pickle
import tempfile
import weakref

__all__ = ["Spool"]

CHUNK = 100_000  # rows kept in memory; beyond, they move to the file
PIECE = 10_000  # rows written or read back at a time


class Spool:
    """Rows appended in order and read back in order, any number of times."""

    def __init__(self, chunk=None, piece=None):
        self.chunk = chunk or CHUNK
        self.piece = piece or PIECE
        self.rows = []  # the rows not in the file yet
        self.file = None
        self.offsets = []  # where each chunk of the file starts
        self.length = 0

    def append(self, row):
        self.rows.append(row)
        self.length += 1
        if len(self.rows) > self.chunk:
            self._spill()

    def extend(self, rows):
        before = len(self.rows)
        self.rows.extend(rows)
        self.length += len(self.rows) - before
        if len(self.rows) > self.chunk:
            self._spill()

    def __len__(self):
        return self.length

    def __bool__(self):
        return self.length > 0

    def __iter__(self):
        for chunk in self.chunks():
            yield from chunk

    def chunks(self):
        """The rows, as lists of at most ``piece`` rows."""
        for offset in self.offsets:
            self.file.seek(offset)
            yield pickle.load(self.file)
        for start in range(0, len(self.rows), self.piece):
            yield self.rows[start : start + self.piece]

    def close(self):
        """Forget every row and delete the file."""
        if self.file is not None:
            self.file.close()
        self.file, self.offsets, self.rows, self.length = None, [], [], 0

    def _spill(self):
        if self.file is None:
            self.file = tempfile.TemporaryFile(prefix="gallery-scan-")  # noqa: SIM115
            weakref.finalize(self, self.file.close)  # or at close()
        self.file.seek(0, 2)
        # Piece by piece: pickle remembers every object of a dump until it ends.
        for start in range(0, len(self.rows), self.piece):
            self.offsets.append(self.file.tell())
            piece = self.rows[start : start + self.piece]
            pickle.dump(piece, self.file, protocol=pickle.HIGHEST_PROTOCOL)
        self.rows = []
