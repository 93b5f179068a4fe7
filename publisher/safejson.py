"""JSON from outside, parsed without deep recursion.

``json.loads`` recurses once per nesting level: a hostile answer such as ``[[[[…`` a
few thousand deep raises ``RecursionError`` from deep in the stack, where a finaliser
that happens to run then can fail in turn and print a traceback. Real answers
(Warehouse's JSON API, GitHub's token endpoint, a token's claims, an in-toto statement)
nest a few levels, so the depth is measured first, with passes at C speed, and anything
deeper than ``MAX_DEPTH`` is refused as not being the JSON we expect.
"""

from __future__ import annotations

import re
from typing import Any

MAX_DEPTH = 64

# Strings first (the brackets inside them do not count), then everything but brackets.
_STRING = re.compile(rb'"(?:[^"\\]++|\\.)*+"', re.DOTALL)
_NOT_BRACKETS = bytes(range(256)).translate(None, b"[]{}")


def too_deep(data: bytes) -> bool:
    """Whether ``data`` nests arrays and objects more than ``MAX_DEPTH`` levels deep
    (unbalanced brackets count as too deep: ``json`` would refuse them anyway)."""
    if data.count(b"[") + data.count(b"{") <= MAX_DEPTH:
        return False
    # Without escapes, quotes alternate in and out of strings: much faster on big pages.
    escaped = b"\\" in data
    outside = _STRING.sub(b"", data) if escaped else b"".join(data.split(b'"')[::2])
    brackets = outside.translate(None, _NOT_BRACKETS)
    # Each pass removes the innermost pairs, one level of nesting.
    for _ in range(MAX_DEPTH):
        inner = brackets.replace(b"[]", b"").replace(b"{}", b"")
        if not inner:
            return False
        if inner == brackets:
            return True
        brackets = inner
    return True


def loads(data: bytes | str) -> Any:
    """``json.loads``, refusing nesting deeper than ``MAX_DEPTH`` with ``ValueError``."""
    import json

    raw = data.encode("utf-8", "surrogatepass") if isinstance(data, str) else data
    if too_deep(raw):
        raise ValueError(f"JSON nested more than {MAX_DEPTH} levels deep")
    return json.loads(raw)
