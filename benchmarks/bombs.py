"""Peak memory of validation on hostile distributions (issue 20), beside a real one.

    python benchmarks/bombs.py [--only NAME ...] [--before CHECKOUT] [--no-write]

Each case is a small file built to make a validator hold far more than its size:
a tar.gz of a million empty members, a wheel whose METADATA (or a scanned .py, or
RECORD) says it is small and inflates to gigabytes, a zip with hundreds of thousands
of members, tar extension headers of a gigabyte, a METADATA of millions of header
lines, a huge reStructuredText description. Each is validated the way a run does it,
by ``publisher check --packages-dir <folder>`` in a fresh process (no index: the
look-up after validation fails at once and is advisory), and the process's peak
resident memory is read by ``wait4`` (what GNU time's ``%M`` reports). The target: under
100 MB for every input, and a clear error naming the file. Results go to
``benchmarks/RESULTS-bombs.md``; ``docs/benchmarks.md`` quotes them.
"""

from __future__ import annotations

import argparse
import gzip
import os
import subprocess
import sys
import sysconfig
import tarfile
import tempfile
import time
import zipfile
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT / "tests"))

from fakes.archives import zip_records

GIB = 1 << 30
MIB = 1 << 20
TARGET_MB = 100.0
METADATA_CAP = 4 * MIB  # the largest METADATA the action reads (dists.MAX_METADATA_BYTES)
NAME, VERSION = "bomb", "1.0"
METADATA = (
    f"Metadata-Version: 2.4\nName: {NAME}\nVersion: {VERSION}\nSummary: a bomb\n"
    "Description-Content-Type: text/markdown\n\nA bomb.\n"
).encode()
WHEEL_FILE = b"Wheel-Version: 1.0\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
DIST_INFO = f"{NAME}-{VERSION}.dist-info"
WHEEL_NAME = f"{NAME}-{VERSION}-py3-none-any.whl"
SDIST_NAME = f"{NAME}-{VERSION}.tar.gz"


# --- building the files ------------------------------------------------------------------


def _deflate_zeros(size: int, head: bytes = b"") -> tuple[bytes, int]:
    """Raw deflate of ``head`` and ``size`` zero bytes, streamed; and the CRC of the
    first ``len(head)`` bytes... of the whole, for an honest member."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    parts = [compressor.compress(head)]
    crc = zlib.crc32(head)
    block = bytes(MIB)
    for _ in range(size // MIB):
        parts.append(compressor.compress(block))
        crc = zlib.crc32(block, crc)
    parts.append(compressor.flush())
    return b"".join(parts), crc


def _stored(name: str, data: bytes) -> tuple[str, bytes, int, int, int]:
    return name, data, zlib.crc32(data), len(data), zipfile.ZIP_STORED


def _record(*names: str) -> bytes:
    return "".join(f"{n},,\n" for n in (*names, f"{DIST_INFO}/RECORD")).encode()


def _lying_wheel(folder: Path, member: str, real: int) -> Path:
    """A wheel whose ``member`` says it holds 4 kB and inflates to ``real`` bytes."""
    head = METADATA if member.endswith("METADATA") else b"x = 1\n"
    data, _ = _deflate_zeros(real, head)
    told = head + bytes(4096 - len(head))
    lie = (member, data, zlib.crc32(told), len(told), zipfile.ZIP_DEFLATED)
    metadata, wheel = f"{DIST_INFO}/METADATA", f"{DIST_INFO}/WHEEL"
    members = [lie] if member == metadata else [_stored(metadata, METADATA), lie]
    members += [
        _stored(wheel, WHEEL_FILE),
        _stored(f"{DIST_INFO}/RECORD", _record(member, metadata, wheel)),
    ]
    return zip_records(folder / WHEEL_NAME, members)


def wheel_metadata_lies(folder: Path) -> Path:
    """METADATA says 4 kB; it inflates to 2 GiB (zipfile's read() inflates it all)."""
    return _lying_wheel(folder, f"{DIST_INFO}/METADATA", 2 * GIB)


def wheel_module_lies(folder: Path) -> Path:
    """A .py module (scanned for obfuscated code) says 4 kB; it inflates to 2 GiB."""
    return _lying_wheel(folder, f"{NAME}/__init__.py", 2 * GIB)


def wheel_huge_record(folder: Path) -> Path:
    """An honest RECORD of 60 MiB of one-character lines (under the index's 64 MiB
    ratio rule): eight million entries to compare with the members."""
    lines = b"".join(b"%x\n" % i for i in range(12_000_000))[: 60 * MIB]
    lines = lines[: lines.rfind(b"\n") + 1]
    path = folder / WHEEL_NAME
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(f"{DIST_INFO}/METADATA", METADATA)
        zf.writestr(f"{DIST_INFO}/WHEEL", WHEEL_FILE)
        zf.writestr(f"{DIST_INFO}/RECORD", lines)
    return path


def wheel_many_members(folder: Path, count: int = 400_000) -> Path:
    """A wheel of ``count`` empty members (about 40 MB: under PyPI's 100 MB)."""
    path = folder / WHEEL_NAME
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as zf:
        zf.writestr(f"{DIST_INFO}/METADATA", METADATA)
        zf.writestr(f"{DIST_INFO}/WHEEL", WHEEL_FILE)
        for i in range(count):
            zf.writestr(f"{NAME}/{i}", b"")
        zf.writestr(f"{DIST_INFO}/RECORD", _record(f"{DIST_INFO}/METADATA"))
    return path


def _tar_gz(path: Path, blocks: Iterator[bytes]) -> Path:
    with gzip.open(path, "wb", compresslevel=9) as out:
        for block in blocks:
            out.write(block)
    return path


def _pkg_info() -> bytes:
    info = tarfile.TarInfo(f"{NAME}-{VERSION}/PKG-INFO")
    info.size = len(METADATA)
    return info.tobuf(tarfile.USTAR_FORMAT) + METADATA + bytes(-len(METADATA) % 512)


def sdist_million_members(folder: Path, count: int = 1_000_000) -> Path:
    """A 6 MB tar.gz of a PKG-INFO and ``count`` empty members."""

    def blocks() -> Iterator[bytes]:
        yield _pkg_info()
        info = tarfile.TarInfo()
        for i in range(count):
            info.name = f"{NAME}-{VERSION}/f/{i}"
            yield info.tobuf(tarfile.USTAR_FORMAT)
        yield bytes(1024)

    return _tar_gz(folder / SDIST_NAME, blocks())


def _extension_header(kind: bytes, size: int) -> Iterator[bytes]:
    """A tar extension header (pax or GNU long name) of ``size`` bytes."""
    gnu = kind == tarfile.GNUTYPE_LONGNAME
    info = tarfile.TarInfo("././@LongLink" if gnu else "pax")
    info.type, info.size = kind, size
    yield info.tobuf(tarfile.GNU_FORMAT if gnu else tarfile.USTAR_FORMAT)
    if kind == tarfile.XHDTYPE:
        record = b"comment=" + b"a" * 64
        line = b"%d %s\n" % (len(record) + 3 + len(str(len(record))), record)
        # one long comment record, padded out with more of them
        yield line * (size // len(line)) + b"a" * (size % len(line))
    else:
        block = b"a" * MIB
        for _ in range(size // MIB):
            yield block
    yield bytes(-size % 512)


def sdist_pax_header(folder: Path) -> Path:
    """A tar.gz whose first member has a pax header of 1 GiB (tarfile reads it whole)."""

    def blocks() -> Iterator[bytes]:
        yield from _extension_header(tarfile.XHDTYPE, GIB)
        yield _pkg_info()
        yield bytes(1024)

    return _tar_gz(folder / SDIST_NAME, blocks())


def sdist_long_name(folder: Path) -> Path:
    """A tar.gz with a GNU long name of 1 GiB."""

    def blocks() -> Iterator[bytes]:
        yield from _extension_header(tarfile.GNUTYPE_LONGNAME, GIB)
        yield _pkg_info()
        yield bytes(1024)

    return _tar_gz(folder / SDIST_NAME, blocks())


def _metadata_wheel(folder: Path, metadata: bytes) -> Path:
    path = folder / WHEEL_NAME
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(f"{DIST_INFO}/METADATA", metadata)
        zf.writestr(f"{DIST_INFO}/WHEEL", WHEEL_FILE)
        zf.writestr(f"{DIST_INFO}/RECORD", _record(f"{DIST_INFO}/METADATA", f"{DIST_INFO}/WHEEL"))
    return path


def wheel_header_lines(folder: Path) -> Path:
    """A METADATA just under the 10 MiB cap: two million header lines."""
    head = METADATA.split(b"\n\n")[0] + b"\n"
    lines = b"Keywords: x\n" * ((METADATA_CAP - 200) // 12)
    return _metadata_wheel(folder, head + lines + b"\nA bomb.\n")


def wheel_big_description(folder: Path) -> Path:
    """A Markdown description (not rendered) just under the 10 MiB cap."""
    head = METADATA.split(b"\n\n")[0] + b"\n\n"
    return _metadata_wheel(folder, head + b"Some *text*.\n\n" * ((METADATA_CAP - 300) // 14))


def wheel_folded_description(folder: Path) -> Path:
    """Metadata 1.x: the description as a folded header, 10 MiB of continuation lines."""
    head = b"Metadata-Version: 1.1\nName: bomb\nVersion: 1.0\nSummary: a bomb\nDescription: x\n"
    lines = b"        |line of a readme\n" * ((METADATA_CAP - 300) // 26)
    return _metadata_wheel(folder, head + lines + b"\n")


def wheel_entry_points(folder: Path) -> Path:
    """An entry_points.txt just under its 1 MiB cap: 90,000 console scripts."""
    path = folder / WHEEL_NAME
    scripts = b"[console_scripts]\n" + b"".join(b"s%d=m:f\n" % i for i in range(90_000))
    names = [f"{DIST_INFO}/{n}" for n in ("METADATA", "WHEEL", "entry_points.txt")]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in zip(names, (METADATA, WHEEL_FILE, scripts[: MIB - 1]), strict=True):
            zf.writestr(name, data)
        zf.writestr(f"{DIST_INFO}/RECORD", _record(*names))
    return path


def wheel_rst_description(folder: Path) -> Path:
    """A reStructuredText description just under the 10 MiB cap, rendered as the index
    renders it."""
    head = METADATA.split(b"\n\n")[0].replace(b"text/markdown", b"text/x-rst") + b"\n\n"
    body = b"- item *one* and ``two``\n\n" * ((METADATA_CAP - 300) // 27)
    return _metadata_wheel(folder, head + body)


def wheel_rst_at_render_cap(folder: Path) -> Path:
    """The largest reStructuredText description still rendered (128 KiB), of the most
    memory-hungry kind measured: a long bullet list."""
    head = METADATA.split(b"\n\n")[0].replace(b"text/markdown", b"text/x-rst") + b"\n\n"
    body = b"- item *one* and ``two``\n\n" * ((128 << 10) // 27)
    return _metadata_wheel(folder, head + body)


def _member_names(count: int) -> Iterator[str]:
    """Paths as real packages have them: 69 characters (the central directory of
    65,530 of them is just under the 8 MiB the action reads)."""
    for i in range(count):
        yield f"{NAME}/subpackage_{i % 97:02d}/another_level/module_for_something_{i:012d}.py"


def wheel_at_member_cap(folder: Path) -> Path:
    """A wheel of 65,530 small members with realistic names and a RECORD of them all:
    the largest that passes."""
    path = folder / WHEEL_NAME
    names = [*_member_names(65_530), f"{DIST_INFO}/METADATA", f"{DIST_INFO}/WHEEL"]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name in names[:-2]:
            zf.writestr(name, b"x = 1\n")
        zf.writestr(names[-2], METADATA)
        zf.writestr(names[-1], WHEEL_FILE)
        zf.writestr(f"{DIST_INFO}/RECORD", _record(*names))
    return path


def sdist_at_member_cap(folder: Path) -> Path:
    """An sdist of 65,530 small members with realistic names: the largest that passes."""

    def blocks() -> Iterator[bytes]:
        yield _pkg_info()
        info = tarfile.TarInfo()
        info.size = 6
        for name in _member_names(65_530):
            info.name = f"{NAME}-{VERSION}/{name}"
            yield info.tobuf(tarfile.USTAR_FORMAT) + b"x = 1\n" + bytes(506)
        yield bytes(1024)

    return _tar_gz(folder / SDIST_NAME, blocks())


def real_example(folder: Path) -> Path:
    """The example project's wheel and sdist (what a real release costs)."""
    sys.path.insert(0, str(ROOT / "tools"))
    from demo import build_example

    build_example(folder)
    return folder


CASES: dict[str, Callable[[Path], Path]] = {
    "example": real_example,
    "wheel-at-member-cap": wheel_at_member_cap,
    "sdist-at-member-cap": sdist_at_member_cap,
    "wheel-rst-at-render-cap": wheel_rst_at_render_cap,
    "sdist-million-members": sdist_million_members,
    "wheel-metadata-lies": wheel_metadata_lies,
    "wheel-module-lies": wheel_module_lies,
    "wheel-huge-record": wheel_huge_record,
    "wheel-many-members": wheel_many_members,
    "sdist-pax-header": sdist_pax_header,
    "sdist-long-name": sdist_long_name,
    "wheel-header-lines": wheel_header_lines,
    "wheel-big-description": wheel_big_description,
    "wheel-folded-description": wheel_folded_description,
    "wheel-entry-points": wheel_entry_points,
    "wheel-rst-description": wheel_rst_description,
}


# --- measuring ---------------------------------------------------------------------------


def measure(folder: Path, code_at: Path | None = None) -> tuple[float, float, int, str]:
    """``publisher check`` on ``folder`` (the package of ``code_at`` if given: another
    checkout, for the figures before a change): its peak memory (MB), seconds, exit
    code and the title of the first error."""
    argv = [
        sys.executable,
        # Another checkout's code: no site (the editable install's finder would take
        # this checkout's), the venv's libraries named instead.
        *(["-S"] if code_at is not None else []),
        "-m",
        "publisher",
        "check",
        "--packages-dir",
        str(folder),
        "--repository-url",
        "http://127.0.0.1:9/legacy/",
    ]
    started = time.monotonic()
    with (
        tempfile.TemporaryDirectory() as empty,
        tempfile.TemporaryFile("w+") as out,
        tempfile.NamedTemporaryFile("r") as peak,
    ):
        env = {**os.environ, "PUBLISHER_BACKOFF_SCALE": "0"}  # the index is not there
        if code_at is not None:
            env["PYTHONPATH"] = f"{code_at}{os.pathsep}{sysconfig.get_paths()['purelib']}"
        # GNU time, as bench.py: a child forked from this (large) process would start
        # its ru_maxrss from ours; time's own child starts from time's.
        wrapped = ["/usr/bin/time", "-f", "%M", "-o", peak.name, *argv]
        code = subprocess.run(
            wrapped, cwd=empty, env=env, stdout=out, stderr=subprocess.STDOUT, check=False
        ).returncode
        out.seek(0)
        text = out.read()
        kilobytes = int(peak.read().split()[-1])
    seconds = time.monotonic() - started
    errors = [line[5:].strip() for line in text.splitlines() if line.startswith("error")]
    error = errors[0] if errors else ""
    return kilobytes / 1024, seconds, code, error[:120]


HEADER = """# Validation peak memory on hostile dists (`benchmarks/bombs.py`)

`publisher check --packages-dir <folder>` on one file each, in a fresh process; the
peak resident memory of that process (GNU time's `%M`). "before": the same files with
the code of another checkout (`--before DIR`). Target: under 100 MB for every input.

"""


def main(argv: list[str] | None = None) -> int:
    """Build each case, measure it (and with the code at ``--before``), print and write
    the table; 1 if any input took 100 MB or more now."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--only", action="append", choices=sorted(CASES))
    parser.add_argument("--no-write", action="store_true")
    parser.add_argument(
        "--before", type=Path, help="a checkout whose publisher/ to measure too (before a fix)"
    )
    opts = parser.parse_args(argv)
    rows, peaks = [], []
    with tempfile.TemporaryDirectory(prefix="publisher-bombs-") as tmp:
        for name in opts.only or CASES:
            folder = Path(tmp) / name
            folder.mkdir()
            CASES[name](folder)
            size = sum(p.stat().st_size for p in folder.iterdir())
            before = f"{measure(folder, opts.before)[0]:.0f} MB" if opts.before else "—"
            peak, seconds, _code, error = measure(folder)
            peaks.append(peak)
            verdict = error or "(passes)"
            row = (
                f"| {name} | {size / MIB:.1f} MB | {before} | {peak:.0f} MB | {seconds:.1f} s"
                f" | {verdict} |"
            )
            print(row, flush=True)
            rows.append(row)
            for path in folder.iterdir():
                path.unlink()
    table = (
        "| input | file size | before | now | time now | verdict now |\n"
        "|---|---|---|---|---|---|\n" + "\n".join(rows) + "\n"
    )
    if not opts.no_write:
        (HERE / "RESULTS-bombs.md").write_text(HEADER + table)
    return 0 if all(peak < TARGET_MB for peak in peaks) else 1


if __name__ == "__main__":
    sys.exit(main())
