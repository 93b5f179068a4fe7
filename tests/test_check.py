"""Dry run, as the action (`dry-run: true`) and locally (`publisher check`): every check,
each outcome, and never a request to mint-token or to the upload endpoint."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from conftest import ROOT, GitHub, make_sdist, make_wheel, metadata_text, publisher_for_run
from demo import build_example
from fakes.index import Fault, LocalIndex, RunClaims

from publisher.cli import main
from publisher.messages import Msg

PUBLISH_JOB = """
  publish:
    runs-on: ubuntu-latest
{extra}
    steps:
      - uses: actions/download-artifact@v4
      - uses: someone/trusted-publish-action@v1
        with:
          repository-url: __INDEX__
"""


def _no_harm(index: LocalIndex) -> None:
    assert "/_/oidc/mint-token" not in index.state.paths()
    assert "/legacy/" not in index.state.paths()
    assert index.state.uploads == []


# --- as the action ---------------------------------------------------------------------


def test_action_dry_run_reports_and_touches_nothing(github: GitHub, index: LocalIndex) -> None:
    make_sdist(github.dist)
    make_wheel(github.dist)

    run = github.run({"dry-run": "true"}, subprocess_run=True)

    assert run.code == 0, run.log
    _no_harm(index)
    assert "/_github/token" in index.state.paths()  # a token was fetched, and only read
    page = run.page
    assert page.headings[0][1].startswith("Dry run for")
    assert "No token was minted and nothing was uploaded." in page.text
    assert "OIDC token available (audience local-index)" in page.text
    assert "owner octo-org (id 1001), repository example, workflow release.yml" in page.text
    assert "Project example is not on" in page.text
    pending = page.link("register a pending publisher for example")
    assert "project_name=example" in pending
    assert "workflow_filename=release.yml" in pending
    assert run.output_list("uploaded") == []
    # the report quotes the index: workflow commands are off while it is printed
    assert run.log.index("::stop-commands::") < run.log.index("OK: a real publish")


def test_action_dry_run_with_pending_publisher_creates_no_project(
    github: GitHub, index: LocalIndex
) -> None:
    make_wheel(github.dist)
    index.state.pending.append(publisher_for_run(index, project="example"))
    run = github.run({"dry-run": "true"})
    assert run.code == 0, run.log
    assert index.state.projects == {}
    assert len(index.state.pending) == 1
    _no_harm(index)


def test_action_dry_run_fails_on_bad_dist(github: GitHub, index: LocalIndex) -> None:
    make_wheel(github.dist, filename="example-2.0-py3-none-any.whl")
    run = github.run({"dry-run": "true"})
    assert run.code == 1
    assert "File name and metadata version differ" in run.summary
    _no_harm(index)


def test_action_dry_run_existing_files(github: GitHub, index: LocalIndex) -> None:
    make_sdist(github.dist)
    wheel = make_wheel(github.dist)
    index.state.add_project("example", publisher_for_run(index))
    index.state.add_file("example", wheel.name, wheel.read_bytes(), "1.0.0")
    index.state.add_file("example", "example-1.0.0.tar.gz", b"different", "1.0.0")

    run = github.run({"dry-run": "true", "skip-existing": "true"})

    assert run.code == 0, run.log  # skip-existing skips both, as twine does
    assert "Same sha256: skipped (skip-existing)" in run.summary
    assert "is on the index with other content: skipped" in run.summary
    _no_harm(index)

    run = github.run({"dry-run": "true"})
    assert run.code == 1  # without it, other content under a used name is an error
    assert "is on the index with other content" in run.summary


def test_action_dry_run_identical_file_needs_skip_existing(
    github: GitHub, index: LocalIndex
) -> None:
    wheel = make_wheel(github.dist)
    index.state.add_project("example", publisher_for_run(index))
    index.state.add_file("example", wheel.name, wheel.read_bytes(), "1.0.0")
    run = github.run({"dry-run": "true"})
    assert run.code == 1
    assert "skip-existing: true" in run.summary


def test_action_dry_run_without_token(github: GitHub, index: LocalIndex) -> None:
    make_wheel(github.dist)
    run = github.run({"dry-run": "true"}, oidc=False)
    assert run.code == 1
    assert "id-token: write" in run.summary
    _no_harm(index)


def test_action_dry_run_reusable_workflow(github: GitHub, index: LocalIndex) -> None:
    make_wheel(github.dist)
    index.state.run = RunClaims(called_workflow="octo-org/example/.github/workflows/publish.yml")
    run = github.run({"dry-run": "true"})
    assert run.code == 0, run.log
    assert "reusable workflow" in run.summary
    assert "publish.yml" in run.summary
    _no_harm(index)


# --- locally: publisher check ----------------------------------------------------------


def _repo(tmp_path: Path, workflow: str, name: str = "release.yml") -> Path:
    repo = tmp_path / "repo"
    (repo / ".github" / "workflows").mkdir(parents=True, exist_ok=True)
    (repo / ".github" / "workflows" / name).write_text(textwrap.dedent(workflow))
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    subprocess.run(
        ["git", "-C", str(repo), "remote", "add", "origin", "git@github.com:octo-org/example.git"],
        check=True,
    )
    make_wheel(repo / "dist")
    return repo


def _workflow(
    on: str = "push", top: str = "", job: str = "    permissions:\n      id-token: write"
) -> str:
    return f"on: {on}\n{top}\njobs:" + PUBLISH_JOB.format(extra=job)


def _check(
    repo: Path,
    index: LocalIndex,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    *args: str,
) -> tuple[int, dict[str, object]]:
    # The workflows publish to the fake index the check is asked about.
    for path in repo.rglob("*.yml"):
        if path.is_file() and not path.is_symlink():
            text = path.read_bytes().replace(b"__INDEX__", index.upload_url.encode())
            path.write_bytes(text)
    monkeypatch.chdir(repo)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    code = main(["check", "--repository-url", index.upload_url, "--format", "json", *args])
    report = json.loads(capsys.readouterr().out)
    _no_harm(index)
    return code, report


def _lines(report: dict[str, object]) -> list[tuple[str, str]]:
    checks = report["checks"]
    assert isinstance(checks, list)
    return [(c["status"], c["check"] + "\n" + c["detail"]) for c in checks]


def _has(report: dict[str, object], status: str, text: str) -> bool:
    return any(s == status and text in t for s, t in _lines(report))


def test_check_reports_publisher_fields(
    tmp_path: Path,
    index: LocalIndex,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    repo = _repo(
        tmp_path, _workflow(job="    environment: pypi\n    permissions:\n      id-token: write")
    )
    code, report = _check(repo, index, monkeypatch, capsys)
    assert code == 0, report
    assert report["ok"] is True
    assert _has(
        report,
        "ok",
        "owner: octo-org\nrepository: example\nworkflow filename: release.yml\nenvironment: pypi",
    )
    assert _has(report, "ok", "gets an OIDC token")
    assert _has(
        report,
        "warning",
        "owner=octo-org&repository=example&workflow_filename=release.yml"
        "&environment=pypi&project_name=example",
    )


@pytest.mark.parametrize(
    ("top", "job", "status", "text"),
    [
        ("permissions:\n  id-token: write", "", "ok", "comes from the workflow's permissions"),
        (
            "permissions:\n  id-token: write",
            "    permissions:\n      contents: read",
            "error",
            "gets no OIDC token",
        ),
        ("", "", "error", "no permissions block"),
        ("permissions: write-all", "", "ok", "gets an OIDC token"),
    ],
    ids=["workflow-level", "removed-by-job-level", "none", "write-all"],
)
def test_check_id_token_permission(
    tmp_path: Path,
    index: LocalIndex,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    top: str,
    job: str,
    status: str,
    text: str,
) -> None:
    repo = _repo(tmp_path, _workflow(top=top, job=job))
    code, report = _check(repo, index, monkeypatch, capsys)
    assert _has(report, status, text), _lines(report)
    assert code == (1 if status == "error" else 0)


def test_check_non_linux_runner(
    tmp_path: Path,
    index: LocalIndex,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    workflow = _workflow().replace("runs-on: ubuntu-latest", "runs-on: macos-14")
    repo = _repo(tmp_path, workflow)
    code, report = _check(repo, index, monkeypatch, capsys)
    assert code == 1
    assert _has(report, "error", "runs on `macos-14`")


@pytest.mark.parametrize(
    ("on", "status", "text"),
    [
        ("[push, pull_request]", "warning", "from forks get no OIDC token"),
        ("pull_request", "notice", "releases are made by pull request"),
        ("pull_request_target", "error", "PyPI refuses tokens from `pull_request_target`"),
        ("workflow_call", "warning", "is a reusable workflow"),
    ],
)
def test_check_triggers(
    tmp_path: Path,
    index: LocalIndex,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    on: str,
    status: str,
    text: str,
) -> None:
    repo = _repo(tmp_path, _workflow(on=on))
    code, report = _check(repo, index, monkeypatch, capsys)
    assert _has(report, status, text), _lines(report)
    assert code == (1 if status == "error" else 0)


def test_check_pull_request_target_with_an_empty_password(
    tmp_path: Path,
    index: LocalIndex,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """`password: ''` is no password: the step publishes with trusted publishing, whose
    tokens PyPI refuses from `pull_request_target` runs (as every other audit reads it)."""
    workflow = _workflow(on="pull_request_target") + "        with:\n          password: ''\n"
    repo = _repo(tmp_path, workflow)
    code, report = _check(repo, index, monkeypatch, capsys)
    assert _has(report, "error", "PyPI refuses tokens from `pull_request_target`"), _lines(report)
    assert code == 1


def test_check_names_the_calling_workflow(
    tmp_path: Path,
    index: LocalIndex,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    repo = _repo(tmp_path, _workflow(on="workflow_call"), name="publish.yml")
    caller = "on: push\njobs:\n  release:\n    uses: ./.github/workflows/publish.yml\n"
    (repo / ".github" / "workflows" / "release.yml").write_text(caller)
    _code, report = _check(repo, index, monkeypatch, capsys)
    assert _has(report, "warning", "publish.yml is a reusable workflow (called from release.yml)")


def test_check_explicit_workflow_and_existing_project(
    tmp_path: Path,
    index: LocalIndex,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    repo = _repo(tmp_path, _workflow(), name="other.yml")
    index.state.add_project("example")
    code, report = _check(
        repo, index, monkeypatch, capsys, "--workflow", ".github/workflows/other.yml"
    )
    assert code == 0
    assert _has(report, "ok", "workflow filename: other.yml")
    assert _has(report, "ok", "Project `example` exists")


PROJECT_FORM = (
    "/manage/project/example/settings/publishing/?provider=github&owner=octo-org"
    "&repository=example&workflow_filename=release.yml"
)
PENDING_FORM = (
    "/manage/account/publishing/?provider=github&owner=octo-org&repository=example"
    "&workflow_filename=release.yml"
)


@pytest.mark.parametrize(
    ("on_index", "links"),
    [
        # Warehouse refuses a pending publisher for a project that exists and sends its
        # owners to the project's publishing settings, which read the same fields.
        (
            "yes",
            [
                "`example` is on the index already: add a trusted publisher to the project "
                f"(pre-filled): __INDEX__{PROJECT_FORM}"
            ],
        ),
        ("no", [f"register it (pre-filled): __INDEX__{PENDING_FORM}"]),
        (
            "unknown",
            [
                "if `example` is on the index (it did not say), add a trusted publisher to "
                f"the project (pre-filled): __INDEX__{PROJECT_FORM}",
                "for a project not on the index yet, register a pending publisher "
                f"(pre-filled): __INDEX__{PENDING_FORM}",
            ],
        ),
    ],
)
def test_check_publisher_link_for_a_project_on_the_index_or_not(
    tmp_path: Path,
    index: LocalIndex,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    on_index: str,
    links: list[str],
) -> None:
    repo = _repo(tmp_path, _workflow())
    if on_index == "yes":
        index.state.add_project("example")
    elif on_index == "unknown":
        index.state.faults.append(Fault("/simple/", status=401, times=100))
    _code, report = _check(repo, index, monkeypatch, capsys)
    (publisher,) = [t for s, t in _lines(report) if t.startswith("Publisher to register")]
    shown = publisher.splitlines()[-len(links) :]
    assert shown == [line.replace("__INDEX__", index.url) for line in links], publisher


def test_check_without_workflow(
    tmp_path: Path,
    index: LocalIndex,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    repo = _repo(tmp_path, "on: push\njobs:\n  test:\n    runs-on: x\n    steps: [{run: 'true'}]\n")
    code, report = _check(repo, index, monkeypatch, capsys)
    assert code == 0
    assert _has(report, "warning", "No workflow uses the action")


def test_check_broken_workflow_yaml(
    tmp_path: Path,
    index: LocalIndex,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    repo = _repo(tmp_path, "on: [push\njobs: {")
    code, report = _check(repo, index, monkeypatch, capsys)
    assert code == 1
    assert _has(report, "error", "release.yml` cannot be read as YAML")


def test_check_points_at_a_yaml_syntax_error(
    tmp_path: Path,
    index: LocalIndex,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A slip made editing permissions (`permissions: {}` left above a permission): the
    line where YAML gave up, and what it found, not "while parsing a block mapping"."""
    workflow = _workflow(job="    permissions: {}\n      id-token: write")
    repo = _repo(tmp_path, workflow)
    code, report = _check(repo, index, monkeypatch, capsys)
    assert code == 1
    check = _by_key(report, "error", Msg.WORKFLOW_UNREADABLE)
    assert check["detail"].startswith(
        "`.github/workflows/release.yml` cannot be read as YAML: line 7, column 7: "
        "expected <block end>, but found '<block mapping start>'."
    )
    where: object = check["location"]
    assert where == {"file": ".github/workflows/release.yml", "line": 7, "column": 7}


def test_check_on_the_example_project(tmp_path: Path, index: LocalIndex) -> None:
    """`publisher check` in this repository's own example, as a subprocess, plain text."""
    example = tmp_path / "example"
    shutil.copytree(ROOT / "example", example)
    build_example(example / "dist")
    proc = subprocess.run(
        [sys.executable, "-m", "publisher", "check", "--repository-url", index.upload_url],
        cwd=example,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT), "HOME": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    out = proc.stdout
    assert "ok      tpa_example-1.0.0.tar.gz" in out
    assert "ok      tpa_example-1.0.0-py3-none-any.whl" in out
    assert "ok      release.yml job `publish` gets an OIDC token" in out
    assert "environment: pypi" in out
    assert "warning Project `tpa-example` is not on" in out
    assert "\033[" not in out  # plain text when not a terminal
    assert out.rstrip().endswith("OK: a real publish would succeed, as far as can be known")
    _no_harm(index)


def test_check_into_a_closed_pipe_is_quiet(tmp_path: Path, index: LocalIndex) -> None:
    """`publisher check --format json | head -1`: the reader leaves early; no traceback."""
    example = tmp_path / "example"
    shutil.copytree(ROOT / "example", example)
    build_example(example / "dist")
    command = [sys.executable, "-m", "publisher", "check", "--format", "json"]
    proc = subprocess.Popen(
        [*command, "--repository-url", index.upload_url],
        cwd=example,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT), "HOME": str(tmp_path)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert proc.stdout is not None
    assert proc.stderr is not None
    proc.stdout.close()  # the reader is gone before the report is written
    stderr = proc.stderr.read().decode()
    assert proc.wait(timeout=60) == 1
    assert "Traceback" not in stderr, stderr
    assert "BrokenPipe" not in stderr, stderr


@pytest.mark.parametrize(
    "content",
    [
        b"# caf\xe9\nname: x\non: push\njobs: {}\n",  # not UTF-8
        b"x: " + b"[" * 5000 + b"]" * 5000 + b"\n",  # nested past the parser's stack
    ],
    ids=["latin-1", "deep"],
)
def test_check_goes_on_past_an_unreadable_workflow(
    tmp_path: Path,
    index: LocalIndex,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    content: bytes,
) -> None:
    """One broken file in .github/workflows is named; the publishing workflow beside
    it is still checked."""
    repo = _repo(tmp_path, _workflow())
    (repo / ".github" / "workflows" / "other.yml").write_bytes(content)
    code, report = _check(repo, index, monkeypatch, capsys)
    assert code == 1
    assert _has(report, "error", "other.yml` cannot be read as YAML")
    assert _has(report, "ok", "workflow filename: release.yml")
    assert not _has(report, "error", "Internal error")


def test_check_survives_a_yaml_alias_bomb(
    tmp_path: Path,
    index: LocalIndex,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    lines = ["a0: &a0 [x, x]"] + [f"a{i}: &a{i} [*a{i - 1}, *a{i - 1}]" for i in range(1, 30)]
    bomb = "\n".join(lines) + "\non: push\njobs:\n  j:\n    steps:\n      - uses: *a29\n"
    repo = _repo(tmp_path, _workflow())
    (repo / ".github" / "workflows" / "bomb.yml").write_text(bomb)
    started = time.monotonic()
    code, report = _check(repo, index, monkeypatch, capsys)
    assert time.monotonic() - started < 10
    assert code == 1, report  # the bomb is named; the publishing workflow still checked
    assert _has(report, "error", "bomb.yml` cannot be read as YAML: its aliases expand")
    assert _has(report, "ok", "workflow filename: release.yml")


def test_check_job_that_does_not_exist(
    tmp_path: Path,
    index: LocalIndex,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    repo = _repo(tmp_path, _workflow())
    code, report = _check(repo, index, monkeypatch, capsys, "--job", "nope")
    assert code == 1
    assert _has(report, "error", "No job `nope` in the workflows that publish")
    assert _has(report, "error", "release.yml: publish")
    assert not _has(report, "warning", "No workflow uses the action")
    code, report = _check(
        repo, index, monkeypatch, capsys, "--workflow", "release.yml", "--job", "nope"
    )
    assert code == 1
    assert _has(report, "error", "No job `nope` in release.yml")


def test_check_workflow_by_file_name_or_missing(
    tmp_path: Path,
    index: LocalIndex,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """`--workflow release.yml` is looked for in .github/workflows/ too; a file that is
    nowhere is named as missing, not as bad YAML."""
    repo = _repo(tmp_path, _workflow())
    code, report = _check(repo, index, monkeypatch, capsys, "--workflow", "release.yml")
    assert code == 0, report
    assert _has(report, "ok", "workflow filename: release.yml")
    assert not _has(report, "warning", "is not in .github/workflows/")
    code, report = _check(repo, index, monkeypatch, capsys, "--workflow", "nope.yml")
    assert code == 1
    assert _has(report, "error", "Workflow `nope.yml` not found")
    assert not _has(report, "error", "cannot be read as YAML")


def test_check_environment_expression_stays_out_of_the_link(
    tmp_path: Path,
    index: LocalIndex,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    job = "    environment: ${{ inputs.env }}\n    permissions:\n      id-token: write"
    repo = _repo(tmp_path, _workflow(job=job))
    code, report = _check(repo, index, monkeypatch, capsys)
    assert code == 0, report
    assert _has(report, "notice", "${{ inputs.env }}")
    assert _has(report, "notice", "Fix: register the publisher with the environment")
    links = [t for _, t in _lines(report) if "project_name=example" in t]
    assert links
    assert all("environment=" not in link for link in links)


@pytest.mark.parametrize(
    ("written", "off"),
    [("false", True), ("'off'", True), ("'${{ inputs.sign }}'", False), ("true", False)],
    ids=["yaml-false", "off", "expression", "true"],
)
def test_check_signs_as_the_step_says(
    tmp_path: Path,
    index: LocalIndex,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    written: str,
    off: bool,
) -> None:
    """A step with `attestations: false` signs nothing, and the check says so rather
    than what the default would do; an expression leaves it to the run."""
    workflow = _workflow() + f"          attestations: {written}\n"
    repo = _repo(tmp_path, workflow)
    code, report = _check(repo, index, monkeypatch, capsys)
    assert code == 0, report
    said = [c["check"] for c in report["checks"] if c["key"] == Msg.CHECK_ATTEST_OFF.value]  # type: ignore[attr-defined]
    assert said == (["No attestations (`attestations: false`)"] if off else [])


@pytest.mark.parametrize(
    ("uses", "written", "skipped"),
    [
        ("someone/trusted-publish-action@v1", "true", True),
        ("someone/trusted-publish-action@v1", "'${{ inputs.skip }}'", False),
        ("someone/trusted-publish-action@v1", "false", False),
        ("pypa/gh-action-pypi-publish@release/v1", "'yes'", True),
    ],
    ids=["true", "expression", "false", "anchor-yes"],
)
def test_check_skips_files_on_the_index_as_the_step_says(
    tmp_path: Path,
    index: LocalIndex,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    uses: str,
    written: str,
    skipped: bool,
) -> None:
    """A release re-run (orjson, pypa/sampleproject: `skip-existing: true`) skips the
    files the index has in the real run; the check says so rather than fail on them."""
    workflow = _workflow().replace("someone/trusted-publish-action@v1", uses)
    repo = _repo(tmp_path, workflow + f"          skip-existing: {written}\n")
    wheel = next((repo / "dist").iterdir())
    index.state.add_project("example", publisher_for_run(index))
    index.state.add_file("example", wheel.name, wheel.read_bytes(), "1.0.0")
    code, report = _check(repo, index, monkeypatch, capsys)
    assert code == (0 if skipped else 1), _lines(report)
    keys = [c["key"] for c in report["checks"]]  # type: ignore[attr-defined]
    assert (Msg.CHECK_FILE_SKIPPED.value in keys) is skipped
    assert _has(report, "error", "skip-existing: true") is not skipped


@pytest.mark.parametrize(("written", "checked"), [("false", False), ("true", True)])
def test_check_reads_descriptions_as_the_step_says(
    tmp_path: Path,
    index: LocalIndex,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    written: str,
    checked: bool,
) -> None:
    """`verify-metadata: false` on the step: the real run does not render the long
    description, and neither does the check."""
    repo = _repo(tmp_path, _workflow() + f"          verify-metadata: {written}\n")
    for old in (repo / "dist").iterdir():
        old.unlink()
    broken = "Title\n=====\n\n`broken <\n"
    meta = metadata_text(
        "example", "1.0.0", Description_Content_Type="text/x-rst", Description=broken
    )
    make_wheel(repo / "dist", metadata=meta)
    code, report = _check(repo, index, monkeypatch, capsys)
    assert code == (1 if checked else 0), _lines(report)
    assert _has(report, "error", "does not render") is checked


def test_check_asks_the_index_the_workflow_publishes_to(
    tmp_path: Path,
    index: LocalIndex,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Without `--repository-url`, a workflow that publishes to TestPyPI only (or to a
    private index) gets its dists checked against that index, not against PyPI, where
    a file already there made the check fail (check-jsonschema's TestPyPI workflow)."""
    repo = _repo(tmp_path, _workflow())
    wheel = next((repo / "dist").iterdir())
    index.state.add_project("example", publisher_for_run(index))
    index.state.add_file("example", wheel.name, wheel.read_bytes(), "1.0.0")
    for path in repo.rglob("*.yml"):
        path.write_text(path.read_text().replace("__INDEX__", index.upload_url))
    monkeypatch.chdir(repo)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    code = main(["check", "--format", "json"])
    report = json.loads(capsys.readouterr().out)
    _no_harm(index)
    assert code == 1, _lines(report)
    assert _has(report, "ok", f"Project `example` exists on {index.url}")
    assert _has(report, "error", "is already on the index")
    assert "/pypi/example/json" in index.state.paths() or "/simple/example/" in index.state.paths()


def _by_key(report: dict[str, object], status: str, key: Msg) -> dict[str, str]:
    """The check of message ``key`` with ``status`` in a `--format json` report."""
    checks = report["checks"]
    assert isinstance(checks, list)
    found = [c for c in checks if c["key"] == key.value and c["status"] == status]
    assert found, [(c["status"], c["key"]) for c in checks]
    return dict(found[0])


def test_check_job_that_passes_a_password(
    tmp_path: Path,
    index: LocalIndex,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    workflow = _workflow(job="") + "        with:\n          password: ${{ secrets.PYPI_TOKEN }}\n"
    repo = _repo(tmp_path, workflow)
    code, report = _check(repo, index, monkeypatch, capsys)
    assert code == 0, report
    check = _by_key(report, "ok", Msg.CHECK_JOB_PASSWORD)
    assert check["check"] == "release.yml job `publish` step #2 passes a password"
    assert not any(c["key"] == Msg.CHECK_NO_ID_TOKEN.value for c in report["checks"])  # type: ignore[attr-defined]


def test_check_without_a_github_remote(
    tmp_path: Path,
    index: LocalIndex,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A checkout without a GitHub `origin`: the publisher's owner and repository are
    the user's to fill in, and the report says so."""
    repo = _repo(tmp_path, _workflow())
    subprocess.run(["git", "-C", str(repo), "remote", "remove", "origin"], check=True)
    code, report = _check(repo, index, monkeypatch, capsys)
    assert code == 0, report
    check = _by_key(report, "ok", Msg.CHECK_PUBLISHER_FIELDS)
    assert "owner: (your GitHub owner)\nrepository: (your repository)" in check["detail"]
    assert check["detail"].endswith(
        "(No GitHub `origin` remote: owner and repository are yours to fill in.)"
    )


def test_check_workflow_without_the_action(
    tmp_path: Path,
    index: LocalIndex,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """`--workflow` names a workflow whose jobs (more than one: no guessing) do not use
    the action."""
    jobs = "".join(f"  {j}:\n    runs-on: x\n    steps: [{{run: 'true'}}]\n" for j in ("a", "b"))
    repo = _repo(tmp_path, "on: push\njobs:\n" + jobs)
    code, report = _check(repo, index, monkeypatch, capsys, "--workflow", "release.yml")
    assert code == 0, report
    check = _by_key(report, "warning", Msg.CHECK_WORKFLOW_NO_JOB)
    assert check["check"] == "release.yml has no job that uses the action"


def test_check_workflow_outside_the_workflows_folder(
    tmp_path: Path,
    index: LocalIndex,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    repo = _repo(tmp_path, _workflow())
    (repo / "ci").mkdir()
    shutil.move(repo / ".github" / "workflows" / "release.yml", repo / "ci" / "release.yml")
    code, report = _check(repo, index, monkeypatch, capsys, "--workflow", "ci/release.yml")
    assert code == 0, report
    check = _by_key(report, "warning", Msg.CHECK_WORKFLOW_OUTSIDE)
    assert check["check"] == "`ci/release.yml` is not in .github/workflows/"
    assert "the file name stays `release.yml`" in check["detail"]


def test_check_internal_error_says_so_and_stops(
    github: GitHub, index: LocalIndex, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A bug of ours during a dry run: named as one, the checks after it do not run,
    and with `verbose` the traceback is in the log."""
    from publisher import index as index_module

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("a bug in the look-up")

    monkeypatch.setattr(index_module, "project_state", broken)
    make_wheel(github.dist)
    run = github.run({"dry-run": "true", "verbose": "true"}, in_process=True)
    assert run.code == 1
    check = run.reports(Msg.INTERNAL_ERROR_CHECK, "error")
    assert "RuntimeError: a bug in the look-up" in check.body
    assert run.logs(Msg.LOG_TRACEBACK)
    assert 'raise RuntimeError("a bug in the look-up")' in run.log
    assert "Internal error in the action" in run.summary
    _no_harm(index)


# pybind11's release job, re-typed: two packages, each published from its own folder.
TWO_FOLDERS = """\
on:
  release:
    types: [published]
jobs:
  upload:
    runs-on: ubuntu-latest
    environment: pypi
    permissions:
      id-token: write
    steps:
      - uses: actions/download-artifact@v4
      - name: Publish standard package
        uses: someone/trusted-publish-action@v1
        with:
          packages-dir: standard/
          repository-url: __INDEX__
      - name: Publish global package
        uses: someone/trusted-publish-action@v1
        with:
          packages-dir: global/
          repository-url: __INDEX__
"""


def _check_as_written(
    repo: Path,
    index: LocalIndex,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    *args: str,
) -> tuple[int, str]:
    """`publisher check ARGS` without `--repository-url`: the index is the steps'."""
    for path in repo.rglob("*.yml"):
        path.write_text(path.read_text().replace("__INDEX__", index.upload_url))
    monkeypatch.chdir(repo)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    code = main(["check", *args])
    out = capsys.readouterr().out
    _no_harm(index)
    return code, out


def _two_folders(tmp_path: Path) -> Path:
    repo = _repo(tmp_path, TWO_FOLDERS)
    shutil.rmtree(repo / "dist")
    make_wheel(repo / "standard", name="example")
    return repo


def test_check_each_folder_the_workflow_publishes(
    tmp_path: Path,
    index: LocalIndex,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Two steps of one job publish two folders (pybind11's `standard/` and `global/`):
    the dists of each are checked against the index its step names, and each finding
    says which folder it is about. Before, `global/` was never looked at."""
    repo = _two_folders(tmp_path)
    # The second package's wheel says 2.0 in its name and 1.0 in its metadata.
    make_wheel(
        repo / "global", name="example_global", filename="example_global-2.0-py3-none-any.whl"
    )
    code, out = _check_as_written(repo, index, monkeypatch, capsys, "--format", "json")
    report = json.loads(out)
    assert code == 1, _lines(report)
    checks = report["checks"]
    by_folder = {
        folder: [(c["status"], c["key"]) for c in checks if c.get("folder") == folder]
        for folder in ("standard", "global")
    }
    assert ("ok", Msg.CHECK_DIST.value) in by_folder["standard"]
    assert ("error", Msg.FILENAME_VERSION_MISMATCH.value) in by_folder["global"]
    assert ("error", Msg.FILENAME_VERSION_MISMATCH.value) not in by_folder["standard"]
    assert all(s != "error" for s, _ in by_folder["standard"])
    # Each folder's project was asked about on the index its step publishes to; the
    # link to register the new one is the job's.
    missing = [c for c in checks if c["key"] == Msg.CHECK_PROJECT_MISSING.value]
    assert [c["folder"] for c in missing] == ["standard"]
    assert (
        "workflow_filename=release.yml&environment=pypi&project_name=example"
        in missing[0]["detail"]
    )
    heads = [c["check"] for c in checks if c["key"] == Msg.CHECK_FOLDER.value]
    assert heads == [
        f"Distributions in standard, checked against {index.url}",
        f"Distributions in global, checked against {index.url}",
    ]
    # The text report says it under the finding.
    code, out = _check_as_written(repo, index, monkeypatch, capsys)
    assert code == 1
    error = out[out.index("error   File name and metadata version differ") :].splitlines()
    below = error[1 : next(i for i, line in enumerate(error[1:], 1) if line[:1] != " ")]
    assert "        for the dists in global" in below, error


def test_check_a_folder_not_built_yet_is_a_notice(
    tmp_path: Path,
    index: LocalIndex,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """One of the folders has dists, the other none yet: that one is a notice, the
    other is checked; a `--packages-dir` given is the one folder checked, as before."""
    repo = _two_folders(tmp_path)
    code, out = _check_as_written(repo, index, monkeypatch, capsys, "--format", "json")
    report = json.loads(out)
    assert code == 0, _lines(report)
    notice = _by_key(report, "notice", Msg.CHECK_FOLDER_NO_DISTS)
    assert notice["check"] == "No distributions in global yet: they are not checked"
    assert notice["folder"] == "global"
    assert _by_key(report, "ok", Msg.CHECK_DIST)["folder"] == "standard"
    assert not any(c["key"] == Msg.CHECK_WORKFLOWS_ONLY.value for c in report["checks"])

    code, out = _check_as_written(
        repo, index, monkeypatch, capsys, "--format", "json", "--packages-dir", "standard"
    )
    report = json.loads(out)
    assert code == 0, _lines(report)
    assert not any("folder" in c for c in report["checks"])
    assert _has(report, "ok", "example-1.0.0-py3-none-any.whl")


def test_check_does_not_read_a_folder_outside_the_checkout(
    tmp_path: Path,
    index: LocalIndex,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A step's `packages-dir` that leads out of the checkout (`..`, an absolute path):
    the real run would refuse it, so the check names it as that error, at its line,
    and neither reads nor lists the folder (a bad file there goes unmentioned)."""
    outside = tmp_path / "wheelhouse"
    outside.mkdir()
    (outside / "example-1.0.0.tar.gz").write_bytes(b"not a tarball")
    workflow = TWO_FOLDERS.replace("standard/", "../wheelhouse").replace("global/", "/etc")
    repo = _repo(tmp_path, workflow)
    code, out = _check_as_written(repo, index, monkeypatch, capsys, "--format", "json")
    report = json.loads(out)
    assert code == 1, _lines(report)
    refused = [c for c in report["checks"] if c["key"] == Msg.PATH_OUTSIDE_WORKSPACE.value]
    assert [(c["status"], c["location"]["line"]) for c in refused] == [("error", 15), ("error", 20)]
    assert "`packages-dir` is `../wheelhouse`" in refused[0]["detail"]
    assert "`packages-dir` is `/etc`" in refused[1]["detail"]
    shown = json.dumps(report)
    assert "not a readable archive" not in shown
    assert "passwd" not in shown


def test_check_workflows_only_reads_no_dists_and_asks_no_index(
    tmp_path: Path,
    index: LocalIndex,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The pre-commit hook's lint: a stale dist/ (its wheel on the index already, with
    other bytes) fails `publisher check`, but `--workflows-only` reads no dist and asks
    the index nothing, and passes on a fine workflow."""
    repo = _repo(tmp_path, _workflow())
    wheel = next((repo / "dist").glob("*.whl"))
    index.state.add_project("example", publisher_for_run(index))
    index.state.add_file("example", wheel.name, b"other bytes", "1.0.0")
    code, out = _check_as_written(repo, index, monkeypatch, capsys)
    assert code == 1
    assert f"error   `{wheel.name}` is on the index with other content" in out
    index.state.requests.clear()

    code, out = _check_as_written(repo, index, monkeypatch, capsys, "--workflows-only")
    assert code == 0, out
    assert index.state.paths() == []
    assert wheel.name not in out
    assert "ok      release.yml job `publish` gets an OIDC token" in out
    assert out.splitlines()[-1] == "OK: a real publish would succeed, as far as can be known"
    # The folders a workflow publishes from are not read either.
    repo = _two_folders(tmp_path / "two")
    code, out = _check_as_written(repo, index, monkeypatch, capsys, "--workflows-only")
    assert code == 0, out
    assert "Distributions in" not in out
    assert index.state.paths() == []
