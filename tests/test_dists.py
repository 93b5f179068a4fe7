"""Bad input, table-driven: each case builds one broken packages-dir and names the
message the user must see. Nothing is uploaded when validation fails."""

from __future__ import annotations

import io
import tarfile
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import GitHub, make_sdist, make_wheel, metadata_text

from publisher.dists import load_all
from publisher.messages import Msg


def _truncate(path: Path, keep: float = 0.5) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: int(len(data) * keep)])


def missing_folder(d: Path) -> None:
    pass


def empty_folder(d: Path) -> None:
    d.mkdir()


def only_stray_files(d: Path) -> None:
    d.mkdir()
    (d / "notes.txt").write_text("x")


def folder_is_a_file(d: Path) -> None:
    d.write_text("x")


def dangling_link(d: Path) -> None:
    d.mkdir()
    (d / "example-1.0.0-py3-none-any.whl").symlink_to(d / "gone.whl")


def symlink_loop(d: Path) -> None:
    d.mkdir()
    (d / "example-1.0.0-py3-none-any.whl").symlink_to(d / "loop.whl")
    (d / "loop.whl").symlink_to(d / "example-1.0.0-py3-none-any.whl")


def empty_file(d: Path) -> None:
    d.mkdir()
    (d / "example-1.0.0-py3-none-any.whl").write_bytes(b"")


def truncated_wheel(d: Path) -> None:
    _truncate(make_wheel(d))


def truncated_sdist(d: Path) -> None:
    _truncate(make_sdist(d), 0.6)


def corrupt_sdist(d: Path) -> None:
    d.mkdir()
    (d / "example-1.0.0.tar.gz").write_bytes(b"\x1f\x8b not really gzip" * 20)


def wheel_without_metadata(d: Path) -> None:
    d.mkdir()
    with zipfile.ZipFile(d / "example-1.0.0-py3-none-any.whl", "w") as zf:
        zf.writestr("example/__init__.py", "")
        zf.writestr("example-1.0.0.dist-info/WHEEL", "Wheel-Version: 1.0\n")


def wheel_without_dist_info(d: Path) -> None:
    d.mkdir()
    with zipfile.ZipFile(d / "example-1.0.0-py3-none-any.whl", "w") as zf:
        zf.writestr("example/__init__.py", "")


def sdist_without_pkg_info(d: Path) -> None:
    d.mkdir()
    with tarfile.open(d / "example-1.0.0.tar.gz", "w:gz") as tf:
        for name in ("example-1.0.0/setup.py", "example-1.0.0/README"):
            tf.addfile(tarfile.TarInfo(name), io.BytesIO(b""))


def metadata_without_name(d: Path) -> None:
    make_wheel(d, metadata="Metadata-Version: 2.1\nVersion: 1.0.0\n")


def metadata_without_version(d: Path) -> None:
    make_wheel(d, metadata="Metadata-Version: 2.1\nName: example\n")


def metadata_version_2_0(d: Path) -> None:
    make_wheel(d, metadata=metadata_text("example", "1.0.0", Metadata_Version="2.0"))


def same_file_name_twice(d: Path) -> None:
    make_sdist(d)
    make_sdist(d, filename="EXAMPLE-1.0.0.tar.gz")


def zip_sdist(d: Path) -> None:
    d.mkdir()
    with zipfile.ZipFile(d / "example-1.0.0.zip", "w") as zf:
        zf.writestr("example-1.0.0/PKG-INFO", metadata_text("example", "1.0.0"))
        zf.writestr("example-1.0.0/example.py", "")


def two_sdists(d: Path) -> None:
    make_sdist(d)
    make_sdist(d, filename="example-1.0.0.0.tar.gz", metadata=metadata_text("example", "1.0.0.0"))


def sdist_version_not_normal(d: Path) -> None:
    make_sdist(d, filename="example-1.0.tar.gz", metadata=metadata_text("example", "1.0.0"))


def linux_wheel(d: Path) -> None:
    make_wheel(d, filename="example-1.0.0-cp312-cp312-linux_x86_64.whl")


def symlink_outside(d: Path) -> None:
    outside = make_wheel(d.parent / "elsewhere")
    d.mkdir()
    (d / outside.name).symlink_to(outside)


def name_differs(d: Path) -> None:
    make_wheel(d, metadata=metadata_text("other", "1.0.0"))


def version_differs(d: Path) -> None:
    make_wheel(d, metadata=metadata_text("example", "2.0.0"))


def filename_not_normalized(d: Path) -> None:
    make_sdist(d, filename="Example-1.0.0.tar.gz")


def local_version(d: Path) -> None:
    make_wheel(d, "example", "1.0.0+dirty")


def invalid_filename(d: Path) -> None:
    make_wheel(d, filename="example.whl")


def rst_does_not_render(d: Path) -> None:
    meta = metadata_text(
        "example",
        "1.0.0",
        Description_Content_Type="text/x-rst",
        Description="Title\n=====\n\n.. raw:: html\n\n   <script>x</script>\n\n`broken <\n",
    )
    make_wheel(d, metadata=meta)


def two_bad_files(d: Path) -> None:
    _truncate(make_wheel(d))
    make_sdist(d, metadata=metadata_text("example", "3.0"))


CASES: dict[str, tuple[Callable[[Path], None], Msg, str]] = {
    "missing folder": (missing_folder, Msg.DIR_MISSING, "does not exist"),
    "empty folder": (empty_folder, Msg.NO_DISTS, "No distributions to publish"),
    "only stray files": (only_stray_files, Msg.NO_DISTS, "notes.txt"),
    "folder is a file": (folder_is_a_file, Msg.DIR_NOT_FOLDER, "is a file, not a folder"),
    "dangling link": (dangling_link, Msg.UNREADABLE, "cannot be read"),
    "symlink loop": (symlink_loop, Msg.UNREADABLE, "cannot be read"),
    "empty file": (empty_file, Msg.EMPTY_FILE, "is empty (0 bytes)"),
    "truncated wheel": (truncated_wheel, Msg.CORRUPT_ARCHIVE, "not a readable archive"),
    "truncated sdist": (truncated_sdist, Msg.CORRUPT_ARCHIVE, "not a readable archive"),
    "corrupt sdist": (corrupt_sdist, Msg.CORRUPT_ARCHIVE, "not a readable archive"),
    "wheel without METADATA": (
        wheel_without_metadata,
        Msg.NO_METADATA_FILE,
        "holds no `example-1.0.0.dist-info/METADATA`",
    ),
    "wheel without its .dist-info": (
        wheel_without_dist_info,
        Msg.WHEEL_DIST_INFO,
        "WHEEL not found at",
    ),
    "sdist without PKG-INFO": (
        sdist_without_pkg_info,
        Msg.NO_METADATA_FILE,
        "holds no `example-1.0.0/PKG-INFO`",
    ),
    "metadata without Name": (
        metadata_without_name,
        Msg.METADATA_INVALID,
        "'name' is a required field",
    ),
    "metadata without Version": (
        metadata_without_version,
        Msg.METADATA_INVALID,
        "'version' is a required field",
    ),
    "metadata version 2.0": (
        metadata_version_2_0,
        Msg.METADATA_VERSION,
        "'2.0' is not a valid metadata version",
    ),
    "same file name twice": (
        same_file_name_twice,
        Msg.DUPLICATE_FILENAME,
        "same name on the index",
    ),
    "two sdists of a release": (two_sdists, Msg.TWO_SDISTS, "only one sdist per release"),
    "zip sdist": (zip_sdist, Msg.SDIST_NOT_TARGZ, "is a .zip sdist"),
    "sdist version not in normal form": (
        sdist_version_not_normal,
        Msg.SDIST_NAME_EXACT,
        "`example-1.0.0.tar.gz`",
    ),
    "linux_x86_64 wheel": (linux_wheel, Msg.WHEEL_PLATFORM, "`linux_x86_64`"),
    "symlink outside the folder": (symlink_outside, Msg.SYMLINK_ESCAPES, "outside"),
    "metadata name differs from file name": (
        name_differs,
        Msg.FILENAME_NAME_MISMATCH,
        "Name: other",
    ),
    "metadata version differs from file name": (
        version_differs,
        Msg.FILENAME_VERSION_MISMATCH,
        "Version: 2.0.0",
    ),
    "file name not normalized": (
        filename_not_normalized,
        Msg.SDIST_NAME_EXACT,
        "`example-1.0.0.tar.gz`",
    ),
    "local version": (local_version, Msg.LOCAL_VERSION, "local part"),
    "invalid file name": (invalid_filename, Msg.BAD_FILENAME, "valid distribution file name"),
    "description does not render": (
        rst_does_not_render,
        Msg.DESCRIPTION_DOES_NOT_RENDER,
        "does not render",
    ),
    "two bad files": (two_bad_files, Msg.MANY_PROBLEMS, "2 problems with the distributions"),
}


@pytest.mark.parametrize("case", CASES, ids=list(CASES))
def test_bad_input_is_a_named_error(case: str, github: GitHub) -> None:
    build, key, expected = CASES[case]
    build(github.dist)
    run = github.run()
    assert run.code == 1
    error = run.shows(key, "error")
    text = f"{error.title}\n{error.body}"
    assert expected in text
    assert "Fix" in text or "problems with the distributions" in text
    assert "`dist" in text  # every message names the file or folder, as the workspace has it
    assert github.index.state.requests == []  # nothing asked, nothing sent


def test_bad_dists_reach_no_index(github: GitHub) -> None:
    truncated_wheel(github.dist)
    run = github.run()
    assert run.code == 1
    assert "not a readable archive" in run.log
    assert "example-1.0.0-py3-none-any.whl" in run.log
    assert github.index.state.requests == []
    assert "Nothing was uploaded." in run.summary


def test_description_check_can_be_turned_off(tmp_path: Path) -> None:
    rst_does_not_render(tmp_path / "dist")
    dists, _ = load_all(tmp_path / "dist", verify_metadata=False)
    assert [d.name for d in dists] == ["example"]


def test_good_dists_are_read(tmp_path: Path) -> None:
    make_sdist(tmp_path, "My.Package", "1.0")
    make_wheel(tmp_path, "My.Package", "1.0")
    (tmp_path / "x.asc").write_text("")
    dists, ignored = load_all(tmp_path)
    assert [(d.kind, d.name, d.project, d.version) for d in dists] == [
        ("sdist", "My.Package", "my-package", "1.0"),
        ("wheel", "My.Package", "my-package", "1.0"),
    ]
    assert ignored == ["x.asc"]


def test_missing_description_is_a_warning(tmp_path: Path) -> None:
    make_wheel(tmp_path, metadata=metadata_text("example", "1.0.0", Description=""))
    dists, _ = load_all(tmp_path)
    assert "`long_description` missing" in dists[0].warnings[0]


def test_unreadable_folder_is_named(github: GitHub) -> None:
    make_wheel(github.dist)
    github.dist.chmod(0)
    try:
        run = github.run(unprivileged=True)
    finally:
        github.dist.chmod(0o755)
    assert run.code == 1
    run.shows(Msg.DIR_UNREADABLE, "error", path="dist", reason="Permission denied")
    assert github.index.state.requests == []


def test_metadata_too_large_is_named(github: GitHub) -> None:
    """A METADATA of over 10 MiB (it compresses to little): refused before it is read."""
    meta = metadata_text("example", "1.0.0", Description="x" * (10 << 20))
    wheel = make_wheel(github.dist, metadata=meta)
    run = github.run()
    assert run.code == 1
    run.shows(Msg.METADATA_TOO_LARGE, "error", path=f"dist/{wheel.name}")
    assert github.index.state.requests == []


def test_archive_that_is_also_a_tar_is_refused(github: GitHub) -> None:
    """A wheel with a tar archive before its ZIP records: a ZIP reader and a tar reader
    would each see other files, and the index refuses it."""
    wheel = make_wheel(github.dist)
    tarred = io.BytesIO()
    with tarfile.open(fileobj=tarred, mode="w") as tf:
        tf.addfile(tarfile.TarInfo("hidden.py"), io.BytesIO(b""))
    wheel.write_bytes(tarred.getvalue() + wheel.read_bytes())
    run = github.run()
    assert run.code == 1
    run.shows(Msg.ARCHIVE_POLYGLOT, "error", path=f"dist/{wheel.name}")
    assert github.index.state.requests == []
