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
    from publisher.preflight import Report
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
    if filename in outcome.on_index:
        return "already on the index, not from this run"
    return "not uploaded"


def success_summary(outcome: Outcome, index: Index) -> str:
    """Markdown for a run that did what it should."""
    rows = "\n".join(
        f"| `{d.filename}` | {d.name} | {d.version} | `{d.digests.sha256}` | "
        f"{_result(outcome, d.filename)} |"
        for d in outcome.dists
    )
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


_ICONS = {"ok": "✅", "warning": "⚠️", "error": "❌"}
_COLOURS = {"ok": "\033[32m", "warning": "\033[33m", "error": "\033[31m"}


def _verdict(report: Report) -> str:
    if report.ok:
        return "a real publish would succeed, as far as can be known"
    errors = sum(c.status == "error" for c in report.checks)
    return f"{errors} problem(s) would stop a real publish"


def dry_run_summary(report: Report, index_url: str) -> str:
    """The dry run's report as step-summary Markdown."""

    def cell(text: str) -> str:
        return text.replace("|", "\\|").replace("\n", "<br>")

    rows = "\n".join(
        f"| {_ICONS[c.status]} | {cell(c.check)} | {cell(c.detail)} |" for c in report.checks
    )
    return _template("summary_dryrun.md").substitute(
        index=index_url, verdict=_verdict(report), rows=rows
    )


def dry_run_text(report: Report, *, colour: bool) -> str:
    """The dry run's report for a terminal: one line per check, details indented."""
    lines = []
    for c in report.checks:
        status = f"{c.status:<7}"
        if colour:
            status = f"{_COLOURS[c.status]}{status}\033[0m"
        lines.append(f"{status} {c.check}")
        lines.extend(f"        {line}" for line in c.detail.splitlines())
    lines.append("")
    lines.append(("OK: " if report.ok else "FAILED: ") + _verdict(report))
    return "\n".join(lines)
