"""GitHub's expression language, three-valued: each case is a condition seen in real
release workflows (or a rule of GitHub's documentation), with what it gives on one
trigger: True, False, or None (it depends on the run)."""

from __future__ import annotations

import pytest

from publisher.workflows.expressions import (
    OPEN,
    UNKNOWN,
    ExpressionError,
    Unknown,
    Value,
    condition,
    evaluate,
    parse,
)


def _github(event: str, ref: Value = UNKNOWN, **event_fields: Value) -> dict[str, Value]:
    payload: dict[str, Value] = {OPEN: True, **event_fields}
    if event != "pull_request":
        payload["pull_request"] = None
    github: dict[str, Value] = {
        OPEN: True,
        "event_name": event,
        "ref": ref,
        "repository": "octo-org/example",
        "repository_owner": "octo-org",
        "event": payload,
    }
    return {"github": github}


TAG = Unknown(prefix="refs/tags/")
BRANCH = Unknown(prefix="refs/heads/")

CASES: list[tuple[str, dict[str, Value], bool | None]] = [
    ("github.event_name == 'push'", _github("push"), True),
    ("github.event_name == 'push'", _github("pull_request"), False),
    ("${{ github.event_name == 'release' }}", _github("release"), True),
    ("github.event_name == 'PUSH'", _github("push"), True),  # strings: any case
    ("startsWith(github.ref, 'refs/tags/')", _github("push", TAG), True),
    ("startsWith(github.ref, 'refs/tags/')", _github("push", BRANCH), False),
    ("startsWith(github.ref, 'refs/tags/v')", _github("push", TAG), None),
    ("startsWith(github.ref, 'refs/tags/')", _github("workflow_dispatch"), None),
    ("github.ref == 'refs/heads/main'", _github("push", TAG), False),
    ("github.event.action == 'published'", _github("release", action="published"), True),
    ("github.event.action == 'published'", _github("push", action=None), False),
    ("github.repository == 'octo-org/example'", _github("push"), True),
    ("github.repository == 'someone/else'", _github("push"), False),
    ("github.event.pull_request.head.repo.fork != true", _github("push"), True),
    ("github.event.pull_request.head.repo.fork != true", _github("pull_request"), None),
    ("!github.event.repository.fork", _github("push"), None),
    (
        "github.event_name == 'push' && startsWith(github.ref, 'refs/tags')",
        _github("pull_request"),
        False,
    ),
    ("github.event_name == 'release' || inputs.publish", _github("release"), True),
    ("github.event_name == 'release' || inputs.publish", _github("push"), None),
    ("inputs.publish && github.event_name == 'release'", _github("push"), False),
    ("(github.event_name == 'push') && !(github.event_name == 'push')", _github("push"), False),
    ("success() && github.event_name != 'pull_request'", _github("pull_request"), False),
    ("always()", _github("pull_request"), True),
    ("contains(github.ref, 'refs/tags')", _github("push", "refs/tags/v1"), True),
    ('contains(fromJSON(\'["push", "release"]\'), github.event_name)', _github("push"), True),
    ('contains(fromJSON(\'["push", "release"]\'), github.event_name)', _github("x"), False),
    ("endsWith('abc', 'BC')", _github("push"), True),
    ("1 == '1'", {}, True),  # different types: compared as numbers
    ("null == 0", {}, True),
    ("'' == false", {}, True),
    ("0x10 == 16", {}, True),
    ("format('{0}-{1}', 'a', 1) == 'a-1'", {}, True),
    ("join(fromJSON('[1, 2]'), '+') == '1+2'", {}, True),
    ("vars.PUBLISH == 'true'", {}, None),
    ("secrets.PYPI_TOKEN != ''", {}, None),
    ("hashFiles('**/x') != ''", {}, None),
    # Text around ${{ }} is a non-empty string, always true (GitHub's own pitfall).
    ("${{ github.event_name == 'push' }} && ${{ false }}", _github("pull_request"), True),
    ("false", {}, False),
]


@pytest.mark.parametrize(("text", "contexts", "expected"), CASES, ids=[c[0] for c in CASES])
def test_condition(text: str, contexts: dict[str, Value], expected: bool | None) -> None:
    assert condition(text, contexts) is expected


def test_unknown_spreads_only_as_far_as_it_must() -> None:
    assert evaluate(parse("inputs.a && false"), {}) == Unknown(truthy=False)
    assert evaluate(parse("inputs.a || true"), {}) == Unknown(truthy=True)
    assert evaluate(parse("inputs.a || 'x'"), {}) == Unknown(truthy=True)
    assert condition("inputs.a && false", {}) is False


def test_literal_conditions() -> None:
    assert condition(True, {}) is True
    assert condition(False, {}) is False
    assert condition(0, {}) is False


def test_filters_and_indexes() -> None:
    data = 'fromJSON(\'[{"a": 1}, {"a": 2}]\')'
    assert evaluate(parse(f"{data}.*.a"), {}) == [1.0, 2.0]
    assert evaluate(parse(f"{data}[1]['a']"), {}) == 2.0
    assert evaluate(parse(f"{data}[5]"), {}) is None
    assert evaluate(parse("github.nope"), {"github": {OPEN: True}}) is UNKNOWN


@pytest.mark.parametrize(
    "text",
    ["a ==", "(a", "a b", "'unterminated", "f(a,", "a.", "#", "", "!" * 60 + "a", "a.b)"],
)
def test_what_github_refuses(text: str) -> None:
    with pytest.raises(ExpressionError):
        parse(text)


def test_wrong_arguments_are_refused() -> None:
    with pytest.raises(ExpressionError):
        evaluate(parse("startsWith('a')"), {})
