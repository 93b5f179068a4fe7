"""The steps that change the index, in the real run only: the token exchange, the name
check after it, and the upload (``concurrency`` files at a time)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from publisher import messages
from publisher.errors import NameCheckError
from publisher.finding import Finding, Progress
from publisher.messages import Msg
from publisher.steps import Findings, Steps, at_once, failure_finding, project_names

if TYPE_CHECKING:
    from publisher.context import Context


def mint_token(ctx: Context) -> Findings:
    """Exchange the OIDC token for an upload token (trusted publishing only). When no
    publisher matches and a project is not on the index, only a pending publisher
    could have: one that expired (30 days unused) is a likely cause, said so."""
    from publisher.errors import MintError

    if ctx.tokens is None:
        return
    # What the log, the outputs and the summary will show (some of it whatever
    # print-hash says): a token whose mask would hide any of it is refused (see mint).
    for dist in ctx.outcome.dists:
        files = ctx.index.files_url(dist.project, dist.version)  # the release's, the project's
        ctx.console.reserve(dist.filename, dist.digests.sha256, files)
    if ctx.outcome.claims is not None and ctx.signing is not None:
        ctx.console.reserve(ctx.outcome.claims.signing_identity)
    try:
        ctx.tokens.mint(ctx.outcome.projects)
    except MintError as exc:
        if exc.key is Msg.MINT_INVALID_PUBLISHER and ctx.new_projects:
            fields = {"projects": ", ".join(ctx.new_projects), "index": ctx.index.read_url}
            phrase = messages.phrase(Msg.PENDING_MAY_HAVE_EXPIRED, **fields)
            exc.fields["expired"] = messages.Text(phrase + "\n", f"{phrase.markdown}\n")
        known = [ctx.states.get(p) for p in ctx.outcome.projects]
        if exc.key is Msg.MINT_INVALID_PUBLISHER and all(s and s.exists for s in known):
            exc.fields["pending"] = ""  # every project is there: no pending publisher
        raise
    yield from ()


def check_names_after_mint(ctx: Context) -> Findings:
    """A project that did not exist before the mint must exist now (made by the pending
    publisher); if not, the token is for another name and every upload would fail."""
    from publisher.index import wait_for_project

    if ctx.tokens is None:
        return
    missing = ctx.new_projects
    after = {p: wait_for_project(ctx.http, ctx.index, p) for p in missing}
    for project, state in after.items():
        if state.exists is None:  # no answer: the check must not pass by default
            raise NameCheckError(Msg.NAME_CHECK_UNANSWERED, project=project, problem=state.problem)
    still = [p for p in missing if after[p].exists is False]
    if not still:
        return
    project = still[0]
    dist = next(d for d in ctx.outcome.dists if d.project == project)
    pending = {**ctx.publisher, "project_name": project}
    fields = {
        "filename": dist.filename,
        "name": dist.name,
        "project": project,
        "pending_link": ctx.index.register_publisher_url(pending, None),
        "index": ctx.index.read_url,
    }
    created = [p for p in missing if p not in still]
    existing = [p for p, state in ctx.states.items() if state.exists]
    if created:  # the exchange made one of ours: the others need their own turn
        raise NameCheckError(Msg.NAME_ONE_NEW_PER_MINT, **fields, created=project_names(created))
    if existing:  # the token may well be an existing project's
        raise NameCheckError(
            Msg.NAME_NO_PENDING_PUBLISHER, **fields, existing=project_names(existing)
        )
    raise NameCheckError(Msg.NAME_MISMATCH_AFTER_MINT, **fields)
    yield from ()


def upload(ctx: Context) -> Steps:
    """Upload the files that are not on the index yet, ``concurrency`` at a time, in
    the order :func:`~publisher.upload.upload_order` gives; one line per file as it
    is done. After a failure no new upload starts; those under way finish."""
    import time

    from publisher.executor import Executor
    from publisher.upload import Uploader, Uploads, upload_order

    config, outcome = ctx.config, ctx.outcome
    if ctx.tokens is not None:
        assert ctx.tokens.current is not None
        attested: dict[str, list[dict[str, Any]]] = {}
        for a in outcome.attested:  # the publish attestation first, as twine sends them
            attested.setdefault(a.filename, []).append(a.as_form())
        uploader = Uploader(ctx.http, config.index, "__token__", ctx.tokens.current.token, attested)
    else:
        uploader = Uploader(ctx.http, config.index, config.user, config.password)
    executor = Executor(ctx.console, config.concurrency)
    uploads = Uploads(
        uploader,
        ctx.http,
        ctx.index,
        outcome,
        ctx.console,
        ctx.tokens,
        config.skip_existing,
        slow_down=executor.one_at_a_time,
    )
    yield from uploads.skipped()
    started = time.monotonic()
    failure: BaseException | None = None
    try:
        for done in executor.run(upload_order(outcome.remaining, ctx.states), uploads.upload):
            if done.error is not None:
                failure = failure or done.error
            finding = done.result or failure_finding(done.error)
            yield Progress(finding, done.done, done.total, done.log)
    finally:
        outcome.in_files_order()
    if failure is not None:
        raise failure
    fields = {"count": len(outcome.uploaded), "seconds": f"{time.monotonic() - started:.1f}"}
    yield Finding("ok", Msg.LOG_UPLOADED_ALL, {**fields, "at_once": at_once(executor)})
