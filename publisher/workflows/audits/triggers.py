"""``pull_request`` and ``pull_request_target``, judged by whether the publish can really
run on them (its job's and step's conditions, the jobs it needs, and a reusable
workflow's callers): known to run is a warning or an error, unknown a notice."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from publisher.finding import Finding
from publisher.messages import Msg
from publisher.workflows.publishing import password
from publisher.workflows.reach import Tri

if TYPE_CHECKING:
    from publisher.location import Location
    from publisher.workflows.lint import Lint
    from publisher.workflows.model import Job

# event -> (message when the publish runs on it, its status, message when it may)
RULES = {
    "pull_request_target": (Msg.CHECK_TRIGGER_PRT, "error", Msg.CHECK_TRIGGER_MAYBE),
    "pull_request": (Msg.CHECK_TRIGGER_PR, "warning", Msg.CHECK_TRIGGER_MAYBE),
}


def _best(values: list[Tri]) -> Tri:
    """Whether any of the job's publishing steps runs: True, unknown, or False."""
    if True in values:
        return True
    return None if None in values else False


def _runs(lint: Lint, job: Job, event: str) -> Tri:
    """Whether the job publishes on ``event`` (through any of its publishing steps)."""
    if job.steps:
        return _best([lint.reach.step(s, event) for s in job.steps])
    return lint.reach.job(job, event)


def _where(lint: Lint, job: Job, event: str) -> Location:
    """The job's ``if:`` (where the fix goes), or the trigger in ``on:``."""
    if "if" in job.data:
        return job.location("if")
    workflow = job.workflow
    if workflow.reusable and event not in workflow.triggers:
        for caller in lint.reach.callers(workflow):
            return caller.location("if" if "if" in caller.data else "uses")
    return workflow.location("on", event)


def _on_close(lint: Lint, job: Job) -> bool:
    """Whether the job's `pull_request` trigger runs when a pull request is closed (a
    publish on merge: a merged pull request from a fork gets no token either)."""
    types = lint.reach.settings(job.workflow, "pull_request").get("types")
    return "closed" in ([types] if isinstance(types, str) else types or [])


def audit(lint: Lint) -> Iterator[Finding]:
    """Per publishing job and risky event: what GitHub does with the publish."""
    for job in lint.targets:
        steps = job.steps
        events = lint.reach.events(job.workflow)
        for event, (known, status, maybe) in RULES.items():
            if event not in events:
                continue
            trusted = not steps or any(password(s) == "" for s in steps)
            if event == "pull_request_target" and not trusted:
                continue  # a password works there; only PyPI's tokens are refused
            runs = _runs(lint, job, event)
            only = all(_runs(lint, job, e) is False for e in events if e != event)
            if runs is None and only:
                # It can run on no other event: the workflow publishes on this one (or
                # never, which nobody writes).
                runs = True
            fields = {"workflow": job.workflow.name, "job": job.id, "event": event}
            where = _where(lint, job, event)
            if runs is True and only and event == "pull_request" and not _on_close(lint, job):
                # Releases made by pull request (uvloop's): by design, not by accident.
                yield Finding("notice", Msg.CHECK_TRIGGER_PR_ONLY, fields, where)
            elif runs is True:
                yield Finding(status, known, fields, where)  # type: ignore[arg-type]
            elif runs is None:
                yield Finding("notice", maybe, fields, where)
