"""Which catalogue message a user was shown, read back from what the runner received:
an annotation (``::error title=…::…``) or plain log lines (a title, then its body).

A message is recognised by its key's templates (``publisher.messages.MESSAGES``): the
fields a test names must appear with exactly these values (escaped as the log escapes
them); any other field may hold anything. So ``shown(log, Msg.TWO_SDISTS,
release="1.0")`` asserts that the user got that message, about that release."""

from __future__ import annotations

import re
from dataclasses import dataclass
from string import Template

from publisher import messages
from publisher.messages import MESSAGES, Msg

# The runner takes a command after leading blanks (its TrimStart): a file's annotation
# is indented under the file's line (``Console.progress``).
_ANNOTATION = re.compile(r"^[ \t]*::(error|warning|notice) title=([^:]*)::(.*)$", re.MULTILINE)


@dataclass(frozen=True)
class Annotation:
    """One annotation as the runner shows it."""

    level: str
    title: str
    body: str


def _unescape(text: str) -> str:
    for code, char in (("%0D", "\r"), ("%0A", "\n"), ("%3A", ":"), ("%2C", ","), ("%25", "%")):
        text = text.replace(code, char)
    return text


def all_annotations(log: str) -> list[Annotation]:
    """Every annotation in a runner's log, unescaped."""
    return [
        Annotation(m.group(1), _unescape(m.group(2)), _unescape(m.group(3)))
        for m in _ANNOTATION.finditer(log)
    ]


def pattern(template: str, fields: dict[str, object]) -> str:
    """A regular expression for ``template`` filled: the ``fields`` given, each as the
    log shows it; anything for the others."""
    template = template.replace("$PUBLISHER_TABLE", messages.publisher_table())
    quote = messages.escape
    parts: list[str] = []
    end = 0
    for m in Template.pattern.finditer(template):
        parts.append(re.escape(template[end : m.start()]))
        name = m.group("named") or m.group("braced")
        if m.group("escaped") is not None:
            parts.append(re.escape("$"))
        elif name in fields:
            parts.append(re.escape(quote(fields[name])))
        elif name is not None:
            parts.append("(?s:.*?)")
        end = m.end()
    parts.append(re.escape(template[end:]))
    return "".join(parts)


def matches(key: Msg, title: str, body: str, fields: dict[str, object]) -> bool:
    """Whether ``title`` and ``body`` are message ``key``'s, with ``fields``."""
    title_template, body_template = MESSAGES[key]
    return bool(
        re.fullmatch(pattern(title_template, fields), title)
        and re.fullmatch(pattern(body_template, fields), body, re.DOTALL)
    )


def shown(log: str, key: Msg, level: str | None = None, **fields: object) -> Annotation:
    """The annotation of message ``key`` (at ``level``, if given) with ``fields``; fails
    the test, listing what was shown, if there is none."""
    found = [
        a
        for a in all_annotations(log)
        if (level is None or a.level == level) and matches(key, a.title, a.body, fields)
    ]
    assert found, (
        f"no {level or 'annotation'} {key.value!r} with {fields}; the annotations were:\n"
        + "\n".join(f"  {a.level}: {a.title}" for a in all_annotations(log))
    )
    return found[0]


_CHECK = re.compile(r"^(ok|notice|warning|error) +(.*)\n((?:        .*\n?)*)", re.MULTILINE)


def checks(report: str) -> list[Annotation]:
    """The checks of a dry-run report (``publisher check``, or the action's dry run):
    a status and a title on one line, the details indented below."""
    return [
        Annotation(m.group(1), m.group(2), "\n".join(x[8:] for x in m.group(3).splitlines()))
        for m in _CHECK.finditer(report)
    ]


def reported(report: str, key: Msg, status: str | None = None, **fields: object) -> Annotation:
    """The check of message ``key`` (with ``status``, if given) in a dry-run report; fails
    the test, listing the checks, if there is none."""
    found = [
        c
        for c in checks(report)
        if (status is None or c.level == status) and matches(key, c.title, c.body, fields)
    ]
    assert found, f"no {status or 'check'} {key.value!r} with {fields}; the checks were:\n" + (
        "\n".join(f"  {c.level}: {c.title}" for c in checks(report))
    )
    return found[0]


def logged(log: str, key: Msg, prefix: str = "", **fields: object) -> bool:
    """Whether message ``key`` appears as plain log lines (its title, then its body if
    it has one) with ``fields``; ``prefix`` before the title (outside GitHub Actions
    an annotation is printed as ``error: <title>``)."""
    title_template, body_template = MESSAGES[key]
    text = re.escape(prefix) + pattern(title_template, fields)
    if body_template:
        text += r"\n" + pattern(body_template, fields)
    return re.search(f"^{text}$", log, re.MULTILINE | re.DOTALL) is not None
