"""Command line: ``publisher run`` (the action) and ``publisher check`` (dry run,
locally). The one place where errors become output and an exit code."""

from __future__ import annotations

import argparse
import os
import sys
import traceback
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from publisher import __version__

if TYPE_CHECKING:
    from publisher.console import Console
    from publisher.errors import PublishError
    from publisher.index import Index
    from publisher.inputs import Config
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
    check = sub.add_parser(
        "check",
        help="dry run: check the dists, the index and the workflow; never mints or uploads",
        description=(
            "Run every check a real publish runs, and the workflow checks it cannot, "
            "without minting a token or uploading. Exit code 0 when a publish would "
            "succeed as far as can be known, 1 when it would not."
        ),
    )
    check.add_argument("--packages-dir", type=Path, help="folder of the dists (default: dist)")
    check.add_argument("--repository-url", help="upload URL of the index (default: PyPI)")
    check.add_argument(
        "--workflow",
        type=Path,
        help="the workflow file that publishes "
        "(default: those in .github/workflows/ that use the action)",
    )
    check.add_argument(
        "--skip-existing",
        action="store_true",
        help="files already on the index (same sha256) will be skipped",
    )
    check.add_argument(
        "--no-verify-metadata",
        action="store_true",
        help="do not check that long descriptions render",
    )
    check.add_argument("--format", choices=("text", "json"), default="text")
    check.add_argument("--verbose", action="store_true", help="show every request")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``publisher`` command; returns the exit code."""
    parser = _parser()
    args = parser.parse_args(argv)
    if args.command == "run":
        return run_action(os.environ)
    if args.command == "check":
        return check_locally(args)
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


def check_locally(args: argparse.Namespace) -> int:
    """``publisher check``: the dry-run report for this checkout."""
    import json

    from publisher.console import Console
    from publisher.errors import PublishError
    from publisher.inputs import read_config
    from publisher.preflight import run_checks
    from publisher.report import dry_run_text

    env = {k: v for k, v in os.environ.items() if k != "GITHUB_ACTIONS"}
    console = Console(env, verbose=args.verbose, stream=sys.stderr)
    # The options become the action's inputs, so defaults and checks have one home.
    inputs = {
        "INPUT_REPOSITORY-URL": args.repository_url or "",
        "INPUT_PACKAGES-DIR": str(args.packages_dir or ""),
        "INPUT_PASSWORD": "",
        "INPUT_SKIP-EXISTING": str(args.skip_existing),
        "INPUT_VERIFY-METADATA": str(not args.no_verify_metadata),
        "INPUT_VERBOSE": str(args.verbose),
        "INPUT_DRY-RUN": "true",
    }
    try:
        config = read_config(inputs)
    except PublishError as exc:
        console.error(exc.title, str(exc))
        return EXIT_FAILED
    try:
        report = run_checks(config, env, console, root=Path.cwd(), workflow=args.workflow)
    except Exception as exc:  # a bug of ours: a message, not a traceback
        _internal_error(console, exc)
        return EXIT_FAILED
    if args.format == "json":
        print(json.dumps(report.as_json(), indent=2))
    else:
        print(dry_run_text(report, colour=sys.stdout.isatty()))
    return EXIT_OK if report.ok else EXIT_FAILED


def _dry_run_action(config: Config, env: Mapping[str, str], console: Console, index: Index) -> int:
    from publisher.preflight import run_checks
    from publisher.report import dry_run_summary, dry_run_text

    report = run_checks(config, env, console, root=Path.cwd())
    console.untrusted(dry_run_text(report, colour=False))
    for name in ("uploaded", "skipped", "urls"):
        console.set_output(name, "[]")
    console.summary(dry_run_summary(report, index.read_url))
    if not report.ok:
        console.error("Dry run: publishing would fail", "See the report above.")
    return EXIT_OK if report.ok else EXIT_FAILED


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
        if config.dry_run:
            return _dry_run_action(config, env, console, index)
        try:
            outcome = run(config, env, console)
        except RunFailed as failed:
            _report_failure(console, failed.error, failed.outcome, index)
            return EXIT_FAILED
        write_outputs(console, outcome, index)
        console.summary(success_summary(outcome, index))
        return EXIT_OK
    except Exception as exc:  # a bug of ours: say so, without leaking secrets
        _internal_error(console, exc)
        return EXIT_FAILED


def _internal_error(console: Console, exc: Exception) -> None:
    from publisher.publish import internal_error

    error = internal_error(exc)
    console.error(error.title, str(error))
    if console.verbose:
        console.info("".join(traceback.format_exception(exc)))


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
