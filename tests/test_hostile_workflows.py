"""`publisher check` on hostile workflow files (issue 20): a YAML alias bomb, a symlink to
/dev/zero and a FIFO in .github/workflows/ are each named, with what is wrong, and the
publishing workflow beside them is still checked; nothing blows up, nothing hangs.

Each runs `publisher check` in a subprocess with a time limit and a memory cap, as the
unbounded reader failed: MemoryError on the bomb and on /dev/zero, a hang on the FIFO."""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from conftest import ROOT
from keycoverage import record

RELEASE = """\
on:
  push:
    tags: ["v*"]
jobs:
  publish:
    runs-on: ubuntu-latest
    environment: pypi
    permissions:
      id-token: write
    steps:
      - uses: trusted-publish-action/trusted-publish-action@v1
"""


def _bomb() -> str:
    """A few hundred bytes that expand to 2**30 strings (the billion laughs)."""
    lines = ["a0: &a0 [lol, lol]"]
    lines += [f"a{i}: &a{i} [*a{i - 1}, *a{i - 1}]" for i in range(1, 30)]
    return "\n".join(lines) + "\non: *a29\njobs: {}\n"


def _repo(tmp_path: Path) -> Path:
    repo = tmp_path / "repo"
    folder = repo / ".github" / "workflows"
    folder.mkdir(parents=True)
    (folder / "release.yml").write_text(RELEASE)
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    remote = ["remote", "add", "origin", "https://github.com/octo-org/example"]
    subprocess.run(["git", "-C", str(repo), *remote], check=True)
    return repo


def _limits() -> None:  # in the child: 1 GiB of address space at most
    resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))


# `publisher check` in a subprocess, with the harness's key watch (tests/keycoverage.py):
# the messages it renders count as shown to a user.
LAUNCH = """\
import sys
sys.path.insert(0, sys.argv[2])
from harness import watch_keys
seen = set()
watch_keys(seen.add)
from publisher import cli
try:
    code = cli.main(["check", "--format", "json"])
finally:
    with open(sys.argv[1], "w", encoding="utf-8") as fh:
        fh.write("".join(key + "\\n" for key in sorted(seen)))
sys.exit(code)
"""


def _check(repo: Path) -> tuple[int, list[dict[str, object]], str]:
    keys = repo.parent / "keys.txt"
    proc = subprocess.run(
        [sys.executable, "-c", LAUNCH, str(keys), str(ROOT / "tests")],
        cwd=repo,
        env={"PATH": os.environ["PATH"], "PYTHONPATH": str(ROOT), "HOME": str(repo)},
        capture_output=True,
        text=True,
        timeout=60,
        preexec_fn=_limits,  # the memory cap, in the child only
        check=False,
    )
    assert "Traceback" not in proc.stderr, proc.stderr
    record(keys)
    return proc.returncode, json.loads(proc.stdout)["checks"], proc.stderr


def _problems(checks: list[dict[str, object]]) -> list[str]:
    return [f"{c['check']}\n{c['detail']}" for c in checks if c["status"] == "error"]


@pytest.mark.parametrize(
    ("name", "make", "reason"),
    [
        ("bomb.yml", lambda p: p.write_text(_bomb()), "its aliases expand to more than"),
        ("zero.yml", lambda p: p.symlink_to("/dev/zero"), "it is a device, not a regular file"),
        ("pipe.yml", lambda p: os.mkfifo(p), "it is a named pipe, not a regular file"),
        ("big.yml", lambda p: p.write_text("#" * (2 << 20)), "larger than 1048576 bytes"),
        ("deep.yml", lambda p: p.write_text("a: " + "[" * 200 + "]" * 200), "nested more than"),
        (
            "aliases.yml",
            lambda p: p.write_text("a: &a x\nb: [" + "*a, " * 1001 + "]\n"),
            "more than 1000 aliases",
        ),
        ("list.yml", lambda p: p.write_text("- on\n- jobs\n"), "not a mapping"),
        ("key.yml", lambda p: p.write_text("[on]: push\n"), "a key on line 1 is not text"),
    ],
    ids=[
        "alias-bomb",
        "dev-zero",
        "fifo",
        "too-large",
        "too-deep",
        "many-aliases",
        "not-mapping",
        "key-not-text",
    ],
)
def test_hostile_workflow_file_is_named_and_the_rest_checked(
    tmp_path: Path, name: str, make: object, reason: str
) -> None:
    repo = _repo(tmp_path)
    assert callable(make)
    make(repo / ".github" / "workflows" / name)
    code, checks, _ = _check(repo)
    assert code == 1
    problems = _problems(checks)
    assert len(problems) == 1, problems
    assert f".github/workflows/{name}` cannot be read as YAML: {reason}" in problems[0]
    titles = [str(c["check"]) for c in checks]
    assert "Publisher to register on https://pypi.org for release.yml (job `publish`)" in titles


def test_the_bomb_is_small() -> None:
    """The bomb of the test above is the size the review found (666 bytes or so)."""
    assert len(_bomb().encode()) < 800


def test_aliases_within_reason_are_read(tmp_path: Path) -> None:
    """Anchors and aliases as real workflows use them (GitHub reads them) still work."""
    repo = _repo(tmp_path)
    shared = textwrap.dedent(
        """\
        on:
          push:
            tags: ["v*"]
        jobs:
          publish:
            runs-on: &runner ubuntu-latest
            permissions: &perms
              id-token: write
            steps:
              - uses: trusted-publish-action/trusted-publish-action@v1
          again:
            runs-on: *runner
            permissions: *perms
            steps:
              - uses: trusted-publish-action/trusted-publish-action@v1
        """
    )
    (repo / ".github" / "workflows" / "release.yml").write_text(shared)
    code, checks, _ = _check(repo)
    assert code == 0, checks
    assert sum("gets an OIDC token" in str(c["check"]) for c in checks) == 2


RELEASE_ACTION = "trusted-publish-action/trusted-publish-action@v1"
LOOP = """\
name: loop
runs:
  using: composite
  steps:
    - uses: ./.github/actions/loop
"""


def test_hostile_composite_actions_are_not_followed(tmp_path: Path) -> None:
    """A step's own action is read as a workflow is (a device, a FIFO: refused by what
    it is), never outside the repository (a folder up, or an action.yml that links
    out of it), and an action that runs itself is followed once: none of them
    publishes, and the workflow beside them is checked."""
    repo = _repo(tmp_path)
    actions = repo / ".github" / "actions"
    for name in ("zero", "pipe", "loop", "linked"):
        (actions / name).mkdir(parents=True)
    (actions / "zero" / "action.yml").symlink_to("/dev/zero")
    os.mkfifo(actions / "pipe" / "action.yml")
    (actions / "loop" / "action.yml").write_text(LOOP)
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "action.yml").write_text(
        LOOP.replace("./.github/actions/loop", RELEASE_ACTION)
    )
    (actions / "linked" / "action.yml").symlink_to(tmp_path / "outside" / "action.yml")
    own = (f"./.github/actions/{n}" for n in ("zero", "pipe", "loop", "linked"))
    steps = "".join(f"      - uses: {uses}\n" for uses in (*own, "./../outside"))
    others = f"  other:\n    runs-on: ubuntu-latest\n    steps:\n{steps}"
    (repo / ".github" / "workflows" / "other.yml").write_text("on: push\njobs:\n" + others)
    code, checks, _ = _check(repo)
    assert code == 0, checks
    assert not any("other" in str(c["check"]) for c in checks), checks
    titles = [str(c["check"]) for c in checks]
    assert "Publisher to register on https://pypi.org for release.yml (job `publish`)" in titles


@pytest.mark.parametrize("last", [RELEASE_ACTION, "actions/checkout@v4"])
def test_actions_that_call_each_other_many_times_are_read_once(tmp_path: Path, last: str) -> None:
    """Ten actions, each calling the next from 40 steps, the last running ``last``
    from 40: 40**10 ways down. Each action is read once and a few ways are kept, so
    the check ends at once, and names the publish once (or not at all when the last
    action publishes nothing)."""
    repo = _repo(tmp_path)
    actions = repo / ".github" / "actions"
    for level in range(10):
        uses = f"./.github/actions/a{level + 1}" if level < 9 else last
        (actions / f"a{level}").mkdir(parents=True)
        steps = "".join(f"    - uses: {uses}\n" for _ in range(40))
        (actions / f"a{level}" / "action.yml").write_text(
            f"runs:\n  using: composite\n  steps:\n{steps}"
        )
    workflow = """\
        on:
          push:
            tags: ["v*"]
        jobs:
          deep:
            runs-on: ubuntu-latest
            permissions:
              id-token: write
            steps:
              - uses: ./.github/actions/a0
        """
    (repo / ".github" / "workflows" / "deep.yml").write_text(textwrap.dedent(workflow))
    code, checks, _ = _check(repo)
    assert code == 0, checks
    titles = [str(c["check"]) for c in checks]
    found = titles.count("Publisher to register on https://pypi.org for deep.yml (job `deep`)")
    assert found == (1 if last == RELEASE_ACTION else 0), titles
