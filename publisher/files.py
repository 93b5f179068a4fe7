"""The files a workflow names, opened safely: distributions, a user's attestations, a
Sigstore trust config.

Each is opened once by its real path, and the file opened is checked: a regular file
(a named pipe would block the run, a device never end), inside its folder (a link
pointing out of it is refused, also when it is re-pointed between the check and the
open: the open file's own path is read back from the kernel), and read with a cap on
what is read, never on what ``stat()`` says. A validated distribution is sent as it was
validated: :class:`DistStream` streams it from disk, hashed on the way, and stops before
its last byte leaves if the bytes are not the ones checked."""

from __future__ import annotations

import hashlib
import io
import os
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable

CHUNK = 1 << 20  # the most one read takes from a file: never a whole file in memory
_PREADV = hasattr(os, "preadv")
_FLAGS = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
# A FIFO opened for reading blocks until a writer comes; with this it does not.
_FLAGS |= getattr(os, "O_NONBLOCK", 0)


class Refused(Exception):
    """``path`` names something not to read: a file ``outside`` its folder (its real
    path is ``target``), or not a regular file."""

    def __init__(self, path: Path, target: Path, *, outside: bool) -> None:
        super().__init__(str(path))
        self.path, self.target, self.outside = path, target, outside


class TooLarge(Exception):
    """The file holds more than the cap allows."""


@dataclass(frozen=True)
class Identity:
    """Which file, in which state: another file put in its place, or a write to it
    (which moves its change time, which no one can set back), changes it."""

    device: int
    inode: int
    size: int
    modified_ns: int
    changed_ns: int

    @classmethod
    def of(cls, fd: int) -> Identity:
        """The identity of the open file ``fd``."""
        st = os.fstat(fd)
        return cls(st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)


def is_inside(target: Path, folder: Path) -> bool:
    """Whether the real path ``target`` is under the real path ``folder``."""
    return folder in target.parents


def real_folder(folder: Path) -> Path:
    """``folder``'s real path, found once: the files under it are checked against this,
    so that the folder itself re-pointed later does not move them."""
    return folder.resolve()


def _opened_path(fd: int) -> Path | None:
    """Where the open file ``fd`` really is, as the kernel says (None where it cannot)."""
    try:
        return Path(os.readlink(f"/proc/self/fd/{fd}"))
    except OSError:
        return None


def open_inside(path: Path, folder: Path) -> int:
    """An open descriptor of ``path``, a regular file whose real path is inside the real
    path ``folder``; :class:`Refused` otherwise, ``OSError`` when it cannot be opened."""
    target = path.resolve(strict=True)  # RuntimeError for a loop of links
    if not is_inside(target, folder):
        raise Refused(path, target, outside=True)
    # No link is followed from here on: one put in place of the file since fails.
    fd = os.open(target, _FLAGS)
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise Refused(path, target, outside=False)
        opened = _opened_path(fd)
        if opened is not None and not is_inside(opened, folder):
            raise Refused(path, opened, outside=True)  # a folder on the way re-pointed
    except BaseException:
        os.close(fd)
        raise
    return fd


def read_inside(path: Path, folder: Path, limit: int) -> bytes:
    """The contents of ``path`` (see :func:`open_inside`), at most ``limit`` bytes:
    :class:`TooLarge` if it holds more, whatever ``stat()`` said before."""
    fd = open_inside(path, folder)
    try:
        parts: list[bytes] = []
        size = 0
        while chunk := os.read(fd, min(CHUNK, limit + 1 - size)):
            parts.append(chunk)
            size += len(chunk)
            if size > limit:
                raise TooLarge(path)
        return b"".join(parts)
    finally:
        os.close(fd)


class Unreadable(Exception):
    """A file named by the workflow cannot be read: ``reason`` says why, in words (never
    with any of its contents)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def read_named(path: Path, folder: Path, limit: int) -> bytes:
    """:func:`read_inside`, every failure an :class:`Unreadable` with the reason."""
    from publisher import messages
    from publisher.messages import Msg

    try:
        return read_inside(path, folder, limit)
    except Refused as refused:
        if refused.outside:
            # The folder's real path, whole: where the file would have had to be.
            raise Unreadable(messages.phrase(Msg.FILE_OUTSIDE, folder=str(folder))) from None
        raise Unreadable(messages.phrase(Msg.FILE_NOT_REGULAR)) from None
    except TooLarge:
        raise Unreadable(messages.phrase(Msg.FILE_TOO_LARGE, limit=limit)) from None
    except (OSError, RuntimeError) as exc:  # gone, unreadable, a loop of links
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise Unreadable(reason) from None


class PositionedReader(io.RawIOBase):
    """A seekable reader of an open descriptor with a position of its own (``pread``):
    several can read one file at once, from several threads, without sharing one."""

    def __init__(self, fd: int) -> None:
        super().__init__()
        self._fd = fd
        self._pos = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def fileno(self) -> int:
        return self._fd

    def tell(self) -> int:
        return self._pos

    def seek(self, offset: int, whence: int = os.SEEK_SET) -> int:
        if whence == os.SEEK_CUR:
            offset += self._pos
        elif whence == os.SEEK_END:
            offset += os.fstat(self._fd).st_size
        if offset < 0:
            raise OSError("negative seek position")
        self._pos = offset
        return offset

    def readinto(self, buffer: memoryview | bytearray) -> int:  # type: ignore[override]
        view = memoryview(buffer)[:CHUNK]
        if _PREADV:  # straight into the caller's buffer
            count = os.preadv(self._fd, [view], self._pos)
        else:
            data = os.pread(self._fd, len(view), self._pos)
            count = len(data)
            view[:count] = data
        self._pos += count
        return count

    def close(self) -> None:
        """Leaves the descriptor open: its owner closes it."""
        super().close()


def reader(fd: int) -> io.BufferedReader:
    """A buffered, seekable reader of ``fd`` with its own position."""
    return io.BufferedReader(PositionedReader(fd), 64 * 1024)


class DistStream:
    """The body of one upload: ``size`` bytes of an open file, read from disk as they
    are sent (a chunk at a time: never the whole file in memory) and hashed on the way.
    If they are not the bytes validated (``sha256``), the read that would give the last
    of them raises ``changed()`` instead, so the index never receives a whole file.

    It has a ``len`` and no ``fileno``: the multipart encoder then sends exactly the
    validated size, whatever the file holds now. Reads use ``pread``: streams of
    several files (or of one) in flight at once share no position."""

    def __init__(self, fd: int, size: int, sha256: str, changed: Callable[[], Exception]) -> None:
        self._fd, self._size, self._expected, self._changed = fd, size, sha256, changed
        self._pos = 0
        self._hash = hashlib.sha256()

    @property
    def len(self) -> int:
        """Bytes left to send."""
        return self._size - self._pos

    def read(self, size: int = -1) -> bytes:
        """Up to ``size`` of the next bytes (at most ``CHUNK``)."""
        want = min(self.len, CHUNK if size < 0 else min(size, CHUNK))
        if want <= 0:
            return b""
        data = os.pread(self._fd, want, self._pos)
        if len(data) < want:  # the file shrank since it was checked
            raise self._changed()
        self._hash.update(data)
        self._pos += len(data)
        if self._pos == self._size and self._hash.hexdigest() != self._expected:
            raise self._changed()
        return data
