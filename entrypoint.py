"""Container entry point: GitHub runs this with the action's inputs in the environment."""

import os
import sys

from publisher.cli import main

if __name__ == "__main__":
    # The runner reads the log as UTF-8, whatever locale a workflow's `env:` sets; an
    # encoding error must not turn a diagnosis into a crash.
    for stream in (sys.stdout, sys.stderr):
        stream.reconfigure(encoding="utf-8", errors="backslashreplace")  # type: ignore[union-attr]
    code = main(["run"])
    sys.stdout.flush()
    sys.stderr.flush()
    # Every file we wrote is closed; skip the interpreter's teardown of ~500 modules,
    # which a job pays for on every release (tens of milliseconds).
    os._exit(code)
