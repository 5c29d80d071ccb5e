"""The interactive terminal demos, and a registry that loads them lazily.

Every demo is a module ``ectraverse.demos.<name>`` offering:

``DESCRIPTION``
    one line, shown by ``ectraverse demo``;
``add_arguments(parser)``
    adds the demo's own options (``--curve``, ``--seed``, ...) to an
    :class:`argparse.ArgumentParser`;
``run(args, *, stdin, console) -> int``
    runs the demo: interactively when ``stdin`` is a terminal, otherwise as a
    script read line by line, deterministically (seeded by ``--seed``);
    returns the exit status;
``main(argv=None) -> int``
    the standalone entry point used by the launchers in the repository's
    ``demos/`` directory.

Run one as ``ectraverse demo NAME [options]`` or ``python demos/NAME.py
[options]``; ``ectraverse demo`` lists them.  Both parse the options with
:func:`build_parser`.  This module imports no demo (and no ``rich``) until
:func:`load` is called.

Example:
    >>> names()
    ['traverse', 'algebra', 'cycle', 'windows']
    >>> DEMOS["cycle"]
    'ectraverse.demos.cycle'
    >>> load("tetris")
    Traceback (most recent call last):
    ...
    ValueError: Unknown demo 'tetris'; expected one of: traverse, algebra, cycle, windows.
"""

from __future__ import annotations

import importlib
from types import ModuleType

from ectraverse._args import ArgumentParser

__all__ = ["DEMOS", "DESCRIPTIONS", "names", "load", "build_parser"]

#: Demo name -> the module that implements it.
DEMOS: dict[str, str] = {
    "traverse": "ectraverse.demos.traverse",
    "algebra": "ectraverse.demos.algebra",
    "cycle": "ectraverse.demos.cycle",
    "windows": "ectraverse.demos.windows",
}

#: Demo name -> its one-line ``DESCRIPTION`` (copied, so listing imports no demo; a test keeps them equal).
DESCRIPTIONS: dict[str, str] = {
    "traverse": "A REPL: type words and watch the context move; undo, windows, save/load (compose), reset.",
    "algebra": (
        "A guided tour of the group laws (closure, associativity, identity, inverses, order, powers), checked live."
    ),
    "cycle": "cyclic symmetry made exact: the months as an orbit of order 12, and why k must never have small order",
    "windows": "index a real text by window contexts: repeated phrases, lookups, and the O(1) window identity",
}


def names() -> list[str]:
    """The demo names, in the order ``ectraverse demo`` lists them."""
    return list(DEMOS)


def load(name: str) -> ModuleType:
    """Import and return the module of the demo ``name``.

    Args:
        name: a name from :func:`names`.

    Returns:
        The demo's module (``DESCRIPTION``, ``add_arguments``, ``run``, ``main``).

    Raises:
        TypeError: name is not a str.
        ValueError: no demo has that name (the message lists the known ones).
    """
    if not isinstance(name, str):
        raise TypeError(f"demo name must be a str, not {type(name).__name__}")
    module = DEMOS.get(name)
    if module is None:
        raise ValueError(f"Unknown demo {name!r}; expected one of: {', '.join(DEMOS)}.")
    return importlib.import_module(module)


def build_parser(name: str) -> ArgumentParser:
    """The argument parser of the demo ``name``: its own options, with ``ectraverse demo NAME`` as its prog.

    Like every parser of the command line, it reports an unrecognised option
    by name and never echoes its value.

    Args:
        name: a name from :func:`names`.

    Raises:
        TypeError, ValueError: as :func:`load`.

    Example:
        >>> build_parser("algebra").parse_args(["--seed", "7"]).seed
        7
    """
    module = load(name)
    parser = ArgumentParser(prog=f"ectraverse demo {name}", description=module.DESCRIPTION, allow_abbrev=False)
    module.add_arguments(parser)
    return parser
