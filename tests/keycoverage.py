"""Every message a user can get is rendered by some test that reaches it as a user
would: by running the action (``entrypoint.py``, in this process or a subprocess) or
``publisher check``, never by calling the runtime's functions directly.

Each worker (pytest-xdist) records the catalogue keys rendered while the entry point
runs (``harness.watch_keys``) and hands them to the controller at its end; when the
whole suite ran and passed, the controller fails the session if a key of
``publisher.messages.Msg`` was never rendered, and names it. A run of some of the
tests (paths, ``-k``, ``-m``, ``--lf``…), or one with failures, checks nothing, unless
``--key-coverage=on``; ``--key-coverage=off`` never checks.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from harness import watch_keys

from publisher.messages import MESSAGES, Msg

RENDERED: set[str] = set()
_MISSING = pytest.StashKey[list[str]]()
_OUTPUT = "rendered_keys"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--key-coverage",
        choices=("auto", "on", "off"),
        default="auto",
        help="fail when a message key is rendered by no test (auto: on full runs only)",
    )


def pytest_configure(config: pytest.Config) -> None:
    watch_keys(RENDERED.add)


def record(keys_file: Path) -> None:
    """Add the keys a subprocess of the action rendered (see ``harness``)."""
    if keys_file.exists():
        RENDERED.update(keys_file.read_text(encoding="utf-8").split())


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: object, error: object) -> None:
    """On the controller: a worker's keys."""
    RENDERED.update(getattr(node, "workeroutput", {}).get(_OUTPUT, []))


def _whole_suite(config: pytest.Config) -> bool:
    """Whether this session ran every test (no selection of paths, names or marks)."""
    option = config.option
    if (
        option.keyword
        or option.markexpr
        or option.collectonly
        or getattr(option, "deselect", None)
        or getattr(option, "lf", False)
        or getattr(option, "stepwise", False)
        or getattr(option, "ignore", None)
        or getattr(option, "ignore_glob", None)
    ):
        return False
    whole = {config.rootpath, config.rootpath / "tests"}
    return all("::" not in arg and Path(arg).resolve() in whole for arg in config.args)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    config = session.config
    workeroutput = getattr(config, "workeroutput", None)
    if workeroutput is not None:  # an xdist worker: the controller checks
        workeroutput[_OUTPUT] = sorted(RENDERED)
        return
    mode = config.getoption("--key-coverage")
    if mode == "off":
        return
    if mode == "auto" and (exitstatus != pytest.ExitCode.OK or not _whole_suite(config)):
        return
    missing = sorted(key.value for key in Msg if key.value not in RENDERED)
    if missing:
        config.stash[_MISSING] = missing
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    missing = terminalreporter.config.stash.get(_MISSING, [])
    if not missing:
        return
    terminalreporter.section("message keys no test renders", sep="=", red=True, bold=True)
    for key in missing:
        terminalreporter.line(f"{key}: {MESSAGES[Msg(key)][0]}")
    terminalreporter.line(
        f"FAILED: {len(missing)} of {len(Msg)} message keys are rendered by no test that "
        "runs the action or `publisher check` (tests/keycoverage.py). Add a test that "
        "reaches each as a user would and asserts what the user sees.",
        red=True,
    )
