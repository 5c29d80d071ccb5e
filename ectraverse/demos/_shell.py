"""Line input shared by the scripted demos (cycle, windows).

A demo reads commands from a terminal (with a prompt and line editing) or,
when stdin is not a terminal, from a script, echoing each command so the
captured output reads like a session.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from typing import TextIO

from rich.console import Console
from rich.text import Text

from ectraverse.demos import visible

__all__ = ["command_lines"]


def command_lines(stdin: TextIO, console: Console, prompt: str) -> Iterator[str]:
    """Command lines: prompted on a terminal, echoed (``> line``) from a script; stops at end of input
    (Ctrl-C raises :class:`KeyboardInterrupt`, as anywhere in a demo)."""
    interactive = stdin.isatty()
    while True:
        try:
            if interactive and stdin is sys.stdin:
                line = console.input(f"[bold]{prompt}[/]")  # input(): line editing where readline exists
            else:
                if interactive:
                    console.print(f"[bold]{prompt}[/]", end="")
                line = stdin.readline()
                if not line:
                    return
                if not interactive and line.strip():  # as Text: rich's highlighter is quadratic in a long word
                    console.print(Text.assemble((">", "dim"), " ", visible(line.strip())))
        except EOFError:
            console.print()
            return
        except KeyboardInterrupt:  # reported by the entry point: one line, exit 130
            console.print()
            raise
        yield line
