"""Dry run: every check a real publish makes, and some it cannot, as a report of
lines (ok / warning / error, with the fix). It never calls mint-token and never
uploads: a mint that matches a pending publisher creates the project on the index."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from publisher import messages
from publisher.errors import PublishError

if TYPE_CHECKING:
    from publisher.console import Console
    from publisher.dists import Dist
    from publisher.http import Http
    from publisher.index import Index
    from publisher.inputs import Config
    from publisher.oidc import Claims
    from publisher.workflows import WorkflowFacts

Status = Literal["ok", "warning", "error"]


@dataclass(frozen=True)
class Check:
    """One line of the report."""

    status: Status
    check: str
    detail: str = ""


@dataclass
class Report:
    """The dry run's findings, in the order they were made."""

    checks: list[Check] = field(default_factory=list)
    dists: list[Dist] = field(default_factory=list)
    projects: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when a real publish would succeed, as far as can be known."""
        return not any(c.status == "error" for c in self.checks)

    def add(self, status: Status, key: str, **fields: object) -> None:
        """Add a line whose text is the message ``key``."""
        self.checks.append(Check(status, messages.title(key, fields), messages.render(key, fields)))

    def add_error(self, error: PublishError) -> None:
        """Add a line for a failure the real publish would stop at."""
        self.checks.append(Check("error", error.title, str(error)))

    def as_json(self) -> dict[str, object]:
        """The report as plain data, for ``--format json``."""
        return {"ok": self.ok, "checks": [asdict(c) for c in self.checks]}


def check_dists(config: Config, report: Report) -> None:
    """The distributions, exactly as a real publish validates them."""
    from publisher.dists import check_all

    try:
        dists, ignored, problems = check_all(
            config.packages_dir, verify_metadata=config.verify_metadata
        )
    except PublishError as exc:
        report.add_error(exc)
        return
    for problem in problems:
        report.add_error(problem)
    for dist in dists:
        report.add(
            "ok",
            "check-dist",
            filename=dist.filename,
            name=dist.name,
            version=dist.version,
            kind=dist.kind,
            sha256=dist.digests.sha256,
        )
        for warning in dist.warnings:
            report.checks.append(Check("warning", "Metadata warning", warning))
    if ignored:
        report.add("ok", "check-ignored", folder=config.packages_dir, files=", ".join(ignored))
    report.dists = dists
    report.projects = sorted({d.project for d in dists})


def check_index(
    config: Config, http: Http, index: Index, report: Report, publisher: dict[str, str]
) -> None:
    """Does each project exist; is each file new, already there, or in the way."""
    from publisher.checks import file_findings, project_findings
    from publisher.index import project_state

    for project in report.projects:
        try:
            state = project_state(http, index, project)
        except PublishError as exc:
            report.add_error(exc)
            return
        dists = [d for d in report.dists if d.project == project]
        for found in project_findings(index, project, state, publisher) + file_findings(
            config, index, state, dists
        ):
            report.add(found.status, found.key, **found.fields)


def check_oidc(
    env: Mapping[str, str], http: Http, console: Console, index: Index, report: Report
) -> Claims | None:
    """In Actions: fetch a token for the index's audience and read it; never exchange it."""
    from publisher.oidc import (
        fetch_token,
        get_audience,
        read_claims,
        refuse_pull_request_target,
        reusable_explanation,
    )

    try:
        refuse_pull_request_target(env)
        audience = get_audience(http, index)
        claims = read_claims(fetch_token(env, http, console, audience))
    except PublishError as exc:
        report.add_error(exc)
        return None
    fields = claims.publisher_fields()
    report.add(
        "ok",
        "check-oidc",
        audience=audience,
        repository=claims.repository_name,
        owner=claims.owner,
        owner_id=claims.get("repository_owner_id"),
        workflow=fields["workflow_filename"],
        environment=claims.environment or "(none)",
    )
    reusable = reusable_explanation(claims)
    if reusable:
        report.checks.append(Check("warning", "Publishing from a reusable workflow", reusable))
    return claims


def check_workflows(
    root: Path, explicit: Path | None, index: Index, report: Report
) -> dict[str, str]:
    """Locally: what the workflow that publishes will get from GitHub, and the publisher
    fields to enter on the index. Returns those fields (for the registration links)."""
    from publisher.workflows import discover, github_remote

    try:
        found = discover(root, explicit)
    except PublishError as exc:
        report.add_error(exc)
        return {}
    if not found:
        report.add("warning", "check-no-workflow", folder=root / ".github" / "workflows")
        return {}
    remote = github_remote(root)
    owner, repo = remote or ("", "")
    publisher: dict[str, str] = {}
    for facts in found:
        _check_workflow(facts, report)
        for job in facts.jobs:
            publisher = {
                "owner": owner,
                "repository": repo,
                "workflow_filename": facts.path.name,
                "environment": job.environment or "",
            }
            report.add(
                "ok",
                "check-publisher-fields",
                workflow=facts.path.name,
                job=job.job_id,
                owner=owner or "(your GitHub owner)",
                repository=repo or "(your repository)",
                environment=job.environment or "(none: leave it empty)",
                remote_note="" if remote else messages.render("check-no-remote", {}),
            )
    return publisher


def _check_workflow(facts: WorkflowFacts, report: Report) -> None:
    name = facts.path.name
    if not facts.jobs:
        report.add("warning", "check-workflow-no-job", workflow=name)
    if facts.reusable or facts.callers:
        callers = ", ".join(p.name for p in facts.callers) or "another workflow"
        report.add("warning", "check-workflow-reusable", workflow=name, callers=callers)
    if "pull_request_target" in facts.triggers:
        report.add("error", "check-trigger-prt", workflow=name)
    if "pull_request" in facts.triggers:
        report.add("warning", "check-trigger-pr", workflow=name)
    for job in facts.jobs:
        if job.non_linux_runner:
            report.add(
                "error",
                "check-not-linux",
                workflow=name,
                job=job.job_id,
                runner=job.non_linux_runner,
            )
        if job.uses_password:
            report.add("ok", "check-job-password", workflow=name, job=job.job_id)
        elif job.id_token:
            report.add(
                "ok", "check-id-token", workflow=name, job=job.job_id, source=job.permissions_source
            )
        else:
            report.add(
                "error",
                "check-no-id-token",
                workflow=name,
                job=job.job_id,
                source=job.permissions_source,
            )
        if job.environment_is_expression:
            report.add(
                "warning",
                "check-env-expression",
                workflow=name,
                job=job.job_id,
                environment=job.environment,
            )


def run_checks(
    config: Config,
    env: Mapping[str, str],
    console: Console,
    *,
    root: Path,
    workflow: Path | None = None,
) -> Report:
    """Every check, in the order a real publish would meet them."""
    from publisher.http import Http
    from publisher.index import Index

    report = Report()
    check_dists(config, report)
    try:
        index = Index(config.repository_url)
    except PublishError as exc:
        report.add_error(exc)
        return report
    http = Http(console)
    publisher: dict[str, str] = {}
    from publisher.checks import password_use

    refused = password_use(config, index)
    if refused is not None:
        report.add_error(refused)
    elif config.password:
        report.add("ok", "check-password")
    elif env.get("GITHUB_ACTIONS") == "true":
        claims = check_oidc(env, http, console, index, report)
        publisher = claims.publisher_fields() if claims else {}
    else:
        publisher = check_workflows(root, workflow, index, report)
    if report.projects:
        check_index(config, http, index, report, publisher)
    return report
