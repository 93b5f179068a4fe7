"""What the steps of one run share (:class:`Context`), and the modes a run takes
(:class:`Mode`). Below both the pipeline, which runs the steps, and the steps, which
read and update the context: neither needs the other to know it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING

from publisher.outcome import Outcome

if TYPE_CHECKING:
    from publisher.attest import Plan
    from publisher.console import Console
    from publisher.http import Http
    from publisher.index import Index, ProjectState
    from publisher.inputs import Config
    from publisher.mint import TokenSource
    from publisher.workflows.lint import Lint
    from publisher.workflows.model import Step


class Mode(Enum):
    """How the pipeline runs."""

    PUBLISH = "publish"  # the action, for real
    DRY_RUN = "dry-run"  # the action with dry-run: an OIDC token is read, never exchanged
    CHECK = "check"  # publisher check, on a checkout: the workflows instead of a token


@dataclass(frozen=True)
class Folder:
    """A folder of dists the workflows publish from, when they publish from several
    (``publisher check`` checks each on its own): what a real run of the first step
    that publishes it would be given, and the publisher fields of that step's job."""

    name: str  # as the workflows write it, from the checkout's top
    config: Config
    step: Step
    publisher: dict[str, str]


@dataclass
class Context:
    """What the steps of one run share: its services, built once, and what earlier
    steps found out."""

    config: Config
    env: Mapping[str, str]
    console: Console
    http: Http
    mode: Mode
    root: Path = field(default_factory=Path.cwd)
    workflow: Path | None = None  # publisher check --workflow
    job: str | None = None  # publisher check --job
    packages_dir_given: bool = True  # publisher check without --packages-dir: False
    index_given: bool = True  # publisher check without --repository-url: False
    workflows_only: bool = False  # publisher check --workflows-only: no dists, no index
    lint: Lint | None = None  # publisher check: the workflows read
    # publisher check, the workflows publishing from several folders: each, to check on
    # its own; and in the run for one of them, that one.
    folders: list[Folder] = field(default_factory=list)
    folder: Folder | None = None
    outcome: Outcome = field(default_factory=Outcome)
    states: dict[str, ProjectState] = field(default_factory=dict)
    publisher: dict[str, str] = field(default_factory=dict)  # the publisher's fields, if known
    tokens: TokenSource | None = None
    signing: Plan | None = None  # set when this run signs (PEP 740)

    def for_folder(self, folder: Folder) -> Context:
        """A context for the steps that check the dists of ``folder``: its settings,
        its publisher, and a run of its own (its findings and the index's state)."""
        from dataclasses import replace

        return replace(
            self,
            config=folder.config,
            publisher=folder.publisher,
            outcome=Outcome(),
            states={},
            signing=None,
            folders=[],
            folder=folder,
        )

    @property
    def index(self) -> Index:
        """The index this run publishes to."""
        return self.config.index

    @property
    def done(self) -> bool:
        """Nothing is left to do: the index was asked, and has every file (or each is
        skipped)."""
        return bool(self.states) and not self.outcome.remaining

    @property
    def new_projects(self) -> list[str]:
        """The projects the look-up before the mint found not on the index."""
        return [p for p, state in self.states.items() if state.exists is False]
