"""A workflow file read as hostile input: a regular file only (never a FIFO, a device or
a folder, even through a symlink), of bounded size, parsed with a bound on aliases,
on the nodes they expand to, and on nesting; and the position of every key, so that a
finding can point at the line that causes it.

The data is read as GitHub reads workflows: keys are strings (``on`` is not the boolean
YAML 1.1 makes of it), only ``true``/``false`` are booleans."""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from publisher import messages
from publisher.errors import InputError
from publisher.messages import Msg

if TYPE_CHECKING:
    import yaml

# Real release workflows are a few kilobytes; GitHub's largest are far under this.
MAX_BYTES = 1024 * 1024
MAX_ALIASES = 1000  # `*name` references in one file
MAX_NODES = 200_000  # values once aliases are expanded (an alias bomb doubles them)
MAX_DEPTH = 64  # nesting of mappings and lists

YamlPath = tuple[str | int, ...]


@dataclass
class Document:
    """One YAML file: its data and where each key or list item starts (1-based line
    and column), by its path from the top (``("jobs", "publish", "permissions")``)."""

    path: Path
    data: Any
    marks: dict[YamlPath, tuple[int, int]] = field(default_factory=dict)

    def position(self, *path: str | int) -> tuple[int, int]:
        """Line and column of the key at ``path``, or of the nearest enclosing key."""
        while path:
            if path in self.marks:
                return self.marks[path]
            path = path[:-1]
        return (1, 1)


def read_bytes(path: Path, limit: int = MAX_BYTES) -> bytes:
    """The content of a regular file, at most ``limit`` bytes; anything else (a FIFO,
    which would block, a device like /dev/zero, which never ends) is refused by what it
    is, before a byte is read."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC)
    except FileNotFoundError:
        raise InputError(Msg.WORKFLOW_NOT_FOUND, path=path) from None
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise InputError(Msg.WORKFLOW_UNREADABLE, path=path, reason=reason) from None
    with os.fdopen(fd, "rb") as fh:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            reason = _kind(mode)
            raise InputError(Msg.WORKFLOW_UNREADABLE, path=path, reason=reason)
        content = fh.read(limit + 1)
    if len(content) > limit:
        reason = messages.phrase(Msg.YAML_TOO_LARGE, limit=limit)
        raise InputError(Msg.WORKFLOW_UNREADABLE, path=path, reason=reason)
    return content


def _kind(mode: int) -> messages.Text:
    kinds = {
        stat.S_ISDIR: "a folder",
        stat.S_ISFIFO: "a named pipe",
        stat.S_ISCHR: "a device",
        stat.S_ISBLK: "a device",
        stat.S_ISSOCK: "a socket",
    }
    what = next((name for test, name in kinds.items() if test(mode)), "not a file")
    return messages.phrase(Msg.YAML_NOT_REGULAR, kind=what)


def load(path: Path) -> Document:
    """Read and parse one workflow file within the bounds above; an
    :class:`InputError` naming the file and the problem otherwise."""
    import yaml

    raw = read_bytes(path)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        not_utf8 = messages.phrase(Msg.YAML_NOT_UTF8, byte=exc.start)
        raise InputError(Msg.WORKFLOW_UNREADABLE, path=path, reason=not_utf8) from None
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        document = Document(path, None)
        if node is not None:
            document.data = _Builder(loader, document).build(node, (), 0)
    except _Limit as exc:
        raise InputError(Msg.WORKFLOW_UNREADABLE, path=path, reason=exc.reason) from None
    except yaml.MarkedYAMLError as exc:
        # Where the parser gave up, and why: the context alone ("while parsing a block
        # mapping") names neither the line nor the problem.
        mark = exc.problem_mark or exc.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        said = (exc.problem or exc.context or type(exc).__name__).splitlines()[0]
        syntax = messages.phrase(Msg.YAML_SYNTAX, line=line, column=column, problem=said)
        where = {"line": line, "column": column}  # the finding's location
        raise InputError(Msg.WORKFLOW_UNREADABLE, path=path, reason=syntax, **where) from None
    except yaml.YAMLError as exc:
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise InputError(Msg.WORKFLOW_UNREADABLE, path=path, reason=reason) from None
    except RecursionError:
        reason = messages.phrase(Msg.YAML_TOO_DEEP, limit=MAX_DEPTH)
        raise InputError(Msg.WORKFLOW_UNREADABLE, path=path, reason=reason) from None
    finally:
        loader.dispose()
    if not isinstance(document.data, dict):
        reason = messages.phrase(Msg.YAML_NOT_MAPPING)
        raise InputError(Msg.WORKFLOW_UNREADABLE, path=path, reason=reason)
    return document


class _Limit(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _loader_class() -> type[yaml.SafeLoader]:
    import yaml

    class Loader(yaml.SafeLoader):
        """The safe loader, counting aliases and nesting while it composes."""

        aliases = 0
        depth = 0

        def compose_node(self, parent: Any, index: Any) -> Any:
            if self.check_event(yaml.AliasEvent):
                self.aliases += 1
                if self.aliases > MAX_ALIASES:
                    raise _Limit(messages.phrase(Msg.YAML_TOO_MANY_ALIASES, limit=MAX_ALIASES))
            self.depth += 1
            if self.depth > MAX_DEPTH:
                raise _Limit(messages.phrase(Msg.YAML_TOO_DEEP, limit=MAX_DEPTH))
            try:
                return super().compose_node(parent, index)
            finally:
                self.depth -= 1

    return Loader


def _Loader(text: str) -> yaml.SafeLoader:
    return _loader_class()(text)


class _Builder:
    """Plain data from the composed nodes, counting every value built (aliases are
    expanded here, so this is where a bomb is stopped)."""

    def __init__(self, loader: yaml.SafeLoader, document: Document) -> None:
        self.loader = loader
        self.document = document
        self.count = 0

    def build(self, node: yaml.Node, path: YamlPath, depth: int) -> Any:
        import yaml

        self.count += 1
        if self.count > MAX_NODES:
            raise _Limit(messages.phrase(Msg.YAML_TOO_LARGE_EXPANDED, limit=MAX_NODES))
        if depth > MAX_DEPTH:
            raise _Limit(messages.phrase(Msg.YAML_TOO_DEEP, limit=MAX_DEPTH))
        if isinstance(node, yaml.MappingNode):
            result: dict[str, Any] = {}
            for key_node, value_node in node.value:
                key = self.key(key_node)
                self.document.marks.setdefault((*path, key), _mark(key_node))
                result[key] = self.build(value_node, (*path, key), depth + 1)
            return result
        if isinstance(node, yaml.SequenceNode):
            items = []
            for i, item in enumerate(node.value):
                self.document.marks.setdefault((*path, i), _mark(item))
                items.append(self.build(item, (*path, i), depth + 1))
            return items
        return self.scalar(node)

    def key(self, node: yaml.Node) -> str:
        import yaml

        if isinstance(node, yaml.ScalarNode):
            return str(node.value)
        raise _Limit(messages.phrase(Msg.YAML_KEY_NOT_TEXT, line=node.start_mark.line + 1))

    def scalar(self, node: yaml.Node) -> Any:
        value = self.loader.construct_object(node)
        # YAML 1.1's other booleans (yes, on, off…) are strings to GitHub.
        if isinstance(value, bool) and str(node.value).lower() not in ("true", "false"):
            return str(node.value)
        return value


def _mark(node: yaml.Node) -> tuple[int, int]:
    return (node.start_mark.line + 1, node.start_mark.column + 1)
