"""The one way the files this project generates are written or checked (action.yml's
inputs, requirements/image.txt): ``--check`` fails when the file is stale."""

from __future__ import annotations

import sys
from pathlib import Path


def write_or_check(path: Path, wanted: str, argv: list[str], command: str) -> int:
    """Write ``wanted`` to ``path``, or with ``--check`` in ``argv`` exit 1 (saying to
    run ``command``) when it differs."""
    if "--check" not in argv:
        path.write_text(wanted, encoding="utf-8")
        return 0
    current = path.read_text(encoding="utf-8") if path.exists() else ""
    if current != wanted:
        print(f"{path.name} is stale: run {command}", file=sys.stderr)
        return 1
    return 0
