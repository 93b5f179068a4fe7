"""No OIDC token for another service (issue 20): whatever audience an index asks for,
the action never asks GitHub for a token Sigstore, a cloud's token exchange, another
registry or PyPI (from elsewhere) would take; from an index other than PyPI and TestPyPI
it takes only an audience that names the index's own host, or the one the workflow pins
(``oidc-audience``); and it signs with the audience the Sigstore deployment takes."""

from __future__ import annotations

import pytest
from conftest import TRUST_CONFIG, GitHub, make_sdist, make_wheel, publisher_for_run
from fakes.index import LocalIndex
from fakes.sigstore import LocalSigstore

from publisher.audience import check_advertised
from publisher.errors import PublishError
from publisher.index import Index

MUST_NOT_HAVE = "The index asked for an OIDC token it must not have"


def _ready(github: GitHub, index: LocalIndex) -> None:
    make_sdist(github.dist)
    make_wheel(github.dist)
    index.state.add_project("example", publisher_for_run(index))


def _no_token(index: LocalIndex) -> None:
    """GitHub was never asked for a token, nor anything minted or uploaded."""
    assert "/_github/token" not in index.state.paths()
    assert index.state.issued == []
    assert "/_/oidc/mint-token" not in index.state.paths()
    assert index.state.uploads == []


@pytest.mark.parametrize("pinned", ["", "local-index"], ids=["not pinned", "pinned"])
@pytest.mark.parametrize("advertised", ["sigstore", "Sigstore", "sts.amazonaws.com"])
def test_hostile_index_asking_for_sigstore_gets_no_token(
    github: GitHub, index: LocalIndex, advertised: str, pinned: str
) -> None:
    """The MEDIUM of issue 20: an index answering `/_/oidc/audience` with `sigstore`
    would get a token Fulcio certifies this workflow's identity for."""
    _ready(github, index)
    index.state.advertised_audience = advertised
    run = github.run({"oidc-audience": pinned})
    assert run.code == 1
    assert MUST_NOT_HAVE in run.log
    assert f"audience `{advertised}`" in run.log
    _no_token(index)


def test_plain_name_from_another_index_needs_a_pin(github: GitHub, index: LocalIndex) -> None:
    """A plain name is no proof: workflows bind Vaults and artifact stores to names."""
    _ready(github, index)
    run = github.run({"oidc-audience": ""})
    assert run.code == 1
    assert "The index's OIDC audience must be pinned in the workflow" in run.log
    assert "add `oidc-audience: local-index` under `with:`" in run.log
    _no_token(index)
    pinned = github.run({"oidc-audience": "local-index"})
    assert pinned.code == 0, pinned.log


def test_pinned_audience_must_be_the_one_asked_for(github: GitHub, index: LocalIndex) -> None:
    _ready(github, index)
    index.state.advertised_audience = "infisical"
    run = github.run({"oidc-audience": "local-index"})
    assert run.code == 1
    assert "The index asks for another OIDC audience than `oidc-audience`" in run.log
    _no_token(index)


def test_audience_naming_the_index_host_needs_no_pin(github: GitHub, index: LocalIndex) -> None:
    """A token for the index's own host name is one only that host's services take."""
    _ready(github, index)
    index.state.audience = "127.0.0.1"
    run = github.run({"oidc-audience": ""})
    assert run.code == 0, run.log
    assert len(index.state.uploads) == 2


@pytest.mark.parametrize("audience", ["pypi", "testpypi"])
def test_loopback_cannot_have_pypis_audience(
    github: GitHub, index: LocalIndex, audience: str
) -> None:
    """The loopback exemption is gone: asked for, or pinned, `pypi` is PyPI's only."""
    _ready(github, index)
    index.state.audience = audience
    asked = github.run({"oidc-audience": ""})
    assert asked.code == 1
    assert MUST_NOT_HAVE in asked.log
    _no_token(index)
    index.state.requests.clear()
    pinned = github.run({"oidc-audience": audience})
    assert pinned.code == 1
    assert f"Input `oidc-audience` cannot be `{audience}`" in pinned.log
    assert index.state.requests == []  # refused before any request


@pytest.mark.parametrize(
    "pinned",
    [
        "sigstore",
        "api://AzureADTokenExchange",
        "https://github.com/octo-org",
        "https://iam.googleapis.com/projects/1/locations/global/workloadIdentityPools/p/providers/x",
        "npm:registry.npmjs.org",
        "a b",
    ],
)
def test_pinning_another_services_audience_is_refused(
    github: GitHub, index: LocalIndex, pinned: str
) -> None:
    _ready(github, index)
    index.state.audience = pinned
    run = github.run({"oidc-audience": pinned})
    assert run.code == 1
    assert "Input `oidc-audience` cannot be" in run.log
    assert index.state.requests == []


@pytest.mark.parametrize(
    ("audience", "url", "pinned", "allowed"),
    [
        ("pypi", "https://upload.pypi.org/legacy/", None, True),
        ("pypi", "https://pypi.org/legacy/", None, True),
        ("testpypi", "https://test.pypi.org/legacy/", None, True),
        ("pypi", "https://test.pypi.org/legacy/", None, False),
        ("sigstore", "https://upload.pypi.org/legacy/", None, False),
        ("pypi", "http://localhost:8080/legacy/", None, False),
        ("pypi", "http://[::1]:8080/legacy/", "pypi", False),
        ("upload.example.org", "https://upload.example.org/legacy/", None, True),
        ("UPLOAD.example.org.", "https://upload.example.org/legacy/", None, True),
        ("example.org", "https://upload.example.org/legacy/", None, False),
        ("vault", "https://upload.example.org/legacy/", "vault", False),
        ("jfrog-github", "https://upload.example.org/legacy/", "jfrog-github", False),
        ("crates.io", "https://upload.example.org/legacy/", "crates.io", False),
        ("sts.amazonaws.com.cn", "https://sts.amazonaws.com.cn/legacy/", None, False),
        ("my-index", "https://upload.example.org/legacy/", "my-index", True),
        ("my-index", "https://upload.example.org/legacy/", "My-Index", False),
        ("x" * 257, "https://upload.example.org/legacy/", "x" * 257, False),
    ],
)
def test_audience_rule(audience: str, url: str, pinned: str | None, allowed: bool) -> None:
    if allowed:
        check_advertised(audience, Index(url), pinned)
    else:
        with pytest.raises(PublishError):
            check_advertised(audience, Index(url), pinned)


def test_the_runs_signing_audience_is_never_the_indexs() -> None:
    with pytest.raises(PublishError, match="Sigstore"):
        check_advertised(
            "acme-signing", Index("https://acme-signing/legacy/"), None, "acme-signing"
        )


# --- the audience a private Sigstore deployment takes -----------------------------------


def test_private_fulcio_gets_its_own_audience(
    github: GitHub, index: LocalIndex, sig: LocalSigstore
) -> None:
    """A deployment whose Fulcio takes `acme-sigstore` tokens (its client id) signs
    when the workflow says so; the token sent to it is for that audience only."""
    _ready(github, index)
    sig.audience = "acme-sigstore"
    inputs = {"sigstore-trust-config": TRUST_CONFIG, "sigstore-audience": "acme-sigstore"}
    run = github.run(inputs)
    assert run.code == 0, run.log
    assert len(run.output_list("attestations")) == 2
    assert {claims["aud"] for claims in sig.identities} == {"acme-sigstore"}


@pytest.mark.parametrize("value", ["pypi", "local-index", "sts.amazonaws.com"])
def test_signing_audience_is_not_one_an_index_or_service_takes(
    github: GitHub, index: LocalIndex, sig: LocalSigstore, value: str
) -> None:
    """A hostile private Fulcio must not receive a token PyPI, the index or a cloud
    would take."""
    _ready(github, index)
    run = github.run({"sigstore-trust-config": TRUST_CONFIG, "sigstore-audience": value})
    assert run.code == 1
    assert "cannot be" in run.log or MUST_NOT_HAVE in run.log
    assert sig.requests == []
    assert index.state.issued == []


def test_signing_audience_needs_a_private_deployment(github: GitHub, index: LocalIndex) -> None:
    _ready(github, index)
    run = github.run({"sigstore-audience": "acme-sigstore"})
    assert run.code == 1
    assert "Input `sigstore-audience` needs `sigstore-trust-config`" in run.log
    assert index.state.requests == []
