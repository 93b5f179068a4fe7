"""Fixtures: a local index, distributions made to order, and a way to run the action
exactly as a GitHub runner does (``entrypoint.py`` in a subprocess, ``INPUT_*``
variables, file commands), checking every run's output for leaked secrets."""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import subprocess
import sys
import tarfile
import time
import zipfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
import shown
import yaml
from fakes.index import IndexState, LocalIndex, Publisher
from gfm import Page, render
from harness import fast_backoff

from publisher.messages import Msg

pytest_plugins = ["keycoverage"]

if TYPE_CHECKING:
    from fakes.sigstore import LocalSigstore

ROOT = Path(__file__).resolve().parent.parent
ENTRYPOINT = ROOT / "entrypoint.py"
HARNESS = Path(__file__).resolve().parent / "harness.py"
IMAGE_FLAGS = ("-E", "-s", "-u")  # as the Dockerfile's ENTRYPOINT runs it
# What the runner reads: every input action.yml declares, with its default.
DECLARED_INPUTS = {
    name: str(spec.get("default", ""))
    for name, spec in yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))[
        "inputs"
    ].items()
}


def file_sha256(path: Path) -> str:
    """The sha256 of a file, as the index lists it."""
    import hashlib

    return hashlib.sha256(path.read_bytes()).hexdigest()


def metadata_text(name: str, version: str, **extra: str) -> str:
    """Core metadata (``PKG-INFO``/``METADATA``) with the given fields."""
    fields = {
        "Metadata-Version": "2.4",
        "Name": name,
        "Version": version,
        "Summary": "A test package",
        "Description-Content-Type": "text/markdown",
    }
    fields.update({k.replace("_", "-"): v for k, v in extra.items()})
    body = fields.pop("Description", "# Test package\n\nIt works.\n")
    head = "".join(f"{k}: {v}\n" for k, v in fields.items() if v is not None)
    return f"{head}\n{body}"


def _prepare(
    folder: Path,
    name: str,
    version: str,
    filename: str | None,
    suffix: str,
    metadata: str | bytes | None,
) -> tuple[Path, str, bytes]:
    """The file's path, its normalized name stem, and its metadata as bytes."""
    folder.mkdir(parents=True, exist_ok=True)
    stem = re.sub(r"[-_.]+", "_", name).lower()
    path = folder / (filename or f"{stem}-{version}{suffix}")
    meta = metadata if metadata is not None else metadata_text(name, version)
    return path, stem, meta.encode() if isinstance(meta, str) else meta


def make_wheel(
    folder: Path,
    name: str = "example",
    version: str = "1.0.0",
    *,
    filename: str | None = None,
    metadata: str | bytes | None = None,
    dist_info: str | None = None,
    extra: dict[str, bytes] | None = None,
) -> Path:
    """A small but real wheel, with a RECORD that lists its files. Its ``.dist-info``
    folder is named as the file name says (as the index looks for it) unless
    ``dist_info`` names another; ``extra`` adds members (name: contents)."""
    import base64
    import hashlib

    path, stem, meta = _prepare(folder, name, version, filename, "-py3-none-any.whl", metadata)
    parts = path.name.split("-", 2)
    info = dist_info or (f"{parts[0]}-{parts[1]}.dist-info" if len(parts) == 3 else "x.dist-info")
    members: dict[str, bytes] = {
        f"{stem}/__init__.py": b"VALUE = 1\n",
        f"{info}/METADATA": meta,
        f"{info}/WHEEL": b"Wheel-Version: 1.0\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
        **(extra or {}),
    }
    record = []
    for member, data in members.items():
        digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
        record.append(f"{member},sha256={digest},{len(data)}\n")
    record.append(f"{info}/RECORD,,\n")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for member, data in members.items():
            zf.writestr(member, data)
        zf.writestr(f"{info}/RECORD", "".join(record))
    return path


def make_sdist(
    folder: Path,
    name: str = "example",
    version: str = "1.0.0",
    *,
    filename: str | None = None,
    metadata: str | bytes | None = None,
    extra: dict[str, bytes] | None = None,
) -> Path:
    """A small but real sdist (.tar.gz): ``{stem}-{version}/PKG-INFO`` and a module;
    ``extra`` adds members (full names: contents)."""
    path, stem, meta = _prepare(folder, name, version, filename, ".tar.gz", metadata)
    members = {f"{stem}-{version}/PKG-INFO": meta, f"{stem}-{version}/x.py": b"", **(extra or {})}
    with tarfile.open(path, "w:gz") as tf:
        for member, data in members.items():
            info = tarfile.TarInfo(member)
            info.size = len(data)
            tf.addfile(info, io.BytesIO(data))
    return path


@dataclass
class ActionRun:
    """What one run of the action showed and wrote."""

    code: int
    stdout: str
    stderr: str
    outputs: dict[str, str]
    summary: str

    @property
    def log(self) -> str:
        """stdout and stderr together (the runner shows both)."""
        return self.stdout + self.stderr

    @property
    def page(self) -> Page:
        """The step summary as GitHub shows it."""
        return render(self.summary)

    def output_list(self, name: str) -> list[str]:
        """A JSON-array output."""
        value = json.loads(self.outputs[name])
        assert isinstance(value, list)
        return [str(v) for v in value]

    def shows(self, key: Msg, level: str | None = None, **fields: object) -> shown.Annotation:
        """The annotation of message ``key`` with ``fields`` (see ``shown.shown``)."""
        return shown.shown(self.log, key, level, **fields)

    def reports(self, key: Msg, status: str | None = None, **fields: object) -> shown.Annotation:
        """The dry run's check of message ``key`` with ``fields`` (see ``shown.reported``)."""
        return shown.reported(self.log, key, status, **fields)

    def logs(self, key: Msg, prefix: str = "", **fields: object) -> bool:
        """Whether message ``key`` with ``fields`` is in the log as plain lines."""
        return shown.logged(self.log, key, prefix, **fields)


def parse_outputs(text: str) -> dict[str, str]:
    """Read a ``$GITHUB_OUTPUT`` file (``k=v`` and ``k<<DELIM`` forms)."""
    outputs: dict[str, str] = {}
    lines = iter(text.splitlines())
    for line in lines:
        if "<<" in line and ("=" not in line or line.index("<<") < line.index("=")):
            key, delim = line.split("<<", 1)
            value: list[str] = []
            for inner in lines:
                if inner == delim:
                    break
                value.append(inner)
            outputs[key] = "\n".join(value)
        elif "=" in line:
            key, value_text = line.split("=", 1)
            outputs[key] = value_text
    return outputs


def assert_no_secret(run: ActionRun, secrets: list[str], written: Sequence[Path] = ()) -> None:
    """No secret in output (outside the ``::add-mask::`` lines the runner swallows), in
    outputs, in the summary, or in the files ``written`` (those the run wrote)."""
    visible = "\n".join(
        line for line in run.log.splitlines() if not line.startswith("::add-mask::")
    )
    files = {path: path.read_bytes() for path in written}
    for secret in secrets:
        if len(secret) < 8:
            continue  # a "token" this short is refused unused (test_hostile checks that)
        assert secret not in visible, "a secret appeared in the log"
        assert secret not in json.dumps(run.outputs), "a secret appeared in the outputs"
        assert secret not in run.summary, "a secret appeared in the step summary"
        for path, data in files.items():
            assert secret.encode() not in data, f"a secret appeared in {path.name}"


def basic_credential(user: str, password: str) -> str:
    """The HTTP Basic credential (base64 of ``user:password``) sent with uploads."""
    import base64

    return base64.b64encode(f"{user}:{password}".encode()).decode()


def files_written(folder: Path, since_ns: int) -> list[Path]:
    """The files under ``folder`` written since ``since_ns`` (``time.time_ns()``)."""
    return [p for p in folder.rglob("*") if p.is_file() and p.stat().st_mtime_ns >= since_ns]


SUBPROCESS_ALWAYS = os.environ.get("E2E_SUBPROCESS") == "1"


def _run_in_process(workspace: Path, environment: dict[str, str]) -> tuple[int, str, str]:
    """What ``python entrypoint.py`` does, in this process: same env, cwd and streams."""
    from publisher.cli import main

    saved_env, saved_cwd = dict(os.environ), Path.cwd()
    out, err = io.StringIO(), io.StringIO()
    os.environ.clear()
    os.environ.update(environment)
    os.chdir(workspace)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err), fast_backoff():
            code = main(["run"])
    finally:
        os.chdir(saved_cwd)
        os.environ.clear()
        os.environ.update(saved_env)
    return code, out.getvalue(), err.getvalue()


@dataclass
class GitHub:
    """Runs the action as a GitHub runner would, against ``index``."""

    index: LocalIndex
    workspace: Path
    runs: list[ActionRun] = field(default_factory=list)

    @property
    def dist(self) -> Path:
        """The default ``packages-dir``."""
        return self.workspace / "dist"

    def run(
        self,
        inputs: dict[str, str] | None = None,
        *,
        oidc: bool = True,
        event: str = "push",
        event_payload: Mapping[str, Any] | None = None,
        env: dict[str, str] | None = None,
        runner_defaults: bool = True,
        subprocess_run: bool = False,
        command: list[str] | None = None,
        while_running: Callable[[subprocess.Popen[str]], None] | None = None,
        in_process: bool = False,
        unprivileged: bool = False,
    ) -> ActionRun:
        """Run the action. ``runner_defaults`` sets every declared input as the runner
        does (with action.yml's defaults); otherwise only ``inputs`` are set.

        ``subprocess_run`` runs ``entrypoint.py`` in a new process, as the container
        does (through ``harness.py``, which adds the tests' seams); otherwise the same
        entry point runs in this process with the same environment, working directory
        and captured output (faster). Set
        ``E2E_SUBPROCESS=1`` to run every test in a subprocess, except those that
        change the runtime from inside (``monkeypatch``), which a subprocess would not
        see: they say ``in_process``. ``unprivileged`` runs it in a subprocess that
        file modes bind, as they bind a runner's user: root's override is dropped.
        ``command`` runs that instead of entrypoint.py (an installed ``publisher
        run``), without this checkout on ``PYTHONPATH``. ``while_running`` is called
        with the process once it has started (in a subprocess), to act on it as the
        runner may (a signal)."""
        assert not ((subprocess_run or unprivileged or command or while_running) and in_process)
        files = self.workspace.parent / "github"
        files.mkdir(exist_ok=True)
        output, summary = files / "output", files / "summary"
        output.write_text("")
        summary.write_text("")
        event_path = files / "event.json"
        event_path.write_text(json.dumps(event_payload or {}))
        given = dict(inputs or {})
        if "repository_url" not in given:  # either spelling names the index
            given.setdefault("repository-url", self.index.upload_url)
        if given.get("repository-url", given.get("repository_url", "")).startswith(self.index.url):
            # The local index's audience, pinned as the action asks of any index but PyPI.
            given.setdefault("oidc-audience", self.index.state.audience)
        values = {**DECLARED_INPUTS, **given} if runner_defaults else given
        environment = {
            "PATH": os.environ.get("PATH", ""),
            "HOME": str(self.workspace.parent),
            "PYTHONPATH": str(ROOT),
            "GITHUB_ACTIONS": "true",
            "GITHUB_WORKSPACE": str(self.workspace),
            "GITHUB_OUTPUT": str(output),
            "GITHUB_STEP_SUMMARY": str(summary),
            "GITHUB_EVENT_NAME": event,
            "GITHUB_EVENT_PATH": str(event_path),
            "GITHUB_REPOSITORY": self.index.state.run.repository,
            "GITHUB_SERVER_URL": "https://github.com",
            "RUNNER_OS": "Linux",
            **{f"INPUT_{k.upper()}": v for k, v in values.items()},
            **(self.index.github_env() if oidc else {}),
            **(env or {}),
        }
        started = time.time_ns()
        if command is not None:
            del environment["PYTHONPATH"]
        in_subprocess = subprocess_run or unprivileged or command is not None or while_running
        if in_subprocess or (SUBPROCESS_ALWAYS and not in_process):
            keys = files / "keys"
            keys.unlink(missing_ok=True)
            prefix = []
            if unprivileged and os.geteuid() == 0:
                prefix = ["setpriv", "--bounding-set=-dac_override,-dac_read_search"]
            with subprocess.Popen(
                command
                or [
                    *prefix,
                    sys.executable,
                    *IMAGE_FLAGS,
                    str(HARNESS),
                    str(keys),
                    str(ENTRYPOINT),
                ],
                cwd=self.workspace,
                env=environment,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            ) as proc:
                if while_running is not None:
                    while_running(proc)
                stdout, stderr = proc.communicate(timeout=60)
            code = proc.returncode
            from keycoverage import record

            record(keys)
        else:
            code, stdout, stderr = _run_in_process(self.workspace, environment)
        result = ActionRun(
            code, stdout, stderr, parse_outputs(output.read_text()), summary.read_text()
        )
        # No crash; only the traceback that `verbose` shows under its own title.
        shown_on_purpose = "Traceback (shown with verbose):\nTraceback (most recent call last):"
        assert "Traceback" not in result.log.replace(shown_on_purpose, ""), result.log
        password = values.get("password", "")
        minted = self.index.minted()
        secrets = [
            self.index.state.request_token,
            *minted,
            *self.index.state.issued,
            password,
            *(basic_credential("__token__", token) for token in minted),
        ]
        if password:
            secrets.append(basic_credential(values.get("user") or "__token__", password))
        assert_no_secret(result, secrets, files_written(self.workspace.parent, started))
        self.runs.append(result)
        return result


@pytest.fixture
def index() -> Iterator[LocalIndex]:
    """A running local index with no projects."""
    with LocalIndex(IndexState()) as running:
        yield running


@pytest.fixture
def github(index: LocalIndex, tmp_path: Path) -> GitHub:
    """Run the action against ``index`` from a fresh workspace."""
    workspace = tmp_path / "workspace"
    workspace.mkdir()
    return GitHub(index, workspace)


def example_project(folder: Path) -> Path:
    """A user's repository as `publisher check` meets it: example/ (its release
    workflow included) with its dists built, a git checkout whose origin is
    github.com/octo/ex."""
    import shutil

    from demo import build_example

    project = folder / "project"
    shutil.copytree(ROOT / "example", project)
    build_example(project / "dist")
    subprocess.run(["git", "init", "-q", str(project)], check=True)
    remote = ["git", "-C", str(project), "remote", "add", "origin"]
    subprocess.run([*remote, "https://github.com/octo/ex.git"], check=True)
    return project


@pytest.fixture(scope="module")
def stand_in(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalSigstore]:
    """A local Sigstore (Fulcio and Rekor), one per test module."""
    from fakes.sigstore import running_sigstore

    with running_sigstore(tmp_path_factory.mktemp("sigstore")) as running:
        yield running


# The stand-in's trust config in the workspace of a test that uses ``sig``.
TRUST_CONFIG = "sigstore-trust-config.json"


@pytest.fixture
def sig(stand_in: LocalSigstore, index: LocalIndex, github: GitHub) -> LocalSigstore:
    """The stand-in, trusted by the fake index, with a clean request log; its trust
    config is ``TRUST_CONFIG`` in the workspace."""
    from fakes.sigstore import SIGSTORE_AUDIENCE

    assert stand_in.trust_config_in(github.workspace) == TRUST_CONFIG
    index.state.sigstore_root = stand_in.trusted_root_json
    stand_in.record.requests.clear()
    stand_in.record.faults.clear()  # a test's leftover faults must not reach the next
    stand_in.audience = SIGSTORE_AUDIENCE
    return stand_in


def publisher_for_run(index: LocalIndex, **changes: str) -> Publisher:
    """A publisher that matches the run's claims, with ``changes`` applied."""
    run = index.state.run
    owner, repo = run.repository.split("/")
    fields: dict[str, str] = {
        "owner": owner,
        "repository": repo,
        "workflow": run.workflow,
        "environment": run.environment or "",
        "owner_id": run.owner_id,
    }
    fields.update(changes)
    project = fields.pop("project", None)
    return Publisher(project=project, **fields)
