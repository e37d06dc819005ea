"""``python -m salesmetrics``: the ``salesmetrics`` command (see :mod:`salesmetrics.cli`)."""

import sys

from salesmetrics.cli import main

if __name__ == "__main__":
    sys.exit(main())
