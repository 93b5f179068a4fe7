"""Conditions that name a repository: when ``github.repository == 'owner/name'`` (or
``github.repository_owner``) names another repository than ``origin``, the publish never
runs in this one (a moved or renamed repository, or a fork)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from publisher.finding import Finding
from publisher.messages import Msg
from publisher.workflows import expressions
from publisher.workflows.expressions import Binary, Literal, Node

if TYPE_CHECKING:
    from publisher.workflows.lint import Lint

_NAMED = {"github.repository": "slug", "github.repository_owner": "owner"}


def named(node: Node) -> Iterator[tuple[str, str]]:
    """Each ``github.repository`` / ``github.repository_owner`` compared with ``==`` to
    a literal in ``node``: the context's name and the literal."""
    if isinstance(node, Binary):
        if node.op in ("==", "!="):
            for this, other in ((node.left, node.right), (node.right, node.left)):
                paths = expressions.names(this)
                if (
                    len(paths) == 1
                    and paths[0] in _NAMED
                    and isinstance(other, Literal)
                    and isinstance(other.value, str)
                ):
                    yield paths[0], other.value
        yield from named(node.left)
        yield from named(node.right)
    elif isinstance(node, expressions.Not):
        yield from named(node.operand)


def audit(lint: Lint) -> Iterator[Finding]:
    """A warning per condition naming another repository (or owner) than origin."""
    repo = lint.repo
    if not repo.owner:
        return
    actual = {"slug": repo.slug, "owner": repo.owner}
    for job, raw, where in lint.conditions():
        try:
            node, _ = expressions.condition_text(raw)
        except expressions.ExpressionError:
            continue  # the conditions audit says so
        assert node is not None
        for context, value in named(node):
            if value.lower() != actual[_NAMED[context]].lower():
                fields = {
                    "workflow": job.workflow.name,
                    "job": job.id,
                    "context": context,
                    "named": value,
                    "origin": actual[_NAMED[context]],
                }
                yield Finding("warning", Msg.CHECK_OTHER_REPOSITORY, fields, where)
