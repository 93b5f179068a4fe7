"""The end of a run: step outputs and the step summary, on success and on failure.

The summary's Markdown lives in ``templates/`` and is filled here; no layout in the logic.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from pathlib import Path
from string import Template
from typing import TYPE_CHECKING

from publisher import messages
from publisher.markdown import cell, code_span, fenced, link, one_line
from publisher.messages import Msg

if TYPE_CHECKING:
    from publisher.attest import Attested
    from publisher.console import Console
    from publisher.dists import Dist
    from publisher.errors import PublishError
    from publisher.index import Index
    from publisher.oidc import Claims
    from publisher.outcome import Outcome

TEMPLATES = Path(__file__).parent / "templates"
RESULTS = {
    "uploaded": Msg.RESULT_UPLOADED,
    "skipped": Msg.RESULT_SKIPPED,
    "skipped-other": Msg.RESULT_SKIPPED_OTHER,
    "on-index": Msg.RESULT_ON_INDEX,
    "not-uploaded": Msg.RESULT_NOT_UPLOADED,
    "unconfirmed": Msg.RESULT_UNCONFIRMED,
}


def _md(value: object) -> str:
    """An outside value for a table cell: a code span, on one line."""
    return cell(messages.to_markdown(value))


def _template(name: str) -> Template:
    return Template((TEMPLATES / name).read_text(encoding="utf-8"))


def write_outputs(console: Console, outcome: Outcome, index: Index | None) -> None:
    """``uploaded``, ``skipped``, ``urls`` and ``attestations`` as JSON arrays; the
    release pages (``release-urls``, and ``release-url`` when there is one release) and
    each attested file's transparency-log index (``log-indexes``, a JSON object)."""
    console.set_output("uploaded", json.dumps([d.filename for d in outcome.uploaded]))
    console.set_output("skipped", json.dumps([d.filename for d in outcome.skipped]))
    published = sorted({d.project for d in outcome.uploaded + outcome.skipped})
    urls = [index.project_url(p) for p in published] if index else []
    console.set_output("urls", json.dumps(urls))
    uploaded = {d.filename for d in outcome.uploaded}
    attested = _first_attestations(a for a in outcome.attested if a.filename in uploaded)
    console.set_output("attestations", json.dumps(list(attested)))
    releases = [str(index.release_url(*r)) for r in _releases(outcome)] if index else []
    console.set_output("release-urls", json.dumps(releases))
    console.set_output("release-url", releases[0] if len(releases) == 1 else "")
    indexes = {name: a.log_index for name, a in attested.items()}
    console.set_output("log-indexes", json.dumps(indexes))


def _first_attestations(attested: Iterable[Attested]) -> dict[str, Attested]:
    """Each file's first attestation (its publish one; a provenance one may follow)."""
    first: dict[str, Attested] = {}
    for a in attested:
        first.setdefault(a.filename, a)
    return first


def _releases(outcome: Outcome) -> list[tuple[str, str]]:
    """The releases (project, version) this run published to, uploads or skips."""
    done = outcome.uploaded + outcome.skipped
    return sorted({(d.project, d.version) for d in done})


def log_result(console: Console, outcome: Outcome, index: Index | None) -> None:
    """The end of a real run in the log, as the summary tells it: each file and what
    became of it (with its page on the index when it is there), then the releases."""
    if not outcome.dists and not outcome.refused:
        return
    with console.group(Msg.SUMMARY_ON_INDEX):
        for dist in outcome.dists:
            there = index is not None and outcome.result(dist.filename) != "not-uploaded"
            link = f" {index.files_url(dist.project, dist.version)}" if index and there else ""
            console.info(
                Msg.LOG_RESULT,
                filename=dist.filename,
                result=_result(outcome, dist.filename),
                link=messages.Text(link),
            )
        for name in outcome.refused:
            refused = messages.phrase(Msg.RESULT_REFUSED)
            console.info(Msg.LOG_RESULT, filename=name, result=refused, link="")
        if index is not None and (releases := _releases(outcome)):
            urls = messages.lines((index.release_url(*r) for r in releases), sep=", ")
            console.info(Msg.SUMMARY_RELEASES, releases=urls)
        if outcome.failure is not None:
            console.info(_landed(outcome))


def _landed(outcome: Outcome) -> Msg:
    """What a failed run left on the index, in a sentence."""
    if outcome.unconfirmed:
        return Msg.SUMMARY_MAYBE_LANDED
    return Msg.SUMMARY_SOME_LANDED if outcome.uploaded else Msg.SUMMARY_NONE_LANDED


def _result(outcome: Outcome, filename: str) -> str:
    return messages.phrase(RESULTS[outcome.result(filename)])


def success_summary(outcome: Outcome, index: Index) -> str:
    """Markdown for a run that did what it should: each file linked to its release's
    file list on the index, each attestation to its transparency-log entry, the
    release pages, and what was skipped or left undone, and why."""
    signed = _first_attestations(outcome.attested)
    rows = "\n".join(
        f"| {_file(d, index)} | {index.release_url(d.project, d.version).markdown} | "
        f"`{d.digests.sha256}` | {_result(outcome, d.filename)} |"
        + (f" {_log_entry(signed.get(d.filename))} |" if signed else "")
        for d in outcome.dists
    )
    fields = {
        "index": index.read_url,
        "uploaded": len(outcome.uploaded),
        "skipped": len(outcome.skipped),
    }
    releases = ", ".join(index.release_url(*r).markdown or "" for r in _releases(outcome))
    return _template("summary_success.md").substitute(
        heading=messages.title(Msg.SUMMARY_PUBLISHED, fields, markdown=True),
        intro=messages.render(Msg.SUMMARY_PUBLISHED, fields, markdown=True),
        releases=_releases_line(releases),
        log_head=f" {messages.phrase(Msg.SUMMARY_LOG_COLUMN)} |" if signed else "",
        log_rule="---|" if signed else "",
        rows=rows,
        attestations=_attestations(outcome),
        notes=_notes(outcome),
        token=_token(outcome),
    )


def _token(outcome: Outcome) -> str:
    """One line: what became of the run's upload tokens (burned, or why not)."""
    if outcome.burn is None:
        return ""
    return messages.title(outcome.burn.key, outcome.burn.fields, markdown=True) + "."


def _releases_line(releases: str) -> str:
    if not releases:
        return ""
    fields = {"releases": messages.Text("", releases)}
    return messages.title(Msg.SUMMARY_RELEASES, fields, markdown=True)


def _log_entry(attested: Attested | None) -> str:
    """An attestation's transparency-log entry: a link where it can be looked up."""
    if attested is None:
        return ""
    url = attested.log_url
    return (url.markdown or "") if url is not None else _md(attested.log_index)


def _attestations(outcome: Outcome) -> str:
    """The attestations sent, as a table: file, signing identity, log entry."""
    if not outcome.attested:
        return ""
    rows = "\n".join(
        f"| {_md(a.filename)} | {_md(a.identity)} | {_log_entry(a)} | "
        f"{messages.phrase(Msg.ATTESTED_GIVEN if a.given else Msg.ATTESTED_SIGNED)} |"
        for a in outcome.attested
    )
    return _template("summary_attestations.md").substitute(
        heading=messages.phrase(Msg.SUMMARY_ATTESTATIONS), rows=rows
    )


def _notes(outcome: Outcome) -> str:
    """What was skipped or not done, and why: the run's warnings and notices, a
    line each (title, then the body's first line, and the lines it leads into)."""
    # Log lines (log-…) say what the run is about to do: by its end, done.
    notes = [
        f
        for f in outcome.findings
        if f.status in ("warning", "notice") and not f.key.startswith("log-")
    ]
    if not notes:
        return ""
    lines = "\n".join(
        f"- **{messages.title(f.key, f.fields, markdown=True)}**: "
        + _first_line(messages.render(f.key, f.fields, markdown=True))
        for f in notes
    )
    return f"### {messages.phrase(Msg.SUMMARY_NOTES)}\n\n{lines}\n"


def _first_line(body: str) -> str:
    """A body's first line, with the indented lines it leads into when it ends with a
    colon (both sha256 of a file skipped, say): a note is not cut off at its colon."""
    lines = body.split("\n")
    first = lines[0]
    if not first.endswith(":"):
        return first
    listed = []
    for line in lines[1:]:
        if not line.startswith("  "):
            break
        listed.append(" ".join(line.split()))  # the log's alignment, not Markdown's
    return f"{first} {'; '.join(listed)}" if listed else first


def failure_summary(error: PublishError, outcome: Outcome, index: Index | None) -> str:
    """Markdown for a failed run: the diagnosis as a heading and one sentence, the
    token's claims beside what the publisher must hold (for a diagnosis about the
    publisher), the fix as a list with its links, the rest of the diagnosis folded, and
    what did and did not reach the index."""
    body = messages.render(error.key, error.fields, markdown=True).split("\n")
    at = next((i for i, line in enumerate(body) if line.startswith("Fix")), len(body))
    explanation = [line.strip() for line in body[:at] if line.strip()]
    sentence, details = _lead(explanation)
    fixes = _fix_list(body[at:])
    if error.key in messages.HELP:
        label, url = messages.HELP[error.key]
        fixes.append(f"- {link(messages.phrase(label), url)}")
    advice = messages.phrase(_landed(outcome))
    claims = ""
    if error.key in messages.SHOWS_CLAIMS and outcome.claims is not None and index is not None:
        claims = _claims_table(outcome.claims, index)
    return _template("summary_failure.md").substitute(
        title=cell(messages.title(error.key, error.fields, markdown=True)),
        sentence=sentence,
        claims=claims,
        fixes=f"### {messages.phrase(Msg.SUMMARY_FIX)}\n\n" + "\n".join(fixes) + "\n\n"
        if fixes
        else "",
        # The line under the table says what landed: not folded in above it too.
        details=_details([line for line in details if line != advice]),
        on_index=messages.phrase(Msg.SUMMARY_ON_INDEX),
        rows=_index_rows(outcome, index),
        advice=advice,
        token=_token(outcome),
    )


def _lead(explanation: list[str]) -> tuple[str, list[str]]:
    """The diagnosis's first line (or its first list, all of it), and the rest."""
    if not explanation:
        return "", []
    if not explanation[0].startswith("- "):
        return explanation[0], explanation[1:]
    items = [line for line in explanation if line.startswith("- ")]
    return "\n".join(items), [line for line in explanation if not line.startswith("- ")]


_FIX_START = ("Fix:", "Fix, either:", "Fix")
_NUMBERED = re.compile(r"^\d+\.\s+")  # one of the numbered choices of a fix


def _fix_list(lines: list[str]) -> list[str]:
    """The fix, from "Fix: …" on, as a Markdown list: one item a line (a numbered
    choice is an item), lines indented four spaces as a block of YAML in the item
    before, and a line ending with a colon joined to the next (a link, say)."""
    items: list[list[str]] = []
    code: list[str] = []
    joining = False
    for raw in lines:
        if raw.startswith("    ") and items:
            code.append(raw[4:])
            continue
        if code:
            items[-1].append("\n" + fenced("\n".join(code), "yaml"))
            code, joining = [], False
        line = raw.strip()
        for start in _FIX_START:
            if line.startswith(start):
                line = line[len(start) :].strip()
                break
        line = _NUMBERED.sub("", line)
        if not line:
            continue
        if joining:
            items[-1].append(" " + line)
        else:
            items.append([line[:1].upper() + line[1:]])
        joining = line.endswith(":")
    if code and items:
        items[-1].append("\n" + fenced("\n".join(code), "yaml"))
    return ["- " + "".join(item).replace("\n", "\n  ") for item in items]


def _details(lines: list[str]) -> str:
    """The rest of the diagnosis, folded: a paragraph a line."""
    if not lines:
        return ""
    return _template("summary_details.md").substitute(
        label=messages.phrase(Msg.SUMMARY_DETAILS), paragraphs="\n\n".join(lines)
    )


def _claims_table(claims: Claims, index: Index) -> str:
    """The token's claims beside what the publisher must hold, with a hint each."""
    values = claims.shown()
    rows = []
    for field, key in messages.CLAIMS:
        name, must, hint = messages.claim_row(key)
        rows.append(f"| {name} | {_md(values[field])} | {must} | {hint} |")
    return _template("summary_claims.md").substitute(
        heading=messages.title(Msg.SUMMARY_CLAIMS, {"index": index.read_url}, markdown=True),
        rows="\n".join(rows),
    )


def _file(dist: Dist, index: Index | None) -> str:
    """A file's name, linked to its release's file list on the index when it is there."""
    name = code_span(dist.filename)
    return link(name, index.files_url(dist.project, dist.version)) if index else name


def _index_rows(outcome: Outcome, index: Index | None) -> str:
    """What is on the index now: a row a file, a link for each file it has."""
    refused = messages.phrase(Msg.RESULT_REFUSED)
    rows = [
        f"| {_file(d, index) if outcome.result(d.filename) != 'not-uploaded' else _md(d.filename)}"
        f" | {_result(outcome, d.filename)} |"
        for d in outcome.dists
    ] + [f"| {_md(name)} | {refused} |" for name in outcome.refused]
    return "\n".join(rows) or f"| {messages.phrase(Msg.SUMMARY_NO_DISTS)} | |"


_ICONS = {"ok": "✅", "notice": "ℹ️", "warning": "⚠️", "error": "❌"}  # noqa: RUF001
_COLOURS = {"ok": "\033[32m", "notice": "\033[36m", "warning": "\033[33m", "error": "\033[31m"}


# `publisher check`: no workflow (or not the one named) has a step that publishes.
_NO_PUBLISHING_STEP = (Msg.CHECK_NO_WORKFLOW, Msg.CHECK_WORKFLOW_NO_JOB)


def _publishes_nothing(outcome: Outcome) -> bool:
    """No publishing step and no dists: nothing was checked that a publish would do."""
    return not outcome.dists and any(f.key in _NO_PUBLISHING_STEP for f in outcome.findings)


def _verdict(outcome: Outcome) -> tuple[str, str]:
    """The verdict's prefix and text."""
    if outcome.ok:
        key = Msg.VERDICT_NOTHING if _publishes_nothing(outcome) else Msg.VERDICT_OK
        return messages.render(key, {}), messages.phrase(key)
    fields = {"count": len(outcome.errors)}
    # Cut short (a dry run's only failure): the checks not done are not known to pass.
    key = Msg.VERDICT_FAILED if outcome.failure is None else Msg.VERDICT_CANCELLED
    return messages.render(key, fields), messages.title(key, fields)


def dry_run_summary(outcome: Outcome, index: Index) -> str:
    """The dry run's report as step-summary Markdown: a checklist of what a real run
    would do, each check ticked when it would pass, with the same links."""
    rows = "\n".join(
        f"- [{'x' if f.status in ('ok', 'notice') else ' '}] {_ICONS[f.status]} "
        f"**{one_line(messages.title(f.key, f.fields, markdown=True))}**"
        + (
            f"<br>{one_line(body)}"
            if (body := messages.render(f.key, f.fields, markdown=True))
            else ""
        )
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
        lines.extend(f"        {line}" for line in [*f.detail.splitlines(), *f.about])
    lines.append("")
    prefix, verdict = _verdict(outcome)
    lines.append(prefix + verdict)
    return "\n".join(lines)
