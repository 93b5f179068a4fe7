"""GitHub's expression language (``${{ … }}`` and ``if:``), parsed and evaluated in three
values: what a condition gives for one trigger is known true, known false, or unknown.

The grammar and rules are GitHub's (docs: "Evaluate expressions in workflows and
actions"): literals ``null``, booleans, numbers, single-quoted strings (``''`` is a
quote); property access ``a.b``, ``a['b']`` and the filter ``a.*``; ``!``, ``<``,
``<=``, ``>``, ``>=``, ``==``, ``!=``, ``&&``, ``||`` and parentheses; loose equality
(operands of different types are compared as numbers, strings without regard to
case); ``&&`` and ``||`` give one of their operands; the functions ``contains``,
``startsWith``, ``endsWith``, ``format``, ``join``, ``toJSON``, ``fromJSON`` and the
status functions.

What the run alone can know (a secret, an input, an output, most of the event) is
:data:`UNKNOWN`, and unknown spreads only as far as it must: ``false && x`` is false
whatever ``x`` is. A value may be unknown yet known to start with a prefix (a tag push's
``github.ref`` starts with ``refs/tags/``), enough to decide ``startsWith`` and ``==``.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Unknown:
    """A value known only when the workflow runs; ``prefix``: what it is known to start
    with (lower case); ``truthy``: its truth when that alone is known; ``choices``: the
    strings it can be (lower case), when they are known."""

    prefix: str = ""
    truthy: bool | None = None
    choices: frozenset[str] | None = None


UNKNOWN = Unknown()
# The key that marks a context modelled in part: its other properties are unknown.
OPEN = "\0open"
Value = None | bool | float | str | list["Value"] | dict[str, "Value"] | Unknown


class ExpressionError(ValueError):
    """An expression GitHub would refuse (the workflow would not start)."""


# --- the tokens and the tree ----------------------------------------------------------

_TOKEN = re.compile(
    r"""\s*(?:
        (?P<string>'(?:[^']|'')*')
      | (?P<number>[-+]?(?:0x[0-9a-fA-F]+|(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)(?![\w.]))
      | (?P<op>&&|\|\||==|!=|<=|>=|[<>!().,\[\]*])
      | (?P<name>[A-Za-z_][A-Za-z0-9_-]*)
    )""",
    re.VERBOSE,
)


@dataclass(frozen=True)
class Literal:
    """A literal: a string, number, boolean or null."""

    value: Value


@dataclass(frozen=True)
class Name:
    """A context named on its own (``github``, ``inputs``, ``needs``)."""

    name: str


@dataclass(frozen=True)
class Index:
    """A property or item of a value: ``a.b``, ``a['b']``, or the filter ``a.*``."""

    target: Node
    key: Node | None  # None: the filter `*`


@dataclass(frozen=True)
class Call:
    """A call of one of GitHub's functions (``startsWith(…)``, ``success()``)."""

    name: str
    args: tuple[Node, ...]


@dataclass(frozen=True)
class Not:
    """``!operand``."""

    operand: Node


@dataclass(frozen=True)
class Binary:
    """A comparison or a logical operator (``==``, ``<``, ``&&``, ``||``…)."""

    op: str
    left: Node
    right: Node


Node = Literal | Name | Index | Call | Not | Binary

_PRECEDENCE = {"||": 1, "&&": 2, "==": 3, "!=": 3, "<": 4, "<=": 4, ">": 4, ">=": 4}
# Expressions nested deeper than this are refused (GitHub's own limit is 50).
MAX_DEPTH = 50
MAX_LENGTH = 21_000  # GitHub refuses longer expressions


def _tokens(text: str) -> list[tuple[str, str]]:
    found, pos = [], 0
    text = text.rstrip()
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        if match is None or match.end() == pos:
            raise ExpressionError(f"unexpected character at {pos + 1}: {text[pos : pos + 10]!r}")
        kind = match.lastgroup
        assert kind is not None
        found.append((kind, match.group(kind)))
        pos = match.end()
    return found


class _Parser:
    def __init__(self, text: str) -> None:
        if len(text) > MAX_LENGTH:
            raise ExpressionError("longer than GitHub accepts")
        self.tokens = _tokens(text)
        self.pos = 0
        self.depth = 0

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self, op: str | None = None) -> tuple[str, str]:
        token = self.peek()
        if token is None or (op is not None and token != ("op", op)):
            raise ExpressionError(f"expected {op or 'more'} at the end")
        self.pos += 1
        return token

    def at(self, op: str) -> bool:
        return self.peek() == ("op", op)

    def expression(self, floor: int = 1) -> Node:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise ExpressionError("nested too deeply")
        left = self.unary()
        while (token := self.peek()) and token[0] == "op" and _PRECEDENCE.get(token[1], 0) >= floor:
            self.pos += 1
            right = self.expression(_PRECEDENCE[token[1]] + 1)
            left = Binary(token[1], left, right)
        self.depth -= 1
        return left

    def unary(self) -> Node:
        if self.at("!"):
            self.pos += 1
            self.depth += 1
            if self.depth > MAX_DEPTH:
                raise ExpressionError("nested too deeply")
            node = Not(self.unary())
            self.depth -= 1
            return node
        return self.postfix(self.primary())

    def primary(self) -> Node:
        kind, text = self.take()
        if kind == "string":
            return Literal(text[1:-1].replace("''", "'"))
        if kind == "number":
            return Literal(_number(text))
        if kind == "op" and text == "(":
            node = self.expression()
            self.take(")")
            return node
        if kind != "name":
            raise ExpressionError(f"unexpected {text!r}")
        lowered = text.lower()
        if lowered in ("true", "false"):
            return Literal(lowered == "true")
        if lowered == "null":
            return Literal(None)
        if self.at("("):
            self.pos += 1
            args: list[Node] = []
            while not self.at(")"):
                args.append(self.expression())
                if not self.at(")"):
                    self.take(",")
            self.take(")")
            return Call(lowered, tuple(args))
        return Name(lowered)

    def postfix(self, node: Node) -> Node:
        while True:
            if self.at("."):
                self.pos += 1
                kind, text = self.take()
                if (kind, text) == ("op", "*"):
                    node = Index(node, None)
                elif kind == "name":
                    node = Index(node, Literal(text))
                else:
                    raise ExpressionError(f"unexpected {text!r} after '.'")
            elif self.at("["):
                self.pos += 1
                if self.at("*"):
                    self.pos += 1
                    node = Index(node, None)
                else:
                    node = Index(node, self.expression())
                self.take("]")
            else:
                return node


def _number(text: str) -> float:
    sign = -1.0 if text.startswith("-") else 1.0
    body = text.lstrip("+-")
    if body.lower().startswith("0x"):
        return sign * int(body, 16)
    return sign * float(body)


def parse(text: str) -> Node:
    """The tree of one expression (without ``${{ }}``); :class:`ExpressionError` when
    GitHub would refuse it."""
    parser = _Parser(text)
    if not parser.tokens:
        raise ExpressionError("empty expression")
    node = parser.expression()
    if parser.peek() is not None:
        raise ExpressionError(f"unexpected {parser.peek()[1]!r}")  # type: ignore[index]
    return node


# --- evaluation ----------------------------------------------------------------------


def truth(value: Value) -> bool | None:
    """GitHub's truthiness: ``false``, ``0``, ``''``, ``null`` and NaN are false; None
    when unknown."""
    if isinstance(value, Unknown):
        return value.truthy
    if value is None or value is False:
        return False
    if isinstance(value, float):
        return not (value == 0 or math.isnan(value))
    if isinstance(value, str):
        return value != ""
    return True


def _as_number(value: Value) -> float:
    if value is None:
        return 0.0
    if isinstance(value, bool):
        return float(value)
    if isinstance(value, float):
        return value
    if isinstance(value, str):
        text = value.strip()
        if not text:
            return 0.0
        try:
            return _number(text)
        except ValueError:
            return math.nan
    return math.nan  # arrays and objects


def _equal(left: Value, right: Value) -> bool | None:
    if isinstance(left, Unknown) or isinstance(right, Unknown):
        return _unknown_equal(left, right)
    if type(left) is type(right) or (left is None and right is None):
        if isinstance(left, str) and isinstance(right, str):
            return left.lower() == right.lower()
        if isinstance(left, list | dict):
            return left is right
        return left == right
    if isinstance(left, list | dict) or isinstance(right, list | dict):
        return False
    return _as_number(left) == _as_number(right)


def _unknown_equal(left: Value, right: Value) -> bool | None:
    """``==`` with an unknown side: false only when a known prefix rules it out."""
    known, unknown = (right, left) if isinstance(left, Unknown) else (left, right)
    assert isinstance(unknown, Unknown)
    if isinstance(known, str) and unknown.prefix and not known.lower().startswith(unknown.prefix):
        return False
    if unknown.choices is not None and (
        not isinstance(known, str) or known.lower() not in unknown.choices
    ):
        return False
    return None


def _compare(op: str, left: Value, right: Value) -> bool | None:
    if isinstance(left, Unknown) or isinstance(right, Unknown):
        return None
    if isinstance(left, str) and isinstance(right, str):
        a: str | float = left.lower()
        b: str | float = right.lower()
    else:
        a, b = _as_number(left), _as_number(right)
        if math.isnan(a) or math.isnan(b):
            return False
    assert type(a) is type(b)
    return {
        "<": a < b,  # type: ignore[operator]
        "<=": a <= b,  # type: ignore[operator]
        ">": a > b,  # type: ignore[operator]
        ">=": a >= b,  # type: ignore[operator]
    }[op]


def _tri(value: bool | None) -> Value:
    return UNKNOWN if value is None else value


def _text(value: Value) -> str | None:
    """A value as GitHub turns it into a string; None when unknown."""
    if isinstance(value, Unknown):
        return None
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, str):
        return value
    return json.dumps(value)


def _starts_with(subject: Value, prefix: Value) -> Value:
    wanted = _text(prefix)
    if isinstance(subject, Unknown):
        if wanted is None or not subject.prefix:
            return UNKNOWN
        wanted = wanted.lower()
        if subject.prefix.startswith(wanted):
            return True
        return UNKNOWN if wanted.startswith(subject.prefix) else False
    text = _text(subject)
    return UNKNOWN if text is None or wanted is None else text.lower().startswith(wanted.lower())


def _ends_with(subject: Value, suffix: Value) -> Value:
    text, wanted = _text(subject), _text(suffix)
    return UNKNOWN if text is None or wanted is None else text.lower().endswith(wanted.lower())


def _contains(haystack: Value, needle: Value) -> Value:
    if isinstance(haystack, Unknown) or isinstance(needle, Unknown):
        return UNKNOWN
    if isinstance(haystack, list):
        results = [_equal(item, needle) for item in haystack]
        if any(r is True for r in results):
            return True
        return UNKNOWN if any(r is None for r in results) else False
    text, wanted = _text(haystack), _text(needle)
    if text is None or wanted is None:
        return UNKNOWN
    return wanted.lower() in text.lower()


def _from_json(text: Value) -> Value:
    if not isinstance(text, str):
        return UNKNOWN
    try:
        return plain(json.loads(text))
    except (ValueError, RecursionError):
        return UNKNOWN  # GitHub fails the run; nothing to decide here


def plain(value: object) -> Value:
    """JSON or YAML data as expression values (numbers are floats)."""
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    return UNKNOWN


def _format(template: Value, *args: Value) -> Value:
    texts = [_text(a) for a in (template, *args)]
    if any(t is None for t in texts):
        return UNKNOWN
    head, *rest = texts
    assert head is not None
    try:
        return re.sub(
            r"\{\{|\}\}|\{(\d+)\}",
            lambda m: m.group()[0] if not m.group(1) else str(rest[int(m.group(1))]),
            head,
        )
    except IndexError:
        return UNKNOWN


def _join(items: Value, sep: Value = ",") -> Value:
    if isinstance(items, Unknown) or isinstance(sep, Unknown):
        return UNKNOWN
    texts = [_text(i) for i in items] if isinstance(items, list) else [_text(items)]
    joiner = _text(sep)
    if joiner is None or any(t is None for t in texts):
        return UNKNOWN
    return joiner.join(t for t in texts if t is not None)


def _to_json(value: Value) -> Value:
    return UNKNOWN if isinstance(value, Unknown) else json.dumps(value)


# Status functions, as the question "can the publish run on this trigger" sees them:
# the success path is the one that publishes; a failure or cancellation may or may not
# happen.
_STATUS: dict[str, Value] = {
    "success": True,
    "always": True,
    "failure": UNKNOWN,
    "cancelled": UNKNOWN,
}

_FUNCTIONS: dict[str, Callable[..., Value]] = {
    "startswith": _starts_with,
    "endswith": _ends_with,
    "contains": _contains,
    "fromjson": _from_json,
    "tojson": _to_json,
    "format": _format,
    "join": _join,
}


def _index(target: Value, key: Value) -> Value:
    if isinstance(target, Unknown):
        return UNKNOWN
    if isinstance(target, dict):
        text = _text(key)
        if text is None:
            return UNKNOWN
        for name, value in target.items():
            if name.lower() == text.lower():
                return value
        # In a context modelled in part (marked OPEN) what is not listed is unknown;
        # in data (fromJSON) it is null.
        return UNKNOWN if target.get(OPEN) else None
    if isinstance(target, list):
        if isinstance(key, Unknown):
            return UNKNOWN
        number = _as_number(key)
        if math.isnan(number) or not number.is_integer() or not 0 <= number < len(target):
            return None
        return target[int(number)]
    return None  # a property of null, a string or a number is null


def _filter(target: Value) -> Value:
    if isinstance(target, Unknown):
        return UNKNOWN
    if isinstance(target, dict):
        return UNKNOWN if target.get(OPEN) else list(target.values())
    if isinstance(target, list):
        return list(target)
    return []


def evaluate(node: Node, contexts: Mapping[str, Value]) -> Value:
    """The value of ``node`` with ``contexts`` (``github``, ``inputs``…); any context
    not given is unknown."""
    if isinstance(node, Literal):
        return node.value
    if isinstance(node, Name):
        return contexts.get(node.name, UNKNOWN)
    if isinstance(node, Index):
        target = evaluate(node.target, contexts)
        if node.key is None:
            return _filter(target)
        key = evaluate(node.key, contexts)
        if isinstance(target, list) and isinstance(node.key, Literal) and isinstance(key, str):
            # A property of a filtered array: that property of each element.
            return [_index(item, key) for item in target]
        return _index(target, key)
    if isinstance(node, Not):
        value = truth(evaluate(node.operand, contexts))
        return UNKNOWN if value is None else not value
    if isinstance(node, Call):
        return _call(node, contexts)
    return _binary(node, contexts)


def _call(node: Call, contexts: Mapping[str, Value]) -> Value:
    if node.name in _STATUS:
        return _STATUS[node.name]
    function = _FUNCTIONS.get(node.name)
    if function is None:  # hashFiles and any newer function: known only at run time
        return UNKNOWN
    args = [evaluate(a, contexts) for a in node.args]
    try:
        return function(*args)
    except TypeError:  # the wrong number of arguments: GitHub refuses the workflow
        raise ExpressionError(f"{node.name}() takes other arguments") from None


def _binary(node: Binary, contexts: Mapping[str, Value]) -> Value:
    left = evaluate(node.left, contexts)
    if node.op in ("&&", "||"):
        decided = truth(left)
        stop = decided is False if node.op == "&&" else decided is True
        if stop:
            return left
        right = evaluate(node.right, contexts)
        if decided is not None:
            return right
        # The left side is unknown: the result is one side or the other.
        other = truth(right)
        if node.op == "&&" and other is False:
            return Unknown(truthy=False)
        if node.op == "||" and other is True:
            return Unknown(truthy=True)
        return UNKNOWN
    right = evaluate(node.right, contexts)
    if node.op == "==":
        return _tri(_equal(left, right))
    if node.op == "!=":
        same = _equal(left, right)
        return UNKNOWN if same is None else not same
    return _tri(_compare(node.op, left, right))


def uses_status_function(node: Node) -> bool:
    """Whether a condition calls ``success()``, ``always()``, ``failure()`` or
    ``cancelled()`` (if not, GitHub puts ``success() &&`` before it)."""
    if isinstance(node, Call):
        return node.name in _STATUS or any(uses_status_function(a) for a in node.args)
    if isinstance(node, Index):
        return uses_status_function(node.target) or (
            node.key is not None and uses_status_function(node.key)
        )
    if isinstance(node, Not):
        return uses_status_function(node.operand)
    if isinstance(node, Binary):
        return uses_status_function(node.left) or uses_status_function(node.right)
    return False


_WHOLE = re.compile(r"^\s*\$\{\{(?P<inner>.*?)\}\}\s*$", re.DOTALL)
_EMBEDDED = re.compile(r"\$\{\{.*?\}\}", re.DOTALL)


def condition_text(raw: object) -> tuple[Node | None, bool]:
    """An ``if:`` value as GitHub reads it: the expression (``${{ }}`` or bare), or
    None for a literal; and whether it is text around ``${{ }}`` (then it is a
    non-empty string, always true: a classic mistake)."""
    if isinstance(raw, bool):
        return Literal(raw), False
    if isinstance(raw, int | float):
        return Literal(float(raw)), False
    if not isinstance(raw, str):
        raise ExpressionError("not a string")
    whole = _WHOLE.match(raw)
    if whole and "${{" not in whole.group("inner"):
        return parse(whole.group("inner")), False
    if _EMBEDDED.search(raw):
        return Literal(raw), True
    return parse(raw), False


def whole(raw: object) -> Node | None:
    """The expression of a value that is one ``${{ }}`` and nothing else, else None
    (also when GitHub would refuse it: the value is then left to :func:`interpolate`)."""
    match = _WHOLE.match(raw) if isinstance(raw, str) else None
    if match is None or "${{" in match.group("inner"):
        return None
    try:
        return parse(match.group("inner"))
    except ExpressionError:
        return None


def interpolate(raw: object, contexts: Mapping[str, Value]) -> Value:
    """A value with ``${{ }}`` in it, as GitHub fills it in (a job's ``outputs:``): the
    text, or unknown when a part is."""
    if not isinstance(raw, str):
        return _text(plain(raw)) if not isinstance(raw, dict | list) else UNKNOWN
    parts: list[str] = []
    pos = 0
    for match in _EMBEDDED.finditer(raw):
        parts.append(raw[pos : match.start()])
        try:
            value = _text(evaluate(parse(match.group()[3:-2]), contexts))
        except ExpressionError:
            return UNKNOWN
        if value is None:
            return UNKNOWN
        parts.append(value)
        pos = match.end()
    parts.append(raw[pos:])
    return "".join(parts)


def condition(
    raw: object, contexts: Mapping[str, Value], *, status_default: bool = True
) -> bool | None:
    """Whether an ``if:`` holds: True, False, or None when it depends on the run."""
    node, _ = condition_text(raw)
    assert node is not None
    if status_default and not uses_status_function(node):
        node = Binary("&&", Call("success", ()), node)
    return truth(evaluate(node, contexts))


def names(node: Node) -> Sequence[str]:
    """Dotted context paths read by ``node`` (``github.repository``), for messages."""
    found: list[str] = []

    def path(n: Node) -> str | None:
        if isinstance(n, Name):
            return n.name
        if isinstance(n, Index) and isinstance(n.key, Literal) and isinstance(n.key.value, str):
            head = path(n.target)
            return f"{head}.{n.key.value}" if head else None
        return None

    def walk(n: Node) -> None:
        whole = path(n)
        if whole is not None:
            found.append(whole)
            return
        for child in _children(n):
            walk(child)

    walk(node)
    return found


def _children(node: Node) -> tuple[Node, ...]:
    if isinstance(node, Index):
        return (node.target,) if node.key is None else (node.target, node.key)
    if isinstance(node, Call):
        return node.args
    if isinstance(node, Not):
        return (node.operand,)
    if isinstance(node, Binary):
        return (node.left, node.right)
    return ()
