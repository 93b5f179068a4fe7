"""Validation memory on hostile archives (issue 20): whatever a dist holds, checking it
stays within bounds, and a limit passed is a clear error naming the file. The peak
memory on the real bombs (a million tar members, gigabytes behind a small ZIP member)
is measured in benchmarks/bombs.py; these tests build small ones fast, with the limits
lowered where that keeps them small, and watch the memory the checks take."""

from __future__ import annotations

import gzip
import os
import random
import tarfile
import tracemalloc
import zipfile
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from conftest import GitHub, make_wheel, metadata_text
from fakes.archives import zip_records

from publisher import archive, dists
from publisher.dists import load_dist
from publisher.errors import DistError
from publisher.messages import Msg

NAME, VERSION = "example", "1.0.0"
DIST_INFO = f"{NAME}-{VERSION}.dist-info"
WHEEL = f"{NAME}-{VERSION}-py3-none-any.whl"
SDIST = f"{NAME}-{VERSION}.tar.gz"
METADATA = metadata_text(NAME, VERSION).encode()
WHEEL_FILE = b"Wheel-Version: 1.0\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
MIB = 1 << 20


def _peak(call: Callable[[], object]) -> tuple[float, object]:
    """``call()``'s peak of traced memory, in MB (with what it returned or raised)."""
    tracemalloc.start()
    try:
        try:
            result: object = call()
        except DistError as exc:
            result = exc
        return tracemalloc.get_traced_memory()[1] / MIB, result
    finally:
        tracemalloc.stop()


# --- a ZIP member that says it is small ------------------------------------------------


def _lying_wheel(folder: Path, member: str, inflates_to: int) -> Path:
    """A wheel whose ``member`` says it holds 4 kB (its CRC is that of those 4 kB) and
    inflates to ``inflates_to`` bytes: zipfile's read() inflated it all first."""
    head = METADATA if member.endswith("METADATA") else b"x = 1\n"
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    data = compressor.compress(head) + compressor.compress(bytes(inflates_to)) + compressor.flush()
    told = head + bytes(4096 - len(head))
    members = [(member, data, zlib.crc32(told), len(told), zipfile.ZIP_DEFLATED)]
    for name, content in (
        (f"{DIST_INFO}/METADATA", METADATA),
        (f"{DIST_INFO}/WHEEL", WHEEL_FILE),
        (f"{DIST_INFO}/RECORD", f"{member},,\n{DIST_INFO}/RECORD,,\n".encode()),
    ):
        if name != member:
            members.append((name, content, zlib.crc32(content), len(content), 0))
    return zip_records(folder / WHEEL, members)


@pytest.mark.parametrize("member", [f"{DIST_INFO}/METADATA", f"{NAME}/__init__.py"])
def test_a_member_that_lies_about_its_size_is_never_inflated_whole(
    tmp_path: Path, member: str
) -> None:
    """64 MiB behind a member that says 4 kB: read a chunk at a time, never whole
    (zipfile's read() held all of it; 2 GiB took 2.1 GB)."""
    path = _lying_wheel(tmp_path / "dist", member, 64 * MIB)
    load_dist(path)  # the imports, outside the measure
    peak, _ = _peak(lambda: load_dist(path))
    assert peak < 16


# --- counts and sizes ---------------------------------------------------------------------


def _tar(path: Path, blocks: Iterator[bytes]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with gzip.open(path, "wb") as out:
        for block in blocks:
            out.write(block)
    return path


def _member(name: str, data: bytes = b"", kind: bytes = tarfile.REGTYPE) -> bytes:
    info = tarfile.TarInfo(name)
    info.size, info.type = len(data), kind
    return info.tobuf(tarfile.GNU_FORMAT) + data + bytes(-len(data) % 512)


def _sdist(folder: Path, *extra: bytes) -> Path:
    def blocks() -> Iterator[bytes]:
        yield from extra
        yield _member(f"{NAME}-{VERSION}/PKG-INFO", METADATA)
        yield bytes(1024)

    return _tar(folder / SDIST, blocks())


def test_sdist_with_too_many_members_is_named(
    github: GitHub, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A million empty members in 6 MB peaked at 890 MB (tarfile keeps every member it
    reads): the read stops past the limit, here lowered to keep the test small."""
    monkeypatch.setattr(archive, "MAX_MEMBERS", 200)
    members = [_member(f"{NAME}-{VERSION}/f/{i}") for i in range(300)]
    _sdist(github.dist, *members)
    run = github.run(in_process=True)
    assert run.code == 1
    run.shows(Msg.ARCHIVE_TOO_MANY_MEMBERS, "error", path=f"dist/{SDIST}", limit=200)
    assert github.index.state.requests == []


def test_tar_members_are_not_all_kept(tmp_path: Path) -> None:
    """Of 10,000 members only names, sizes and offsets are kept (tarfile's own objects
    for them took some 10 MB)."""
    members = [_member(f"{NAME}-{VERSION}/f/{i}") for i in range(10_000)]
    path = _sdist(tmp_path / "dist", *members)
    load_dist(path, verify_metadata=False)
    peak, _ = _peak(lambda: load_dist(path, verify_metadata=False))
    assert peak < 4


@pytest.mark.parametrize(("limit", "names"), [(200, archive.MAX_NAMES), (70_000, 8 << 10)])
def test_wheel_with_too_many_members_is_refused_before_its_listing_is_read(
    github: GitHub, monkeypatch: pytest.MonkeyPatch, limit: int, names: int
) -> None:
    """Counted in the central directory before zipfile makes an object for each entry
    (400,000 empty members in 40 MB took 250 MB), and the directory's size too (the
    names in it)."""
    monkeypatch.setattr(archive, "MAX_MEMBERS", limit)
    monkeypatch.setattr(archive, "MAX_NAMES", names)
    extra = {f"{NAME}/m{i:04d}.py": b"" for i in range(300)}
    make_wheel(github.dist, extra=extra)
    run = github.run(in_process=True)
    assert run.code == 1
    run.shows(Msg.ARCHIVE_TOO_MANY_MEMBERS, "error", path=f"dist/{WHEEL}")


def _extension_header(kind: bytes) -> bytes:
    """A pax header or GNU long name of 16 MiB."""
    if kind == tarfile.XHDTYPE:
        record = b"comment=" + b"a" * 100
        data = b"%d %s\n" % (len(record) + 5, record) * (16 * MIB // (len(record) + 5))
    else:
        data = b"a" * (16 * MIB)
    return _member("././@LongLink" if kind == tarfile.GNUTYPE_LONGNAME else "pax", data, kind)


@pytest.mark.parametrize("kind", [tarfile.XHDTYPE, tarfile.GNUTYPE_LONGNAME])
def test_tar_extension_header_is_capped(github: GitHub, kind: bytes) -> None:
    """A pax header or GNU long name of 16 MiB (tarfile reads it whole: 1 GiB took
    2 GB); refused, by name."""
    _sdist(github.dist, _extension_header(kind))
    run = github.run(in_process=True)
    assert run.code == 1
    limit = archive.MAX_EXTENSION
    run.shows(Msg.ARCHIVE_MEMBER_TOO_LARGE, "error", path=f"dist/{SDIST}", limit=limit)


def test_tar_extension_header_is_refused_unread(tmp_path: Path) -> None:
    path = _sdist(tmp_path / "dist", _extension_header(tarfile.XHDTYPE))
    peak, error = _peak(lambda: load_dist(path))
    assert isinstance(error, DistError)
    assert peak < 4


def test_sdist_that_unpacks_to_too_much_is_named(
    github: GitHub, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A gzip bomb in an sdist: stopped once the stream passes its limit (1 GiB, or 50
    times the file; lowered here), before it is all inflated."""
    monkeypatch.setattr(archive, "MAX_UNPACKED", 4 * MIB)
    _sdist(github.dist, _member(f"{NAME}-{VERSION}/zeros.bin", bytes(8 * MIB)))
    run = github.run(in_process=True)
    assert run.code == 1
    run.shows(Msg.ARCHIVE_UNPACKS_TOO_MUCH, "error", path=f"dist/{SDIST}")


def test_gnu_sparse_member_stops_the_read(tmp_path: Path) -> None:
    """An old-style GNU sparse member: its map is read block by block for as long as it
    says; refused at once (the index refuses sparse members anyway)."""
    path = _sdist(tmp_path / "dist", _member(f"{NAME}-{VERSION}/s", b"", tarfile.GNUTYPE_SPARSE))
    with pytest.raises(DistError) as raised:
        load_dist(path)
    assert raised.value.key is Msg.TAR_SPARSE


def test_huge_record_is_read_a_line_at_a_time(tmp_path: Path) -> None:
    """A hundred thousand short entries (12 million in 60 MiB took 2.3 GB): read as
    lines, compared as they come; the mismatch is the usual warning."""
    lines = b"".join(b"%x\n" % i for i in range(100_000))
    path = tmp_path / "dist" / WHEEL
    path.parent.mkdir()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(f"{DIST_INFO}/METADATA", METADATA)
        zf.writestr(f"{DIST_INFO}/WHEEL", WHEEL_FILE)
        zf.writestr(f"{DIST_INFO}/RECORD", lines)
    del lines
    load_dist(path)
    peak, dist = _peak(lambda: load_dist(path))
    assert not isinstance(dist, DistError)
    assert [w.key for w in dist.warnings] == [Msg.WARN_RECORD_MISMATCH]  # type: ignore[attr-defined]
    assert peak < 4


# --- metadata ---------------------------------------------------------------------------


def test_metadata_of_too_many_fields_is_refused_unparsed(github: GitHub) -> None:
    """Four MiB of `Keywords: x` lines (two million of them took 260 MB to parse)."""
    meta = METADATA.split(b"\n\n")[0] + b"\n" + b"Keywords: x\n" * 10_001 + b"\nx\n"
    make_wheel(github.dist, metadata=meta)
    run = github.run(in_process=True)
    assert run.code == 1
    limit = dists.MAX_METADATA_FIELDS
    run.shows(Msg.METADATA_TOO_MANY_FIELDS, "error", path=f"dist/{WHEEL}", limit=limit)


def test_large_rst_description_is_not_rendered_here(github: GitHub) -> None:
    """docutils holds some 300 bytes per character (half a MiB of list took 170 MB):
    past 128 KiB a warning says the index will render it."""
    body = "- item *one* and ``two``\n\n" * 6_000
    meta = metadata_text(NAME, VERSION, Description_Content_Type="text/x-rst", Description=body)
    make_wheel(github.dist, metadata=meta)
    github.index.state.add_project(NAME)
    run = github.run({"password": "pypi-" + "x" * 40}, oidc=False, in_process=True)
    run.shows(Msg.WARN_DESCRIPTION_NOT_RENDERED, "warning", path=f"dist/{WHEEL}")


def test_a_slow_description_is_rendered_once_per_release(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The wheels of a release share a description: one that takes too long to render
    for the first is not rendered again for each of the others (50 wheels took 50 times
    the cut-off)."""
    import readme_renderer.rst

    monkeypatch.setattr(dists, "RENDER_SECONDS", 0.05)
    dists._rst_problems.cache_clear()
    renders = []
    render = readme_renderer.rst.render

    def counted(*args: object, **kwargs: object) -> object:
        renders.append(1)
        return render(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(readme_renderer.rst, "render", counted)
    row = "+" + "---+" * 80 + "\n"
    table = row + ("|" + "   |" * 80 + "\n" + row) * 190
    meta = metadata_text(NAME, VERSION, Description_Content_Type="text/x-rst", Description=table)
    folder = tmp_path / "dist"
    for tag in ("py3-none-any", "cp312-cp312-manylinux_2_17_x86_64", "cp313-cp313-win_amd64"):
        make_wheel(folder, filename=f"{NAME}-{VERSION}-{tag}.whl", metadata=meta)
    _, _, problems = dists.check_all(folder)
    assert [p.key for p in problems] == [Msg.DESCRIPTION_TOO_SLOW] * 3
    assert len(renders) == 1


def test_top_level_folder_is_commonpaths(tmp_path: Path) -> None:
    """The sdist's top-level folder, found one name at a time, is what the index's
    os.path.commonpath finds (which splits every name at once: 46 MB for 100,000)."""
    rng = random.Random(20)
    parts = ["a", "b", ".", "", "c", "a.b", "..", "PKG-INFO"]
    for _ in range(5_000):
        names = [
            "/" * (rng.random() < 0.15) + "/".join(rng.choices(parts, k=rng.randint(0, 4)))
            for _ in range(rng.randint(1, 4))
        ]
        try:
            expected = os.path.commonpath(names)
        except ValueError:
            expected = ""
        assert dists._top_level(names) == ("" if expected in (".", "/") else expected)
