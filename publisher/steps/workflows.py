"""``publisher check``'s steps on the checkout: reading the workflows (the publishing
step decides the folder, the index and the options a real run would have), then the
workflow lint's findings."""

from __future__ import annotations

from pathlib import Path, PurePath
from typing import TYPE_CHECKING

from publisher import messages
from publisher.errors import InputError
from publisher.finding import Finding
from publisher.messages import Msg
from publisher.steps import Findings

if TYPE_CHECKING:
    from publisher.context import Context
    from publisher.index import Index
    from publisher.inputs import Config
    from publisher.location import Location
    from publisher.workflows.model import Step


def read_workflows(ctx: Context) -> Findings:
    """Locally, first: read the repository's workflows; the folder of the dists is the
    publishing step's ``packages-dir`` when ``--packages-dir`` is not given (each
    folder, checked on its own, when the steps publish from several), the index the
    steps' when none publishes to PyPI and ``--repository-url`` is not given, and the
    step that publishes to the index checked decides, as in the real run, whether
    files the index has are skipped (``skip-existing``), descriptions checked
    (``verify-metadata``) and files signed (``attestations``)."""
    from dataclasses import replace

    from publisher.context import Folder
    from publisher.inputs import inside
    from publisher.workflows.lint import prepare
    from publisher.workflows.publishing import password, publisher_fields

    ctx.lint = prepare(ctx.root, ctx.workflow, ctx.job, ctx.index)
    steps = list(ctx.lint.steps())
    folders = {} if ctx.packages_dir_given else _folders(steps)
    for name in list(folders):
        try:
            inside("packages-dir", name, ctx.root, ctx.root.resolve())
        except InputError as exc:
            # The real run stops on it; the folder is neither read nor listed here.
            yield Finding.from_error(exc, folders.pop(name)[0].input_location("packages-dir"))
    # --workflows-only: no folder's dists are checked (one that leads out of the
    # checkout is still the workflow's error, above).
    if len(folders) > 1 and not ctx.workflows_only:
        for name, published in folders.items():
            config = _settings(ctx, replace(ctx.config, packages_dir=ctx.root / name), published)
            here = _to_index(published, config.index)
            # The link for a new project: from a job that publishes there, or none.
            trusted = [s for s in here if password(s) == ""]
            fields = publisher_fields(ctx.lint.repo, trusted[0].job) if trusted else {}
            ctx.folders.append(Folder(name, config, (here or published)[0], fields))
        return
    if folders:
        ctx.config = replace(ctx.config, packages_dir=ctx.root / next(iter(folders)))
    ctx.config = _settings(ctx, ctx.config, steps)
    ctx.lint.index = ctx.config.index


def _folders(steps: list[Step]) -> dict[str, list[Step]]:
    """The folders the steps publish from (their ``packages-dir``, else the action's
    default), each with its steps, in the steps' order; a folder written as an
    expression is known at run time only, and left out."""
    import posixpath

    from publisher.inputs import SPECS
    from publisher.workflows.model import literal

    found: dict[str, list[Step]] = {}
    for step in steps:
        written = literal(step, "packages-dir")
        if written is None and step.input("packages-dir") is not None:
            continue
        name = posixpath.normpath(written or SPECS["packages-dir"].default)
        found.setdefault(name, []).append(step)
    return found


def _settings(ctx: Context, config: Config, steps: list[Step]) -> Config:
    """``config`` as the real run of ``steps`` would have it: the index they name when
    none publishes to the one checked (and ``--repository-url`` is not given), and the
    yes/no inputs of the first that publishes to it."""
    from dataclasses import replace

    from publisher.workflows.model import flag
    from publisher.workflows.publishing import password, target

    known = [i for s in steps if (i := target(s).index) is not None]
    if not ctx.index_given and known and all(i.read_url != config.index.read_url for i in known):
        # No step publishes to PyPI, and one says where it does (TestPyPI, a private
        # index): the dists are checked against that index, as the run would.
        config = replace(config, index=known[0])
    here = _to_index(steps, config.index)
    if here:
        # The options can only add to what the step says (`--skip-existing`,
        # `--no-verify-metadata`); an expression leaves the option's choice.
        config = replace(
            config,
            skip_existing=config.skip_existing or flag(here[0], "skip-existing", False) is True,
            verify_metadata=config.verify_metadata
            and flag(here[0], "verify-metadata", True) is not False,
        )
    trusted = (s for s in here if password(s) == "")
    if (step := next(trusted, None)) is not None and flag(step, "attestations", True) is False:
        config = replace(config, attestations=False)
    return config


def _to_index(steps: list[Step], index: Index) -> list[Step]:
    """The steps that publish to ``index``."""
    from publisher.workflows.publishing import target

    return [s for s in steps if (i := target(s).index) and i.read_url == index.read_url]


def report_folder(ctx: Context) -> Findings:
    """Locally, the workflows publishing from several folders: which folder the
    findings that follow are about, the index its dists are checked against, and the
    step that publishes them."""
    folder = ctx.folder
    if folder is None:
        return
    step = folder.step
    fields = {
        "folder": folder.name,
        "index": folder.config.index.read_url,
        "workflow": step.job.workflow.name,
        "job": step.job.id,
        "step": step.label,
    }
    yield Finding("ok", Msg.CHECK_FOLDER, fields, step.input_location("packages-dir"))


def check_workflows(ctx: Context) -> Findings:
    """Locally: what the workflows that publish will get from GitHub and the index, and
    the publisher fields to register, each finding at its line."""
    from publisher.steps.index import look_up
    from publisher.workflows import audits
    from publisher.workflows import lint as workflow_lint
    from publisher.workflows.publishing import publisher_fields

    lint = ctx.lint
    if lint is None:
        return  # reading them failed: that step said why
    for problem in lint.repo.unreadable:
        yield Finding.from_error(problem, _file_location(ctx, problem))
    if ctx.job is not None and not lint.targets:
        everywhere = workflow_lint.prepare(ctx.root, ctx.workflow, None, ctx.index)
        jobs = [f"{j.workflow.name}: {j.id}" for j in everywhere.targets]
        named = workflow_lint.explicit_path(ctx.root, ctx.workflow)
        workflows = named.name if named else "the workflows that publish"
        fields = {"job": ctx.job, "workflows": workflows, "jobs": ", ".join(jobs) or "none"}
        yield Finding("error", Msg.CHECK_JOB_NOT_FOUND, fields)
        return
    named = workflow_lint.explicit_path(ctx.root, ctx.workflow)
    if not lint.targets:
        if named is not None:
            fields = {"workflow": named.name}
            yield Finding("warning", Msg.CHECK_WORKFLOW_NO_JOB, fields)
            return
        folder = ctx.root / ".github" / "workflows"
        missing = "" if folder.is_dir() else messages.phrase(Msg.NO_SUCH_FOLDER)
        yield Finding("warning", Msg.CHECK_NO_WORKFLOW, {"folder": folder, "missing": missing})
        return
    if named is not None and named.resolve().parent.parts[-2:] != (".github", "workflows"):
        fields = {"path": _from_root(ctx, named), "name": named.name}
        yield Finding("warning", Msg.CHECK_WORKFLOW_OUTSIDE, fields)
    # The form that adds the publisher depends on whether the project exists.
    lint.projects = {p: look_up(ctx, p).exists for p in ctx.outcome.projects}
    yield from audits.run(lint)
    # The pre-filled link for a new project: from the first job that publishes to the
    # index checked here, with trusted publishing; none when no job does.
    for job, index in lint.publishers():
        if index.read_url == ctx.index.read_url:
            ctx.publisher = publisher_fields(lint.repo, job)
            break


def _from_root(ctx: Context, path: Path) -> str:
    """A path as the user knows it: from the checkout's top when inside it."""
    from publisher.location import repository_path

    return repository_path(path, ctx.root) or str(path)


def _file_location(ctx: Context, problem: InputError) -> Location | None:
    """The file an unreadable-workflow error is about, as a location."""
    from publisher.location import Location, repository_path

    path = problem.fields.get("path")
    if not isinstance(path, PurePath):
        return None
    # A syntax error's place; else the file's top.
    line, column = (problem.fields.get(k) for k in ("line", "column"))
    at = (line, column) if isinstance(line, int) and isinstance(column, int) else (1, 1)
    file = repository_path(Path(path), ctx.root)
    return None if file is None else Location(file, *at)
