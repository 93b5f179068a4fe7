"""``id-token: write``: from the job's ``permissions:``, else the workflow's (a job-level
block replaces the workflow's), else none (the defaults never include it). A reusable
workflow gets at most what the job that calls it has."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from publisher import messages
from publisher.finding import Finding
from publisher.messages import Msg

if TYPE_CHECKING:
    from publisher.location import Location
    from publisher.workflows.lint import Lint
    from publisher.workflows.model import Job


def _grants(permissions: Any) -> bool:
    if permissions == "write-all":
        return True
    return isinstance(permissions, dict) and permissions.get("id-token") == "write"


def declared(job: Job) -> tuple[bool | None, messages.Text, Location]:
    """Whether the job's own or its workflow's block grants the token (None: neither
    has one), where that comes from, and where it is written."""
    if "permissions" in job.data:
        source = messages.phrase(Msg.SOURCE_JOB, job=job.id)
        return _grants(job.data["permissions"]), source, job.location("permissions")
    workflow = job.workflow
    if "permissions" in workflow.data:
        source = messages.phrase(Msg.SOURCE_WORKFLOW)
        return _grants(workflow.data["permissions"]), source, workflow.location("permissions")
    return None, messages.phrase(Msg.SOURCE_DEFAULTS), job.location()


def audit(lint: Lint) -> Iterator[Finding]:
    """Per trusted-publishing job: it gets a token (ok), does not (error), or it depends
    on a caller outside this repository (notice; a reusable workflow that also runs on
    triggers of its own gets none from GitHub's defaults then: an error)."""
    for job in lint.trusted_jobs():
        grants, source, where = declared(job)
        fields = {"workflow": job.workflow.name, "job": job.id}
        # Run on triggers of its own, a reusable workflow is top-level: no block of its
        # own (nor the job's) means GitHub's defaults, which never grant the token.
        own = set(job.workflow.triggers) - {"workflow_call"}
        if job.workflow.reusable and grants is not False and not (grants is None and own):
            callers = lint.reach.callers(job.workflow)
            for caller in callers:
                caller_grants, caller_source, caller_where = declared(caller)
                if not caller_grants:
                    grants, where = False, caller_where
                    source = messages.phrase(
                        Msg.SOURCE_CALLER, caller=caller.workflow.name, source=caller_source
                    )
                    break
            else:
                if grants is None and not callers:
                    yield Finding("notice", Msg.CHECK_ID_TOKEN_FROM_CALLER, fields, where)
                    continue
                grants = True if grants is None else grants
        if grants:
            yield Finding("ok", Msg.CHECK_ID_TOKEN, {**fields, "source": source}, where)
        else:
            yield Finding("error", Msg.CHECK_NO_ID_TOKEN, {**fields, "source": source}, where)
