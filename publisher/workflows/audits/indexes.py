"""The index each publishing step uploads to (its ``repository-url``, or the anchor's
``repository_url``; PyPI when absent), and for each job that uses trusted publishing
the publisher to register on that index, with a link pre-filled from that job's own
fields."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from publisher import messages
from publisher.errors import InputError
from publisher.finding import Finding
from publisher.messages import Msg
from publisher.workflows.audits.environment import environment
from publisher.workflows.lint import password
from publisher.workflows.model import Job, Step, text

if TYPE_CHECKING:
    from publisher.index import Index
    from publisher.workflows.lint import Lint


@dataclass(frozen=True)
class Target:
    """Where one step publishes: its index (None: an expression, known at run time),
    or the error the action would stop with."""

    index: Index | None
    error: InputError | None = None
    written: str = ""  # the value as written ("" when absent)


def target(step: Step) -> Target:
    """The index of one step, read as the action reads its input."""
    from publisher.index import Index
    from publisher.inputs import SPECS

    found = step.input("repository-url")
    raw = text(found[1]) if found else ""
    if "${{" in raw:
        return Target(None, written=raw)
    try:
        return Target(Index.from_input(raw or SPECS["repository-url"].default), written=raw)
    except InputError as exc:
        return Target(None, exc, raw)


def publisher_fields(lint: Lint, job: Job) -> dict[str, str]:
    """The publisher fields of a job, as the index's form names them."""
    name = environment(job)
    return {
        "owner": lint.repo.owner,
        "repository": lint.repo.name,
        "workflow_filename": job.workflow.name,
        # An expression is known only when the job runs: the link leaves it out.
        "environment": "" if "${{" in name else name,
    }


def publishers(lint: Lint) -> Iterator[tuple[Job, Index]]:
    """Each trusted-publishing job with each index it publishes to (once)."""
    seen: set[tuple[int, str, str]] = set()
    for job in lint.trusted_jobs():
        # A job named with --job that uses no step we know: the index checked here.
        found_all = [target(s) for s in job.steps if password(s) == ""] or [Target(lint.index)]
        for found in found_all:
            if found.index is None:
                continue
            key = (id(job.workflow), job.id, found.index.read_url)
            if key not in seen:
                seen.add(key)
                yield job, found.index


def audit(lint: Lint) -> Iterator[Finding]:
    """Per step: an index the action would refuse (error), one known only at run time
    (notice), a password (ok); per job and index: the publisher to register."""
    for step in lint.steps():
        where = step.input_location("repository-url")
        fields = {"workflow": step.job.workflow.name, "job": step.job.id, "step": step.label}
        found = target(step)
        if found.error is not None:
            yield Finding.from_error(found.error, where)
        elif found.index is None:
            fields["url"] = found.written
            yield Finding("notice", Msg.CHECK_INDEX_EXPRESSION, fields, where)
        if password(step):
            fields["index"] = found.index.read_url if found.index else found.written
            yield Finding("ok", Msg.CHECK_JOB_PASSWORD, fields, step.input_location("password"))
    repo = lint.repo
    origin = (
        messages.phrase(Msg.CHECK_FROM_ORIGIN, slug=repo.slug)
        if repo.owner
        else messages.phrase(Msg.CHECK_NO_REMOTE)
    )
    for job, index in publishers(lint):
        fields = publisher_fields(lint, job)
        link = index.register_publisher_url(fields, None) if repo.owner else ""
        yield Finding(
            "ok",
            Msg.CHECK_PUBLISHER_FIELDS,
            {
                "index": index.read_url,
                "workflow": job.workflow.name,
                "job": job.id,
                "owner": repo.owner or "(your GitHub owner)",
                "repository": repo.name or "(your repository)",
                "environment": environment(job) or "(none: leave it empty)",
                "origin": origin,
                "link": messages.phrase(Msg.CHECK_PUBLISHER_LINK, link=link) if link else "",
            },
            job.location(),
        )
