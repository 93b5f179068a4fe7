"""PEP 740 attestations: whether a run signs, signing each dist with Sigstore (a
short-lived certificate for the job's identity, an entry in a public transparency
log), and checking each attestation the way the index will, before any upload.

sigstore and pypi-attestations are imported here only, and only when a run signs."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from publisher import messages, safejson
from publisher.errors import InputError, PublishError
from publisher.messages import Msg

if TYPE_CHECKING:
    from cryptography import x509
    from pypi_attestations import Attestation
    from sigstore.models import ClientTrustConfig

    from publisher.dists import Dist
    from publisher.oidc import Claims
    from publisher.secret import Secret

PUBLISH_V1 = "https://docs.pypi.org/attestations/publish/v1"
GIVEN_SUFFIX = ".publish.attestation"  # a user's own attestation, beside its dist
# Fulcio's certificate extensions that the index's GitHub policy reads.
SOURCE_REPOSITORY_URI = "1.3.6.1.4.1.57264.1.12"
BUILD_CONFIG_URI = "1.3.6.1.4.1.57264.1.18"


@dataclass(frozen=True)
class Plan:
    """A run that signs: with the Sigstore deployment of ``trust_config`` (a client
    trust config file), or Sigstore's public-good instance when it is None."""

    trust_config: Path | None

    @property
    def deployment(self) -> str:
        """The deployment, in words."""
        if self.trust_config is None:
            return messages.phrase(Msg.SIGSTORE_PUBLIC)
        return messages.phrase(Msg.SIGSTORE_PRIVATE, path=self.trust_config)

    def load(self) -> ClientTrustConfig:
        """The deployment's trust config (the public one is fetched by TUF, online)."""
        from sigstore.models import ClientTrustConfig

        if self.trust_config is None:
            return ClientTrustConfig.production()
        try:
            return ClientTrustConfig.from_json(self.trust_config.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            reason = getattr(exc, "strerror", None) or str(exc).splitlines()[0]
            raise InputError(Msg.TRUST_CONFIG_BAD, path=self.trust_config, reason=reason) from None


@dataclass(frozen=True)
class Attested:
    """An attestation checked as the index will check it, ready to go with its file."""

    filename: str
    attestation: Attestation
    identity: str  # the certificate's subject: https://github.com/{job_workflow_ref}
    log_index: str  # of its transparency log entry
    given: bool  # made beforehand by the user, not by this run

    def as_form(self) -> dict[str, Any]:
        """The attestation as the upload's ``attestations`` field holds it."""
        data: dict[str, Any] = self.attestation.model_dump(mode="json")
        return data


def given_path(dist: Dist) -> Path:
    """Where a user's own attestation for ``dist`` would be."""
    return dist.path.with_name(dist.filename + GIVEN_SUFFIX)


def load_given(dist: Dist) -> Attestation:
    """The user's own attestation for ``dist``, read (not yet checked)."""
    from pydantic import ValidationError
    from pypi_attestations import Attestation

    path = given_path(dist)
    try:
        return Attestation.model_validate_json(path.read_bytes())
    except (OSError, ValidationError) as exc:
        reason = str(exc).splitlines()[0]
        raise PublishError(Msg.ATTESTATION_UNREADABLE, path=path, reason=reason) from None


def sign(dists: list[Dist], token: Secret, config: ClientTrustConfig) -> dict[str, Attestation]:
    """Sign each dist: one certificate for the run's identity, one log entry each."""
    from pypi_attestations import Attestation, Distribution
    from sigstore.oidc import IdentityToken
    from sigstore.sign import SigningContext

    signed: dict[str, Attestation] = {}
    try:
        identity = IdentityToken(token.reveal())
        context = SigningContext.from_trust_config(config)
        with context.signer(identity) as signer:
            for dist in dists:
                subject = Distribution(name=dist.filename, digest=dist.digests.sha256)
                signed[dist.filename] = Attestation.sign(signer, subject)
    except Exception as exc:  # sigstore's errors have no one base; each is a failure to sign
        # Sigstore's own texts (and the services' answers) are quoted, escaped.
        raise PublishError(Msg.SIGNING_FAILED, reason=_reason(exc), done=len(signed)) from None
    return signed


def _reason(exc: Exception) -> str:
    text = f"{type(exc).__name__}: {exc}".strip().rstrip(":")
    return text if len(text) < 500 else text[:500] + "…"


def check(
    attestation: Attestation, dist: Dist, claims: Claims, config: ClientTrustConfig, given: bool
) -> Attested:
    """Check ``attestation`` as the index will: a valid signature by the deployment's
    certificate authority, logged; the signing identity that of the trusted publisher
    the token was minted for (this repository and workflow file); one subject, this
    file's name and sha256; the publish/v1 predicate."""
    import sigstore.errors
    from pypi_attestations import GitHubPublisher
    from sigstore.verify import Verifier

    publisher = GitHubPublisher(repository=claims.repository, workflow=claims.workflow_filename)
    fields: dict[str, object] = {
        "filename": dist.filename,
        "repository": claims.repository,
        "workflow": claims.workflow_filename,
    }
    try:
        certificate = attestation.certificate_claims
    except ValueError as exc:
        raise PublishError(Msg.ATTESTATION_INVALID, **fields, reason=_reason(exc)) from None
    actual = {
        "actual_repository": certificate.get(SOURCE_REPOSITORY_URI, "(none)"),
        "actual_build": certificate.get(BUILD_CONFIG_URI, "(none)"),
    }
    # The index's own policy for a GitHub publisher (pypi-attestations builds it).
    policy = publisher._as_policy()
    try:
        policy.verify(_certificate(attestation))
    except (sigstore.errors.VerificationError, ValueError) as exc:
        raise PublishError(
            Msg.ATTESTATION_IDENTITY, **fields, **actual, reason=_reason(exc)
        ) from None
    verifier = Verifier(trusted_root=config.trusted_root)
    try:
        kind, payload = verifier.verify_dsse(attestation.to_bundle(), policy)
    except (ValueError, sigstore.errors.Error) as exc:
        raise PublishError(Msg.ATTESTATION_INVALID, **fields, reason=_reason(exc)) from None
    statement = safejson.loads(payload) if kind == "application/vnd.in-toto+json" else {}
    subjects = statement.get("subject") or []
    subject = subjects[0] if len(subjects) == 1 and isinstance(subjects[0], dict) else {}
    digest = (subject.get("digest") or {}).get("sha256")
    if subject.get("name") != dist.filename or digest != dist.digests.sha256:
        raise PublishError(
            Msg.ATTESTATION_SUBJECT,
            **fields,
            subject=subject.get("name", "(none)"),
            subject_digest=digest or "(none)",
            sha256=dist.digests.sha256,
        )
    if statement.get("predicateType") != PUBLISH_V1:
        raise PublishError(
            Msg.ATTESTATION_INVALID,
            **fields,
            reason=f"predicate {statement.get('predicateType')!r}, not {PUBLISH_V1}",
        )
    entries = attestation.verification_material.transparency_entries
    log_index = str(entries[0].get("logIndex", "?")) if entries else "?"
    san = _subject_uri(attestation)
    return Attested(dist.filename, attestation, san, log_index, given)


def _certificate(attestation: Attestation) -> x509.Certificate:
    from cryptography import x509

    return x509.load_der_x509_certificate(attestation.verification_material.certificate)


def _subject_uri(attestation: Attestation) -> str:
    """The certificate's subject alternative name: the identity that signed."""
    from cryptography import x509

    cert = _certificate(attestation)
    try:
        names = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except x509.ExtensionNotFound:
        return "(none)"
    uris = names.get_values_for_type(x509.UniformResourceIdentifier)
    return uris[0] if uris else "(none)"
