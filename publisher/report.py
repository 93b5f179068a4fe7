"""The end of a run: step outputs and the step summary, on success and on failure.

The summary's Markdown lives in ``templates/`` and is filled here; no layout in the logic.
"""

from __future__ import annotations

import json
from pathlib import Path
from string import Template
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from publisher.console import Console
    from publisher.errors import PublishError
    from publisher.index import Index
    from publisher.publish import Outcome

TEMPLATES = Path(__file__).parent / "templates"


def _template(name: str) -> Template:
    return Template((TEMPLATES / name).read_text(encoding="utf-8"))


def write_outputs(console: Console, outcome: Outcome, index: Index | None) -> None:
    """``uploaded``, ``skipped`` and ``urls`` as JSON arrays."""
    console.set_output("uploaded", json.dumps([d.filename for d in outcome.uploaded]))
    console.set_output("skipped", json.dumps([d.filename for d in outcome.skipped]))
    published = sorted({d.project for d in outcome.uploaded + outcome.skipped})
    urls = [index.project_url(p) for p in published] if index else []
    console.set_output("urls", json.dumps(urls))


def _result(outcome: Outcome, filename: str) -> str:
    if any(d.filename == filename for d in outcome.uploaded):
        return "uploaded"
    if any(d.filename == filename for d in outcome.skipped):
        return "already on the index (skipped)"
    return "would be uploaded" if outcome.dry_run else "not uploaded"


def success_summary(outcome: Outcome, index: Index) -> str:
    """Markdown for a run that did what it should."""
    rows = "\n".join(
        f"| `{d.filename}` | {d.name} | {d.version} | `{d.digests.sha256}` | "
        f"{_result(outcome, d.filename)} |"
        for d in outcome.dists
    )
    if outcome.dry_run:
        heading = f"Dry run for {index.read_url}: all checks passed"
        intro = "No token was minted and nothing was uploaded."
    else:
        heading = f"Published to {index.read_url}"
        intro = f"{len(outcome.uploaded)} uploaded, {len(outcome.skipped)} skipped."
    links = "\n".join(f"- {index.project_url(p)}" for p in outcome.projects)
    return _template("summary_success.md").substitute(
        heading=heading, intro=intro, rows=rows, links=links
    )


def failure_summary(error: PublishError, outcome: Outcome) -> str:
    """Markdown for a failed run: the diagnosis, and what did and did not reach the index."""
    rows = (
        "\n".join(f"| `{d.filename}` | {_result(outcome, d.filename)} |" for d in outcome.dists)
        or "| (no distribution was validated) | |"
    )
    if outcome.uploaded:
        advice = (
            "Some files reached the index and some did not. Once the cause is fixed, "
            "re-run with `skip-existing: true` to upload the rest."
        )
    else:
        advice = "Nothing was uploaded."
    return _template("summary_failure.md").substitute(
        title=error.title, body=str(error), rows=rows, advice=advice
    )
