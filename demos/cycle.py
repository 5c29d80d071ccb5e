#!/usr/bin/env python3
"""``python demos/cycle.py [options]`` runs the same demo as ``ectraverse demo cycle [options]``."""

import importlib.util
import sys
from pathlib import Path

if importlib.util.find_spec("ectraverse") is None:  # a checkout, not installed: use the package beside this folder
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from ectraverse import demos  # noqa: E402

if __name__ == "__main__":
    sys.exit(demos.main("cycle", sys.argv[1:]))
