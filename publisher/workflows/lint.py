"""The workflow lint of ``publisher check``: which jobs publish (:func:`prepare`), and
what the audits (``audits/``) are given to look at (:class:`Lint`)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from publisher.finding import Finding
from publisher.workflows.model import Job, Repository, Step, read_repository
from publisher.workflows.publishing import Target, password, target
from publisher.workflows.reach import Reach

if TYPE_CHECKING:
    from publisher.index import Index
    from publisher.location import Location


@dataclass
class Lint:
    """What the audits share: the repository, the jobs that publish (or the one
    ``--job`` names), the index ``publisher check`` is asked about and what it has of
    the dists' projects."""

    repo: Repository
    reach: Reach
    targets: list[Job]
    index: Index
    # Whether each project of the dists is on `index` (None: the index did not say);
    # empty without dists: the link to register the publisher depends on it.
    projects: dict[str, bool | None] = field(default_factory=dict)

    def steps(self, *, trusted: bool | None = None) -> Iterator[Step]:
        """The publishing steps of the targets; ``trusted``: only those that use
        trusted publishing (True) or a password (False)."""
        for job in self.targets:
            for step in job.steps:
                if trusted is None or trusted == (password(step) == ""):
                    yield step

    def trusted_jobs(self) -> Iterator[Job]:
        """Targets with a step that uses trusted publishing (or, named with ``--job``,
        no recognised step at all)."""
        for job in self.targets:
            if not job.steps or any(password(s) == "" for s in job.steps):
                yield job

    def publishers(self) -> Iterator[tuple[Job, Index]]:
        """Each trusted-publishing job with each index it publishes to (once)."""
        seen: set[tuple[int, str, str]] = set()
        for job in self.trusted_jobs():
            # A job named with --job that uses no step we know: the index checked here.
            found_all = [target(s) for s in job.steps if password(s) == ""] or [Target(self.index)]
            for found in found_all:
                if found.index is None:
                    continue
                key = (id(job.workflow), job.id, found.index.read_url)
                if key not in seen:
                    seen.add(key)
                    yield job, found.index

    def conditions(self) -> Iterator[tuple[Job, Any, Location]]:
        """The ``if:`` of each target job, of each job it needs (and so on), and of each
        of its publishing steps, once each, with where it is written."""
        seen: set[tuple[int, str]] = set()
        todo = list(self.targets)
        while todo:
            job = todo.pop(0)
            key = (id(job.workflow), job.id)
            if key in seen:
                continue
            seen.add(key)
            if "if" in job.data:
                yield job, job.data["if"], job.location("if")
            written: set[Location] = set()  # a step or action reached by two ways: once
            for step in job.steps:
                found = [(step.data, step.location)]
                found += [(layer.step, layer.location) for layer in step.via]
                for data, location in found:
                    if "if" in data and (where := location("if")) not in written:
                        written.add(where)
                        yield job, data["if"], where
            todo.extend(job.workflow.jobs[n] for n in job.needs if n in job.workflow.jobs)


Audit = Callable[[Lint], Iterator[Finding]]


def explicit_path(root: Path, explicit: Path | None) -> Path | None:
    """``--workflow``: a path, or a bare file name looked for in .github/workflows/."""
    if explicit is None:
        return None
    folder = root / ".github" / "workflows"
    if explicit.parent == Path() and not explicit.exists() and (folder / explicit.name).exists():
        return folder / explicit.name
    return explicit


def prepare(root: Path, explicit: Path | None, job: str | None, index: Index) -> Lint:
    """Read the repository and choose the jobs to check: with ``--workflow``, that
    file's (its one job, whatever it uses, when none uses the action); with ``--job``,
    that job whatever it uses; else every job with a step that runs this action or the
    anchor."""
    path = explicit_path(root, explicit)
    repo = read_repository(root, path)
    reach = Reach(repo)
    for each in (j for w in repo.workflows for j in w.jobs.values()):
        # A way through composite actions whose `if:` is false on every trigger
        # publishes nothing: it is not a publishing step.
        each.steps = [s for s in each.steps if not reach.never(s)]
    workflows = repo.workflows
    if path is not None:
        workflows = [w for w in workflows if w.path.resolve() == path.resolve()]
    targets = [
        j
        for w in workflows
        for j in w.jobs.values()
        if (j.id == job if job is not None else bool(j.steps))
    ]
    if not targets and path is not None and job is None:
        # A named workflow with one job that publishes through an action we do not know.
        targets = [j for w in workflows if len(w.jobs) == 1 for j in w.jobs.values()]
    return Lint(repo, reach, targets, index)
