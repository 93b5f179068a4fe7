"""Everything the action prints or writes for GitHub: log lines, workflow commands,
masks, outputs and the step summary. Outside GitHub Actions the same text goes to the
terminal, without workflow-command syntax.

Text from outside (answers, file names, metadata, claims) is escaped when messages are
filled (``messages.escape``). As a second guard, a log line that is not one of our own
workflow commands never reaches the runner looking like one: a line that would start
with ``::`` (after blanks, which the runner skips) or hold ``##[`` is defused."""

from __future__ import annotations

import re
import sys
import uuid
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from publisher import messages
from publisher.messages import Msg

if TYPE_CHECKING:
    from publisher.errors import PublishError
    from publisher.outcome import Finding

_COMMAND_LIKE = re.compile(r"^(\s*)::|##\[")


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def _defuse(line: str) -> str:
    """A log line that cannot be taken for a workflow command."""
    return _COMMAND_LIKE.sub(
        lambda m: f"{m.group(1)}: :" if m.group().endswith("::") else "## [", line
    )


class Console:
    """Output channel of one run; knows whether it talks to a GitHub runner."""

    def __init__(
        self,
        env: Mapping[str, str],
        *,
        verbose: bool = False,
        stream: TextIO | None = None,
    ) -> None:
        self.in_actions = env.get("GITHUB_ACTIONS") == "true"
        self.verbose = verbose
        self._stream = stream or sys.stdout
        self._output_file = env.get("GITHUB_OUTPUT") or None
        self._summary_file = env.get("GITHUB_STEP_SUMMARY") or None
        self._masked: set[str] = set()
        self._unwritable: set[str] = set()  # file commands already warned about

    def _command(self, text: str) -> None:
        """One of our own workflow commands (its values escaped by the caller)."""
        print(text, file=self._stream, flush=True)

    def _print(self, text: str) -> None:
        """Log text: redacted, and in Actions no line of it a workflow command."""
        text = self.redact(text)
        if self.in_actions:
            text = "\n".join(_defuse(line) for line in re.split(r"\r\n|\r|\n", text))
        print(text, file=self._stream, flush=True)

    def mask(self, secret: str) -> None:
        """Ask the runner to hide ``secret`` in all later output (once per value)."""
        if not secret or secret in self._masked:
            return
        self._masked.add(secret)
        if self.in_actions:
            self._command(f"::add-mask::{_escape_data(secret)}")

    def redact(self, text: str) -> str:
        """Replace every masked value in ``text``; used on anything a server sent back."""
        for secret in self._masked:
            text = text.replace(secret, "***")
        return text

    def info(self, key: Msg, **fields: object) -> None:
        """A plain log line (the message's title, then its body if it has one)."""
        title, body = messages.title(key, fields), messages.render(key, fields)
        self._print(f"{title}\n{body}" if body else title)

    def text(self, text: str) -> None:
        """Log text rendered from the catalogue that quotes servers' answers (the dry-run
        report): in Actions, with workflow commands also switched off around it."""
        if not self.in_actions:
            self._print(text)
            return
        marker = uuid.uuid4().hex
        self._command(f"::stop-commands::{marker}")
        self._print(text)
        self._command(f"::{marker}::")

    def debug(self, key: Msg, **fields: object) -> None:
        """A line shown only with ``verbose``."""
        if self.verbose:
            title, body = messages.title(key, fields), messages.render(key, fields)
            self._print(f"[debug] {title}\n{body}" if body else f"[debug] {title}")

    def _annotate(self, level: str, title: str, text: str) -> None:
        text, title = self.redact(text), self.redact(title)
        if self.in_actions:
            self._command(f"::{level} title={_escape_property(title)}::{_escape_data(text)}")
        else:
            self._print(f"{level}: {title}\n{text}" if text else f"{level}: {title}")

    def notice(self, key: Msg, **fields: object) -> None:
        """An annotation of level notice."""
        self._annotate("notice", messages.title(key, fields), messages.render(key, fields))

    def warning(self, key: Msg, **fields: object) -> None:
        """An annotation of level warning."""
        self._annotate("warning", messages.title(key, fields), messages.render(key, fields))

    def error(self, key: Msg, **fields: object) -> None:
        """An annotation of level error."""
        self._annotate("error", messages.title(key, fields), messages.render(key, fields))

    def failure(self, error: PublishError) -> None:
        """The error annotation for a failure."""
        self._annotate("error", error.title, str(error))

    def finding(self, finding: Finding) -> None:
        """A finding as it happens in a real run: a log line or an annotation."""
        if finding.status == "ok":
            self.info(finding.key, **finding.fields)
        else:
            self._annotate(finding.status, finding.title, finding.detail)

    def set_output(self, name: str, value: str) -> None:
        """Write a step output (``$GITHUB_OUTPUT``), or print it outside Actions."""
        if self._output_file:
            if "\n" in value or "\r" in value:
                delimiter = f"ghadelimiter_{uuid.uuid4()}"
                line = f"{name}<<{delimiter}\n{value}\n{delimiter}\n"
            else:
                line = f"{name}={value}\n"
            self._append(self._output_file, "GITHUB_OUTPUT", line)
        else:
            self._print(f"output {name}={value}")

    def _append(self, path: str, variable: str, text: str) -> None:
        """Append to a file command's file. One that cannot be written is a warning:
        the publish itself is done (or failed) by then, and says so."""
        try:
            with Path(path).open("a", encoding="utf-8") as fh:
                fh.write(text)
        except OSError as exc:
            if variable not in self._unwritable:
                self._unwritable.add(variable)
                reason = exc.strerror or type(exc).__name__
                self.warning(Msg.FILE_COMMAND_FAILED, variable=variable, path=path, reason=reason)

    def summary(self, markdown: str) -> None:
        """Append to the step summary, or print it outside Actions."""
        markdown = self.redact(markdown)
        if self._summary_file:
            self._append(self._summary_file, "GITHUB_STEP_SUMMARY", markdown.rstrip("\n") + "\n")
        else:
            self._print(markdown.rstrip("\n"))
