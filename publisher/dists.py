"""Finding and validating the distributions to publish, without running any of their code.

A file passes exactly when PyPI's upload view (Warehouse's ``file_upload``) would take
it as a new file, and fails for the reason PyPI would give, checked in PyPI's order:
the metadata as the upload form carries it, the long description, the archive, the
file name, then the files a wheel must hold. The rules themselves are in
:mod:`publisher.indexrules` and :mod:`publisher.zipcheck`; ``docs/upload-rules.md`` maps
each to Warehouse's code. The metadata is read where PyPI reads it
(``{top}/PKG-INFO`` under an sdist's one top-level folder, and
``{name}-{version}.dist-info/METADATA`` named as in the wheel's file name), and each file
is read once, in chunks, to compute the digests the upload sends. Rules that need the
index's state (one sdist per release already there, the 14-day window) are checked
later, against the index.
"""

from __future__ import annotations

import functools
import hashlib
import os
import re
import tarfile
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from publisher import files, indexrules, messages
from publisher.archive import MAX_LINE, MAX_MEMBERS, RATIO_LIMIT, Archive
from publisher.errors import DistError
from publisher.executor import in_background
from publisher.files import Identity
from publisher.messages import Msg

if TYPE_CHECKING:
    import io

    from packaging.metadata import Metadata, RawMetadata

SDIST_SUFFIXES = (".tar.gz", ".zip")
# A PKG-INFO or METADATA larger than this is not metadata: refuse it rather than read it
# (checking one costs some 15 times its size in memory: the parsed fields, the text).
MAX_METADATA_BYTES = 4 << 20
# Header fields of a metadata file, past which it is not metadata (real ones have some
# hundreds: classifiers, requirements); the email parser holds an object per line.
MAX_METADATA_FIELDS = 10_000
# reST descriptions longer than this are not rendered here (see _description_checks).
MAX_RENDERED = 128 << 10
# The index's file size limit unless the project has a larger one (which we cannot see).
DEFAULT_FILE_LIMIT = 100 << 20
# The index calls a ZIP a decompression bomb past this size and RATIO_LIMIT times its file.
RATIO_MIN_SIZE = 64 << 20
# entry_points.txt: a few kB in real wheels (the index parses it: so do we).
MAX_ENTRY_POINTS = 1 << 20
# What a distribution's file name may hold: the characters of names, versions (epochs)
# and tags. The index refuses controls, DEL and backslashes; white space, other
# punctuation or bytes that are not UTF-8 no build tool writes, and they would garble
# the log (a newline in a wheel's build tag passes packaging's parser).
SAFE_FILENAME = re.compile(r"[A-Za-z0-9._+!-]+")
# Rendering a long description is cut off after this long (docutils is slow on some
# inputs, grid tables for one); the index would time out on it too.
RENDER_SECONDS = 10.0


@dataclass(frozen=True)
class Digests:
    """What the upload says of the file's content: its sha256 (Warehouse needs one
    digest, and checks whichever are sent: sending only this one hashes each byte
    once) and its size."""

    sha256: str
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
    # The real path of its folder, and the file as it was validated: the upload sends
    # that file, in that state, or nothing (see open_dist).
    root: Path
    identity: Identity
    warnings: tuple[DistWarning, ...] = field(default=())

    @property
    def filename(self) -> str:
        """The file's base name, as it will be named on the index."""
        return self.path.name

    @property
    def project(self) -> str:
        """The PEP 503 normalized project name, as the index looks projects up."""
        from packaging.utils import canonicalize_name

        # The index normalizes the name the upload sends, which is twine's safe name.
        return str(canonicalize_name(indexrules.safe_name(self.name)))


def hash_file(path: Path) -> Digests:
    """The sha256 of ``path``, in one pass, and its size."""
    with path.open("rb") as fh:
        return hash_fd(fh.fileno())


def hash_fd(fd: int) -> Digests:
    """The sha256 of the open file ``fd`` (``hashlib.file_digest``: into one reused
    buffer, the GIL released while hashing), and the size hashed. It reads with a
    position of its own, so the archive checks can read the same file at once."""
    with files.PositionedReader(fd) as fh:
        sha = hashlib.file_digest(fh, "sha256")
        return Digests(sha.hexdigest(), fh.tell())


@contextmanager
def open_dist(dist: Dist) -> Iterator[files.DistStream]:
    """The bytes of ``dist`` to upload: the file validated, opened again inside its
    folder (no link followed out of it), refused before a byte is sent if it is not
    that file in that state any more, and streamed hashed (see ``DistStream``)."""

    def changed() -> DistError:
        return DistError(Msg.DIST_CHANGED, path=dist.path, sha256=dist.digests.sha256)

    fd = _open(dist.path, dist.root)
    try:
        if Identity.of(fd) != dist.identity:
            raise changed()
        yield files.DistStream(fd, dist.digests.size, dist.digests.sha256, changed)
    finally:
        os.close(fd)


def _open(path: Path, root: Path) -> int:
    """``path`` opened inside ``root``, or the user's error."""
    try:
        return files.open_inside(path, root)
    except files.Refused as refused:
        if refused.outside:
            raise DistError(
                Msg.SYMLINK_ESCAPES, path=path, target=refused.target, folder=path.parent
            ) from None
        raise DistError(Msg.NOT_REGULAR_FILE, path=path) from None
    except (OSError, RuntimeError) as exc:  # gone, unreadable, or a loop of links
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else exc
        raise DistError(Msg.UNREADABLE, path=path, reason=reason) from None


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
        if entry.name.startswith("."):
            # Hidden, as the glob `dist/*` the anchor gives twine leaves it: `uv build`
            # writes `dist/.gitignore`, which is nothing to mention.
            continue
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


class DistWarning(messages.Text):
    """A warning about a distribution: its text (title and body, from the catalogue
    like every error), and the key and values it was made from, so that it is shown
    as a finding of its own."""

    key: Msg
    fields: dict[str, object]


def _warning(key: Msg, **fields: object) -> DistWarning:
    warning = DistWarning(f"{messages.title(key, fields)}\n{messages.render(key, fields)}")
    warning.key, warning.fields = key, fields
    return warning


def _top_level(names: list[str]) -> str:
    """The folder every member is under (the index's ``os.path.commonpath``), or "" when
    there is none. Computed as ``posixpath.commonpath`` does, from the least and the
    greatest of the names split into parts, one name at a time: commonpath splits them
    all at once (46 MB for a hundred thousand members)."""
    least: list[str] | None = None
    greatest: list[str] | None = None
    absolute = None
    for name in names:
        if absolute is None:
            absolute = name.startswith("/")
        elif absolute != name.startswith("/"):
            return ""  # absolute and relative names mixed: no common folder
        parts = [part for part in name.split("/") if part and part != "."]
        if least is None or parts < least:
            least = parts
        if greatest is None or parts > greatest:
            greatest = parts
    if least is None or greatest is None:
        return ""
    common = []  # the parts the least and the greatest share: every name shares them
    for mine, theirs in zip(least, greatest, strict=False):
        if mine != theirs:
            break
        common.append(mine)
    top = ("/" if absolute else "") + "/".join(common)
    return "" if top in ("", ".", "/") else top


def _folders(names: list[str], suffix: str = "") -> str:
    found = sorted({n.split("/")[0] for n in names if n.split("/")[0].endswith(suffix)})
    return ", ".join(found[:8]) + (", …" if len(found) > 8 else "") if found else "none"


def _wheel_stem(path: Path) -> tuple[str, str]:
    """The name and version as written in a wheel's file name (not normalized: the
    index looks for the ``.dist-info`` folder under exactly these)."""
    parts = path.name.split("-", 2)
    if len(parts) != 3:
        raise DistError(
            Msg.BAD_FILENAME, path=path, reason="no name and version can be read from it"
        )
    return parts[0], parts[1]


def _read_metadata(path: Path, kind: str, archive: Archive) -> tuple[bytes, str]:
    """The core metadata file, read where the index reads it, and the sdist's top-level
    folder (or the wheel's ``.dist-info`` folder)."""
    if kind == "sdist":
        top = _top_level(archive.names)
        if not top:
            raise DistError(Msg.SDIST_TOP_LEVEL, path=path, found=_folders(archive.names))
        member = f"{top}/PKG-INFO"
    else:
        name, version = _wheel_stem(path)
        top = f"{name}-{version}.dist-info"
        member = f"{top}/METADATA"
    size = archive.member_size(member)
    if size is None and kind == "wheel" and archive.member_size(f"{top}/WHEEL") is None:
        raise DistError(
            Msg.WHEEL_DIST_INFO,
            path=path,
            member=f"{top}/WHEEL",
            found=_folders(archive.names, ".dist-info"),
        )
    if size is None or size < 0:
        raise DistError(Msg.NO_METADATA_FILE, path=path, member=member)
    if size > MAX_METADATA_BYTES:
        raise DistError(Msg.METADATA_TOO_LARGE, path=path, size=size)
    return archive.read(member, MAX_METADATA_BYTES), top


_DESCRIPTION_HEADER = re.compile(rb"^description:", re.IGNORECASE | re.MULTILINE)


def _header_description(raw: bytes) -> bool:
    """Whether the description is a header (Metadata 1.x) rather than the body."""
    header_block = re.split(rb"\r?\n\r?\n", raw, maxsplit=1)[0]
    return _DESCRIPTION_HEADER.search(header_block) is not None


def _parse_metadata(path: Path, raw: bytes) -> tuple[Metadata, RawMetadata, list[DistWarning]]:
    """The metadata the index validates, the fields the upload sends, and warnings.

    The upload sends the fields packaging reads, less License-File below Metadata 2.4
    (setuptools 56 to 76 wrote it under 2.1; twine drops it and so do we, and the index
    checks it only when sent). Fields packaging cannot read (unknown names, bad UTF-8,
    a single-use field given twice) are not sent, so the index never sees them: that is
    a warning, not a refusal."""
    from packaging.metadata import Metadata, parse_email
    from packaging.version import InvalidVersion, Version

    header_block = re.split(rb"\r?\n\r?\n", raw, maxsplit=1)[0]
    # Lines that start a field (the others continue one): counted before parsing.
    if len(re.findall(rb"^[^ \t\r\n]", header_block, re.MULTILINE)) > MAX_METADATA_FIELDS:
        raise DistError(Msg.METADATA_TOO_MANY_FIELDS, path=path, limit=MAX_METADATA_FIELDS)
    fields, unparsed = parse_email(raw)
    try:
        below_2_4 = Version(fields.get("metadata_version", "0")) < Version("2.4")
    except InvalidVersion:
        below_2_4 = False
    warnings: list[DistWarning] = []
    if below_2_4:
        fields.pop("license_files", None)
        unparsed.pop("license-file", None)
    if unparsed:
        warnings.append(
            _warning(Msg.WARN_FIELDS_DROPPED, path=path, fields=", ".join(sorted(unparsed)))
        )
    if "description" in fields and _header_description(raw):
        fields["description"] = indexrules.unfold_description(fields["description"])
    view = indexrules.index_view(fields)
    problems: list[tuple[str, str]] = []
    form_name = view.get("name", "")
    if not indexrules.PROJECT_NAME.match(form_name):
        # The upload form's own check, made before the metadata is parsed.
        problems.append(
            (
                "name",
                f"{form_name!r} is an invalid value for Name. Error: "
                + (
                    "Start and end with a letter or numeral containing only ASCII "
                    "numeric and '.', '_' and '-'."
                    if form_name
                    else "This field is required."
                ),
            )
        )
    try:
        meta = Metadata.from_raw(view, validate=True)  # type: ignore[arg-type]
    except ExceptionGroup as group:
        problems.extend((getattr(e, "field", "?"), str(e)) for e in _flatten(group))
        _raise_metadata(path, problems)
    if not problems:
        problems = indexrules.extra_problems(meta)
    if problems:
        _raise_metadata(path, problems)
    return meta, fields, warnings


def _raise_metadata(path: Path, problems: list[tuple[str, str]]) -> Any:
    """Refuse the metadata, leading with the problem the index would name."""
    field_name, reported = indexrules.reported(problems)
    listing = messages.lines((f"{f}: {p}" for f, p in problems), prefix="  - ")
    if field_name == "metadata-version":
        raise DistError(
            Msg.METADATA_VERSION,
            path=path,
            problem=reported,
            accepted=", ".join(indexrules.SUPPORTED_METADATA_VERSIONS),
        )
    if field_name == "version" and "local versions" in reported:
        raise DistError(Msg.LOCAL_VERSION, path=path, problem=reported)
    raise DistError(
        Msg.METADATA_INVALID, path=path, field=field_name, reported=reported, problems=listing
    )


def _flatten(group: BaseExceptionGroup[BaseException]) -> list[BaseException]:
    out: list[BaseException] = []
    for exc in group.exceptions:
        out.extend(_flatten(exc) if isinstance(exc, BaseExceptionGroup) else [exc])
    return out


def _description_checks(path: Path, meta: Metadata, sent: RawMetadata) -> list[DistWarning]:
    """What ``twine check`` does, and the index's refusal of reST that does not render.

    The index renders the description it receives (reST unless the content type says
    otherwise; Markdown and plain text always render). twine warns when the content type
    or the description is missing; so do we, but of the content type only when there is
    a description to render (twine says both of a file with none: the second is noise)."""
    warnings: list[DistWarning] = []
    described = sent.get("description")
    if not described or described.rstrip() == "UNKNOWN":
        warnings.append(_warning(Msg.WARN_NO_DESCRIPTION, path=path))
    elif sent.get("description_content_type") is None:
        warnings.append(_warning(Msg.WARN_NO_CONTENT_TYPE, path=path))
    if not meta.description:
        return warnings
    from email.message import EmailMessage

    declared = meta.description_content_type or "text/x-rst"
    header = EmailMessage()
    header["content-type"] = declared
    if header.get_content_type() != "text/x-rst":
        return warnings
    if len(meta.description) > MAX_RENDERED:
        # docutils holds some 300 bytes per byte of reST: checked, a large one would
        # take more memory than the rest of the run; the index renders it anyway.
        warnings.append(_warning(Msg.WARN_DESCRIPTION_NOT_RENDERED, path=path, limit=MAX_RENDERED))
        return warnings
    problems = _rst_problems(meta.description)
    if isinstance(problems, _RenderFailed):
        raise DistError(problems.key, path=path, **problems.fields)
    if problems is not None:
        raise DistError(
            Msg.DESCRIPTION_DOES_NOT_RENDER, path=path, content_type=declared, problems=problems
        )
    return warnings


@functools.lru_cache(maxsize=16)
def _rst_problems(description: str) -> str | _RenderFailed | None:
    """What docutils says when ``description`` does not render as the index renders it,
    why it could not finish, or None when it renders. Cached, the failures too: a
    release's sdist and wheels share one description, and a render too slow for one
    file is too slow for the next (50 wheels would take 50 times the cut-off)."""
    import io

    stream = io.StringIO()
    try:
        rendered = _render_rst(description, stream)
    except _RenderFailed as failed:
        return failed
    if rendered is None:
        text = stream.getvalue().strip()
        return (
            messages.lines(text.splitlines(), prefix="  ") if text else "(docutils gave no details)"
        )
    return None


class _RenderFailed(Exception):
    """docutils could not finish: ``key`` says why."""

    def __init__(self, key: Msg, **fields: object) -> None:
        super().__init__(key)
        self.key, self.fields = key, fields


def _render_rst(text: str, stream: io.StringIO) -> str | None:
    """readme_renderer's RST rendering, bounded in time and depth."""
    import readme_renderer.rst

    from publisher.executor import TooSlow, within

    try:
        # If docutils never finishes, the run still ends.
        rendered: str | None = within(
            RENDER_SECONDS, lambda: readme_renderer.rst.render(text, stream=stream), "render"
        )
    except TooSlow:
        raise _RenderFailed(Msg.DESCRIPTION_TOO_SLOW, seconds=RENDER_SECONDS) from None
    except RecursionError:
        raise _RenderFailed(Msg.DESCRIPTION_TOO_DEEP) from None
    except Exception as exc:  # docutils itself failing is the text's problem too
        stream.write(f"{type(exc).__name__}: {exc}")
        return None
    return rendered


def _check_archive(path: Path, kind: str, archive: Archive) -> None:
    """The index's archive checks: one archive format, no decompression bomb, only
    stored or deflated members, the WHEEL file in the named ``.dist-info`` folder, no
    obfuscated code, the ZIP records framed one way, no sparse tar members."""
    if zipfile.is_zipfile(archive.reader()) and tarfile.is_tarfile(archive.reader()):
        raise DistError(Msg.ARCHIVE_POLYGLOT, path=path)
    if archive.is_zip:
        unpacked = sum(i.file_size for i in archive.infos)
        packed = archive.size
        if unpacked > RATIO_MIN_SIZE and unpacked / packed > RATIO_LIMIT:
            raise DistError(
                Msg.ARCHIVE_RATIO, path=path, unpacked=unpacked, packed=packed, limit=RATIO_LIMIT
            )
        for info in archive.infos:
            if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
                raise DistError(
                    Msg.ARCHIVE_COMPRESSION,
                    path=path,
                    member=info.filename,
                    method=info.compress_type,
                )
        if kind == "wheel":
            name, version = _wheel_stem(path)
            wheel_file = f"{name}-{version}.dist-info/WHEEL"
            if archive.member_size(wheel_file) is None:
                raise DistError(
                    Msg.WHEEL_DIST_INFO,
                    path=path,
                    member=wheel_file,
                    found=_folders(archive.names, ".dist-info"),
                )
    elif archive.sparse is not None:
        raise DistError(Msg.TAR_SPARSE, path=path, member=archive.sparse)
    if found := archive.obfuscated():
        raise DistError(Msg.ARCHIVE_OBFUSCATED, path=path, member=found[0], tool=found[1])
    if archive.is_zip:
        from publisher.zipcheck import framing_problem

        if problem := framing_problem(archive.reader(), archive.sizes):
            raise DistError(Msg.ZIP_FRAMING, path=path, problem=problem)


def _check_filename(path: Path, kind: str, meta: Metadata) -> None:
    """The file name must carry the metadata's name and version, as the index demands:
    for an sdist exactly ``{normalized_name}-{version}.tar.gz`` (PEP 625); for a wheel
    known platform tags, the normalized name as written, and the version."""
    from packaging.utils import (
        InvalidSdistFilename,
        InvalidWheelFilename,
        canonicalize_name,
        parse_sdist_filename,
        parse_wheel_filename,
    )

    project = canonicalize_name(meta.name)
    stem = project.replace("-", "_")
    if kind == "sdist":
        try:
            parsed, _ = parse_sdist_filename(path.name)
        except InvalidSdistFilename as exc:
            raise DistError(Msg.BAD_FILENAME, path=path, reason=exc) from None
        file_name = _sdist_name_with_post_release(path.name, parsed, project, meta)
        if canonicalize_name(file_name) != project:
            raise DistError(
                Msg.FILENAME_NAME_MISMATCH,
                path=path,
                file_name=file_name,
                name=meta.name,
                stem=stem,
            )
        expected = f"{stem}-{meta.version}.tar.gz"
        if path.name != expected:
            key = Msg.SDIST_NOT_TARGZ if path.name.endswith(".zip") else Msg.SDIST_NAME_EXACT
            raise DistError(key, path=path, expected=expected)
        return
    try:
        wheel_name, wheel_version, _build, tags = parse_wheel_filename(path.name)
    except InvalidWheelFilename as exc:
        raise DistError(Msg.BAD_FILENAME, path=path, reason=exc) from None
    for tag in sorted(tags, key=str):
        if not indexrules.platform_allowed(tag.platform):
            raise DistError(
                Msg.WHEEL_PLATFORM,
                path=path,
                platform=tag.platform,
                hint=indexrules.platform_hint(tag.platform),
            )
    if wheel_name != project:
        raise DistError(
            Msg.FILENAME_NAME_MISMATCH, path=path, file_name=wheel_name, name=meta.name, stem=stem
        )
    written = path.name.split("-", 1)[0]
    if written != stem:
        raise DistError(Msg.FILENAME_NOT_NORMALIZED, path=path, written=written, expected=stem)
    if wheel_version != meta.version:
        raise DistError(
            Msg.FILENAME_VERSION_MISMATCH,
            path=path,
            file_version=wheel_version,
            version=meta.version,
        )


def _sdist_name_with_post_release(filename: str, parsed: str, project: str, meta: Metadata) -> str:
    """The name part of an sdist's file name when the version has a hyphen in it
    (``1.0-1``, a post-release): the index then splits at the second-to-last hyphen."""
    from packaging.version import InvalidVersion, Version

    if meta.version.is_postrelease and parsed != project and filename.count("-") >= 2:
        name = filename.rpartition("-")[0].rpartition("-")[0]
        try:
            Version(filename[len(name) + 1 : -len(".tar.gz")])
        except InvalidVersion:
            return parsed
        return name
    return parsed


def _check_license_files(path: Path, kind: str, archive: Archive, top: str, meta: Metadata) -> None:
    """Every License-File (sent from Metadata 2.4 on) must be in the archive: beside
    PKG-INFO in an sdist, under ``.dist-info/licenses/`` in a wheel."""
    for license_file in meta.license_files or []:
        if kind == "sdist":
            member = os.path.join(top, license_file)
        else:
            member = f"{top}/licenses/{license_file}"
        if archive.member_size(member) is None:
            raise DistError(Msg.LICENSE_FILE_MISSING, path=path, value=license_file, member=member)


def _check_wheel_contents(path: Path, archive: Archive, dist_info: str) -> list[DistWarning]:
    """RECORD must be there and readable (a RECORD that lists other files than the
    wheel's is accepted, but the index emails the owners), entry points must parse."""
    record = f"{dist_info}/RECORD"
    signatures = {f"{dist_info}/RECORD.jws", f"{dist_info}/RECORD.p7s"}
    files = {n for n in archive.names if not n.endswith(("/", "\\")) and n not in signatures}
    compared = (
        indexrules.record_difference(archive.lines(record), files, MAX_LINE, 2 * MAX_MEMBERS)
        if archive.member_size(record) is not None
        else None
    )
    if compared is None:
        raise DistError(Msg.WHEEL_RECORD_MISSING, path=path, member=record)
    warnings: list[DistWarning] = []
    unlisted, absent = compared
    if unlisted or absent:
        warnings.append(
            _warning(
                Msg.WARN_RECORD_MISMATCH,
                path=path,
                unlisted=", ".join(unlisted) or "none",
                absent=", ".join(absent) or "none",
            )
        )
    entry_points = f"{dist_info}/entry_points.txt"
    if archive.member_size(entry_points) is not None:
        problem = indexrules.entry_points_problem(archive.read(entry_points, MAX_ENTRY_POINTS))
        if problem:
            raise DistError(Msg.WHEEL_ENTRY_POINTS, path=path, member=entry_points, problem=problem)
    return warnings


def load_dist(path: Path, *, verify_metadata: bool = True, root: Path | None = None) -> Dist:
    """Read, check and hash one distribution file: it passes when the index would take
    it, and fails with the index's reason, found in the index's order. The file is
    opened once, inside ``root`` (the real path of its folder), and everything checked
    is read from that one open file, which must not change meanwhile."""
    kind = dist_kind(path.name)
    assert kind is not None, path  # find_dists passes only files named as dists
    if not SAFE_FILENAME.fullmatch(path.name):
        raise DistError(Msg.FILENAME_UNSAFE, path=path)
    root = root or files.real_folder(path.parent)
    fd = _open(path, root)
    try:
        identity = Identity.of(fd)
        digests, meta, sent, warnings = _validate(path, kind, fd, identity.size, verify_metadata)
        if Identity.of(fd) != identity or digests.size != identity.size:
            raise DistError(Msg.DIST_CHANGED, path=path, sha256=digests.sha256)
    finally:
        os.close(fd)
    return Dist(
        path=path,
        kind=kind,
        name=sent["name"],
        version=str(meta.version),
        metadata_version=meta.metadata_version,
        digests=digests,
        raw_metadata=sent,
        # name-version(-build)-python-abi-platform.whl: the python tag is third from last.
        python_tag=path.name[: -len(".whl")].split("-")[-3] if kind == "wheel" else "source",
        root=root,
        identity=identity,
        warnings=tuple(warnings),
    )


def _validate(
    path: Path, kind: Literal["sdist", "wheel"], fd: int, size: int, verify_metadata: bool
) -> tuple[Digests, Metadata, RawMetadata, list[DistWarning]]:
    """The checks of :func:`load_dist` on the open file ``fd``, and its digests."""
    if size == 0:
        raise DistError(Msg.EMPTY_FILE, path=path)
    # The sha256 pass and the archive checks each read the file; hashlib and zlib let
    # go of the GIL, so on two cores the checks cost next to nothing beside the hash.
    hashing = in_background(lambda: hash_fd(fd), "sha256")
    try:
        with Archive(path, fd, size) as archive:
            raw, top = _read_metadata(path, kind, archive)
            meta, sent, warnings = _parse_metadata(path, raw)
            if verify_metadata:
                warnings += _description_checks(path, meta, sent)
            if size > DEFAULT_FILE_LIMIT:
                warnings.append(_warning(Msg.WARN_FILE_SIZE, path=path, size=size >> 20))
            _check_archive(path, kind, archive)
            _check_filename(path, kind, meta)
            _check_license_files(path, kind, archive, top, meta)
            if kind == "wheel":
                warnings += _check_wheel_contents(path, archive, top)
    finally:
        # Waited for even when a check failed: the descriptor is closed after this.
        try:
            digests = hashing(None)
        except OSError as exc:
            raise DistError(Msg.UNREADABLE, path=path, reason=exc.strerror or exc) from None
    return digests, meta, sent, warnings


def check_all(
    folder: Path, *, verify_metadata: bool = True
) -> tuple[list[Dist], list[str], list[DistError]]:
    """Find and validate every distribution in ``folder``: the good ones, the names of
    files left alone, and one error for each problem found (every file is looked at)."""
    paths, ignored = find_dists(folder)
    root = files.real_folder(folder)
    dists: list[Dist] = []
    problems: list[DistError] = []
    for path in paths:
        try:
            dists.append(load_dist(path, verify_metadata=verify_metadata, root=root))
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
        listing = "\n\n".join(f"{exc.title}\n{exc}" for exc in problems)
        raise DistError(Msg.MANY_PROBLEMS, count=len(problems), problems=listing)
    return dists, ignored
