"""One pipeline for the real run and the dry run: the ordered list of steps (they share
a :class:`~publisher.context.Context`), and what a finding does to the run.

The real run prints each finding as it is made and stops after the first step that
found an error; it alone mints, checks the names against the token and uploads. The
dry run (``dry-run: true`` in Actions, or ``publisher check`` locally) collects every
finding and never mints or uploads: a mint that matches a pending publisher creates
the project on the index.
"""

from __future__ import annotations

import contextlib
import time
import traceback
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from publisher import messages
from publisher.context import Context, Mode
from publisher.errors import PublishError, internal_error
from publisher.finding import Finding, Progress
from publisher.messages import Msg
from publisher.steps import attestations, dists, index, inputs, publish, workflows

if TYPE_CHECKING:
    from publisher.outcome import Outcome


@dataclass(frozen=True)
class Step:
    """One step: its function, the modes it runs in and the phase of the run it is part
    of (its time is reported with that phase's). ``needs_dists``: pointless without at
    least one valid distribution; ``wanted``: whether this run has the step's work to do
    at all (a phase with none gets no fold in the log and no time)."""

    run: Callable[[Context], Iterable[Finding | Progress]]
    modes: frozenset[Mode]
    phase: Msg = Msg.PHASE_CHECKS
    needs_dists: bool = True
    wanted: Callable[[Context], bool] = lambda ctx: True
    per_folder: bool = False  # publisher check: run for each folder the workflows publish


EVERY_MODE = frozenset(Mode)
ACTION = frozenset({Mode.PUBLISH, Mode.DRY_RUN})
REAL = frozenset({Mode.PUBLISH})

STEPS: tuple[Step, ...] = (
    Step(inputs.report_inputs, EVERY_MODE, needs_dists=False),
    Step(workflows.read_workflows, frozenset({Mode.CHECK}), needs_dists=False),
    Step(workflows.report_folder, frozenset({Mode.CHECK}), needs_dists=False, per_folder=True),
    Step(
        dists.validate_dists,
        EVERY_MODE,
        needs_dists=False,
        wanted=lambda ctx: not ctx.workflows_only,
        per_folder=True,
    ),
    Step(inputs.check_credentials, EVERY_MODE, needs_dists=False),
    Step(inputs.read_oidc_token, ACTION),
    Step(workflows.check_workflows, frozenset({Mode.CHECK}), needs_dists=False),
    Step(index.check_index, EVERY_MODE, per_folder=True),
    Step(attestations.plan_attestations, EVERY_MODE, per_folder=True),
    Step(attestations.check_provenance, EVERY_MODE, per_folder=True),
    Step(attestations.check_attestation_identity, ACTION),
    Step(publish.mint_token, REAL, Msg.PHASE_MINT),
    Step(publish.check_names_after_mint, REAL, Msg.PHASE_MINT),
    Step(attestations.sign_dists, REAL, Msg.PHASE_SIGN, wanted=lambda ctx: ctx.signing is not None),
    Step(publish.upload, REAL, Msg.PHASE_UPLOAD),
)


def run(ctx: Context, pipeline: tuple[Step, ...] = STEPS) -> Outcome:
    """Run the steps for ``ctx.mode``; the outcome says what was found and done, and in
    a real run what stopped it (``outcome.failure``). ``publisher check`` on workflows
    that publish from several folders runs the steps about the dists once for each
    folder, after the others, each finding saying which folder it is about."""
    outcome = ctx.outcome
    took: dict[Msg, float] = {}  # seconds, by phase
    with contextlib.ExitStack() as fold:  # the real run's log: a fold a phase
        stopped = _run_steps(ctx, pipeline, took, fold)
        for folder in () if stopped else ctx.folders:
            each = ctx.for_folder(folder)
            stopped = _run_steps(each, tuple(s for s in pipeline if s.per_folder), took, fold)
            outcome.findings += [f.of_folder(folder.name) for f in each.outcome.findings]
            outcome.dists += each.outcome.dists
            if stopped:
                break
    if ctx.mode is Mode.PUBLISH:
        phases = (f"{messages.phrase(phase)} {seconds:.1f} s" for phase, seconds in took.items())
        ctx.console.info(Msg.LOG_PHASES, phases=", ".join(phases))
    return outcome


def _run_steps(
    ctx: Context, pipeline: tuple[Step, ...], took: dict[Msg, float], fold: contextlib.ExitStack
) -> bool:
    """Run the steps for ``ctx.mode`` in order (those for each folder later, when there
    are several); True when a bug of ours stopped them."""
    outcome = ctx.outcome
    for step in pipeline:
        if ctx.mode not in step.modes or (step.needs_dists and not outcome.dists):
            continue
        if not step.wanted(ctx) or (step.per_folder and ctx.folders):
            continue
        if ctx.done and ctx.mode is Mode.PUBLISH:
            break
        if ctx.mode is Mode.PUBLISH and step.phase not in took:
            fold.close()
            fold.enter_context(ctx.console.group(messages.GROUPS[step.phase]))
        started = time.monotonic()
        found = _run_step(ctx, step)
        took[step.phase] = took.get(step.phase, 0.0) + time.monotonic() - started
        errors = [f for f in found if f.status == "error"]
        if ctx.mode is Mode.PUBLISH and errors:
            outcome.failure = _failure(errors)
            break
        if any(f.key in (Msg.INTERNAL_ERROR, Msg.INTERNAL_ERROR_CHECK) for f in errors):
            return True  # a bug of ours: the later steps cannot be trusted to make sense
    return False


def _run_step(ctx: Context, step: Step) -> list[Finding]:
    found: list[Finding] = []

    def record(finding: Finding) -> None:
        found.append(finding)
        ctx.outcome.findings.append(finding)
        if ctx.mode is Mode.PUBLISH and finding.status != "error":
            ctx.console.finding(finding)  # errors end the run: the caller reports them

    try:
        for item in step.run(ctx):
            if isinstance(item, Progress):
                # One file of many, as it ended: its line and its log. A file's failure
                # is shown so; the step then raises the one that stops the run.
                if item.finding.status != "error":
                    found.append(item.finding)
                    ctx.outcome.findings.append(item.finding)
                ctx.console.progress(item.finding, item.done, item.total, item.log)
            else:
                record(item)
    except PublishError as exc:
        record(Finding.from_error(exc))
    except Exception as exc:  # a bug of ours: a message, not a traceback
        record(Finding.from_error(internal_error(exc, publishing=ctx.mode is Mode.PUBLISH)))
        if ctx.console.verbose:
            text = "".join(traceback.format_exception(exc))
            ctx.console.info(Msg.LOG_TRACEBACK, traceback=messages.lines(text.splitlines()))
    return found


def _failure(errors: list[Finding]) -> PublishError:
    """The error that stops a real run: the one found, or all of a step's together."""
    if len(errors) == 1:
        return errors[0].as_error()
    # In the summary, one problem a line: its title, then its body's lines as one.
    listing = messages.Text(
        "\n\n".join(f"{e.title}\n{e.detail}" for e in errors),
        "\n".join(
            f"- **{messages.title(e.key, e.fields, markdown=True)}**<br>"
            + messages.render(e.key, e.fields, markdown=True).replace("\n", "<br>")
            for e in errors
        ),
    )
    return PublishError(Msg.MANY_PROBLEMS, count=len(errors), problems=listing)
