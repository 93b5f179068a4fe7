"""An sdist or a wheel opened for its checks, read within bounds whatever it holds.

A distribution is hostile input: a 6 MB tar.gz of a million empty members, a ZIP
member that says it is 4 kB and inflates to gigabytes (``zipfile``'s ``read()``
inflates it whole before cutting it to size), a tar extension header of a gigabyte
(``tarfile`` reads it whole), a RECORD of millions of lines. Here:

- at most ``MAX_MEMBERS`` members (counted in a ZIP's central directory before
  ``zipfile`` parses it; as a tar is read), and a tar stream of at most 1 GiB or 50
  times its file, whichever is more: the action's own limits, far above any real
  distribution (PyPI has none for tar; for ZIPs it has the ratio rule);
- a tar is read once, keeping of each member only its name, size, offset and type
  (``tarfile`` keeps every member it reads: that alone was 890 MB); extension headers
  (pax, GNU long names) over ``MAX_EXTENSION`` and sparse members stop the read;
- a member is read a chunk at a time, at most its declared size (and a cap the caller
  gives), so inflating never runs ahead of what is asked;
- RECORD is read a line at a time, each line at most ``MAX_LINE``.
"""

from __future__ import annotations

import io
import tarfile
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from publisher import files, indexrules
from publisher.errors import DistError
from publisher.messages import Msg

if TYPE_CHECKING:
    from typing import IO

# More members than real distributions hold (big ones: some tens of thousands of files),
# and more bytes of member names: each costs memory to check (zipfile keeps an object
# of some 500 bytes a member, and its name), and the checks must stay under 100 MB.
MAX_MEMBERS = 65_536
MAX_NAMES = 8 << 20  # a ZIP's central directory; the names in a tar, in all
# A tar stream that unpacks to more than this, at more than RATIO_LIMIT times its file,
# is a decompression bomb (PyPI's ratio for ZIPs past 64 MiB, which dists.py checks).
MAX_UNPACKED = 1 << 30
RATIO_LIMIT = 50
MAX_EXTENSION = 1 << 20  # a pax header or GNU long name: a path and a few attributes
MAX_LINE = 1 << 20  # a RECORD line: a path, a digest, a size (csv takes 128 kB a field)
CHUNK = files.CHUNK
# Damage to an archive surfaces as any of these, depending on where it is.
ARCHIVE_ERRORS = (
    zipfile.BadZipFile,
    tarfile.TarError,
    EOFError,
    OSError,
    zlib.error,
    ValueError,
    RecursionError,  # a chain of extension headers, read recursively by tarfile
)


class _Stop(Exception):
    """Reading the tar stops here: ``key`` and ``fields`` say why (raised inside
    ``tarfile``, which must not take it for damage of its own)."""

    def __init__(self, key: Msg, **fields: object) -> None:
        super().__init__(f"{key}: {fields}")
        self.key, self.fields = key, fields


# The header types whose data tarfile reads whole: pax headers and GNU long names.
_EXTENSIONS = (
    tarfile.GNUTYPE_LONGNAME,
    tarfile.GNUTYPE_LONGLINK,
    tarfile.XHDTYPE,
    tarfile.XGLTYPE,
    tarfile.SOLARIS_XHDTYPE,
)


class _BoundedTarInfo(tarfile.TarInfo):
    """A tar header that refuses what ``tarfile`` would read whole or loop over: an
    extension header over ``MAX_EXTENSION``, a sparse member (its map is read block by
    block for as long as it says; the index refuses sparse members anyway)."""

    def _proc_member(self, archive: Any) -> Any:
        if self.type in _EXTENSIONS and self.size > MAX_EXTENSION:
            raise _Stop(Msg.ARCHIVE_MEMBER_TOO_LARGE, member=self.name, limit=MAX_EXTENSION)
        if self.type == tarfile.GNUTYPE_SPARSE:
            raise _Stop(Msg.TAR_SPARSE, member=self.name)
        return super()._proc_member(archive)  # type: ignore[misc]

    def _sparse(self, *args: object) -> None:
        raise _Stop(Msg.TAR_SPARSE, member=self.name)

    _proc_gnusparse_00 = _proc_gnusparse_01 = _proc_gnusparse_10 = _sparse


class Archive:
    """An open sdist or wheel: its member names, sizes and contents. Damage found on the
    way is a ``corrupt-archive`` error, wherever it turns up; a limit passed, the error
    of that limit. Everything is read from the descriptor ``fd``."""

    def __init__(self, path: Path, fd: int, size: int) -> None:
        self.path, self.fd, self.size = path, fd, size
        self.is_zip = path.name.endswith((".whl", ".zip"))
        self._zip: zipfile.ZipFile | None = None
        self._tar: tarfile.TarFile | None = None
        self.infos: list[zipfile.ZipInfo] = []
        # A tar's members: name -> (offset of the data, size, a regular file?).
        self._members: dict[str, tuple[int, int, bool]] = {}
        self.sparse: str | None = None  # a tar's first sparse member
        self._obfuscated: tuple[str, str] | None = None  # a tar's first (member, tool)
        with self.errors():
            if self.is_zip:
                self._open_zip()
            else:
                self._read_tar()

    def reader(self) -> io.BufferedReader:
        """A reader of the archive's file with a position of its own."""
        return files.reader(self.fd)

    def close(self) -> None:
        """Close the archive."""
        if self._zip is not None:
            self._zip.close()
        if self._tar is not None:
            self._tar.close()

    def __enter__(self) -> Archive:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def errors(self) -> Iterator[None]:
        """Turn damage found while reading into the user's error."""
        try:
            yield
        except _Stop as stop:
            raise DistError(stop.key, path=self.path, **stop.fields) from None
        except ARCHIVE_ERRORS as exc:
            raise DistError(
                Msg.CORRUPT_ARCHIVE, path=self.path, reason=str(exc) or type(exc).__name__
            ) from None

    def _too_many(self) -> DistError:
        return DistError(
            Msg.ARCHIVE_TOO_MANY_MEMBERS, path=self.path, limit=MAX_MEMBERS, names=MAX_NAMES
        )

    def _open_zip(self) -> None:
        from publisher.zipcheck import central_count

        # zipfile makes an object per entry of the central directory: count first.
        count, size = central_count(self.reader(), MAX_MEMBERS)
        if count > MAX_MEMBERS or size > MAX_NAMES:
            raise self._too_many()
        self._zip = zipfile.ZipFile(self.reader())
        self.infos = self._zip.infolist()
        if len(self.infos) > MAX_MEMBERS:
            raise self._too_many()
        for info in self.infos:
            # A tuple of six a member, which nothing here reads (reading a member does
            # not): a sixth of the memory a big wheel's listing takes.
            del info.date_time
        self.names = [i.filename for i in self.infos]

    def _read_tar(self) -> None:
        """One pass over the stream, as the index reads it whole (finding damage
        anywhere), keeping of each member only what the checks need."""
        self._tar = tar = tarfile.open(  # noqa: SIM115 (closed by close())
            fileobj=self.reader(), mode="r:gz", tarinfo=_BoundedTarInfo
        )
        unpacked = max(MAX_UNPACKED, RATIO_LIMIT * self.size)
        self.names = []
        names = 0  # their length in all
        while (member := tar.next()) is not None:
            tar.members.clear()  # type: ignore[attr-defined]  # kept by tarfile: we keep less
            self.names.append(member.name)
            names += len(member.name)
            if len(self.names) > MAX_MEMBERS or names > MAX_NAMES:
                raise self._too_many()
            if tar.offset > unpacked:
                raise DistError(
                    Msg.ARCHIVE_UNPACKS_TOO_MUCH, path=self.path, limit=unpacked, packed=self.size
                )
            self._members[member.name] = (member.offset_data, member.size, member.isfile())
            if member.issparse() and self.sparse is None:
                self.sparse = member.name
            if self._obfuscated is None and _scanned(member.name, member.size, member.isfile()):
                fh = tar.extractfile(member)
                tool = indexrules.obfuscation(fh.read()) if fh is not None else None
                if tool:
                    self._obfuscated = (member.name, tool)

    def member_size(self, name: str) -> int | None:
        """The size of member ``name`` (the last of that name, as the index finds it),
        or None when there is no such member; -1 when it is not a regular file."""
        if self._zip is not None:
            try:
                return self._zip.getinfo(name).file_size
            except KeyError:
                return None
        found = self._members.get(name)
        if found is None:
            return None
        return found[1] if found[2] else -1

    def sizes(self, name: str) -> tuple[int, int] | None:
        """A ZIP member's compressed and unpacked sizes, as its central directory says;
        None when there is no such member."""
        assert self._zip is not None
        try:
            info = self._zip.getinfo(name)
        except KeyError:
            return None
        return info.compress_size, info.file_size

    def read(self, name: str, limit: int) -> bytes:
        """The contents of member ``name``, which must exist, at most ``limit`` bytes
        (a larger one is an error naming it), read a chunk at a time."""
        size = self.member_size(name)
        if size is not None and size > limit:
            raise DistError(Msg.ARCHIVE_MEMBER_TOO_LARGE, path=self.path, member=name, limit=limit)
        with self.errors(), self._open(name) as fh:
            parts = []
            while chunk := fh.read(CHUNK):
                parts.append(chunk)
            return b"".join(parts)

    @contextmanager
    def _open(self, name: str) -> Iterator[IO[bytes]]:
        """Member ``name`` as a file, which reads at most its declared size."""
        if self._zip is not None:
            with self._zip.open(name) as fh:
                yield fh
            return
        assert self._tar is not None
        offset, size, _ = self._members[name]
        stream = self._tar.fileobj
        assert stream is not None
        stream.seek(offset)
        yield io.BytesIO(stream.read(size))  # within the caller's limit, checked above

    def lines(self, name: str) -> Iterator[bytes]:
        """The lines of member ``name``, read as they are needed: each at most
        ``MAX_LINE + 1`` bytes (a longer one is cut there: the caller refuses it)."""
        with self.errors(), self._open(name) as fh:
            while line := fh.readline(MAX_LINE + 1):
                yield line

    def obfuscated(self) -> tuple[str, str] | None:
        """The first Python source the index would refuse as encrypted code, and the
        tool (the index scans ``.py``/``.pye`` members up to 5 MiB)."""
        if self._zip is None:
            return self._obfuscated
        for info in self.infos:
            if not _scanned(info.filename, info.file_size, not info.is_dir()):
                continue
            if tool := indexrules.obfuscation(self.read(info.filename, indexrules.SCAN_LIMIT)):
                return info.filename, tool
        return None


def _scanned(name: str, size: int, regular: bool) -> bool:
    """Whether the index scans this member for obfuscated code."""
    return (
        regular
        and name.lower().endswith(indexrules.SCANNED_SUFFIXES)
        and size <= indexrules.SCAN_LIMIT
    )
