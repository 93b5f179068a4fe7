"""Where things are on a Warehouse-compatible index, and the read-only questions we ask
it: does a project exist, which files does it have, with which sha256."""

from __future__ import annotations

import html
import re
import time
import uuid
from dataclasses import dataclass, field
from enum import Enum
from functools import cached_property
from typing import TYPE_CHECKING
from urllib.parse import quote, urlencode, urlsplit

from publisher import messages
from publisher.errors import IndexServerError, InputError
from publisher.http import MAX_PAGE
from publisher.messages import Msg, Url
from publisher.urls import check_url, redacted

if TYPE_CHECKING:
    from packaging.version import Version
    from requests import Response

    from publisher.http import Http

SIMPLE_JSON = "application/vnd.pypi.simple.v1+json"
# Known hosts whose read API lives elsewhere than the upload endpoint.
READ_HOSTS = {"upload.pypi.org": "pypi.org"}
# Last path segments that name the upload endpoint itself, beside the simple API:
# Warehouse's `/legacy/` (its simple API is `/simple/` next to it) and Azure Artifacts'
# `…/pypi/upload/` (`…/pypi/simple/`).
UPLOAD_SEGMENTS = {"legacy", "upload"}
# devpi-server sends this header with every answer. Its simple API is not `simple/`
# under the index but `+simple/` (upload to `/<user>/<index>/`, read
# `/<user>/<index>/+simple/`), and nothing in the URL tells devpi from other indexes
# with two-segment paths (Nexus `/repository/<repo>/`, Artifact Registry
# `/<project>/<repo>/`), so the first answer tells.
DEVPI_HEADER = "X-Devpi-Server-Version"


# PyPI's and TestPyPI's hosts, and where each takes uploads.
PYPI_UPLOADS = {
    "upload.pypi.org": "https://upload.pypi.org/legacy/",
    "pypi.org": "https://upload.pypi.org/legacy/",
    "test.pypi.org": "https://test.pypi.org/legacy/",
}
DEFAULT_PORTS = {"https": 443, "http": 80}


@dataclass(frozen=True)
class Index:
    """The endpoints of one index, derived from its upload URL.

    ``upload_url`` is that URL in one spelling, for comparisons and for deriving the
    other endpoints; ``written`` is ``repository-url`` exactly as the user wrote it,
    where uploads go (twine posts to the URL as given: Jazzband's index routes
    ``/projects/<name>/upload`` and answers 404 to ``…/upload/``) and what messages
    quote."""

    upload_url: str
    written: str = ""  # as the user wrote it; empty: ``upload_url`` was written

    def __post_init__(self) -> None:
        check_url(self.upload_url, "repository-url")

    @classmethod
    def from_input(cls, url: str) -> Index:
        """The index ``repository-url`` names. Its one spelling has the scheme and host
        in lower case, no default port, no trailing dot and a final ``/``. PyPI and
        TestPyPI take uploads at `/legacy/` only (they answer `/legacy` with a
        redirect, which no upload follows): any other path there is refused now,
        before it sends a token to a page that cannot take it."""
        check_url(url, "repository-url")  # credentials first: the URL is echoed below
        parts = urlsplit(url)
        if parts.query or parts.fragment:
            reason = messages.phrase(Msg.URL_HAS_QUERY)
            raise InputError(
                Msg.URL_INVALID, url=redacted(url), what="repository-url", reason=reason
            )
        scheme = parts.scheme.lower()
        host = (parts.hostname or "").rstrip(".")
        netloc = f"[{host}]" if ":" in host else host
        if parts.port not in (None, DEFAULT_PORTS[scheme]):
            netloc += f":{parts.port}"
        path = parts.path if parts.path.endswith("/") else parts.path + "/"
        expected = PYPI_UPLOADS.get(host)
        if expected and path != "/legacy/":
            default = messages.phrase(Msg.URL_PYPI_DEFAULT) if host != "test.pypi.org" else ""
            raise InputError(
                Msg.URL_PYPI_PATH, url=url, host=host, expected=expected, default=default
            )
        return cls(f"{scheme}://{netloc}{path}", url)

    @property
    def given(self) -> str:
        """``repository-url`` in the user's own spelling, for messages."""
        return self.written or self.upload_url

    @property
    def post_url(self) -> str:
        """Where uploads are sent: the URL exactly as written, but for PyPI and
        TestPyPI, whose one upload URL is `/legacy/`."""
        return self.upload_url if self.is_pypi else self.given

    @property
    def _parts(self) -> tuple[str, str]:
        parts = urlsplit(self.upload_url)
        return parts.scheme, parts.netloc

    @property
    def host(self) -> str:
        """The upload endpoint's host name."""
        return urlsplit(self.upload_url).hostname or ""

    @property
    def host_url(self) -> str:
        """Scheme and host of the upload endpoint: audience and mint live there too."""
        scheme, netloc = self._parts
        return f"{scheme}://{netloc}"

    @property
    def read_url(self) -> str:
        """Scheme and host of the read APIs and the web pages."""
        scheme, netloc = self._parts
        return f"{scheme}://{READ_HOSTS.get(netloc, netloc)}"

    @property
    def is_pypi(self) -> bool:
        """pypi.org or test.pypi.org, which take no passwords, only tokens."""
        return self._parts[1] in {"upload.pypi.org", "pypi.org", "test.pypi.org"}

    @property
    def audience_url(self) -> str:
        """``GET`` here gives the audience the OIDC token must be made for."""
        return f"{self.host_url}/_/oidc/audience"

    @property
    def mint_url(self) -> str:
        """``POST`` the OIDC token here to get an upload token."""
        return f"{self.host_url}/_/oidc/mint-token"

    @property
    def burn_url(self) -> str:
        """``POST`` an upload token here to revoke it (Warehouse, since 2026)."""
        return f"{self.host_url}/_/oidc/burn-token"

    @property
    def simple_base(self) -> str:
        """The root of the simple API, from the upload URL's path: `simple/` beside a
        last segment `legacy` or `upload` (Warehouse, Azure), `simple/` under it
        otherwise (pypiserver at `/` or under a prefix, Nexus, Artifactory, GitLab,
        Gitea, CodeArtifact, Artifact Registry). devpi: :attr:`devpi_simple_base`."""
        scheme, netloc = self._parts
        segments = [s for s in urlsplit(self.upload_url).path.split("/") if s]
        if segments and segments[-1] in UPLOAD_SEGMENTS:
            segments.pop()
        path = "".join(f"{s}/" for s in segments)
        return f"{scheme}://{READ_HOSTS.get(netloc, netloc)}/{path}simple/"

    @property
    def devpi_simple_base(self) -> str:
        """The simple API of a devpi index: `+simple/` under the upload URL."""
        parts = urlsplit(self.upload_url)
        return f"{parts.scheme}://{parts.netloc}{parts.path.rstrip('/')}/+simple/"

    def simple_url(self, project: str, *, devpi: bool = False) -> str:
        """The simple API page of ``project`` (normalized name); ``devpi`` for an
        index that answered as devpi-server does."""
        base = self.devpi_simple_base if devpi else self.simple_base
        return f"{base}{project}/"

    def project_url(self, project: str) -> Url:
        """The project's page for people."""
        label = messages.title(Msg.LINK_PROJECT, {"project": project}, markdown=True)
        return Url(f"{self.read_url}/project/{quote(project)}/", label)

    def release_url(self, project: str, version: str) -> Url:
        """The release's page for people (Warehouse's layout, as for the project)."""
        label = messages.title(Msg.LINK_RELEASE, {"release": f"{project} {version}"}, markdown=True)
        return Url(f"{self.read_url}/project/{quote(project)}/{quote(version)}/", label)

    def files_url(self, project: str, version: str) -> str:
        """The release page's list of files, where each file's links and hashes are."""
        return f"{self.release_url(project, version)}#files"

    def publishing_settings_url(self, project: str) -> Url:
        """Where a project's owners manage its trusted publishers."""
        label = messages.title(Msg.LINK_SETTINGS, {"project": project}, markdown=True)
        return Url(f"{self.read_url}/manage/project/{quote(project)}/settings/publishing/", label)

    def register_publisher_url(self, publisher: dict[str, str], project: str | None) -> Url:
        """A link to the form that adds a publisher, pre-filled with ``publisher``'s fields;
        with ``project`` None, the account-level form for a pending publisher."""
        query = {"provider": "github", **{k: v for k, v in publisher.items() if v}}
        if project is None:
            name = publisher.get("project_name")
            fields = {"project": name} if name else {}
            label = messages.title(
                Msg.LINK_PENDING if name else Msg.LINK_PENDING_ANY, fields, markdown=True
            )
            return Url(f"{self.read_url}/manage/account/publishing/?{urlencode(query)}", label)
        label = messages.title(Msg.LINK_ADD_PUBLISHER, {"project": project}, markdown=True)
        return Url(f"{self.publishing_settings_url(project)}?{urlencode(query)}", label)


@dataclass(frozen=True)
class ProjectState:
    """What the index has of one project. ``exists`` is None when the index's answer
    could not be read (then ``problem`` says why): the pre-checks are advisory."""

    exists: bool | None
    files: dict[str, str]  # file name -> sha256 ('' when the index gives none)
    problem: str = ""
    # file name -> when it was uploaded (unix time), where the index says (PEP 700)
    uploaded: dict[str, float] = field(default_factory=dict)
    # file name -> its provenance URL, or None for a file without one, where the index
    # says (PEP 740's `provenance` key; Warehouse's integrity API)
    provenance: dict[str, str | None] = field(default_factory=dict)

    @cached_property
    def releases(self) -> dict[tuple[str, Version], dict[str, bool]]:
        """The index's files by release (normalized name, version), each file name with
        whether it is an sdist; read once, however many dists are checked against it."""
        grouped: dict[tuple[str, Version], dict[str, bool]] = {}
        for name in self.files:
            found = release_of(name)
            if found is not None:
                grouped.setdefault((found[0], found[1]), {})[name] = found[2]
        return grouped


class FileStatus(Enum):
    """How a local file compares with what the index has under its name."""

    NEW = "new"
    SAME = "same"  # same name, same sha256: already published
    DIFFERENT = "different"  # same name, other content: can never be uploaded
    UNKNOWN = "unknown"  # same name, but the index gave no sha256 to compare


def compare(state: ProjectState, filename: str, sha256: str) -> FileStatus:
    """Compare a local file with the index's file of the same name."""
    remote = state.files.get(filename)
    if remote is None:
        return FileStatus.NEW
    if not remote:
        return FileStatus.UNKNOWN
    # Hex digests: the case carries no meaning (some indexes write upper case).
    return FileStatus.SAME if remote.lower() == sha256.lower() else FileStatus.DIFFERENT


def project_state(http: Http, index: Index, project: str, *, fresh: bool = False) -> ProjectState:
    """Ask the simple API about ``project``. A project made by a pending publisher has no
    releases: the JSON API says 404 for it, the simple API 200, so we ask the latter.
    ``fresh`` asks past caches (a new query string, ``Cache-Control: no-cache``)."""
    headers = {"Accept": SIMPLE_JSON}
    if fresh:
        headers["Cache-Control"] = "no-cache"
    try:
        url, response = _get_simple(http, index.simple_url(project), project, headers, fresh)
        if DEVPI_HEADER in response.headers:
            # devpi answers `<index>/simple/<project>/` with a 404 of its own (it reads it
            # as project `simple`): ask where devpi keeps the page.
            url, response = _get_simple(
                http, index.simple_url(project, devpi=True), project, headers, fresh
            )
    except IndexServerError as exc:  # too large, too slow, no answer: the check is advisory
        return ProjectState(None, {}, exc.title)
    if response.status_code == 404:
        return ProjectState(exists=False, files={})
    if response.status_code != 200:
        problem = messages.phrase(Msg.INDEX_PROBLEM_STATUS, url=url, status=response.status_code)
        return ProjectState(None, {}, problem)
    uploaded: dict[str, float] = {}
    provenance: dict[str, str | None] = {}
    files = (
        _json_files(response.content, uploaded, provenance)
        if "json" in response.headers.get("Content-Type", "")
        else _html_files(response.text)
    )
    if files is None:
        return ProjectState(None, {}, messages.phrase(Msg.INDEX_PROBLEM_PAGE, url=url))
    return ProjectState(exists=True, files=files, uploaded=uploaded, provenance=provenance)


def _get_simple(
    http: Http, url: str, project: str, headers: dict[str, str], fresh: bool
) -> tuple[str, Response]:
    """``GET`` one simple page (past caches if ``fresh``): the URL asked and the answer."""
    if fresh:
        url += f"?nocache={uuid.uuid4().hex}"
    what = messages.phrase(Msg.DOING_LOOKUP, project=project)
    response = http.request("GET", url, what=what, headers=headers, max_body=MAX_PAGE)
    return url, response


def _json_files(
    body: bytes, uploaded: dict[str, float], provenance: dict[str, str | None]
) -> dict[str, str] | None:
    """File names and sha256 from a PEP 691 JSON page, or None if it is not one; the
    upload time of each file that has one goes into ``uploaded``, and its provenance
    URL (or None) into ``provenance`` where the page says (PEP 740)."""
    from . import safejson

    try:
        data = safejson.loads(body)
    except ValueError:
        return None
    entries = data.get("files") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        return None
    files: dict[str, str] = {}
    for entry in entries:
        if isinstance(entry, dict) and isinstance(entry.get("filename"), str):
            hashes = entry.get("hashes")
            sha = hashes.get("sha256") if isinstance(hashes, dict) else None
            files[entry["filename"]] = sha if isinstance(sha, str) else ""
            when = _timestamp(entry.get("upload-time"))
            if when is not None:
                uploaded[entry["filename"]] = when
            if "provenance" in entry:
                url = entry["provenance"]
                provenance[entry["filename"]] = url if isinstance(url, str) and url else None
    return files


def _timestamp(value: object) -> float | None:
    """An ISO 8601 time (PEP 700's ``upload-time``) as unix time, or None."""
    from datetime import UTC, datetime

    if not isinstance(value, str):
        return None
    try:
        when = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return (when if when.tzinfo else when.replace(tzinfo=UTC)).timestamp()


_HREF = re.compile(r"""\shref\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))""", re.IGNORECASE)
_SHA256 = re.compile(r"#sha256=([0-9a-fA-F]{64})")


def _html_files(text: str) -> dict[str, str] | None:
    """File names and sha256 from a PEP 503 HTML page (indexes without PEP 691, such
    as pypiserver), or None if it is not one.

    A page is a list of ``<a href="…#sha256=…">file name</a>``; this reads exactly
    that, in one pass: every search starts where the last one ended, so a hostile page
    costs time in proportion to its size (the stdlib's HTMLParser and a backtracking
    regex do not)."""
    if "<" not in text:
        return None
    lower = text.lower()
    files: dict[str, str] = {}
    pos = 0
    while (start := lower.find("<a", pos)) >= 0:
        end = lower.find(">", start)
        if end < 0:
            break
        pos = end + 1
        if lower[start + 2] not in " \t\r\n\f/>":  # <abbr>, <area>: not a link
            continue
        close = lower.find("</a", pos)
        if close < 0:
            break
        href = _HREF.search(text, start + 2, end)
        label = html.unescape(text[pos:close]).strip()
        pos = close + 3
        if href is None or not label:
            continue
        match = _SHA256.search(html.unescape(next(g for g in href.groups() if g is not None)))
        files[label] = match.group(1).lower() if match else ""
    return files


def wait_for_project(
    http: Http, index: Index, project: str, *, tries: int = 4, pause: float = 0.5
) -> ProjectState:
    """Ask (fresh) a few times, briefly apart, whether ``project`` exists: right after a
    mint the index may not show a newly created project yet."""
    state = project_state(http, index, project, fresh=True)
    for _ in range(tries - 1):
        if state.exists is not False:
            break
        time.sleep(pause * http.policy.base)
        state = project_state(http, index, project, fresh=True)
    return state


def release_of(filename: str) -> tuple[str, Version, bool] | None:
    """A file name's normalized project, version and whether it is an sdist; None when
    the name is not a distribution's. Only name and version are read (a wheel's tags
    are not parsed): a project's page may list tens of thousands of files."""
    from packaging.utils import InvalidSdistFilename, canonicalize_name, parse_sdist_filename
    from packaging.version import InvalidVersion, Version

    try:
        if filename.endswith(".whl"):
            parts = filename[: -len(".whl")].split("-")
            if len(parts) not in (5, 6):
                return None
            return canonicalize_name(parts[0]), Version(parts[1]), False
        if filename.endswith((".tar.gz", ".zip")):
            name, version = parse_sdist_filename(filename)
            return str(name), version, True
    except (InvalidSdistFilename, InvalidVersion):
        pass
    return None
