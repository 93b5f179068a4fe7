"""Container actions run on Linux runners only."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from publisher.finding import Finding
from publisher.messages import Msg

if TYPE_CHECKING:
    from publisher.workflows.lint import Lint


def audit(lint: Lint) -> Iterator[Finding]:
    """An error for a publishing job whose ``runs-on`` names macOS or Windows."""
    for job in lint.targets:
        runs_on = job.data.get("runs-on")
        labels = runs_on if isinstance(runs_on, list) else [runs_on]
        for label in labels:
            if isinstance(label, str) and re.match(r"(macos|windows)", label, re.IGNORECASE):
                fields = {"workflow": job.workflow.name, "job": job.id, "runner": label}
                yield Finding("error", Msg.CHECK_NOT_LINUX, fields, job.location("runs-on"))
                break
