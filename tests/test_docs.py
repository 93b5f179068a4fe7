"""The README and docs/ document every diagnosis and every input, and the messages keep
their promise of naming a fix."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from conftest import ROOT

from publisher.messages import MESSAGES, Msg

README = (ROOT / "README.md").read_text(encoding="utf-8")
# The reference material lives in docs/, linked from the README: read as one text.
DOCS = README + "".join(p.read_text(encoding="utf-8") for p in sorted((ROOT / "docs").glob("*.md")))
# Lines of the dry-run report, log lines, phrases and summary words: not diagnoses.
NOT_DIAGNOSES = (
    "check-",
    "log-",
    "doing-",
    "endpoint-",
    "summary-",
    "result-",
    "verdict-",
    "source-",
    "attested-",
    "sigstore-",
    "phrase-",
)
DIAGNOSES = {
    k: v
    for k, v in MESSAGES.items()
    if not k.startswith(NOT_DIAGNOSES)
    and k not in ("upload-redirected", "index-problem-status", "index-problem-page")
}


@pytest.mark.parametrize("key", sorted(DIAGNOSES))
def test_readme_names_every_diagnosis(key: Msg) -> None:
    title = DIAGNOSES[key][0]
    for chunk in re.split(r"`?\$\w+`?", title):
        chunk = chunk.strip()
        if len(chunk) > 3:
            assert chunk in DOCS, f"the docs lack the diagnosis {title!r}"


@pytest.mark.parametrize("key", sorted(DIAGNOSES))
def test_every_failure_message_names_a_fix(key: Msg) -> None:
    body = DIAGNOSES[key][1]
    warning_only = {"reusable-workflow", "many-problems"}
    assert "Fix" in body or key in warning_only


def test_readme_documents_every_input_with_its_default() -> None:
    """Each input with its real default (an old spelling carries it in action.yml, as
    in the anchor: publisher.inputs.UNSET), and each old spelling."""
    from publisher.inputs import INPUTS

    declared = yaml.safe_load((ROOT / "action.yml").read_text())["inputs"]
    for spec in INPUTS:
        assert spec.name in declared
        row = f"| `{spec.name}` | " + (f"`{spec.default}`" if spec.default else "(empty)")
        assert row in DOCS, f"the docs lack the input {spec.name} with default {spec.default!r}"
        if spec.alias:
            assert declared[spec.alias]["default"] == spec.default
            assert f"`{spec.alias}`" in DOCS, f"the docs lack the old spelling {spec.alias}"


def test_readme_documents_every_output() -> None:
    outputs = yaml.safe_load((ROOT / "action.yml").read_text())["outputs"]
    for name in outputs:
        assert f"| `{name}` |" in DOCS


def test_every_message_key_has_a_text_and_is_used() -> None:
    """Keys are constants (``Msg.X``), so a key used is a key that exists (mypy checks
    it); each has its text, and each is used by the runtime code."""
    import publisher

    assert set(MESSAGES) == set(Msg)
    package = Path(publisher.__file__).parent
    code = "\n".join(
        p.read_text(encoding="utf-8") for p in package.rglob("*.py") if p.name != "messages.py"
    )
    # messages.py's own functions use a few keys too; its catalogue does not count.
    own = (package / "messages.py").read_text(encoding="utf-8")
    start = own.index("\nMESSAGES: dict[Msg, tuple[str, str]] = {")
    code += own[:start] + own[own.index("\n}\n", start) :]
    unused = [m.name for m in Msg if not re.search(rf"\bMsg\.{m.name}\b", code)]
    assert unused == []


def test_no_message_text_outside_the_catalogue() -> None:
    """User-visible text is written in messages.py: the runtime's calls that print or
    raise take a key, never a string."""
    import publisher

    package = Path(publisher.__file__).parent
    call = re.compile(
        r"\b(?:Error|console\.(?:info|notice|warning|error|debug|text|group)|Finding)\(\s*(f?\"[^\"]*\")"
    )
    found = [
        f"{p.name}: {m.group(1)}"
        for p in package.rglob("*.py")
        for m in call.finditer(p.read_text(encoding="utf-8"))
        if m.group(1) not in ('"ok"', '"notice"', '"warning"', '"error"')
    ]
    assert found == []


def test_action_yml_inputs_come_from_the_package() -> None:
    """The defaults have one source, shipped in the package: action.yml's inputs are
    generated from it (tools/action_yml.py)."""
    from action_yml import ACTION_YML, generated

    current = ACTION_YML.read_text(encoding="utf-8")
    assert current == generated(current), "run: python tools/action_yml.py"


def test_readme_links_resolve_and_stay_short() -> None:
    """The README is the adopter's page: under 300 lines, its links to docs/ resolve."""
    assert len(README.splitlines()) < 300
    for target in re.findall(r"\]\((docs/[^)#]+)", README):
        assert (ROOT / target).is_file(), target
    for page in (ROOT / "docs").glob("*.md"):
        text = page.read_text(encoding="utf-8")
        for target in re.findall(r"\]\(([\w./-]+\.md)", text):
            assert (page.parent / target).is_file(), f"{page.name}: {target}"
