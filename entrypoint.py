"""Container entry point: GitHub runs this with the action's inputs in the environment."""

import os
import sys

from publisher.cli import main

if __name__ == "__main__":
    code = main(["run"])
    sys.stdout.flush()
    sys.stderr.flush()
    # Every file we wrote is closed; skip the interpreter's teardown of ~500 modules,
    # which a job pays for on every release (tens of milliseconds).
    os._exit(code)
