"""What the command-line front ends (cli, the demos) print of text they did not write.

Tokens and file names come from files anyone may have written.  A terminal acts on some characters
instead of showing them: ESC starts a control sequence (one can set the window's title, or rewrite
what is on the screen), a bidirectional override reverses the text after it, and a zero-width
character shows nothing at all.  :func:`visible` shows each such character as its escape.
"""

from __future__ import annotations

import os
import shutil
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import Console

__all__ = ["console", "visible"]


def console(*, stderr: bool = False, piped_width: int | None = None, **options) -> Console:
    """A rich console on stdout (``stderr=True``: stderr) as wide as ``COLUMNS`` says, else as the
    terminal, else ``piped_width`` columns when it is not a terminal (a table piped to a file is not
    cut to 80), else 80.  ``COLUMNS=0``, which rich would take for a width of 0 and then print nothing
    at all, counts as unset.  ``options`` go to rich's ``Console``.

    rich is imported here, when a console is made: listing the demos does not import it."""
    from rich.console import Console

    columns = os.environ.get("COLUMNS", "")
    given = columns.isdigit() and int(columns) > 0  # rich reads COLUMNS when it is digits only
    width = shutil.get_terminal_size().columns if columns.isdigit() and not given else None
    c = Console(stderr=stderr, width=width, **options)
    if not c.is_terminal and piped_width is not None and not given:
        c = Console(stderr=stderr, width=piped_width, **options)
    return c


def visible(text: str) -> str:
    """``text`` with every character that ``str.isprintable`` rejects, other than the space, shown as
    its Python escape (``\\x1b``, ``\\u202e``, ``\\n``): controls, format characters (bidirectional
    overrides, zero-width ones), separators of lines and paragraphs, surrogates, private-use and
    unassigned code points.

    Example:
        >>> visible("the cat")
        'the cat'
        >>> print(visible("a\\x1b]0;title\\x07b \\u202eevil"))
        a\\x1b]0;title\\x07b \\u202eevil
    """
    if text.isprintable():
        return text
    return "".join(ch if ch.isprintable() or ch == " " else ascii(ch)[1:-1] for ch in text)
