"""The checks made before any token is minted, as findings that the real run and the
dry run both use: the run stops at the first error and logs the warnings, the dry run
lists them all. One set of rules, so the dry run cannot drift from the real thing."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from publisher.errors import InputError, UploadError

if TYPE_CHECKING:
    from publisher.dists import Dist
    from publisher.index import Index, ProjectState
    from publisher.inputs import Config

Status = Literal["ok", "warning", "error"]
# The seed's case, quoted in every explanation of the name rule.
NAME_EXAMPLE = "python-example"


@dataclass(frozen=True)
class Finding:
    """One result of a check: its status, its message key and the message's values.
    ``skip`` names a file that is on the index already and will be skipped."""

    status: Status
    key: str
    fields: dict[str, object]
    skip: Dist | None = None

    def error(self) -> UploadError:
        """The finding as the error that stops a real run."""
        return UploadError(self.key, **self.fields)


def password_use(config: Config, index: Index) -> InputError | None:
    """PyPI and TestPyPI take API tokens only (user ``__token__``), never passwords."""
    if config.password and config.user != "__token__" and index.is_pypi:
        return InputError("password-with-user", user=config.user, index=index.read_url)
    return None


def project_findings(
    index: Index, project: str, state: ProjectState, publisher: dict[str, str]
) -> list[Finding]:
    """Does the project exist: if not, only a pending publisher for exactly its name
    can create it."""
    if state.exists is None:
        return [
            Finding("warning", "index-unreadable", {"project": project, "problem": state.problem})
        ]
    if state.exists:
        return [
            Finding("ok", "check-project-exists", {"project": project, "index": index.read_url})
        ]
    link = index.register_publisher_url({**publisher, "project_name": project}, None)
    fields: dict[str, object] = {
        "project": project,
        "index": index.read_url,
        "example": NAME_EXAMPLE,
        "link": link,
    }
    return [Finding("warning", "check-project-missing", fields)]


def file_findings(
    config: Config, index: Index, state: ProjectState, dists: list[Dist]
) -> list[Finding]:
    """Is each file new, on the index already (skipped or an error), or in the way."""
    from publisher.index import FileStatus, compare

    found: list[Finding] = []
    for dist in dists:
        status = compare(state, dist.filename, dist.digests.sha256)
        if status is FileStatus.DIFFERENT:
            fields: dict[str, object] = {
                "filename": dist.filename,
                "local": dist.digests.sha256,
                "remote": state.files[dist.filename],
                "project": index.project_url(dist.project),
            }
            found.append(Finding("error", "file-exists-different", fields))
        elif status is FileStatus.UNKNOWN:
            found.append(Finding("warning", "file-exists-unknown", {"filename": dist.filename}))
        elif status is FileStatus.SAME and config.skip_existing:
            found.append(Finding("ok", "check-file-skipped", {"filename": dist.filename}, dist))
        elif status is FileStatus.SAME:
            found.append(Finding("error", "file-exists-same", {"filename": dist.filename}))
    return found
