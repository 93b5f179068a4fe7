"""A local stand-in for a Warehouse index and for GitHub's OIDC token endpoint.

It follows the wire behaviour written down in ``shared/docs/server-facts.md``: the
audience and mint-token endpoints with Warehouse's error codes and publisher matching
(pending publishers first, case-sensitive owner and repository, the workflow file from
``job_workflow_ref``, environments), the legacy upload endpoint with its reason
phrases, and the simple API. Tokens are real RS256 JWTs signed with a key made at
start. The demo publishes to it; the tests drive the action against it and read what it
received. It listens on loopback only.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import io
import json
import re
import secrets
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

GITHUB_ISSUER = "https://token.actions.githubusercontent.com"
HELP_AUTH = "See https://pypi.org/help/#invalid-auth for more information."
NON_USER = (
    "Non-user identities cannot create new projects. This was probably caused by "
    "successfully using a pending publisher but specifying the project name incorrectly "
    "(either in the publisher or in your project's metadata). Please ensure that both "
    "match. See: https://docs.pypi.org/trusted-publishers/troubleshooting/"
)
# What PyPI and TestPyPI answer at /_/oidc/audience.
PYPI_AUDIENCES = {"pypi.org": "pypi", "upload.pypi.org": "pypi", "test.pypi.org": "testpypi"}
_WORKFLOW_FILE = re.compile(r"([^/]+\.ya?ml)@")
_VALID_NAME = re.compile(r"^([A-Z0-9]|[A-Z0-9][A-Z0-9._-]*[A-Z0-9])$", re.IGNORECASE)


def normalize(name: str) -> str:
    """PEP 503, as the index looks projects up."""
    return re.sub(r"[-_.]+", "-", name).lower()


@dataclass
class Publisher:
    """A GitHub trusted publisher; ``project`` is set for a pending one."""

    owner: str
    repository: str
    workflow: str
    environment: str = ""
    owner_id: str = "1001"
    project: str | None = None


@dataclass
class StoredFile:
    """A file the index holds."""

    filename: str
    sha256: str
    blake2_256: str
    size: int
    version: str
    uploaded: float = field(default_factory=time.time)
    attestations: str | None = None  # the upload's `attestations` field, verified
    publisher: Publisher | None = None  # the trusted publisher that attested it


@dataclass
class Project:
    """A project on the index."""

    name: str
    files: dict[str, StoredFile] = field(default_factory=dict)
    publishers: list[Publisher] = field(default_factory=list)


@dataclass
class Fault:
    """Make the next ``times`` requests to ``path`` (a prefix) fail in one way:
    answer ``status`` (with ``retry_after``, and a ``reason`` phrase, ``body`` and
    ``headers`` of its own if given; ``after``: only once the request was handled),
    sending it a byte every ``trickle`` seconds if set; or handle the request and then
    drop the connection without an answer (``drop_after``), or drop it first
    (``drop``), or handle it and then let every minted token expire (``expire_tokens``).
    ``meanwhile`` is called when the fault fires, before it acts: what happens on the
    index at that moment (another job's upload). The hostile modes (reason, body,
    headers, trickle) model an index that attacks."""

    path: str
    status: int | None = None
    retry_after: int | None = None
    reason: str | None = None
    body: bytes | None = None
    headers: dict[str, str] = field(default_factory=dict)
    trickle: float = 0.0
    after: bool = False
    drop_after: bool = False
    drop: bool = False
    expire_tokens: bool = False
    times: int = 1
    skip: int = 0  # let this many matching requests through first
    meanwhile: Callable[[], None] | None = None


@dataclass(frozen=True)
class Latency:
    """A real index's time per request, modelled (for the benchmarks; the tests run
    without): each upload takes ``upload`` seconds (the request's round trip, the
    index's checks and its storage) and ``upload_per_mib`` more per MiB sent; any other
    request (audience, OIDC token, mint, simple API) ``other`` seconds. Requests made
    at the same time wait at the same time, as on a server that serves many at once;
    the sending itself is not slowed down (each connection is assumed to get the
    bandwidth ``upload_per_mib`` stands for)."""

    upload: float = 0.4
    upload_per_mib: float = 0.05
    other: float = 0.1

    def of(self, upload: bool, size: int) -> float:
        """The delay of one request (``upload``: to the upload endpoint)."""
        if upload:
            return self.upload + self.upload_per_mib * size / (1 << 20)
        return self.other


@dataclass
class MintedToken:
    """An upload token handed out by the mint endpoint."""

    projects: set[str]
    expires: float
    publisher: Publisher | None = None  # the trusted publisher it was minted for


@dataclass
class RunClaims:
    """What GitHub would put in this run's OIDC token."""

    repository: str = "octo-org/example"
    owner_id: str = "1001"
    workflow: str = "release.yml"
    ref: str = "refs/tags/v1.0.0"
    environment: str | None = "pypi"
    event_name: str = "push"
    called_workflow: str | None = None  # set to simulate a reusable workflow
    repository_id: str = "2002"
    # A repository made or renamed since 2026-07-15: `sub` names owner and repository
    # with their ids, repo:OWNER@OWNER-ID/REPO@REPO-ID:…
    sub_with_ids: bool = False
    more: dict[str, Any] = field(default_factory=dict)  # check_run_id, repo_property_*…

    def subject(self) -> str:
        """GitHub's default `sub`: the environment if the job has one, else the ref
        (a `:` inside a value written %3A)."""
        owner, _, name = self.repository.partition("/")
        if self.sub_with_ids:
            owner, name = f"{owner}@{self.owner_id}", f"{name}@{self.repository_id}"
        context = (
            (f"environment:{self.environment}" if self.environment else f"ref:{self.ref}")
            .replace(":", "%3A")
            .replace("%3A", ":", 1)
        )
        return f"repo:{owner}/{name}:{context}"

    def claims(self, audience: str) -> dict[str, Any]:
        """The token payload."""
        now = int(time.time())
        owner = self.repository.split("/")[0]
        caller = f"{self.repository}/.github/workflows/{self.workflow}@{self.ref}"
        job = caller
        if self.called_workflow:
            job = f"{self.called_workflow}@{self.ref}"
        payload: dict[str, Any] = {
            "iss": GITHUB_ISSUER,
            "aud": audience,
            "iat": now,
            "nbf": now - 600,
            "exp": now + 300,
            "jti": str(uuid.uuid4()),
            "sub": self.subject(),
            "repository": self.repository,
            "repository_id": self.repository_id,
            "repository_owner": owner,
            "repository_owner_id": self.owner_id,
            "job_workflow_ref": job,
            "workflow_ref": caller,
            "ref": self.ref,
            "sha": "0" * 40,
            "event_name": self.event_name,
            "runner_environment": "github-hosted",
        }
        if self.environment:
            payload["environment"] = self.environment
        payload.update(self.more)
        return payload


@dataclass
class IndexState:
    """Everything the local index knows, and a log of what it was asked."""

    # Its audience: not PyPI's, which the action asks for PyPI only; the runs pin it
    # (`oidc-audience`), as a workflow publishing to another index does.
    audience: str = "local-index"
    advertised_audience: str | None = None  # what /_/oidc/audience says, if not audience
    trusted_publishing: str = "on"  # "on", "disabled" (403) or "absent" (404)
    github_enabled: bool = True
    token_lifetime: int = 900
    projects: dict[str, Project] = field(default_factory=dict)
    pending: list[Publisher] = field(default_factory=list)
    user_tokens: set[str] = field(default_factory=set)
    accounts: dict[str, str] = field(default_factory=dict)  # user -> password (private index)
    tokens: dict[str, MintedToken] = field(default_factory=dict)
    used_jti: set[str] = field(default_factory=set)
    faults: list[Fault] = field(default_factory=list)
    requests: list[tuple[str, str]] = field(default_factory=list)
    uploads: list[dict[str, str]] = field(default_factory=list)
    forms: list[dict[str, str]] = field(default_factory=list)  # each upload's form fields
    run: RunClaims = field(default_factory=RunClaims)
    request_token: str = field(default_factory=lambda: "ghrt-" + secrets.token_hex(16))
    issued: list[str] = field(default_factory=list)  # every OIDC token handed out
    simple_json: bool = True  # False: PEP 503 HTML only, like pypiserver
    # PEP 740 on the read side: the simple API's `provenance` and the integrity API
    # (Warehouse); False: an index that says nothing of provenance.
    integrity_api: bool = True
    # Where uploads are taken. Warehouse's "/legacy/" (answering "/legacy" with a
    # redirect); another path is routed exactly, as Flask routes Jazzband's
    # "/projects/<name>/upload": the path with a final "/" added is a 404.
    upload_path: str = "/legacy/"
    # The trusted root uploaded attestations are verified against (a local Sigstore's).
    sigstore_root: str | None = None
    sha_upper: bool = False  # write sha256 digests in upper case on the simple API
    incomplete: list[str] = field(default_factory=list)  # requests cut off mid-body
    check_digests: bool = True  # False: store what arrives, as an index that compares none
    # Each runs once, when a request to its path (a prefix) arrives: something else on
    # the runner acting while the action waits for the index.
    on_request: list[tuple[str, Callable[[], None]]] = field(default_factory=list)
    # A hostile or broken mint: this error answer, or this token and expires.
    mint_error: tuple[str, str] | None = None
    token_override: str | None = None
    # token_override is text the run shows (a file name, a digest): no secret to look
    # for in what the run wrote (conftest's scan), but what the action must refuse.
    token_is_public: bool = False
    # POST /_/oidc/burn-token (pypi/warehouse#20197); False: an index without it (404).
    burn_endpoint: bool = True
    burned: list[str] = field(default_factory=list)  # minted tokens revoked by a burn
    expires_override: Any = None
    lock: threading.RLock = field(default_factory=threading.RLock)
    latency: Latency | None = None  # benchmarks: delays that model a real index
    # What the upload endpoint saw, in order: ("start" or "end", the file's name, the
    # uploads being handled at that moment, this one included at its start).
    upload_events: list[tuple[str, str, int]] = field(default_factory=list)
    # Once ``hold_after`` uploads have arrived, the next ones wait (5 s at most) until
    # ``hold_uploads`` are being handled at once: concurrency seen without timing luck.
    hold_uploads: int = 0
    hold_after: int = 0
    _uploading: int = 0
    _arrived: threading.Condition = field(default_factory=threading.Condition)

    @property
    def most_uploads_at_once(self) -> int:
        """The most uploads handled at the same time so far."""
        return max((n for kind, _, n in self.upload_events if kind == "start"), default=0)

    def add_project(self, name: str, *publishers: Publisher) -> Project:
        """Create a project, optionally with trusted publishers."""
        project = Project(name=name, publishers=list(publishers))
        self.projects[normalize(name)] = project
        return project

    def add_file(
        self,
        project: str,
        filename: str,
        content: bytes,
        version: str,
        *,
        uploaded: float | None = None,
        attestations: str | None = None,
        publisher: Publisher | None = None,
    ) -> None:
        """Put a file on a project, as if uploaded earlier (``uploaded``: when), with
        the attestations ``publisher`` sent for it, if any."""
        self.projects[normalize(project)].files[filename] = StoredFile(
            filename,
            hashlib.sha256(content).hexdigest(),
            hashlib.blake2b(content, digest_size=32).hexdigest(),
            len(content),
            version,
            uploaded if uploaded is not None else time.time(),
            attestations,
            publisher if attestations else None,
        )

    def audience_for(self, host: str) -> str:
        """The audience asked for at ``host``: PyPI's and TestPyPI's own when the index
        answers as them (``fakes.hosts``), else the index's."""
        return PYPI_AUDIENCES.get(host, self.audience)

    def paths(self, method: str | None = None) -> list[str]:
        """The paths requested so far (optionally only those of one method)."""
        return [p for m, p in self.requests if method is None or m == method]


@functools.cache
def _signing_key() -> Any:
    # One key per process: making an RSA key takes a noticeable fraction of a second.
    from cryptography.hazmat.primitives.asymmetric import rsa

    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


class _Issuer:
    """Signs GitHub-like OIDC tokens with a key of its own."""

    def __init__(self) -> None:
        self.key = _signing_key()
        self.kid = uuid.uuid4().hex

    def sign(self, payload: dict[str, Any]) -> str:
        import jwt

        return jwt.encode(payload, self.key, algorithm="RS256", headers={"kid": self.kid})

    def verify(self, token: str, audience: str) -> dict[str, Any]:
        import jwt

        header = jwt.get_unverified_header(token)
        if header.get("kid") != self.kid:
            raise jwt.InvalidTokenError("unknown kid")
        return dict(
            jwt.decode(
                token,
                self.key.public_key(),
                algorithms=["RS256"],
                audience=audience,
                issuer=GITHUB_ISSUER,
                leeway=30,
                options={"require": ["iss", "iat", "exp", "aud", "jti"]},
            )
        )


class _Refused(Exception):
    def __init__(self, code: str, description: str) -> None:
        super().__init__(description)
        self.code = code
        self.description = description


def _match(publishers: list[Publisher], claims: dict[str, Any]) -> Publisher | None:
    """Warehouse's lookup: exact owner, repository, owner id and workflow file, then the
    environment (the token's, lower-cased, preferred; a publisher without one accepts any)."""
    owner, _, repo = str(claims.get("repository", "")).partition("/")
    match = _WORKFLOW_FILE.search(str(claims.get("job_workflow_ref", "")))
    workflow = match.group(1) if match else ""
    candidates = [
        p
        for p in publishers
        if p.owner == owner
        and p.repository == repo
        and p.workflow == workflow
        and p.owner_id == str(claims.get("repository_owner_id"))
    ]
    env = claims.get("environment")
    if env:
        for p in candidates:
            if p.environment == str(env).lower():
                return p
    for p in candidates:
        if p.environment == "":
            return p
    return None


def _check_claims(publisher: Publisher, claims: dict[str, Any]) -> None:
    if claims.get("repository_owner") != publisher.owner:
        raise _Refused(
            "invalid-publisher",
            "valid token, but no corresponding publisher "
            "(Check failed for required claim 'repository_owner')",
        )
    if claims.get("event_name") == "pull_request_target":
        raise _Refused(
            "invalid-publisher",
            "valid token, but no corresponding publisher "
            "(Publishing from a workflow invoked via 'pull_request_target' is "
            "not supported.)",
        )
    ref = claims.get("ref") or claims.get("sha")
    expected = (
        f"{publisher.owner}/{publisher.repository}/.github/workflows/{publisher.workflow}@{ref}"
    )
    if claims.get("job_workflow_ref") != expected:
        raise _Refused(
            "invalid-publisher",
            "valid token, but no corresponding publisher "
            f"(The job_workflow_ref claim does not match, expecting one of "
            f"['{expected}'], got '{claims.get('job_workflow_ref')}')",
        )


class LocalIndex:
    """The running server; use as a context manager."""

    def __init__(self, state: IndexState | None = None) -> None:
        self.state = state or IndexState()
        self.issuer = _Issuer()
        handler = type("Handler", (_Handler,), {"index": self})
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    scheme = "http"  # "https" once the caller wraps the socket in TLS (the benchmarks do)

    @property
    def url(self) -> str:
        """Base URL of the index."""
        host, port = self.server.server_address[:2]
        return f"{self.scheme}://{host!s}:{port}"

    @property
    def upload_url(self) -> str:
        """The upload endpoint, to pass as ``repository-url``."""
        return f"{self.url}{self.state.upload_path}"

    @property
    def token_request_url(self) -> str:
        """What the runner puts in ``ACTIONS_ID_TOKEN_REQUEST_URL``."""
        return f"{self.url}/_github/token?api-version=2.0"

    def github_env(self) -> dict[str, str]:
        """The OIDC variables a runner gives a job with ``id-token: write``."""
        return {
            "ACTIONS_ID_TOKEN_REQUEST_URL": self.token_request_url,
            "ACTIONS_ID_TOKEN_REQUEST_TOKEN": self.state.request_token,
        }

    def expire_tokens(self) -> None:
        """Make every minted token expire now."""
        with self.state.lock:
            for token in self.state.tokens.values():
                token.expires = 0

    def minted(self) -> list[str]:
        """Every upload token handed out so far (to check none leaked), burned ones too."""
        public = self.state.token_override if self.state.token_is_public else None
        return [t for t in [*self.state.tokens, *self.state.burned] if t != public]

    def __enter__(self) -> LocalIndex:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    # --- endpoints -------------------------------------------------------------------

    def github_token(self, query: dict[str, list[str]], auth: str) -> tuple[int, Any]:
        scheme, _, credentials = auth.partition(" ")
        # The scheme is case-insensitive (RFC 9110): the toolkit sends "bearer", uv "Bearer".
        if scheme.lower() != "bearer" or credentials != self.state.request_token:
            return 401, {"message": "Bad credentials"}
        audience = query.get("audience", [f"https://github.com/{self.state.run.repository}"])[0]
        token = self.issuer.sign(self.state.run.claims(audience))
        with self.state.lock:
            self.state.issued.append(token)
        return 200, {"value": token, "count": 1}

    def mint(self, body: bytes, host: str = "") -> tuple[int, Any]:
        import jwt

        state = self.state
        try:
            data = json.loads(body)
            if not isinstance(data, dict) or not isinstance(data.get("token"), str):
                raise ValueError
        except ValueError:
            return _mint_error(
                "invalid-payload", "1 validation error for TokenPayload\ntoken\n  Field required"
            )
        token = data["token"]
        if state.mint_error is not None:
            return _mint_error(*state.mint_error)
        try:
            unverified = jwt.decode(token, options={"verify_signature": False})
            issuer = unverified["iss"]
        except (jwt.PyJWTError, KeyError):
            return _mint_error("invalid-payload", "malformed JWT")
        if issuer != GITHUB_ISSUER:
            return _mint_error("invalid-payload", "unknown trusted publishing issuer")
        if not state.github_enabled:
            return _mint_error("not-enabled", "github trusted publishing functionality not enabled")
        try:
            claims = self.issuer.verify(token, state.audience_for(host))
        except jwt.PyJWTError:
            return _mint_error("invalid-token", "malformed or invalid token")
        with state.lock:
            try:
                publisher = self._pending_or_publisher(claims)
            except _Refused as refused:
                return _mint_error(refused.code, refused.description)
            state.used_jti.add(str(claims["jti"]))
            projects = {key for key, p in state.projects.items() if publisher in p.publishers}
            upload_token = "pypi-" + secrets.token_urlsafe(48)
            expires = int(time.time()) + state.token_lifetime
            state.tokens[upload_token] = MintedToken(projects, expires, publisher)
        if state.token_override is not None:
            upload_token = state.token_override
            with state.lock:
                state.tokens[upload_token] = MintedToken(projects, expires, publisher)
        if state.expires_override is not None:
            return 200, {"success": True, "token": upload_token, "expires": state.expires_override}
        return 200, {"success": True, "token": upload_token, "expires": expires}

    def burn(self, body: bytes) -> tuple[int, Any]:
        """Warehouse's ``burn_oidc_issued_token``: the body must be ``{"token": <str>}``;
        a token minted by trusted publishing is revoked (a user's API token is not).
        Every answer is 202 ``{"message": "Accepted", "errors": []}``: receipt, never
        the outcome."""
        accepted = {"message": "Accepted", "errors": []}
        try:
            data = json.loads(body)
        except ValueError:
            return 202, accepted
        token = data.get("token") if isinstance(data, dict) else None
        if isinstance(token, str):
            with self.state.lock:
                minted = self.state.tokens.get(token)
                if minted is not None and minted.publisher is not None:
                    del self.state.tokens[token]
                    self.state.burned.append(token)
        return 202, accepted

    def _pending_or_publisher(self, claims: dict[str, Any]) -> Publisher:
        state = self.state
        pending = _match(state.pending, claims)
        if pending is not None and pending.project is not None:
            key = normalize(pending.project)
            if key in state.projects:
                state.pending.remove(pending)
                raise _Refused(
                    "invalid-pending-publisher", "valid token, but project already exists"
                )
            if not _VALID_NAME.match(pending.project):
                raise _Refused("invalid-payload", f"The name '{pending.project}' is invalid.")
            if str(claims["jti"]) in state.used_jti:
                raise _Refused("invalid-reuse-token", "invalid token: already used")
            state.pending.remove(pending)
            publisher = Publisher(
                pending.owner,
                pending.repository,
                pending.workflow,
                pending.environment,
                pending.owner_id,
            )
            state.add_project(pending.project, publisher)
            return publisher
        if str(claims["jti"]) in state.used_jti:
            raise _Refused("invalid-reuse-token", "invalid token: already used")
        everyone = [p for project in state.projects.values() for p in project.publishers]
        found = _match(everyone, claims)
        if found is None:
            raise _Refused(
                "invalid-publisher",
                "valid token, but no corresponding publisher "
                "(Publisher with matching claims was not found)",
            )
        _check_claims(found, claims)
        return found

    @contextmanager
    def uploading(self, body: bytes) -> Iterator[None]:
        """Around the handling of an upload: its start and end in ``upload_events``,
        and the wait of ``hold_uploads``."""
        state = self.state
        found = re.search(rb'name="content"; filename="([^"]*)"', body)
        filename = found.group(1).decode(errors="replace") if found else "?"
        with state._arrived:
            state._uploading += 1
            state.upload_events.append(("start", filename, state._uploading))
            state._arrived.notify_all()
            arrived = sum(kind == "start" for kind, _, _ in state.upload_events)
            if state.hold_uploads and arrived > state.hold_after:
                state._arrived.wait_for(lambda: state._uploading >= state.hold_uploads, 5.0)
                state.hold_uploads = 0
        try:
            yield
        finally:
            with state._arrived:
                state._uploading -= 1
                state.upload_events.append(("end", filename, state._uploading))

    def upload(self, headers: Any, body: bytes) -> tuple[int, str]:
        from requests_toolbelt.multipart.decoder import MultipartDecoder

        state = self.state
        identity = self._identity(headers.get("Authorization", ""))
        if identity is None:
            return 403, f"Invalid or non-existent authentication information. {HELP_AUTH}"
        if isinstance(identity, MintedToken) and identity.expires < time.time():
            return 403, "Invalid API Token: token is expired"
        form: dict[str, str] = {}
        content = b""
        filename = ""
        for part in MultipartDecoder(body, headers.get("Content-Type", "")).parts:
            disposition = part.headers.get(b"Content-Disposition", b"").decode()
            name_match = re.search(r'name="([^"]*)"', disposition)
            file_match = re.search(r'filename="([^"]*)"', disposition)
            if not name_match:
                continue
            if name_match.group(1) == "content" and file_match:
                content, filename = part.content, file_match.group(1)
            else:
                form[name_match.group(1)] = part.text
        if not filename:
            return 400, "Upload payload does not have a file."
        sha = hashlib.sha256(content).hexdigest()
        if state.check_digests and form.get("sha256_digest") and form["sha256_digest"] != sha:
            return (
                400,
                "The digest supplied does not match a digest calculated from the uploaded file.",
            )
        name = form.get("name", "")
        key = normalize(name)
        # Checked outside the lock (it takes a while), as Warehouse checks uploads at once;
        # the verdict is used where Warehouse's order of checks puts it.
        attested = (
            self._attestations(identity, form["attestations"], filename, content)
            if "attestations" in form
            else None
        )
        with state.lock:
            state.uploads.append({"filename": filename, "name": name, "sha256": sha})
            state.forms.append(dict(form))
            project = state.projects.get(key)
            if project is None:
                if isinstance(identity, MintedToken):
                    return 400, NON_USER
                project = state.add_project(name)
            elif isinstance(identity, MintedToken) and key not in identity.projects:
                return (
                    403,
                    f"Invalid API Token: OIDC scoped token is not valid for project '{name}'",
                )
            existing = project.files.get(filename)
            if existing is not None:
                if existing.sha256 == sha:
                    return 200, "OK"
                return 400, (
                    f"File already exists ('{filename}', with blake2_256 hash "
                    f"'{existing.blake2_256}'). See https://pypi.org/help/#file-name-reuse "
                    "for more information."
                )
            refused = self._release_rules(project, filename, form.get("version", "")) or attested
            if refused is not None:
                return 400, refused
            state.add_file(
                name,
                filename,
                content,
                form.get("version", ""),
                attestations=form.get("attestations"),
                publisher=identity.publisher if isinstance(identity, MintedToken) else None,
            )
        return 200, "OK"

    def _release_rules(self, project: Project, filename: str, version: str) -> str | None:
        """Warehouse's rules for a new file in a release: one sdist, 14 days."""
        from packaging.version import InvalidVersion, Version

        try:
            release = Version(version)
        except InvalidVersion:
            return None
        same = [f for f in project.files.values() if _release(f.version) == release]
        if filename.endswith((".tar.gz", ".zip")) and any(
            f.filename.endswith((".tar.gz", ".zip")) for f in same
        ):
            return "Only one sdist may be uploaded per release."
        if same and min(f.uploaded for f in same) < time.time() - 14 * 86400:
            return "Uploading new files to releases older than 14 days is not allowed."
        return None

    def _attestations(
        self, identity: MintedToken | str, field_value: str, filename: str, content: bytes
    ) -> str | None:
        """Warehouse's check of the `attestations` field (tests/fakes/sigstore.py)."""
        from fakes.sigstore import UPLOAD_REFUSAL, verify_upload

        if not isinstance(identity, MintedToken) or identity.publisher is None:
            return UPLOAD_REFUSAL.format(
                "Attestations are only supported when using Trusted Publishing"
            )
        if self.state.sigstore_root is None:
            return UPLOAD_REFUSAL.format("this index trusts no Sigstore root (a test set-up fault)")
        publisher = identity.publisher
        reason = verify_upload(
            field_value,
            filename,
            content,
            publisher.owner,
            publisher.repository,
            publisher.workflow,
            trusted_root_json=self.state.sigstore_root,
        )
        return None if reason is None else UPLOAD_REFUSAL.format(reason)

    def _identity(self, auth: str) -> MintedToken | str | None:
        if not auth.lower().startswith("basic "):
            return None
        try:
            user, _, password = base64.b64decode(auth[6:]).decode().partition(":")
        except ValueError:
            return None
        if user != "__token__":
            return password if self.state.accounts.get(user) == password else None
        if password in self.state.tokens:
            return self.state.tokens[password]
        if password in self.state.user_tokens:
            return password
        return None

    def _provenance_url(self, project: str, f: StoredFile) -> str:
        return f"{self.url}/integrity/{project}/{f.version}/{f.filename}/provenance"

    def provenance(self, path: str, accept: str) -> tuple[int, Any]:
        """Warehouse's integrity API (``warehouse/api/integrity.py``): a file's PEP 740
        provenance object, its attestations bundled with the publisher that made them;
        404 for a file without; 406 for an Accept header that offers neither of its
        JSON types."""
        parts = path.split("/")  # /integrity/<project>/<version>/<filename>/provenance
        if accept and not any(
            t in accept for t in ("application/vnd.pypi.integrity.v1+json", "application/json")
        ):
            return 406, {"message": "Request not acceptable"}
        project = self.state.projects.get(parts[2]) if len(parts) == 6 else None
        stored = project.files.get(parts[4]) if project else None
        if stored is None or stored.version != parts[3]:
            return 404, {"message": "Not Found"}
        if not stored.attestations or stored.publisher is None:
            return 404, {"message": f"No provenance available for {stored.filename}"}
        publisher = stored.publisher
        return 200, {
            "version": 1,
            "attestation_bundles": [
                {
                    "publisher": {
                        "kind": "GitHub",
                        "repository": f"{publisher.owner}/{publisher.repository}",
                        "workflow": publisher.workflow,
                        "environment": publisher.environment,
                        "claims": None,
                    },
                    "attestations": json.loads(stored.attestations),
                }
            ],
        }

    def simple(self, name: str, accept: str) -> tuple[int, str, dict[str, str], bytes]:
        key = normalize(name)
        if key != name:
            return 301, "Moved Permanently", {"Location": f"/simple/{key}/"}, b""
        project = self.state.projects.get(key)
        if project is None:
            return 404, "Not Found", {"Content-Type": "text/plain"}, b"404 Not Found"
        files = [
            {
                "filename": f.filename,
                "url": f"{self.url}/files/{f.filename}",
                "hashes": {"sha256": f.sha256.upper() if self.state.sha_upper else f.sha256},
                "size": f.size,
                "upload-time": datetime.fromtimestamp(f.uploaded, UTC).isoformat(),
                "yanked": False,
                # PEP 740, as Warehouse sends it: the integrity API's URL, or null
                **(
                    {"provenance": self._provenance_url(key, f) if f.attestations else None}
                    if self.state.integrity_api
                    else {}
                ),
            }
            for f in project.files.values()
        ]
        if "application/vnd.pypi.simple.v1+json" in accept and self.state.simple_json:
            data = {
                "meta": {"api-version": "1.4", "_last-serial": len(self.state.requests)},
                "name": key,
                "project-status": {"status": "active"},
                "versions": sorted({f.version for f in project.files.values()}),
                "files": files,
            }
            return (
                200,
                "OK",
                {"Content-Type": "application/vnd.pypi.simple.v1+json"},
                (json.dumps(data).encode()),
            )
        links = "".join(
            f'<a href="{self.url}/files/{f.filename}#sha256={f.sha256}">{f.filename}</a><br/>'
            for f in project.files.values()
        )
        return (
            200,
            "OK",
            {"Content-Type": "text/html"},
            f"<html><body>{links}</body></html>".encode(),
        )


def _release(version: str) -> object:
    from packaging.version import InvalidVersion, Version

    try:
        return Version(version)
    except InvalidVersion:
        return None


def _mint_error(code: str, description: str) -> tuple[int, Any]:
    return 422, {
        "message": "Token request failed",
        "errors": [{"code": code, "description": description}],
    }


class _Handler(BaseHTTPRequestHandler):
    index: LocalIndex
    protocol_version = "HTTP/1.1"
    # Headers and body go out in two writes; with Nagle on, a kept-alive connection
    # waits ~40 ms for the delayed ACK between them.
    disable_nagle_algorithm = True

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the tests read the request log instead."""

    def _send(self, status: int, reason: str, headers: dict[str, str], body: bytes) -> None:
        # The reason phrase must be Latin-1; Warehouse turns other characters into '?'.
        self.send_response(status, reason.encode("latin-1", "replace").decode("latin-1"))
        for key, value in headers.items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _trickle(
        self, status: int, reason: str, headers: dict[str, str], body: bytes, pause: float
    ) -> None:
        """Send an answer one byte at a time, ``pause`` seconds apart."""
        head = f"HTTP/1.1 {status} {reason}\r\n" + "".join(
            f"{k}: {v}\r\n" for k, v in {**headers, "Content-Length": str(len(body))}.items()
        )
        try:
            for byte in head.encode("latin-1") + b"\r\n" + body:
                self.wfile.write(bytes([byte]))
                self.wfile.flush()
                time.sleep(pause)
        except OSError:
            pass  # the client hung up, as it should
        self.close_connection = True

    def _json(self, status: int, data: Any) -> None:
        self._send(
            status,
            HTTPStatus(status).phrase if status < 300 else "Error",
            {"Content-Type": "application/json"},
            json.dumps(data).encode(),
        )

    def _fault(self, path: str) -> Fault | None:
        with self.index.state.lock:
            for fault in self.index.state.faults:
                if path.startswith(fault.path) and fault.times > 0:
                    if fault.skip > 0:
                        fault.skip -= 1
                        continue
                    fault.times -= 1
                    return fault
        return None

    def _host(self) -> str:
        """The host the request was sent to (its Host header, less the port)."""
        return self.headers.get("Host", "").rsplit(":", 1)[0]

    def _drop(self) -> None:
        self.close_connection = True
        self.connection.close()

    def _handle(self, method: str) -> None:
        parts = urlsplit(self.path)
        path = parts.path
        state = self.index.state
        with state.lock:
            state.requests.append((method, path))
            hooks = [hook for hook in state.on_request if path.startswith(hook[0])]
            for hook in hooks:
                state.on_request.remove(hook)
        for _, action in hooks:
            action()
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        if len(body) < length:  # the client hung up mid-request: nothing to handle
            with state.lock:
                state.incomplete.append(path)
            self._drop()
            return
        if state.latency is not None:
            upload = method == "POST" and path == state.upload_path
            time.sleep(state.latency.of(upload, len(body)))
        fault = self._fault(path)
        if fault and fault.meanwhile:
            fault.meanwhile()
        if fault and fault.drop:
            self._drop()
            return
        if fault and fault.status:
            if fault.after:
                answer_to = self.wfile
                self._route(method, path, parts.query, body, reply=False)
                self.wfile = answer_to
            headers = {"Content-Type": "text/plain", **fault.headers}
            if fault.retry_after is not None:
                headers["Retry-After"] = str(fault.retry_after)
            phrase = HTTPStatus(fault.status).phrase if fault.reason is None else fault.reason
            answer = b"injected fault" if fault.body is None else fault.body
            if fault.trickle:
                self._trickle(fault.status, phrase, headers, answer, fault.trickle)
            else:
                self._send(fault.status, phrase, headers, answer)
            return
        if fault and fault.drop_after:
            # Do the work but lose the answer, as when a connection resets mid-reply.
            self._route(method, path, parts.query, body, reply=False)
            self._drop()
            return
        self._route(method, path, parts.query, body)
        if fault and fault.expire_tokens:
            self.index.expire_tokens()

    def _route(self, method: str, path: str, query: str, body: bytes, reply: bool = True) -> None:
        index = self.index
        if not reply:
            self.wfile = io.BytesIO()  # the answer goes nowhere
        state = index.state
        if path == "/_github/token":
            status, data = index.github_token(
                parse_qs(query), self.headers.get("Authorization", "")
            )
            self._json(status, data)
        elif path.startswith("/_/oidc/"):
            if state.trusted_publishing == "absent":
                self._send(404, "Not Found", {"Content-Type": "text/plain"}, b"404 Not Found")
            elif state.trusted_publishing == "disabled":
                self._json(403, {"message": "Trusted publishing functionality not enabled"})
            elif path == "/_/oidc/audience" and method == "GET":
                audience = state.advertised_audience or state.audience_for(self._host())
                self._json(200, {"audience": audience})
            elif path in ("/_/oidc/mint-token", "/_/oidc/github/mint-token") and method == "POST":
                self._json(*index.mint(body, self._host()))
            elif path == "/_/oidc/burn-token" and not state.burn_endpoint:
                self._send(404, "Not Found", {"Content-Type": "text/plain"}, b"404 Not Found")
            elif path == "/_/oidc/burn-token" and method == "POST":
                self._json(*index.burn(body))
            else:
                self._send(405, "Method Not Allowed", {}, b"")
        elif path == state.upload_path and method == "POST":
            with index.uploading(body):
                status, reason = index.upload(self.headers, body)
            self._send(status, reason, {"Content-Type": "text/plain"}, reason.encode())
        elif path == "/legacy" and state.upload_path == "/legacy/":
            self._send(308, "Permanent Redirect", {"Location": "/legacy/"}, b"")
        elif path.startswith("/integrity/") and state.integrity_api and method == "GET":
            self._json(*index.provenance(path, self.headers.get("Accept", "")))
        elif path.startswith("/simple/") and method == "GET":
            name = path[len("/simple/") :].strip("/")
            self._send(*index.simple(name, self.headers.get("Accept", "")))
        else:
            self._send(404, "Not Found", {"Content-Type": "text/plain"}, b"404 Not Found")

    def do_GET(self) -> None:
        self._handle("GET")

    def do_POST(self) -> None:
        self._handle("POST")


@contextmanager
def running(state: IndexState | None = None) -> Iterator[LocalIndex]:
    """Start a local index for the duration of a ``with`` block."""
    with LocalIndex(state) as index:
        yield index
