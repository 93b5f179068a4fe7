"""The end of a run: step outputs and the step summary, on success and on failure.

The summary's Markdown lives in ``templates/`` and is filled here; no layout in the logic.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from string import Template
from typing import TYPE_CHECKING

from publisher import messages
from publisher.messages import Msg

if TYPE_CHECKING:
    from publisher.console import Console
    from publisher.errors import PublishError
    from publisher.index import Index
    from publisher.outcome import Outcome

TEMPLATES = Path(__file__).parent / "templates"
RESULTS = {
    "uploaded": Msg.RESULT_UPLOADED,
    "skipped": Msg.RESULT_SKIPPED,
    "skipped-other": Msg.RESULT_SKIPPED_OTHER,
    "on-index": Msg.RESULT_ON_INDEX,
    "not-uploaded": Msg.RESULT_NOT_UPLOADED,
}


def cell(markdown: str) -> str:
    """Markdown for one table cell: one line, no column breaks."""
    return markdown.replace("|", "\\|").replace("\r", "").replace("\n", "<br>")


def fenced(text: str) -> str:
    """``text`` as a fenced code block that nothing inside it can close."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}text\n{text}\n{fence}"


def _md(value: str) -> str:
    return cell(messages.escape_markdown(value))


def _template(name: str) -> Template:
    return Template((TEMPLATES / name).read_text(encoding="utf-8"))


def write_outputs(console: Console, outcome: Outcome, index: Index | None) -> None:
    """``uploaded``, ``skipped`` and ``urls`` as JSON arrays."""
    console.set_output("uploaded", json.dumps([d.filename for d in outcome.uploaded]))
    console.set_output("skipped", json.dumps([d.filename for d in outcome.skipped]))
    published = sorted({d.project for d in outcome.uploaded + outcome.skipped})
    urls = [index.project_url(p) for p in published] if index else []
    console.set_output("urls", json.dumps(urls))
    uploaded = {d.filename for d in outcome.uploaded}
    attested = list(dict.fromkeys(a.filename for a in outcome.attested if a.filename in uploaded))
    console.set_output("attestations", json.dumps(attested))


def _result(outcome: Outcome, filename: str) -> str:
    return messages.phrase(RESULTS[outcome.result(filename)])


def success_summary(outcome: Outcome, index: Index) -> str:
    """Markdown for a run that did what it should."""
    rows = "\n".join(
        f"| {_md(d.filename)} | {_md(d.name)} | {_md(d.version)} | `{d.digests.sha256}` | "
        f"{_result(outcome, d.filename)} |"
        for d in outcome.dists
    )
    fields = {
        "index": index.read_url,
        "uploaded": len(outcome.uploaded),
        "skipped": len(outcome.skipped),
    }
    links = "\n".join(f"- {index.project_url(p)}" for p in outcome.projects)
    return _template("summary_success.md").substitute(
        heading=messages.title(Msg.SUMMARY_PUBLISHED, fields, markdown=True),
        intro=messages.render(Msg.SUMMARY_PUBLISHED, fields),
        rows=rows,
        links=links,
        attestations=_attestations(outcome),
        token=_token(outcome),
    )


def _token(outcome: Outcome) -> str:
    """One line: what became of the run's upload tokens (burned, or why not)."""
    if outcome.burn is None:
        return ""
    return messages.title(outcome.burn.key, outcome.burn.fields, markdown=True) + "."


def _attestations(outcome: Outcome) -> str:
    """The attestations sent, as a table: file, signing identity, log entry."""
    if not outcome.attested:
        return ""
    rows = "\n".join(
        f"| {_md(a.filename)} | {_md(a.identity)} | {_md(a.log_index)} | "
        f"{messages.phrase(Msg.ATTESTED_GIVEN if a.given else Msg.ATTESTED_SIGNED)} |"
        for a in outcome.attested
    )
    return _template("summary_attestations.md").substitute(
        heading=messages.phrase(Msg.SUMMARY_ATTESTATIONS), rows=rows
    )


def failure_summary(error: PublishError, outcome: Outcome) -> str:
    """Markdown for a failed run: the diagnosis, and what did and did not reach the index."""
    refused = messages.phrase(Msg.RESULT_REFUSED)
    rows = (
        "\n".join(
            [f"| `{d.filename}` | {_result(outcome, d.filename)} |" for d in outcome.dists]
            + [f"| {_md(name)} | {refused} |" for name in outcome.refused]
        )
        or f"| {messages.phrase(Msg.SUMMARY_NO_DISTS)} | |"
    )
    advice = Msg.SUMMARY_SOME_LANDED if outcome.uploaded else Msg.SUMMARY_NONE_LANDED
    return _template("summary_failure.md").substitute(
        title=cell(messages.title(error.key, error.fields, markdown=True)),
        body=fenced(str(error)),
        rows=rows,
        advice=messages.phrase(advice),
        token=_token(outcome),
    )


_ICONS = {"ok": "✅", "notice": "ℹ️", "warning": "⚠️", "error": "❌"}  # noqa: RUF001
_COLOURS = {"ok": "\033[32m", "notice": "\033[36m", "warning": "\033[33m", "error": "\033[31m"}


def _verdict(outcome: Outcome) -> tuple[str, str]:
    """The verdict's prefix and text."""
    if outcome.ok:
        return messages.render(Msg.VERDICT_OK, {}), messages.phrase(Msg.VERDICT_OK)
    fields = {"count": len(outcome.errors)}
    return messages.render(Msg.VERDICT_FAILED, fields), messages.title(Msg.VERDICT_FAILED, fields)


def dry_run_summary(outcome: Outcome, index: Index) -> str:
    """The dry run's report as step-summary Markdown."""

    rows = "\n".join(
        f"| {_ICONS[f.status]} | {cell(messages.title(f.key, f.fields, markdown=True))} | "
        f"{cell(messages.render(f.key, f.fields, markdown=True))} |"
        for f in outcome.findings
    )
    return _template("summary_dryrun.md").substitute(
        index=_md(index.read_url), verdict=_verdict(outcome)[1], rows=rows
    )


def dry_run_text(outcome: Outcome, *, colour: bool) -> str:
    """The dry run's report for a terminal: one line per check, details indented."""
    lines = []
    for f in outcome.findings:
        status = f"{f.status:<7}"
        if colour:
            status = f"{_COLOURS[f.status]}{status}\033[0m"
        lines.append(f"{status} {f.title}")
        lines.extend(f"        {line}" for line in f.detail.splitlines())
    lines.append("")
    prefix, verdict = _verdict(outcome)
    lines.append(prefix + verdict)
    return "\n".join(lines)
