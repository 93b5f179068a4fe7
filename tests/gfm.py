"""The step summary as GitHub renders it: cmark-gfm (GitHub's own Markdown parser, through
cmarkgfm) with GitHub's extensions — tables, autolinks of bare ``https://…``, ``www.``
and e-mail addresses, task lists, strikethrough, the tag filter — read back into what a
reader sees: links, headings, tables, check boxes, the visible text.

Raw HTML is let through (``UNSAFE``) so that a test sees any that the summary holds: GitHub
would sanitize some of it, but outside text must not become HTML in the first place."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser

import cmarkgfm
from cmarkgfm.cmark import Options

HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
# What Markdown itself makes, plus the few tags the templates write (<br> in a cell,
# <details> for the whole diagnosis): any other tag came from somewhere else.
MARKDOWN_TAGS = {
    *HEADINGS,
    *("p", "a", "code", "pre", "em", "strong", "del", "ul", "ol", "li", "input", "blockquote"),
    *("table", "thead", "tbody", "tr", "th", "td", "hr"),
    *("br", "details", "summary"),
}


@dataclass
class Page:
    """A rendered summary, as a reader meets it."""

    html: str
    links: list[tuple[str, str]] = field(default_factory=list)  # (href, text)
    headings: list[tuple[int, str]] = field(default_factory=list)
    tables: list[list[list[str]]] = field(default_factory=list)  # rows of cell texts
    checkboxes: list[tuple[bool, str]] = field(default_factory=list)  # (checked, item)
    tags: set[str] = field(default_factory=set)
    text: str = ""  # the visible text, white space as it is in the HTML

    def hrefs(self) -> list[str]:
        """Every link target, in order."""
        return [href for href, _ in self.links]

    def link(self, text_part: str) -> str:
        """The target of the one link whose text holds ``text_part``."""
        found = [href for href, text in self.links if text_part in text]
        assert len(found) == 1, (text_part, self.links)
        return found[0]

    def table(self, first_header: str) -> list[list[str]]:
        """The table whose first header cell is ``first_header`` (header row first)."""
        found = [t for t in self.tables if t and t[0] and t[0][0] == first_header]
        assert len(found) == 1, (first_header, self.tables)
        return found[0]


class _Reader(HTMLParser):
    def __init__(self, page: Page) -> None:
        super().__init__(convert_charrefs=True)
        self.page = page
        self.text: list[str] = []
        self.link: tuple[str, list[str]] | None = None
        self.heading: tuple[int, list[str]] | None = None
        self.cell: list[str] | None = None
        self.item: tuple[bool, list[str]] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.page.tags.add(tag)
        values = dict(attrs)
        if tag == "a":
            self.link = (values.get("href") or "", [])
        elif tag in HEADINGS:
            self.heading = (int(tag[1]), [])
        elif tag == "table":
            self.page.tables.append([])
        elif tag == "tr":
            self.page.tables[-1].append([])
        elif tag in ("td", "th"):
            self.cell = []
        elif tag == "input" and values.get("type") == "checkbox":
            self.item = ("checked" in values, [])
        elif tag == "br":
            for part in (self.cell, self.item[1] if self.item else None):
                if part is not None:
                    part.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self.link:
            self.page.links.append((self.link[0], "".join(self.link[1])))
            self.link = None
        elif tag in HEADINGS and self.heading:
            self.page.headings.append((self.heading[0], "".join(self.heading[1]).strip()))
            self.heading = None
        elif tag in ("td", "th") and self.cell is not None:
            self.page.tables[-1][-1].append("".join(self.cell).strip())
            self.cell = None
        elif tag == "li" and self.item:
            self.page.checkboxes.append((self.item[0], "".join(self.item[1]).strip()))
            self.item = None

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        for part in (self.link, self.heading, self.item):
            if part:
                part[1].append(data)
        if self.cell is not None:
            self.cell.append(data)


def render(markdown: str) -> Page:
    """``markdown`` rendered as GitHub renders a step summary, and read back."""
    html = cmarkgfm.github_flavored_markdown_to_html(markdown, options=Options.CMARK_OPT_UNSAFE)
    page = Page(html)
    reader = _Reader(page)
    reader.feed(html)
    reader.close()
    page.text = "".join(reader.text)
    return page


def assert_inert(page: Page, outside: str, *, ours: tuple[str, ...]) -> None:
    """Text from outside, ``outside``, shows as itself and makes nothing: every link's
    target starts with one of ``ours``, no heading holds it, and no tag came from it."""
    for href, _ in page.links:
        assert href.startswith(ours), f"a link that is not ours: {href!r}"
    for _, heading in page.headings:
        assert outside not in heading, heading
    assert page.tags <= MARKDOWN_TAGS, page.tags - MARKDOWN_TAGS
