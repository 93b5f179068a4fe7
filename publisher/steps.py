"""The steps of a publish, each written once for the real run and the dry run: a step
reads and updates the run's :class:`~publisher.context.Context` and yields findings
(or raises a :class:`~publisher.errors.PublishError` when it cannot go on). Which steps
run in which mode, and what a finding does to the run, is the pipeline's business."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path, PurePath
from typing import TYPE_CHECKING, Any, TypeVar

from publisher import messages
from publisher.errors import DistError, InputError, NameCheckError
from publisher.finding import Finding, Progress
from publisher.messages import Msg

if TYPE_CHECKING:
    from publisher.attest import Attested, Plan
    from publisher.context import Context
    from publisher.dists import Dist
    from publisher.executor import Executor
    from publisher.index import ProjectState
    from publisher.location import Location

Findings = Iterator[Finding]
Steps = Iterator[Finding | Progress]  # a step that works on many files at once
T = TypeVar("T")


def report_inputs(ctx: Context) -> Findings:
    """What reading the inputs found: deprecated spellings, inputs given twice."""
    yield from ctx.config.notes


def validate_dists(ctx: Context) -> Findings:
    """Find, validate and hash the distributions; every bad file is reported."""
    from packaging.version import Version

    from publisher.attest import is_attestation_of
    from publisher.dists import check_all

    config = ctx.config

    try:
        dists, ignored, problems = check_all(
            config.packages_dir, verify_metadata=config.verify_metadata
        )
    except DistError as exc:
        if not _workflows_only(ctx, exc):
            raise
        yield Finding("notice", Msg.CHECK_WORKFLOWS_ONLY, {"folder": config.packages_dir})
        return
    # Attestations beside their dists (`<dist>.<kind>.attestation`) are not strays.
    names = {d.filename for d in dists}
    ignored = [name for name in ignored if not is_attestation_of(name, names)]
    ctx.outcome.dists, ctx.outcome.ignored = dists, ignored
    if ignored:
        yield Finding(
            "notice",
            Msg.CHECK_IGNORED,
            {"folder": config.packages_dir, "files": ", ".join(ignored)},
        )
    for dist in dists:
        sha = dist.digests.sha256
        digest = messages.Text(f", sha256 {sha}", f", sha256 `{sha}`") if config.print_hash else ""
        fields = {"filename": dist.filename, "name": dist.name, "version": dist.version}
        yield Finding("ok", Msg.CHECK_DIST, {**fields, "kind": dist.kind, "hash": digest})
        for warning in dist.warnings:
            yield Finding("warning", warning.key, warning.fields)
    for problem in problems:
        if isinstance(path := problem.fields.get("path"), PurePath):
            ctx.outcome.refused.append(path.name)
        yield Finding.from_error(problem)
    for project in ctx.outcome.projects:
        versions = sorted({d.version for d in dists if d.project == project}, key=Version)
        if len(versions) > 1:  # often a stale build left in dist/
            fields = {"project": project, "versions": ", ".join(versions)}
            yield Finding("warning", Msg.SEVERAL_VERSIONS, fields)


def _workflows_only(ctx: Context, problem: DistError) -> bool:
    """``publisher check`` without built dists (and without ``--packages-dir``): a lint
    of the workflows alone, as on a pull request."""
    from publisher.context import Mode

    return (
        ctx.mode is Mode.CHECK
        and not ctx.packages_dir_given
        and problem.key in (Msg.DIR_MISSING, Msg.NO_DISTS)
    )


def check_credentials(ctx: Context) -> Findings:
    """PyPI and TestPyPI take API tokens only (user ``__token__``), never passwords."""
    config, index = ctx.config, ctx.config.index
    if not config.password:
        if config.user != "__token__":
            raise InputError(Msg.USER_WITHOUT_PASSWORD, user=config.user)
        return
    if config.user != "__token__" and index.is_pypi:
        raise InputError(Msg.PASSWORD_WITH_USER, user=config.user, index=index.read_url)
    _check_sendable(config.user, config.password.reveal())
    yield Finding("ok", Msg.CHECK_PASSWORD)
    if not index.is_pypi:
        return
    if not config.password.reveal().startswith("pypi-"):
        yield Finding("warning", Msg.TOKEN_NOT_PYPI, {"index": index.read_url})
    # As the anchor does: an API token on PyPI is a chance to move to trusted publishing.
    publisher = _publisher_from_env(ctx)
    links = [index.register_publisher_url(publisher, p) for p in ctx.outcome.projects]
    yield Finding(
        "warning",
        Msg.TRUSTED_PUBLISHING_NUDGE,
        {"index": index.read_url, "links": messages.lines(links, prefix="  ")},
    )


def _check_sendable(user: str, password: str) -> None:
    """HTTP Basic authentication carries ``user:password`` in Latin-1 (requests refuses
    anything else, mid-upload), and a colon in the user name moves the rest of it into
    the password."""
    for name, value in (("user", user), ("password", password)):
        try:
            value.encode("latin-1")
        except UnicodeEncodeError:
            what = messages.phrase(Msg.NOT_LATIN1)
            raise InputError(Msg.CREDENTIAL_NOT_SENDABLE, name=name, what=what) from None
    if ":" in user:
        what = messages.phrase(Msg.USER_COLON)
        raise InputError(Msg.CREDENTIAL_NOT_SENDABLE, name="user", what=what)


def _publisher_from_env(ctx: Context) -> dict[str, str]:
    """The publisher fields of this workflow, from the runner's variables (no token)."""
    from publisher.oidc import workflow_filename

    owner, _, repo = ctx.env.get("GITHUB_REPOSITORY", "").partition("/")
    return {
        "owner": ctx.env.get("GITHUB_REPOSITORY_OWNER", owner),
        "repository": repo,
        "workflow_filename": workflow_filename(ctx.env.get("GITHUB_WORKFLOW_REF", "")),
    }


def read_oidc_token(ctx: Context) -> Findings:
    """Get an OIDC token for the index's audience and read its claims (in the real run
    the mint step exchanges it; the dry run never does). Warn about reusable workflows,
    which PyPI cannot match, before anything is minted."""
    from publisher.mint import TokenSource
    from publisher.oidc import refuse_pull_request_target, reusable_fields

    if ctx.config.password:
        return
    refuse_pull_request_target(ctx.env)
    config = ctx.config
    ctx.tokens = TokenSource(
        ctx.env,
        ctx.http,
        ctx.console,
        ctx.index,
        pinned=config.oidc_audience,
        signing=config.sigstore_audience,
    )
    ctx.tokens.oidc_token()
    claims = ctx.tokens.claims
    assert claims is not None
    ctx.outcome.claims = claims
    ctx.publisher = claims.publisher_fields()
    yield Finding(
        "ok",
        Msg.CHECK_OIDC,
        {
            "audience": ctx.tokens.audience,
            "repository": claims.repository_name,
            "owner": claims.owner,
            "owner_id": claims.get("repository_owner_id"),
            "workflow": ctx.publisher["workflow_filename"],
            "environment": claims.environment or "(none)",
            "subject": claims.get("sub") or "(missing)",
        },
    )
    reusable = reusable_fields(claims)
    if reusable:
        yield Finding("warning", Msg.REUSABLE_WORKFLOW, reusable)


def read_workflows(ctx: Context) -> Findings:
    """Locally, first: read the repository's workflows; the folder of the dists is the
    publishing step's ``packages-dir`` when ``--packages-dir`` is not given, the index
    the steps' when none publishes to PyPI and ``--repository-url`` is not given, and the
    step that publishes to the index checked decides, as in the real run, whether
    files the index has are skipped (``skip-existing``), descriptions checked
    (``verify-metadata``) and files signed (``attestations``)."""
    from dataclasses import replace

    from publisher.workflows.lint import prepare
    from publisher.workflows.publishing import flag, packages_dir, password, target

    ctx.lint = prepare(ctx.root, ctx.workflow, ctx.job, ctx.index)
    known = [i for s in ctx.lint.steps() if (i := target(s).index) is not None]
    if not ctx.index_given and known and all(i.read_url != ctx.index.read_url for i in known):
        # No step publishes to PyPI, and one says where it does (TestPyPI, a private
        # index): the dists are checked against that index, as the run would.
        ctx.config = replace(ctx.config, index=known[0])
        ctx.lint.index = known[0]
    if not ctx.packages_dir_given:
        folder = next((f for s in ctx.lint.steps() if (f := packages_dir(s))), "")
        if folder:
            ctx.config = replace(ctx.config, packages_dir=ctx.root / folder)
    url = ctx.index.read_url
    here = [s for s in ctx.lint.steps() if (i := target(s).index) and i.read_url == url]
    if here:
        # The options can only add to what the step says (`--skip-existing`,
        # `--no-verify-metadata`); an expression leaves the option's choice.
        config = ctx.config
        ctx.config = replace(
            config,
            skip_existing=config.skip_existing or flag(here[0], "skip-existing", False) is True,
            verify_metadata=config.verify_metadata
            and flag(here[0], "verify-metadata", True) is not False,
        )
    trusted = (s for s in here if password(s) == "")
    if (step := next(trusted, None)) is not None and flag(step, "attestations", True) is False:
        ctx.config = replace(ctx.config, attestations=False)
    return iter(())


def check_workflows(ctx: Context) -> Findings:
    """Locally: what the workflows that publish will get from GitHub and the index, and
    the publisher fields to register, each finding at its line."""
    from publisher.workflows import audits
    from publisher.workflows import lint as workflow_lint
    from publisher.workflows.publishing import publisher_fields

    lint = ctx.lint
    if lint is None:
        return  # reading them failed: that step said why
    for problem in lint.repo.unreadable:
        yield Finding.from_error(problem, _file_location(ctx, problem))
    if ctx.job is not None and not lint.targets:
        everywhere = workflow_lint.prepare(ctx.root, ctx.workflow, None, ctx.index)
        jobs = [f"{j.workflow.name}: {j.id}" for j in everywhere.targets]
        named = workflow_lint.explicit_path(ctx.root, ctx.workflow)
        workflows = named.name if named else "the workflows that publish"
        fields = {"job": ctx.job, "workflows": workflows, "jobs": ", ".join(jobs) or "none"}
        yield Finding("error", Msg.CHECK_JOB_NOT_FOUND, fields)
        return
    named = workflow_lint.explicit_path(ctx.root, ctx.workflow)
    if not lint.targets:
        if named is not None:
            fields = {"workflow": named.name}
            yield Finding("warning", Msg.CHECK_WORKFLOW_NO_JOB, fields)
            return
        folder = ctx.root / ".github" / "workflows"
        missing = "" if folder.is_dir() else messages.phrase(Msg.NO_SUCH_FOLDER)
        yield Finding("warning", Msg.CHECK_NO_WORKFLOW, {"folder": folder, "missing": missing})
        return
    if named is not None and named.resolve().parent.parts[-2:] != (".github", "workflows"):
        fields = {"path": _from_root(ctx, named), "name": named.name}
        yield Finding("warning", Msg.CHECK_WORKFLOW_OUTSIDE, fields)
    yield from audits.run(lint)
    # The pre-filled link for a new project: from the first job that publishes to the
    # index checked here, with trusted publishing; none when no job does.
    for job, index in lint.publishers():
        if index.read_url == ctx.index.read_url:
            ctx.publisher = publisher_fields(lint.repo, job)
            break


def _from_root(ctx: Context, path: Path) -> str:
    """A path as the user knows it: from the checkout's top when inside it."""
    try:
        return path.resolve().relative_to(ctx.root.resolve()).as_posix()
    except ValueError:
        return str(path)


def _file_location(ctx: Context, problem: InputError) -> Location | None:
    """The file an unreadable-workflow error is about, as a location."""
    from publisher.location import Location

    path = problem.fields.get("path")
    if not isinstance(path, PurePath):
        return None
    # A syntax error's place; else the file's top.
    line, column = (problem.fields.get(k) for k in ("line", "column"))
    at = (line, column) if isinstance(line, int) and isinstance(column, int) else (1, 1)
    try:
        return Location(Path(path).resolve().relative_to(ctx.root.resolve()).as_posix(), *at)
    except ValueError:
        return None


def check_index(ctx: Context) -> Findings:
    """Ask the index about each project: does it exist (if not, only a pending publisher
    for exactly its name can create it); is each file new, there already (skipped, or
    an error), or in the way. Nothing is minted when a file can never be uploaded."""
    from publisher.index import project_state

    outcome = ctx.outcome
    for project in outcome.projects:
        state = project_state(ctx.http, ctx.index, project)
        ctx.states[project] = state
        outcome.on_index.update(state.files)
        yield _project_finding(ctx, project, state)
        yield from _file_findings(ctx, state, [d for d in outcome.dists if d.project == project])
    new = ctx.new_projects
    if len(new) > 1 and not ctx.config.password:  # one exchange creates one project
        yield Finding(
            "warning", Msg.SEVERAL_NEW_PROJECTS, {"count": len(new), "projects": _names(new)}
        )
    if not outcome.remaining:
        ctx.done = True
        yield Finding("ok", Msg.LOG_NOTHING_TO_UPLOAD)


def _project_finding(ctx: Context, project: str, state: ProjectState) -> Finding:
    from publisher.context import Mode

    index = ctx.index
    if state.exists is None:
        return Finding(
            "warning", Msg.INDEX_UNREADABLE, {"project": project, "problem": state.problem}
        )
    if state.exists:
        return Finding(
            "ok", Msg.CHECK_PROJECT_EXISTS, {"project": project, "index": index.read_url}
        )
    if ctx.config.password:  # no trusted publishing: the upload creates the project
        return Finding("ok", Msg.CHECK_PROJECT_NEW, {"project": project, "index": index.read_url})
    if ctx.mode is Mode.PUBLISH:  # the mint and the name check after it will tell
        return Finding("notice", Msg.LOG_PROJECT_NEW, {"project": project, "index": index.read_url})
    link = index.register_publisher_url({**ctx.publisher, "project_name": project}, None)
    fields = {"project": project, "index": index.read_url, "link": link}
    return Finding("warning", Msg.CHECK_PROJECT_MISSING, fields)


def _file_findings(ctx: Context, state: ProjectState, dists: list[Dist]) -> Findings:
    """Each file against the index's of the same name. With ``skip-existing`` any file
    whose name the index has is skipped (as twine and the anchor do: a rebuild for a
    TestPyPI re-run has other bytes), with a warning when its content differs."""
    from publisher.index import FileStatus, compare

    skip = ctx.config.skip_existing
    for dist in dists:
        status = compare(state, dist.filename, dist.digests.sha256)
        named = {"filename": dist.filename}
        if status is FileStatus.NEW:
            yield from _release_findings(ctx, state, dist)
            continue
        if skip:
            ctx.outcome.skipped.append(dist)
        if status is FileStatus.DIFFERENT:
            fields = {
                **named,
                "local": dist.digests.sha256,
                "remote": state.files[dist.filename],
                "project": ctx.index.project_url(dist.project),
            }
            key = Msg.FILE_SKIPPED_DIFFERENT if skip else Msg.FILE_EXISTS_DIFFERENT
            yield Finding("warning" if skip else "error", key, fields)
        elif status is FileStatus.UNKNOWN:
            key = Msg.FILE_SKIPPED_UNKNOWN if skip else Msg.FILE_EXISTS_UNKNOWN
            yield Finding("notice" if skip else "warning", key, named)
        elif skip:
            yield Finding("ok", Msg.CHECK_FILE_SKIPPED, named)
        else:
            yield Finding("error", Msg.FILE_EXISTS_SAME, named)


# Warehouse refuses new files for releases older than this (pypi/warehouse#19727).
RELEASE_WINDOW = 14 * 86400


def _release_findings(ctx: Context, state: ProjectState, dist: Dist) -> Findings:
    """The rules a new file meets by the release it joins: one sdist per release, and
    no new files for a release older than 14 days (PyPI's; elsewhere a warning)."""
    import time

    from packaging.version import Version

    same_release = state.releases.get((dist.project, Version(dist.version)), {})
    fields = {"filename": dist.filename, "project": dist.project, "version": dist.version}
    if dist.kind == "sdist":
        others = sorted(name for name, sdist in same_release.items() if sdist)
        if others and ctx.config.skip_existing:
            ctx.outcome.skipped.append(dist)
            yield Finding("warning", Msg.SDIST_OTHER_SKIPPED, {**fields, "other": others[0]})
            return
        if others:
            yield Finding("error", Msg.SDIST_OTHER_ON_INDEX, {**fields, "other": others[0]})
            return
    times = [state.uploaded[name] for name in same_release if name in state.uploaded]
    if times and min(times) < time.time() - RELEASE_WINDOW:
        first = time.strftime("%Y-%m-%d", time.gmtime(min(times)))
        # Warehouse's rule: on another index, a warning.
        yield Finding(
            "error" if ctx.index.is_pypi else "warning",
            Msg.RELEASE_TOO_OLD,
            {**fields, "first": first},
        )


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
    yield Finding("ok", Msg.CHECK_ATTEST_PLAN, {"count": count, "deployment": plan.deployment})
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
        identity = f"https://github.com/{read_claims(token).job_workflow_ref}"
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
            finding = _error_finding(done.error)
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
    yield Finding("ok", Msg.LOG_SIGNED_ALL, {**fields, "at_once": _at_once(executor)})
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


def _error_finding(error: BaseException | None) -> Finding:
    """A file's failure, for its line in the log (a bug of ours says so)."""
    from publisher.errors import PublishError, internal_error

    if isinstance(error, PublishError):
        return Finding.from_error(error)
    return Finding.from_error(
        internal_error(error if isinstance(error, Exception) else Exception())
    )


def _at_once(executor: Executor) -> str:
    """How many at a time, in words."""
    if executor.slowed:
        return messages.phrase(Msg.AT_ONCE_SLOWED)
    return messages.phrase(Msg.AT_ONCE, count=executor.limit)


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
        ctx.console.reserve(f"https://github.com/{ctx.outcome.claims.job_workflow_ref}")
    try:
        ctx.tokens.mint(ctx.outcome.projects)
    except MintError as exc:
        if exc.key is Msg.MINT_INVALID_PUBLISHER and ctx.new_projects:
            fields = {"projects": ", ".join(ctx.new_projects), "index": ctx.index.read_url}
            phrase = messages.phrase(Msg.PENDING_MAY_HAVE_EXPIRED, **fields)
            exc.fields["expired"] = messages.Text(phrase + "\n", f"{phrase.markdown}\n")
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
        raise NameCheckError(Msg.NAME_ONE_NEW_PER_MINT, **fields, created=_names(created))
    if existing:  # the token may well be an existing project's
        raise NameCheckError(Msg.NAME_NO_PENDING_PUBLISHER, **fields, existing=_names(existing))
    raise NameCheckError(Msg.NAME_MISMATCH_AFTER_MINT, **fields)
    yield from ()


def _names(projects: list[str]) -> messages.Text:
    from publisher.markdown import code_span

    return messages.Text(
        ", ".join(f"`{p}`" for p in projects), ", ".join(code_span(p) for p in projects)
    )


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
            finding = done.result or _error_finding(done.error)
            yield Progress(finding, done.done, done.total, done.log)
    finally:
        outcome.in_files_order()
    if failure is not None:
        raise failure
    fields = {"count": len(outcome.uploaded), "seconds": f"{time.monotonic() - started:.1f}"}
    yield Finding("ok", Msg.LOG_UPLOADED_ALL, {**fields, "at_once": _at_once(executor)})
