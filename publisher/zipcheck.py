"""The ZIP record framing PyPI demands of wheels and .zip sdists.

A ZIP archive can be read two ways: from the central directory at its end (as Python's
``zipfile`` and pip do) or by streaming the local file headers from the start. PyPI
refuses an archive that the two ways would read differently, so it walks every record
from the first byte to the last (APPNOTE.TXT, sections 4.3.7 to 4.3.16) and refuses:
records other than local files, central directory entries and the (ZIP64) end records,
data descriptors, names that differ between the two views or appear twice, comments on
central directory entries, control characters in names, and bytes after the end record.
This module makes the same walk; :func:`framing_problem` names the first problem in the
words PyPI uses, so the message matches what the index would answer.
"""

from __future__ import annotations

import os
import struct
from collections.abc import Callable
from typing import BinaryIO

Sizes = Callable[[str], "tuple[int, int] | None"]  # a name's (compressed, unpacked) sizes

LOCAL_FILE = b"PK\x03\x04"
CENTRAL_DIRECTORY = b"PK\x01\x02"
END_OF_CENTRAL_DIRECTORY = b"PK\x05\x06"
ZIP64_END = b"PK\x06\x06"
ZIP64_LOCATOR = b"PK\x06\x07"

ZIP64_EXTRA = 0x0001
UNICODE_PATH_EXTRA = 0x7075
# Extra fields that may appear once per local header: two copies could disagree.
SINGLE_EXTRAS = {ZIP64_EXTRA, UNICODE_PATH_EXTRA}
CONTROL_BYTES = frozenset(range(0x20)) | {0x7F}
SENTINEL_32 = 0xFFFFFFFF
DATA_DESCRIPTOR_FLAG = 0x08


class FramingError(Exception):
    """The archive's records do not frame one unambiguous archive."""


def _read(fh: BinaryIO, size: int) -> bytes:
    data = fh.read(size)
    if len(data) != size:
        raise FramingError("Malformed zip file")
    return data


def _skip(fh: BinaryIO, size: int) -> None:
    fh.seek(size, os.SEEK_CUR)


def _check_name(name: bytes) -> None:
    if CONTROL_BYTES.intersection(name):
        raise FramingError("Invalid character in filename")


def _local_sizes(extra: bytes, method: int, compressed: int, size: int) -> tuple[int, int]:
    """Check a local header's extra fields; the (compressed, uncompressed) sizes once
    any ZIP64 field has been applied."""
    seen: set[int] = set()
    while extra:
        if len(extra) < 4:
            raise FramingError("Malformed zip file")
        kind, length = struct.unpack("<HH", extra[:4])
        if length + 4 > len(extra):
            raise FramingError("Malformed zip file")
        if kind in seen and kind in SINGLE_EXTRAS:
            raise FramingError("Invalid duplicate extra in local file")
        seen.add(kind)
        body = extra[4 : 4 + length]
        if kind == ZIP64_EXTRA:
            if length not in (0, 8, 16, 24, 28):
                raise FramingError("Malformed zip file")
            if length == 0:
                # A ZIP64 field with no sizes leaves nothing to resolve a sentinel.
                if SENTINEL_32 in (compressed, size):
                    raise FramingError("Malformed zip file")
            elif length == 8:
                # One size only: the data must be stored, so both sizes are equal.
                if method != 0:
                    raise FramingError("Malformed zip file")
                (stored,) = struct.unpack("<Q", body[:8])
                compressed = stored
                if size == SENTINEL_32:
                    size = stored
            else:
                if size == SENTINEL_32:
                    (size,) = struct.unpack("<Q", body[:8])
                (compressed,) = struct.unpack("<Q", body[8:16])
        elif kind == UNICODE_PATH_EXTRA:
            # version (1 byte) and the CRC of the header's name (4) precede the name.
            name = body[5:]
            _check_name(name)
            try:
                name.decode("utf-8")
            except UnicodeDecodeError:
                raise FramingError("Filename not valid UTF-8") from None
        extra = extra[4 + length :]
    return compressed, size


def _local_file(fh: BinaryIO, central: Sizes) -> bytes:
    """One local file header (4.3.7) and its data; its name."""
    flags, method, compressed, size, name_len, extra_len = struct.unpack(
        "<2xHH8xIIHH", _read(fh, 26)
    )
    name = _read(fh, name_len)
    extra = _read(fh, extra_len)
    _check_name(name)
    compressed, size = _local_sizes(extra, method, compressed, size)
    if flags & DATA_DESCRIPTOR_FLAG:
        # Sizes after the data are what streaming readers use; they could disagree.
        raise FramingError("ZIP contains a data descriptor")
    try:
        expected = central(name.decode("utf-8"))
    except UnicodeDecodeError:
        raise FramingError("Filename not unicode") from None
    if expected is None:
        raise FramingError("Filename not in central directory")
    if expected[0] != compressed:
        raise FramingError("Mis-matched data size")
    if expected[1] != size:
        raise FramingError("Mis-matched file size")
    _skip(fh, compressed)
    return name


def _central_entry(fh: BinaryIO) -> tuple[bytes, int]:
    """One central directory header (4.3.12): its name and its size in bytes."""
    name_len, extra_len, comment_len = struct.unpack("<24xHHH12x", _read(fh, 42))
    if comment_len:
        raise FramingError("Comment in central directory")
    name = _read(fh, name_len)
    _read(fh, extra_len)
    _check_name(name)
    return name, 46 + name_len + extra_len


def central_count(fh: BinaryIO, limit: int) -> tuple[int, int]:
    """How many entries the central directory of the ZIP archive ``fh`` holds, counted
    up to ``limit + 1``, and its size in bytes (``zipfile`` reads it whole and makes an
    object for each entry, however many: this looks first, in constant memory). 0 and
    0 when there is no readable directory (``zipfile`` then says what is wrong)."""
    import zipfile

    try:
        # zipfile's own search for the end record (ZIP64 included): the same directory.
        end = zipfile._EndRecData(fh)  # type: ignore[attr-defined]
    except OSError:
        return 0, 0
    if not end:
        return 0, 0
    size = end[zipfile._ECD_SIZE]  # type: ignore[attr-defined]
    fh.seek(end[zipfile._ECD_LOCATION] - size)  # type: ignore[attr-defined]
    count = read = 0
    while read < size and count <= limit:
        header = fh.read(46)
        if len(header) < 46 or header[:4] != CENTRAL_DIRECTORY:
            break
        name_len, extra_len, comment_len = struct.unpack("<HHH", header[28:34])
        _skip(fh, name_len + extra_len + comment_len)
        read += 46 + name_len + extra_len + comment_len
        count += 1
    return count, size


def framing_problem(fh: BinaryIO, central: Sizes) -> str | None:
    """The first framing problem of the ZIP archive ``fh`` (read from the start), or None.

    ``central`` gives, for each name in the central directory (as :mod:`zipfile`
    decodes it), its (compressed, uncompressed) sizes, None for another name; the
    local headers must agree with it."""
    try:
        _walk(fh, central)
    except FramingError as exc:
        return str(exc)
    end = fh.tell()
    if end != fh.seek(0, os.SEEK_END):
        return "Trailing data"
    return None


LOCAL, LISTED = 1, 2  # where a name was seen: in a local header, in the directory


def _walk(fh: BinaryIO, central: Sizes) -> None:
    # Where each name was seen, by its hash: a hundred thousand names in a big wheel, and
    # an int is a third of a name (str's hash is keyed per process: no one can aim at a
    # collision, which would at worst take two names for one).
    seen: dict[int, int] = {}
    cd_start: int | None = None
    cd_count = 0
    cd_size = 0
    zip64_end_at: int | None = None
    zip64_locator_seen = False
    # What the end record(s) say about the central directory.
    end_count: int | None = None
    end_size: int | None = None
    end_offset: int | None = None
    while True:
        signature = _read(fh, 4)
        if signature == CENTRAL_DIRECTORY:
            if cd_start is None:
                cd_start = fh.tell() - 4
            cd_count += 1
            name, size = _central_entry(fh)
            cd_size += size
            key = hash(name)
            where = seen.get(key, 0)
            if where & LISTED:
                raise FramingError("Duplicate filename in central directory")
            if not where & LOCAL:
                raise FramingError("Missing filename in local headers")
            seen[key] = where | LISTED
        elif signature == LOCAL_FILE:
            key = hash(_local_file(fh, central))
            if key in seen:
                raise FramingError("Duplicate filename in local headers")
            seen[key] = LOCAL
        elif signature == ZIP64_END:
            zip64_end_at = fh.tell() - 4
            record_size, on_disk, count, size64, offset = struct.unpack("<Q12xQQQQ", _read(fh, 52))
            if on_disk != count:
                raise FramingError("Malformed zip file")
            if record_size != 44:
                raise FramingError("ZIP64 extensible data not allowed")
            end_count, end_size, end_offset = count, size64, offset
        elif signature == ZIP64_LOCATOR:
            _read(fh, 16)
            zip64_locator_seen = True
        elif signature == END_OF_CENTRAL_DIRECTORY:
            if zip64_end_at is not None and not zip64_locator_seen:
                raise FramingError("Malformed zip file")
            if cd_start is None:
                cd_start = fh.tell() - 4  # an empty archive: the directory is empty here
            on_disk, count, size32, offset32, comment_len = struct.unpack("<4xHHIIH", _read(fh, 18))
            if on_disk != count:
                raise FramingError("Malformed zip file")
            _skip(fh, comment_len)
            if not (zip64_locator_seen and end_offset is not None):
                end_count, end_size, end_offset = count, size32, offset32
            if end_count != cd_count:
                raise FramingError("Mismatched central directory records")
            if end_offset != cd_start:
                raise FramingError("Mismatched central directory offset")
            if end_size != cd_size:
                raise FramingError("Mismatched central directory size")
            break
        else:
            raise FramingError("Unknown record signature")
    if any(where != LOCAL | LISTED for where in seen.values()):
        raise FramingError("Mis-matched local headers and central directory")
