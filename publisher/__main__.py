"""``python -m publisher``: same as the ``publisher`` console script."""

import sys

from publisher.cli import main

sys.exit(main())
