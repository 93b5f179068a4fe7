"""The audits of the workflow lint, one module each, in the order the report gives them
(zizmor's shape: a new audit is one module and one line here). Each takes the
:class:`~publisher.workflows.lint.Lint` and yields findings that point at the line of
the workflow they are about."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from publisher.finding import Finding
from publisher.workflows.audits import (
    conditions,
    environment,
    indexes,
    migration,
    permissions,
    repository,
    reusable,
    runner,
    triggers,
)

if TYPE_CHECKING:
    from publisher.workflows.lint import Audit, Lint
    from publisher.workflows.model import Job

AUDITS: tuple[Audit, ...] = (
    migration.audit,  # steps still on pypa/gh-action-pypi-publish
    conditions.audit,  # `if:` GitHub would refuse
    repository.audit,  # conditions that name another repository than origin
    triggers.audit,  # pull_request and pull_request_target, when the publish runs on them
    reusable.audit,  # publishing from a reusable workflow; the password fallback
    runner.audit,  # container actions run on Linux only
    permissions.audit,  # id-token: write
    environment.audit,  # an environment known only at run time
    indexes.audit,  # the index of each step; the publisher to register on it
)


def run(lint: Lint) -> Iterator[Finding]:
    """Every audit's findings, in the order of :data:`AUDITS`."""
    tolerated = {(j.workflow.name, j.id) for j in lint.targets if allowed_to_fail(j)}
    for audit in AUDITS:
        for finding in audit(lint):
            where = (finding.fields.get("workflow"), finding.fields.get("job"))
            if finding.status in ("warning", "error") and where in tolerated:
                # A publish the workflow lets fail (a test of the failure itself)
                # cannot break a release: said, not alarmed about.
                finding = Finding("notice", finding.key, finding.fields, finding.location)
            yield finding


def allowed_to_fail(job: Job) -> bool:
    """Whether every publishing step of ``job`` (or the job) has
    ``continue-on-error: true``."""
    if job.data.get("continue-on-error") is True:
        return True
    return bool(job.steps) and all(s.data.get("continue-on-error") is True for s in job.steps)
