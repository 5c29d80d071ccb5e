"""``python -m ectraverse``: the command line, as ``ectraverse``."""

import sys

from ectraverse.cli import main

sys.exit(main())
