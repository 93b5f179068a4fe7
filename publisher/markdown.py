"""Markdown primitives for the step summary, as GitHub renders it (cmark-gfm with its
table and autolink extensions). Text from outside goes into code spans only: inside one
nothing is a link (GitHub autolinks ``https://…``, ``www.`` and e-mail addresses in
plain text, whatever the backslashes), a heading, emphasis or HTML."""

from __future__ import annotations

import re


def code_span(text: str) -> str:
    """``text`` as one code span that nothing inside it can close: the fence is longer
    than its longest run of backticks, and padded with a space (which the renderer
    takes off again) where the text begins or ends with one or with a space."""
    if not text.strip():
        return f"`{text}`" if text else ""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text[0] in "` " or text[-1] in "` " else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def link(label: str, url: str) -> str:
    """A link to one of the action's own URLs (percent-encoded: no space, no ``>``)."""
    return f"[{label}](<{url}>)"


def one_line(markdown: str) -> str:
    """Markdown kept on one line (a list item's): its line breaks as ``<br>``."""
    return markdown.replace("\r", "").replace("\n", "<br>")


def cell(markdown: str) -> str:
    """Markdown for one table cell: one line, no column breaks. (Only in a table does
    GitHub read ``\\|`` inside a code span as ``|``: elsewhere the backslash shows.)"""
    return one_line(markdown.replace("|", "\\|"))


def fenced(text: str, info: str = "text") -> str:
    """``text`` as a fenced code block that nothing inside it can close."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}{info}\n{text}\n{fence}"
