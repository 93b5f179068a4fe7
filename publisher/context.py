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


class Mode(Enum):
    """How the pipeline runs."""

    PUBLISH = "publish"  # the action, for real
    DRY_RUN = "dry-run"  # the action with dry-run: an OIDC token is read, never exchanged
    CHECK = "check"  # publisher check, on a checkout: the workflows instead of a token


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
    lint: Lint | None = None  # publisher check: the workflows read
    outcome: Outcome = field(default_factory=Outcome)
    states: dict[str, ProjectState] = field(default_factory=dict)
    publisher: dict[str, str] = field(default_factory=dict)  # the publisher's fields, if known
    tokens: TokenSource | None = None
    signing: Plan | None = None  # set when this run signs (PEP 740)

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
