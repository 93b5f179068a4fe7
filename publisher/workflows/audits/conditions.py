"""``if:`` conditions on the way to a publish that GitHub would refuse, or that are
always true because text surrounds ``${{ }}``."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from publisher.finding import Finding
from publisher.messages import Msg
from publisher.workflows import expressions

if TYPE_CHECKING:
    from publisher.location import Location
    from publisher.workflows.lint import Lint
    from publisher.workflows.model import Job


def guarded(lint: Lint) -> Iterator[tuple[Job, Any, Location]]:
    """The ``if:`` of each target job, of each job it needs (and so on), and of each of
    its publishing steps, once each, with where it is written."""
    seen: set[tuple[int, str, int]] = set()
    todo = list(lint.targets)
    while todo:
        job = todo.pop(0)
        key = (id(job.workflow), job.id, -1)
        if key in seen:
            continue
        seen.add(key)
        if "if" in job.data:
            yield job, job.data["if"], job.location("if")
        for step in job.steps:
            if "if" in step.data:
                yield job, step.data["if"], step.location("if")
        todo.extend(job.workflow.jobs[n] for n in job.needs if n in job.workflow.jobs)


def audit(lint: Lint) -> Iterator[Finding]:
    """An error for a condition GitHub would refuse; a warning for one always true."""
    for job, raw, where in guarded(lint):
        fields = {"workflow": job.workflow.name, "job": job.id, "condition": raw}
        try:
            _node, embedded = expressions.condition_text(raw)
        except expressions.ExpressionError as exc:
            yield Finding("error", Msg.CHECK_CONDITION_INVALID, {**fields, "reason": exc}, where)
            continue
        if embedded:
            yield Finding("warning", Msg.CHECK_CONDITION_ALWAYS, fields, where)
