"""Composite actions of the repository that publish: a workflow step whose ``uses:`` is
an action of this repository (``./path``, or ``<this owner>/<this repo>/path@ref``, read
from the checkout) made of steps (``runs.using: composite``), one of which runs this
action or the anchor, or another such action (GitHub allows 10 levels). The job of that
step publishes, as if the step used the action itself, with the inputs the inner step
is given: literals, the outer step's ``with:`` (``${{ inputs.x }}``) or the action's
declared defaults. Each way down to a publishing step is one publishing step of the
job (an action may upload to TestPyPI from one step and to PyPI from another); the
``if:`` of the action steps on each way is evaluated in ``reach``. Action files are
read as hostile input, like workflows, and never outside the repository."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from publisher.errors import InputError
from publisher.location import Location, repository_path
from publisher.workflows.source import Document, load

MAX_LEVELS = 10  # GitHub's limit on composite actions within composite actions
MAX_PATHS = 32  # ways to a publishing step kept per action
_INPUT = re.compile(r"^\$\{\{\s*inputs\.(?P<name>[A-Za-z0-9_-]+)\s*\}\}$")


@dataclass(frozen=True)
class Layer:
    """One composite action on the way to the step that publishes, and which of its
    steps leads on."""

    file: str  # the action's file, from the repository's top, with /
    document: Document
    index: int

    @property
    def step(self) -> dict[str, Any]:
        """The action's step that leads on (to the next layer, or the publishing action)."""
        steps = self.document.data["runs"]["steps"]
        found = steps[self.index]
        assert isinstance(found, dict)
        return found

    @property
    def declared(self) -> dict[str, Any]:
        """The action's ``inputs:`` (name: spec)."""
        inputs = self.document.data.get("inputs")
        return inputs if isinstance(inputs, dict) else {}

    def location(self, *key: str) -> Location:
        """Where the leading step (or one of its keys) is written."""
        line, column = self.document.position("runs", "steps", self.index, *key)
        return Location(self.file, line, column)


def action_folder(root: Path, slug: str, uses: str) -> Path | None:
    """The folder of the repository's own action a ``uses:`` names, if it names one
    inside the repository: ``./path``, or ``<slug>/path@ref`` (the checkout's copy
    stands for the ref). ``./`` alone is the repository's top action."""
    if uses.startswith("./"):
        relative = uses[2:]
    elif slug and "@" in uses and not uses.startswith("docker://"):
        target = uses.split("@", 1)[0]
        owner, _, rest = target.partition("/")
        name, _, relative = rest.partition("/")
        if f"{owner}/{name}".lower() != slug.lower() or not relative:
            return None
    else:
        return None
    folder = (root / relative).resolve()
    top = root.resolve()
    if folder != top and top not in folder.parents:
        return None  # `./../elsewhere`: not the repository's
    return folder


def _read_action(folder: Path, root: Path) -> tuple[str, Document] | None:
    for name in ("action.yml", "action.yaml"):
        path = folder / name
        if not path.is_file():
            continue
        file = repository_path(path, root)
        if file is None:
            return None  # a link out of the repository: not the repository's action
        try:
            document = load(path)
        except InputError:
            return None  # GitHub could not run it either; the step publishes nothing
        return file, document
    return None


def chains(root: Path, slug: str, uses: str, publishes: Callable[[Any], bool]) -> list[list[Layer]]:
    """Every way from a step's ``uses:`` down to a step that publishes (``publishes``
    says which do) through composite actions of the repository, each outermost
    first: an action may publish from two of its steps (TestPyPI and PyPI, each under
    its own ``if:``), or call two that do. Each action is read once, and at most
    :data:`MAX_PATHS` ways are kept, so a hostile action that calls another many times
    cannot multiply the work."""
    return _paths(root, slug, uses, publishes, {})


def _paths(
    root: Path,
    slug: str,
    uses: str,
    publishes: Callable[[Any], bool],
    memo: dict[Path, list[list[Layer]]],
) -> list[list[Layer]]:
    folder = action_folder(root, slug, uses)
    if folder is None:
        return []
    if folder in memo:
        return memo[folder]
    memo[folder] = []  # while it is read: an action that calls itself leads nowhere more
    found = _read_action(folder, root)
    if found is None:
        return []
    file, document = found
    runs = document.data.get("runs")
    if not isinstance(runs, dict) or runs.get("using") != "composite":
        return []
    steps = runs.get("steps")
    paths: list[list[Layer]] = []
    for index, step in enumerate(steps if isinstance(steps, list) else []):
        if not isinstance(step, dict):
            continue
        layer = Layer(file, document, index)
        if publishes(step):
            paths.append([layer])
            continue
        inner = step.get("uses")
        if isinstance(inner, str):
            for tail in _paths(root, slug, inner.strip(), publishes, memo):
                if len(tail) < MAX_LEVELS:
                    paths.append([layer, *tail])
    memo[folder] = paths[:MAX_PATHS]
    return memo[folder]


def given(layers: list[Layer], outer: dict[str, Any], key: str, value: Any) -> tuple[int, str, Any]:
    """The value the publishing step gets for the input written ``key: value`` in the
    innermost layer: each ``${{ inputs.x }}`` taken from the ``with:`` of the step
    one level out (``outer`` is the workflow step's), else the action's default, else
    empty. Also where it is written: the level (-1 for the workflow step, else the
    layer's index) and the key there."""
    level = len(layers) - 1
    while level >= 0:
        match = _INPUT.match(value) if isinstance(value, str) else None
        if match is None:
            return level, key, value
        name = match["name"]
        above = outer if level == 0 else _with(layers[level - 1].step)
        if name in above:
            key, value = name, above[name]
            level -= 1
            continue
        spec = layers[level].declared.get(name)
        default = spec.get("default") if isinstance(spec, dict) else None
        return level, key, "" if default is None else default
    return -1, key, value


def _with(step: dict[str, Any]) -> dict[str, Any]:
    found = step.get("with")
    return found if isinstance(found, dict) else {}
