"""Everything the action prints or writes for GitHub: log lines, workflow commands,
masks, outputs and the step summary. Outside GitHub Actions the same text goes to the
terminal, without workflow-command syntax.

Text from outside (answers, file names, metadata, claims) is escaped when messages are
filled (``messages.escape``). As a second guard, a log line that is not one of our own
workflow commands never reaches the runner looking like one: a line that would start
with ``::`` (after blanks, which the runner skips) or hold ``##[`` is defused."""

from __future__ import annotations

import contextlib
import re
import sys
import threading
import uuid
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from publisher import messages
from publisher.messages import Msg

if TYPE_CHECKING:
    from publisher.errors import PublishError
    from publisher.finding import Finding

_COMMAND_LIKE = re.compile(r"^(\s*)::|##\[")


def escape_data(text: str) -> str:
    """Text as the data of a workflow command (after ``::``)."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """Text as a property of a workflow command (``title=…``, ``file=…``)."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def wants_colour(stream: TextIO, env: Mapping[str, str]) -> bool:
    """Whether text for ``stream`` may be coloured: on a terminal, unless ``NO_COLOR``
    is set and not empty (https://no-color.org)."""
    return stream.isatty() and not env.get("NO_COLOR")


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
        # The words (runs without white space) of what was shown, and the values the
        # outputs and the summary will show: see shows.
        self._words: set[str] = set()
        self._unwritable: set[str] = set()  # file commands already warned about
        self._lock = threading.RLock()  # several tasks may print (publisher.executor)
        self._local = threading.local()  # .kept: this thread's kept output, if kept
        self._fold: str | None = None  # the title of the fold to open before the next line
        self._folded = False  # a fold is open

    def _emit(self, text: str, *, now: bool = False) -> None:
        """Text for the log: kept if this thread's output is being kept (see ``kept``),
        unless ``now``; else written, one writer at a time."""
        kept: list[str] | None = getattr(self._local, "kept", None)
        if kept is not None and not now:
            kept.append(text)
            return
        with self._lock:
            print(text, file=self._stream, flush=True)

    def _command(self, text: str, *, now: bool = False) -> None:
        """One of our own workflow commands (its values escaped by the caller)."""
        self._emit(text, now=now)

    def _open_fold(self) -> None:
        """Open the fold waiting for its first line (a fold is opened only when there
        is something to put in it)."""
        with self._lock:
            if self._fold is not None:
                self._command(f"::group::{escape_data(self._fold)}", now=True)
                self._fold, self._folded = None, True

    def _print(self, text: str) -> None:
        """Log text: redacted, and in Actions no line of it a workflow command."""
        self._open_fold()
        text = self.redact(text)
        self._shown(text)
        if self.in_actions:
            text = "\n".join(_defuse(line) for line in re.split(r"\r\n|\r|\n", text))
        self._emit(text)

    @contextmanager
    def kept(self) -> Iterator[list[str]]:
        """Within the block, what this thread logs is kept in the list yielded instead
        of written: the log of one task among several running at once, shown with its
        result (:meth:`progress`). Masks still reach the runner at once."""
        outer = getattr(self._local, "kept", None)
        kept: list[str] = []
        self._local.kept = kept
        try:
            yield kept
        finally:
            self._local.kept = outer

    def mask(self, secret: str) -> None:
        """Ask the runner to hide ``secret`` in all later output (once per value)."""
        with self._lock:
            if not secret or secret in self._masked:
                return
            self._masked.add(secret)
            if self.in_actions:
                # Never kept: the runner must know the value before anything shows it.
                self._command(f"::add-mask::{escape_data(secret)}", now=True)

    def _shown(self, text: str) -> None:
        """Remember the words of ``text``, shown (see :meth:`shows`)."""
        words = text.split()
        with self._lock:
            self._words.update(words)

    def reserve(self, *values: str) -> None:
        """Values the run will show later (in its outputs, in the summary), which a mask
        must not hide: see :meth:`shows`."""
        for value in values:
            self._shown(value)

    def shows(self, value: str) -> bool:
        """Whether masking ``value`` would hide text this run showed or will show (a
        file name, a digest, a link): whether it is, or is inside, such a text. Only
        its words are kept (a few thousand for a release of hundreds of files): a
        value without white space is inside a text exactly when it is inside one of
        its words; one with white space is taken to be shown."""
        if not value or any(c.isspace() for c in value):
            return True
        with self._lock:
            return any(value in word for word in self._words)

    def redact(self, text: str) -> str:
        """Replace every masked value in ``text``; used on anything a server sent back."""
        with self._lock:
            masked = list(self._masked)
        for secret in masked:
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

    @contextlib.contextmanager
    def group(self, key: Msg) -> Iterator[None]:
        """A fold of the log titled by message ``key`` (ours, no outside value): in
        Actions a ``::group::``, elsewhere a heading line."""
        title = messages.phrase(key)
        if not self.in_actions:
            self._print(f"== {title}")
            yield
            return
        self._fold = title
        try:
            yield
        finally:
            with self._lock:
                if self._folded:
                    self._command("::endgroup::", now=True)
                self._fold, self._folded = None, False

    def debug(self, key: Msg, **fields: object) -> None:
        """A line shown only with ``verbose``."""
        if self.verbose:
            title, body = messages.title(key, fields), messages.render(key, fields)
            self._print(f"[debug] {title}\n{body}" if body else f"[debug] {title}")

    def _annotate(self, level: str, title: str, text: str) -> None:
        self._open_fold()
        text, title = self.redact(text), self.redact(title)
        self._shown(f"{title}\n{text}")
        if self.in_actions:
            self._command(f"::{level} title={escape_property(title)}::{escape_data(text)}")
        else:
            self._print(f"{level}: {title}\n{text}" if text else f"{level}: {title}")

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

    def progress(self, finding: Finding, done: int, total: int, log: Sequence[str] = ()) -> None:
        """One file of many, as it finished: one line, ``[done/total]`` and the
        finding's title; what was logged while the file was worked on, and the finding's
        own detail, indented under it (inside the phase's fold: the runner folds one
        level only). An error's full text is reported at the end of the run, with the
        failure."""
        head = f"[{done}/{total}] {finding.title}"
        with self.kept() as inner:
            for text in log:
                self._emit(self.redact(text))  # masked since, maybe
            if finding.status in ("notice", "warning"):
                self._annotate(finding.status, finding.title, finding.detail)
            elif finding.status == "ok" and finding.detail:
                self._print(finding.detail)
        self._print(head)
        for text in inner:
            self._emit("\n".join(f"    {line}" for line in text.splitlines()))

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
