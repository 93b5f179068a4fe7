"""PyPI's upload rules, one test each: what the index refuses is refused, with the rule's
message key and the file named; what it takes passes. Every case is a small real
distribution made by the helpers in conftest (the README's "PyPI's upload rules, and ours" lists the rules)."""

from __future__ import annotations

import io
import tarfile
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import ActionRun, GitHub, make_sdist, make_wheel, metadata_text, publisher_for_run

from publisher import indexrules, messages
from publisher.dists import load_dist
from publisher.messages import Msg, escape

Builder = Callable[[Path], Path]


def wheel(filename: str | None = None, **fields: str) -> Builder:
    """A wheel with these metadata fields (``Name`` and ``Version`` of example 1.0.0)."""
    return lambda d: make_wheel(
        d, filename=filename, metadata=metadata_text("example", "1.0.0", **fields)
    )


def sdist(**fields: str) -> Builder:
    return lambda d: make_sdist(d, metadata=metadata_text("example", "1.0.0", **fields))


def tagged(platform: str) -> Builder:
    return wheel(f"example-1.0.0-cp313-cp313-{platform}.whl")


def raw_wheel(metadata: str | bytes) -> Builder:
    return lambda d: make_wheel(d, metadata=metadata)


def old_metadata(version: str, *lines: str, body: str = "") -> str:
    head = f"Metadata-Version: {version}\nName: example\nVersion: 1.0.0\n" + "".join(
        f"{line}\n" for line in lines
    )
    return head + ("\n" + body if body else "")


# --- wheels with a bad archive -----------------------------------------------------------
def _rewrite(path: Path, change: Callable[[bytes], bytes]) -> Path:
    path.write_bytes(change(path.read_bytes()))
    return path


def trailing_data(d: Path) -> Path:
    return _rewrite(make_wheel(d), lambda b: b + b"junk")


def central_comment(d: Path) -> Path:
    path = make_wheel(d)
    data = path.read_bytes()
    cd = data.index(b"PK\x01\x02")
    # Give the first central directory entry a 1-byte comment, and fix the sizes so that
    # zipfile still reads the archive: only the framing check can then object.
    entry_name_len = int.from_bytes(data[cd + 28 : cd + 30], "little")
    entry_extra_len = int.from_bytes(data[cd + 30 : cd + 32], "little")
    end_of_entry = cd + 46 + entry_name_len + entry_extra_len
    patched = data[: cd + 32] + (1).to_bytes(2, "little") + data[cd + 34 : end_of_entry]
    patched += b"x" + data[end_of_entry:]
    eocd = patched.rindex(b"PK\x05\x06")
    size = int.from_bytes(patched[eocd + 12 : eocd + 16], "little") + 1
    patched = patched[: eocd + 12] + size.to_bytes(4, "little") + patched[eocd + 16 :]
    path.write_bytes(patched)
    return path


def data_descriptor(d: Path) -> Path:
    d.mkdir(parents=True, exist_ok=True)
    good = make_wheel(d / "src")
    buffer = io.BytesIO()

    class Unseekable(io.RawIOBase):
        def writable(self) -> bool:
            return True

        def write(self, b: bytes) -> int:  # type: ignore[override]
            return buffer.write(b)

    # zipfile writes data descriptors when it cannot seek back to fill in the sizes.
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(Unseekable(), "w") as out:
        for info in src.infolist():
            out.writestr(info.filename, src.read(info))
    path = d / good.name
    path.write_bytes(buffer.getvalue())
    return path


def bzip2_member(d: Path) -> Path:
    path = make_wheel(d, extra={"example/data.txt": b"x" * 100})
    with zipfile.ZipFile(path) as src:
        members = [(i.filename, src.read(i)) for i in src.infolist()]
    with zipfile.ZipFile(path, "w") as out:
        for name, data in members:
            method = zipfile.ZIP_BZIP2 if name == "example/data.txt" else zipfile.ZIP_DEFLATED
            out.writestr(name, data, compress_type=method)
    return path


def pyarmor(d: Path) -> Path:
    code = b"from pytransform import pyarmor\n__pyarmor__(__name__, __file__, b'...')\n"
    return make_wheel(d, extra={"example/secret.py": code})


def sourcedefender(d: Path) -> Path:
    code = b"---BEGIN PYE FILE---\nabc\n---END PYE FILE---\n"
    return make_sdist(d, extra={"example-1.0.0/secret.pye": code})


def decompression_bomb(d: Path) -> Path:
    return make_wheel(d, extra={"example/zeros.bin": bytes(65 << 20)})


def no_record(d: Path) -> Path:
    path = make_wheel(d)
    with zipfile.ZipFile(path) as src:
        members = [
            (i.filename, src.read(i)) for i in src.infolist() if not i.filename.endswith("RECORD")
        ]
    with zipfile.ZipFile(path, "w") as out:
        for name, data in members:
            out.writestr(name, data)
    return path


def entry_points(text: str) -> Builder:
    return lambda d: make_wheel(
        d, extra={"example-1.0.0.dist-info/entry_points.txt": text.encode()}
    )


def sdist_decoy_folder(d: Path) -> Path:
    """A PKG-INFO in a second top-level folder, first in the archive (the old code read it)."""
    path = make_sdist(d)
    with tarfile.open(path) as src:
        members = [(m, src.extractfile(m).read()) for m in src.getmembers()]  # type: ignore[union-attr]
    decoy = metadata_text("other", "6.6.6").encode()
    with tarfile.open(path, "w:gz") as out:
        info = tarfile.TarInfo("aaa-decoy/PKG-INFO")
        info.size = len(decoy)
        out.addfile(info, io.BytesIO(decoy))
        for member, data in members:
            out.addfile(member, io.BytesIO(data))
    return path


def sparse_member(d: Path) -> Path:
    path = make_sdist(d)
    with tarfile.open(path) as src:
        members = [(m, src.extractfile(m).read()) for m in src.getmembers()]  # type: ignore[union-attr]
    with tarfile.open(path, "w:gz", format=tarfile.GNU_FORMAT) as out:
        for member, data in members:
            out.addfile(member, io.BytesIO(data))
        sparse = tarfile.TarInfo("example-1.0.0/holes.bin")
        sparse.type = tarfile.GNUTYPE_SPARSE
        out.addfile(sparse, io.BytesIO(b""))
    return path


def license_file_sdist(present: bool) -> Builder:
    extra = {"example-1.0.0/LICENSE": b"MIT"} if present else {}
    meta = metadata_text("example", "1.0.0", License_Expression="MIT", License_File="LICENSE")
    return lambda d: make_sdist(d, metadata=meta, extra=extra)


def license_file_wheel(present: bool, version: str = "2.4") -> Builder:
    extra = {"example-1.0.0.dist-info/licenses/LICENSE": b"MIT"} if present else {}
    meta = metadata_text("example", "1.0.0", Metadata_Version=version, License_File="LICENSE")
    return lambda d: make_wheel(d, metadata=meta, extra=extra)


REFUSED: dict[str, tuple[Builder, str, str]] = {
    # platform tags
    "macosx_11_3_arm64": (tagged("macosx_11_3_arm64"), "wheel-platform", "`macosx_11_0_arm64`"),
    "macosx_16_0_arm64": (tagged("macosx_16_0_arm64"), "wheel-platform", "macOS 16 does not exist"),
    "macosx_10_9_arm65": (tagged("macosx_10_9_arm65"), "wheel-platform", "`arm65`"),
    "manylinux1_aarch64": (
        tagged("manylinux1_aarch64"),
        "wheel-platform",
        "`manylinux2014_aarch64`",
    ),
    "manylinux2010_aarch64": (tagged("manylinux2010_aarch64"), "wheel-platform", "x86_64 and i686"),
    "musllinux_1_2_ppc64": (
        tagged("musllinux_1_2_ppc64"),
        "wheel-platform",
        "musllinux wheels for",
    ),
    "linux_x86_64": (tagged("linux_x86_64"), "wheel-platform", "auditwheel repair"),
    "ios without sdk": (tagged("ios_13_0_arm64"), "wheel-platform", "`ios_13_0_arm64`"),
    "android armv7": (tagged("android_24_armv7"), "wheel-platform", "`android_24_armv7`"),
    "pyodide": (tagged("pyodide_2024_0_wasm32"), "wheel-platform", "pyemscripten"),
    # metadata, as the index validates the upload form
    "License-Expression under 2.1": (
        wheel(Metadata_Version="2.1", License_Expression="MIT"),
        "metadata-invalid",
        "license-expression introduced in metadata version 2.4",
    ),
    "unknown classifier": (
        wheel(Classifier="Programming Language :: Cobol 3"),
        "metadata-invalid",
        "is not a valid classifier",
    ),
    "deprecated classifier": (
        wheel(Classifier="Natural Language :: Ukranian"),
        "metadata-invalid",
        "has been deprecated, use one of ['Natural Language :: Ukrainian']",
    ),
    "home page without scheme": (
        wheel(Home_page="www.example.com"),
        "metadata-invalid",
        "'www.example.com' is not a valid url",
    ),
    "project URL label too long": (
        wheel(Project_URL="A label much longer than thirty-two characters, https://example.com"),
        "metadata-invalid",
        "must be 32 characters or less",
    ),
    "bad author e-mail": (
        wheel(Author_email="holger"),
        "metadata-invalid",
        "'holger' is not a valid email address",
    ),
    "direct URL dependency": (
        wheel(Requires_Dist="other @ https://example.com/other-1.0.tar.gz"),
        "metadata-invalid",
        "Can't have direct dependency",
    ),
    "summary too long": (wheel(Summary="x" * 513), "metadata-invalid", "512 characters or less"),
    "License and License-Expression": (
        wheel(License="MIT", License_Expression="MIT"),
        "metadata-invalid",
        "Only License-Expression should be present",
    ),
    "dynamic Name": (sdist(Dynamic="Name"), "metadata-invalid", "dynamic"),
    "name the index cannot take": (
        raw_wheel(old_metadata("2.1").replace("Name: example", "Name: -example-")),
        "metadata-invalid",
        "is an invalid value for Name",
    ),
    "local version": (
        lambda d: make_wheel(d, "example", "1.0.0+dirty"),
        "local-version",
        "The use of local versions in '1.0.0+dirty' is not allowed.",
    ),
    # archives
    "trailing data": (trailing_data, "zip-framing", "Trailing data"),
    "comment in central directory": (
        central_comment,
        "zip-framing",
        "Comment in central directory",
    ),
    "data descriptor": (data_descriptor, "zip-framing", "ZIP contains a data descriptor"),
    "bzip2 member": (bzip2_member, "archive-compression", "method 12"),
    "PyArmor code": (pyarmor, "archive-obfuscated", "PyArmor-encrypted"),
    "SourceDefender code": (sourcedefender, "archive-obfuscated", "SourceDefender-encrypted"),
    "decompression bomb": (decompression_bomb, "archive-ratio", "more than 50 times"),
    "sparse tar member": (sparse_member, "tar-sparse", "holes.bin"),
    "sdist with a decoy folder": (
        sdist_decoy_folder,
        "sdist-top-level",
        "aaa-decoy, example-1.0.0",
    ),
    "wheel .dist-info not as named": (
        lambda d: make_wheel(d, dist_info="Example-1.0.0.dist-info"),
        "wheel-dist-info",
        "WHEEL not found at example-1.0.0.dist-info/WHEEL",
    ),
    # file names
    "control character in file name": (
        lambda d: make_wheel(d, filename="exam\x01ple-1.0.0-py3-none-any.whl"),
        "filename-unsafe",
        "exam\\x01ple",
    ),
    "wheel name not normalized": (
        lambda d: make_wheel(d, filename="Example-1.0.0-py3-none-any.whl"),
        "filename-not-normalized",
        "starts with `Example`",
    ),
    "sdist post-release with a hyphen": (
        lambda d: make_sdist(
            d, filename="example-1.0-1.tar.gz", metadata=metadata_text("example", "1.0-1")
        ),
        "sdist-name-exact",
        "`example-1.0.post1.tar.gz`",
    ),
    # files a distribution must hold
    "License-File missing from sdist": (
        license_file_sdist(False),
        "license-file-missing",
        "`example-1.0.0/LICENSE`",
    ),
    # maturin wrote this for a crate in a workspace: the license at <top>/<crate>/LICENSE
    # (vl-convert-python 1.9.0.post1, uploaded with maturin, which does not send it).
    "License-File only in a subfolder of the sdist": (
        lambda d: make_sdist(
            d,
            metadata=metadata_text("example", "1.0.0", License_File="LICENSE"),
            extra={"example-1.0.0/crate/LICENSE": b"MIT"},
        ),
        "license-file-missing",
        "`maturin upload` for one",
    ),
    "License-File missing from wheel": (
        license_file_wheel(False),
        "license-file-missing",
        "`example-1.0.0.dist-info/licenses/LICENSE`",
    ),
    "no RECORD": (no_record, "wheel-record-missing", "example-1.0.0.dist-info/RECORD"),
    "bad entry point name": (
        entry_points("[console_scripts]\n../evil = example:main\n"),
        "wheel-entry-points",
        "Invalid entry point name '../evil'",
    ),
    "entry points not INI": (
        entry_points("[console_scripts]\na = b\n[console_scripts]\n"),
        "wheel-entry-points",
        "not a valid INI file",
    ),
}


@pytest.mark.parametrize("case", REFUSED, ids=list(REFUSED))
def test_the_index_would_refuse(case: str, github: GitHub) -> None:
    build, key, text = REFUSED[case]
    path = build(github.dist)
    run = github.run()
    assert run.code == 1
    error = run.shows(Msg(key), "error")
    message = f"{error.title}\n{error.body}"
    assert text in message
    assert escape(path.name) in message  # named, with anything odd in it escaped
    assert "Fix:" in message
    assert github.index.state.requests == []  # refused before anything is sent


ACCEPTED: dict[str, Builder] = {
    "pyemscripten_2026_0_wasm32": tagged("pyemscripten_2026_0_wasm32"),
    "pyemscripten_2025_0_wasm32": tagged("pyemscripten_2025_0_wasm32"),
    "macosx_11_0_arm64": tagged("macosx_11_0_arm64"),
    "macosx_26_0_arm64": tagged("macosx_26_0_arm64"),
    "macosx_10_9_x86_64": tagged("macosx_10_9_x86_64"),
    "macosx_10_13_universal2": tagged("macosx_10_13_universal2"),
    "manylinux1_x86_64": tagged("manylinux1_x86_64"),
    "manylinux_2_17_ppc64": tagged("manylinux_2_17_ppc64"),
    "musllinux_1_2_riscv64": tagged("musllinux_1_2_riscv64"),
    "linux_armv7l": tagged("linux_armv7l"),
    "ios_13_0_arm64_iphonesimulator": tagged("ios_13_0_arm64_iphonesimulator"),
    "android_24_arm64_v8a": tagged("android_24_arm64_v8a"),
    "win_arm64": tagged("win_arm64"),
    "compressed tag set": tagged("manylinux_2_17_x86_64.manylinux2014_x86_64"),
    "License-File under Metadata 2.1, not in the wheel": license_file_wheel(False, "2.1"),
    "License-File under Metadata 2.4, in the wheel": license_file_wheel(True),
    "License-File under Metadata 2.4, in the sdist": license_file_sdist(True),
    "version 1.0 in the name, 1.0.0 in the metadata": wheel("example-1.0-py3-none-any.whl"),
    "distutils UNKNOWN values": raw_wheel(
        old_metadata(
            "1.0",
            "Summary: UNKNOWN",
            "Home-page: UNKNOWN",
            "Author-email: UNKNOWN",
            "Platform: UNKNOWN",
        )
    ),
    "description in a folded header": raw_wheel(
        old_metadata("1.1", "Description: Title\n        =====\n        \n        Text.")
    ),
    "name with a space (twine sends Foo-Bar)": lambda d: make_wheel(
        d,
        filename="foo_bar-1.0.0-py3-none-any.whl",
        metadata=old_metadata("2.1").replace("example", "Foo Bar"),
    ),
    "unknown field (not sent)": wheel(Favourite_Colour="blue"),
    "summary not UTF-8 (not sent)": raw_wheel(
        old_metadata("2.1", "Summary: caf\xe9").encode("latin-1")
    ),
    "entry points with odd names elsewhere": entry_points("[my.plugins]\n../odd = example:main\n"),
}


@pytest.mark.parametrize("case", ACCEPTED, ids=list(ACCEPTED))
def test_the_index_would_accept(case: str, tmp_path: Path) -> None:
    load_dist(ACCEPTED[case](tmp_path / "dist"))


def test_license_file_under_2_1_is_not_sent(tmp_path: Path) -> None:
    dist = load_dist(license_file_wheel(False, "2.1")(tmp_path))
    assert "license_files" not in dist.raw_metadata


def test_license_file_from_2_4_is_sent(tmp_path: Path) -> None:
    dist = load_dist(license_file_wheel(True)(tmp_path))
    assert dist.raw_metadata["license_files"] == ["LICENSE"]


def test_a_folded_description_is_sent_unfolded(tmp_path: Path) -> None:
    meta = old_metadata("1.1", "Description: Title\n        =====\n        \n          indented")
    dist = load_dist(raw_wheel(meta)(tmp_path))
    assert dist.raw_metadata["description"] == "Title\n=====\n\n  indented"


def _publish(github: GitHub) -> ActionRun:
    """Run the action for the dists in ``github.dist``, to a project that trusts the run."""
    github.index.state.add_project("example", publisher_for_run(github.index))
    return github.run()


def test_fields_that_cannot_be_read_are_a_warning(github: GitHub) -> None:
    raw_wheel(old_metadata("2.1", "Summary: caf\xe9", "Colour: blue").encode("latin-1"))(
        github.dist
    )
    run = _publish(github)
    assert run.code == 0, run.log
    run.shows(Msg.WARN_FIELDS_DROPPED, "warning", fields="colour, summary")
    (form,) = github.index.state.forms
    assert "summary" not in form
    assert "colour" not in form
    assert form["name"] == "example"


def test_twine_check_warnings(github: GitHub) -> None:
    raw_wheel(old_metadata("2.1", "Summary: s", body="Plain text.\n"))(github.dist)
    run = _publish(github)
    assert run.code == 0, run.log
    run.shows(Msg.WARN_NO_CONTENT_TYPE, "warning")
    assert github.index.state.forms[0]["description"] == "Plain text.\n"


def test_missing_description_is_a_warning(github: GitHub) -> None:
    raw_wheel(old_metadata("2.1", "Description: UNKNOWN"))(github.dist)
    run = _publish(github)
    assert run.code == 0, run.log
    run.shows(Msg.WARN_NO_DESCRIPTION, "warning", path="dist/example-1.0.0-py3-none-any.whl")
    # No description, so nothing is rendered: its missing content type is not worth a
    # second warning (twine check gives both; protobuf's wheels have neither).
    assert messages.title(Msg.WARN_NO_CONTENT_TYPE, {}) not in run.log
    assert len(github.index.state.uploads) == 1


def test_missing_content_type_says_how_to_declare_either_format(github: GitHub) -> None:
    """Most files without a content type have a reST description (awscli's, say): the
    fix names both formats, not only Markdown."""
    raw_wheel(old_metadata("2.1", "Summary: s", body="Title\n=====\n\nText.\n"))(github.dist)
    run = _publish(github)
    assert run.code == 0, run.log
    warning = run.shows(Msg.WARN_NO_CONTENT_TYPE, "warning")
    assert 'readme = "README.rst"' in warning.body
    assert 'readme = "README.md"' in warning.body
    assert messages.title(Msg.WARN_NO_DESCRIPTION, {}) not in run.log


def test_record_that_differs_is_a_warning(github: GitHub) -> None:
    path = make_wheel(github.dist)
    with zipfile.ZipFile(path, "a") as zf:
        zf.writestr("example/unlisted.py", "")
    run = _publish(github)
    assert run.code == 0, run.log
    warning = run.shows(Msg.WARN_RECORD_MISMATCH, "warning", unlisted="example/unlisted.py")
    assert "emails" in warning.body
    assert github.index.state.uploads[0]["filename"] == path.name


def test_a_file_over_the_default_limit_is_a_warning(github: GitHub) -> None:
    """A wheel of 101 MiB (a stored member of zeros, not in RECORD: a warning too): the
    index takes it only from a project with a larger limit, so the dry run warns, and
    still passes."""
    path = make_wheel(github.dist)
    with zipfile.ZipFile(path, "a") as zf, zf.open("example/big.bin", "w") as member:
        chunk = bytes(1 << 20)
        for _ in range(101):
            member.write(chunk)
    run = github.run({"dry-run": "true"})
    assert run.code == 0, run.log
    run.reports(Msg.WARN_FILE_SIZE, "warning", path=f"dist/{path.name}", size=101)
    assert github.index.state.uploads == []


def test_the_index_names_the_metadata_version_first() -> None:
    problems = [("classifier", "c"), ("version", "v"), ("metadata-version", "m")]
    assert indexrules.reported(problems) == ("metadata-version", "m")
    assert indexrules.reported([("summary", "s"), ("classifier", "c")]) == ("classifier", "c")


@pytest.mark.parametrize(
    ("platform", "allowed"),
    [
        ("macosx_10_4_ppc", True),
        ("macosx_10_15_fat64", True),
        ("macosx_12_0_x86_64", True),
        ("macosx_15_0_arm64", True),
        ("macosx_11_3_arm64", False),
        ("macosx_16_0_arm64", False),
        ("macosx_25_0_arm64", False),
        ("manylinux1_aarch64", False),
        ("manylinux2014_riscv64", False),
        ("manylinux_2_39_riscv64", True),
        ("musllinux_1_1_ppc64le", True),
        ("ios_17_0_x86_64_iphonesimulator", True),
        ("ios_17_0_i386_iphonesimulator", False),
        ("android_21_x86", True),
        ("pyemscripten_2026_5_wasm32", True),
        ("emscripten_3_1_58_wasm32", False),
        ("win_ia64", True),
        ("win_arm32", False),
    ],
)
def test_platform_tags(platform: str, allowed: bool) -> None:
    assert indexrules.platform_allowed(platform) is allowed
