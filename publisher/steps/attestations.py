"""PEP 740 attestations: which uploads are signed, the attestations found beside the
files, what an index that grades provenance will say, the identity checks before the
mint, and the signing itself (``concurrency`` files at a time)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

from publisher import messages
from publisher.finding import Finding, Progress
from publisher.messages import Msg
from publisher.steps import Findings, Steps, at_once, failure_finding

if TYPE_CHECKING:
    from publisher.attest import Attested, Plan
    from publisher.context import Context
    from publisher.dists import Dist

T = TypeVar("T")


def plan_attestations(ctx: Context) -> Findings:
    """Which uploads get a PEP 740 attestation: with trusted publishing, for PyPI and
    TestPyPI (Sigstore's public-good instance), or for another index when a Sigstore
    deployment is named. The attestations beside each file are read now: its
    ``<dist>.publish.attestation`` (sent instead of signing if it verifies for this
    job), and the user's own SLSA provenance (``<dist>.<kind>.attestation``, sent too)."""
    from publisher.attest import Plan

    config, index = ctx.config, ctx.config.index
    if not config.attestations:
        yield Finding("ok", Msg.CHECK_ATTEST_OFF)
        return
    if config.password:
        yield Finding("notice", Msg.ATTEST_SKIPPED_PASSWORD)
        return
    if config.sigstore_trust_config is None and not index.is_pypi:
        yield Finding("notice", Msg.ATTEST_SKIPPED_INDEX, {"index": index.read_url})
        return
    from publisher.context import Mode

    if config.sigstore_trust_config is not None and index.is_pypi:
        # The index checks attestations against Sigstore's public-good root only.
        fields = {"index": index.read_url, "path": config.sigstore_trust_config}
        yield Finding("error", Msg.ATTEST_PRIVATE_FOR_PYPI, fields)
        return
    ctx.signing = plan = Plan(
        config.sigstore_trust_config,
        config.sigstore_audience,
        workspace=config.workspace,
        clock=ctx.http.clock,
    )
    # Found now, not after the mint. Locally (publisher check) the public deployment is
    # not fetched: its trust data is the runner's to fetch, over the runner's network.
    if ctx.mode is not Mode.CHECK or plan.trust_config is not None:
        plan.prepare()
    found: list[Finding] = []
    for dist in ctx.outcome.remaining:
        found.extend(_attestations_beside(plan, dist))
    count = len(ctx.outcome.remaining) - len(plan.given)
    planned: dict[str, object] = {"count": count, "deployment": plan.deployment}
    if plan.given:  # why fewer are signed than there are files
        given = messages.phrase(Msg.CHECK_ATTEST_PLAN_GIVEN, count=len(plan.given))
        planned["given"] = messages.Text(f" {given}.", f" {given.markdown}.")
    yield Finding("ok", Msg.CHECK_ATTEST_PLAN, planned)
    yield from found


def _attestations_beside(plan: Plan, dist: Dist) -> Findings:
    """Read the attestation files beside ``dist`` into the plan. A publish attestation
    that cannot be read is signed afresh; the user's others must be SLSA provenance,
    one of each kind at most (the index takes no more), or the run stops here."""
    from publisher import attest
    from publisher.errors import PublishError

    seen: dict[str, str] = {attest.PUBLISH_V1: attest.publish_path(dist).name}
    for path in attest.attestation_paths(dist):
        named = {"filename": dist.filename, "attestation": path.name}
        if path.name == attest.publish_path(dist).name:
            try:
                plan.given[dist.filename] = attest.load(path, dist.root)
            except PublishError as exc:
                yield Finding("notice", Msg.ATTESTATION_NOT_REUSED, {**named, "reason": exc.title})
                continue
            yield Finding("ok", Msg.CHECK_ATTEST_GIVEN, named)
            continue
        attestation = attest.load(path, dist.root)  # the user's own: unreadable stops the run
        predicate = attest.predicate_of(attestation)
        if predicate in seen:
            files = f"`{seen[predicate]}` and `{path.name}`"
            raise PublishError(Msg.ATTESTATION_DUPLICATE, **named, predicate=predicate, files=files)
        if predicate != attest.SLSA_PROVENANCE_V1:
            raise PublishError(Msg.ATTESTATION_PREDICATE, **named, predicate=predicate or "none")
        seen[predicate] = path.name
        plan.extra.setdefault(dist.filename, []).append(attestation)
        yield Finding("ok", Msg.CHECK_ATTEST_EXTRA, {**named, "predicate": predicate})


def check_provenance(ctx: Context) -> Findings:
    """Before the mint: what an index that grades provenance (pypi.org) will say of
    each release this run adds files to. Without attestations, after a recent attested
    release: lost-provenance. With them, beside files another publisher attested:
    inconsistent-provenance. An index that says nothing of provenance is not checked."""
    import time

    from packaging.version import Version

    from publisher import provenance

    owner, repository = ctx.publisher.get("owner"), ctx.publisher.get("repository")
    workflow = ctx.publisher.get("workflow_filename")
    ours = provenance.Source("GitHub", f"{owner}/{repository}", workflow or "")
    for project, state in ctx.states.items():
        if not state.exists or not state.provenance:
            continue
        dists = [d for d in ctx.outcome.remaining if d.project == project]
        for version in sorted({Version(d.version) for d in dists}):
            fields = {"project": project, "version": str(version), "index": ctx.index.read_url}
            if ctx.signing is None:
                lost = provenance.lost_after(state, project, version, time.time())
                if lost is not None:
                    why = {"previous": str(lost.previous), "days": lost.days}
                    why["why"] = _unattested(ctx)
                    yield Finding("warning", Msg.PROVENANCE_LOST, {**fields, **why})
            elif owner and repository and workflow:
                others = provenance.other_sources(
                    ctx.http, ctx.index, state, project, version, ours
                )
                if others:
                    listed = "; ".join(
                        f"{source} for {', '.join(f'`{f}`' for f in files)}"
                        for source, files in others.items()
                    )
                    more = {"others": listed, "ours": str(ours)}
                    yield Finding("warning", Msg.PROVENANCE_INCONSISTENT, {**fields, **more})


def _unattested(ctx: Context) -> str:
    """Why this run sends no attestations, in words."""
    if ctx.config.password:
        return messages.phrase(Msg.PROVENANCE_WHY_PASSWORD)
    if not ctx.config.attestations:
        return messages.phrase(Msg.PROVENANCE_WHY_OFF)
    return messages.phrase(Msg.PROVENANCE_WHY_INDEX)


def check_attestation_identity(ctx: Context) -> Findings:
    """Before anything is minted or signed: a reusable workflow's attestation names the
    caller's file, which the index refuses; the attestations found beside the files
    are checked as the index will (a publish attestation that is not this job's, or
    not for these bytes, is signed afresh; the user's own SLSA provenance must pass).
    The dry run also checks that a token for Sigstore can be had (and signs nothing: a
    signature is a public log entry)."""
    from publisher.oidc import fetch_token, read_claims, reusable_fields

    claims = ctx.outcome.claims
    if ctx.signing is None or claims is None:
        return
    reusable = reusable_fields(claims)
    if reusable:
        from publisher.oidc import workflow_filename

        caller_file = workflow_filename(claims.workflow_ref)
        yield Finding("error", Msg.ATTEST_REUSABLE, {**reusable, "caller_file": caller_file})
        return
    from publisher import attest
    from publisher.context import Mode
    from publisher.errors import PublishError

    plan = ctx.signing
    for dist in ctx.outcome.remaining:  # checked before any signature
        if dist.filename in plan.given:
            try:
                found = attest.reusable(plan.given[dist.filename], dist, claims, plan)
            except PublishError as exc:
                fields = {
                    "filename": dist.filename,
                    "attestation": attest.publish_path(dist).name,
                    "reason": exc.title,
                }
                yield Finding("notice", Msg.ATTESTATION_NOT_REUSED, fields)
            else:
                plan.checked[dist.filename] = found
        plan.extra_checked[dist.filename] = [
            attest.check(a, dist, claims, plan, given=True, predicate=attest.SLSA_PROVENANCE_V1)
            for a in plan.extra.get(dist.filename, [])
        ]
    if ctx.mode is Mode.DRY_RUN:
        token = fetch_token(ctx.env, ctx.http, ctx.console, ctx.config.sigstore_audience)
        identity = read_claims(token).signing_identity
        yield Finding("ok", Msg.CHECK_SIGSTORE_TOKEN, {"identity": identity})


def sign_dists(ctx: Context) -> Steps:
    """Sign each file about to be uploaded (or take the user's own attestation), and
    check each as the index will: a mismatch stops the run before any upload. Files
    are signed ``concurrency`` at a time, with one certificate; one whose signing
    meets a passing fault is tried again on its own."""
    import time

    from publisher import attest
    from publisher.executor import Executor
    from publisher.oidc import fetch_token

    claims, plan = ctx.outcome.claims, ctx.signing
    if plan is None or claims is None:
        return
    dists = ctx.outcome.remaining
    for dist in dists:  # found beside the files, checked before the mint
        for found in _found(plan, dist):
            yield _attested_finding(found)
    to_sign = [d for d in dists if d.filename not in plan.checked]
    if not to_sign:
        ctx.outcome.attested = [a for d in dists for a in _found(plan, d)]
        return
    started = time.monotonic()
    signer = attest.Signer(
        plan, lambda: fetch_token(ctx.env, ctx.http, ctx.console, ctx.config.sigstore_audience)
    )
    # The certificate first: every signing needs it.
    _retrying_signing(ctx, signer.ready)

    def sign_and_check(dist: Dist) -> Attested:
        signed = _retrying_signing(ctx, lambda: signer.sign(dist))
        return attest.check(signed, dist, claims, plan, given=False)

    executor = Executor(ctx.console, ctx.config.concurrency)
    made: dict[str, Attested] = {}
    failure: BaseException | None = None
    unwritten: list[Finding] = []
    for done in executor.run([to_sign], sign_and_check):
        if done.result is not None:
            made[done.item.filename] = done.result
            finding = _attested_finding(done.result)
            unwritten.extend(_save(done.item, done.result))
        else:
            assert done.error is not None
            failure = failure or done.error
            finding = failure_finding(done.error)
        yield Progress(finding, done.done, done.total, done.log)
    if isinstance(failure, attest.SigningError):
        failure.fields["done"] = len(made)
    if failure is not None:
        raise failure
    ctx.outcome.attested = [
        a
        for d in dists
        for a in ([made[d.filename]] if d.filename in made else []) + _found(plan, d)
    ]
    fields = {"count": len(to_sign), "seconds": f"{time.monotonic() - started:.1f}"}
    yield Finding("ok", Msg.LOG_SIGNED_ALL, {**fields, "at_once": at_once(executor)})
    yield from unwritten


def _found(plan: Plan, dist: Dist) -> list[Attested]:
    """The attestations found beside ``dist`` and checked: its publish attestation, if
    this job's, then the user's own."""
    reused = [plan.checked[dist.filename]] if dist.filename in plan.checked else []
    return reused + plan.extra_checked.get(dist.filename, [])


def _save(dist: Dist, attested: Attested) -> list[Finding]:
    """Write a new publish attestation beside its file, as the anchor does (later steps
    put them in GitHub releases); a failure is a warning: the upload still has it."""
    from publisher import attest

    try:
        attest.save(dist, attested)
    except OSError as exc:
        path = attest.publish_path(dist)
        fields = {"path": path, "filename": dist.filename, "reason": exc.strerror or str(exc)}
        return [Finding("warning", Msg.ATTESTATION_FILE_UNWRITABLE, fields)]
    return []


def _attested_finding(checked: Attested) -> Finding:
    how = messages.phrase(Msg.ATTESTED_GIVEN if checked.given else Msg.ATTESTED_SIGNED)
    fields = {
        "filename": checked.filename,
        "how": how,
        "identity": checked.identity,
        "log_index": checked.log_index,
    }
    return Finding("ok", Msg.LOG_ATTESTED, fields)


def _retrying_signing(ctx: Context, call: Callable[[], T]) -> T:
    """``call()``, tried again as any request is when a Sigstore service had a passing
    fault (each try may leave log entries: harmless, they name this job)."""
    from publisher import attest
    from publisher.http import Again, retrying

    assert ctx.signing is not None

    def attempt() -> T | Again:
        try:
            return call()
        except attest.SigningError as exc:
            if not exc.transient:
                raise
            return Again(exc.title, None, exc)

    what = messages.phrase(Msg.DOING_SIGN, deployment=ctx.signing.deployment)
    return retrying(ctx.http.policy, ctx.console, what, attempt)
