"""The first bytes of a stored file, read in small blocks as a parser asks.

Reading the EXIF of a photo needs a few kilobytes of its headers, and seldom
a block further on (the ``Exif`` item of a HEIC file): a local file is read
with ``pread``, an S3 object with ranged requests, never whole.
"""

import os

__all__ = ["BLOCK", "REMOTE_BLOCK", "HeadFile", "local_head", "s3_head"]

BLOCK = 4096  # a page of a local file
REMOTE_BLOCK = 64 * 1024  # a ranged request costs a round trip: ask for more


class HeadFile:
    """A read-only file of ``size`` bytes, its blocks from ``fetch(start, length)``."""

    def __init__(self, fetch, size, block=BLOCK):
        self.fetch, self.size, self.position, self.blocks = fetch, size, 0, {}
        self.block_size = block
        self.fetched = 0  # bytes fetched, for tests and benchmarks

    def seek(self, offset, whence=os.SEEK_SET):
        base = {os.SEEK_SET: 0, os.SEEK_CUR: self.position, os.SEEK_END: self.size}
        self.position = max(base[whence] + offset, 0)
        return self.position

    def tell(self):
        return self.position

    def read(self, size=-1):
        end = self.size if size < 0 else min(self.position + size, self.size)
        index, skip = divmod(self.position, self.block_size)
        if end <= (index + 1) * self.block_size:  # within one block: most reads
            data = self.block(index)[skip : skip + end - self.position]
            self.position += len(data)
            return data
        parts = []
        while self.position < end:
            index, skip = divmod(self.position, self.block_size)
            block = self.block(index)[skip : skip + end - self.position]
            if not block:
                break
            parts.append(block)
            self.position += len(block)
        return b"".join(parts)

    def block(self, index):
        if index not in self.blocks:
            start = index * self.block_size
            length = min(self.block_size, self.size - start)
            self.blocks[index] = self.fetch(start, length)
            self.fetched += len(self.blocks[index])
        return self.blocks[index]


def local_head(path, size=None):
    """A :class:`HeadFile` of the local file at ``path``; the caller closes it.

    ``size``, when the listing gave it, saves asking the system.
    """
    fd = os.open(path, os.O_RDONLY)
    if size is None:
        size = os.fstat(fd).st_size
    head = HeadFile(lambda start, length: os.pread(fd, length, start), size)
    head.close = lambda: os.close(fd)
    return head


def s3_head(storage, name, size):
    """A :class:`HeadFile` of an object of an ``S3Storage``, by ranged requests."""
    from storages.utils import clean_name

    key = storage._normalize_name(clean_name(name))
    obj = storage.bucket.Object(key)

    def fetch(start, length):
        response = obj.get(Range=f"bytes={start}-{start + length - 1}")
        return response["Body"].read()

    head = HeadFile(fetch, size, REMOTE_BLOCK)
    head.close = lambda: None
    return head
