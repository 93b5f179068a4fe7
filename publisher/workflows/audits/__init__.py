"""The audits of the workflow lint, one module each, in the order the report gives them
(zizmor's shape: a new audit is one module and one line here). Each takes the
:class:`~publisher.workflows.lint.Lint` and yields findings that point at the line of
the workflow they are about."""

from __future__ import annotations

from typing import TYPE_CHECKING

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
    from publisher.workflows.lint import Audit

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
