"""Container entry point: GitHub runs this with the action's inputs in the environment."""

import os
import sys

from publisher import environ

if __name__ == "__main__":
    # Before anything is imported that loads a library: without the variables that
    # would load other code into this process (publisher.environ).
    unsafe = environ.unsafe(os.environ)
    if unsafe:
        environ.restart_without(unsafe)
    from publisher.cli import main

    # The runner reads the log as UTF-8, whatever locale a workflow's `env:` sets; an
    # encoding error must not turn a diagnosis into a crash.
    for stream in (sys.stdout, sys.stderr):
        stream.reconfigure(encoding="utf-8", errors="backslashreplace")  # type: ignore[union-attr]
    code = main(["run", *sys.argv[1:]])
    sys.stdout.flush()
    sys.stderr.flush()
    # Every file we wrote is closed; skip the interpreter's teardown of ~500 modules,
    # which a job pays for on every release (tens of milliseconds).
    os._exit(code)
