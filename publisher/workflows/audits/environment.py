"""The job's environment: known only at run time (the publisher's must equal its value
then), or written in the wrong place."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from publisher.finding import Finding
from publisher.messages import Msg
from publisher.workflows.model import mapping
from publisher.workflows.publishing import environment

if TYPE_CHECKING:
    from publisher.workflows.lint import Lint


def _env_like_environment(data: dict[str, object]) -> bool:
    """Whether an ``env:`` holds an environment's keys (``name`` and ``url``)."""
    env = mapping(data.get("env"))
    return "name" in env and "url" in env


def audit(lint: Lint) -> Iterator[Finding]:
    """Notices for a trusted-publishing job whose environment is an expression (the
    publisher must be registered with each value it takes: dbt-adapters chooses `test`
    or `prod` by hand, each with its own index; the checkout cannot know which are, as
    it cannot for a literal one), and for one whose environment was written as a
    step's ``env:``."""
    for job in lint.trusted_jobs():
        name = environment(job)
        if "${{" in name:
            fields = {"workflow": job.workflow.name, "job": job.id, "environment": name}
            yield Finding("notice", Msg.CHECK_ENV_EXPRESSION, fields, job.location("environment"))
        if name:
            continue
        # `env: {name: pypi, url: …}` on the step (rogue's): an environment in the wrong
        # key; the job has none, and its token names none.
        for step in job.steps:
            if _env_like_environment(step.data):
                fields = {"workflow": job.workflow.name, "job": job.id, "step": step.label}
                yield Finding("notice", Msg.CHECK_ENV_IN_ENV, fields, step.location("env"))
                break
