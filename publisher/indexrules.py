"""PyPI's upload rules that need no archive: wheel platform tags, the metadata as the
index receives it and the checks it adds to ``packaging``'s, entry points, RECORD, and
the patterns of the obfuscated code it refuses.

Each rule states the condition of Warehouse's upload view (``warehouse/forklift/``,
``warehouse/utils/wheel.py``), written afresh here; ``docs/upload-rules.md`` maps them
one to one. Nothing here reads a file: :mod:`publisher.dists`
does, and asks.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from packaging.metadata import RawMetadata

# --- wheel platform tags -------------------------------------------------------------
# Tags with no version in them, taken as they are.
FIXED_PLATFORMS = frozenset(
    {
        "any",
        "win32",
        "win_arm64",
        "win_amd64",
        "win_ia64",
        "manylinux1_x86_64",
        "manylinux1_i686",
        "manylinux2010_x86_64",
        "manylinux2010_i686",
        "manylinux2014_x86_64",
        "manylinux2014_i686",
        "manylinux2014_aarch64",
        "manylinux2014_armv7l",
        "manylinux2014_ppc64",
        "manylinux2014_ppc64le",
        "manylinux2014_s390x",
        "linux_armv6l",
        "linux_armv7l",
    }
)
MACOS_ARCHES = frozenset(
    {"ppc", "ppc64", "i386", "x86_64", "arm64", "intel", "fat", "fat3", "fat64"}
    | {"universal", "universal2"}
)
# macOS 10.x counts minors (macosx_10_9_…); from 11 on only the major moves, so the
# minor must be 0. The majors are the ones Python.org has shipped for: 15 was followed
# by 26, so 16 to 25 never existed.
MACOS_MAJORS = frozenset({"11", "12", "13", "14", "15", "26"})
LINUX_ARCHES = frozenset({"x86_64", "i686", "aarch64", "armv7l", "ppc64le", "s390x", "riscv64"})
MANYLINUX_ARCHES = LINUX_ARCHES | {"ppc64"}
IOS_ARCHES = frozenset({"arm64", "x86_64"})
ANDROID_ARCHES = frozenset({"armeabi_v7a", "arm64_v8a", "x86", "x86_64"})
# re.match, not fullmatch, on purpose: these are the index's own patterns.
_MACOS = re.compile(r"macosx_(?P<major>\d+)_(?P<minor>\d+)_(?P<arch>.*)")
_LINUX = re.compile(r"(?P<libc>many|musl)linux_(\d+)_(\d+)_(?P<arch>.*)")
_IOS = re.compile(r"ios_(\d+)_(\d+)_(?P<arch>.*)_(iphoneos|iphonesimulator)")
_ANDROID = re.compile(r"android_(\d+)_(?P<arch>.*)")
_PYEMSCRIPTEN = re.compile(r"pyemscripten_(\d+)_(\d+)_wasm32")


def platform_allowed(platform: str) -> bool:
    """Whether the index takes a wheel with this platform tag."""
    if platform in FIXED_PLATFORMS:
        return True
    if m := _MACOS.match(platform):
        arch_ok = m["arch"] in MACOS_ARCHES
        if m["major"] == "10":
            return arch_ok
        return arch_ok and m["major"] in MACOS_MAJORS and m["minor"] == "0"
    if m := _LINUX.match(platform):
        return m["arch"] in (LINUX_ARCHES if m["libc"] == "musl" else MANYLINUX_ARCHES)
    if (m := _IOS.match(platform)) and m["arch"] in IOS_ARCHES:
        return True
    if (m := _ANDROID.match(platform)) and m["arch"] in ANDROID_ARCHES:
        return True
    return bool(_PYEMSCRIPTEN.match(platform))


def platform_hint(platform: str) -> str:
    """Why the index refuses ``platform``, and the tag to use instead where there is one."""
    if m := _MACOS.match(platform):
        major, minor, arch = m["major"], m["minor"], m["arch"]
        if arch not in MACOS_ARCHES:
            return f"`{arch}` is not a macOS architecture the index knows"
        if major not in MACOS_MAJORS:
            return (
                f"macOS {major} does not exist for the index (after 15 came 26); "
                "set MACOSX_DEPLOYMENT_TARGET to a released version"
            )
        return (
            f"from macOS 11 on the tag names the major version only: use "
            f"`macosx_{major}_0_{arch}`, not `…_{major}_{minor}_…` "
            f"(MACOSX_DEPLOYMENT_TARGET={major}.0)"
        )
    if platform.startswith("manylinux1_") or platform.startswith("manylinux2010_"):
        arch = platform.split("_", 1)[1]
        return (
            f"{platform.split('_')[0]} covers only x86_64 and i686; for {arch} use "
            f"`manylinux2014_{arch}` or `manylinux_2_17_{arch}`"
        )
    if platform.startswith("linux_"):
        return (
            "a plain linux wheel is not portable; repair it with `auditwheel repair` "
            "(manylinux or musllinux tag) or build it with cibuildwheel"
        )
    if m := _LINUX.match(platform):
        return f"the index takes {m['libc']}linux wheels for {', '.join(sorted(LINUX_ARCHES))}"
    return "the index takes win, manylinux, musllinux, macosx, ios, android and pyemscripten tags"


# --- the metadata the index receives ---------------------------------------------------
# What twine sends of each field, under the form name the index reads back (twine's
# PackageFile.metadata_dictionary): fields not named here are not sent at all.
SENT_FIELDS = (
    "metadata_version",
    "name",
    "version",
    "platforms",
    "summary",
    "description",
    "keywords",
    "home_page",
    "author",
    "author_email",
    "license",
    "supported_platforms",
    "download_url",
    "classifiers",
    "requires",
    "provides",
    "obsoletes",
    "maintainer",
    "maintainer_email",
    "requires_dist",
    "provides_dist",
    "obsoletes_dist",
    "requires_python",
    "requires_external",
    "project_urls",
    "description_content_type",
    "provides_extra",
    "dynamic",
    "license_expression",
    "license_files",
)
SUMMARY_LIMIT = 512
PROJECT_URL_LABEL_LIMIT = 32
# Fields a sdist may mark Dynamic (PEP 643, and PEP 794 for the import names).
DYNAMIC_ALLOWED = frozenset(
    f.lower()
    for f in [
        "Platform",
        "Supported-Platform",
        "Summary",
        "Description",
        "Description-Content-Type",
        "Keywords",
        "Home-Page",
        "Download-Url",
        "Author",
        "Author-Email",
        "Maintainer",
        "Maintainer-Email",
        "License",
        "License-Expression",
        "License-File",
        "Classifier",
        "Requires-Dist",
        "Requires-Python",
        "Requires-External",
        "Project-Url",
        "Provides-Extra",
        "Provides-Dist",
        "Obsoletes-Dist",
        "Requires",
        "Provides",
        "Obsoletes",
        "Import-Name",
        "Import-Namespace",
    ]
)
SUPPORTED_METADATA_VERSIONS = ("1.0", "1.1", "1.2", "2.1", "2.2", "2.3", "2.4", "2.5")
PROJECT_NAME = re.compile(r"^([A-Z0-9]|[A-Z0-9][A-Z0-9._-]*[A-Z0-9])\Z", re.IGNORECASE | re.ASCII)


def safe_name(name: str) -> str:
    """The name twine sends: runs outside ``[A-Za-z0-9.]`` become ``-``."""
    return re.sub(r"[^A-Za-z0-9.]+", "-", name)


def unfold_description(description: str) -> str:
    """A description written as a header (Metadata 1.x) without its folding: the
    continuation lines carry 8 spaces, or 7 and a ``|``, that are not part of the text.
    This is how setuptools and pkginfo read it back; packaging does not, and the index
    would render the indented text (and refuse it when it breaks as reST)."""
    first, _, rest = description.partition("\n")
    if not rest:
        return description.strip()
    lines = rest.split("\n")
    if all(line.startswith("       |") or not line.strip() for line in lines):
        return first.lstrip() + "\n" + "\n".join(line[8:] for line in lines)
    return first.lstrip() + "\n" + textwrap.dedent(rest)


def index_view(sent: RawMetadata) -> dict[str, Any]:
    """The raw metadata as the index rebuilds it from the upload form: the name made
    safe, every field whose (last) value is ``UNKNOWN`` dropped (distutils wrote that
    for missing values), empty values dropped, keywords split again at commas."""
    view: dict[str, Any] = {}
    for key in SENT_FIELDS:
        if key not in sent:
            continue
        value: Any = sent[key]  # type: ignore[literal-required]
        if key == "name":
            value = safe_name(value)
        if key == "keywords":
            value = ", ".join(value)
        form_values = (
            [f"{k}, {v}" for k, v in value.items()]
            if key == "project_urls"
            else (value if isinstance(value, list) else [value])
        )
        if not form_values or form_values[-1].strip() == "UNKNOWN" or form_values == [""]:
            continue
        if key == "keywords":
            value = [k.strip() for k in value.split(",")]
        view[key] = value
    return view


def extra_problems(meta: Any) -> list[tuple[str, str]]:
    """The index's own metadata rules, on top of packaging's: (field, problem) pairs in
    the order the index finds them. ``meta`` is a validated packaging Metadata."""
    problems: list[tuple[str, str]] = []
    if meta.metadata_version not in SUPPORTED_METADATA_VERSIONS:
        problems.append(
            ("metadata-version", f"{meta.metadata_version!r} is not a valid metadata version")
        )
    if meta.version.local:
        problems.append(
            ("version", f"The use of local versions in '{meta.version}' is not allowed.")
        )
    if isinstance(meta.summary, str) and len(meta.summary) > SUMMARY_LIMIT:
        problems.append(("summary", f"'summary' field must be {SUMMARY_LIMIT} characters or less."))
    for field in ("author_email", "maintainer_email"):
        if (value := getattr(meta, field)) is not None and (problem := _email_problem(value)):
            problems.append((field.replace("_", "-"), problem))
    problems.extend(("classifier", p) for p in _classifier_problems(meta.classifiers or []))
    for field, name in (("home_page", "home-page"), ("download_url", "download-url")):
        if (url := getattr(meta, field)) is not None and not _valid_url(url):
            problems.append((name, f"{url!r} is not a valid url."))
    for label, url in (meta.project_urls or {}).items():
        if not label:
            problems.append(("project-url", "Must have a label"))
        elif len(label) > PROJECT_URL_LABEL_LIMIT:
            problems.append(
                ("project-url", f"{label!r} must be {PROJECT_URL_LABEL_LIMIT} characters or less.")
            )
        elif not url:
            problems.append(("project-url", "Must have a URL"))
        elif not _valid_url(url):
            problems.append(("project-url", f"{url!r} is not a valid url"))
    problems.extend(_requirement_problems(meta))
    for key in meta.dynamic or []:
        if key not in DYNAMIC_ALLOWED:
            problems.append(("dynamic", f"Dynamic field {key!r} is not a valid dynamic field."))
    if meta.license and meta.license_expression:
        problems.append(
            (
                "license",
                "License is deprecated when License-Expression is present. "
                "Only License-Expression should be present.",
            )
        )
    return problems


def _email_problem(value: str) -> str | None:
    import email.utils

    _, address = email.utils.parseaddr(value)
    if not address:
        return None
    import email_validator

    try:
        email_validator.validate_email(address, check_deliverability=False)
    except email_validator.EmailNotValidError as exc:
        return f"{address!r} is not a valid email address: {exc}"
    return None


def _classifier_problems(classifiers: Iterable[str]) -> list[str]:
    import trove_classifiers

    given = set(classifiers)
    known = set(trove_classifiers.all_classifiers)
    problems = [f"{c!r} is not a valid classifier." for c in sorted(given - known)]
    deprecated: dict[str, list[str]] = trove_classifiers.deprecated_classifiers
    for classifier in sorted(given & deprecated.keys()):
        if replacements := deprecated[classifier]:
            problems.append(
                f"The classifier {classifier!r} has been deprecated, use one of "
                f"{replacements} instead."
            )
        else:
            problems.append(f"The classifier {classifier!r} has been deprecated.")
    return problems


def _valid_url(url: str) -> bool:
    """http(s) with a scheme; a host is not required (the index's own test)."""
    from rfc3986 import exceptions, uri_reference, validators

    validator = (
        validators.Validator()
        .allow_schemes("http", "https")
        .require_presence_of("scheme")
        .check_validity_of("scheme", "host", "port", "path", "query")
    )
    try:
        validator.validate(uri_reference(url).normalize())
    except exceptions.ValidationError:
        return False
    return True


def _requirement_problems(meta: Any) -> list[tuple[str, str]]:
    from packaging.requirements import InvalidRequirement, Requirement

    problems: list[tuple[str, str]] = []
    for field, name in (("provides_dist", "provides-dist"), ("obsoletes_dist", "obsoletes-dist")):
        for text in getattr(meta, field) or []:
            try:
                req = Requirement(text)
            except InvalidRequirement as exc:
                problems.append((name, f"{text!r} is invalid: {exc}"))
            else:
                if req.url is not None:
                    problems.append((name, f"Can't have direct dependency: {text!r}"))
    for req in meta.requires_dist or []:
        if req.url is not None:
            problems.append(("requires-dist", f"Can't have direct dependency: {req}"))
    return problems


def reported(problems: list[tuple[str, str]]) -> tuple[str, str]:
    """The one problem the index names in its answer: the metadata version, the name or
    the version first, else the field first in alphabetical order."""
    by_field: dict[str, str] = {}
    for field, problem in problems:
        by_field.setdefault(field, problem)
    for field in ("metadata-version", "name", "version"):
        if field in by_field:
            return field, by_field[field]
    field = sorted(by_field)[0]
    return field, by_field[field]


# --- wheel contents -----------------------------------------------------------------------
_ENTRY_POINT_NAME = re.compile(r"[\w.-]+")


def entry_points_problem(data: bytes) -> str | None:
    """What the index finds wrong in ``entry_points.txt``: it must be UTF-8 and an INI
    file with ``=`` as the delimiter, and script names must be plain names."""
    import configparser

    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return "entry_points.txt is not decodable as UTF-8"

    class CaseSensitive(configparser.ConfigParser):
        def optionxform(self, optionstr: str) -> str:
            return optionstr

    parser = CaseSensitive(delimiters=("=",))
    try:
        parser.read_string(text)
    except configparser.Error as exc:
        return f"entry_points.txt is not a valid INI file: {exc!r}"
    for section in ("console_scripts", "gui_scripts"):
        if section not in parser:
            continue
        for name in parser[section]:
            if _ENTRY_POINT_NAME.fullmatch(name) is None:
                return f"Invalid entry point name {name!r} in {section!r}"
    return None


def record_difference(
    lines: Iterable[bytes], files: set[str], longest: int, most: int
) -> tuple[list[str], list[str]] | None:
    """How a RECORD differs from the wheel's ``files``: the first few files it does not
    list, and the first few entries that are no file (sorted); None when the index
    cannot read it (not UTF-8, not CSV, an empty row, which its reader fails on, or a
    line longer than ``longest``). Read a line at a time, holding no more than the set
    of files (taken apart as the RECORD lists them) and a few names, and no further
    than ``most`` rows (one of many more rows than files differs from them anyway:
    twelve million took half a minute)."""
    import csv

    def text() -> Iterator[str]:
        for line in lines:
            if len(line) > longest:
                raise ValueError("line too long")
            yield from line.decode("utf-8").splitlines()

    unlisted = set(files)
    absent: set[str] = set()  # the least few entries that are no file
    try:
        for count, row in enumerate(csv.reader(text())):
            if not row:
                return None
            if count >= most:
                break
            entry = row[0].replace("\\", "/")
            unlisted.discard(entry)
            if entry not in files:
                absent.add(entry)
                if len(absent) > RECORD_SHOWN:
                    absent.remove(max(absent))
    except (UnicodeDecodeError, ValueError, csv.Error):
        return None
    return sorted(unlisted)[:RECORD_SHOWN], sorted(absent)


RECORD_SHOWN = 5  # names a RECORD mismatch shows, each way


# --- obfuscated code (the index's YARA rules, which are plain string matches) ---------------
SCANNED_SUFFIXES = (".py", ".pye")
SCAN_LIMIT = 5 << 20  # larger members are not scanned
# Each string is split in two: the index scans the .py files of our own dists too, and
# would refuse this file if it held them whole (tests/test_packaging.py checks it).
OBFUSCATION_RULES: tuple[tuple[str, tuple[bytes, ...], bool], ...] = (
    # (tool, strings, all of them needed?)
    (
        "PyArmor",
        (
            b"__pyarmor" + b"__(__name__, __file__,",
            b"__pyarmor" + b"_enter__",
            b"__pyarmor" + b"_exit__",
            b"__pyarmor" + b"_assert__",
            b"__pyarmor" + b"_bcc__",
        ),
        False,
    ),
    ("SourceDefender", (b"---BEGIN PYE" + b" FILE---", b"---END PYE" + b" FILE---"), True),
)


def obfuscation(data: bytes) -> str | None:
    """The tool whose encrypted code ``data`` holds, if the index would say so."""
    for tool, strings, need_all in OBFUSCATION_RULES:
        found = (s in data for s in strings)
        if all(found) if need_all else any(found):
            return tool
    return None
