"""An environment known only at run time: the publisher's must equal its value then."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from publisher.messages import Msg
from publisher.outcome import Finding
from publisher.workflows.model import Job, mapping, text

if TYPE_CHECKING:
    from publisher.workflows.lint import Lint


def environment(job: Job) -> str:
    """The job's ``environment`` (its name, in either spelling GitHub takes)."""
    value = job.data.get("environment")
    return text(mapping(value).get("name") if isinstance(value, dict) else value)


def audit(lint: Lint) -> Iterator[Finding]:
    """A notice for a trusted-publishing job whose environment is an expression: the
    publisher must be registered with each value it takes (dbt-adapters chooses `test`
    or `prod` by hand, each with its own index), which the checkout cannot know, as it
    cannot know a literal environment is registered."""
    for job in lint.trusted_jobs():
        name = environment(job)
        if "${{" in name:
            fields = {"workflow": job.workflow.name, "job": job.id, "environment": name}
            yield Finding("notice", Msg.CHECK_ENV_EXPRESSION, fields, job.location("environment"))
