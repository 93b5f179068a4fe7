"""Where in the user's files a finding points: a file of the repository (its path from
the repository's top, with ``/``), a line and a column, both from 1. Read by every
rendering of a finding (text, JSON, SARIF, GitHub annotations)."""

from __future__ import annotations

from dataclasses import dataclass


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
