"""Uploading one distribution with twine, and sorting the index's answer into what it
means for the release."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING, Any

from publisher.http import TIMEOUT, retry_after

if TYPE_CHECKING:
    from publisher.dists import Dist
    from publisher.secret import Secret


class Answer(Enum):
    """What an upload answer means."""

    STORED = "stored"
    EXISTS = "exists"  # the index already has a file by that name
    NEW_PROJECT_REFUSED = "new-project-refused"  # "Non-user identities cannot create…"
    NOT_FOR_PROJECT = "not-for-project"  # token not linked to this project
    TOKEN_EXPIRED = "token-expired"
    BAD_AUTH = "bad-auth"
    DISABLED = "disabled"  # the index is read-only or refuses uploads for now
    NAME_REUSED = "name-reused"  # the file name belonged to a deleted file
    TRANSIENT = "transient"  # 5xx, 429 or a lost connection: the file may have landed
    REFUSED = "refused"  # any other refusal: final


@dataclass(frozen=True)
class UploadAnswer:
    """The index's answer to one upload, sorted."""

    kind: Answer
    status: int
    reason: str
    retry_after: float | None = None  # what a 429/503 asked for (Retry-After)


def classify(status: int, reason: str, body: str) -> Answer:
    """Sort an upload answer by status and the index's reason phrase."""
    text = f"{reason}\n{body}".lower()
    if status == 200:
        return Answer.STORED
    if status == 409 or (status == 400 and "already exist" in text):
        return Answer.EXISTS
    if "non-user identities cannot create new projects" in text:
        return Answer.NEW_PROJECT_REFUSED
    if status == 403 and "not valid for project" in text:
        return Answer.NOT_FOR_PROJECT
    if status == 403 and "expired" in text:
        return Answer.TOKEN_EXPIRED
    if status in (401, 403) and "authentication" in text:
        return Answer.BAD_AUTH
    if status == 401:  # by definition: credentials missing or not taken (devpi says so)
        return Answer.BAD_AUTH
    if status == 403 and reason.strip().lower() in {"", "forbidden"} and "exist" not in text:
        # A bare 403 that names no cause (pypiserver's answer to a wrong password):
        # for an upload that is the credentials. Warehouse always gives a reason.
        return Answer.BAD_AUTH
    if "read-only mode" in text or "uploads are temporarily disabled" in text:
        return Answer.DISABLED
    if "previously used by a file that has since been deleted" in text:
        return Answer.NAME_REUSED
    if "too many new projects" in text:
        return Answer.REFUSED  # a limit per user and hour: retrying now cannot help
    if status == 429 or status >= 500:
        return Answer.TRANSIENT
    return Answer.REFUSED


class Uploader:
    """Sends files to the legacy upload endpoint with twine, one request per file."""

    def __init__(self, url: str, user: str, password: Secret) -> None:
        self.url = url
        self.user = user
        self._password = password
        self._repository: object | None = None

    def set_password(self, password: Secret) -> None:
        """Use a new token from now on (after a re-mint)."""
        self._password = password
        self._repository = None

    def _repo(self) -> object:
        if self._repository is None:
            import logging

            from twine.repository import Repository

            # twine logs its own retry notes ("Retry 1 of 1"); we report every try ourselves.
            logging.getLogger("twine").setLevel(logging.ERROR)
            repo = Repository(self.url, self.user, self._password.reveal(), True)
            for scheme in ("http://", "https://"):
                # twine sets no timeout on uploads; a hung connection must not hang the job.
                repo.session.mount(scheme, _timeout_adapter())
            self._repository = repo
        return self._repository

    def send(self, dist: Dist) -> UploadAnswer:
        """Upload ``dist`` once (no retries here: the caller decides, after asking the
        index whether the file landed). Connection faults come back as TRANSIENT."""
        import requests

        package = twine_package(dist)
        repo = self._repo()
        try:
            response = repo.upload(package, max_redirects=1)  # type: ignore[attr-defined]
        except requests.RequestException as exc:
            return UploadAnswer(Answer.TRANSIENT, 0, type(exc).__name__)
        if 300 <= response.status_code < 400:
            return UploadAnswer(
                Answer.REFUSED,
                response.status_code,
                f"redirected to {response.headers.get('Location', '?')}: check repository-url",
            )
        reason = response.reason or ""
        kind = classify(response.status_code, reason, response.text[:2000])
        return UploadAnswer(kind, response.status_code, reason, retry_after(response))


def _timeout_adapter() -> Any:
    """A requests adapter that puts our timeout on requests that have none."""
    from requests import PreparedRequest, Response
    from requests.adapters import HTTPAdapter

    class TimeoutAdapter(HTTPAdapter):
        def send(
            self,
            request: PreparedRequest,
            stream: bool = False,
            timeout: Any = None,
            verify: bool | str = True,
            cert: Any = None,
            proxies: Mapping[str, str] | None = None,
        ) -> Response:
            return super().send(
                request, stream, TIMEOUT if timeout is None else timeout, verify, cert, proxies
            )

    return TimeoutAdapter()


def safe_name(name: str) -> str:
    """The name twine sends: runs outside ``[A-Za-z0-9.]`` become ``-``."""
    return re.sub(r"[^A-Za-z0-9.]+", "-", name)


def twine_package(dist: Dist) -> Any:
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
            self.safe_name = safe_name(dist.name)
            self.version = dist.raw_metadata["version"]
            self.signed_filename = self.filename + ".asc"
            self.signed_basefilename = self.basefilename + ".asc"
            self.gpg_signature = None
            self.attestations = None
            self.sha2_digest = dist.digests.sha256
            self.blake2_256_digest = dist.digests.blake2_256

    return KnownPackage()
