"""The local Sigstore stand-in (``fakes/sigstore.py``): what it issues is what
sigstore-python and pypi-attestations accept offline, with its trusted root and only
with it, and ``verify_upload`` answers as Warehouse does."""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jwt
import pytest
import requests
from conftest import make_wheel
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from fakes.index import LocalIndex, RunClaims
from fakes.sigstore import (
    PUBLISH_V1,
    LocalSigstore,
    inclusion_proof,
    merkle_root,
    running_sigstore,
    sigstore_token,
)
from pypi_attestations import Attestation, Distribution, GitHubPublisher, VerificationError
from sigstore._internal import merkle
from sigstore._internal.fulcio.client import FulcioClientError
from sigstore._internal.tuf import DEFAULT_TUF_URL, _get_dirs
from sigstore.models import ClientTrustConfig
from sigstore.oidc import IdentityToken
from sigstore.sign import SigningContext
from sigstore.verify import Verifier, policy

REPOSITORY = "octo-org/example"
OWNER, REPO = REPOSITORY.split("/")
FULCIO_OID = "1.3.6.1.4.1.57264.1."


@dataclass
class Signed:
    """A wheel and its publish attestation."""

    wheel: Path
    attestation: Attestation

    @property
    def dist(self) -> Distribution:
        return Distribution.from_file(self.wheel)

    def field(self, *extra: Attestation) -> str:
        """The upload's ``attestations`` form field."""
        return json.dumps([a.model_dump(mode="json") for a in (self.attestation, *extra)])

    def claim(self, number: int) -> str:
        return self.attestation.certificate_claims[f"{FULCIO_OID}{number}"]


def sign(stand_in: LocalSigstore, wheel: Path, token: str) -> Attestation:
    """Sign ``wheel`` through the stand-in, as the action would."""
    config = ClientTrustConfig.from_json(stand_in.trust_config_path.read_text())
    context = SigningContext.from_trust_config(config)
    with context.signer(IdentityToken(token)) as signer:
        return Attestation.sign(signer, Distribution.from_file(wheel))


@pytest.fixture(scope="module")
def stand_in(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalSigstore]:
    with running_sigstore(tmp_path_factory.mktemp("sigstore")) as running:
        yield running


@pytest.fixture(scope="module")
def signed(stand_in: LocalSigstore, tmp_path_factory: pytest.TempPathFactory) -> Signed:
    wheel = make_wheel(tmp_path_factory.mktemp("dist"))
    return Signed(wheel, sign(stand_in, wheel, sigstore_token()))


@pytest.fixture(scope="module")
def reusable(stand_in: LocalSigstore, tmp_path_factory: pytest.TempPathFactory) -> Signed:
    """Signed in a reusable workflow: release.yml calls publish.yml."""
    run = RunClaims(called_workflow=f"{REPOSITORY}/.github/workflows/publish.yml")
    wheel = make_wheel(tmp_path_factory.mktemp("dist"))
    return Signed(wheel, sign(stand_in, wheel, sigstore_token(run)))


@pytest.fixture
def cache(stand_in: LocalSigstore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An ``XDG_CACHE_HOME`` with the stand-in's root planted."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    stand_in.plant_tuf_cache(tmp_path / "cache")
    return tmp_path / "cache"


# --- trust config and signing ------------------------------------------------------


def test_trust_config_loads_without_a_request(tmp_path: Path) -> None:
    with running_sigstore(tmp_path) as stand_in:
        config = ClientTrustConfig.from_json(stand_in.trust_config_path.read_text())
        SigningContext.from_trust_config(config)
        signing = json.loads(stand_in.trust_config_path.read_text())["signingConfig"]
        assert [s["url"] for s in signing["caUrls"]] == [stand_in.fulcio_url]
        assert [(s["url"], s["majorApiVersion"]) for s in signing["rekorTlogUrls"]] == [
            (stand_in.rekor_url, 1)
        ]
        assert signing["tsaUrls"] == []
        assert stand_in.fulcio_url.startswith("http://127.0.0.1:")
        assert stand_in.requests == []


def test_signing_asks_fulcio_then_rekor_once(tmp_path: Path) -> None:
    with running_sigstore(tmp_path / "sigstore") as stand_in:
        sign(stand_in, make_wheel(tmp_path), sigstore_token())
        assert [(r.service, r.path, r.status) for r in stand_in.requests] == [
            ("fulcio", "/api/v2/signingCert", 200),
            ("rekor", "/api/v1/log/entries", 201),
        ]
        assert len(stand_in.certificates) == len(stand_in.entries) == 1
        assert stand_in.identities[0]["aud"] == "sigstore"


def test_certificate_carries_the_github_identity(signed: Signed) -> None:
    cert = x509.load_der_x509_certificate(signed.attestation.verification_material.certificate)
    san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName)
    job = f"https://github.com/{REPOSITORY}/.github/workflows/release.yml@refs/tags/v1.0.0"
    assert san.critical
    assert san.value.get_values_for_type(x509.UniformResourceIdentifier) == [job]
    assert signed.claim(8) == "https://token.actions.githubusercontent.com"
    assert signed.claim(9) == job
    assert signed.claim(12) == f"https://github.com/{REPOSITORY}"
    assert signed.claim(14) == "refs/tags/v1.0.0"
    assert signed.claim(18) == job
    assert signed.claim(21) == f"https://github.com/{REPOSITORY}/actions/runs/4242/attempts/1"


def test_reusable_workflow_build_config_is_the_caller(reusable: Signed) -> None:
    assert reusable.claim(9).endswith("/.github/workflows/publish.yml@refs/tags/v1.0.0")
    assert reusable.claim(18).endswith("/.github/workflows/release.yml@refs/tags/v1.0.0")


def test_token_from_the_fake_index_is_accepted(index: LocalIndex, tmp_path: Path) -> None:
    """The action's path: ask the runner's token endpoint for audience sigstore."""
    env = index.github_env()
    answer = requests.get(
        f"{env['ACTIONS_ID_TOKEN_REQUEST_URL']}&audience=sigstore",
        headers={"Authorization": f"bearer {env['ACTIONS_ID_TOKEN_REQUEST_TOKEN']}"},
    )
    with running_sigstore(tmp_path / "sigstore") as stand_in:
        attestation = sign(stand_in, make_wheel(tmp_path), answer.json()["value"])
        assert stand_in.identities[0]["jti"]
    assert attestation.certificate_claims[f"{FULCIO_OID}18"].endswith(
        "release.yml@refs/tags/v1.0.0"
    )


def test_artifact_signatures_are_hashedrekord_entries(stand_in: LocalSigstore) -> None:
    config = ClientTrustConfig.from_json(stand_in.trust_config_path.read_text())
    with SigningContext.from_trust_config(config).signer(IdentityToken(sigstore_token())) as s:
        bundle = s.sign_artifact(b"artifact")
    assert bundle.log_entry._inner.kind_version.kind == "hashedrekord"
    verifier = Verifier(trusted_root=config.trusted_root)
    verifier.verify_artifact(b"artifact", bundle, policy.UnsafeNoOp())


def test_fulcio_takes_a_public_key_with_proof_of_possession(stand_in: LocalSigstore) -> None:
    token = sigstore_token()
    key = ec.generate_private_key(ec.SECP256R1())
    pem = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    proof = key.sign(
        jwt.decode(token, options={"verify_signature": False})["sub"].encode(),
        ec.ECDSA(hashes.SHA256()),
    )
    request = {
        "publicKeyRequest": {
            "publicKey": {"algorithm": "ECDSA", "content": pem.decode()},
            "proofOfPossession": base64.b64encode(proof).decode(),
        }
    }
    answer = requests.post(
        f"{stand_in.fulcio_url}/api/v2/signingCert",
        json=request,
        headers={"Authorization": f"Bearer {token}"},
    )
    chain = answer.json()["signedCertificateEmbeddedSct"]["chain"]["certificates"]
    leaf = x509.load_pem_x509_certificate(chain[0].encode())
    assert leaf.public_key() == key.public_key()
    request["publicKeyRequest"]["proofOfPossession"] = base64.b64encode(b"0" * 70).decode()
    answer = requests.post(
        f"{stand_in.fulcio_url}/api/v2/signingCert",
        json=request,
        headers={"Authorization": f"Bearer {token}"},
    )
    assert answer.status_code == 400


def test_fulcio_fault_reaches_the_signer(tmp_path: Path) -> None:
    with running_sigstore(tmp_path / "sigstore") as stand_in:
        stand_in.fail("fulcio", 503)
        with pytest.raises(FulcioClientError):
            sign(stand_in, make_wheel(tmp_path), sigstore_token())
        assert stand_in.requests_to("rekor") == []


# --- offline verification with the planted root -------------------------------------


def test_attestation_verifies_offline(signed: Signed, cache: Path) -> None:
    publisher = GitHubPublisher(repository=REPOSITORY, workflow="release.yml")
    predicate_type, predicate = signed.attestation.verify(publisher, signed.dist, offline=True)
    assert (predicate_type, predicate) == (PUBLISH_V1, None)
    other = GitHubPublisher(repository=REPOSITORY, workflow="other.yml")
    with pytest.raises(VerificationError, match="Build Config URI"):
        signed.attestation.verify(other, signed.dist, offline=True)


def test_planted_where_sigstore_reads(stand_in: LocalSigstore, cache: Path) -> None:
    _, targets = _get_dirs(DEFAULT_TUF_URL)
    assert stand_in.plant_tuf_cache(cache) == targets
    assert json.loads((targets / "trusted_root.json").read_text()) == stand_in.trusted_root()


def test_production_root_does_not_trust_the_stand_in(
    signed: Signed, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))  # nothing planted: embedded root
    publisher = GitHubPublisher(repository=REPOSITORY, workflow="release.yml")
    with pytest.raises(VerificationError):
        signed.attestation.verify(publisher, signed.dist, offline=True)


def test_cli_verifies_offline(signed: Signed, cache: Path, tmp_path: Path) -> None:
    wheel = tmp_path / signed.wheel.name
    wheel.write_bytes(signed.wheel.read_bytes())
    Path(f"{wheel}.publish.attestation").write_text(signed.attestation.model_dump_json())
    provenance = tmp_path / "provenance.json"
    bundle = {
        "publisher": {"kind": "GitHub", "repository": REPOSITORY, "workflow": "release.yml"},
        "attestations": [signed.attestation.model_dump(mode="json")],
    }
    provenance.write_text(json.dumps({"version": 1, "attestation_bundles": [bundle]}))
    identity = signed.claim(9)
    cli = [sys.executable, "-m", "pypi_attestations", "verify"]
    commands = {
        "attestation": [*cli, "attestation", "--identity", identity, "--offline", str(wheel)],
        "pypi": [
            *cli,
            "pypi",
            "--repository",
            f"https://github.com/{REPOSITORY}",
            "--provenance-file",
            str(provenance),
            "--offline",
            str(wheel),
        ],
        "wrong identity": [*cli, "attestation", "--identity", "x", "--offline", str(wheel)],
    }
    env = {**os.environ, "XDG_CACHE_HOME": str(cache)}
    # In parallel: each one starts a Python that imports sigstore.
    running = {
        name: subprocess.Popen(
            command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        )
        for name, command in commands.items()
    }
    results = {}
    for name, process in running.items():
        output = process.communicate(timeout=60)[0]
        results[name] = (process.returncode, output)
    assert results["attestation"][0] == 0, results["attestation"][1]
    assert "OK:" in results["attestation"][1]
    assert results["pypi"][0] == 0, results["pypi"][1]
    assert results["wrong identity"][0] != 0


# --- what Warehouse checks on upload ---------------------------------------------------


def test_upload_accepted(stand_in: LocalSigstore, signed: Signed) -> None:
    content = signed.wheel.read_bytes()
    assert (
        stand_in.verify_upload(
            signed.field(), signed.wheel.name, content, OWNER, REPO, "release.yml"
        )
        is None
    )


def test_upload_of_another_file(stand_in: LocalSigstore, signed: Signed) -> None:
    content = signed.wheel.read_bytes()
    reason = stand_in.verify_upload(
        signed.field(), "example-2.0.0-py3-none-any.whl", content, OWNER, REPO, "release.yml"
    )
    assert reason == (
        "Could not verify the uploaded artifact using the included attestation: "
        "Verification failed: subject does not match distribution name: "
        f"{signed.wheel.name} != example-2.0.0-py3-none-any.whl"
    )
    reason = stand_in.verify_upload(
        signed.field(), signed.wheel.name, content + b"\0", OWNER, REPO, "release.yml"
    )
    assert reason is not None
    assert reason.endswith("Verification failed: subject does not match distribution digest")


def test_upload_with_a_tampered_statement(stand_in: LocalSigstore, signed: Signed) -> None:
    attestation = signed.attestation.model_copy(deep=True)
    statement = json.loads(attestation.envelope.statement)
    statement["subject"][0]["name"] = "example-2.0.0-py3-none-any.whl"
    attestation.envelope.statement = json.dumps(statement).encode()
    field = json.dumps([attestation.model_dump(mode="json")])
    reason = stand_in.verify_upload(
        field, "example-2.0.0-py3-none-any.whl", b"", OWNER, REPO, "release.yml"
    )
    assert reason is not None
    assert reason.startswith(
        "Could not verify the uploaded artifact using the included attestation: "
    )


@pytest.mark.parametrize(
    ("owner", "repo", "workflow", "why"),
    [
        (OWNER, REPO, "other.yml", "Build Config URI"),
        (OWNER, "other", "release.yml", "OIDCSourceRepositoryURI does not match"),
        ("someone", REPO, "release.yml", "OIDCSourceRepositoryURI does not match"),
    ],
)
def test_upload_for_another_publisher(
    stand_in: LocalSigstore, signed: Signed, owner: str, repo: str, workflow: str, why: str
) -> None:
    content = signed.wheel.read_bytes()
    reason = stand_in.verify_upload(
        signed.field(), signed.wheel.name, content, owner, repo, workflow
    )
    assert reason is not None
    assert why in reason


def test_upload_from_a_reusable_workflow(stand_in: LocalSigstore, reusable: Signed) -> None:
    """The mint matches the called file (publish.yml), the attestation's Build Config
    URI names the caller: a publisher for publish.yml mints but cannot attest."""
    content = reusable.wheel.read_bytes()
    name = reusable.wheel.name
    reason = stand_in.verify_upload(reusable.field(), name, content, OWNER, REPO, "publish.yml")
    assert reason is not None
    assert "Build Config URI" in reason
    assert "(publish.yml @ octo-org/example)" in reason
    assert (
        stand_in.verify_upload(reusable.field(), name, content, OWNER, REPO, "release.yml") is None
    )


def _later(entry: dict[str, Any]) -> None:
    entry["integratedTime"] = str(int(entry["integratedTime"]) + 1)


def _other_set(entry: dict[str, Any]) -> None:
    entry["inclusionPromise"]["signedEntryTimestamp"] = base64.b64encode(b"0" * 70).decode()


def _longer_body(entry: dict[str, Any]) -> None:
    body = base64.b64decode(entry["canonicalizedBody"]) + b" "
    entry["canonicalizedBody"] = base64.b64encode(body).decode()


def _bigger_tree(entry: dict[str, Any]) -> None:
    checkpoint = entry["inclusionProof"]["checkpoint"]
    origin, size, rest = checkpoint["envelope"].split("\n", 2)
    checkpoint["envelope"] = f"{origin}\n{int(size) + 1}\n{rest}"


@pytest.mark.parametrize(
    ("tamper", "why"),
    [
        (_later, "invalid log entry: SET: invalid inclusion promise"),
        (_other_set, "invalid log entry: SET: invalid inclusion promise"),
        (_longer_body, "invalid log entry: inclusion proof contains invalid root hash"),
        (_bigger_tree, "invalid log entry: checkpoint: invalid signature"),
    ],
    ids=["integrated time", "entry timestamp", "body", "checkpoint"],
)
def test_upload_with_a_tampered_log_entry(
    stand_in: LocalSigstore, signed: Signed, tamper: Callable[[dict[str, Any]], None], why: str
) -> None:
    attestation = signed.attestation.model_copy(deep=True)
    tamper(attestation.verification_material.transparency_entries[0])
    field = json.dumps([attestation.model_dump(mode="json")])
    content = signed.wheel.read_bytes()
    reason = stand_in.verify_upload(field, signed.wheel.name, content, OWNER, REPO, "release.yml")
    assert reason is not None
    assert why in reason


def test_upload_with_two_of_one_predicate(stand_in: LocalSigstore, signed: Signed) -> None:
    content = signed.wheel.read_bytes()
    name = signed.wheel.name
    two = signed.field(signed.attestation)
    assert stand_in.verify_upload(two, name, content, OWNER, REPO, "release.yml") == (
        "Multiple attestations for the same file with the same predicate type "
        "(https://docs.pypi.org/attestations/publish/v1) are not supported"
    )
    three = signed.field(signed.attestation, signed.attestation)
    assert (
        stand_in.verify_upload(three, name, content, OWNER, REPO, "release.yml")
        == "A maximum of 2 attestations per file are supported"
    )


def test_upload_with_malformed_attestations(stand_in: LocalSigstore, signed: Signed) -> None:
    content = signed.wheel.read_bytes()
    name = signed.wheel.name
    assert (
        stand_in.verify_upload("[]", name, content, OWNER, REPO, "release.yml")
        == "Malformed attestations: an empty attestation set is not permitted"
    )
    reason = stand_in.verify_upload('[{"version": 2}]', name, content, OWNER, REPO, "release.yml")
    assert reason is not None
    assert reason.startswith("Malformed attestations: ")


# --- the services' own refusals and the log ---------------------------------------------


def _csr_request(token: str) -> tuple[dict[str, str], str]:
    key = ec.generate_private_key(ec.SECP256R1())
    csr = (
        x509.CertificateSigningRequestBuilder()
        .subject_name(x509.Name([]))
        .sign(key, hashes.SHA256())
    )
    pem = csr.public_bytes(serialization.Encoding.PEM)
    body = json.dumps({"certificateSigningRequest": base64.b64encode(pem).decode()})
    return {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}, body


def _token(kind: str) -> str:
    if kind == "audience":
        return sigstore_token(aud="pypi")
    if kind == "issuer":
        return sigstore_token(iss="https://accounts.example.com")
    # Signed by another key than the GitHub issuer's.
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return jwt.encode(RunClaims().claims("sigstore"), other, algorithm="RS256")


@pytest.mark.parametrize(("kind", "status"), [("audience", 401), ("issuer", 400), ("key", 401)])
def test_fulcio_refuses_tokens(stand_in: LocalSigstore, kind: str, status: int) -> None:
    headers, body = _csr_request(_token(kind))
    answer = requests.post(f"{stand_in.fulcio_url}/api/v2/signingCert", data=body, headers=headers)
    assert answer.status_code == status
    assert answer.json()["message"]


def test_rekor_refuses_duplicates_and_bad_signatures(tmp_path: Path) -> None:
    with running_sigstore(tmp_path / "sigstore") as stand_in:
        sign(stand_in, make_wheel(tmp_path), sigstore_token())
        url = f"{stand_in.rekor_url}/api/v1/log/entries"
        proposed = stand_in.proposals[0]
        assert requests.post(url, json=proposed).status_code == 409
        content = proposed["spec"]["proposedContent"]
        envelope = json.loads(content["envelope"])
        envelope["payload"] = base64.b64encode(b"{}").decode()
        content["envelope"] = json.dumps(envelope)
        answer = requests.post(url, json=proposed)
        assert answer.status_code == 400
        assert answer.json()["message"] == "could not verify envelope signature"
        assert len(stand_in.entries) == 1


@pytest.mark.parametrize("size", range(1, 18))
def test_inclusion_proofs_verify_as_sigstore_checks_them(size: int) -> None:
    leaves = [bytes([i]) * 32 for i in range(size)]
    root = merkle_root(leaves)
    for index in range(size):
        proof = inclusion_proof(index, leaves)
        inner, border = merkle._decomp_inclusion_proof(index, size)
        assert len(proof) == inner + border
        computed = merkle._chain_border_right(
            merkle._chain_inner(leaves[index], proof[:inner], index), proof[inner:]
        )
        assert computed == root
