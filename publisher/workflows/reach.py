"""On which triggers can a publishing step run? For each event of its workflow (and, in a
reusable workflow, of the workflows of this repository that call it), the step's
``if:``, its job's ``if:`` and those of the jobs it ``needs`` are evaluated, giving
True (it runs), False (it cannot) or None (it depends on the run)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from publisher.workflows import expressions
from publisher.workflows.expressions import OPEN, UNKNOWN, Unknown, Value
from publisher.workflows.model import Job, Repository, Step, Workflow, mapping

Tri = bool | None

# Events whose payload has a `pull_request`; a `release` payload has `release`.
PULL_REQUEST_EVENTS = frozenset({"pull_request", "pull_request_target", "pull_request_review"})
# Events whose payload has no top-level `ref` (GitHub's webhook payloads; a push, a
# dispatch, `create` and `delete` have one): their `github.event.ref` is null, so a
# guard such as `startsWith(github.event.ref, 'refs/tags')` is false there.
NO_REF_EVENTS = PULL_REQUEST_EVENTS | {"release", "workflow_run", "schedule"}


def _all(values: list[Tri]) -> Tri:
    if any(v is False for v in values):
        return False
    return None if any(v is None for v in values) else True


def _ref(event: str, settings: dict[str, Any]) -> Value:
    """What ``github.ref`` is known to start with for this event."""
    if event == "release":
        return Unknown(prefix="refs/tags/")
    if event in ("pull_request", "pull_request_review"):
        return Unknown(prefix="refs/pull/")
    if event in ("pull_request_target", "schedule"):
        return Unknown(prefix="refs/heads/")
    if event == "push":
        tags = any(k in settings for k in ("tags", "tags-ignore"))
        branches = any(k in settings for k in ("branches", "branches-ignore"))
        if tags and not branches:
            return Unknown(prefix="refs/tags/")
        if branches and not tags:
            return Unknown(prefix="refs/heads/")
    return UNKNOWN


# The activity types an event runs for when `types:` is not given (GitHub's docs).
DEFAULT_TYPES = {
    "pull_request": ("opened", "synchronize", "reopened"),
    "pull_request_target": ("opened", "synchronize", "reopened"),
    "release": (
        "published",
        "unpublished",
        "created",
        "edited",
        "deleted",
        "prereleased",
        "released",
    ),
}


def _action(event: str, settings: dict[str, Any]) -> Value:
    """``github.event.action``: the activity types the trigger lets through (one: known),
    or null for events that have none."""
    if event in ("push", "workflow_dispatch", "schedule", "workflow_call"):
        return None
    types = settings.get("types", DEFAULT_TYPES.get(event))
    if isinstance(types, str):
        types = [types]
    if not isinstance(types, list | tuple) or not all(isinstance(t, str) for t in types):
        return UNKNOWN
    if len(types) == 1:
        return str(types[0])
    return Unknown(choices=frozenset(str(t).lower() for t in types))


def contexts(repo: Repository, event: str, settings: dict[str, Any]) -> dict[str, Value]:
    """The contexts an expression sees for ``event``, as far as a checkout knows them:
    the event's name, what its ref starts with, the repository (from ``origin``);
    everything else is unknown."""
    payload: dict[str, Value] = {OPEN: True, "action": _action(event, settings)}
    if event == "push":
        payload["ref"] = _ref(event, settings)  # a push's payload names its ref
    elif event in NO_REF_EVENTS:
        payload["ref"] = None
    if event not in PULL_REQUEST_EVENTS:
        payload["pull_request"] = None
    if event != "release":
        payload["release"] = None
    github: dict[str, Value] = {
        OPEN: True,
        "event_name": event,
        "ref": _ref(event, settings),
        "event": payload,
    }
    ref = github["ref"]
    prefix = ref.prefix if isinstance(ref, Unknown) else ""
    kinds = {"refs/tags/": "tag", "refs/heads/": "branch"}
    github["ref_type"] = kinds.get(prefix, UNKNOWN)
    if repo.owner:
        github["repository"] = repo.slug
        github["repository_owner"] = repo.owner
    # `inputs` holds a dispatch's inputs (chosen at run time) or a caller's; on any
    # other event it is empty, and each of its properties null.
    inputs: Value = UNKNOWN if event == "workflow_dispatch" else {}
    return {"github": github, "inputs": inputs}


def condition(raw: Any, ctx: dict[str, Value], *, status_default: bool = True) -> Tri:
    """An ``if:`` (absent: true); one GitHub would refuse counts as unknown here (the
    lint reports it apart)."""
    if raw is None:
        return True
    try:
        return expressions.condition(raw, ctx, status_default=status_default)
    except expressions.ExpressionError:
        return None


@dataclass
class Reach:
    """Memoised answers for one repository."""

    repo: Repository
    _jobs: dict[tuple[int, str, str], Tri] = field(default_factory=dict)
    _outputs: dict[tuple[int, str, str], Value] = field(default_factory=dict)

    def events(self, workflow: Workflow) -> dict[str, Tri]:
        """Each event that can start ``workflow``'s jobs, with whether it really can:
        its own triggers, and for a reusable workflow the events of the jobs of this
        repository that call it (False when none does)."""
        found: dict[str, Tri] = {e: True for e in workflow.triggers if e != "workflow_call"}
        if workflow.reusable:
            for caller in self.callers(workflow):
                for event in caller.workflow.triggers:
                    if event == "workflow_call":
                        continue
                    can = self.job(caller, event)
                    if can is not False:
                        before = found.get(event, False)
                        found[event] = True if True in (before, can) else None
        return found

    def settings(self, workflow: Workflow, event: str) -> dict[str, Any]:
        """The settings of ``event`` in ``on:`` (``types``, ``branches``…): the
        workflow's own, or for a reusable one its first caller's here that has it."""
        own = workflow.triggers.get(event)
        if own is not None or not workflow.reusable:
            return own or {}
        for caller in self.callers(workflow):
            if event in caller.workflow.triggers:
                return caller.workflow.triggers[event]
        return {}

    def callers(self, workflow: Workflow) -> list[Job]:
        """Jobs of this repository's workflows that call ``workflow``, as GitHub
        resolves ``uses:``: ``./.github/workflows/<file>``, or
        ``<owner>/<repo>/.github/workflows/<file>@ref`` naming this repository."""
        found = []
        for other in self.repo.workflows:
            for job in other.jobs.values():
                if calls(job, workflow, self.repo):
                    found.append(job)
        return found

    def job(self, job: Job, event: str) -> Tri:
        """Whether ``job`` runs on ``event``: its ``if:``, the jobs it needs, and for a
        reusable workflow the job that calls it."""
        key = (id(job.workflow), job.id, event)
        if key in self._jobs:
            return self._jobs[key]
        self._jobs[key] = False  # a cycle of needs: GitHub refuses the workflow
        ctx = self.contexts(job, event)
        raw = job.data.get("if")
        own = condition(raw, ctx)
        parts = [own]
        if not self._ignores_needs(raw):
            for need in job.needs:
                other = job.workflow.jobs.get(need)
                parts.append(self.job(other, event) if other else None)
        if job.workflow.reusable and event not in job.workflow.triggers:
            callers = [self.job(c, event) for c in self.callers(job.workflow)]
            parts.append(True if True in callers else None if None in callers else False)
        result = _all(parts)
        self._jobs[key] = result
        return result

    def contexts(self, job: Job, event: str) -> dict[str, Value]:
        """The contexts of ``job`` on ``event``, with ``needs.<id>.outputs`` of the jobs
        it needs when those are made of what is known (``${{ github.event_name }}``)."""
        ctx = contexts(self.repo, event, self.settings(job.workflow, event))
        needs: dict[str, Value] = {OPEN: True}
        for need in job.needs:
            other = job.workflow.jobs.get(need)
            if other is not None:
                needs[need] = {OPEN: True, "outputs": self.outputs(other, event)}
        ctx["needs"] = needs
        if job.workflow.reusable and event not in job.workflow.triggers:
            ctx["inputs"] = self.inputs(job.workflow, event)
        return ctx

    def inputs(self, workflow: Workflow, event: str) -> Value:
        """The ``inputs`` of a reusable workflow run by its one caller in this repository
        on ``event``: what the caller passes (``with:``), else the declared default."""
        callers = [c for c in self.callers(workflow) if event in c.workflow.triggers]
        if len(callers) != 1:
            return UNKNOWN
        caller = callers[0]
        given = mapping(caller.data.get("with"))
        declared = mapping(mapping(workflow.triggers.get("workflow_call")).get("inputs"))
        ctx = self.contexts(caller, event)
        found: dict[str, Value] = {OPEN: True}
        for name, spec in declared.items():
            if name in given:
                raw = given[name]
                found[name] = (
                    expressions.interpolate(raw, ctx)
                    if isinstance(raw, str)
                    else expressions.plain(raw)
                )
            elif "default" in mapping(spec):
                found[name] = expressions.plain(mapping(spec)["default"])
            else:
                found[name] = None
        return found

    def outputs(self, job: Job, event: str) -> Value:
        """A job's ``outputs:`` on ``event``, each known or not."""
        key = (id(job.workflow), job.id, event)
        if key not in self._outputs:
            self._outputs[key] = {OPEN: True}  # a cycle: unknown
            ctx = self.contexts(job, event)
            found: dict[str, Value] = {OPEN: True}
            for name, raw in mapping(job.data.get("outputs")).items():
                found[name] = expressions.interpolate(raw, ctx)
            self._outputs[key] = found
        return self._outputs[key]

    @staticmethod
    def _ignores_needs(raw: Any) -> bool:
        """A job whose ``if:`` calls ``always()`` and the like runs even when a job it
        needs was skipped."""
        try:
            node, _ = expressions.condition_text(raw) if raw is not None else (None, False)
        except expressions.ExpressionError:
            return False
        return node is not None and expressions.uses_status_function(node)

    def step(self, step: Step, event: str) -> Tri:
        """Whether the publishing ``step`` runs on ``event``: its job, its ``if:``,
        and through composite actions the ``if:`` of each of their steps on the way."""
        job = self.job(step.job, event)
        if job is False:
            return False
        ctx = self.contexts(step.job, event)
        return _all([job, condition(step.data.get("if"), ctx), self.through(step, event)])

    def through(self, step: Step, event: str) -> Tri:
        """Whether the steps of the composite actions on the way from ``step`` to the
        publishing action run on ``event``: each one's ``if:`` with the ``inputs`` its
        action is given (the ``with:`` one level out, evaluated there; else the
        input's ``default:``; else empty) and the job's ``github`` context. An action
        sees no ``needs``: what names it is unknown."""
        ctx = self.contexts(step.job, event)
        given = mapping(step.data.get("with"))
        parts: list[Tri] = []
        for layer in step.via:
            inner: dict[str, Value] = {"github": ctx["github"]}
            inner["inputs"] = _bind(layer.declared, given, ctx, inner)
            parts.append(condition(layer.step.get("if"), inner))
            if parts[-1] is False:
                return False
            ctx, given = inner, mapping(layer.step.get("with"))
        return _all(parts)

    def never(self, step: Step) -> bool:
        """Whether ``step`` reaches its publishing action on none of its workflow's
        triggers, an ``if:`` inside a composite action being false on each (a
        ``publish: false`` the workflow always passes, say): that way publishes
        nothing."""
        events = self.events(step.job.workflow)
        return bool(step.via and events) and all(self.through(step, e) is False for e in events)


def _bind(
    declared: dict[str, Any],
    given: dict[str, Any],
    outer: dict[str, Value],
    own: dict[str, Value],
) -> Value:
    """The ``inputs`` of a composite action: each declared input as the text GitHub
    passes (a ``with:`` value filled in with the ``outer`` contexts, else its
    ``default:`` with the action's ``own``, else empty); unknown when a part is. An
    input it does not declare is unknown."""
    passed = {str(k).lower(): v for k, v in given.items()}
    found: dict[str, Value] = {OPEN: True}
    for name, spec in declared.items():
        key = str(name).lower()
        if key in passed:
            found[str(name)] = _passed(passed[key], outer)
        else:
            default = mapping(spec).get("default")
            found[str(name)] = "" if default is None else expressions.interpolate(default, own)
    return found


def _passed(raw: Any, outer: dict[str, Value]) -> Value:
    """One ``with:`` value as the action's input gets it (text); a whole
    ``${{ github.ref }}`` unknown but known to start with ``refs/tags/`` (or to be one
    of some strings) stays so."""
    whole = expressions.whole(raw)
    if whole is not None:
        value = expressions.evaluate(whole, outer)
        if isinstance(value, Unknown) and (value.prefix or value.choices is not None):
            return Unknown(prefix=value.prefix, choices=value.choices)
    return expressions.interpolate(raw, outer)


def calls(job: Job, workflow: Workflow, repo: Repository) -> bool:
    """Whether ``job`` calls ``workflow`` (a file of ``repo``) as GitHub resolves it: a
    file of the same name in another repository is another workflow."""
    uses = job.calls
    if not uses:
        return False
    local = f"./{workflow.file}"
    if uses == local:
        return True
    target, _, _ref = uses.partition("@")
    if not repo.slug:
        return False
    return target.lower() == f"{repo.slug}/{workflow.file}".lower()
