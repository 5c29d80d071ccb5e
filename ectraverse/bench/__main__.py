"""``python -m ectraverse.bench``: the benchmark, as ``ectraverse bench``."""

import sys

from ectraverse.bench import main

sys.exit(main())
