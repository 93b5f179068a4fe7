"""Steps still on pypa/gh-action-pypi-publish: the one-line change to this action."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from publisher.finding import Finding
from publisher.messages import Msg

if TYPE_CHECKING:
    from publisher.workflows.lint import Lint

REPLACEMENT = "trusted-publish-action/trusted-publish-action@v1"


def audit(lint: Lint) -> Iterator[Finding]:
    """A notice per step that uses the anchor, with the line to write instead."""
    for step in lint.steps():
        if step.on_anchor:
            fields = {
                "workflow": step.job.workflow.name,
                "job": step.job.id,
                "step": step.label,
                "uses": step.uses,
                "replacement": REPLACEMENT,
            }
            yield Finding("notice", Msg.CHECK_ANCHOR_STEP, fields, step.location("uses"))
