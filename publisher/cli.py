"""Command line: ``publisher run`` (the action), ``publisher check`` (dry run, locally)
and ``publisher demo`` (a publish to a local index). The one place where errors become
output and an exit code."""

from __future__ import annotations

import argparse
import os
import sys
import traceback
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from publisher import __version__

if TYPE_CHECKING:
    from publisher.console import Console
    from publisher.errors import PublishError
    from publisher.index import Index
    from publisher.publish import Outcome

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="publisher",
        description="Publish Python distributions with trusted publishing, validated first.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.add_parser(
        "run",
        help="run as the GitHub action: inputs come from INPUT_* environment variables",
    )
    demo = sub.add_parser("demo", help="publish the example package to a local index, end to end")
    demo.add_argument("--keep", action="store_true", help="keep the demo's temporary folder")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``publisher`` command; returns the exit code."""
    parser = _parser()
    args = parser.parse_args(argv)
    if args.command == "run":
        return run_action(os.environ)
    if args.command == "demo":
        from publisher.demo import demo

        return demo(keep=args.keep)
    parser.print_help()
    return EXIT_USAGE


def _report_failure(
    console: Console, error: PublishError, outcome: Outcome | None, index: Index | None
) -> None:
    from publisher.report import failure_summary, write_outputs

    console.error(error.title, str(error))
    if outcome is not None:
        write_outputs(console, outcome, index)
        console.summary(failure_summary(error, outcome))


def run_action(env: Mapping[str, str]) -> int:
    """Run as the action, reading inputs from ``env``; returns the exit code."""
    from publisher.console import Console
    from publisher.errors import InputError, PublishError

    console = Console(env)
    # Before anything else can print, hide the secrets we were given.
    for key in ("INPUT_PASSWORD", "ACTIONS_ID_TOKEN_REQUEST_TOKEN"):
        console.mask(env.get(key, "").strip())
    if env.get("RUNNER_OS", "Linux") != "Linux":
        _report_failure(console, InputError("not-linux", os=env["RUNNER_OS"]), None, None)
        return EXIT_FAILED
    try:
        from publisher.index import Index
        from publisher.inputs import read_config
        from publisher.publish import Outcome, RunFailed, run
        from publisher.report import success_summary, write_outputs

        try:
            config = read_config(env)
            index = Index(config.repository_url)
        except PublishError as exc:
            _report_failure(console, exc, Outcome(), None)
            return EXIT_FAILED
        console.verbose = config.verbose
        try:
            outcome = run(config, env, console)
        except RunFailed as failed:
            _report_failure(console, failed.error, failed.outcome, index)
            return EXIT_FAILED
        write_outputs(console, outcome, index)
        console.summary(success_summary(outcome, index))
        return EXIT_OK
    except Exception as exc:  # a bug of ours: say so, without leaking secrets
        console.error(
            "Internal error in the action",
            f"{type(exc).__name__}: {exc}\nThis is a bug in the action, not in your "
            "project; please report it with this log. Nothing more will be uploaded.",
        )
        if console.verbose:
            console.info("".join(traceback.format_exception(exc)))
        return EXIT_FAILED


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
