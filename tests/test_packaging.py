"""Our own packaging, as a new user gets it: the wheel holds the runtime package only,
installs into a fresh venv without the test extras, and `publisher check` works from
there (no checkout beside it)."""

from __future__ import annotations

import ast
import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from contextlib import chdir
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT, GitHub, example_project, publisher_for_run
from demo import PROJECT, build_example
from fakes.index import LocalIndex, normalize
from fakes.sigstore import running_sigstore

TEST_ONLY = {"jwt", "pytest", "responses", "hypothesis", "flit_core", "fakes", "demo", "conftest"}
UV = Path(sys.executable).parent / "uv"


def _runtime_imports() -> dict[str, set[str]]:
    """Top-level modules each runtime module imports (anywhere in it, lazily or not)."""
    found: dict[str, set[str]] = {}
    for path in (ROOT / "publisher").rglob("*.py"):
        names: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                names.add(node.module.split(".")[0])
        found[path.name] = names
    return found


def test_runtime_imports_no_test_library() -> None:
    offenders = {m: sorted(n & TEST_ONLY) for m, n in _runtime_imports().items() if n & TEST_ONLY}
    assert offenders == {}


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Our wheel, built from this checkout with its build backend."""
    import flit_core.buildapi as backend

    out = tmp_path_factory.mktemp("wheel")
    with chdir(ROOT):
        name: str = backend.build_wheel(str(out))
    return out / name


def test_wheel_holds_the_runtime_package_only(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as zf:
        names = zf.namelist()
    outside = [n for n in names if not n.startswith(("publisher/", "trusted_publish_action-"))]
    assert outside == []
    assert "publisher/templates/summary_success.md" in names  # package data ships too
    assert "publisher/py.typed" in names
    assert not any("fakes" in n or "demo" in n for n in names)


def _uv(*args: str) -> None:
    """Run uv; offline first (from its cache), online when the cache lacks something."""
    env = {**os.environ, "UV_NO_CONFIG": "1"}
    offline = subprocess.run([UV, *args, "--offline"], capture_output=True, env=env, check=False)
    if offline.returncode != 0:
        subprocess.run([UV, *args], capture_output=True, env=env, check=True)


@pytest.fixture(scope="module")
def venv(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A fresh venv where only the wheel was installed, with what it declares it needs
    (as `pip install <wheel>` does), at the versions of the lock the image is tested
    with: a dependency missing from pyproject.toml is missing here too."""
    where = tmp_path_factory.mktemp("venv") / "venv"
    _uv("venv", "--quiet", "--python", sys.executable, str(where))
    python = str(where / "bin" / "python")
    lock = str(ROOT / "requirements" / "main.txt")
    _uv("pip", "install", "--quiet", "--python", python, "--constraint", lock, str(wheel))
    yield where
    shutil.rmtree(where, ignore_errors=True)


def _clean_env() -> dict[str, str]:
    """No PYTHONPATH to the checkout, no GitHub Actions variables."""
    return {
        k: v
        for k, v in os.environ.items()
        if k not in ("PYTHONPATH", "GITHUB_ACTIONS") and not k.startswith("INPUT_")
    }


def test_installed_package_has_no_test_library(venv: Path) -> None:
    python = venv / "bin" / "python"
    code = "import importlib.util as u, sys; sys.exit(any(u.find_spec(m) for m in sys.argv[1:]))"
    probe = subprocess.run(
        # (pyjwt is not here: sigstore, a runtime dependency, needs it)
        [python, "-c", code, "pytest", "responses", "hypothesis", "flit_core"],
        check=False,
    )
    assert probe.returncode == 0, "a test-only library is installed in the runtime venv"


def test_every_runtime_module_imports_when_installed(venv: Path, tmp_path: Path) -> None:
    code = (
        "import importlib, pkgutil, publisher\n"
        "assert 'site-packages' in publisher.__file__, publisher.__file__\n"
        "for m in pkgutil.walk_packages(publisher.__path__, 'publisher.'):\n"
        "    if m.name != 'publisher.__main__':  # that one runs the command\n"
        "        importlib.import_module(m.name)\n"
        "print('imported', len(list(pkgutil.walk_packages(publisher.__path__))))"
    )
    result = subprocess.run(
        [venv / "bin" / "python", "-c", code],
        cwd=tmp_path,
        env=_clean_env(),
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "imported" in result.stdout


def _check_json(venv: Path, where: Path, *options: str) -> dict[str, Any]:
    """`publisher check --format json` from the venv, run in ``where``; it must pass."""
    checked = subprocess.run(
        [venv / "bin" / "publisher", "check", "--format", "json", *options],
        cwd=where,
        env=_clean_env(),
        capture_output=True,
        text=True,
        check=False,
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
    report: dict[str, Any] = json.loads(checked.stdout)
    return report


def test_publisher_help_and_check_from_the_wheel(
    venv: Path, tmp_path: Path, index: LocalIndex
) -> None:
    """A new user's first run: `publisher check` in their project, from the wheel."""
    helped = subprocess.run(
        [venv / "bin" / "publisher", "--help"], capture_output=True, text=True, check=False
    )
    assert helped.returncode == 0
    assert "check" in helped.stdout
    report = _check_json(venv, example_project(tmp_path), "--repository-url", index.upload_url)
    assert report["ok"] is True
    details = "\n".join(c["check"] + "\n" + c["detail"] for c in report["checks"])
    assert "owner: octo\nrepository: ex\nworkflow filename: release.yml" in details
    assert "tpa_example-1.0.0-py3-none-any.whl" in details
    assert "/_/oidc/mint-token" not in index.state.paths()


def test_publisher_run_from_the_wheel_dry_run_then_publish(
    venv: Path, github: GitHub, index: LocalIndex, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """`publisher run` from the wheel, as the action: a dry run, then a publish through a
    pending publisher, both signing with a Sigstore deployment (so sigstore and
    pypi-attestations must be installed), the second with its attestations stored."""
    dists = build_example(github.dist)
    index.state.pending.append(publisher_for_run(index, project=PROJECT))
    with running_sigstore(tmp_path_factory.mktemp("sigstore")) as sigstore:
        index.state.sigstore_root = sigstore.trusted_root_json
        inputs = {"sigstore-trust-config": sigstore.trust_config_in(github.workspace)}
        command = [str(venv / "bin" / "publisher"), "run"]
        dry = github.run({**inputs, "dry-run": "true"}, command=command)
        assert dry.code == 0, dry.log
        assert "OK: a real publish would succeed" in dry.log
        assert index.minted() == []
        published = github.run(inputs, command=command)
    assert published.code == 0, published.log
    assert sorted(published.output_list("attestations")) == sorted(dists)
    stored = index.state.projects[normalize(PROJECT)].files
    assert {name: bool(stored[name].attestations) for name in dists} == dict.fromkeys(dists, True)


def _third_party_imports() -> set[str]:
    stdlib = set(sys.stdlib_module_names) | {"publisher"}
    return {name for names in _runtime_imports().values() for name in names} - stdlib


def test_pyproject_names_every_library_the_code_imports() -> None:
    """Each library publisher/ imports is a dependency of its own in pyproject.toml,
    not something another dependency happens to bring (sigstore once was not)."""
    import tomllib
    from importlib.metadata import packages_distributions

    from packaging.requirements import Requirement
    from packaging.utils import canonicalize_name

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    declared = {canonicalize_name(Requirement(r).name) for r in project["dependencies"]}
    provided = packages_distributions()
    missing = {
        module: sorted(canonicalize_name(d) for d in provided.get(module, [module]))
        for module in _third_party_imports()
        if not declared & {canonicalize_name(d) for d in provided.get(module, [module])}
    }
    assert missing == {}, "add these to [project] dependencies"


def test_image_requirements_come_from_the_runtime_lock() -> None:
    """The image installs requirements/image.txt with --no-deps: it must be the lock,
    less only the packages tools/image_requirements.py names."""
    from image_requirements import IMAGE, MAIN, image_lock

    assert IMAGE.read_text(encoding="utf-8") == image_lock(MAIN.read_text(encoding="utf-8")), (
        "run: python tools/image_requirements.py"
    )


def test_readme_clone_command_runs_check(tmp_path: Path, index: LocalIndex) -> None:
    """The README's `uvx --from /path/to/clone publisher check`, with this checkout as
    the clone (uv builds it with its build backend, into an environment of its own)."""
    _uv("tool", "run", "--quiet", "--from", str(ROOT), "publisher", "--version")  # cache it
    project = example_project(tmp_path)
    command = [str(UV), "tool", "run", "--offline", "--from", str(ROOT), "publisher", "check"]
    checked = subprocess.run(
        [*command, "--repository-url", index.upload_url],
        cwd=project,
        env={**_clean_env(), "UV_NO_CONFIG": "1"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "OK: a real publish would succeed" in checked.stdout
    assert "workflow filename: release.yml" in checked.stdout


def test_our_own_dists_and_release_workflow_pass_publisher_check(
    venv: Path, wheel: Path, tmp_path: Path, index: LocalIndex
) -> None:
    """What the release workflow publishes passes the checks it runs first: our sdist
    and wheel (indexrules.py once held PyArmor's markers whole, which the index's scan
    refuses) and the workflow's publishing job."""
    import flit_core.buildapi as backend

    dist = tmp_path / "dist"
    dist.mkdir()
    shutil.copy(wheel, dist)
    with chdir(ROOT):
        backend.build_sdist(str(dist))
    workflow = ROOT / ".github" / "workflows" / "release.yml"
    options = ["--packages-dir", str(dist), "--repository-url", index.upload_url]
    report = _check_json(venv, ROOT, *options, "--workflow", str(workflow), "--job", "pypi")
    status = {c["check"]: c["status"] for c in report["checks"]}
    assert status[wheel.name] == "ok"
    assert status[wheel.name.replace("-py3-none-any.whl", ".tar.gz")] == "ok"
    assert status["release.yml job `pypi` gets an OIDC token"] == "ok"
    assert [c for c, s in status.items() if s == "error"] == []


DOCKERFILE = (ROOT / "Dockerfile").read_text(encoding="utf-8")
CHECK_ONLY = {"yaml"}  # PyYAML reads workflows for `publisher check`; not in the image


def _lazy_imports() -> set[str]:
    """Third-party modules publisher/ imports inside functions (a run imports them when
    it needs them, so importing our modules does not compile them)."""
    stdlib = set(sys.stdlib_module_names) | {"publisher"}
    found: set[str] = set()
    for path in (ROOT / "publisher").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for function in ast.walk(tree):
            if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            for node in ast.walk(function):
                if isinstance(node, ast.Import):
                    found.update(alias.name for alias in node.names)
                elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                    found.add(node.module)
    return {name for name in found if name.split(".")[0] not in stdlib | CHECK_ONLY}


def test_image_compiles_what_a_run_imports_lazily() -> None:
    """The Dockerfile writes bytecode for our modules and for the libraries it names;
    each library a run imports lazily must be named (or a module inside it)."""
    warm = DOCKERFILE[DOCKERFILE.index("walk_packages") :]
    named = set(re.findall(r"[a-z_][a-z0-9_]*(?:\.[a-z0-9_]+)*", warm.split("import ", 1)[1]))
    missing = sorted(
        module
        for module in _lazy_imports()
        if not any(n == module or n.startswith(module + ".") for n in named)
    )
    assert missing == [], "add them to the Dockerfile's import list"


def test_image_uv_is_the_pinned_uv() -> None:
    """The image is installed with the uv of requirements/dev.txt (.ci/container makes
    its stand-in from that uv: it must be the version GitHub pulls)."""
    mounted = re.search(r"ghcr\.io/astral-sh/uv:([\d.]+),", DOCKERFILE)
    pinned = re.search(r"^uv==([\d.]+) ", (ROOT / "requirements" / "dev.txt").read_text(), re.M)
    assert mounted is not None
    assert pinned is not None
    assert mounted.group(1) == pinned.group(1), "bump one to the other"
