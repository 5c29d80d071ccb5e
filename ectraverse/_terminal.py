"""What the command-line front ends (cli, the demos) print of text they did not write.

Tokens and file names come from files anyone may have written.  A terminal acts on some characters
instead of showing them: ESC starts a control sequence (one can set the window's title, or rewrite
what is on the screen), a bidirectional override reverses the text after it, and a zero-width
character shows nothing at all.  :func:`visible` shows each such character as its escape.
"""

from __future__ import annotations

__all__ = ["visible"]


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
