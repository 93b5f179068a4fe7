"""Publishing from a reusable workflow: PyPI matches the publisher against the file
that runs the job (the called one) and does not support it but by accident; with
attestations, never (the index checks them against the caller's file). And a
password from an input or secret the caller may leave out: empty, the action falls
back to trusted publishing, from a reusable workflow."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from publisher.finding import Finding
from publisher.messages import Msg
from publisher.workflows.model import Workflow, mapping
from publisher.workflows.publishing import password, signs

if TYPE_CHECKING:
    from publisher.workflows.lint import Lint

_FROM_CALLER = re.compile(r"^\$\{\{\s*(?P<kind>inputs|secrets)\.(?P<name>[A-Za-z0-9_-]+)\s*\}\}$")


def _required(workflow: Workflow, kind: str, name: str) -> bool:
    declared = mapping(mapping(workflow.triggers.get("workflow_call")).get(kind))
    spec = mapping(declared.get(name))
    return spec.get("required") is True


def audit(lint: Lint) -> Iterator[Finding]:
    """A warning per reusable workflow that publishes with trusted publishing, naming
    its callers here, or an error at its first step that signs (the upload would be
    refused); a notice when it has triggers of its own and nothing here calls it; a
    warning per password its caller may leave empty."""
    seen: set[str] = set()
    for job in lint.trusted_jobs():
        workflow = job.workflow
        if not workflow.reusable or workflow.file in seen:
            continue
        seen.add(workflow.file)
        callers = sorted({c.workflow.name for c in lint.reach.callers(workflow)})
        own = sorted(set(workflow.triggers) - {"workflow_call"})
        if own and not callers:
            # Nothing here calls it: it publishes from its own triggers (langchain's and
            # dbt-adapters' manual releases), as a top-level workflow.
            fields = {"workflow": workflow.name, "events": ", ".join(own)}
            where = workflow.location("on", "workflow_call")
            yield Finding("notice", Msg.CHECK_WORKFLOW_CALLABLE, fields, where)
            continue
        fields = {"workflow": workflow.name, "callers": ", ".join(callers) or "another workflow"}
        signing = [s for s in lint.steps(trusted=True) if s.job.workflow is workflow]
        step = next((s for s in signing if signs(s)), None)
        # Run on its own triggers too, the workflow is top-level then, and signs well.
        if step is not None and set(workflow.triggers) == {"workflow_call"}:
            where = step.input_location("attestations")
            more = {"job": step.job.id, "step": step.label}
            yield Finding("error", Msg.CHECK_REUSABLE_ATTESTATIONS, {**fields, **more}, where)
            continue
        where = workflow.location("on", "workflow_call")
        yield Finding("warning", Msg.CHECK_WORKFLOW_REUSABLE, fields, where)
    for step in lint.steps(trusted=False):
        workflow = step.job.workflow
        match = _FROM_CALLER.match(password(step))
        if not workflow.reusable or match is None:
            continue
        if not _required(workflow, match["kind"], match["name"]):
            fields = {
                "workflow": workflow.name,
                "job": step.job.id,
                "source": f"{match['kind']}.{match['name']}",
            }
            yield Finding(
                "warning", Msg.CHECK_PASSWORD_FALLBACK, fields, step.input_location("password")
            )
