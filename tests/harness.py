"""The test harness's two seams into the runtime, applied from outside it: the image
has neither, and no variable of a workflow's `env:` reaches them.

- ``fast_backoff``: the retry waits a hundredth of the real ones, so that a test of
  three retries takes milliseconds (the real waits are ``publisher.http``'s).
- ``watch_keys``: every catalogue key rendered while the entry point runs
  (``publisher.cli.main``: ``publisher run`` as the action, ``publisher check``),
  for the key-coverage check (``tests/keycoverage.py``).

Run as a script, this module is the entry point of the end-to-end tests' subprocesses:
``python -E -s -u harness.py KEYS_FILE ENTRYPOINT`` runs ``ENTRYPOINT`` as
``python -E -s -u ENTRYPOINT`` would (same flags, same ``sys.path[0]``, same
``sys.argv``), with both seams in place, and writes the keys rendered to
``KEYS_FILE``, one a line.
"""

from __future__ import annotations

import contextlib
import functools
import runpy
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

# A hundredth of the real backoff: the same doubling, in milliseconds.
BACKOFF_SCALE = 0.01
_lock = threading.Lock()
_inside = 0  # how many calls of the entry point are running (steps run in threads)


@contextlib.contextmanager
def fast_backoff() -> Iterator[None]:
    """The runtime's retry policy, its waits scaled by ``BACKOFF_SCALE``, while inside."""
    from publisher import http

    saved = http.DEFAULT_POLICY
    http.DEFAULT_POLICY = http.RetryPolicy(
        tries=saved.tries,
        base=saved.base * BACKOFF_SCALE,
        cap=saved.cap * BACKOFF_SCALE,
        budget=saved.budget,
    )
    try:
        yield
    finally:
        http.DEFAULT_POLICY = saved


def watch_keys(sink: Callable[[str], None]) -> None:
    """From now on, call ``sink`` with each key whose text is read from the catalogue
    (``publisher.messages.MESSAGES``: a title, a body, a phrase, a row of a table)
    while ``publisher.cli.main`` runs: what a user of the command or the action can be
    shown. Keys rendered by tests calling the runtime's functions directly are not
    counted."""
    from publisher import cli, messages

    class Watched(dict):  # type: ignore[type-arg]
        def __getitem__(self, key: messages.Msg) -> Any:
            if _inside:
                sink(str(key))
            return super().__getitem__(key)

    entry = cli.main

    @functools.wraps(entry)
    def main(argv: Any = None) -> int:
        global _inside
        with _lock:
            _inside += 1
        try:
            return entry(argv)
        finally:
            with _lock:
                _inside -= 1

    messages.MESSAGES = Watched(messages.MESSAGES)
    cli.main = main


def _launch(keys_file: Path, entrypoint: Path) -> None:
    """Run ``entrypoint`` as the interpreter would run it as a script, seams in place."""
    sys.path[0] = str(entrypoint.parent)
    sys.argv = [str(entrypoint), *sys.argv[3:]]  # what the entry point was given
    from publisher import cli

    seen: set[str] = set()
    watch_keys(seen.add)
    watched = cli.main

    def main(argv: Any = None) -> int:
        try:
            return watched(argv)
        finally:  # the entry point ends with os._exit: write the keys before
            keys_file.write_text("".join(f"{key}\n" for key in sorted(seen)), encoding="utf-8")

    cli.main = main
    with fast_backoff():
        runpy.run_path(str(entrypoint), run_name="__main__")


if __name__ == "__main__":
    _launch(Path(sys.argv[1]), Path(sys.argv[2]))
