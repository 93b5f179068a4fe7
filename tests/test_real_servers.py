"""The password path end to end against real private indexes, as users run it: the
action (through the ``GitHub`` helper, no OIDC) publishing to pypiserver over http,
to pypiserver over TLS behind a throwaway CA (``REQUESTS_CA_BUNDLE`` on the step),
and to devpi-server; then re-runs, the dry run, conflicts, bad passwords, and our
reading of each one's simple API (pypiserver: PEP 503 HTML only; devpi: PEP 503 HTML
and PEP 691 JSON).

Each server starts once per session (tests/fakes/servers.py). pypiserver serves one
folder, so each test publishes a project name of its own; devpi gives each test a new
index. Where a server answers unlike Warehouse, the tests pin what it answers and that
our message is still the right one.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import requests
from conftest import GitHub, make_sdist, make_wheel, metadata_text
from fakes.index import LocalIndex
from fakes.servers import (
    SIMPLE_JSON,
    DevpiServer,
    PypiServer,
    ServerFailed,
    ThrowawayCA,
    sha256_of,
    unique_project,
)

from publisher.console import Console
from publisher.dists import load_dist
from publisher.http import Http, RetryPolicy
from publisher.index import Index, _html_files, _json_files, project_state
from publisher.secret import Secret
from publisher.upload import Answer, Uploader

# --- servers, once per session ----------------------------------------------------------


def _running(server: PypiServer | DevpiServer) -> None:
    """Start ``server``; a server that cannot start fails the test with its log (never a
    skip: CI installs both)."""
    try:
        server.start()
    except ServerFailed as exc:
        pytest.fail(str(exc), pytrace=False)


@pytest.fixture(scope="session")
def throwaway_ca(tmp_path_factory: pytest.TempPathFactory) -> ThrowawayCA:
    """A CA and a certificate for 127.0.0.1, made for this session."""
    return ThrowawayCA(tmp_path_factory.mktemp("ca"))


@pytest.fixture(scope="session")
def pypiserver(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PypiServer]:
    """pypiserver over plain http (the action allows that to loopback only)."""
    server = PypiServer(tmp_path_factory.mktemp("pypiserver"))
    _running(server)
    yield server
    server.stop()


@pytest.fixture(scope="session")
def pypiserver_tls(
    tmp_path_factory: pytest.TempPathFactory, throwaway_ca: ThrowawayCA
) -> Iterator[PypiServer]:
    """pypiserver over https (gunicorn), with a certificate from ``throwaway_ca``."""
    server = PypiServer(tmp_path_factory.mktemp("pypiserver-tls"), tls=throwaway_ca)
    _running(server)
    yield server
    server.stop()


@pytest.fixture(scope="session")
def devpi(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DevpiServer]:
    """devpi-server, offline, with one user."""
    server = DevpiServer(tmp_path_factory.mktemp("devpi"))
    _running(server)
    yield server
    server.stop()


# --- one private index per test -----------------------------------------------------------


@dataclass(frozen=True)
class Private:
    """A private index as one test sees it: where to upload, as whom, and how to read
    back what the server really holds (without our code)."""

    label: str
    upload_url: str
    simple_base: str
    user: str
    password: str
    project: str  # the project this test publishes, normalized
    stored: Callable[[], dict[str, str]]  # the project's files on the server -> sha256
    ca_bundle: Path | None = None
    env: dict[str, str] = field(default_factory=dict)

    def inputs(self, **more: str) -> dict[str, str]:
        """The action's inputs for a password upload to this index."""
        given = {
            "repository-url": self.upload_url,
            "user": self.user,
            "password": self.password,
        }
        return given | {k.replace("_", "-"): v for k, v in more.items()}


def _pypiserver_target(server: PypiServer, label: str) -> Private:
    project = unique_project("ps")
    env = {"REQUESTS_CA_BUNDLE": str(server.tls.bundle)} if server.tls else {}
    return Private(
        label,
        server.upload_url,
        server.simple_base,
        server.user,
        server.password,
        project,
        lambda: server.stored_for(project),
        server.tls.bundle if server.tls else None,
        env,
    )


def _devpi_target(server: DevpiServer, *, volatile: bool = False) -> Private:
    index = server.new_index(unique_project("ix"), volatile=volatile)
    project = "example"  # a fresh index per test: the name can be the same every time
    return Private(
        "devpi-volatile" if volatile else "devpi",
        index.upload_url,
        index.simple_base,
        index.user,
        index.password,
        project,
        lambda: index.stored_for(project),
    )


TARGETS = ["pypiserver", "pypiserver-tls", "devpi"]


@pytest.fixture(params=TARGETS)
def private(request: pytest.FixtureRequest) -> Private:
    """Each private index in turn; a server starts on first use."""
    if request.param == "devpi":
        return _devpi_target(request.getfixturevalue("devpi"))
    fixture = "pypiserver_tls" if request.param == "pypiserver-tls" else "pypiserver"
    return _pypiserver_target(request.getfixturevalue(fixture), request.param)


@pytest.fixture
def github(tmp_path: Path) -> Iterator[GitHub]:
    """The runner, as in the other end-to-end tests. ``GitHub`` takes our fake Warehouse
    for the runner's side of things (repository name, the secrets it scans the output
    for); with a password nothing may ever reach it, and at the end nothing has."""
    workspace = tmp_path / "workspace"
    workspace.mkdir()
    with LocalIndex() as bystander:
        yield GitHub(bystander, workspace)
        assert bystander.state.requests == [], "a password run asked the OIDC side"


def _dists(github: GitHub, project: str, *, summary: str = "A test package") -> dict[str, str]:
    """An sdist and a wheel of ``project`` 1.0 in dist/ (replacing any there):
    file name -> sha256. Another ``summary`` makes other bytes under the same names,
    as a rebuild does."""
    for old in github.dist.glob("*"):
        old.unlink()
    meta = metadata_text(project, "1.0", Summary=summary)
    paths = [
        make_sdist(github.dist, project, "1.0", metadata=meta),
        make_wheel(github.dist, project, "1.0", metadata=meta),
    ]
    return {p.name: sha256_of(p) for p in paths}


def _publish(github: GitHub, private: Private, **inputs: str) -> dict[str, str]:
    """Publish the project's 1.0 once (the state later runs meet): what was uploaded."""
    files = _dists(github, private.project)
    run = github.run(private.inputs(**inputs), oidc=False, env=private.env)
    assert run.code == 0, run.log
    assert private.stored() == files
    return files


# --- the password path, end to end ------------------------------------------------------


def test_upload(github: GitHub, private: Private) -> None:
    files = _dists(github, private.project)

    run = github.run(private.inputs(), oidc=False, env=private.env)

    assert run.code == 0, run.log
    assert private.stored() == files, "the server holds exactly these bytes"
    assert sorted(run.output_list("uploaded")) == sorted(files)
    assert run.output_list("skipped") == []
    for sha in files.values():
        assert sha in run.summary
    assert "mint" not in run.log.lower()


def test_upload_in_a_subprocess(github: GitHub, private: Private) -> None:
    """Once as the container runs it: a new interpreter, the CA bundle from the env."""
    files = _dists(github, private.project)
    run = github.run(private.inputs(), oidc=False, env=private.env, subprocess_run=True)
    assert run.code == 0, run.log
    assert private.stored() == files


def test_rerun_with_skip_existing_skips_identical_files(github: GitHub, private: Private) -> None:
    files = _publish(github, private)

    run = github.run(private.inputs(skip_existing="true"), oidc=False, env=private.env)

    assert run.code == 0, run.log
    assert run.output_list("uploaded") == []
    assert sorted(run.output_list("skipped")) == sorted(files)
    assert "Every file is on the index already" in run.log
    assert private.stored() == files


def test_rerun_with_skip_existing_skips_rebuilt_files(github: GitHub, private: Private) -> None:
    """A rebuild makes other bytes under the same names: with skip-existing they are
    skipped with a warning that names both digests (the index keeps what it has)."""
    published = _publish(github, private)
    rebuilt = _dists(github, private.project, summary="Rebuilt")
    assert published.keys() == rebuilt.keys()
    assert published != rebuilt

    run = github.run(private.inputs(skip_existing="true"), oidc=False, env=private.env)

    assert run.code == 0, run.log
    assert run.output_list("uploaded") == []
    assert sorted(run.output_list("skipped")) == sorted(published)
    for name in published:
        assert published[name] in run.log
        assert rebuilt[name] in run.log
    assert "::warning" in run.log
    assert private.stored() == published


def test_rerun_without_skip_existing_stops(github: GitHub, private: Private) -> None:
    files = _publish(github, private)

    run = github.run(private.inputs(), oidc=False, env=private.env)

    assert run.code == 1
    name = next(iter(files))
    assert f"`{name}` is already on the index" in run.log
    assert "skip-existing: true" in run.log
    assert run.output_list("uploaded") == []
    assert private.stored() == files


def test_conflicting_file_without_skip_existing(github: GitHub, private: Private) -> None:
    published = _publish(github, private)
    rebuilt = _dists(github, private.project, summary="Rebuilt")

    run = github.run(private.inputs(), oidc=False, env=private.env)

    assert run.code == 1
    name = next(iter(published))
    assert f"`{name}` is on the index with other content" in run.log
    assert published[name] in run.log
    assert rebuilt[name] in run.log
    assert "bump the version" in run.log
    assert run.output_list("uploaded") == []
    assert private.stored() == published


def test_conflict_stops_before_a_volatile_devpi_index_overwrites(
    github: GitHub, devpi: DevpiServer
) -> None:
    """A volatile devpi index (devpi-client's default) would take the rebuilt file and
    replace the published one; the action stops before it, as for PyPI."""
    private = _devpi_target(devpi, volatile=True)
    published = _publish(github, private)
    _dists(github, private.project, summary="Rebuilt")

    run = github.run(private.inputs(), oidc=False, env=private.env)

    assert run.code == 1
    assert "is on the index with other content" in run.log
    assert private.stored() == published


def test_dry_run_uploads_nothing(github: GitHub, private: Private) -> None:
    files = _dists(github, private.project)

    run = github.run(private.inputs(dry_run="true"), oidc=False, env=private.env)

    assert run.code == 0, run.log
    assert private.stored() == {}
    assert run.output_list("uploaded") == []
    for name in files:
        assert name in run.summary


def test_dry_run_sees_what_the_index_has(github: GitHub, private: Private) -> None:
    """The dry run reads the index as the run does: a conflict is found, and nothing
    changes on the server."""
    published = _publish(github, private)
    rebuilt = _dists(github, private.project, summary="Rebuilt")

    run = github.run(private.inputs(dry_run="true"), oidc=False, env=private.env)

    assert run.code == 1, run.log
    name = next(iter(published))
    assert f"`{name}` is on the index with other content" in run.log + run.summary
    assert rebuilt[name] in run.log + run.summary
    assert private.stored() == published


def test_wrong_password_is_explained(github: GitHub, private: Private) -> None:
    """pypiserver answers a wrong password with a bare 403 Forbidden, devpi with 401;
    either way the message says the password was refused."""
    _dists(github, private.project)

    run = github.run(private.inputs(password="not-the-password"), oidc=False, env=private.env)

    assert run.code == 1
    assert "The index rejected the user name or password" in run.log
    assert private.stored() == {}


def test_wrong_password_advice_fits_a_private_index(github: GitHub, private: Private) -> None:
    _dists(github, private.project)
    run = github.run(private.inputs(password="not-the-password"), oidc=False, env=private.env)
    assert run.code == 1
    assert "`user` is `__token__`" not in run.log
    assert f"`{private.user}`" in run.log  # the account it tried, to check


def test_first_password_upload_does_not_mention_pending_publishers(
    github: GitHub, private: Private
) -> None:
    """With a password the index creates the project on the first upload."""
    _dists(github, private.project)
    run = github.run(private.inputs(), oidc=False, env=private.env)
    assert run.code == 0, run.log
    assert "pending publisher" not in run.log
    assert "::warning" not in run.log


def test_tls_without_the_ca_is_explained(github: GitHub, pypiserver_tls: PypiServer) -> None:
    private = _pypiserver_target(pypiserver_tls, "pypiserver-tls")
    _dists(github, private.project)

    run = github.run(private.inputs(), oidc=False)  # no REQUESTS_CA_BUNDLE

    assert run.code == 1
    assert "Cannot verify the index's certificate" in run.log
    assert "REQUESTS_CA_BUNDLE" in run.log
    assert private.stored() == {}


def test_pypiserver_under_a_prefix_with_its_default_fallback(
    github: GitHub, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """pypiserver as it ships (fallback to PyPI on) and mounted under ``/pypi/``: the
    simple API is read below the prefix. Its fallback answers a project it lacks with
    a 303 to pypi.org, which we do not follow: the first publish says it could not
    check the project, and goes ahead."""
    server = PypiServer(
        tmp_path_factory.mktemp("pypiserver-prefix"), base_path="/pypi/", fallback=True
    )
    _running(server)
    try:
        private = _pypiserver_target(server, "pypiserver-prefix")
        assert private.upload_url.endswith("/pypi/")
        files = _dists(github, private.project)

        first = github.run(private.inputs(), oidc=False)
        assert first.code == 0, first.log
        assert f"Could not check `{private.project}` on the index" in first.log
        assert "HTTP 303" in first.log
        assert private.stored() == files

        again = github.run(private.inputs(skip_existing="true"), oidc=False)
        assert again.code == 0, again.log
        assert sorted(again.output_list("skipped")) == sorted(files)
        assert "Could not check" not in again.log
    finally:
        server.stop()


# --- our reading of each server's simple API ---------------------------------------------


def _http() -> Http:
    return Http(Console({}, stream=io.StringIO()), RetryPolicy(tries=1))


def test_simple_api_is_read_right(
    github: GitHub, private: Private, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The simple URL we derive from the upload URL is the server's, and we read every
    file with its sha256 from it; an unknown project is 'not there', not 'unreadable'."""
    files = _publish(github, private)
    if private.ca_bundle:
        monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(private.ca_bundle))
    index = Index(private.upload_url)

    derived = index.simple_url(private.project, devpi=private.label.startswith("devpi"))
    assert derived == f"{private.simple_base}{private.project}/"
    state = project_state(_http(), index, private.project)
    assert state.exists is True, state.problem
    assert state.files == files
    missing = project_state(_http(), index, "no-such-project")
    assert missing.exists is False, missing.problem


def _page(url: str, accept: str | None, verify: str | bool = True) -> requests.Response:
    headers = {"Accept": accept} if accept else {}
    answer = requests.get(url, headers=headers, timeout=10, verify=verify)
    assert answer.status_code == 200, answer.text
    return answer


def test_pypiserver_serves_pep503_html_only(github: GitHub, pypiserver: PypiServer) -> None:
    """Asked for PEP 691 JSON, pypiserver still answers HTML, with ``#sha256=`` links."""
    private = _pypiserver_target(pypiserver, "pypiserver")
    files = _publish(github, private)
    page = _page(f"{private.simple_base}{private.project}/", SIMPLE_JSON)
    assert page.headers["Content-Type"].startswith("text/html")
    for name, sha in files.items():
        assert f"{name}#sha256={sha}" in page.text
    assert _html_files(page.text) == files


def test_devpi_serves_pep691_json_and_pep503_html(github: GitHub, devpi: DevpiServer) -> None:
    """devpi answers JSON when asked by ``Accept``, HTML otherwise; both read the same."""
    private = _devpi_target(devpi)
    files = _publish(github, private)
    url = f"{private.simple_base}{private.project}/"

    as_json = _page(url, SIMPLE_JSON)
    assert as_json.headers["Content-Type"].startswith(SIMPLE_JSON)
    assert _json_files(as_json.content, {}, {}) == files
    as_html = _page(url, None)
    assert as_html.headers["Content-Type"].startswith("text/html")
    assert _html_files(as_html.text) == files


# --- how each server answers uploads (not Warehouse's way) -----------------------------


@dataclass(frozen=True)
class Answers:
    """What a server answered, by case: (status, kind)."""

    first: tuple[int, Answer]
    same_bytes: tuple[int, Answer]
    other_bytes: tuple[int, Answer]
    wrong_password: tuple[int, Answer]


# Observed answers (the action's own User-Agent, trusted-publish-action):
# - pypiserver: duplicates are 409 "Package '…' already exists!" in the body (400 to
#   clients whose User-Agent says twine), whatever the bytes; a wrong password a bare
#   "403 Forbidden" with no text.
# - devpi: the same bytes again are 200 "Upload of identical file to non volatile
#   index." (nothing stored, as on Warehouse); other bytes 409 "… already exists in
#   non-volatile index"; a wrong password 401 Unauthorized.
EXPECTED = {
    "pypiserver": Answers(
        (200, Answer.STORED),
        (409, Answer.EXISTS),
        (409, Answer.EXISTS),
        (403, Answer.BAD_AUTH),
    ),
    "devpi": Answers(
        (200, Answer.STORED),
        (200, Answer.STORED),
        (409, Answer.EXISTS),
        (401, Answer.BAD_AUTH),
    ),
}


def test_upload_answers_are_sorted_right(
    private: Private, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if private.ca_bundle:
        monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(private.ca_bundle))
    meta = metadata_text(private.project, "1.0")
    dist = load_dist(make_wheel(tmp_path / "a", private.project, "1.0", metadata=meta))
    other = metadata_text(private.project, "1.0", Summary="Rebuilt")
    rebuilt = load_dist(make_wheel(tmp_path / "b", private.project, "1.0", metadata=other))
    http, index = Http(Console({}, stream=io.StringIO())), Index(private.upload_url)
    uploader = Uploader(http, index, private.user, Secret(private.password))
    wrong = Uploader(http, index, private.user, Secret("not-the-password"))

    seen = []
    for who, what in ((uploader, dist), (uploader, dist), (uploader, rebuilt), (wrong, rebuilt)):
        answer = who.send(what)
        seen.append((answer.status, answer.kind))

    expected = EXPECTED["devpi" if private.label == "devpi" else "pypiserver"]
    assert Answers(*seen) == expected
    assert private.stored() == {dist.filename: dist.digests.sha256}


# The same answers, verbatim, without a server: the rules that sort them, and their limits.
VERBATIM = [
    # pypiserver, wrong password: a bare 403 (bottle's page says "None").
    (403, "Forbidden", "<pre>None</pre>", Answer.BAD_AUTH),
    # pypiserver, duplicate: 400 to twine, 409 to other clients.
    (400, "Bad Request", "Package 'x-1.0.tar.gz' already exists!", Answer.EXISTS),
    (409, "Conflict", "Package 'x-1.0.tar.gz' already exists!", Answer.EXISTS),
    # devpi: wrong password; other bytes under a used name; the same bytes again.
    (401, "Unauthorized", "This server could not verify that you are authorized", Answer.BAD_AUTH),
    (409, "x-1.0.tar.gz already exists in non-volatile index", "", Answer.EXISTS),
    (200, "Upload of identical file to non volatile index.", "", Answer.STORED),
    # A 403 that names its cause is not taken for bad credentials: devpi's account
    # without upload rights, Warehouse's user who is not a maintainer.
    (403, "no permission to submit", "", Answer.REFUSED),
    (403, "The user 'a' isn't allowed to upload to project 'x'.", "", Answer.NOT_ALLOWED),
]


@pytest.mark.parametrize(("status", "reason", "body", "kind"), VERBATIM)
def test_server_answers_are_sorted(status: int, reason: str, body: str, kind: Answer) -> None:
    from publisher.upload import classify

    assert classify(status, reason, body) is kind
