"""The publishing run, step by step: validate, check the index, get a token, check
the names again, upload. Each step stops the run with a :class:`PublishError`."""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from publisher.checks import NAME_EXAMPLE, password_use
from publisher.errors import MintError, NameCheckError, PublishError, UploadError
from publisher.index import Index, ProjectState, project_state, wait_for_project
from publisher.upload import Answer

if TYPE_CHECKING:
    from publisher.console import Console
    from publisher.dists import Dist
    from publisher.http import Http
    from publisher.inputs import Config
    from publisher.mint import UploadToken
    from publisher.oidc import Claims
    from publisher.secret import Secret
    from publisher.upload import Uploader

# Re-mint when the token has less than this left: a large file must not outlive it.
RENEW_MARGIN = 180.0


@dataclass
class Outcome:
    """What happened to each file, for outputs and the summary, also on failure."""

    dists: list[Dist] = field(default_factory=list)
    uploaded: list[Dist] = field(default_factory=list)
    skipped: list[Dist] = field(default_factory=list)
    projects: list[str] = field(default_factory=list)
    claims: Claims | None = None
    on_index: set[str] = field(default_factory=set)  # file names there before this run

    @property
    def remaining(self) -> list[Dist]:
        """Files neither uploaded nor skipped (yet)."""
        done = {d.filename for d in self.uploaded + self.skipped}
        return [d for d in self.dists if d.filename not in done]


class RunFailed(Exception):
    """Carries the failure and the outcome so far, so the report can say what landed."""

    def __init__(self, error: PublishError, outcome: Outcome) -> None:
        super().__init__(str(error))
        self.error = error
        self.outcome = outcome


def validate(config: Config, console: Console, outcome: Outcome) -> None:
    """Step 1: find, validate and hash the distributions."""
    from publisher.dists import load_all

    dists, ignored = load_all(config.packages_dir, verify_metadata=config.verify_metadata)
    outcome.dists = dists
    outcome.projects = sorted({d.project for d in dists})
    if ignored:
        console.notice(
            "Files that are not distributions were left out",
            f"In {config.packages_dir}: {', '.join(ignored)}",
        )
    with console.group(f"{len(dists)} distribution(s) in {config.packages_dir}"):
        for dist in dists:
            line = f"{dist.filename}  ({dist.name} {dist.version}, {dist.kind})"
            if config.print_hash:
                line += f"\n  sha256 {dist.digests.sha256}"
            console.info(line)
    for dist in dists:
        for text in dist.warnings:
            console.warning("Metadata warning", text)


def check_existing(
    http: Http, index: Index, config: Config, outcome: Outcome, console: Console
) -> dict[str, ProjectState]:
    """Ask the index what it has of each project; sort files into new and already
    there. A file name the index has with other content can never be uploaded."""
    from publisher import messages
    from publisher.checks import file_findings, project_findings

    states = {p: project_state(http, index, p) for p in outcome.projects}
    outcome.on_index = {name for state in states.values() for name in state.files}
    for project, state in states.items():
        dists = [d for d in outcome.dists if d.project == project]
        for found in project_findings(index, project, state, {}) + file_findings(
            config, index, state, dists
        ):
            if found.status == "error":
                raise found.error()
            if found.skip is not None:
                outcome.skipped.append(found.skip)
            elif found.status == "warning":
                console.warning(
                    messages.title(found.key, found.fields),
                    messages.render(found.key, found.fields),
                )
    return states


def check_names_after_mint(
    http: Http, index: Index, outcome: Outcome, missing: list[str], claims: Claims | None
) -> None:
    """Step 6: a project that did not exist before the mint must exist now (made by the
    pending publisher); if not, the token is for another name and every upload would fail."""
    for project in missing:
        if wait_for_project(http, index, project).exists is not False:
            continue
        dist = next(d for d in outcome.dists if d.project == project)
        raise NameCheckError(
            "name-mismatch-after-mint",
            filename=dist.filename,
            name=dist.name,
            project=project,
            example=NAME_EXAMPLE,
            pending_link=index.register_publisher_url(
                {**(claims.publisher_fields() if claims else {}), "project_name": project}, None
            ),
            index=index.read_url,
        )


class _MintTransient(Exception):
    """Internal: the exchange itself hit a passing fault; start over with a new token."""

    def __init__(self, error: PublishError) -> None:
        super().__init__(error.key)
        self.error = error


class TokenSource:
    """Gets upload tokens by trusted publishing, and new ones when they run out."""

    def __init__(self, env: Mapping[str, str], http: Http, console: Console, index: Index) -> None:
        self.env, self.http, self.console, self.index = env, http, console, index
        self.audience: str | None = None
        self.claims: Claims | None = None
        self.current: UploadToken | None = None

    def oidc_token(self) -> Secret:
        """A fresh OIDC token for the index's audience; reads and checks its claims."""
        from publisher.oidc import (
            fetch_token,
            get_audience,
            read_claims,
            refuse_pull_request_target,
        )

        refuse_pull_request_target(self.env)
        if self.audience is None:
            self.audience = get_audience(self.http, self.index)
        token = fetch_token(self.env, self.http, self.console, self.audience)
        self.claims = read_claims(token)
        return token

    def mint(self, projects: list[str]) -> UploadToken:
        """Exchange a fresh OIDC token for an upload token. A transient fault is retried
        from the start, with a new OIDC token, since the last may have been used up."""
        attempt = 0
        waited = 0.0
        while True:
            attempt += 1
            try:
                return self._mint_once(projects)
            except _MintTransient as exc:
                delay = self.http.policy.next_wait(attempt, waited=waited)
                if delay is None:
                    raise exc.error from None
                self.console.warning(
                    "Token exchange failed",
                    f"{exc.error.title}; try {attempt} of {self.http.policy.tries}, trying "
                    f"again with a fresh OIDC token in {delay:.1f} s",
                )
                time.sleep(delay)
                waited += delay

    def _mint_once(self, projects: list[str]) -> UploadToken:
        from publisher.errors import TransientError
        from publisher.mint import mint
        from publisher.oidc import reusable_explanation

        token = self.oidc_token()
        assert self.claims is not None
        reusable = reusable_explanation(self.claims)
        if reusable and self.current is None:
            # Step 4: PyPI cannot match most reusable workflows; say so before minting.
            self.console.warning("Publishing from a reusable workflow", reusable)
        try:
            self.current = mint(self.http, self.console, self.index, token, self.claims, projects)
        except TransientError as exc:
            # Only the exchange itself is retried here; the token request retries itself.
            raise _MintTransient(exc) from None
        except MintError as exc:
            if reusable:
                exc.fields["reusable"] = "\n\n" + reusable
            raise
        self.console.info("Minted a short-lived upload token (masked in this log).")
        return self.current


def upload_all(
    uploader: Uploader,
    http: Http,
    index: Index,
    outcome: Outcome,
    console: Console,
    tokens: TokenSource | None,
) -> None:
    """Step 7: upload the files one by one. Before re-sending after an unclear answer,
    ask the index whether the file landed, so nothing is sent twice."""
    skipped = {d.filename for d in outcome.skipped}
    for dist in outcome.dists:
        if dist.filename in skipped:
            console.info(f"Skipped {dist.filename}: the index has it already (same sha256).")
            continue
        if tokens and tokens.current and tokens.current.expires_within(RENEW_MARGIN):
            console.info("The upload token is about to expire: minting a new one.")
            uploader.set_password(tokens.mint(outcome.projects).token)
        _upload_one(uploader, http, index, dist, outcome, console, tokens)


def _landed(http: Http, index: Index, dist: Dist) -> bool:
    from publisher.index import FileStatus, compare

    state = project_state(http, index, dist.project, fresh=True)
    return compare(state, dist.filename, dist.digests.sha256) is FileStatus.SAME


def _upload_one(
    uploader: Uploader,
    http: Http,
    index: Index,
    dist: Dist,
    outcome: Outcome,
    console: Console,
    tokens: TokenSource | None,
) -> None:
    renewed = False
    attempt = 0
    waited = 0.0
    while True:
        attempt += 1
        answer = uploader.send(dist)
        kind = answer.kind
        if kind is Answer.STORED:
            outcome.uploaded.append(dist)
            console.info(f"Uploaded {dist.filename}")
            return
        if kind in (Answer.TRANSIENT, Answer.EXISTS) and _landed(http, index, dist):
            # The answer was lost or garbled but the file is there, byte for byte.
            outcome.uploaded.append(dist)
            console.info(
                f"Uploaded {dist.filename} (confirmed on the index after: {answer.reason})"
            )
            return
        if kind is Answer.TOKEN_EXPIRED and tokens is not None and not renewed:
            renewed = True
            console.info("The index says the upload token expired: minting a new one.")
            uploader.set_password(tokens.mint(outcome.projects).token)
            continue
        delay = (
            http.policy.next_wait(attempt, answer.retry_after, waited)
            if kind is Answer.TRANSIENT
            else None
        )
        if delay is not None:
            console.warning(
                f"Upload of {dist.filename} failed ({answer.status or ''} {answer.reason})".strip(),
                f"try {attempt} of {http.policy.tries}; the file is not on the index; "
                f"trying again in {delay:.1f} s",
            )
            time.sleep(delay)
            waited += delay
            continue
        raise _upload_error(kind, answer.status, answer.reason, dist, index, tokens)


def _upload_error(
    kind: Answer, status: int, reason: str, dist: Dist, index: Index, tokens: TokenSource | None
) -> PublishError:
    fields: dict[str, object] = {
        "filename": dist.filename,
        "name": dist.name,
        "project": dist.project,
        "status": status,
        "reason": reason,
        "index": index.read_url,
        "settings": index.publishing_settings_url(dist.project),
    }
    if kind is Answer.NEW_PROJECT_REFUSED:
        return NameCheckError("upload-non-user-identity", example=NAME_EXAMPLE, **fields)
    if kind is Answer.NOT_FOR_PROJECT:
        return UploadError("upload-not-for-project", **fields)
    if kind is Answer.EXISTS:
        return UploadError("upload-exists", **fields)
    if kind is Answer.BAD_AUTH:
        key = "upload-bad-token" if tokens else "upload-bad-password"
        return UploadError(key, **fields)
    if kind is Answer.TOKEN_EXPIRED:
        return UploadError("upload-token-expired", **fields)
    if kind is Answer.TRANSIENT:
        return UploadError("upload-transient", **fields)
    if kind is Answer.DISABLED:
        return UploadError("upload-disabled", **fields)
    if kind is Answer.NAME_REUSED:
        return UploadError("upload-name-reused", **fields)
    return UploadError("upload-refused", **fields)


def _warm_imports() -> None:
    """Import what the later steps need in the background, while the early steps wait
    on the network: a release job starts with a cold interpreter every time."""

    def work() -> None:
        # A failure here is reported by the real import later.
        with contextlib.suppress(Exception):
            import twine.repository  # noqa: F401

    threading.Thread(target=work, name="warm-imports", daemon=True).start()


def run(config: Config, env: Mapping[str, str], console: Console) -> Outcome:
    """The whole publishing run. Raises :class:`RunFailed` with the outcome so far."""
    from publisher.http import Http

    _warm_imports()
    outcome = Outcome()
    try:
        validate(config, console, outcome)
        index = Index(config.repository_url)
        refused = password_use(config, index)
        if refused is not None:
            raise refused
        http = Http(console)
        states = check_existing(http, index, config, outcome, console)
        missing = [p for p, state in states.items() if state.exists is False]
        if not outcome.remaining:
            console.info("Every file is on the index already: nothing to upload.")
            return outcome
        _publish(config, env, console, http, index, outcome, missing)
    except PublishError as exc:
        raise RunFailed(exc, outcome) from None
    except Exception as exc:  # a bug of ours: still say what reached the index
        raise RunFailed(internal_error(exc), outcome) from None
    return outcome


def internal_error(exc: Exception) -> PublishError:
    """An unexpected exception as a message: its type and text, never a traceback."""
    return PublishError("internal-error", error=f"{type(exc).__name__}: {exc}")


def _publish(
    config: Config,
    env: Mapping[str, str],
    console: Console,
    http: Http,
    index: Index,
    outcome: Outcome,
    missing: list[str],
) -> None:
    from publisher.upload import Uploader

    tokens: TokenSource | None = None
    if config.password:
        uploader = Uploader(config.repository_url, config.user, config.password)
    else:
        tokens = TokenSource(env, http, console, index)
        minted = tokens.mint(outcome.projects)
        outcome.claims = tokens.claims
        check_names_after_mint(http, index, outcome, missing, tokens.claims)
        uploader = Uploader(config.repository_url, "__token__", minted.token)
    upload_all(uploader, http, index, outcome, console, tokens)
