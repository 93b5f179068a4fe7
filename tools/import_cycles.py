"""Fail when the modules of ``publisher/`` import each other in a circle, counting
every import: at the top, inside a function, and those for type checking only. A
circle means two modules that cannot be understood (or changed) one without the
other; the lower layer should not know the one above it (docs/development.md).

    python tools/import_cycles.py            # exit 1, naming each circle, if any

Run by ``make lint``. It reads the source (``ast``), imports nothing."""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "publisher"


def modules(package: Path) -> dict[str, Path]:
    """Every module of the package, by its dotted name."""
    found = {}
    for path in sorted(package.rglob("*.py")):
        parts = list(path.relative_to(package.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


def imported(name: str, path: Path, known: dict[str, Path]) -> Iterator[str]:
    """The package's modules that module ``name`` (at ``path``) imports, each once."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    seen: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                up = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*up, base] if base else up)
            # `from publisher.steps import index` names a module; `from publisher.http
            # import Http` a name of one, which is the module imported.
            targets = [
                f"{base}.{a.name}" if f"{base}.{a.name}" in known else base for a in node.names
            ]
        else:
            continue
        for target in targets:
            while target and target not in known:
                target = target.rpartition(".")[0]
            if target and target != name and target not in seen:
                seen.add(target)
                yield target


def cycles(graph: dict[str, list[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for other in graph[node]:
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in graph:
        if node not in index:
            visit(node)
    return found


def main() -> int:
    """Print each circle and its imports; 1 if there is any."""
    known = modules(PACKAGE)
    graph = {name: list(imported(name, path, known)) for name, path in known.items()}
    found = cycles(graph)
    for component in found:
        members = set(component)
        print("modules that import each other in a circle:", ", ".join(component))
        for name in component:
            for target in graph[name]:
                if target in members:
                    print(f"    {name} imports {target}")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
