"""Finding and validating the distributions to publish, without running any of their code.

Everything here works on the file alone: the archive is opened only to read its core
metadata (``*.dist-info/METADATA`` in a wheel, ``PKG-INFO`` in an sdist), and each file
is read once, in chunks, to compute the digests the upload sends.
"""

from __future__ import annotations

import hashlib
import re
import tarfile
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from publisher import messages
from publisher.errors import DistError
from publisher.messages import Msg

if TYPE_CHECKING:
    import io

    from packaging.metadata import Metadata, RawMetadata

CHUNK = 1 << 20
SDIST_SUFFIXES = (".tar.gz", ".zip")
# Warehouse accepts these; 2.0 was never a real metadata version.
ACCEPTED_METADATA_VERSIONS = {"1.0", "1.1", "1.2", "2.1", "2.2", "2.3", "2.4", "2.5"}
# Platform tags the index takes for wheels (Warehouse's forklift allows these families).
_PLATFORM_TAG = re.compile(
    r"any|win32|win_(amd64|arm64|ia64)|linux_armv[67]l"
    r"|manylinux(1|2010|2014)_\w+|manylinux_\d+_\d+_\w+|musllinux_\d+_\d+_\w+"
    r"|macosx_\d+_\d+_\w+|ios_\d+_\d+_\w+|android_\d+_\w+"
)
# What a distribution's file name may hold: the characters of names, versions (epochs,
# local parts) and tags. Anything else (white space, controls, a non-UTF-8 byte) no
# index would take, and it would garble our log.
SAFE_FILENAME = re.compile(r"[A-Za-z0-9._+!-]+")
# Rendering a long description is cut off after this long (docutils is slow on some
# inputs, grid tables for one); the index would time out on it too.
RENDER_SECONDS = 10.0
# A PKG-INFO or METADATA larger than this is not metadata: refuse it rather than read it.
MAX_METADATA_BYTES = 10 << 20


@dataclass(frozen=True)
class Digests:
    """The digests the index checks, computed in one pass over the file."""

    sha256: str
    blake2_256: str
    size: int


@dataclass(frozen=True)
class Dist:
    """One validated distribution file."""

    path: Path
    kind: Literal["sdist", "wheel"]
    name: str
    version: str
    metadata_version: str
    digests: Digests
    raw_metadata: RawMetadata = field(repr=False, compare=False)
    python_tag: str  # the upload form's pyversion: "source", or the wheel's Python tag
    warnings: tuple[str, ...] = field(default=())

    @property
    def filename(self) -> str:
        """The file's base name, as it will be named on the index."""
        return self.path.name

    @property
    def project(self) -> str:
        """The PEP 503 normalized project name, as the index looks projects up."""
        from packaging.utils import canonicalize_name

        return str(canonicalize_name(self.name))


def hash_file(path: Path) -> Digests:
    """sha256 and blake2b-256 of ``path``, reading it once in 1 MiB chunks."""
    sha = hashlib.sha256()
    blake = hashlib.blake2b(digest_size=32)
    size = 0
    with path.open("rb") as fh:
        while chunk := fh.read(CHUNK):
            sha.update(chunk)
            blake.update(chunk)
            size += len(chunk)
    return Digests(sha.hexdigest(), blake.hexdigest(), size)


def dist_kind(filename: str) -> Literal["sdist", "wheel"] | None:
    """What a file name says the file is, or None for anything we don't publish."""
    if filename.endswith(".whl"):
        return "wheel"
    if filename.endswith(SDIST_SUFFIXES):
        return "sdist"
    return None


def find_dists(folder: Path) -> tuple[list[Path], list[str]]:
    """The distribution files in ``folder`` (sorted, sdists first) and the names of
    everything else found there, which is left alone."""
    if not folder.exists():
        raise DistError(Msg.DIR_MISSING, path=folder)
    if not folder.is_dir():
        raise DistError(Msg.DIR_NOT_FOLDER, path=folder)
    try:
        root = folder.resolve()
        entries = sorted(folder.iterdir())
    except OSError as exc:
        raise DistError(Msg.DIR_UNREADABLE, path=folder, reason=exc.strerror or exc) from None
    found: list[Path] = []
    ignored: list[str] = []
    for entry in entries:
        kind = dist_kind(entry.name)
        if kind is None or entry.is_dir():
            ignored.append(entry.name + ("/" if entry.is_dir() else ""))
            continue
        if not SAFE_FILENAME.fullmatch(entry.name):
            raise DistError(Msg.FILENAME_UNSAFE, path=entry)
        try:
            target = entry.resolve(strict=entry.is_symlink())
        except (OSError, RuntimeError) as exc:  # a dangling link or a loop of links
            raise DistError(Msg.UNREADABLE, path=entry, reason=exc) from None
        if entry.is_symlink() and root not in target.parents:
            raise DistError(Msg.SYMLINK_ESCAPES, path=entry, target=target, folder=folder)
        if not target.is_file():  # a FIFO or a device would hang or never end the read
            raise DistError(Msg.NOT_REGULAR_FILE, path=entry)
        found.append(entry)
    if not found:
        raise DistError(Msg.NO_DISTS, path=folder, ignored=", ".join(ignored) or "nothing")
    seen: dict[str, Path] = {}
    for path in found:
        key = path.name.lower()
        if key in seen:
            raise DistError(Msg.DUPLICATE_FILENAME, first=seen[key], second=path)
        seen[key] = path
    found.sort(key=lambda p: (dist_kind(p.name) != "sdist", p.name))
    return found, ignored


def _read_member(path: Path, kind: str) -> bytes:
    """The raw core metadata file inside the archive ``path``."""
    name = path.name
    try:
        if name.endswith(".zip") or kind == "wheel":
            with zipfile.ZipFile(path) as zf:
                wanted = "METADATA" if kind == "wheel" else "PKG-INFO"
                candidates = [
                    info
                    for info in zf.infolist()
                    if info.filename.count("/") == 1
                    and info.filename.endswith("/" + wanted)
                    and (kind != "wheel" or info.filename.split("/")[0].endswith(".dist-info"))
                ]
                if len(candidates) != 1:
                    raise DistError(Msg.NO_METADATA_FILE, path=path, member=wanted)
                if candidates[0].file_size > MAX_METADATA_BYTES:
                    raise DistError(Msg.METADATA_TOO_LARGE, path=path, size=candidates[0].file_size)
                return zf.read(candidates[0])
        with tarfile.open(path, mode="r:gz") as tf:
            for member in tf:
                if member.name.count("/") == 1 and member.name.endswith("/PKG-INFO"):
                    if not member.isfile():
                        break
                    if member.size > MAX_METADATA_BYTES:
                        raise DistError(Msg.METADATA_TOO_LARGE, path=path, size=member.size)
                    fh = tf.extractfile(member)
                    if fh is None:
                        break
                    return fh.read()
            raise DistError(Msg.NO_METADATA_FILE, path=path, member="PKG-INFO")
    except (zipfile.BadZipFile, tarfile.TarError, EOFError, OSError, ValueError, zlib.error) as exc:
        # A truncated or damaged archive surfaces as any of these, depending on where.
        raise DistError(
            Msg.CORRUPT_ARCHIVE, path=path, reason=str(exc) or type(exc).__name__
        ) from None


def _parse_metadata(path: Path, raw: bytes) -> tuple[Metadata, RawMetadata]:
    """The validated metadata, and the raw fields as the upload form sends them."""
    from packaging.metadata import Metadata, parse_email

    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DistError(
            Msg.METADATA_NOT_UTF8,
            path=path,
            offset=exc.start,
            byte=f"0x{raw[exc.start]:02x}",
        ) from None
    fields, unparsed = parse_email(text)
    version = fields.get("metadata_version")
    if version is not None and version not in ACCEPTED_METADATA_VERSIONS:
        raise DistError(
            Msg.METADATA_VERSION,
            path=path,
            value=version,
            accepted=", ".join(sorted(ACCEPTED_METADATA_VERSIONS)),
        )
    try:
        meta = Metadata.from_raw(fields, validate=True)
    except ExceptionGroup as group:
        problems = messages.lines(_flatten(group), prefix="  - ")
        raise DistError(Msg.METADATA_INVALID, path=path, problems=problems) from None
    if meta.metadata_version in ("1.0", "1.1", "1.2", "2.1", "2.2", "2.3"):
        # setuptools wrote License-File before 2.4 defined it; twine drops it, so do we.
        unparsed.pop("license-file", None)
        fields.pop("license_files", None)
    if unparsed:
        raise DistError(Msg.METADATA_UNPARSED, path=path, fields=", ".join(sorted(unparsed)))
    return meta, fields


def _flatten(group: BaseExceptionGroup[BaseException]) -> list[BaseException]:
    out: list[BaseException] = []
    for exc in group.exceptions:
        out.extend(_flatten(exc) if isinstance(exc, BaseExceptionGroup) else [exc])
    return out


def _check_filename(path: Path, kind: str, meta: Metadata) -> None:
    """The file name must carry the metadata's name and version, as the index demands."""
    from packaging.utils import (
        InvalidSdistFilename,
        InvalidWheelFilename,
        canonicalize_name,
        parse_sdist_filename,
        parse_wheel_filename,
    )

    if kind == "sdist" and not path.name.endswith(".tar.gz"):
        raise DistError(Msg.SDIST_NOT_TARGZ, path=path)
    try:
        if kind == "wheel":
            file_name, file_version, _build, tags = parse_wheel_filename(path.name)
        else:
            file_name, file_version = parse_sdist_filename(path.name)
            tags = frozenset()
    except (InvalidWheelFilename, InvalidSdistFilename) as exc:
        raise DistError(Msg.BAD_FILENAME, path=path, reason=exc) from None
    for tag in tags:
        if not _PLATFORM_TAG.fullmatch(tag.platform):
            raise DistError(Msg.WHEEL_PLATFORM, path=path, platform=tag.platform)
    project = canonicalize_name(meta.name)
    expected_stem = project.replace("-", "_")
    if file_name != project:
        raise DistError(Msg.FILENAME_NAME_MISMATCH, path=path, file_name=file_name, name=meta.name)
    if file_version != meta.version:
        raise DistError(
            Msg.FILENAME_VERSION_MISMATCH,
            path=path,
            file_version=file_version,
            version=meta.version,
        )
    written_stem = path.name.split("-", 1)[0]
    if written_stem != expected_stem:
        raise DistError(
            Msg.FILENAME_NOT_NORMALIZED, path=path, written=written_stem, expected=expected_stem
        )
    expected_sdist = f"{expected_stem}-{meta.version}.tar.gz"
    if kind == "sdist" and path.name != expected_sdist:
        # PEP 625: the index takes exactly this name, version written in normal form.
        raise DistError(Msg.SDIST_NAME_EXACT, path=path, expected=expected_sdist)


def _check_index_rules(path: Path, meta: Metadata) -> None:
    """Rules the index applies that plain metadata validation does not."""
    if meta.version is not None and meta.version.local is not None:
        raise DistError(Msg.LOCAL_VERSION, path=path, version=meta.version)


def _render_warnings(path: Path, meta: Metadata) -> tuple[str, ...]:
    """What ``twine check`` does: the long description must render as the index will."""
    content_type = (meta.description_content_type or "text/x-rst").split(";")[0].strip()
    if meta.description is None or not meta.description.strip():
        return (f"{path.name}: no long description (the project page will be empty)",)
    if content_type != "text/x-rst":
        return ()
    import io

    stream = io.StringIO()
    if _render_rst(path, meta.description, stream) is None:
        raise DistError(
            Msg.DESCRIPTION_DOES_NOT_RENDER,
            path=path,
            problems=messages.lines(stream.getvalue().strip().splitlines(), prefix="  ")
            or "(docutils gave no details)",
        )
    return ()


def _render_rst(path: Path, text: str, stream: io.StringIO) -> str | None:
    """readme_renderer's RST rendering, bounded in time and depth."""
    import threading

    import readme_renderer.rst

    done: list[str | None] = []
    failed: list[BaseException] = []

    def render() -> None:
        try:
            done.append(readme_renderer.rst.render(text, stream=stream))
        except Exception as exc:  # docutils itself failing is the text's problem too
            failed.append(exc)

    # A daemon thread: if docutils never finishes, the run still ends.
    worker = threading.Thread(target=render, name="render", daemon=True)
    worker.start()
    worker.join(RENDER_SECONDS)
    if failed and isinstance(failed[0], RecursionError):
        raise DistError(Msg.DESCRIPTION_TOO_DEEP, path=path)
    if failed:
        problem = f"{type(failed[0]).__name__}: {failed[0]}"
        raise DistError(Msg.DESCRIPTION_DOES_NOT_RENDER, path=path, problems=problem)
    if not done:
        raise DistError(Msg.DESCRIPTION_TOO_SLOW, path=path, seconds=RENDER_SECONDS)
    return done[0]


def load_dist(path: Path, *, verify_metadata: bool = True) -> Dist:
    """Read, check and hash one distribution file."""
    kind = dist_kind(path.name)
    if kind is None:
        raise DistError(Msg.NOT_A_DIST, path=path)
    try:
        digests = hash_file(path)
    except OSError as exc:
        raise DistError(Msg.UNREADABLE, path=path, reason=exc.strerror or exc) from None
    if digests.size == 0:
        raise DistError(Msg.EMPTY_FILE, path=path)
    meta, raw = _parse_metadata(path, _read_member(path, kind))
    _check_filename(path, kind, meta)
    _check_index_rules(path, meta)
    warnings = _render_warnings(path, meta) if verify_metadata else ()
    return Dist(
        path=path,
        kind=kind,
        name=meta.name,
        version=str(meta.version),
        metadata_version=meta.metadata_version,
        digests=digests,
        raw_metadata=raw,
        # name-version(-build)-python-abi-platform.whl: the python tag is third from last.
        python_tag=path.name[: -len(".whl")].split("-")[-3] if kind == "wheel" else "source",
        warnings=warnings,
    )


def check_all(
    folder: Path, *, verify_metadata: bool = True
) -> tuple[list[Dist], list[str], list[DistError]]:
    """Find and validate every distribution in ``folder``: the good ones, the names of
    files left alone, and one error for each problem found (every file is looked at)."""
    paths, ignored = find_dists(folder)
    dists: list[Dist] = []
    problems: list[DistError] = []
    for path in paths:
        try:
            dists.append(load_dist(path, verify_metadata=verify_metadata))
        except DistError as exc:
            problems.append(exc)
    from packaging.version import Version

    sdists: dict[tuple[str, Version], Dist] = {}
    for dist in dists:
        if dist.kind != "sdist":
            continue
        key = (dist.project, Version(dist.version))  # 1.0 and 1.0.0 are one release
        if key in sdists:
            problems.append(
                DistError(
                    Msg.TWO_SDISTS, first=sdists[key].path, second=dist.path, version=dist.version
                )
            )
        sdists[key] = dist
    return dists, ignored, problems


def load_all(folder: Path, *, verify_metadata: bool = True) -> tuple[list[Dist], list[str]]:
    """Find and validate every distribution in ``folder``. Every bad file is reported
    (one error listing them all), not just the first."""
    dists, ignored, problems = check_all(folder, verify_metadata=verify_metadata)
    if len(problems) == 1:
        raise problems[0]
    if problems:
        listing = messages.Text("\n\n".join(f"{exc.title}\n{exc}" for exc in problems))
        raise DistError(Msg.MANY_PROBLEMS, count=len(problems), problems=listing)
    return dists, ignored
