"""PEP 740 attestations end to end (issue 11): signed with the local Sigstore stand-in,
checked before upload as the index checks them, and verified again by the fake index
as Warehouse does; never in a dry run, never with a password, never from a reusable
workflow (whose attestation the index refuses)."""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import TRUST_CONFIG, GitHub, make_sdist, make_wheel, publisher_for_run
from fakes.index import Fault, IndexState, LocalIndex, RunClaims
from fakes.sigstore import LocalSigstore, sigstore_token
from pypi_attestations import Attestation, Distribution
from sigstore.models import ClientTrustConfig
from sigstore.oidc import IdentityToken
from sigstore.sign import SigningContext

from publisher import attest, messages
from publisher.errors import PublishError
from publisher.index import Index
from publisher.messages import Msg

CLI = [sys.executable, "-m", "pypi_attestations", "verify"]
SLSA = "https://slsa.dev/provenance/v1"


def _inputs(sig: LocalSigstore, **more: str) -> dict[str, str]:
    return {"sigstore-trust-config": TRUST_CONFIG, **more}


def _ready(github: GitHub, index: LocalIndex) -> None:
    make_sdist(github.dist)
    make_wheel(github.dist)
    index.state.add_project("example", publisher_for_run(index))


def _sign(sig: LocalSigstore, path: Path, run: RunClaims | None = None) -> Attestation:
    """An attestation made elsewhere, as a user would with another signer."""
    config = ClientTrustConfig.from_json(sig.trust_config_path.read_text())
    with SigningContext.from_trust_config(config).signer(
        IdentityToken(sigstore_token(run))
    ) as signer:
        return Attestation.sign(signer, Distribution.from_file(path))


def test_signed_upload_is_verified_by_the_index(
    github: GitHub, index: LocalIndex, sig: LocalSigstore, tmp_path: Path
) -> None:
    _ready(github, index)
    run = github.run(_inputs(sig))
    assert run.code == 0, run.log
    stored = index.state.projects["example"].files
    assert all(f.attestations for f in stored.values())  # the index verified each
    assert sorted(run.output_list("attestations")) == sorted(stored)
    identity = "https://github.com/octo-org/example/.github/workflows/release.yml@refs/tags/v1.0.0"
    assert f"signed by {identity}" in run.log
    assert "Attestations (PEP 740)" in run.summary
    assert identity in run.summary
    assert len(sig.requests_to("fulcio")) == 1  # one certificate for the run
    assert len(sig.requests_to("rekor")) == 2  # one log entry per file
    log_indexes = json.loads(run.outputs["log-indexes"])
    assert sorted(log_indexes) == sorted(stored)
    assert all(value.isdigit() for value in log_indexes.values())
    shown = [row[-1] for row in run.page.tables[0][1:]]  # each file's log entry
    assert sorted(shown) == sorted(log_indexes.values())  # as text: a private log
    # written beside each dist, as the anchor writes them: what was sent, as
    # pypi-attestations dumps it (later steps put them in GitHub releases)
    for name, stored_file in stored.items():
        written = github.dist / f"{name}.publish.attestation"
        sent = json.loads(stored_file.attestations or "[]")
        assert written.read_text() == Attestation.model_validate(sent[0]).model_dump_json()
    assert "left out" not in run.log

    # and pypi-attestations itself accepts them offline, with the stand-in's root
    wheel_name = "example-1.0.0-py3-none-any.whl"
    wheel = tmp_path / wheel_name
    wheel.write_bytes((github.dist / wheel_name).read_bytes())
    Path(f"{wheel}.publish.attestation").write_bytes(
        (github.dist / f"{wheel_name}.publish.attestation").read_bytes()
    )
    sig.plant_tuf_cache(tmp_path / "cache")
    verified = subprocess.run(
        [*CLI, "attestation", "--identity", identity, "--offline", str(wheel)],
        env={**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert verified.returncode == 0, verified.stdout + verified.stderr


def test_reusable_workflow_stops_before_signing_and_minting(
    github: GitHub, index: LocalIndex, sig: LocalSigstore
) -> None:
    """The publisher names the called file, so the mint would succeed; the index would
    then refuse the attestation, whose Build Config URI is the caller's."""
    make_wheel(github.dist)
    index.state.run = RunClaims(called_workflow="octo-org/example/.github/workflows/publish.yml")
    index.state.add_project("example", publisher_for_run(index, workflow="publish.yml"))
    run = github.run(_inputs(sig))
    assert run.code == 1
    assert "Attestations cannot work from a reusable workflow" in run.log
    assert "publish.yml" in run.log
    assert "release.yml" in run.log
    assert "attestations: false" in run.log
    assert sig.requests == []
    assert "/_/oidc/mint-token" not in index.state.paths()
    assert "/legacy/" not in index.state.paths()
    page = run.page
    assert page.headings[0][1].endswith("Attestations cannot work from a reusable workflow")
    help_link = page.link("help: reusable workflows")
    assert help_link == "https://github.com/pypi/warehouse/issues/11096"


def test_reusable_workflow_with_attestations_off_publishes(
    github: GitHub, index: LocalIndex, sig: LocalSigstore
) -> None:
    make_wheel(github.dist)
    index.state.run = RunClaims(called_workflow="octo-org/example/.github/workflows/publish.yml")
    index.state.add_project("example", publisher_for_run(index, workflow="publish.yml"))
    run = github.run(_inputs(sig, attestations="false"))
    assert run.code == 0, run.log
    assert sig.requests == []


def test_own_attestation_is_checked_and_sent(
    github: GitHub, index: LocalIndex, sig: LocalSigstore
) -> None:
    _ready(github, index)
    wheel = github.dist / "example-1.0.0-py3-none-any.whl"
    mine = _sign(sig, wheel)
    Path(f"{wheel}.publish.attestation").write_text(mine.model_dump_json())
    sig.record.requests.clear()
    run = github.run(_inputs(sig))
    assert run.code == 0, run.log
    assert "found beside it, checked" in run.log
    assert len(sig.requests_to("rekor")) == 1  # only the sdist was signed here
    sent = json.loads(index.state.projects["example"].files[wheel.name].attestations or "[]")
    assert sent == [json.loads(mine.model_dump_json())]
    assert "left out" not in run.log  # the attestation file is not a stray
    assert Path(f"{wheel}.publish.attestation").read_text() == mine.model_dump_json()


@pytest.mark.parametrize(
    ("made_for", "reason"),
    [
        ("other bytes", "is for another file than `example-1.0.0-py3-none-any.whl`"),
        ("another workflow", "was signed by another identity"),
        (
            "another ref",
            "was signed for https://github.com/octo-org/example/.github/workflows/"
            "release.yml@refs/tags/v0.9.0, not for this job",
        ),
        ("nothing", "Cannot read an attestation"),
    ],
)
def test_publish_attestation_not_for_this_job_is_signed_afresh(
    github: GitHub,
    index: LocalIndex,
    sig: LocalSigstore,
    tmp_path: Path,
    made_for: str,
    reason: str,
) -> None:
    """A `.publish.attestation` the index would refuse, or not this job's (left by an
    earlier build or run): the file is signed again and it is replaced."""
    _ready(github, index)
    wheel = github.dist / "example-1.0.0-py3-none-any.whl"
    stale = Path(f"{wheel}.publish.attestation")
    if made_for == "other bytes":
        other = make_wheel(tmp_path / "other", filename=wheel.name)
        other.write_bytes(other.read_bytes() + b"\0")  # same name, other bytes
        stale.write_text(_sign(sig, other).model_dump_json())
    elif made_for == "nothing":
        stale.write_text('{"version": 1, "envelope": {}}')
    else:
        run_claims = (
            RunClaims(workflow="nightly.yml")
            if made_for == "another workflow"
            else RunClaims(ref="refs/tags/v0.9.0")
        )
        stale.write_text(_sign(sig, wheel, run_claims).model_dump_json())
    before = stale.read_text()
    sig.record.requests.clear()
    run = github.run(_inputs(sig))
    assert run.code == 0, run.log
    assert "::notice title=`example-1.0.0-py3-none-any.whl.publish.attestation` is not used" in (
        run.log
    )
    assert reason in run.log
    assert len(sig.requests_to("rekor")) == 2  # both files signed here
    stored = index.state.projects["example"].files[wheel.name]
    sent = json.loads(stored.attestations or "[]")
    assert stale.read_text() != before
    assert stale.read_text() == Attestation.model_validate(sent[0]).model_dump_json()


def test_unwritable_attestation_file_is_a_warning(
    github: GitHub, index: LocalIndex, sig: LocalSigstore
) -> None:
    _ready(github, index)
    wheel = github.dist / "example-1.0.0-py3-none-any.whl"
    Path(f"{wheel}.publish.attestation").mkdir()  # in the way of the file
    run = github.run(_inputs(sig))
    assert run.code == 0, run.log
    assert "::warning title=Cannot write `" in run.log
    assert all(f.attestations for f in index.state.projects["example"].files.values())
    assert Path(f"{wheel}.publish.attestation").is_dir()


def test_password_upload_signs_nothing(
    github: GitHub, index: LocalIndex, sig: LocalSigstore
) -> None:
    make_wheel(github.dist)
    token = "pypi-user-token-abcdef0123456789"
    index.state.user_tokens.add(token)
    run = github.run(_inputs(sig, password=token), oidc=False)
    assert run.code == 0, run.log
    assert "No attestations%3A a password is used" in run.log  # a title, escaped
    assert run.log.count("::notice title=No attestations") == 1
    assert sig.requests == []


def test_other_index_without_a_deployment_signs_nothing(
    github: GitHub, index: LocalIndex, sig: LocalSigstore
) -> None:
    _ready(github, index)
    run = github.run()
    assert run.code == 0, run.log
    assert "No attestations for" in run.log
    assert sig.requests == []
    assert json.loads(run.outputs["attestations"]) == []


def test_dry_run_signs_nothing(github: GitHub, index: LocalIndex, sig: LocalSigstore) -> None:
    _ready(github, index)
    run = github.run(_inputs(sig, **{"dry-run": "true"}))
    assert run.code == 0, run.log
    assert sig.requests == []
    assert "2 file(s) will be signed (PEP 740)" in run.summary
    assert "OIDC token for Sigstore available" in run.summary
    assert "/_/oidc/mint-token" not in index.state.paths()
    assert not list(github.dist.glob("*.attestation"))


def test_two_runs_in_one_job_with_attestations(
    github: GitHub, index: LocalIndex, sig: LocalSigstore
) -> None:
    make_sdist(github.dist)
    make_wheel(github.dist)
    before = sorted(p.name for p in github.dist.iterdir())
    with LocalIndex(
        IndexState(audience="local-test-index", sigstore_root=sig.trusted_root_json)
    ) as test:
        test.state.pending.append(publisher_for_run(test, project="example"))
        first = GitHub(test, github.workspace).run(_inputs(sig))
    assert first.code == 0, first.log
    written = {f"{name}.publish.attestation" for name in before}
    assert sorted(p.name for p in github.dist.iterdir()) == sorted({*before, *written})
    contents = {name: (github.dist / name).read_text() for name in written}
    sig.record.requests.clear()
    index.state.pending.append(publisher_for_run(index, project="example"))
    second = github.run(_inputs(sig))
    assert second.code == 0, second.log
    assert len(second.output_list("attestations")) == 2
    assert sig.requests == []  # nothing signed again: the first run's are this job's
    assert second.log.count("found beside it, checked") == 2
    plan = "0 file(s) will be signed (PEP 740)"
    assert plan in second.log  # and why none: the first run's are sent instead
    assert "For 2 file(s), the attestation beside the file is sent instead" in second.log
    for name, stored in index.state.projects["example"].files.items():
        sent = json.loads(stored.attestations or "[]")
        assert [json.dumps(a, sort_keys=True) for a in sent] == [
            json.dumps(json.loads(contents[f"{name}.publish.attestation"]), sort_keys=True)
        ]
    assert {name: (github.dist / name).read_text() for name in written} == contents


def test_signing_failure_is_named(github: GitHub, index: LocalIndex, sig: LocalSigstore) -> None:
    _ready(github, index)
    sig.fail("fulcio", 503, times=5)
    run = github.run(_inputs(sig))
    assert run.code == 1
    assert "Signing with Sigstore failed" in run.log
    assert "HTTP 503 from http://127.0.0.1" in run.log  # what Fulcio answered
    assert "try 3 of 4 failed" in run.log
    assert "/legacy/" not in index.state.paths()


@pytest.mark.parametrize("service", ["fulcio", "rekor"])
def test_one_passing_sigstore_fault_is_retried(
    github: GitHub, index: LocalIndex, sig: LocalSigstore, service: str
) -> None:
    _ready(github, index)
    sig.fail(service, 503)
    run = github.run(_inputs(sig))
    assert run.code == 0, run.log
    assert all(f.attestations for f in index.state.projects["example"].files.values())


def test_a_refused_attestation_is_named_at_upload(
    github: GitHub, index: LocalIndex, sig: LocalSigstore
) -> None:
    """Warehouse's own words for it: not a problem with the distribution."""
    _ready(github, index)
    reason = "Invalid attestations supplied during upload: build config mismatch"
    index.state.faults.append(Fault("/legacy/", status=400, reason=reason))
    run = github.run(_inputs(sig))
    assert run.code == 1
    assert "The index refused the attestation of `example-1.0.0-py3-none-any.whl`" in run.log
    assert "rebuild" not in run.log
    page = run.page
    assert reason in page.text  # the index's words, as text
    assert page.link("help: attestations on the index") == "https://docs.pypi.org/attestations/"


def _provenance(
    sig: LocalSigstore, path: Path, run: RunClaims | None = None, predicate: str = SLSA
) -> Attestation:
    """An attestation of another kind, as `actions/attest-build-provenance` makes one
    (converted with `Attestation.from_bundle`, as PyPI's docs show)."""
    import hashlib

    from sigstore.dsse import DigestSet, StatementBuilder, Subject

    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    statement = (
        StatementBuilder()
        .subjects([Subject(name=path.name, digest=DigestSet(root={"sha256": digest}))])
        .predicate_type(predicate)
        .predicate(
            {"buildDefinition": {"buildType": "https://actions.github.io/buildtypes/workflow/v1"}}
        )
        .build()
    )
    config = ClientTrustConfig.from_json(sig.trust_config_path.read_text())
    with SigningContext.from_trust_config(config).signer(
        IdentityToken(sigstore_token(run))
    ) as signer:
        return Attestation.from_bundle(signer.sign_dsse(statement))


def test_own_provenance_is_sent_beside_the_publish_attestation(
    github: GitHub, index: LocalIndex, sig: LocalSigstore
) -> None:
    """`<dist>.<kind>.attestation` with SLSA provenance, as twine's --attestations
    pairs them: checked before the mint, sent with the one this run signs."""
    _ready(github, index)
    wheel = github.dist / "example-1.0.0-py3-none-any.whl"
    provenance = _provenance(sig, wheel)
    Path(f"{wheel}.build.attestation").write_text(provenance.model_dump_json())
    run = github.run(_inputs(sig))
    assert run.code == 0, run.log
    assert "`example-1.0.0-py3-none-any.whl.build.attestation` will be sent with" in run.log
    sent = json.loads(index.state.projects["example"].files[wheel.name].attestations or "[]")
    kinds = [attest.predicate_of(Attestation.model_validate(a)) for a in sent]
    assert kinds == [attest.PUBLISH_V1, SLSA]  # the index verified both
    assert "left out" not in run.log
    assert run.output_list("attestations").count(wheel.name) == 1


@pytest.mark.parametrize("dry_run", ["false", "true"])
@pytest.mark.parametrize("kind", ["garbage", "foreign", "twice", "publish", "unknown"])
def test_own_provenance_is_checked_before_the_mint(
    github: GitHub, index: LocalIndex, sig: LocalSigstore, dry_run: str, kind: str
) -> None:
    """The user's own attestation that the index would refuse stops the run before any
    token exchange or signature, and fails the dry run too."""
    _ready(github, index)
    wheel = github.dist / "example-1.0.0-py3-none-any.whl"
    own = Path(f"{wheel}.build.attestation")
    if kind == "garbage":
        own.write_text('{"version": 1, "envelope": {}}')
    elif kind == "foreign":
        own.write_text(_provenance(sig, wheel, RunClaims(workflow="nightly.yml")).model_dump_json())
    elif kind == "twice":
        own.write_text(_provenance(sig, wheel).model_dump_json())
        Path(f"{wheel}.slsa.attestation").write_text(_provenance(sig, wheel).model_dump_json())
    elif kind == "publish":
        own.write_text(_sign(sig, wheel).model_dump_json())
    else:
        own.write_text(
            _provenance(sig, wheel, predicate="https://example.org/x/v1").model_dump_json()
        )
    sig.record.requests.clear()
    run = github.run(_inputs(sig, **{"dry-run": dry_run}))
    assert run.code == 1
    expected = {
        "garbage": "Cannot read an attestation",
        "foreign": "was signed by another identity",
        "twice": "Two attestations of one kind for `example-1.0.0-py3-none-any.whl`",
        "publish": "Two attestations of one kind for `example-1.0.0-py3-none-any.whl`",
        "unknown": "is not an attestation the index takes",
    }[kind]
    assert expected in run.log
    if kind == "garbage":
        assert "verification_material: Field required" in run.log  # where, not just that
    assert "/_/oidc/mint-token" not in index.state.paths()
    assert sig.requests == []


def test_private_deployment_for_pypi_is_refused(
    github: GitHub, index: LocalIndex, sig: LocalSigstore, monkeypatch: pytest.MonkeyPatch
) -> None:
    _ready(github, index)
    monkeypatch.setattr(Index, "is_pypi", property(lambda self: True))
    run = github.run(_inputs(sig), in_process=True)
    assert run.code == 1
    assert "checks attestations against Sigstore's public-good instance" in run.log
    assert "/_/oidc/mint-token" not in index.state.paths()


def test_public_trust_data_is_fetched_before_the_mint(
    github: GitHub, index: LocalIndex, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Sigstore's public-good trust data (TUF, online) that cannot be had is named
    before the token exchange, not as an internal error after it."""
    from sigstore.models import ClientTrustConfig

    def unreachable(cls: type[ClientTrustConfig]) -> ClientTrustConfig:
        raise OSError("tuf-repo-cdn.sigstore.dev: Name or service not known")

    _ready(github, index)
    monkeypatch.setattr(Index, "is_pypi", property(lambda self: True))
    monkeypatch.setattr(ClientTrustConfig, "production", classmethod(unreachable))
    run = github.run(in_process=True)
    assert run.code == 1
    assert "Cannot get Sigstore's trust data" in run.log
    assert "Name or service not known" in run.log
    assert "Internal error" not in run.log
    assert "/_/oidc/mint-token" not in index.state.paths()


def test_a_sigstore_call_that_never_returns_is_cut_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(attest, "SIGSTORE_DEADLINE", 0.2)
    started = time.monotonic()
    with pytest.raises(PublishError) as caught:
        attest.bounded(lambda: time.sleep(5), "Fulcio")
    assert time.monotonic() - started < 2
    assert "Sigstore answered too slowly" in caught.value.title


def test_bad_trust_config_is_named_before_anything_is_sent(
    github: GitHub, index: LocalIndex
) -> None:
    """A trust config that cannot be read stops the run while it has only read from the
    index (its audience, its pages) and GitHub (the OIDC token for the index): nothing
    is minted, signed or uploaded."""
    _ready(github, index)
    (github.workspace / "trust.json").write_text("{not json")
    run = github.run({"sigstore-trust-config": "trust.json"})
    assert run.code == 1
    run.shows(Msg.TRUST_CONFIG_BAD, "error", path="trust.json")
    assert index.state.paths("POST") == []  # no mint, no upload
    assert {method for method, _ in index.state.requests} == {"GET"}
    assert len(index.state.issued) == 1  # one OIDC token, for the index: none for Sigstore


@pytest.mark.parametrize("workflow", ["nightly.yml", "release.yml"])
def test_release_with_another_publishers_files_warns_inconsistent_provenance(
    github: GitHub, index: LocalIndex, sig: LocalSigstore, workflow: str
) -> None:
    """The release's sdist was published (attested) by another workflow: this run's
    attested wheel will make the release inconsistent-provenance on pypi.org. Asked of
    the integrity API before the mint; a warning, the release goes ahead."""
    make_wheel(github.dist)
    publisher = publisher_for_run(index)
    index.state.add_project("example", publisher, publisher_for_run(index, workflow=workflow))
    other = publisher_for_run(index, workflow=workflow)
    index.state.add_file(
        "example", "example-1.0.0.tar.gz", b"sdist", "1.0.0", attestations="[]", publisher=other
    )
    run = github.run(_inputs(sig))
    assert run.code == 0, run.log
    asked = "/integrity/example/1.0.0/example-1.0.0.tar.gz/provenance"
    assert asked in index.state.paths("GET")
    title = "Release 1.0.0 of `example` will show inconsistent-provenance on "
    if workflow == "release.yml":  # the same publisher: consistent
        assert title not in run.log
        return
    assert f"::warning title={title}" in run.log
    assert "GitHub octo-org/example (workflow nightly.yml) for `example-1.0.0.tar.gz`" in run.log
    assert "attested for GitHub octo-org/example (workflow release.yml)" in run.log
    posts = index.state.paths()
    assert posts.index(asked) < posts.index("/_/oidc/mint-token")


def test_own_provenance_whose_signature_does_not_verify(
    github: GitHub, index: LocalIndex, sig: LocalSigstore
) -> None:
    """The user's own provenance, its envelope's signature changed: the index would
    refuse it, so the run stops before the token exchange."""
    _ready(github, index)
    wheel = github.dist / "example-1.0.0-py3-none-any.whl"
    data = json.loads(_provenance(sig, wheel).model_dump_json())
    signature = bytearray(base64.b64decode(data["envelope"]["signature"]))
    signature[-1] ^= 1
    data["envelope"]["signature"] = base64.b64encode(bytes(signature)).decode()
    Path(f"{wheel}.build.attestation").write_text(json.dumps(data))
    run = github.run(_inputs(sig))
    assert run.code == 1
    run.shows(Msg.ATTESTATION_INVALID, "error", filename=wheel.name)
    assert "/_/oidc/mint-token" not in index.state.paths()
    assert index.state.uploads == []


def test_own_provenance_too_large_to_be_one(
    github: GitHub, index: LocalIndex, sig: LocalSigstore
) -> None:
    _ready(github, index)
    wheel = github.dist / "example-1.0.0-py3-none-any.whl"
    own = Path(f"{wheel}.build.attestation")
    own.write_bytes(b" " * (attest.MAX_GIVEN + 1))
    run = github.run(_inputs(sig))
    assert run.code == 1
    reason = messages.phrase(Msg.FILE_TOO_LARGE, limit=attest.MAX_GIVEN)
    run.shows(Msg.ATTESTATION_UNREADABLE, "error", path=f"dist/{own.name}", reason=reason)
    assert "/_/oidc/mint-token" not in index.state.paths()


def test_sigstore_too_slow_stops_before_the_upload(
    github: GitHub, index: LocalIndex, sig: LocalSigstore, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Fulcio answers after the time signing is given (shortened here, with Fulcio
    slower than that): the run stops, and nothing is uploaded unsigned."""
    _ready(github, index)
    monkeypatch.setattr(attest, "SIGSTORE_DEADLINE", 0.3)
    sig.fail("fulcio", 503, pause=2.0)
    run = github.run(_inputs(sig), in_process=True)
    assert run.code == 1
    run.shows(Msg.SIGSTORE_TOO_SLOW, "error")
    assert index.state.uploads == []


def test_pypi_summary_links_each_transparency_log_entry(
    github: GitHub, index: LocalIndex, sig: LocalSigstore, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Publishing to PyPI signs with Sigstore's public-good instance (here the local
    stand-in takes its place, as TUF would hand it out), whose log entries can be looked
    up: the summary links each one."""
    from fakes.hosts import served_as
    from sigstore.models import ClientTrustConfig

    _ready(github, index)
    public = ClientTrustConfig.from_json(sig.trust_config_path.read_text())
    monkeypatch.setattr(ClientTrustConfig, "production", classmethod(lambda cls: public))
    before = len(sig.entries)  # the stand-in serves the whole module
    with served_as(index, "pypi.org", "upload.pypi.org"):
        run = github.run({"repository-url": "https://upload.pypi.org/legacy/"}, in_process=True)
    assert run.code == 0, run.log
    logged = sorted(int(entry["logIndex"]) for entry in sig.entries[before:])
    assert len(logged) == 2
    for log_index in logged:
        label = messages.title(Msg.LINK_LOG_ENTRY, {"log_index": log_index})
        link = f"[{label}](<{attest.SIGSTORE_SEARCH}?logIndex={log_index}>)"
        assert link in run.summary
