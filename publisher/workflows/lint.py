"""The workflow lint of ``publisher check``: which jobs publish, and the audits that look
at them (``audits/``), each finding pointing at the line that causes it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from publisher.finding import Finding
from publisher.workflows.model import Job, Repository, Step, read_repository, scalar, text
from publisher.workflows.reach import Reach

if TYPE_CHECKING:
    from publisher.index import Index


@dataclass
class Lint:
    """What the audits share: the repository, the jobs that publish (or the one
    ``--job`` names), and the index ``publisher check`` is asked about."""

    repo: Repository
    reach: Reach
    targets: list[Job]
    index: Index

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


Audit = Callable[[Lint], Iterator[Finding]]


def password(step: Step) -> str:
    """The step's ``password`` as written (an expression, usually), or ``""``."""
    found = step.input("password")
    return text(found[1]) if found else ""


def literal(step: Step, name: str) -> str | None:
    """The step's input ``name`` as the runner passes it (YAML's ``false`` is
    ``false``), when it is written as a literal; None when absent or an expression."""
    found = step.input(name)
    value = scalar(found[1]) if found else ""
    return None if found is None or "${{" in value else value


def packages_dir(step: Step) -> str:
    """The step's ``packages-dir`` (or ``packages_dir``) when it is a literal."""
    return literal(step, "packages-dir") or ""


def flag(step: Step, name: str, default: bool) -> bool | None:
    """A yes/no input of the step (``attestations``, ``skip-existing``…) as the action
    it uses reads it (``default`` when absent; ours takes ``false``, ``no``, ``0``,
    ``off`` for false, the anchor ``false`` alone, any other value being true); None
    when an expression decides, or a value the action refuses."""
    from publisher.errors import InputError
    from publisher.inputs import parse_bool

    if step.input(name) is None:
        return default
    written = literal(step, name)
    if step.on_anchor and written is not None:
        return written.lower() != "false"  # twine-upload.sh: `[[ ${INPUT_X,,} != "false" ]]`
    try:
        return None if written is None else parse_bool(name, written)
    except InputError:
        return None  # the action stops on the value itself


def attestations(step: Step) -> bool | None:
    """The step's ``attestations`` (``true`` when absent), as :func:`flag` reads it."""
    return flag(step, "attestations", True)


def signs(step: Step) -> bool | None:
    """Whether the step's uploads get PEP 740 attestations, as the action decides it
    from what is written: trusted publishing, ``attestations`` not false, and an index
    that checks them (PyPI, TestPyPI) or a Sigstore deployment named. None when an
    expression decides."""
    from publisher.workflows.audits.indexes import target

    wanted = attestations(step)
    if password(step) or wanted is not True:
        return False if password(step) else wanted
    if step.input("sigstore-trust-config") is not None:
        return True
    index = target(step).index
    return None if index is None else index.is_pypi


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
    return Lint(repo, Reach(repo), targets, index)


def run(lint: Lint) -> Iterator[Finding]:
    """Every audit's findings, in the order of the list in ``audits``."""
    from publisher.workflows.audits import AUDITS

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
