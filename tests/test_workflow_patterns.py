"""The workflow lint on the patterns of real release workflows (re-typed, minimal; see
docs/check-corpus.md for the repositories they come from): each case in
tests/data/workflows/ is a repository's workflows, and its ``expected.txt`` the findings
a careful reviewer expects, hand-judged: no false alarm, every true problem found.

A case folder holds ``workflows/*.yml`` (laid out as ``.github/workflows/``), maybe
``own-action.yml`` (the repository's ``action.yml``) and ``actions/`` (laid out as
``.github/actions/``: its composite actions), and ``expected.txt``: one finding a line,
``status key file:line title`` (``-`` for no location; `` [for FOLDER]`` after a
finding about the dists of one of several folders), ``#`` comments allowed (the
verdicts). The repository's ``origin`` is ``github.com/octo-org/example``; there are no dists, so the
workflows alone are checked, as on a pull request."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import ROOT

from publisher.cli import main

CASES = ROOT / "tests" / "data" / "workflows"


def lay_out(case: Path, repo: Path) -> Path:
    """The case as a checkout: .github/workflows/, action.yml, a GitHub origin."""
    folder = repo / ".github" / "workflows"
    folder.mkdir(parents=True)
    for path in sorted((case / "workflows").iterdir()):
        shutil.copy(path, folder / path.name)
    if (case / "own-action.yml").exists():
        shutil.copy(case / "own-action.yml", repo / "action.yml")
    if (case / "actions").is_dir():
        shutil.copytree(case / "actions", repo / ".github" / "actions")
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    remote = ["remote", "add", "origin", "https://github.com/octo-org/example.git"]
    subprocess.run(["git", "-C", str(repo), *remote], check=True)
    return repo


def run_check(
    repo: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    *args: str,
    folder: str = "",
) -> tuple[int, str]:
    """``publisher check ARGS`` in ``repo`` (or a ``folder`` of it): exit code and output."""
    (repo / folder).mkdir(parents=True, exist_ok=True)
    monkeypatch.chdir(repo / folder)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    code = main(["check", *args])
    return code, capsys.readouterr().out


def findings(report: dict[str, object]) -> list[str]:
    """The report's findings as expected.txt writes them."""
    lines = []
    checks = report["checks"]
    assert isinstance(checks, list)
    for check in checks:
        where = check.get("location")
        at = f"{where['file']}:{where['line']}" if where else "-"
        folder = f" [for {check['folder']}]" if "folder" in check else ""
        lines.append(f"{check['status']} {check['key']} {at} {check['check']}{folder}")
    return lines


def expected(case: Path) -> list[str]:
    text = (case / "expected.txt").read_text(encoding="utf-8")
    return [line for line in text.splitlines() if line.strip() and not line.startswith("#")]


@pytest.mark.parametrize("case", sorted(p.name for p in CASES.iterdir()))
def test_pattern(
    case: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    repo = lay_out(CASES / case, tmp_path / "repo")
    code, out = run_check(repo, monkeypatch, capsys, "--format", "json")
    found = findings(json.loads(out))
    assert sorted(found) == sorted(expected(CASES / case))
    errors = [line for line in found if line.startswith("error ")]
    assert code == (1 if errors else 0)
