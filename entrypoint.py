"""Container entry point: GitHub runs this with the action's inputs in the environment."""

import sys

from publisher.cli import main

if __name__ == "__main__":
    sys.exit(main(["run"]))
