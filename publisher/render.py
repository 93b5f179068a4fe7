"""The findings of ``publisher check`` for machines: SARIF 2.1.0 (what GitHub code
scanning and zizmor read) and GitHub workflow-command annotations that point at the
file and line. Both are read from the one result model (``Outcome``), like the text
report and ``--format json``."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import TYPE_CHECKING

from publisher import __version__
from publisher.console import escape_data, escape_property
from publisher.location import Location

if TYPE_CHECKING:
    from publisher.context import Context
    from publisher.finding import Finding
    from publisher.outcome import Outcome

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://github.com/trusted-publish-action/trusted-publish-action"
# SARIF's levels for our statuses; "ok" findings are not results.
LEVELS = {"notice": "note", "warning": "warning", "error": "error"}
# Where a result about no line of the workflows is shown when no step publishes and no
# workflow was read: a file every Python project has one of.
PROJECT_FILES = ("pyproject.toml", "setup.py", "setup.cfg")


@dataclass(frozen=True)
class Anchors:
    """Where SARIF shows the results that are about no line: GitHub code scanning
    refuses the whole file for one result without a location (GH1001), so each gets
    the line of the repository that is closest to what it is about."""

    default: Location | None = None
    folders: Mapping[str, Location] = field(default_factory=dict)  # by folder of dists

    def of(self, finding: Finding) -> Location | None:
        """The finding's own line; for a folder of dists, the line of the step that
        publishes it; else the default (None: nothing in the repository to show it at)."""
        if finding.location is not None:
            return finding.location
        if finding.folder is not None and finding.folder in self.folders:
            return self.folders[finding.folder]
        return self.default


def anchors(ctx: Context) -> Anchors:
    """The lines a check of ``ctx`` shows its results about no line at: each folder's
    step (its ``packages-dir``, else its ``uses:``); else the first publishing step's
    ``uses:``; else the top of the first workflow read; else of ``pyproject.toml``
    (or ``setup.py``, ``setup.cfg``)."""
    folders = {f.name: f.step.input_location("packages-dir") for f in ctx.folders}
    default: Location | None = None
    if ctx.lint is not None:
        step = next(ctx.lint.steps(), None)
        read = [w.file for w in ctx.lint.repo.workflows if not PurePosixPath(w.file).is_absolute()]
        if step is not None:
            default = step.job.workflow.location(*step.path, "uses")
        elif read:
            default = Location(read[0])
    if default is None:
        found = (name for name in PROJECT_FILES if (ctx.root / name).is_file())
        default = next((Location(name) for name in found), None)
    return Anchors(default, folders)


def _results(outcome: Outcome) -> list[Finding]:
    return [f for f in outcome.findings if f.status in LEVELS]


def sarif(outcome: Outcome, anchors: Anchors) -> dict[str, object]:
    """The findings as one SARIF run: a rule per message key, a result per finding,
    each at its file, line and column, or at the line ``anchors`` gives it; a finding
    with none is left out (GitHub would refuse the whole file)."""
    found = [(f, where) for f in _results(outcome) if (where := anchors.of(f)) is not None]
    # A rule's description: the title of its first result, in words rather than a key.
    described: dict[str, str] = {}
    for finding, _ in found:
        described.setdefault(str(finding.key), finding.title)
    keys = sorted(described)
    rules = [{"id": key, "name": key, "shortDescription": {"text": described[key]}} for key in keys]
    results = []
    for finding, where in found:
        result: dict[str, object] = {
            "ruleId": str(finding.key),
            "ruleIndex": keys.index(str(finding.key)),
            "level": LEVELS[finding.status],
            "message": {"text": "\n".join([finding.title, *_body(finding)]).strip()},
        }
        if finding.folder is not None:
            result["properties"] = {"folder": finding.folder}
        result["locations"] = [
            {
                "physicalLocation": {
                    "artifactLocation": {"uri": where.file, "uriBaseId": "%SRCROOT%"},
                    "region": {"startLine": where.line, "startColumn": where.column},
                }
            }
        ]
        results.append(result)
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "publisher check",
                        "version": __version__,
                        "informationUri": INFORMATION_URI,
                        "rules": rules,
                    }
                },
                "results": results,
            }
        ],
    }


def annotation_lines(outcome: Outcome) -> list[str]:
    """One workflow command per notice, warning and error, at its file and line when
    it has one (GitHub shows it there, in the run and on the pull request)."""
    lines = []
    for finding in _results(outcome):
        props = []
        if finding.location is not None:
            where = finding.location
            props += [f"file={where.file}", f"line={where.line}", f"col={where.column}"]
        props.append(f"title={finding.title}")
        text = ",".join(
            f"{name}={escape_property(value)}"
            for name, _, value in (p.partition("=") for p in props)
        )
        body = "\n".join(_body(finding))
        lines.append(f"::{finding.status} {text}::{escape_data(body)}")
    return lines


def _body(finding: Finding) -> list[str]:
    """A finding's body, and the folder of dists it is about (its file and line go in
    fields of their own)."""
    return [finding.detail, *finding.for_folder]
