"""The README documents every diagnosis and every input, and the messages keep their
promise of naming a fix."""

from __future__ import annotations

import re

import pytest
import yaml
from conftest import ROOT

from publisher.messages import MESSAGES

README = (ROOT / "README.md").read_text(encoding="utf-8")
DIAGNOSES = {k: v for k, v in MESSAGES.items() if not k.startswith("check-")}


@pytest.mark.parametrize("key", sorted(DIAGNOSES))
def test_readme_names_every_diagnosis(key: str) -> None:
    title = DIAGNOSES[key][0]
    for chunk in re.split(r"`?\$\w+`?", title):
        chunk = chunk.strip()
        if len(chunk) > 3:
            assert chunk in README, f"README lacks the diagnosis {title!r}"


@pytest.mark.parametrize("key", sorted(DIAGNOSES))
def test_every_failure_message_names_a_fix(key: str) -> None:
    body = DIAGNOSES[key][1]
    warning_only = {"reusable-workflow", "many-problems"}
    assert "Fix" in body or key in warning_only


def test_readme_documents_every_input_with_its_default() -> None:
    inputs = yaml.safe_load((ROOT / "action.yml").read_text())["inputs"]
    for name, spec in inputs.items():
        default = spec.get("default", "")
        row = f"| `{name}` | " + (f"`{default}`" if default else "(empty)")
        assert row in README, f"README lacks the input {name} with default {default!r}"


def test_readme_documents_every_output() -> None:
    outputs = yaml.safe_load((ROOT / "action.yml").read_text())["outputs"]
    for name in outputs:
        assert f"| `{name}` |" in README
