"""The findings of ``publisher check`` for machines: SARIF 2.1.0 (what GitHub code
scanning and zizmor read) and GitHub workflow-command annotations that point at the
file and line. Both are read from the one result model (``Outcome``), like the text
report and ``--format json``."""

from __future__ import annotations

from typing import TYPE_CHECKING

from publisher import __version__
from publisher.console import escape_data, escape_property

if TYPE_CHECKING:
    from publisher.finding import Finding
    from publisher.outcome import Outcome

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://github.com/trusted-publish-action/trusted-publish-action"
# SARIF's levels for our statuses; "ok" findings are not results.
LEVELS = {"notice": "note", "warning": "warning", "error": "error"}


def _results(outcome: Outcome) -> list[Finding]:
    return [f for f in outcome.findings if f.status in LEVELS]


def sarif(outcome: Outcome) -> dict[str, object]:
    """The findings as one SARIF run: a rule per message key, a result per finding,
    with its file, line and column when it has them."""
    found = _results(outcome)
    keys = sorted({str(f.key) for f in found})
    rules = [{"id": key, "name": key, "shortDescription": {"text": key}} for key in keys]
    results = []
    for finding in found:
        result: dict[str, object] = {
            "ruleId": str(finding.key),
            "ruleIndex": keys.index(str(finding.key)),
            "level": LEVELS[finding.status],
            "message": {"text": "\n".join([finding.title, *_body(finding)]).strip()},
        }
        if finding.folder is not None:
            result["properties"] = {"folder": finding.folder}
        if finding.location is not None:
            where = finding.location
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
