"""What a publishing step and its job say, read as the action reads its inputs: the
password, the folder of the dists, the yes/no inputs, the index the step uploads to,
whether its uploads are signed, and the publisher fields to register for the job.
Read by the audits and by ``publisher check``'s steps alike."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from publisher.errors import InputError
from publisher.workflows.model import Job, Repository, Step, flag, literal, mapping, text

if TYPE_CHECKING:
    from publisher.index import Index


def password(step: Step) -> str:
    """The step's ``password`` as written (an expression, usually), or ``""``."""
    found = step.input("password")
    return text(found[1]) if found else ""


def packages_dir(step: Step) -> str:
    """The step's ``packages-dir`` (or ``packages_dir``) when it is a literal."""
    return literal(step, "packages-dir") or ""


@dataclass(frozen=True)
class Target:
    """Where one step publishes: its index (None: an expression, known at run time),
    or the error the action would stop with."""

    index: Index | None
    error: InputError | None = None
    written: str = ""  # the value as written ("" when absent)


def target(step: Step) -> Target:
    """The index of one step, read as the action reads its input."""
    from publisher.index import Index
    from publisher.inputs import SPECS

    found = step.input("repository-url")
    raw = text(found[1]) if found else ""
    if "${{" in raw:
        return Target(None, written=raw)
    try:
        return Target(Index.from_input(raw or SPECS["repository-url"].default), written=raw)
    except InputError as exc:
        return Target(None, exc, raw)


def signs(step: Step) -> bool | None:
    """Whether the step's uploads get PEP 740 attestations, as the action decides it
    from what is written: trusted publishing, ``attestations`` not false, and an index
    that checks them (PyPI, TestPyPI) or a Sigstore deployment named. None when an
    expression decides."""
    wanted = flag(step, "attestations", True)
    if password(step) or wanted is not True:
        return False if password(step) else wanted
    if step.input("sigstore-trust-config") is not None:
        return True
    index = target(step).index
    return None if index is None else index.is_pypi


def environment(job: Job) -> str:
    """The job's ``environment`` (its name, in either spelling GitHub takes)."""
    value = job.data.get("environment")
    return text(mapping(value).get("name") if isinstance(value, dict) else value)


def publisher_fields(repo: Repository, job: Job) -> dict[str, str]:
    """The publisher fields of a job, as the index's form names them."""
    name = environment(job)
    return {
        "owner": repo.owner,
        "repository": repo.name,
        "workflow_filename": job.workflow.name,
        # An expression is known only when the job runs: the link leaves it out.
        "environment": "" if "${{" in name else name,
    }
