"""Where the simple API is, derived from the upload URL (``repository-url``), for the
indexes users publish to. What pip users give as ``--index-url`` for each is the
simple base below; what twine users give as ``--repository-url`` is the upload URL."""

from __future__ import annotations

import pytest
from conftest import GitHub, make_wheel

from publisher import messages
from publisher.errors import InputError
from publisher.index import Index
from publisher.messages import Msg

# (upload URL, simple API base)
DERIVED = [
    # Warehouse: the simple API beside /legacy/, on pypi.org for upload.pypi.org.
    ("https://upload.pypi.org/legacy/", "https://pypi.org/simple/"),
    ("https://test.pypi.org/legacy/", "https://test.pypi.org/simple/"),
    ("https://test.pypi.org/legacy", "https://test.pypi.org/simple/"),
    ("http://127.0.0.1:8080/legacy/", "http://127.0.0.1:8080/simple/"),
    ("https://warehouse.example/pypi/legacy/", "https://warehouse.example/pypi/simple/"),
    # pypiserver takes uploads at its root, or under --server-base-url.
    ("http://127.0.0.1:8080/", "http://127.0.0.1:8080/simple/"),
    ("http://127.0.0.1:8080", "http://127.0.0.1:8080/simple/"),
    ("https://example.org/pypi/", "https://example.org/pypi/simple/"),
    # Path-based indexes: the simple API under the upload URL.
    (
        "https://nexus.example/repository/pypi-internal/",
        "https://nexus.example/repository/pypi-internal/simple/",
    ),
    (
        "https://a.jfrog.io/artifactory/api/pypi/pypi-local",
        "https://a.jfrog.io/artifactory/api/pypi/pypi-local/simple/",
    ),
    (
        "https://gitlab.example/api/v4/projects/42/packages/pypi",
        "https://gitlab.example/api/v4/projects/42/packages/pypi/simple/",
    ),
    (
        "https://europe-python.pkg.dev/my-project/my-repo/",
        "https://europe-python.pkg.dev/my-project/my-repo/simple/",
    ),
    # Azure Artifacts: …/pypi/upload/ beside …/pypi/simple/.
    (
        "https://pkgs.dev.azure.com/org/_packaging/feed/pypi/upload/",
        "https://pkgs.dev.azure.com/org/_packaging/feed/pypi/simple/",
    ),
]


@pytest.mark.parametrize(("upload", "simple"), DERIVED)
def test_simple_base_from_upload_url(upload: str, simple: str) -> None:
    index = Index(upload)
    assert index.simple_base == simple
    assert index.simple_url("my-project") == f"{simple}my-project/"


@pytest.mark.parametrize(
    ("upload", "simple"),
    [
        ("http://127.0.0.1:3141/alice/dev/", "http://127.0.0.1:3141/alice/dev/+simple/"),
        ("http://127.0.0.1:3141/alice/dev", "http://127.0.0.1:3141/alice/dev/+simple/"),
        ("https://ex.org/devpi/alice/dev/", "https://ex.org/devpi/alice/dev/+simple/"),
    ],
)
def test_devpi_simple_base(upload: str, simple: str) -> None:
    """devpi's index URL is its upload URL; its simple API is ``+simple/`` under it
    (asked once an answer carries devpi's header: the URL cannot tell)."""
    index = Index(upload)
    assert index.devpi_simple_base == simple
    assert index.simple_url("my-project", devpi=True) == f"{simple}my-project/"


def test_other_endpoints_stay_on_the_host() -> None:
    """Audience, mint and the web pages are Warehouse's, at the host's root."""
    index = Index("https://test.pypi.org/legacy/")
    assert index.audience_url == "https://test.pypi.org/_/oidc/audience"
    assert index.mint_url == "https://test.pypi.org/_/oidc/mint-token"
    assert index.read_url == "https://test.pypi.org"
    assert index.project_url("x") == "https://test.pypi.org/project/x/"


@pytest.mark.parametrize(
    ("given", "used"),
    [
        ("https://upload.pypi.org/legacy/", "https://upload.pypi.org/legacy/"),
        ("https://upload.pypi.org/legacy", "https://upload.pypi.org/legacy/"),
        ("HTTPS://Upload.PyPI.org/legacy/", "https://upload.pypi.org/legacy/"),
        ("https://upload.pypi.org:443/legacy/", "https://upload.pypi.org/legacy/"),
        ("https://upload.pypi.org./legacy/", "https://upload.pypi.org/legacy/"),
        ("https://test.pypi.org/legacy", "https://test.pypi.org/legacy/"),
        ("http://127.0.0.1:8080", "http://127.0.0.1:8080/"),
        ("http://localhost:80/", "http://localhost/"),
        ("http://[::1]:3141/alice/dev", "http://[::1]:3141/alice/dev/"),
        (
            "https://nexus.example:8443/repository/pypi/",
            "https://nexus.example:8443/repository/pypi/",
        ),
    ],
)
def test_repository_url_is_read_in_one_spelling(given: str, used: str) -> None:
    """PyPI is PyPI however its URL is written: attestations, the read API and the
    password rule all follow from it."""
    index = Index.from_input(given)
    assert index.upload_url == used
    assert index.is_pypi == ("pypi.org" in used)


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("https://upload.pypi.org/", "https://upload.pypi.org/legacy/"),
        ("https://pypi.org/simple/", "https://upload.pypi.org/legacy/"),
        ("https://test.pypi.org/simple/", "https://test.pypi.org/legacy/"),
        ("https://test.pypi.org/", "https://test.pypi.org/legacy/"),
        ("https://test.pypi.org/legacy//", "https://test.pypi.org/legacy/"),
        ("https://test.pypi.org/pypi", "https://test.pypi.org/legacy/"),
    ],
)
def test_pypi_takes_uploads_at_legacy_only(given: str, expected: str) -> None:
    with pytest.raises(InputError) as caught:
        Index.from_input(given)
    text = str(caught.value)
    assert f"`repository-url` is `{given}`" in text
    assert f"Fix: set `repository-url: {expected}`" in text


def test_upload_url_with_a_query_is_refused() -> None:
    with pytest.raises(InputError) as caught:
        Index.from_input("https://example.org/legacy/?x=1")
    assert "query" in str(caught.value)


@pytest.mark.parametrize(
    ("written", "post"),
    [
        # Jazzband's index (Flask): /projects/<name>/upload, no final slash.
        (
            "https://jazzband.co/projects/pip-tools/upload",
            "https://jazzband.co/projects/pip-tools/upload",
        ),
        ("http://127.0.0.1:3141/alice/dev", "http://127.0.0.1:3141/alice/dev"),
        ("https://Nexus.Example:443/repository/pypi", "https://Nexus.Example:443/repository/pypi"),
        # PyPI and TestPyPI: their one upload URL, which no redirect stands before.
        ("https://upload.pypi.org/legacy", "https://upload.pypi.org/legacy/"),
        ("HTTPS://Test.PyPI.org/legacy", "https://test.pypi.org/legacy/"),
    ],
)
def test_uploads_go_where_the_url_says(written: str, post: str) -> None:
    """As twine posts: to the URL as written; a normalised copy serves comparisons and
    the read API, and messages quote the user's spelling."""
    index = Index.from_input(written)
    assert index.post_url == post
    assert index.given == written
    assert index.upload_url.endswith("/")


# --- as the action meets them: refused before any request --------------------------------
@pytest.mark.parametrize(
    ("url", "host", "default"),
    [
        ("https://pypi.org/simple/", "pypi.org", True),
        ("https://upload.pypi.org/", "upload.pypi.org", True),
        ("https://test.pypi.org/simple/", "test.pypi.org", False),
    ],
)
def test_pypi_page_that_takes_no_uploads(
    github: GitHub, url: str, host: str, default: bool
) -> None:
    """A simple-API or project URL of PyPI given as `repository-url`: named, with the
    upload URL to give instead (and, for PyPI, that it is the default)."""
    make_wheel(github.dist)
    run = github.run({"repository-url": url})
    assert run.code == 1
    error = run.shows(Msg.URL_PYPI_PATH, "error", url=url, host=host)
    leave_out = messages.phrase(Msg.URL_PYPI_DEFAULT)
    assert (leave_out in error.body) is default
    assert github.index.state.requests == []
    assert github.index.state.issued == []


def test_url_with_a_query(github: GitHub) -> None:
    make_wheel(github.dist)
    url = "https://upload.pypi.org/legacy/?project=example"
    run = github.run({"repository-url": url})
    assert run.code == 1
    reason = messages.phrase(Msg.URL_HAS_QUERY)
    shown = "https://upload.pypi.org/legacy/?***"  # a query may hold a secret (issue 20)
    run.shows(Msg.URL_INVALID, "error", url=shown, what="repository-url", reason=reason)
    assert "project=example" not in run.log
    assert github.index.state.issued == []
