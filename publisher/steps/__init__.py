"""The steps of a publish, each written once for the real run and the dry run: a step
reads and updates the run's :class:`~publisher.context.Context` and yields findings
(or raises a :class:`~publisher.errors.PublishError` when it cannot go on). Which steps
run in which mode, and what a finding does to the run, is the pipeline's business
(:mod:`publisher.pipeline`, which lists them all).

One module per part of the run: ``inputs`` (the inputs, the password or the OIDC
token), ``dists``, ``workflows`` (``publisher check`` only), ``index`` (the index's
state before the mint), ``attestations`` (PEP 740: the plan, provenance, identity,
signing) and ``publish`` (the mint, the name check after it, the upload). Here: what
they yield, and the findings more than one of them makes alike."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from publisher import messages
from publisher.errors import PublishError, internal_error
from publisher.finding import Finding, Progress
from publisher.messages import Msg

if TYPE_CHECKING:
    from publisher.executor import Executor

Findings = Iterator[Finding]
Steps = Iterator[Finding | Progress]  # a step that works on many files at once


def failure_finding(error: BaseException | None) -> Finding:
    """A file's failure, for its line in the log (a bug of ours says so)."""
    if isinstance(error, PublishError):
        return Finding.from_error(error)
    return Finding.from_error(
        internal_error(error if isinstance(error, Exception) else Exception())
    )


def at_once(executor: Executor) -> str:
    """How many at a time, in words."""
    if executor.slowed:
        return messages.phrase(Msg.AT_ONCE_SLOWED)
    return messages.phrase(Msg.AT_ONCE, count=executor.limit)


def project_names(projects: list[str]) -> messages.Text:
    """Normalized project names (lower-case letters, digits and ``-``: nothing to
    escape), each in backticks in the log and a code span in the summary."""
    from publisher.markdown import code_span

    return messages.Text(
        ", ".join(f"`{p}`" for p in projects), ", ".join(code_span(p) for p in projects)
    )
