"""``if:`` conditions on the way to a publish that GitHub would refuse, or that are
always true because text surrounds ``${{ }}``."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from publisher.finding import Finding
from publisher.messages import Msg
from publisher.workflows import expressions

if TYPE_CHECKING:
    from publisher.workflows.lint import Lint


def audit(lint: Lint) -> Iterator[Finding]:
    """An error for a condition GitHub would refuse; a warning for one always true."""
    for job, raw, where in lint.conditions():
        fields = {"workflow": job.workflow.name, "job": job.id, "condition": raw}
        try:
            _node, embedded = expressions.condition_text(raw)
        except expressions.ExpressionError as exc:
            yield Finding("error", Msg.CHECK_CONDITION_INVALID, {**fields, "reason": exc}, where)
            continue
        if embedded:
            yield Finding("warning", Msg.CHECK_CONDITION_ALWAYS, fields, where)
