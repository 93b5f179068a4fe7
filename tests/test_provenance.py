"""Provenance continuity (issue 19): before the mint, a release this run would leave
without attestations after a recent attested one is named (lost-provenance, as
pypi.org grades it since August 2026), from the simple API's PEP 740 `provenance`;
an index that says nothing of provenance is not asked. (A release that would mix
publishers, inconsistent-provenance, needs signing: tests/test_attestations.py.)"""

from __future__ import annotations

import time

import pytest
from conftest import GitHub, make_wheel, publisher_for_run
from fakes.index import LocalIndex

from publisher import messages
from publisher.messages import Msg

DAY = 86400.0
TOKEN = "pypi-user-token-abcdef0123456789"
LOST = "::warning title=Release 1.1.0 of `example` will show lost-provenance on "


def _attested_release(index: LocalIndex, version: str = "1.0.0", days_ago: float = 3) -> None:
    """`example` on the index, its release `version` published with attestations by
    this repository's release workflow `days_ago`."""
    publisher = publisher_for_run(index)
    if "example" not in index.state.projects:
        index.state.add_project("example", publisher)
    index.state.add_file(
        "example",
        f"example-{version}-py3-none-any.whl",
        version.encode(),
        version,
        uploaded=time.time() - days_ago * DAY,
        attestations="[]",
        publisher=publisher,
    )


def _password_run(github: GitHub, index: LocalIndex, **inputs: str) -> str:
    make_wheel(github.dist, version="1.1.0")
    index.state.user_tokens.add(TOKEN)
    run = github.run({"password": TOKEN, **inputs}, oidc=False)
    assert run.code == 0, run.log  # a warning: the release goes ahead
    return run.log


def test_password_after_an_attested_release_warns_lost_provenance(
    github: GitHub, index: LocalIndex
) -> None:
    _attested_release(index)
    log = _password_run(github, index)
    assert LOST in log
    assert "a password is used" in log
    assert "release 1.0.0, created 3 day(s) before it, has attested files" in log
    assert "remove `password`" in log
    # said before the upload, from the simple API alone
    assert log.index(LOST) < log.index("Uploaded example-1.1.0")
    assert not [p for p in index.state.paths() if p.startswith("/integrity/")]


def test_attestations_off_after_an_attested_release_warns_lost_provenance(
    github: GitHub, index: LocalIndex
) -> None:
    _attested_release(index)
    make_wheel(github.dist, version="1.1.0")
    run = github.run({"attestations": "false"})
    assert run.code == 0, run.log
    assert LOST in run.log
    assert "`attestations: false`" in run.log


def test_dry_run_names_lost_provenance_too(github: GitHub, index: LocalIndex) -> None:
    _attested_release(index)
    make_wheel(github.dist, version="1.1.0")
    run = github.run({"attestations": "false", "dry-run": "true"})
    assert run.code == 0, run.log
    assert "will show lost-provenance" in run.summary


@pytest.mark.parametrize(
    ("days_ago", "attested"),
    [(20, True), (3, False)],
    ids=["more than 14 days before", "not attested"],
)
def test_no_warning_without_a_recent_attested_release(
    github: GitHub, index: LocalIndex, days_ago: float, attested: bool
) -> None:
    """Warehouse measures a release against the nearest attested one created at most
    14 days before it."""
    _attested_release(index, days_ago=days_ago)
    if not attested:
        for stored in index.state.projects["example"].files.values():
            stored.attestations, stored.publisher = None, None
    log = _password_run(github, index)
    assert "lost-provenance" not in log


def test_release_with_attested_files_is_partial_not_lost(github: GitHub, index: LocalIndex) -> None:
    """Adding a file without attestations to a release that has attested ones."""
    _attested_release(index)
    publisher = publisher_for_run(index)
    index.state.add_file(
        "example", "example-1.1.0.tar.gz", b"sdist", "1.1.0", attestations="[]", publisher=publisher
    )
    log = _password_run(github, index)  # uploads example-1.1.0-py3-none-any.whl
    assert "lost-provenance" not in log


def test_index_without_provenance_is_not_asked(github: GitHub, index: LocalIndex) -> None:
    """Other indexes (no PEP 740 `provenance` on the simple API): skipped quietly."""
    index.state.integrity_api = False
    _attested_release(index)
    log = _password_run(github, index)
    assert "provenance" not in log


def test_index_signed_for_only_with_a_deployment_warns_lost_provenance(
    github: GitHub, index: LocalIndex
) -> None:
    """Trusted publishing to an index that is not PyPI, with no Sigstore deployment
    named: this run signs nothing, and the warning says why."""
    _attested_release(index)
    make_wheel(github.dist, version="1.1.0")
    run = github.run()
    assert run.code == 0, run.log
    why = messages.phrase(Msg.PROVENANCE_WHY_INDEX)
    run.shows(Msg.PROVENANCE_LOST, "warning", project="example", version="1.1.0", why=why)
    assert "example-1.1.0-py3-none-any.whl" in index.state.projects["example"].files
