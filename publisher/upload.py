"""Uploading the distributions with twine, one request per file: sorting each answer
into what it means for the release, re-sending only after asking the index whether
the file landed (so nothing is sent twice), and the message for each refusal."""

from __future__ import annotations

import contextlib
import html
import re
import threading
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from enum import Enum
from typing import TYPE_CHECKING, Any

from publisher import indexrules, messages
from publisher.errors import NameCheckError, PublishError, TransientError, UploadError
from publisher.http import Again, passing, retry_after, retrying, upload_deadline
from publisher.index import FileStatus
from publisher.messages import Msg

if TYPE_CHECKING:
    from publisher.console import Console
    from publisher.dists import Dist
    from publisher.finding import Finding
    from publisher.http import Http
    from publisher.index import Index, ProjectState
    from publisher.mint import TokenSource, UploadToken
    from publisher.outcome import Outcome
    from publisher.secret import Secret

# Re-mint when the token has less than this left: a large file must not outlive it.
RENEW_MARGIN = 180.0


class Answer(Enum):
    """What an upload answer means."""

    STORED = "stored"
    EXISTS = "exists"  # the index already has a file by that name
    NEW_PROJECT_REFUSED = "new-project-refused"  # "Non-user identities cannot create…"
    NOT_FOR_PROJECT = "not-for-project"  # token not linked to this project
    NOT_ALLOWED = "not-allowed"  # "isn't allowed to upload": no role, or archived
    TOKEN_EXPIRED = "token-expired"
    BAD_AUTH = "bad-auth"
    DISABLED = "disabled"  # the index is read-only or refuses uploads for now
    NAME_REUSED = "name-reused"  # the file name belonged to a deleted file
    TRANSIENT = "transient"  # 5xx, 429 or a lost connection: the file may have landed
    NO_ENDPOINT = "no-endpoint"  # 404, 405 or a redirect: repository-url is not the endpoint
    ATTESTATION_REFUSED = "attestation-refused"  # "Invalid attestations supplied…"
    REFUSED = "refused"  # any other refusal: final


@dataclass(frozen=True)
class UploadAnswer:
    """The index's answer to one upload, sorted."""

    kind: Answer
    status: int
    reason: str
    retry_after: float | None = None  # what a 429/503 asked for (Retry-After)


# A page's title, less an "Error:" and the status code before it (bottle, pyramid).
_TITLE = re.compile(
    r"<title>\s*(?:error:\s*)?(?:\d{3}\s+)?(.*?)\s*</title>", re.IGNORECASE | re.DOTALL
)


def answer_reason(status: int, reason: str, body: str) -> str:
    """The index's reason for an answer. Warehouse puts its message in the status
    line's reason phrase, but a proxy on the way may put back the standard phrase
    ("Forbidden"); the message is then still the title of the HTML page."""
    from http import HTTPStatus

    with contextlib.suppress(ValueError):
        if reason.strip().lower() not in ("", HTTPStatus(status).phrase.lower()):
            return reason
    title = _TITLE.search(body)
    # A title that is only the phrase again (pypiserver's bare 403) says nothing more.
    if title and title.group(1).strip().lower() not in ("", reason.strip().lower()):
        return html.unescape(" ".join(title.group(1).split()))
    return reason


def classify(status: int, reason: str, body: str) -> Answer:
    """Sort an upload answer by status and the index's reason phrase."""
    text = f"{reason}\n{body}".lower()
    if status == 200:
        return Answer.STORED
    if "conflicts with an existing project" in text:
        return Answer.REFUSED  # Warehouse's 409 on a name, never a file already there
    if status == 409 or (status == 400 and "already exist" in text):
        return Answer.EXISTS  # pypiserver and devpi say 409 for a file already there
    if "non-user identities cannot create new projects" in text:
        return Answer.NEW_PROJECT_REFUSED
    if "read-only mode" in text or "uploads are temporarily disabled" in text:
        return Answer.DISABLED
    if status == 403 and "not valid for project" in text:
        return Answer.NOT_FOR_PROJECT
    if status == 403 and "isn't allowed to upload to project" in text:
        return Answer.NOT_ALLOWED
    if status == 403 and "expired" in text:
        return Answer.TOKEN_EXPIRED
    if status in (401, 403) and ("authentication" in text or "invalid api token" in text):
        return Answer.BAD_AUTH
    if status == 401:  # by definition: credentials missing or not taken (devpi says so)
        return Answer.BAD_AUTH
    if status == 403 and reason.strip().lower() in {"", "forbidden"} and "exist" not in text:
        # A bare 403 that names no cause (pypiserver's answer to a wrong password):
        # for an upload that is the credentials. Warehouse always gives a reason.
        return Answer.BAD_AUTH
    if "invalid attestations supplied" in text or "attestations are only supported" in text:
        return Answer.ATTESTATION_REFUSED
    if "previously used by a file that has since been deleted" in text:
        return Answer.NAME_REUSED
    if "too many new projects" in text:
        return Answer.REFUSED  # a limit per user and hour: retrying now cannot help
    if passing(status):
        return Answer.TRANSIENT
    if status in (404, 405):
        return Answer.NO_ENDPOINT
    return Answer.REFUSED


class Uploader:
    """Sends files to the legacy upload endpoint, one request per file: the form is
    twine's, the request goes through the run's :class:`Http` (deadline, size cap, no
    redirects, no output of its own)."""

    def __init__(
        self,
        http: Http,
        index: Index,
        user: str,
        password: Secret,
        attestations: Mapping[str, list[dict[str, Any]]] | None = None,
    ) -> None:
        self.http = http
        self.url = index.post_url
        self.user = user
        self.attestations = attestations or {}  # file name -> its PEP 740 attestations
        self.set_password(password)

    def set_password(self, password: Secret) -> None:
        """Use this password or token from now on (a new one after a re-mint). The Basic
        credential it makes is masked too: an index that echoes the request's headers
        must not show it in the log."""
        import base64
        import contextlib

        from requests.auth import _basic_auth_str

        self._password = password
        # What requests sends (latin-1), and the UTF-8 form too.
        utf8 = base64.b64encode(f"{self.user}:{password.reveal()}".encode()).decode("ascii")
        self.http.console.mask(utf8)
        with contextlib.suppress(UnicodeEncodeError):  # not latin-1: requests sends none
            self.http.console.mask(_basic_auth_str(self.user, password.reveal()).split()[1])

    def send(self, dist: Dist) -> UploadAnswer:
        """Upload ``dist`` once (no retries here: the caller decides, after asking the
        index whether the file landed). Connection faults come back as TRANSIENT."""
        from requests_toolbelt import MultipartEncoder

        from publisher.dists import open_dist

        fields = upload_form(dist, self.attestations.get(dist.filename))
        # The file validated, or nothing: a file changed since stops the upload.
        with open_dist(dist) as body:
            encoder = MultipartEncoder(
                [*fields, ("content", (dist.filename, body, "application/octet-stream"))]
            )
            try:
                response = self.http.request(
                    "POST",
                    self.url,
                    what=messages.phrase(Msg.DOING_UPLOAD, filename=dist.filename),
                    retry=False,
                    deadline=upload_deadline(dist.digests.size),
                    data=encoder,
                    headers={"Content-Type": encoder.content_type},
                    auth=(self.user, self._password.reveal()),
                )
            except TransientError as exc:
                return UploadAnswer(Answer.TRANSIENT, 0, str(exc.fields.get("fault", "")))
        if 300 <= response.status_code < 400:
            # Not followed (the token would go where the answer points): the upload
            # endpoint is elsewhere, so repository-url is what to fix.
            return UploadAnswer(
                Answer.NO_ENDPOINT,
                response.status_code,
                messages.phrase(
                    Msg.UPLOAD_REDIRECTED, location=response.headers.get("Location", "?")
                ),
            )
        reason = answer_reason(response.status_code, response.reason or "", response.text[:4000])
        kind = classify(response.status_code, reason, response.text[:2000])
        return UploadAnswer(kind, response.status_code, reason, retry_after(response))


def twine_package(dist: Dist, attestations: list[dict[str, Any]] | None = None) -> Any:
    """twine's ``PackageFile`` for ``dist``, made from what validation already read.

    ``PackageFile.from_filename`` would open and hash the file again (twice the reading
    for large files); the fields are the same, which a test checks against twine itself.
    """
    from twine.package import PackageFile

    class KnownPackage(PackageFile):
        def __init__(self) -> None:  # no super().__init__(): it would hash the file again
            self.filename = str(dist.path)
            self.basefilename = dist.filename
            self.comment = None
            self.metadata = dist.raw_metadata
            self.python_version = dist.python_tag
            self.filetype = "bdist_wheel" if dist.kind == "wheel" else "sdist"
            self.safe_name = indexrules.safe_name(dist.name)
            self.version = dist.raw_metadata["version"]
            self.signed_filename = self.filename + ".asc"
            self.signed_basefilename = self.basefilename + ".asc"
            self.gpg_signature = None
            # twine sends them as the form's `attestations` field: a JSON array.
            self.attestations = attestations or None
            self.sha2_digest = dist.digests.sha256
            self.blake2_256_digest = None  # not sent: sha256 alone is enough for the index

    return KnownPackage()


def upload_form(
    dist: Dist, attestations: list[dict[str, Any]] | None = None
) -> list[tuple[str, str]]:
    """The upload's form fields, as twine sends them (``metadata_dictionary`` flattened
    the way twine's ``Repository`` does), with the action and protocol fields."""
    form: list[tuple[str, str]] = []
    for key, value in twine_package(dist, attestations).metadata_dictionary().items():
        if key == "project_urls":
            form.extend((key, f"{label}, {url}") for label, url in value.items())
        elif key == "keywords":
            form.append((key, ", ".join(value)))
        elif isinstance(value, list | tuple):
            form.extend((key, item) for item in value)
        else:
            form.append((key, value))
    return [*form, (":action", "file_upload"), ("protocol_version", "1")]


def upload_order(dists: list[Dist], states: Mapping[str, ProjectState]) -> list[list[Dist]]:
    """The uploads in batches, each done before the next starts: the first file of each
    release the index does not have yet, alone (Warehouse creates the release, and for
    a password upload the project, with it: two creating it at once collide, and one is
    answered with a retry or an error); then the other wheels; then the sdists, so that
    an installer never builds from the sdist while the wheels are still arriving."""
    from packaging.version import Version

    wheels_first = sorted(dists, key=lambda d: d.kind == "sdist")  # stable: files' order
    first: list[Dist] = []
    wheels: list[Dist] = []
    sdists: list[Dist] = []
    begun: set[tuple[str, Version]] = set()
    for dist in wheels_first:
        release = (dist.project, Version(dist.version))
        state = states.get(dist.project)
        known = state is not None and state.exists and release in state.releases
        if not known and release not in begun:
            first.append(dist)
        else:
            (sdists if dist.kind == "sdist" else wheels).append(dist)
        begun.add(release)
    return [batch for batch in (first, wheels, sdists) if batch]


@dataclass
class Uploads:
    """What the uploads of one run share, each running in a task of its own: the
    uploader and its token (one renewal for all uploads in flight), the outcome, and
    ``slow_down``, told when the index asks for fewer requests (429, 503)."""

    uploader: Uploader
    http: Http
    index: Index
    outcome: Outcome
    console: Console
    tokens: TokenSource | None
    skip_existing: bool = False
    slow_down: Callable[[float | None], None] = lambda wait: None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def skipped(self) -> Iterator[Finding]:
        """A line for each file skipped before any upload (``skip-existing``)."""
        from publisher.finding import Finding

        for dist in self.outcome.skipped:
            why = messages.phrase(_SKIPPED_AS[self.outcome.skipped_as(dist)])
            yield Finding("ok", Msg.LOG_SKIPPED, {"filename": dist.filename, "why": why})

    def renew_if_short(self, dist: Dist) -> None:
        """Before an upload: a token that would die before the index has the whole file
        (it checks the token then) is renewed first: by the first upload to find it so,
        the others use the new one."""
        needed = max(RENEW_MARGIN, upload_deadline(dist.digests.size))
        with self._lock:
            current = self.tokens.current if self.tokens else None
            if current is not None and current.worth_renewing(needed):
                self.console.info(Msg.LOG_RENEWING)
                self._renew()

    def renew_expired(self, seen: UploadToken | None) -> None:
        """The index says the token ``seen`` expired: renewed, unless another upload
        renewed it since."""
        with self._lock:
            if self.tokens is not None and self.tokens.current is seen:
                self.console.info(Msg.LOG_TOKEN_EXPIRED)
                self._renew()

    def _renew(self) -> None:
        """Mint a new upload token mid-run. If that fails, say first that it was a
        renewal: the same exchange worked at the start of the run, so the cause is what
        changed."""
        assert self.tokens is not None
        try:
            self.uploader.set_password(self.tokens.mint(self.outcome.projects).token)
        except PublishError:
            self.console.warning(Msg.LOG_RENEWAL_FAILED, uploaded=len(self.outcome.uploaded))
            raise

    def upload(self, dist: Dist) -> Finding:
        """Upload one file (retried on passing faults, never sent again once it may have
        landed unless the index says it has not); its finding, or the error that ends
        the run."""
        self.outcome.sending.add(dist.filename)  # one operation on a set: no lock needed
        try:
            return self._upload(dist)
        finally:
            self.outcome.sending.discard(dist.filename)

    def _upload(self, dist: Dist) -> Finding:
        from publisher.finding import Finding

        self.renew_if_short(dist)
        renewed = False

        def attempt() -> Finding | Again:
            nonlocal renewed
            seen = self.tokens.current if self.tokens else None
            answer = self.uploader.send(dist)
            if answer.kind is Answer.TOKEN_EXPIRED and self.tokens is not None and not renewed:
                renewed = True
                self.renew_expired(seen)
                answer = self.uploader.send(dist)
            if answer.kind is Answer.STORED:
                self.outcome.uploaded.append(dist)
                return Finding("ok", Msg.LOG_UPLOADED, {"filename": dist.filename})
            there, remote = (
                _on_index(self.http, self.index, dist)
                if answer.kind in (Answer.TRANSIENT, Answer.EXISTS)
                else (FileStatus.NEW, "")
            )
            if there is FileStatus.SAME:
                # The answer was lost or garbled but the file is there, byte for byte.
                self.outcome.uploaded.append(dist)
                confirmed = {"filename": dist.filename, "reason": answer.reason}
                return Finding("ok", Msg.LOG_UPLOAD_CONFIRMED, confirmed)
            if answer.kind is Answer.TRANSIENT and there is not FileStatus.NEW:
                # Sent again only when the index says it has no file of that name:
                # nothing is sent twice.
                return self._not_sent_again(dist, answer, there, remote)
            if answer.kind is Answer.EXISTS and self.skip_existing:
                # Put there since the pre-check (another job, say): skipped, as twine does.
                self.outcome.skipped.append(dist)
                if remote:  # what it holds, for the summary (other bytes, say)
                    self.outcome.on_index[dist.filename] = remote
                fields = {
                    "filename": dist.filename,
                    "status": answer.status,
                    "reason": answer.reason,
                }
                return Finding("warning", Msg.UPLOAD_EXISTS_SKIPPED, fields)
            error = upload_error(answer, dist, self.index, self.tokens, self.uploader.user)
            if answer.kind is not Answer.TRANSIENT:
                raise error
            if answer.status in SLOW_DOWN:  # the index is busy: one upload at a time
                self.slow_down(answer.retry_after)
            fault = f"{answer.status or ''} {answer.reason}".strip()
            return Again(fault, answer.retry_after, error)

        what = messages.phrase(Msg.DOING_UPLOAD, filename=dist.filename)
        return retrying(self.http.policy, self.console, what, attempt)

    def _not_sent_again(
        self, dist: Dist, answer: UploadAnswer, there: FileStatus | None, remote: str
    ) -> Finding:
        """An upload that failed without a clear answer, of a file the index cannot
        say it lacks: it is not sent again. The index lists other bytes under its name:
        it keeps those (skipped, with ``skip-existing``). It cannot say, or lists the
        name without a sha256: the file may be there, and the run stops saying so."""
        from publisher.finding import Finding

        fault = f"{answer.status or ''} {answer.reason}".strip()
        if there is FileStatus.DIFFERENT:
            fields = {
                "filename": dist.filename,
                "local": dist.digests.sha256,
                "remote": remote,
                "project": self.index.project_url(dist.project),
            }
            if not self.skip_existing:
                raise UploadError(Msg.FILE_EXISTS_DIFFERENT, **fields)
            self.outcome.skipped.append(dist)
            self.outcome.on_index[dist.filename] = remote
            return Finding("warning", Msg.FILE_SKIPPED_DIFFERENT, fields)
        self.outcome.unconfirmed.append(dist)
        why = (
            Msg.UNCONFIRMED_NO_DIGEST if there is FileStatus.UNKNOWN else Msg.UNCONFIRMED_NO_ANSWER
        )
        raise UploadError(
            Msg.UPLOAD_UNCONFIRMED, filename=dist.filename, fault=fault, why=messages.phrase(why)
        )


# The answers of an index (or the CDN before it) that asks for fewer requests.
SLOW_DOWN = frozenset({429, 503})


def _on_index(http: Http, index: Index, dist: Dist) -> tuple[FileStatus | None, str]:
    """What the index has under the file's name now, asked past caches, and the
    sha256 it gives for it; None when the index cannot say."""
    from publisher.index import compare, project_state

    state = project_state(http, index, dist.project, fresh=True)
    if state.exists is None:
        return None, ""
    return compare(state, dist.filename, dist.digests.sha256), state.files.get(dist.filename, "")


_SKIPPED_AS = {
    "same": Msg.SKIPPED_SAME,
    "other": Msg.SKIPPED_OTHER,
    "unknown": Msg.SKIPPED_UNKNOWN,
}
_ERRORS = {
    Answer.NOT_FOR_PROJECT: Msg.UPLOAD_NOT_FOR_PROJECT,
    Answer.NOT_ALLOWED: Msg.UPLOAD_NOT_ALLOWED,
    Answer.EXISTS: Msg.UPLOAD_EXISTS,
    Answer.TOKEN_EXPIRED: Msg.UPLOAD_TOKEN_EXPIRED,
    Answer.TRANSIENT: Msg.UPLOAD_TRANSIENT,
    Answer.DISABLED: Msg.UPLOAD_DISABLED,
    Answer.NAME_REUSED: Msg.UPLOAD_NAME_REUSED,
    Answer.NO_ENDPOINT: Msg.UPLOAD_NO_ENDPOINT,
    Answer.ATTESTATION_REFUSED: Msg.UPLOAD_ATTESTATION_REFUSED,
}


def upload_error(
    answer: UploadAnswer, dist: Dist, index: Index, tokens: TokenSource | None, user: str = ""
) -> PublishError:
    """The message for an upload the index refused."""
    fields: dict[str, object] = {
        "filename": dist.filename,
        "name": dist.name,
        "project": dist.project,
        "status": answer.status,
        "reason": answer.reason,
        # What the last try ended with: an answer, or a fault with none (status 0).
        "answer": f"HTTP {answer.status} {answer.reason}" if answer.status else answer.reason,
        "index": index.read_url,
        "url": index.given,
        "settings": index.publishing_settings_url(dist.project),
    }
    if answer.kind is Answer.NEW_PROJECT_REFUSED:
        return NameCheckError(Msg.UPLOAD_NON_USER_IDENTITY, **fields)
    if answer.kind is Answer.BAD_AUTH:
        if tokens:
            return UploadError(Msg.UPLOAD_BAD_TOKEN, **fields)
        key = Msg.UPLOAD_BAD_PASSWORD if index.is_pypi else Msg.UPLOAD_BAD_CREDENTIALS
        return UploadError(key, user=user, **fields)
    if answer.kind is Answer.NOT_FOR_PROJECT and not tokens:  # an API token, scoped
        return UploadError(Msg.UPLOAD_TOKEN_SCOPE, **fields)
    return UploadError(_ERRORS.get(answer.kind, Msg.UPLOAD_REFUSED), **fields)


def warm_imports() -> None:
    """Import twine in the background while the early steps wait on the network: a
    release job starts with a cold interpreter every time."""
    from publisher.executor import in_background

    def work() -> None:
        # A failure here is reported by the real import later.
        with contextlib.suppress(Exception):
            import twine.package  # noqa: F401

    in_background(work, "warm-imports")
