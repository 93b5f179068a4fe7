"""PEP 740 attestations: whether a run signs, signing each dist with Sigstore (a
short-lived certificate for the job's identity, an entry in a public transparency
log), and checking each attestation the way the index will, before any upload.

sigstore and pypi-attestations are imported here only, and only when a run signs."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from publisher import messages, safejson
from publisher.errors import InputError, PublishError
from publisher.http import REQUEST_DEADLINE, passing
from publisher.messages import Msg, Url

if TYPE_CHECKING:
    from cryptography import x509
    from pydantic import ValidationError
    from pypi_attestations import Attestation
    from sigstore.models import ClientTrustConfig
    from sigstore.sign import Signer as SigstoreSigner
    from sigstore.sign import SigningContext
    from sigstore.verify import Verifier

    from publisher.dists import Dist
    from publisher.http import RunClock
    from publisher.oidc import Claims
    from publisher.secret import Secret

PUBLISH_V1 = "https://docs.pypi.org/attestations/publish/v1"
# Sigstore's search page for the public-good instance's transparency log (Rekor).
SIGSTORE_SEARCH = "https://search.sigstore.dev/"
SLSA_PROVENANCE_V1 = "https://slsa.dev/provenance/v1"
# `<dist>.<kind>.attestation` beside a dist, as twine's `--attestations` pairs them; the
# publish attestation is `<dist>.publish.attestation`, the name the anchor writes.
ATTESTATION_SUFFIX = ".attestation"
PUBLISH_SUFFIX = ".publish" + ATTESTATION_SUFFIX
# Fulcio's certificate extensions that the index's GitHub policy reads.
SOURCE_REPOSITORY_URI = "1.3.6.1.4.1.57264.1.12"
BUILD_CONFIG_URI = "1.3.6.1.4.1.57264.1.18"
T = TypeVar("T")


# Sigstore's clients (sigstore-python's sessions) set no timeouts: each call of theirs
# is bounded here, as a request of ours is (see publisher.http).
SIGSTORE_DEADLINE = REQUEST_DEADLINE
MAX_GIVEN = 1 << 20  # a real attestation is a few kB
MAX_TRUST_CONFIG = 1 << 20  # a real one (root certificates, keys, URLs) is tens of kB


@dataclass
class Plan:
    """A run that signs: with the Sigstore deployment of ``trust_config`` (a client
    trust config file), or Sigstore's public-good instance when it is None. Once
    :meth:`prepare` d, it holds what signing and checking need. By file name:
    ``given``, the publish attestation found beside a file (an earlier run's in this
    job, or the user's), read; ``checked``, those that verify for this job and these
    bytes, sent instead of signing again; ``extra``, the user's other attestations
    (SLSA provenance), read, then checked."""

    trust_config: Path | None
    audience: str = "sigstore"  # of the OIDC tokens the deployment's Fulcio takes
    workspace: Path | None = None  # the real path trust_config must be under
    clock: RunClock | None = None  # the run's network time, which signing counts against
    config: ClientTrustConfig | None = None
    context: SigningContext | None = None
    verifier: Verifier | None = None
    given: dict[str, Attestation] = field(default_factory=dict)
    checked: dict[str, Attested] = field(default_factory=dict)
    extra: dict[str, list[Attestation]] = field(default_factory=dict)
    extra_checked: dict[str, list[Attested]] = field(default_factory=dict)

    @property
    def deployment(self) -> str:
        """The deployment, in words."""
        if self.trust_config is None:
            return messages.phrase(Msg.SIGSTORE_PUBLIC)
        return messages.phrase(Msg.SIGSTORE_PRIVATE, path=self.trust_config)

    def prepare(self) -> None:
        """Load the deployment's trust config (the public one is fetched by TUF, online)
        and make its signing context and verifier: a deployment that cannot sign or
        verify is found now, before anything is minted or signed."""
        from sigstore.models import ClientTrustConfig
        from sigstore.sign import SigningContext
        from sigstore.verify import Verifier

        text = None if self.trust_config is None else self._read_trust_config()

        from publisher import sigstore_http

        sigstore_http.install()  # before any of sigstore's clients is made

        def load() -> tuple[ClientTrustConfig, SigningContext, Verifier]:
            if text is None:
                config = ClientTrustConfig.production()
            else:
                config = ClientTrustConfig.from_json(text)
                self._check_services(config)
            context = SigningContext.from_trust_config(config)
            return config, context, Verifier(trusted_root=config.trusted_root)

        try:
            self.config, self.context, self.verifier = bounded(load, self.deployment, self.clock)
        except PublishError:
            raise
        except Exception as exc:  # sigstore's errors have no one base
            if self.trust_config is None:
                raise PublishError(Msg.SIGSTORE_TRUST_UNAVAILABLE, reason=_reason(exc)) from None
            raise InputError(
                Msg.TRUST_CONFIG_BAD, path=self.trust_config, reason=_unusable(exc)
            ) from None

    def _check_services(self, config: ClientTrustConfig) -> None:
        """Every service of a private deployment's signing config is https (plain http
        to loopback only): checked now, before the mint, not when the token is sent."""
        from publisher.urls import check_url

        assert self.trust_config is not None
        inner = config.signing_config._inner  # the config as written: every URL in it
        services = {
            "caUrls": inner.ca_urls,
            "rekorTlogUrls": inner.rekor_tlog_urls,
            "tsaUrls": inner.tsa_urls,
            "oidcUrls": inner.oidc_urls,
        }
        for name, listed in services.items():
            for position, service in enumerate(listed):
                try:
                    check_url(service.url, messages.phrase(Msg.SIGSTORE_SERVICE))
                except PublishError as exc:
                    reason = messages.phrase(
                        Msg.TRUST_CONFIG_URL, field=name, position=position, problem=exc.title
                    )
                    raise InputError(
                        Msg.TRUST_CONFIG_BAD, path=self.trust_config, reason=reason
                    ) from None

    def _read_trust_config(self) -> str:
        """The trust config's text: a regular file inside the workspace, read up to
        ``MAX_TRUST_CONFIG`` bytes. Nothing of it is ever quoted back."""
        from publisher import files

        assert self.trust_config is not None
        folder = self.workspace or files.real_folder(Path.cwd())
        try:
            data = files.read_named(self.trust_config, folder, MAX_TRUST_CONFIG)
            return data.decode("utf-8")
        except files.Unreadable as exc:
            raise InputError(
                Msg.TRUST_CONFIG_BAD, path=self.trust_config, reason=exc.reason
            ) from None
        except UnicodeDecodeError:
            reason = messages.phrase(Msg.TRUST_CONFIG_UNUSABLE, error="not UTF-8 text")
            raise InputError(Msg.TRUST_CONFIG_BAD, path=self.trust_config, reason=reason) from None


def _unusable(exc: Exception) -> str:
    """Why sigstore-python refused a trust config, without any of its contents: where
    in the JSON and pydantic's name for the fault (``signingConfig.caUrls: missing``),
    or only the kind of error (sigstore's texts, and pydantic's, may quote the file)."""
    from pydantic import ValidationError

    error = type(exc).__name__
    if isinstance(exc, ValidationError) and exc.errors():
        first = exc.errors()[0]
        error = ".".join(str(part) for part in first["loc"]) or "(top)"
        error += f": {first['type']}"
    return messages.phrase(Msg.TRUST_CONFIG_UNUSABLE, error=error)


def bounded(call: Callable[[], T], what: str, clock: RunClock | None = None) -> T:
    """``call()``, given ``SIGSTORE_DEADLINE`` seconds to finish, within what is left
    of the run's network time (``clock``): a Sigstore service that never answers, or
    many slow ones, must not hold the job."""
    from publisher.executor import TooSlow, within

    seconds = SIGSTORE_DEADLINE
    doing = messages.phrase(Msg.DOING_SIGN, deployment=what)
    if clock is not None:
        if clock.left() <= 0:
            raise clock.spent(doing)
        seconds = min(seconds, clock.left())
    try:
        return within(seconds, call, "sigstore")
    except TooSlow:
        if seconds < SIGSTORE_DEADLINE:  # cut off by the run's time
            assert clock is not None
            raise clock.spent(doing) from None
        raise PublishError(Msg.SIGSTORE_TOO_SLOW, what=what, seconds=int(seconds)) from None


@dataclass(frozen=True)
class Attested:
    """An attestation checked as the index will check it, ready to go with its file."""

    filename: str
    attestation: Attestation
    identity: str  # the certificate's subject: https://github.com/{job_workflow_ref}
    log_index: str  # of its transparency log entry
    given: bool  # found beside the file, not signed by this run
    predicate: str = PUBLISH_V1
    public: bool = False  # logged by Sigstore's public-good instance

    @property
    def log_url(self) -> Url | None:
        """The log entry on Sigstore's search page (public-good instance only: a private
        deployment's log has no known page)."""
        if not self.public or not self.log_index.isdigit():
            return None
        label = messages.title(Msg.LINK_LOG_ENTRY, {"log_index": int(self.log_index)})
        return Url(f"{SIGSTORE_SEARCH}?logIndex={self.log_index}", label)

    def as_form(self) -> dict[str, Any]:
        """The attestation as the upload's ``attestations`` field holds it."""
        data: dict[str, Any] = self.attestation.model_dump(mode="json")
        return data


def publish_path(dist: Dist) -> Path:
    """Where ``dist``'s publish attestation is kept: ``<dist>.publish.attestation``."""
    return dist.path.with_name(dist.filename + PUBLISH_SUFFIX)


def attestation_paths(dist: Dist) -> list[Path]:
    """The files ``<dist>.<kind>.attestation`` beside ``dist`` (the publish one too)."""
    prefix = dist.filename + "."
    least = len(prefix) + 1 + len(ATTESTATION_SUFFIX)  # a kind of one character
    return sorted(
        path
        for path in dist.path.parent.iterdir()
        if path.name.startswith(prefix)
        and path.name.endswith(ATTESTATION_SUFFIX)
        and len(path.name) >= least
    )


def is_attestation_of(name: str, dist_names: set[str]) -> bool:
    """Whether a file name is ``<dist>.<kind>.attestation`` for one of ``dist_names``."""
    if not name.endswith(ATTESTATION_SUFFIX):
        return False
    stem = name[: -len(ATTESTATION_SUFFIX)]
    return any(stem.startswith(d + ".") and len(stem) > len(d) + 1 for d in dist_names)


def load(path: Path, folder: Path) -> Attestation:
    """The attestation in ``path``, read (not yet checked): a regular file inside
    ``folder`` (the real path of packages-dir), of at most ``MAX_GIVEN`` bytes read."""
    from pydantic import ValidationError
    from pypi_attestations import Attestation

    from publisher import files

    try:
        return Attestation.model_validate_json(files.read_named(path, folder, MAX_GIVEN))
    except files.Unreadable as exc:
        raise PublishError(Msg.ATTESTATION_UNREADABLE, path=path, reason=exc.reason) from None
    except ValidationError as exc:
        raise PublishError(Msg.ATTESTATION_UNREADABLE, path=path, reason=_invalid(exc)) from None


def predicate_of(attestation: Attestation) -> str:
    """The predicate type its statement names (read, not verified: :func:`check` does)."""
    try:
        statement = safejson.loads(attestation.envelope.statement)
    except ValueError:
        return ""
    kind = statement.get("predicateType") if isinstance(statement, dict) else None
    return kind if isinstance(kind, str) else ""


def save(dist: Dist, attested: Attested) -> Path:
    """Write ``<dist>.publish.attestation`` beside ``dist``, as the anchor does (the
    attestation's JSON, as pypi-attestations writes it), replacing any file there (a
    link is replaced, never followed); raises ``OSError``."""
    import os
    import tempfile

    path = publish_path(dist)
    handle, temporary = tempfile.mkstemp(prefix=".", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(attested.attestation.model_dump_json())
        os.chmod(temporary, 0o644)  # as a plain write would leave it, for later steps
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    return path


def _invalid(exc: ValidationError) -> str:
    """pydantic's first complaint, with where it is: ``field.sub: message``."""
    errors = exc.errors()
    where = ".".join(str(part) for part in errors[0]["loc"]) or "(top)"
    more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
    return f"{where}: {errors[0]['msg']}{more}"


class SigningError(PublishError):
    """Signing failed; ``transient`` when a Sigstore service had a passing fault (no
    answer, 429, 5xx), worth another try."""

    transient: bool = False


# A certificate with less left than this is renewed before it signs again: a signing
# may take this long, and its log entry's time must fall within the certificate's life.
CERTIFICATE_MARGIN = SIGSTORE_DEADLINE


class Signer:
    """The run's signer: one key and one Fulcio certificate for the run's identity,
    shared by every signing, which may run at once (sigstore-python's own CLI signs many
    files in threads with one signer; its Rekor client keeps a session per thread).
    When the certificate would expire before a signing could finish, a new key gets a
    new certificate, from a fresh OIDC token (``token``): one renewal, for everyone."""

    def __init__(self, plan: Plan, token: Callable[[], Secret]) -> None:
        import threading

        self._plan, self._token = plan, token
        self._lock = threading.Lock()
        self._signer: SigstoreSigner | None = None
        self._expires = 0.0  # unix time

    def ready(self) -> SigstoreSigner:
        """The signer to sign with now: the run's, or a renewed one if its certificate
        is about to expire (or there is none yet)."""
        import time

        with self._lock:  # the others wait: they need the new one too
            if self._signer is None or self._expires - time.time() < CERTIFICATE_MARGIN:
                self._signer, self._expires = _sigstore_call(self._new, self._plan)
            return self._signer

    def _new(self) -> tuple[SigstoreSigner, float]:
        from sigstore.oidc import IdentityToken

        assert self._plan.context is not None
        identity = IdentityToken(self._token().reveal(), client_id=self._plan.audience)
        with self._plan.context.signer(identity) as signer:  # asks Fulcio
            # As sigstore's CLI reads it: the certificate the signer holds.
            return signer, signer._signing_cert().not_valid_after_utc.timestamp()

    def sign(self, dist: Dist) -> Attestation:
        """Sign one dist: a DSSE envelope over its statement, logged in the
        deployment's transparency log."""
        from pypi_attestations import Attestation, Distribution

        signer = self.ready()
        subject = Distribution(name=dist.filename, digest=dist.digests.sha256)
        return _sigstore_call(lambda: Attestation.sign(signer, subject), self._plan)


def _sigstore_call(call: Callable[[], T], plan: Plan) -> T:
    """``call()``, bounded in time, its failure a :class:`SigningError`."""
    try:
        return bounded(call, plan.deployment, plan.clock)
    except PublishError:
        raise
    except Exception as exc:  # sigstore's errors have no one base; each is a failure to sign
        # Sigstore's own texts (and the services' answers) are quoted, escaped.
        error = SigningError(Msg.SIGNING_FAILED, reason=_reason(exc), done=0)
        error.transient = _passing(exc)
        raise error from None


def _cause(exc: BaseException) -> BaseException | None:
    return exc.__cause__ or exc.__context__


def _passing(exc: BaseException) -> bool:
    """Whether a Sigstore failure came from a fault that may pass."""
    import requests

    cause = _cause(exc)
    if isinstance(cause, requests.HTTPError) and cause.response is not None:
        status = cause.response.status_code
        return passing(status)
    return isinstance(cause, requests.ConnectionError | requests.Timeout)


def _reason(exc: BaseException) -> str:
    """sigstore's text, and what it was about: the service's answer (which sigstore
    drops for error statuses) or the error below it."""
    import requests

    text = f"{type(exc).__name__}: {exc}".strip().rstrip(":")
    cause = _cause(exc)
    if isinstance(cause, requests.HTTPError) and cause.response is not None:
        answer = cause.response
        text += f" (HTTP {answer.status_code} from {answer.url}: {answer.text[:300]})"
    elif cause is not None and str(cause) not in text:
        text += f" ({type(cause).__name__}: {cause})"
    return text if len(text) < 800 else text[:800] + "…"


def check(
    attestation: Attestation,
    dist: Dist,
    claims: Claims,
    plan: Plan,
    given: bool,
    predicate: str = PUBLISH_V1,
) -> Attested:
    """Check ``attestation`` as the index will: a valid signature by the deployment's
    certificate authority, logged; the signing identity that of the trusted publisher
    the token was minted for (this repository and workflow file); one subject, this
    file's name and sha256; the ``predicate`` (publish/v1 unless said)."""
    import sigstore.errors
    from pypi_attestations import GitHubPublisher

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
    assert plan.verifier is not None
    try:
        kind, payload = plan.verifier.verify_dsse(attestation.to_bundle(), policy)
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
    if statement.get("predicateType") != predicate:
        raise PublishError(
            Msg.ATTESTATION_INVALID,
            **fields,
            reason=f"predicate {statement.get('predicateType')!r}, not {predicate}",
        )
    entries = attestation.verification_material.transparency_entries
    log_index = str(entries[0].get("logIndex", "?")) if entries else "?"
    san = _subject_uri(attestation)
    public = plan.trust_config is None
    return Attested(dist.filename, attestation, san, log_index, given, predicate, public)


def reusable(attestation: Attestation, dist: Dist, claims: Claims, plan: Plan) -> Attested:
    """The publish attestation found beside ``dist``, if the index will take it and it
    is this job's: signed for the identity this run signs with (its certificate names
    https://github.com/{job_workflow_ref}, this workflow at this ref), as when an
    earlier run in this job wrote it. Raises :class:`PublishError` otherwise."""
    checked = check(attestation, dist, claims, plan, given=True)
    expected = claims.signing_identity
    if checked.identity != expected:
        raise PublishError(
            Msg.ATTESTATION_OTHER_JOB,
            filename=dist.filename,
            identity=checked.identity,
            expected=expected,
        )
    return checked


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
