"""Where in the user's files a finding points: a file of the repository (its path from
the repository's top, with ``/``), a line and a column, both from 1. Read by every
rendering of a finding (text, JSON, SARIF, GitHub annotations)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Location:
    """A place in a file of the repository."""

    file: str
    line: int = 1
    column: int = 1

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}"

    def as_json(self) -> dict[str, object]:
        """Plain data for ``--format json``."""
        return {"file": self.file, "line": self.line, "column": self.column}


def repository_path(path: Path, root: Path) -> str | None:
    """``path`` as a :class:`Location` names it: from the top of the repository at
    ``root``, with ``/``, links resolved; None when it is outside the repository."""
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return None
