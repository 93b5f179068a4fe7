"""The repository as the workflow lint sees it: its top folder, its GitHub owner and
name (from ``origin``), its own action (``action.yml``), its workflows, their jobs and
the steps that publish, each with its position in its file."""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from publisher.errors import InputError
from publisher.location import Location, repository_path
from publisher.workflows.composite import Layer, chains, given
from publisher.workflows.source import Document, load

# Repository names of this action and of the one it replaces (whose inputs we share): a
# step using either, under any owner (a fork), at any ref or SHA, publishes.
ACTION_NAMES = ("trusted-publish-action", "gh-action-pypi-publish")
ANCHOR = "gh-action-pypi-publish"
# The `name:` of this action's action.yml and of the anchor's.
ACTION_TITLES = ("Trusted publish to PyPI (pre-validated)", "pypi-publish")
_GITHUB_REMOTE = re.compile(
    r"github\.com[:/]+(?P<owner>[A-Za-z0-9][A-Za-z0-9-]*)/(?P<repo>[A-Za-z0-9._-]+?)(?:\.git)?/?$"
)


def text(value: Any) -> str:
    """A workflow value that must be a string, stripped; anything else counts as none
    (GitHub refuses it; and a large structure is never turned into text)."""
    return value.strip() if isinstance(value, str) else ""


def scalar(value: Any) -> str:
    """A step input's value as the runner passes it: a string stripped, YAML's
    ``false`` as ``false``, a number as written; a structure counts as none."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    return text(value)


def mapping(value: Any) -> dict[str, Any]:
    """A workflow value that must be a mapping; anything else counts as empty."""
    return value if isinstance(value, dict) else {}


def with_input(with_: dict[str, Any], name: str) -> tuple[str, Any] | None:
    """The step input ``name`` (``repository-url``) as written: under its name or the
    anchor's underscore spelling (``repository_url``); the key and its value."""
    for key in (name, name.replace("-", "_")):
        if key in with_:
            return key, with_[key]
    return None


@dataclass
class Step:
    """A step of a job that runs this action or the anchor, itself or through
    composite actions of the repository (``via``, outermost first)."""

    job: Job
    index: int
    data: dict[str, Any]
    via: list[Layer] = field(default_factory=list)

    @property
    def path(self) -> tuple[str | int, ...]:
        """The keys that lead to the step in its workflow file."""
        return (*self.job.path, "steps", self.index)

    @property
    def uses(self) -> str:
        """The action that publishes (through a composite action: the one it runs)."""
        inner = self.via[-1].step if self.via else self.data
        return text(inner.get("uses"))

    @property
    def with_(self) -> dict[str, Any]:
        """The step's own ``with:`` (empty when it has none)."""
        return mapping(self.data.get("with"))

    def input(self, name: str) -> tuple[str, Any] | None:
        """One of the inputs the publishing action gets (``repository-url`` or
        ``repository_url``): the key as written, and the value, through composite
        actions as they pass it on."""
        found, _ = self._input(name)
        return found

    def _input(self, name: str) -> tuple[tuple[str, Any] | None, Location | None]:
        if not self.via:
            found = with_input(self.with_, name)
            return found, self.location("with", found[0]) if found else None
        found = with_input(mapping(self.via[-1].step.get("with")), name)
        if found is None:
            return None, None
        level, written, value = given(self.via, self.with_, *found)
        if value == "":
            return None, None  # left empty: the action's default
        if level < 0:
            where = self.location("with", written)
        else:
            where = self.via[level].location("with", written)
        return (found[0], value), where

    def input_location(self, name: str) -> Location:
        """Where the value of input ``name`` is written (else, the ``uses:`` line)."""
        return self._input(name)[1] or self.location("uses")

    @property
    def label(self) -> str:
        """How the report names the step: its ``name:``, ``id:``, or its number (and
        the composite action it runs)."""
        own = text(self.data.get("name")) or text(self.data.get("id")) or f"#{self.index + 1}"
        return f"{own} (through `{text(self.data.get('uses'))}`)" if self.via else own

    @property
    def on_anchor(self) -> bool:
        """Whether the step uses pypa/gh-action-pypi-publish rather than this action."""
        return ANCHOR in self.uses.lower()

    @property
    def dry_run(self) -> bool:
        """Whether the step is this action's dry run, written as a literal
        (``dry-run: true``): it never mints nor uploads, so it publishes nothing. An
        expression may be false at run time, and the anchor has no such input."""
        found = self.input("dry-run")
        # `dry_run` is no input of this action: the runner warns and the action publishes.
        if self.on_anchor or found is None or found[0] != "dry-run":
            return False
        return flag(self, "dry-run", False) is True

    def location(self, *key: str) -> Location:
        """Where the step (or one of its keys) is written; its ``uses:`` through a
        composite action is the line in the action that runs the publishing action."""
        if self.via and key == ("uses",):
            return self.via[-1].location("uses")
        return self.job.workflow.location(*self.path, *key)


@dataclass
class Job:
    """One job of a workflow."""

    workflow: Workflow
    id: str
    data: dict[str, Any]
    steps: list[Step] = field(default_factory=list)  # those that publish

    @property
    def path(self) -> tuple[str, ...]:
        """The keys that lead to the job in its workflow file."""
        return ("jobs", self.id)

    @property
    def needs(self) -> list[str]:
        """The ids of the jobs it ``needs:`` (one, or a list)."""
        needs = self.data.get("needs")
        if isinstance(needs, str):
            return [needs]
        return [n for n in needs if isinstance(n, str)] if isinstance(needs, list) else []

    @property
    def calls(self) -> str:
        """The reusable workflow this job calls (``uses:`` at job level), or ``""``."""
        return text(self.data.get("uses"))

    def location(self, *key: str) -> Location:
        """Where the job (or one of its keys) is written."""
        return self.workflow.location(*self.path, *key)


@dataclass
class Workflow:
    """One workflow file."""

    document: Document
    file: str  # its path from the repository's top, with /
    jobs: dict[str, Job] = field(default_factory=dict)

    @property
    def path(self) -> Path:
        """The file, as it was read."""
        return self.document.path

    @property
    def name(self) -> str:
        """The file's name (``release.yml``), as PyPI's publisher names it."""
        return self.document.path.name

    @property
    def data(self) -> dict[str, Any]:
        """The workflow, parsed (a mapping: the source refuses anything else)."""
        data = self.document.data
        assert isinstance(data, dict)
        return data

    @property
    def triggers(self) -> dict[str, dict[str, Any]]:
        """Each event of ``on:``, with its settings (``types``, ``branches``…)."""
        on = self.data.get("on")
        if isinstance(on, str):
            return {on: {}}
        if isinstance(on, list):
            return {t: {} for t in on if isinstance(t, str)}
        if isinstance(on, dict):
            return {str(t): mapping(v) for t, v in on.items()}
        return {}

    @property
    def reusable(self) -> bool:
        """Whether other workflows can call it (``on: workflow_call``)."""
        return "workflow_call" in self.triggers

    def location(self, *key: str | int) -> Location:
        """Where a key of the workflow (by its path of keys) is written."""
        line, column = self.document.position(*key)
        return Location(self.file, line, column)


@dataclass
class Repository:
    """A checkout: its top folder, where it is on GitHub, and its workflows."""

    root: Path
    owner: str = ""
    name: str = ""
    origin: str = ""  # the remote's URL, as git gave it ("" when there is none)
    own_action: bool = False  # its action.yml is this action, the anchor, or a fork
    workflows: list[Workflow] = field(default_factory=list)
    unreadable: list[InputError] = field(default_factory=list)
    composites: dict[str, list[list[Layer]]] = field(default_factory=dict)  # by `uses:`

    @property
    def slug(self) -> str:
        """``owner/name`` on GitHub, or ``""`` when ``origin`` does not say."""
        return f"{self.owner}/{self.name}" if self.owner else ""

    def workflow(self, file_name: str) -> Workflow | None:
        """The workflow of ``.github/workflows/<file_name>``, if it was read."""
        for workflow in self.workflows:
            if workflow.file == f".github/workflows/{file_name}":
                return workflow
        return None


def literal(step: Step, name: str) -> str | None:
    """The step's input ``name`` as the runner passes it (YAML's ``false`` is
    ``false``), when it is written as a literal; None when absent or an expression."""
    found = step.input(name)
    value = scalar(found[1]) if found else ""
    return None if found is None or "${{" in value else value


def flag(step: Step, name: str, default: bool) -> bool | None:
    """A yes/no input of the step (``attestations``, ``skip-existing``…) as the action
    it uses reads it (``default`` when absent; ours takes ``false``, ``no``, ``0``,
    ``off`` for false, the anchor ``false`` alone, any other value being true); None
    when an expression decides, or a value the action refuses."""
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


def publishes(step: Any, own_action: bool) -> bool:
    """Whether a workflow step runs this action or the one it replaces:
    ``owner/name[/path]@ref`` with either name under any owner, the anchor's image
    (``docker://…/gh-action-pypi-publish:tag``), or ``./`` when the repository's own
    action is one of them (elsewhere ``./`` is the repository's own action)."""
    if not isinstance(step, dict):
        return False
    uses = text(step.get("uses"))
    if uses in ("./", "."):
        return own_action
    if uses.startswith("docker://"):
        image = uses.removeprefix("docker://").rsplit(":", 1)[0].rsplit("@", 1)[0]
        return image.rsplit("/", 1)[-1] in ACTION_NAMES
    parts = uses.split("@", 1)[0].split("/")
    return len(parts) >= 2 and parts[1].lower() in ACTION_NAMES


def is_own_action(root: Path) -> bool:
    """Whether the repository's ``action.yml`` is this action or the anchor (their
    own repositories and forks of them): by its name, or by the inputs they share."""
    for name in ("action.yml", "action.yaml"):
        if not (root / name).is_file():
            continue
        try:
            data = load(root / name).data
        except InputError:
            return False
        inputs = mapping(data.get("inputs"))
        shared = {"password", "repository-url", "packages-dir"}
        alias = {"password", "repository_url", "packages_dir"}
        return (
            text(data.get("name")) in ACTION_TITLES or shared <= set(inputs) or alias <= set(inputs)
        )
    return False


def top_level(folder: Path) -> Path:
    """The top folder of the git checkout holding ``folder`` (``folder`` itself when
    git is missing or it is no checkout)."""
    found = _git(folder, "rev-parse", "--show-toplevel")
    return Path(found) if found else folder


def github_remote(root: Path) -> tuple[str, str, str] | None:
    """Owner and repository of the ``origin`` remote when it is on GitHub, and its URL."""
    url = _git(root, "remote", "get-url", "origin")
    match = _GITHUB_REMOTE.search(url)
    return (match.group("owner"), match.group("repo"), url) if match else None


def _git(folder: Path, *args: str) -> str:
    try:
        return subprocess.run(
            ["git", "-C", str(folder), *args],
            capture_output=True,
            text=True,
            timeout=5,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError, UnicodeDecodeError):
        return ""


def read_repository(root: Path, explicit: Path | None = None) -> Repository:
    """The workflows of ``root/.github/workflows`` (or the one ``explicit`` names, with
    the others for the callers of a reusable one), each job and its publishing steps;
    files that cannot be read are kept aside, each with its problem."""
    repo = Repository(root, own_action=is_own_action(root))
    remote = github_remote(root)
    if remote:
        repo.owner, repo.name, repo.origin = remote
    folder = root / ".github" / "workflows"
    paths = sorted(p for p in folder.glob("*") if p.suffix in (".yml", ".yaml"))
    if explicit is not None and explicit.resolve() not in [p.resolve() for p in paths]:
        paths.insert(0, explicit)
    for path in paths:
        try:
            document = load(path)
        except InputError as exc:
            if explicit is not None and path == explicit:
                raise
            repo.unreadable.append(exc)  # one broken file does not hide the others
            continue
        repo.workflows.append(_workflow(repo, document))
    return repo


def _through(repo: Repository, step: dict[str, Any]) -> list[list[Layer]]:
    """The ways ``step`` publishes through composite actions of the repository (none
    when it does not)."""
    uses = text(step.get("uses"))
    if uses in ("./", "."):
        return []  # the repository's own action: `publishes` decided
    if uses not in repo.composites:
        found = chains(repo.root, repo.slug, uses, lambda s: publishes(s, repo.own_action))
        repo.composites[uses] = found
    return repo.composites[uses]


def _workflow(repo: Repository, document: Document) -> Workflow:
    file = repository_path(document.path, repo.root) or str(document.path)
    workflow = Workflow(document, file)
    for job_id, data in mapping(workflow.data.get("jobs")).items():
        if not isinstance(data, dict):
            continue
        job = Job(workflow, str(job_id), data)
        raw = data.get("steps")
        for i, step in enumerate(raw if isinstance(raw, list) else []):
            if publishes(step, repo.own_action):
                found = [Step(job, i, step)]
            elif isinstance(step, dict):
                # One publishing step per way through the actions, each with its `if:`s.
                found = [Step(job, i, step, via) for via in _through(repo, step)]
            else:
                continue
            job.steps.extend(s for s in found if not s.dry_run)
        workflow.jobs[job.id] = job
    return workflow
