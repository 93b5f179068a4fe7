"""A drop-in replacement for pypa/gh-action-pypi-publish (issue 14): its documented
workflows, its inputs and spellings, its warnings, skip-existing as its users rely on
it, two runs in one job, and `publisher check` finding its steps."""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from conftest import DECLARED_INPUTS, ROOT, GitHub, make_sdist, make_wheel, publisher_for_run
from fakes.hosts import served_as
from fakes.index import Fault, IndexState, LocalIndex
from fakes.sigstore import LocalSigstore, running_sigstore
from test_check import _check, _has, _lines, _repo

from publisher.console import Console
from publisher.context import Context, Mode
from publisher.http import Http
from publisher.inputs import read_config
from publisher.messages import Msg
from publisher.pipeline import STEPS, run
from publisher.steps.dists import validate_dists
from publisher.steps.inputs import check_credentials

EXAMPLES: list[dict[str, Any]] = json.loads(
    (ROOT / "tests" / "data" / "anchor_examples.json").read_text(encoding="utf-8")
)
# Cases where we differ from the anchor on purpose (docs/migration.md): booleans that
# are neither true nor false to us ("no" is true to the anchor).
DIFFERENT_ON_PURPOSE = {"bool-no-is-true"}
DOCUMENTED = [e for e in EXAMPLES if e["id"] not in DIFFERENT_ON_PURPOSE]
TOKEN = "pypi-AgEIcHlwaS5vcmcCJGEzZjZmNmI5LWJlY2UtNDg4Yi1hZjRkLWI1ZjFmNjM1NDY1YQ"


def _with(example: dict[str, Any]) -> dict[str, str]:
    """The example's `with:` block as the runner passes it: secrets filled in."""
    return {
        k: re.sub(r"\$\{\{\s*secrets\.\w+\s*\}\}", TOKEN, v) for k, v in example["with"].items()
    }


@pytest.mark.parametrize("example", DOCUMENTED, ids=[e["id"] for e in DOCUMENTED])
def test_anchor_example_reads_as_documented(example: dict[str, Any], tmp_path: Path) -> None:
    """Our input parsing gives each documented `with:` block the anchor's meaning."""
    from conftest import DECLARED_INPUTS

    env = {**{f"INPUT_{k.upper()}": v for k, v in DECLARED_INPUTS.items()}}
    env.update({f"INPUT_{k.upper()}": v for k, v in _with(example).items()})
    config = read_config(env, tmp_path)
    expected = example["expected"]
    assert config.index.upload_url == expected["index"]
    assert config.packages_dir == tmp_path / expected["packages_dir"].rstrip("/")
    assert config.skip_existing is expected["skip_existing"]
    assert config.verify_metadata is expected["verify_metadata"]
    assert config.print_hash is expected["print_hash"]
    auth = "password" if config.password or config.user != "__token__" else "trusted-publishing"
    assert auth == expected["auth"]
    assert config.user == expected["user"]
    deprecated = sorted(str(n.fields["alias"]) for n in config.notes if n.key == "input-deprecated")
    assert deprecated == _noticed(example)


def _noticed(example: dict[str, Any]) -> list[str]:
    """The old spellings we give a notice for: those the runner warns about (written
    in `with:`) whose value is not the default (one written as its default cannot be
    told from none; the runner's own deprecation warning covers it)."""
    from publisher.inputs import INPUTS

    specs = {spec.alias: spec for spec in INPUTS if spec.alias}
    written = example["with"]
    return sorted(
        alias
        for alias in example["expected"]["deprecation_warnings_for"]
        if written.get(alias, "") not in ("", specs[alias].default)
        and not written.get(specs[alias].name)  # a value written there wins
    )


PUBLIC_HOSTS = ("pypi.org", "upload.pypi.org", "test.pypi.org")


@pytest.fixture(scope="module")
def public_sigstore(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalSigstore]:
    """The local Sigstore, standing in for the public-good instance PyPI's uploads are
    signed with."""
    with running_sigstore(tmp_path_factory.mktemp("sigstore")) as running:
        yield running


@pytest.mark.parametrize("example", DOCUMENTED, ids=[e["id"] for e in DOCUMENTED])
def test_anchor_example_publishes(
    example: dict[str, Any],
    github: GitHub,
    index: LocalIndex,
    public_sigstore: LocalSigstore,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Each documented `with:` block, run as the action, does what the anchor's docs
    say, attestations included. PyPI and TestPyPI are taken as written: the local index
    answers for them (fakes.hosts), and the local Sigstore for the public-good instance
    (as TUF would hand it out); another index's URL is pointed at the local index."""
    from sigstore.models import ClientTrustConfig

    inputs = _with(example)
    expected = example["expected"]
    to_pypi_with_user = expected["outcome"].startswith("error")
    for key in ("repository-url", "repository_url"):
        if key in inputs and urlsplit(inputs[key]).hostname not in PUBLIC_HOSTS:
            inputs[key] = index.upload_url
    if "repository_url" not in inputs:  # as the runner passes it: action.yml's default
        inputs.setdefault("repository-url", DECLARED_INPUTS["repository-url"])
    if urlsplit(expected["index"]).hostname == "test.pypi.org":
        index.state.audience = "testpypi"
    index.state.sigstore_root = public_sigstore.trusted_root_json
    public = ClientTrustConfig.from_json(public_sigstore.trust_config_path.read_text())
    monkeypatch.setattr(ClientTrustConfig, "production", classmethod(lambda cls: public))
    folder = github.workspace / expected["packages_dir"]
    make_sdist(folder)
    make_wheel(folder)
    index.state.user_tokens.add(TOKEN)
    index.state.accounts["guido"] = TOKEN  # a private index's user and password
    index.state.add_project("example", publisher_for_run(index))
    if expected["skip_existing"]:
        wheel = folder / "example-1.0.0-py3-none-any.whl"
        index.state.add_file("example", wheel.name, b"an earlier build", "1.0.0")
    password = expected["auth"] == "password"
    with served_as(index, *PUBLIC_HOSTS):
        run = github.run(inputs, runner_defaults=True, oidc=not password, in_process=True)
    if to_pypi_with_user:
        assert run.code == 1
        assert "accepts API tokens only" in run.log
        assert index.state.requests == []  # PyPI (this index) was asked nothing
        return
    assert run.code == 0, run.log
    stored = index.state.projects["example"].files
    assert "example-1.0.0.tar.gz" in stored
    if expected["skip_existing"]:
        assert run.output_list("skipped") == ["example-1.0.0-py3-none-any.whl"]
    else:
        assert len(run.output_list("uploaded")) == 2
    for alias in _noticed(example):
        assert f"Input `{alias}` is a deprecated spelling" in run.log
    minted = "/_/oidc/mint-token" in index.state.paths()
    assert minted is (expected["auth"] == "trusted-publishing")
    attested = [bool(stored[name].attestations) for name in run.output_list("uploaded")]
    assert attested == [expected["attestations"]] * len(attested), run.log


# --- both spellings, as the runner passes them: the anchor's merge, exactly ----------------

ABSENT = None
# Per input: the default, and another value a workflow may write.
SPELLINGS = {
    "repository-url": ("https://upload.pypi.org/legacy/", "https://test.pypi.org/legacy/"),
    "skip-existing": ("false", "true"),
    "packages-dir": ("dist", "wheelhouse"),
}


def _anchor_value(name: str, kebab: str | None, snake: str | None) -> str:
    """What pypa/gh-action-pypi-publish v1.14 ends up with (docs/anchor-notes.md §1-2):
    its action.yml declares the kebab input without a default and the snake one with
    it, the runner fills both in, and the composite passes `kebab || snake`; an empty
    result reaches twine, which then uploads to its default index, PyPI."""
    default = SPELLINGS[name][0]
    merged = (kebab or "") or (default if snake is None else snake)
    return merged or default


def _runner_env(name: str, kebab: str | None, snake: str | None) -> dict[str, str]:
    """The INPUT_* variables the runner sets from our action.yml for that `with:`."""
    from conftest import DECLARED_INPUTS

    values = dict(DECLARED_INPUTS)
    alias = name.replace("-", "_")
    if kebab is not None:
        values[name] = kebab
    if snake is not None:
        values[alias] = snake
    return {f"INPUT_{k.upper()}": v for k, v in values.items()}


@pytest.mark.parametrize("name", sorted(SPELLINGS))
@pytest.mark.parametrize("kebab", ["absent", "empty", "default", "other"])
@pytest.mark.parametrize("snake", ["absent", "empty", "default", "other"])
def test_both_spellings_merge_as_in_the_anchor(
    name: str, kebab: str, snake: str, tmp_path: Path
) -> None:
    """Every way a workflow can write an input and its old spelling gives the
    anchor's value, except that an empty value with nothing else written is an error
    naming the input (the anchor would publish to pypi.org, or not skip)."""
    from publisher.errors import InputError

    default, other = SPELLINGS[name]
    choice = {"absent": ABSENT, "empty": "", "default": default, "other": other}
    k, s = choice[kebab], choice[snake]
    env = _runner_env(name, k, s)
    # An empty value written, and no other: the case the runner's defaults make one
    # with an expression that came out empty. packages-dir then takes dist, as there.
    empty = (k == "" or (k is ABSENT and s == "")) and s in (ABSENT, "", default)
    if empty and name != "packages-dir":
        with pytest.raises(InputError) as caught:
            read_config(env, tmp_path)
        spelling = name if k == "" else name.replace("-", "_")
        assert caught.value.title == f"Input `{spelling}` is empty"
        return
    config = read_config(env, tmp_path)
    got = {
        "repository-url": config.index.upload_url,
        "skip-existing": str(config.skip_existing).lower(),
        "packages-dir": config.packages_dir.name,
    }[name]
    assert got == _anchor_value(name, k, s)


def test_leftover_old_spelling_does_not_beat_an_explicit_default(
    github: GitHub, index: LocalIndex
) -> None:
    """`repository-url` written, even as PyPI's own URL, wins over a `repository_url`
    left in the workflow, as in the anchor (the runner fills in both spellings)."""
    make_wheel(github.dist)
    index.state.add_project("example", publisher_for_run(index))
    with LocalIndex(IndexState()) as leftover:
        run = github.run(
            {"repository-url": index.upload_url, "repository_url": leftover.upload_url}
        )
        assert leftover.state.requests == []
    assert run.code == 0, run.log
    assert run.output_list("uploaded") == ["example-1.0.0-py3-none-any.whl"]
    assert "given twice" in run.log


def test_empty_repository_url_is_an_error_never_pypi(github: GitHub, index: LocalIndex) -> None:
    """`repository-url: ${{ vars.INDEX_URL }}` with the variable not set arrives empty;
    the anchor would then publish to PyPI. Here the local index answers as PyPI: it is
    asked nothing."""
    make_wheel(github.dist)
    index.state.add_project("example", publisher_for_run(index))
    with served_as(index, *PUBLIC_HOSTS):
        run = github.run({"repository-url": ""}, in_process=True)
    assert run.code == 1
    run.shows(Msg.INPUT_EMPTY, "error", name="repository-url")
    assert "INPUT_REPOSITORY-URL" in run.summary
    assert index.state.requests == []  # PyPI (this index) was asked nothing
    assert index.state.issued == []  # and no OIDC token was asked for


def test_inputs_action_yml_does_not_declare_are_not_read(github: GitHub, index: LocalIndex) -> None:
    """A step's `env:` may hold INPUT_DRY_RUN or INPUT_SIGSTORE_TRUST_CONFIG: not
    inputs (the runner passes `dry-run` as INPUT_DRY-RUN), so never read."""
    make_wheel(github.dist)
    index.state.add_project("example", publisher_for_run(index))
    run = github.run(env={"INPUT_DRY_RUN": "true", "INPUT_SIGSTORE_TRUST_CONFIG": "nowhere.json"})
    assert run.code == 0, run.log
    assert run.output_list("uploaded") == ["example-1.0.0-py3-none-any.whl"]
    assert "nowhere.json" not in run.log


# --- repository-url as written -----------------------------------------------------------

JAZZBAND_KEY = "jazzband-project-key-0123456789abcdef"


def _jazzband(github: GitHub, index: LocalIndex) -> None:
    """An index routed as Jazzband's (Flask): uploads at /projects/<name>/upload only,
    user `jazzband` and the project's key."""
    index.state.upload_path = "/projects/example/upload"
    index.state.accounts["jazzband"] = JAZZBAND_KEY
    make_sdist(github.dist)
    make_wheel(github.dist)


def test_uploads_go_to_the_url_as_written(github: GitHub, index: LocalIndex) -> None:
    """jazzband/pip-tools' second step: twine posts to the URL as given, so must we."""
    _jazzband(github, index)
    run = github.run({"user": "jazzband", "password": JAZZBAND_KEY}, oidc=False)
    assert run.code == 0, run.log
    assert index.state.paths("POST") == ["/projects/example/upload"] * 2
    assert sorted(index.state.projects["example"].files) == sorted(
        p.name for p in github.dist.iterdir()
    )


def test_messages_quote_the_url_as_written(github: GitHub, index: LocalIndex) -> None:
    _jazzband(github, index)
    written = f"{index.url}/projects/example/upload/"
    run = github.run(
        {"repository-url": written, "user": "jazzband", "password": JAZZBAND_KEY}, oidc=False
    )
    assert run.code == 1
    assert index.state.paths("POST") == ["/projects/example/upload/"]
    assert f"{written} answered the upload of" in run.page.text


# --- warnings the anchor gives ----------------------------------------------------------


def _pypi_findings(tmp_path: Path, inputs: dict[str, str]) -> list[str]:
    """What the credentials step says for a publish to PyPI (no request is made)."""
    make_wheel(tmp_path / "dist")
    env = {
        "GITHUB_REPOSITORY": "octo-org/example",
        "GITHUB_REPOSITORY_OWNER": "octo-org",
        "GITHUB_WORKFLOW_REF": "octo-org/example/.github/workflows/release.yml@refs/tags/v1",
    }
    config = read_config({f"INPUT_{k.upper()}": v for k, v in inputs.items()}, tmp_path)
    console = Console({}, stream=io.StringIO())
    ctx = Context(config, env, console, Http(console), Mode.DRY_RUN)
    steps = tuple(s for s in STEPS if s.run in (validate_dists, check_credentials))
    outcome = run(ctx, steps)
    return [f"{f.status}: {f.title}\n{f.detail}" for f in outcome.findings]


def test_api_token_on_pypi_suggests_trusted_publishing(tmp_path: Path) -> None:
    found = "\n".join(_pypi_findings(tmp_path, {"password": TOKEN}))
    assert "warning: Upgrade to trusted publishing" in found
    link = (
        "https://pypi.org/manage/project/example/settings/publishing/?provider=github"
        "&owner=octo-org&repository=example&workflow_filename=release.yml"
    )
    assert link in found
    assert "does not look like an API token" not in found


def test_password_that_is_no_pypi_token_is_flagged(tmp_path: Path) -> None:
    found = "\n".join(_pypi_findings(tmp_path, {"password": "hunter2-from-the-wrong-secret"}))
    assert "warning: The password does not look like an API token for https://pypi.org" in found


def test_user_without_password_is_an_error(github: GitHub, index: LocalIndex) -> None:
    """`password: ${{ secrets.X }}` with X unset arrives empty."""
    make_wheel(github.dist)
    run = github.run({"user": "guido", "password": ""}, oidc=False)
    assert run.code == 1
    assert "Input `user` is `guido`, but no password is given" in run.summary
    assert index.state.requests == []


@pytest.mark.parametrize(
    ("user", "password", "name"),
    [
        ("__token__", "pypi-AgEIcHlwaS5vcmc\u2013pasted-with-an-en-dash", "password"),
        ("alice\u20ac", "a-password-of-hers", "user"),
        ("alice:admin", "a-password-of-hers", "user"),
    ],
)
def test_credentials_basic_auth_cannot_carry_are_named(
    github: GitHub, index: LocalIndex, user: str, password: str, name: str
) -> None:
    """HTTP Basic carries `user:password` in Latin-1, and a colon ends the user name:
    such a secret is named before any request (requests would fail mid-upload, "Internal
    error"), its value never shown."""
    make_wheel(github.dist)
    run = github.run(
        {"repository-url": index.upload_url, "user": user, "password": password}, oidc=False
    )
    assert run.code == 1
    run.shows(Msg.CREDENTIAL_NOT_SENDABLE, "error", name=name)
    assert "nternal error" not in run.log
    assert index.state.requests == []
    visible = [line for line in run.log.splitlines() if not line.startswith("::add-mask::")]
    assert not any(password in line for line in visible)


# --- skip-existing at upload time, two runs in one job ----------------------------------


def test_file_put_there_meanwhile_is_skipped(github: GitHub, index: LocalIndex) -> None:
    make_wheel(github.dist)
    index.state.add_project("example", publisher_for_run(index))
    reason = (
        "File already exists ('example-1.0.0-py3-none-any.whl', with blake2_256 hash 'ab')."
        " See https://pypi.org/help/#file-name-reuse for more information."
    )
    index.state.faults.append(Fault("/legacy/", status=400, reason=reason))
    run = github.run({"skip-existing": "true"})
    assert run.code == 0, run.log
    assert run.output_list("skipped") == ["example-1.0.0-py3-none-any.whl"]
    assert "was put on the index meanwhile" in run.log


def test_other_bytes_put_there_meanwhile_are_skipped_as_such(
    github: GitHub, index: LocalIndex
) -> None:
    """Another job puts other bytes under the file's name after the pre-check: skipped,
    and the summary says the index keeps its own, other file (not that it is this one)."""
    wheel = make_wheel(github.dist)
    index.state.add_project("example", publisher_for_run(index))

    def other_job() -> None:
        index.state.add_file("example", wheel.name, b"another build", "1.0.0")

    reason = f"File already exists ('{wheel.name}', with blake2_256 hash 'ab')."
    index.state.faults.append(Fault("/legacy/", status=400, reason=reason, meanwhile=other_job))
    run = github.run({"skip-existing": "true"})
    assert run.code == 0, run.log
    assert run.output_list("skipped") == [wheel.name]
    row = next(r for r in run.page.tables[0] if r[0] == wheel.name)
    assert row[-1] == "skipped: the index keeps its own, other file"


def test_two_runs_in_one_job(github: GitHub, tmp_path: Path) -> None:
    """TestPyPI, then PyPI, from one packages-dir: nothing is left behind in it that
    would trip the second run (the anchor's #319)."""
    make_sdist(github.dist)
    make_wheel(github.dist)
    before = sorted(p.name for p in github.dist.iterdir())
    with LocalIndex(IndexState(audience="local-test-index")) as test_index:
        test_index.state.pending.append(publisher_for_run(test_index, project="example"))
        first = GitHub(test_index, github.workspace).run()
    assert first.code == 0, first.log
    assert sorted(p.name for p in github.dist.iterdir()) == before
    github.index.state.pending.append(publisher_for_run(github.index, project="example"))
    second = github.run()
    assert second.code == 0, second.log
    assert len(second.output_list("uploaded")) == 2


# --- publisher check finds the publishing job --------------------------------------------


@pytest.mark.parametrize(
    "uses",
    [
        "pypa/gh-action-pypi-publish@release/v1",
        "pypa/gh-action-pypi-publish@ed0c53931b1dc9bd32cbe73a98c7f6766f8a527e",
        "octo-fork/gh-action-pypi-publish@v1.14.2",
        "someone/trusted-publish-action@v2",
        "docker://ghcr.io/pypa/gh-action-pypi-publish:release-v1",
    ],
)
def test_check_finds_the_anchor_or_ours_under_any_owner_and_ref(
    uses: str,
    tmp_path: Path,
    index: LocalIndex,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    workflow = (
        "on: push\njobs:\n  release:\n    runs-on: ubuntu-latest\n"
        "    permissions:\n      id-token: write\n"
        f"    steps:\n      - uses: {uses}\n"
    )
    code, report = _check(_repo(tmp_path, workflow), index, monkeypatch, capsys)
    assert code == 0, _lines(report)
    assert _has(report, "ok", "release.yml job `release` gets an OIDC token")


def test_check_named_workflow_with_an_unknown_action(
    tmp_path: Path,
    index: LocalIndex,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    workflow = (
        "on: push\njobs:\n  ship:\n    runs-on: ubuntu-latest\n"
        "    steps:\n      - uses: acme/upload-to-pypi@v3\n"
    )
    repo = _repo(tmp_path, workflow, name="ship.yml")
    code, report = _check(
        repo, index, monkeypatch, capsys, "--workflow", ".github/workflows/ship.yml"
    )
    assert code == 1
    assert _has(report, "error", "ship.yml job `ship` gets no OIDC token")


def test_check_job_option_picks_the_job(
    tmp_path: Path,
    index: LocalIndex,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    workflow = (
        "on: push\njobs:\n"
        "  testpypi:\n    runs-on: ubuntu-latest\n    environment: testpypi\n"
        "    permissions:\n      id-token: write\n"
        "    steps:\n      - uses: pypa/gh-action-pypi-publish@release/v1\n"
        "  pypi:\n    runs-on: ubuntu-latest\n    environment: pypi\n"
        "    steps:\n      - uses: acme/other@v1\n"
    )
    repo = _repo(tmp_path, workflow)
    code, report = _check(repo, index, monkeypatch, capsys, "--job", "pypi")
    assert code == 1
    assert _has(report, "error", "release.yml job `pypi` gets no OIDC token")
    assert not _has(report, "ok", "job `testpypi`")
    assert _has(report, "ok", "environment: pypi")
