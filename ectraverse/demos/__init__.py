"""The interactive terminal demos, and a registry that loads them lazily.

Every demo is a module ``ectraverse.demos.<name>`` offering:

``DESCRIPTION``
    one line, shown by ``ectraverse demo``;
``add_arguments(parser)``
    adds the demo's own options (``--curve``, ``--seed``, ...) to an
    :class:`argparse.ArgumentParser`;
``run(args, *, stdin, console) -> int``
    runs the demo: interactively when ``stdin`` is a terminal, otherwise as a
    script read line by line, deterministically (``algebra`` seeded by
    ``--seed``); returns the exit status, or raises :class:`DemoError` when it
    cannot start (an unknown curve, an unreadable file): the command line
    prints that as one error line on stderr and exits 1.

Run one as ``ectraverse demo NAME [options]``, ``python demos/NAME.py
[options]`` or ``python -m ectraverse.demos.NAME [options]``; ``ectraverse
demo`` lists them.  Each parses the options with :func:`build_parser`; the
last two run through :func:`main`, the one standalone entry point.  A demo
uses the public API only, and from here the argument types :func:`positive_int`,
:func:`non_negative_int` and :func:`at_most`, :func:`number` for a number in a
command, :func:`shown` to quote what was typed, :func:`read_file` (at most
:data:`FILE_MAX` bytes) for a file, :func:`read_json` for JSON in it (its nesting
bounded, as ``ectraverse._json.loads``), and :func:`show_table` to print a table
on a terminal of any width.  This module imports
no demo (and no ``rich``) until :func:`load` or :func:`main` is called.

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
import sys
from types import ModuleType

from ectraverse._args import ArgumentParser, at_most, non_negative_int, parse_int, positive_int, shown
from ectraverse._entry import run as run_command
from ectraverse._json import loads as read_json
from ectraverse._terminal import console as _console, visible

__all__ = ["DEMOS", "DESCRIPTIONS", "DemoError", "FILE_MAX", "names", "load", "build_parser", "main", "number",
           "read_file", "read_json", "show_table", "positive_int", "non_negative_int", "at_most", "shown", "visible"]


#: The largest file a demo reads (a text to index, a context ``:write`` made): a device or a huge file is
#: refused, not read until memory runs out.
FILE_MAX = 64 << 20


def read_file(path: str) -> bytes:
    """The bytes of the file at ``path``, at most :data:`FILE_MAX` of them.

    Raises:
        OSError: it cannot be read.
        ValueError: it holds more than :data:`FILE_MAX` bytes.
    """
    with open(path, "rb") as f:
        data = f.read(FILE_MAX + 1)
    if len(data) > FILE_MAX:
        raise ValueError(f"{path} holds more than {FILE_MAX:,} bytes, more than a demo reads")
    return data


def number(text: str, name: str, what: str) -> int:
    """A number typed in a demo's command, or a ValueError that names it and says what it must be (the
    text cut short; a number past Python's digit limit is said to be too long).

    Example:
        >>> number("12", "N", "a positive integer")
        12
        >>> number("x" * 50, "N", "a positive integer")
        Traceback (most recent call last):
        ...
        ValueError: N must be a positive integer, not 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx'… (50 characters)
    """
    try:
        return parse_int(text, what)
    except ValueError as exc:
        raise ValueError(f"{name} {exc}") from None


class DemoError(ValueError):
    """A demo cannot start: an unknown or unsuitable curve, a file it cannot read."""

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
        "A guided tour of the group laws (closure, associativity, identity, inverses, non-commutativity, powers), "
        "checked live."
    ),
    "cycle": "Cyclic symmetry made exact: the months as an orbit of order 12, and why k must never have small order.",
    "windows": "Index a real text by window contexts: repeated phrases, lookups, and the O(1) window identity.",
}


def show_table(console, table) -> None:
    """Print a rich ``table`` on ``console``; on a console too narrow for it, each row as lines ``column  value``.

    Too narrow: narrower than the table's least width (every column as wide
    as its longest word, or its widest cell where it does not wrap), where
    rich would squeeze a column to a letter a line.
    """
    from rich.measure import Measurement
    from rich.table import Table

    if Measurement.get(console, console.options.update_width(1 << 16), table).minimum <= console.width:
        console.print(table)
        return
    if table.title:
        console.print(table.title, style="table.title")
    columns = [(column.header, list(column.cells)) for column in table.columns]
    for row in range(table.row_count):
        record = Table.grid(padding=(0, 2))
        record.add_column(style="bold", no_wrap=True)
        record.add_column(overflow="fold")
        for header, cells in columns:
            record.add_row(header, cells[row])
        if row:
            console.print()
        console.print(record)


def names() -> list[str]:
    """The demo names, in the order ``ectraverse demo`` lists them."""
    return list(DEMOS)


def load(name: str) -> ModuleType:
    """Import and return the module of the demo ``name``.

    Args:
        name: a name from :func:`names`.

    Returns:
        The demo's module (``DESCRIPTION``, ``add_arguments``, ``run``).

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


def main(name: str, argv: list[str] | None = None) -> int:
    """Run the demo ``name`` as a program: the entry point of ``python demos/NAME.py`` and ``python -m``.

    Parses ``argv`` (default ``sys.argv[1:]``) with :func:`build_parser`, then
    runs the demo on ``sys.stdin`` with a rich console on ``sys.stdout``.

    Args:
        name: a name from :func:`names`.
        argv: the options, without the program name.

    Returns:
        The demo's exit status; 1, with ``ectraverse: error: ...`` on stderr, when it cannot start (:class:`DemoError`);
        130 on Ctrl-C and 143 on SIGTERM, with one line, as ``ectraverse demo NAME`` (closed standard
        streams too: :func:`ectraverse._entry.run`).

    Raises:
        TypeError, ValueError: as :func:`load`.
        SystemExit: for ``--help`` and for bad options (status 2), as argparse does.
    """

    def demo() -> int:
        args = build_parser(name).parse_args(argv)
        try:
            return load(name).run(args, stdin=sys.stdin, console=_console())
        except DemoError as exc:
            print(f"ectraverse: error: {exc}", file=sys.stderr)
            return 1

    return run_command(demo)
