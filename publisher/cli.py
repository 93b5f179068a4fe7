"""Command line: ``publisher run`` (the action) and ``publisher check`` (dry run,
locally). The one place where errors become output and an exit code."""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from publisher import __version__, environ
from publisher.messages import Msg

if TYPE_CHECKING:
    from publisher.console import Console
    from publisher.context import Context
    from publisher.index import Index
    from publisher.inputs import Config
    from publisher.outcome import Outcome

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
EXIT_INTERRUPTED = 130  # 128 + SIGINT, as shells report Ctrl-C


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="publisher",
        description="Publish Python distributions with trusted publishing, validated first.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    run = sub.add_parser(
        "run",
        help="run as the GitHub action: inputs come from INPUT_* environment variables",
    )
    # Given by the image's entry point when it started again without these variables.
    run.add_argument(
        environ.DROPPED_OPTION, action="append", default=[], dest="dropped", help=argparse.SUPPRESS
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
    dists = check.add_mutually_exclusive_group()
    dists.add_argument(
        "--packages-dir",
        type=Path,
        help="folder of the dists (default: the publishing steps' packages-dir, each "
        "folder checked on its own, or dist; without dists the workflows alone are checked)",
    )
    dists.add_argument(
        "--workflows-only",
        action="store_true",
        help="check the workflows alone: no dists read, no index asked (a pre-commit hook, "
        "a lint on pull requests)",
    )
    check.add_argument(
        "--repository-url",
        help="upload URL of the index (default: PyPI, or the index the publishing steps "
        "name when none publishes to PyPI)",
    )
    check.add_argument(
        "--workflow",
        type=Path,
        help="the workflow file that publishes "
        "(default: those in .github/workflows/ that use the action)",
    )
    check.add_argument(
        "--job",
        help="the publishing job's id in the workflow (default: the jobs that use the "
        "action, or the workflow's one job with --workflow)",
    )
    check.add_argument(
        "--skip-existing",
        action="store_true",
        help="files whose names the index has already will be skipped, as the action does",
    )
    check.add_argument(
        "--no-verify-metadata",
        action="store_true",
        help="do not check that long descriptions render",
    )
    check.add_argument(
        "--format",
        choices=("text", "json", "sarif", "github"),
        default="text",
        help="text (default); json; sarif (SARIF 2.1.0, for code scanning); github (the "
        "text report, and an annotation at the workflow's line for each problem)",
    )
    check.add_argument("--verbose", action="store_true", help="show every request")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``publisher`` command; returns the exit code."""
    import logging

    # Libraries (sigstore, urllib3, tuf) log through `logging`: nothing of theirs may
    # reach the runner's log in their own words, so they go nowhere.
    logging.getLogger().addHandler(logging.NullHandler())
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        if args.command == "run":
            return run_action(os.environ, dropped=args.dropped)
        if args.command == "check":
            return check_locally(args)
    except BrokenPipeError:
        # `publisher check | head`: the reader left; the rest of the report goes nowhere
        # (pointing stdout at /dev/null keeps the interpreter's final flush quiet too).
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_FAILED
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED
    parser.print_help()
    return EXIT_USAGE


def check_locally(args: argparse.Namespace) -> int:
    """``publisher check``: the dry-run report for this checkout."""
    import json

    from publisher.console import Console, wants_colour
    from publisher.context import Context, Mode
    from publisher.errors import PublishError
    from publisher.http import Http
    from publisher.inputs import read_config
    from publisher.pipeline import run
    from publisher.report import dry_run_text
    from publisher.workflows.model import top_level

    env = {k: v for k, v in os.environ.items() if k != "GITHUB_ACTIONS"}
    console = Console(env, verbose=args.verbose, stream=sys.stderr)
    # From any folder of a checkout: the workflows and the dists are at its top.
    root = top_level(Path.cwd())
    packages_dir = args.packages_dir.absolute() if args.packages_dir else None
    # The options become the action's inputs, so defaults and checks have one home.
    given = {"REPOSITORY-URL": args.repository_url, "PACKAGES-DIR": packages_dir}
    inputs = {
        **{f"INPUT_{name}": str(value) for name, value in given.items() if value is not None},
        "INPUT_SKIP-EXISTING": str(args.skip_existing),
        "INPUT_VERIFY-METADATA": str(not args.no_verify_metadata),
        "INPUT_VERBOSE": str(args.verbose),
        "INPUT_DRY-RUN": "true",
    }
    try:
        # A folder named on the command line is the user's own choice, wherever it is.
        config = read_config(inputs, cwd=root, confined=packages_dir is None)
    except PublishError as exc:
        console.failure(exc)
        return EXIT_FAILED
    ctx = Context(
        config,
        env,
        console,
        Http(console),
        Mode.CHECK,
        root=root,
        workflow=_workflow_path(args.workflow),
        job=args.job,
        packages_dir_given=packages_dir is not None,
        index_given=args.repository_url is not None,
        workflows_only=args.workflows_only,
    )
    outcome = run(ctx)
    if args.format == "json":
        print(json.dumps(outcome.as_json(), indent=2))
    elif args.format == "sarif":
        from publisher.render import anchors, sarif

        print(json.dumps(sarif(outcome, anchors(ctx)), indent=2))
    else:
        if args.format == "github":
            from publisher.render import annotation_lines

            print("\n".join(annotation_lines(outcome)))
        print(dry_run_text(outcome, colour=wants_colour(sys.stdout, os.environ)))
    sys.stdout.flush()  # here, where a closed pipe can still be handled (see main)
    return EXIT_OK if outcome.ok else EXIT_FAILED


def _workflow_path(given: Path | None) -> Path | None:
    """``--workflow`` as given from the working folder; a bare file name that is not
    there is looked for in .github/workflows/ later."""
    return given.absolute() if given is not None and given.exists() else given


def run_action(env: Mapping[str, str], dropped: Sequence[str] = ()) -> int:
    """Run as the action, reading inputs from ``env``; returns the exit code.
    ``dropped``: the variables of the job's environment the image's entry point
    started the interpreter again without (publisher.environ)."""
    from publisher.console import Console
    from publisher.errors import InputError, PublishError
    from publisher.outcome import Outcome

    console = Console(env)
    # Before anything else can print, hide the secrets we were given.
    for key in ("INPUT_PASSWORD", "ACTIONS_ID_TOKEN_REQUEST_TOKEN"):
        console.mask(env.get(key, "").strip())
    if dropped:
        console.info(Msg.LOG_ENVIRONMENT_DROPPED, names=", ".join(dropped))
    try:
        try:
            if env.get("RUNNER_OS", "Linux") != "Linux":
                raise InputError(Msg.NOT_LINUX, os=env["RUNNER_OS"])
            from publisher.inputs import read_config

            config = read_config(env)
        except PublishError as exc:
            _conclude(console, None, Outcome(failure=exc), dry_run=False)
            return EXIT_FAILED
        return _run_pipeline(config, env, console)
    except Exception as exc:  # a bug of ours outside the steps: say so, without secrets
        from publisher.errors import internal_error

        console.failure(internal_error(exc))
        return EXIT_FAILED


def _run_pipeline(config: Config, env: Mapping[str, str], console: Console) -> int:
    from publisher.context import Context, Mode
    from publisher.http import Http
    from publisher.pipeline import run
    from publisher.upload import warm_imports

    console.verbose = config.verbose
    mode = Mode.DRY_RUN if config.dry_run else Mode.PUBLISH
    if mode is Mode.PUBLISH:
        warm_imports()
    ctx = Context(config, env, console, Http(console), mode)
    concluded = False
    cancelled: str | None = None
    with _cancellable() as received:
        try:
            outcome = run(ctx)
            concluded = True
        except KeyboardInterrupt:
            cancelled = received[0] if received else "SIGINT"
            console.info(Msg.LOG_CANCELLED, signal=cancelled)
        finally:
            _ignore_signals()  # the burn and the report take seconds at most
            _burn_tokens(ctx, say=not concluded and cancelled is None)
    if cancelled is not None:
        # What reached the index so far, in the outputs and the summary, as for any
        # failure: a step after this one (`if: always()`) may read them.
        from publisher.errors import PublishError

        key = Msg.DRY_RUN_CANCELLED if config.dry_run else Msg.RUN_CANCELLED
        ctx.outcome.cut_short(PublishError(key, signal=cancelled))
        _conclude(console, config.index, ctx.outcome, dry_run=config.dry_run)
        return EXIT_INTERRUPTED
    return _conclude(console, config.index, outcome, dry_run=config.dry_run)


def _burn_tokens(ctx: Context, *, say: bool) -> None:
    """Burn the upload tokens the run minted, once, at its end, however it ended; the
    outcome says how that went (a failure is a notice, never the run's), and the log
    at the run's end (``_conclude``), or now (``say``) when the run is cut short."""
    if ctx.tokens is None:
        return
    finding = ctx.tokens.burn()
    if finding is not None:
        ctx.outcome.burn = finding
        if say:
            ctx.console.finding(finding)


_SIGNALS = ("SIGINT", "SIGTERM")


@contextlib.contextmanager
def _cancellable() -> Iterator[list[str]]:
    """While the run goes on, SIGINT and SIGTERM stop it as Ctrl-C does, so that its
    clean-up runs; the list names the signal received. GitHub cancels a step, or ends
    it at its timeout, with SIGINT, then SIGTERM 7.5 s later, then SIGKILL; in the
    container the action is PID 1, for which SIGTERM has no default action at all."""
    import signal
    import threading

    received: list[str] = []

    def cancel(signum: int, frame: object) -> None:
        if received:  # already stopping
            return
        received.append(signal.Signals(signum).name)
        raise KeyboardInterrupt

    if threading.current_thread() is not threading.main_thread():
        yield received  # signals reach the main thread only
        return
    previous = {name: signal.signal(getattr(signal, name), cancel) for name in _SIGNALS}
    try:
        yield received
    finally:
        for name, handler in previous.items():
            signal.signal(getattr(signal, name), handler)


def _ignore_signals() -> None:
    import signal
    import threading

    if threading.current_thread() is threading.main_thread():
        for name in _SIGNALS:
            signal.signal(getattr(signal, name), signal.SIG_IGN)


def _conclude(console: Console, index: Index | None, outcome: Outcome, *, dry_run: bool) -> int:
    """The end of a run as the action: the report, the outputs, the summary and the
    exit code."""
    from publisher.report import (
        dry_run_summary,
        dry_run_text,
        failure_summary,
        log_result,
        success_summary,
        write_outputs,
    )

    if dry_run and index is not None:
        console.text(dry_run_text(outcome, colour=False))
        for name in ("uploaded", "skipped", "urls", "attestations", "release-urls"):
            console.set_output(name, "[]")
        console.set_output("release-url", "")
        console.set_output("log-indexes", "{}")
        console.summary(dry_run_summary(outcome, index))
        if outcome.failure is not None:  # cancelled: the report above is incomplete
            console.failure(outcome.failure)
        elif not outcome.ok:
            console.error(Msg.DRY_RUN_FAILED)
        return EXIT_OK if outcome.ok else EXIT_FAILED
    write_outputs(console, outcome, index)
    if outcome.failure is not None:
        console.failure(outcome.failure)
        log_result(console, outcome, index)
        if outcome.burn is not None:  # last, as in the summary
            console.finding(outcome.burn)
        console.summary(failure_summary(outcome.failure, outcome, index))
        return EXIT_FAILED
    assert index is not None
    log_result(console, outcome, index)
    if outcome.burn is not None:
        console.finding(outcome.burn)
    console.summary(success_summary(outcome, index))
    return EXIT_OK


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
