"""A local stand-in for Sigstore: a Fulcio CA, a Rekor v1 transparency log, and the
trust material that makes sigstore-python and pypi-attestations accept what they issue.

No machine here reaches the real Sigstore, so the tests sign PEP 740 attestations
against this one on 127.0.0.1. It issues what the real services issue, to the extent
sigstore-python 4.x checks it:

- Fulcio (``POST /api/v2/signingCert``): a short-lived leaf for the CSR's key, chained to
  an intermediate and a root that follow WebPKI rules, with the GitHub identity of the
  OIDC token in its SAN and in Fulcio's extensions (1.3.6.1.4.1.57264.1.1-.1.6 raw,
  .1.8-.1.23 DER UTF8String), and one embedded SCT from a CT log of the trusted root.
- Rekor v1 (``POST /api/v1/log/entries``): ``dsse`` and ``hashedrekord`` 0.0.1 entries
  stored in Rekor's canonical form, in a real RFC 6962 Merkle tree, with a signed entry
  timestamp and an inclusion proof whose checkpoint is a signed note.
- The client trust config (``trustedRoot`` + ``signingConfig`` v0.2) pointing at both,
  and a way to plant the trusted root where sigstore-python's offline production lookup
  (``Attestation.verify(..., offline=True)``) reads it.

``verify_upload`` checks an upload's ``attestations`` field the way Warehouse does
(``warehouse/attestations/services.py``), against this stand-in's root. Every request is
logged, so a test can assert that a dry run never reached Fulcio or Rekor.
"""

from __future__ import annotations

import base64
import datetime
import functools
import hashlib
import json
import secrets
import struct
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import quote

import jwt
import rfc8785
import sigstore.errors
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat import asn1
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.asymmetric.utils import Prehashed
from cryptography.x509.oid import ExtendedKeyUsageOID, ExtensionOID, NameOID
from packaging.utils import parse_sdist_filename, parse_wheel_filename
from pydantic import TypeAdapter, ValidationError
from pypi_attestations import (
    Attestation,
    AttestationType,
    Distribution,
    GitHubPublisher,
    VerificationError,
)
from sigstore.dsse import Envelope, _Statement
from sigstore.models import TrustedRoot
from sigstore.verify import Verifier
from sigstore_models.trustroot.v1 import TrustedRoot as TrustedRootMessage

from fakes.index import GITHUB_ISSUER, RunClaims, _Issuer, _signing_key

TRUST_CONFIG_MEDIA_TYPE = "application/vnd.dev.sigstore.clienttrustconfig.v0.1+json"
TRUSTED_ROOT_MEDIA_TYPE = "application/vnd.dev.sigstore.trustedroot+json;version=0.1"
SIGNING_CONFIG_MEDIA_TYPE = "application/vnd.dev.sigstore.signingconfig.v0.2+json"
# sigstore-python's production TUF repository; its offline cache is keyed by this URL.
PRODUCTION_TUF_URL = "https://tuf-repo-cdn.sigstore.dev"
SIGSTORE_AUDIENCE = "sigstore"
UPLOAD_REFUSAL = "Invalid attestations supplied during upload: {}"
PUBLISH_V1 = "https://docs.pypi.org/attestations/publish/v1"
SLSA_PROVENANCE_V1 = "https://slsa.dev/provenance/v1"
_OPERATOR = "sigstore-stand-in.local"
_FULCIO_OID = "1.3.6.1.4.1.57264.1."
_SCT_OID = ExtensionOID.PRECERT_SIGNED_CERTIFICATE_TIMESTAMPS
_LEAF_LIFETIME = datetime.timedelta(minutes=10)  # as Fulcio's


# --- keys and CA certificates: made once per process (key generation is the slow part)


def _spki(key: ec.EllipticCurvePublicKey) -> bytes:
    return key.public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def _key_id(key: ec.EllipticCurvePublicKey) -> bytes:
    """What Sigstore calls a key's id (log ids, the SCT issuer key hash): SHA-256 of
    its DER SubjectPublicKeyInfo."""
    return hashlib.sha256(_spki(key)).digest()


def _name(common_name: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, _OPERATOR),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


@dataclass(frozen=True)
class _Authority:
    """The stand-in's keys (all EC P-256) and its CA certificates."""

    root_key: ec.EllipticCurvePrivateKey
    root: x509.Certificate
    intermediate_key: ec.EllipticCurvePrivateKey
    intermediate: x509.Certificate
    ct_key: ec.EllipticCurvePrivateKey
    rekor_key: ec.EllipticCurvePrivateKey
    since: datetime.datetime


@functools.cache
def _authority() -> _Authority:
    since = datetime.datetime.now(datetime.UTC).replace(microsecond=0) - datetime.timedelta(days=1)
    until = since + datetime.timedelta(days=3650)
    root_key = ec.generate_private_key(ec.SECP256R1())
    intermediate_key = ec.generate_private_key(ec.SECP256R1())
    root_ski = x509.SubjectKeyIdentifier.from_public_key(root_key.public_key())
    # WebPKI rules for CAs: critical BasicConstraints and KeyUsage, key identifiers.
    root = (
        x509.CertificateBuilder()
        .subject_name(_name("sigstore"))
        .issuer_name(_name("sigstore"))
        .public_key(root_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(since)
        .not_valid_after(until)
        .add_extension(x509.BasicConstraints(ca=True, path_length=1), critical=True)
        .add_extension(_ca_key_usage(), critical=True)
        .add_extension(root_ski, critical=False)
        .sign(root_key, hashes.SHA256())
    )
    intermediate = (
        x509.CertificateBuilder()
        .subject_name(_name("sigstore-intermediate"))
        .issuer_name(root.subject)
        .public_key(intermediate_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(since)
        .not_valid_after(until)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(_ca_key_usage(), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.CODE_SIGNING]), critical=False)
        .add_extension(
            x509.SubjectKeyIdentifier.from_public_key(intermediate_key.public_key()),
            critical=False,
        )
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(root_ski),
            critical=False,
        )
        .sign(root_key, hashes.SHA256())
    )
    return _Authority(
        root_key=root_key,
        root=root,
        intermediate_key=intermediate_key,
        intermediate=intermediate,
        ct_key=ec.generate_private_key(ec.SECP256R1()),
        rekor_key=ec.generate_private_key(ec.SECP256R1()),
        since=since,
    )


def _ca_key_usage() -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=False,
        content_commitment=False,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=True,
        crl_sign=True,
        encipher_only=False,
        decipher_only=False,
    )


def _leaf_key_usage() -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=True,
        content_commitment=False,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=False,
        crl_sign=False,
        encipher_only=False,
        decipher_only=False,
    )


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def _time(moment: datetime.datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


# --- Fulcio ------------------------------------------------------------------------


def fulcio_extensions(claims: dict[str, Any]) -> list[tuple[str, bytes]]:
    """The Fulcio extensions (OID, extnValue contents) for a GitHub Actions token,
    after Fulcio's ``docs/oid-info.md`` mapping. A claim the token lacks leaves its
    extension out (the fake index's tokens carry only the claims Warehouse reads)."""
    server = "https://github.com"

    def get(name: str) -> str | None:
        value = claims.get(name)
        return None if value is None else str(value)

    def url(name: str) -> str | None:
        value = get(name)
        return None if value is None else f"{server}/{value}"

    run_uri = None
    if None not in (get("repository"), get("run_id"), get("run_attempt")):
        run_uri = (
            f"{server}/{claims['repository']}/actions/runs/{claims['run_id']}"
            f"/attempts/{claims['run_attempt']}"
        )
    # 1.1-1.6 are the deprecated GitHub extensions, raw bytes without DER.
    raw = {
        "1": get("iss"),
        "2": get("event_name"),
        "3": get("sha"),
        "4": get("workflow"),
        "5": get("repository"),
        "6": get("ref"),
    }
    der = {
        "8": get("iss"),
        "9": url("job_workflow_ref"),  # Build Signer URI: the file that runs the job
        "10": get("job_workflow_sha"),
        "11": get("runner_environment"),
        "12": url("repository"),
        "13": get("sha"),
        "14": get("ref"),
        "15": get("repository_id"),
        "16": url("repository_owner"),
        "17": get("repository_owner_id"),
        "18": url("workflow_ref"),  # Build Config URI: the top-level (caller) workflow
        "19": get("workflow_sha"),
        "20": get("event_name"),
        "21": run_uri,
        "22": get("repository_visibility"),
        "23": get("environment"),  # Deployment Environment: newer than pypi-attestations
    }
    extensions = [(_FULCIO_OID + k, v.encode()) for k, v in raw.items() if v is not None]
    extensions += [(_FULCIO_OID + k, asn1.encode_der(v)) for k, v in der.items() if v is not None]
    return extensions


def _signed_sct(tbs: bytes, ts_ms: int, authority: _Authority) -> bytes:
    """An RFC 6962 SignedCertificateTimestampList with one precertificate SCT over
    ``tbs`` (the certificate without its SCT extension), by the trusted CT log."""
    issuer_key_hash = _key_id(authority.intermediate_key.public_key())
    signed = (
        struct.pack("!BBQH", 0, 0, ts_ms, 1)  # v1, certificate_timestamp, time, precert
        + issuer_key_hash
        + struct.pack("!I", len(tbs))[1:]  # opaque TBSCertificate<1..2^24-1>
        + tbs
        + struct.pack("!H", 0)  # no extensions
    )
    signature = authority.ct_key.sign(signed, ec.ECDSA(hashes.SHA256()))
    sct = (
        struct.pack("!B", 0)
        + _key_id(authority.ct_key.public_key())
        + struct.pack("!QH", ts_ms, 0)
        + struct.pack("!BBH", 4, 3, len(signature))  # sha256, ecdsa
        + signature
    )
    serialized = struct.pack("!H", len(sct)) + sct
    return struct.pack("!H", len(serialized)) + serialized


def issue_certificate(
    public_key: ec.EllipticCurvePublicKey | rsa.RSAPublicKey,
    claims: dict[str, Any],
    lifetime: datetime.timedelta = _LEAF_LIFETIME,
) -> x509.Certificate:
    """A Fulcio leaf for ``public_key`` with the identity in ``claims``."""
    authority = _authority()
    now = datetime.datetime.now(datetime.UTC).replace(microsecond=0)
    san = f"https://github.com/{claims['job_workflow_ref']}"
    builder = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([]))
        .issuer_name(authority.intermediate.subject)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + lifetime)
        # An empty subject makes the SAN critical (RFC 5280 4.2.1.6).
        .add_extension(
            x509.SubjectAlternativeName([x509.UniformResourceIdentifier(san)]), critical=True
        )
        .add_extension(_leaf_key_usage(), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.CODE_SIGNING]), critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(
                authority.intermediate_key.public_key()
            ),
            critical=False,
        )
    )
    for oid, value in fulcio_extensions(claims):
        builder = builder.add_extension(
            x509.UnrecognizedExtension(x509.ObjectIdentifier(oid), value), critical=False
        )
    # The SCT signs the precertificate TBS: this same certificate minus the SCT list,
    # which goes last, so removing it leaves exactly these bytes.
    # A whole second: sigstore-python rebuilds the milliseconds through a float.
    precert = builder.sign(authority.intermediate_key, hashes.SHA256())
    sct_list = _signed_sct(precert.tbs_certificate_bytes, int(now.timestamp()) * 1000, authority)
    # cryptography cannot build SCT objects, so the list goes in as raw extension bytes
    # (an OCTET STRING around the TLS encoding); it parses them back as SCTs.
    return builder.add_extension(
        x509.UnrecognizedExtension(_SCT_OID, asn1.encode_der(sct_list)), critical=False
    ).sign(authority.intermediate_key, hashes.SHA256())


# --- Rekor -------------------------------------------------------------------------


def _leaf_hash(data: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + data).digest()


def _node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def _split(n: int) -> int:
    """The largest power of two smaller than ``n`` (RFC 6962 section 2.1)."""
    return 1 << ((n - 1).bit_length() - 1)


def merkle_root(leaves: list[bytes]) -> bytes:
    """RFC 6962 Merkle tree hash over leaf hashes."""
    if not leaves:
        return hashlib.sha256(b"").digest()
    if len(leaves) == 1:
        return leaves[0]
    k = _split(len(leaves))
    return _node_hash(merkle_root(leaves[:k]), merkle_root(leaves[k:]))


def inclusion_proof(index: int, leaves: list[bytes]) -> list[bytes]:
    """RFC 6962 audit path of leaf ``index``, from the leaf's level up."""
    if len(leaves) <= 1:
        return []
    k = _split(len(leaves))
    if index < k:
        return [*inclusion_proof(index, leaves[:k]), merkle_root(leaves[k:])]
    return [*inclusion_proof(index - k, leaves[k:]), merkle_root(leaves[:k])]


class _Rejected(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def _verifier_key(verifier_b64: str) -> ec.EllipticCurvePublicKey:
    """The key in a Rekor ``verifier``/``publicKey``: base64 of a PEM certificate."""
    try:
        pem = base64.b64decode(verifier_b64)
        key = x509.load_pem_x509_certificate(pem).public_key()
    except ValueError as exc:
        raise _Rejected(400, f"invalid verifier: {exc}") from exc
    if not isinstance(key, ec.EllipticCurvePublicKey):
        raise _Rejected(400, "unsupported verifier key type")
    return key


def _pae(payload_type: str, payload: bytes) -> bytes:
    return b"DSSEv1 %d %s %d %s" % (
        len(payload_type),
        payload_type.encode(),
        len(payload),
        payload,
    )


def canonical_body(proposed: dict[str, Any]) -> dict[str, Any]:
    """The body Rekor v1 stores for a proposed ``dsse`` or ``hashedrekord`` 0.0.1 entry,
    after checking its signatures as Rekor does."""
    kind, version, spec = proposed.get("kind"), proposed.get("apiVersion"), proposed.get("spec")
    if version != "0.0.1" or not isinstance(spec, dict):
        raise _Rejected(400, f"unsupported entry: {kind} {version}")
    try:
        if kind == "dsse":
            return _canonical_dsse(spec)
        if kind == "hashedrekord":
            return _canonical_hashedrekord(spec)
    except (KeyError, TypeError, ValueError) as exc:
        raise _Rejected(400, f"invalid {kind} entry: {exc!r}") from exc
    raise _Rejected(400, f"unsupported entry kind: {kind}")


def _canonical_dsse(spec: dict[str, Any]) -> dict[str, Any]:
    content = spec["proposedContent"]
    envelope_text: str = content["envelope"]
    envelope = json.loads(envelope_text)
    payload = base64.b64decode(envelope["payload"])
    pae = _pae(envelope["payloadType"], payload)
    keys = [(v, _verifier_key(v)) for v in content["verifiers"]]
    signatures = []
    for signature in envelope["signatures"]:
        raw = base64.b64decode(signature["sig"])
        for verifier, key in keys:
            try:
                key.verify(raw, pae, ec.ECDSA(hashes.SHA256()))
            except InvalidSignature:
                continue
            signatures.append({"signature": _b64(raw), "verifier": verifier})
            break
        else:
            raise _Rejected(400, "could not verify envelope signature")
    return {
        "apiVersion": "0.0.1",
        "kind": "dsse",
        "spec": {
            "envelopeHash": {
                "algorithm": "sha256",
                "value": hashlib.sha256(envelope_text.encode()).hexdigest(),
            },
            "payloadHash": {"algorithm": "sha256", "value": hashlib.sha256(payload).hexdigest()},
            "signatures": sorted(signatures, key=lambda s: s["signature"]),
        },
    }


def _canonical_hashedrekord(spec: dict[str, Any]) -> dict[str, Any]:
    digest = spec["data"]["hash"]
    if digest["algorithm"] != "sha256":
        raise _Rejected(400, "only sha256 digests are supported")
    signature = base64.b64decode(spec["signature"]["content"])
    verifier = spec["signature"]["publicKey"]["content"]
    try:
        _verifier_key(verifier).verify(
            signature, bytes.fromhex(digest["value"]), ec.ECDSA(Prehashed(hashes.SHA256()))
        )
    except InvalidSignature as exc:
        raise _Rejected(400, "signature does not verify") from exc
    return {
        "apiVersion": "0.0.1",
        "kind": "hashedrekord",
        "spec": {
            "data": {"hash": {"algorithm": "sha256", "value": digest["value"]}},
            "signature": {"content": _b64(signature), "publicKey": {"content": verifier}},
        },
    }


class _Log:
    """Rekor's single-shard log: canonical bodies in a Merkle tree."""

    def __init__(self, authority: _Authority) -> None:
        self.key = authority.rekor_key
        self.log_id = _key_id(self.key.public_key())
        self.tree_id = secrets.randbits(62)
        self.origin = f"rekor.stand-in.local - {self.tree_id}"
        self.leaves: list[bytes] = []
        self.by_leaf: dict[bytes, str] = {}
        self.lock = threading.Lock()

    def _sign(self, data: bytes) -> bytes:
        return self.key.sign(data, ec.ECDSA(hashes.SHA256()))

    def checkpoint(self, size: int, root: bytes) -> str:
        """A signed note over the tree head, as Rekor v1 puts in inclusion proofs."""
        note = f"{self.origin}\n{size}\n{_b64(root)}\n"
        signature = _b64(self.log_id[:4] + self._sign(note.encode()))
        return f"{note}\n\u2014 rekor.stand-in.local {signature}\n"

    def add(self, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        canonical = rfc8785.dumps(body)
        leaf = _leaf_hash(canonical)
        with self.lock:
            if leaf in self.by_leaf:
                uuid = self.by_leaf[leaf]
                return 409, {
                    "code": 409,
                    "message": "an equivalent entry already exists in the transparency "
                    f"log with UUID {uuid}",
                }
            index = len(self.leaves)
            self.leaves.append(leaf)
            leaves = list(self.leaves)
            uuid = f"{self.tree_id:016x}{leaf.hex()}"
            self.by_leaf[leaf] = uuid
        integrated = int(time.time())
        entry: dict[str, Any] = {
            "body": _b64(canonical),
            "integratedTime": integrated,
            "logID": self.log_id.hex(),
            "logIndex": index,
        }
        # The SET signs the canonical JSON of exactly these four members.
        set_signature = self._sign(rfc8785.dumps(entry))
        root = merkle_root(leaves)
        entry["verification"] = {
            "signedEntryTimestamp": _b64(set_signature),
            "inclusionProof": {
                "logIndex": index,
                "rootHash": root.hex(),
                "treeSize": len(leaves),
                "hashes": [h.hex() for h in inclusion_proof(index, leaves)],
                "checkpoint": self.checkpoint(len(leaves), root),
            },
        }
        return 201, {uuid: entry}


# --- the servers -------------------------------------------------------------------


@dataclass(frozen=True)
class SigstoreRequest:
    """One request the stand-in answered."""

    service: str  # "fulcio" or "rekor"
    method: str
    path: str
    status: int


@dataclass
class SigstoreFault:
    """Make the next ``times`` requests to ``service`` fail with ``status``, after
    ``pause`` seconds."""

    service: str
    status: int
    message: str = "injected failure"
    times: int = 1
    pause: float = 0.0
    body: bytes | None = None  # sent as it is, with ``headers``, instead of JSON
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class _Record:
    requests: list[SigstoreRequest] = field(default_factory=list)
    certificates: list[x509.Certificate] = field(default_factory=list)
    identities: list[dict[str, Any]] = field(default_factory=list)
    proposals: list[dict[str, Any]] = field(default_factory=list)
    entries: list[dict[str, Any]] = field(default_factory=list)
    faults: list[SigstoreFault] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


class LocalSigstore:
    """A running Fulcio and Rekor v1 on loopback, and the files that trust them; use as
    a context manager (or through ``running_sigstore``)."""

    def __init__(
        self,
        folder: Path,
        *,
        oidc_key: rsa.RSAPublicKey | None = None,
        verify_token_signature: bool = True,
        latency: float = 0.0,
    ) -> None:
        """``folder`` receives ``trust_config.json`` and ``trusted_root.json``. Fulcio
        verifies the token's RS256 signature with ``oidc_key`` (default: the key the
        fake index's GitHub issuer signs with), unless ``verify_token_signature`` is
        false. ``latency`` models the real services' time per request (a certificate, a
        log entry: about 0.3 s each from a hosted runner) for the benchmarks; requests
        made at the same time wait at the same time."""
        self.authority = _authority()
        self.audience = SIGSTORE_AUDIENCE  # the tokens Fulcio takes (its client id)
        self.log = _Log(self.authority)
        self.record = _Record()
        self.latency = latency
        # The lifetimes of the next certificates Fulcio issues (then Fulcio's 10 min).
        self.lifetimes: list[datetime.timedelta] = []
        self.oidc_key: rsa.RSAPublicKey | None = None
        if verify_token_signature:
            self.oidc_key = oidc_key or _signing_key().public_key()
        self.fulcio = self._server("fulcio")
        self.rekor = self._server("rekor")
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        self.trusted_root_path = folder / "trusted_root.json"
        self.signing_config_path = folder / "signing_config.v0.2.json"
        self.trust_config_path = folder / "trust_config.json"
        self.trusted_root_path.write_text(self.trusted_root_json)
        self.signing_config_path.write_text(self.signing_config_json)
        self.trust_config_path.write_text(self.trust_config_json)
        self._threads = [
            threading.Thread(
                target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
            )
            for server in (self.fulcio, self.rekor)
        ]

    def _server(self, service: str) -> ThreadingHTTPServer:
        handler = type("Handler", (_Handler,), {"stand_in": self, "service": service})
        server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        server.daemon_threads = True
        return server

    @staticmethod
    def _url(server: ThreadingHTTPServer) -> str:
        host, port = server.server_address[:2]
        return f"http://{host!s}:{port}"

    @property
    def fulcio_url(self) -> str:
        """Fulcio's base URL."""
        return self._url(self.fulcio)

    @property
    def rekor_url(self) -> str:
        """Rekor's base URL."""
        return self._url(self.rekor)

    # --- trust material ---------------------------------------------------------------

    def trusted_root(self) -> dict[str, Any]:
        """The trusted root (``application/vnd.dev.sigstore.trustedroot+json``)."""
        authority = self.authority
        start = {"start": _time(authority.since)}

        def tlog(url: str, key: ec.EllipticCurvePrivateKey) -> dict[str, Any]:
            public = key.public_key()
            return {
                "baseUrl": url,
                "hashAlgorithm": "SHA2_256",
                "publicKey": {
                    "rawBytes": _b64(_spki(public)),
                    "keyDetails": "PKIX_ECDSA_P256_SHA_256",
                    "validFor": start,
                },
                "logId": {"keyId": _b64(_key_id(public))},
            }

        chain = [authority.intermediate, authority.root]
        return {
            "mediaType": TRUSTED_ROOT_MEDIA_TYPE,
            "tlogs": [tlog(self.rekor_url, authority.rekor_key)],
            "certificateAuthorities": [
                {
                    "subject": {"organization": _OPERATOR, "commonName": "sigstore"},
                    "uri": self.fulcio_url,
                    "certChain": {
                        "certificates": [
                            {"rawBytes": _b64(c.public_bytes(serialization.Encoding.DER))}
                            for c in chain
                        ]
                    },
                    "validFor": start,
                }
            ],
            "ctlogs": [tlog(f"{self.fulcio_url}/ct", authority.ct_key)],
            "timestampAuthorities": [],
        }

    def signing_config(self) -> dict[str, Any]:
        """The signing config v0.2: this Fulcio, this Rekor (v1), no TSA."""

        def service(url: str) -> dict[str, Any]:
            return {
                "url": url,
                "majorApiVersion": 1,
                "validFor": {"start": _time(self.authority.since)},
                "operator": _OPERATOR,
            }

        return {
            "mediaType": SIGNING_CONFIG_MEDIA_TYPE,
            "caUrls": [service(self.fulcio_url)],
            "oidcUrls": [service(f"{self.fulcio_url}/auth")],  # never used: tokens are ambient
            "rekorTlogUrls": [service(self.rekor_url)],
            "tsaUrls": [],
            "rekorTlogConfig": {"selector": "ANY"},
            "tsaConfig": {"selector": "ANY"},
        }

    def trust_config_in(self, workspace: Path) -> str:
        """Put the trust config in ``workspace`` (the action reads it there only); its
        name there, the ``sigstore-trust-config`` input."""
        name = "sigstore-trust-config.json"
        workspace.mkdir(parents=True, exist_ok=True)
        (workspace / name).write_bytes(self.trust_config_path.read_bytes())
        return name

    @property
    def trusted_root_json(self) -> str:
        """The trusted root, as JSON text."""
        return json.dumps(self.trusted_root(), indent=2)

    @property
    def signing_config_json(self) -> str:
        """The signing config, as JSON text."""
        return json.dumps(self.signing_config(), indent=2)

    @property
    def trust_config_json(self) -> str:
        """The client trust config sigstore-python reads with ``ClientTrustConfig.from_json``."""
        config = {
            "mediaType": TRUST_CONFIG_MEDIA_TYPE,
            "trustedRoot": self.trusted_root(),
            "signingConfig": self.signing_config(),
        }
        return json.dumps(config, indent=2)

    def plant_tuf_cache(self, xdg_cache_home: Path) -> Path:
        """Put this stand-in's trusted root (and signing config) where sigstore-python's
        offline production lookup reads them when ``XDG_CACHE_HOME`` is
        ``xdg_cache_home``: ``Verifier.production(offline=True)``, so
        ``Attestation.verify(..., offline=True)`` and ``python -m pypi_attestations
        verify ... --offline``. Returns the folder written."""
        # sigstore/_internal/tuf.py: platformdirs.user_cache_dir("sigstore-python") /
        # "tuf" / the URL quoted; offline mode reads the targets there unverified.
        folder = xdg_cache_home / "sigstore-python" / "tuf" / quote(PRODUCTION_TUF_URL, safe="")
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "trusted_root.json").write_text(self.trusted_root_json)
        (folder / "signing_config.v0.2.json").write_text(self.signing_config_json)
        return folder

    # --- what happened ----------------------------------------------------------------

    @property
    def requests(self) -> list[SigstoreRequest]:
        """Every request answered so far."""
        with self.record.lock:
            return list(self.record.requests)

    def requests_to(self, service: str) -> list[SigstoreRequest]:
        """The requests to ``"fulcio"`` or ``"rekor"``."""
        return [r for r in self.requests if r.service == service]

    @property
    def certificates(self) -> list[x509.Certificate]:
        """Every leaf certificate Fulcio issued."""
        with self.record.lock:
            return list(self.record.certificates)

    @property
    def identities(self) -> list[dict[str, Any]]:
        """The claims of every token Fulcio accepted."""
        with self.record.lock:
            return list(self.record.identities)

    @property
    def proposals(self) -> list[dict[str, Any]]:
        """Every entry proposed to Rekor, as sent (accepted or not)."""
        with self.record.lock:
            return list(self.record.proposals)

    @property
    def entries(self) -> list[dict[str, Any]]:
        """Every entry Rekor integrated, as it answered it."""
        with self.record.lock:
            return list(self.record.entries)

    def fail(
        self,
        service: str,
        status: int,
        *,
        times: int = 1,
        pause: float = 0.0,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        """Make the next ``times`` requests to ``service`` answer ``status`` (after
        ``pause`` seconds), with ``body`` and ``headers`` if given (a hostile answer)."""
        fault = SigstoreFault(
            service, status, times=times, pause=pause, body=body, headers=headers or {}
        )
        with self.record.lock:
            self.record.faults.append(fault)

    def verify_upload(
        self,
        attestations_field: str,
        filename: str,
        content: bytes,
        publisher_owner: str,
        publisher_repo: str,
        workflow_filename: str,
    ) -> str | None:
        """``verify_upload`` against this stand-in's trusted root."""
        return verify_upload(
            attestations_field,
            filename,
            content,
            publisher_owner,
            publisher_repo,
            workflow_filename,
            trusted_root_json=self.trusted_root_json,
        )

    def __enter__(self) -> LocalSigstore:
        for thread in self._threads:
            thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        for server in (self.fulcio, self.rekor):
            server.shutdown()
            server.server_close()

    # --- endpoints --------------------------------------------------------------------

    def _fault(self, service: str) -> SigstoreFault | None:
        with self.record.lock:
            for fault in self.record.faults:
                if fault.service == service and fault.times > 0:
                    fault.times -= 1
                    return fault
        return None

    def _claims(self, token: str) -> dict[str, Any]:
        try:
            if self.oidc_key is None:
                claims = jwt.decode(
                    token,
                    options={
                        "verify_signature": False,
                        "verify_aud": True,
                        "verify_exp": True,
                        "require": ["iss", "aud", "exp"],
                    },
                    audience=self.audience,
                    leeway=30,
                )
            else:
                claims = jwt.decode(
                    token,
                    self.oidc_key,
                    algorithms=["RS256"],
                    audience=self.audience,
                    leeway=30,
                    options={"require": ["iss", "aud", "exp", "iat"]},
                )
        except jwt.PyJWTError as exc:
            raise _Rejected(
                401, f"There was an error processing the identity token: {exc}"
            ) from exc
        if claims.get("iss") != GITHUB_ISSUER:
            raise _Rejected(400, f"unsupported issuer: {claims.get('iss')}")
        if not claims.get("job_workflow_ref"):
            raise _Rejected(400, "the identity token has no job_workflow_ref claim")
        return dict(claims)

    def signing_cert(self, headers: Any, body: bytes) -> tuple[int, Any]:
        """``POST /api/v2/signingCert``."""
        try:
            request = json.loads(body)
            token = str(headers.get("Authorization", "")).removeprefix("Bearer ").strip()
            token = token or request.get("credentials", {}).get("oidcIdentityToken", "")
            if not token:
                raise _Rejected(401, "There was an error processing the identity token")
            claims = self._claims(token)
            public_key = _requested_key(request, claims)
        except _Rejected as rejected:
            return rejected.status, {"code": rejected.status, "message": rejected.message}
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            return 400, {"code": 400, "message": f"invalid request: {exc!r}"}
        with self.record.lock:
            lifetime = self.lifetimes.pop(0) if self.lifetimes else _LEAF_LIFETIME
        cert = issue_certificate(public_key, claims, lifetime)
        with self.record.lock:
            self.record.certificates.append(cert)
            self.record.identities.append(claims)
        chain = [cert, self.authority.intermediate, self.authority.root]
        pems = [c.public_bytes(serialization.Encoding.PEM).decode() for c in chain]
        return 200, {"signedCertificateEmbeddedSct": {"chain": {"certificates": pems}}}

    def log_entries(self, body: bytes) -> tuple[int, Any]:
        """``POST /api/v1/log/entries``."""
        try:
            proposed = json.loads(body)
            if not isinstance(proposed, dict):
                raise _Rejected(400, "the entry must be a JSON object")
            with self.record.lock:
                self.record.proposals.append(proposed)
            status, answer = self.log.add(canonical_body(proposed))
        except _Rejected as rejected:
            return rejected.status, {"code": rejected.status, "message": rejected.message}
        except ValueError as exc:
            return 400, {"code": 400, "message": f"invalid request: {exc}"}
        if status == 201:
            with self.record.lock:
                self.record.entries.extend(answer.values())
        return status, answer


def _requested_key(
    request: dict[str, Any], claims: dict[str, Any]
) -> ec.EllipticCurvePublicKey | rsa.RSAPublicKey:
    """The key to certify, from a CSR (what sigstore-python 4.x sends) or a public key
    with a proof of possession (a signature over the token's ``sub``)."""
    if "certificateSigningRequest" in request:
        csr = x509.load_pem_x509_csr(base64.b64decode(request["certificateSigningRequest"]))
        if not csr.is_signature_valid:
            raise _Rejected(400, "The CSR's signature is invalid")
        key = csr.public_key()
    elif "publicKeyRequest" in request:
        key_request = request["publicKeyRequest"]
        loaded = serialization.load_pem_public_key(key_request["publicKey"]["content"].encode())
        if not isinstance(loaded, ec.EllipticCurvePublicKey):
            raise _Rejected(400, "unsupported public key type")
        try:
            loaded.verify(
                base64.b64decode(key_request["proofOfPossession"]),
                str(claims.get("sub", "")).encode(),
                ec.ECDSA(hashes.SHA256()),
            )
        except InvalidSignature as exc:
            raise _Rejected(400, "The proof of possession is invalid") from exc
        key = loaded
    else:
        raise _Rejected(400, "no certificateSigningRequest or publicKeyRequest")
    if not isinstance(key, ec.EllipticCurvePublicKey | rsa.RSAPublicKey):
        raise _Rejected(400, "unsupported public key type")
    return key


class _Handler(BaseHTTPRequestHandler):
    stand_in: LocalSigstore
    service: str
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _answer(self, status: int, payload: Any) -> None:
        self._raw(status, json.dumps(payload).encode(), {})

    def _raw(self, status: int, body: bytes, headers: dict[str, str]) -> None:
        # Logged before answering, so the log is complete once the client has its answer.
        with self.stand_in.record.lock:
            self.stand_in.record.requests.append(
                SigstoreRequest(self.service, self.command, self.path, status)
            )
        self.send_response(status)
        for key, value in {"Content-Type": "application/json", **headers}.items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        self._answer(404, {"code": 404, "message": "not found"})

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if self.stand_in.latency:
            time.sleep(self.stand_in.latency)
        fault = self.stand_in._fault(self.service)
        if fault is not None:
            time.sleep(fault.pause)
            if fault.body is not None:
                self._raw(fault.status, fault.body, fault.headers)
            else:
                self._answer(fault.status, {"code": fault.status, "message": fault.message})
        elif self.service == "fulcio" and self.path == "/api/v2/signingCert":
            self._answer(*self.stand_in.signing_cert(self.headers, body))
        elif self.service == "rekor" and self.path == "/api/v1/log/entries":
            self._answer(*self.stand_in.log_entries(body))
        else:
            self._answer(404, {"code": 404, "message": "not found"})


@contextmanager
def running_sigstore(folder: Path, **options: Any) -> Iterator[LocalSigstore]:
    """Start a local Fulcio and Rekor for the duration of a ``with`` block; ``options``
    go to ``LocalSigstore``."""
    with LocalSigstore(folder, **options) as stand_in:
        yield stand_in


# --- tokens --------------------------------------------------------------------------


def sigstore_token(run: RunClaims | None = None, **claims: Any) -> str:
    """A GitHub OIDC token with audience ``sigstore`` for ``run``, signed with the fake
    index's issuer key, plus the run metadata GitHub adds (or ``claims``)."""
    payload = (run or RunClaims()).claims(SIGSTORE_AUDIENCE)
    payload.setdefault("repository_id", "2002")
    payload.setdefault("repository_visibility", "public")
    payload.setdefault("workflow", "release")
    payload.setdefault("workflow_sha", payload["sha"])
    payload.setdefault("job_workflow_sha", payload["sha"])
    payload.setdefault("run_id", "4242")
    payload.setdefault("run_attempt", "1")
    payload.update(claims)
    return _Issuer().sign(payload)


# --- Warehouse's attestation checks ---------------------------------------------------


def _dist_name(filename: str) -> tuple[Any, ...]:
    """pypi-attestations' filename parse: the subject must name the same dist."""
    if filename.endswith(".whl"):
        return parse_wheel_filename(filename)
    if filename.endswith((".tar.gz", ".zip")):
        return parse_sdist_filename(filename)
    raise ValueError(f"unknown distribution format: {filename}")


def verify_attestation(
    attestation: Attestation,
    publisher: GitHubPublisher,
    distribution: Distribution,
    verifier: Verifier,
) -> tuple[str, dict[str, Any] | None]:
    """``pypi_attestations.Attestation.verify`` with a verifier of our choosing (that
    method always builds Sigstore's production one): same checks, same errors
    (``pypi_attestations.VerificationError``)."""
    bundle = attestation.to_bundle()
    try:
        payload_type, payload = verifier.verify_dsse(bundle, publisher._as_policy())
    except sigstore.errors.VerificationError as err:
        raise VerificationError(str(err)) from err
    if payload_type != Envelope._TYPE:
        raise VerificationError(f"expected JSON envelope, got {payload_type}")
    try:
        statement = _Statement.model_validate_json(payload)
    except ValidationError as e:
        raise VerificationError(f"invalid statement: {e!s}") from e
    if len(statement.subjects) != 1:
        raise VerificationError("too many subjects in statement (must be exactly one)")
    subject = statement.subjects[0]
    if not subject.name:
        raise VerificationError("invalid subject: missing name")
    try:
        subject_name = _dist_name(subject.name)
    except ValueError as e:
        raise VerificationError(f"invalid subject: {e!s}") from e
    if subject_name != _dist_name(distribution.name):
        raise VerificationError(
            f"subject does not match distribution name: {subject.name} != {distribution.name}"
        )
    digest = subject.digest.root.get("sha256")
    if digest is None or digest != distribution.digest:
        raise VerificationError("subject does not match distribution digest")
    try:
        AttestationType(statement.predicate_type)
    except ValueError as e:
        raise VerificationError(f"unknown attestation type: {statement.predicate_type}") from e
    return str(statement.predicate_type), statement.predicate


@functools.lru_cache(maxsize=8)
def _verifier(trusted_root_json: str) -> Verifier:
    return Verifier(trusted_root=TrustedRoot(TrustedRootMessage.from_json(trusted_root_json)))


def verify_upload(
    attestations_field: str,
    filename: str,
    content: bytes,
    publisher_owner: str,
    publisher_repo: str,
    workflow_filename: str,
    *,
    trusted_root_json: str,
) -> str | None:
    """Check an upload's ``attestations`` form field as Warehouse's
    ``IntegrityService.parse_attestations`` does, for a GitHub trusted publisher: a
    non-empty JSON list of at most two attestations, each verified against
    ``trusted_root_json`` with the publisher's policy (GitHub issuer, Source Repository
    URI, Build Config URI with the publisher's workflow file) and the file's name and
    sha256, only publish/v1 and SLSA provenance predicates, one of each at most.

    Returns None if they pass, else Warehouse's reason; the index answers
    ``400 UPLOAD_REFUSAL.format(reason)``. Whether the upload used a trusted-publishing
    token ("Attestations are only supported when using Trusted Publishing") is the
    index's check, and so is the file name's validity (``Distribution`` refuses an
    invalid one with a ``ValueError``)."""
    supported = {AttestationType.PYPI_PUBLISH_V1, AttestationType.SLSA_PROVENANCE_V1}
    try:
        attestations = TypeAdapter(list[Attestation]).validate_json(attestations_field)
    except ValidationError as e:
        return f"Malformed attestations: {e}"
    if not attestations:
        return "Malformed attestations: an empty attestation set is not permitted"
    if len(attestations) > len(supported):
        return f"A maximum of {len(supported)} attestations per file are supported"
    # Warehouse's GitHub publisher identity: the environment is not part of it.
    publisher = GitHubPublisher(
        repository=f"{publisher_owner}/{publisher_repo}", workflow=workflow_filename
    )
    distribution = Distribution(name=filename, digest=hashlib.sha256(content).hexdigest())
    verifier = _verifier(trusted_root_json)
    seen: set[AttestationType] = set()
    for attestation in attestations:
        try:
            predicate_type, _ = verify_attestation(attestation, publisher, distribution, verifier)
        except VerificationError as e:
            return f"Could not verify the uploaded artifact using the included attestation: {e}"
        except Exception as e:
            return f"Unknown error while trying to verify included attestations: {e}"
        if predicate_type not in supported:
            return f"Attestation with unsupported predicate type: {predicate_type}"
        kind = AttestationType(predicate_type)
        if kind in seen:
            return (
                "Multiple attestations for the same file with the same predicate type "
                f"({kind.value}) are not supported"
            )
        seen.add(kind)
    return None
