"""Argument parsing shared by the command-line front ends (cli, bench, demos).

:class:`ArgumentParser` is :class:`argparse.ArgumentParser` that never echoes
the value of an option it does not know: ``--ke=SECRET`` is reported as
``unrecognized option --ke (values are not echoed)``, because a mistyped
secret must not end up on the screen, in a log or in a CI transcript.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Callable, Sequence

from ectraverse.errors import shown

__all__ = ["ArgumentParser", "integer", "positive_int", "non_negative_int", "at_most", "parse_int", "shown",
           "unrecognized"]


def _option_name(arg: str) -> str:
    """The option part of an argument: ``--name`` before any ``=``, or ``-x`` of ``-xVALUE``."""
    return arg.split("=", 1)[0] if arg.startswith("--") else arg[:2]


def unrecognized(extras: Sequence[str]) -> str:
    """The error for arguments a parser did not recognise, naming options only, never a value.

    Args:
        extras: the leftover arguments of ``parse_known_args``.

    Returns:
        One sentence: the option names, and how many other arguments there were.

    Example:
        >>> unrecognized(["--ke=SECRET", "x", "-kSECRET"])
        'unrecognized options --ke, -k and 1 other argument (values are not echoed)'
        >>> unrecognized(["SECRET", "more"])
        'unrecognized arguments: 2 (values are not echoed)'
    """
    names = list(dict.fromkeys(_option_name(a) for a in extras if a.startswith("-") and len(a) > 1))
    others = sum(1 for a in extras if not (a.startswith("-") and len(a) > 1))
    if not names:
        return f"unrecognized arguments: {others} (values are not echoed)"
    label = "option" if len(names) == 1 else "options"
    tail = f" and {others} other argument{'s' if others > 1 else ''}" if others else ""
    return f"unrecognized {label} {', '.join(names)}{tail} (values are not echoed)"


# argparse messages that quote a whole argument, value included.
_ECHOES = (
    (re.compile(r"ignored explicit argument .*"), "takes no value (values are not echoed)"),
    (re.compile(r"ambiguous option: (\S+) could match"),
     lambda m: f"ambiguous option: {_option_name(m.group(1))} could match"),
)


class ArgumentParser(argparse.ArgumentParser):
    """An :class:`argparse.ArgumentParser` whose errors never echo an argument's value.

    Unrecognised arguments are reported by option name (and the others by
    count), argparse's messages that quote a whole ``--option=value``
    argument are cut to the option name, and a value that is not one of an
    option's choices is quoted cut short (:func:`shown`).  Sub-parsers made by
    ``add_subparsers`` are of this class too.

    Example:
        >>> p = ArgumentParser(prog="demo", allow_abbrev=False)
        >>> _ = p.add_argument("--key-file")
        >>> p.parse_args(["--ke=SECRET"])
        Traceback (most recent call last):
        ...
        SystemExit: 2
    """

    def parse_args(self, args=None, namespace=None):
        namespace, extras = self.parse_known_args(args, namespace)
        if extras:
            self.error(unrecognized(extras))
        return namespace

    def _check_value(self, action, value):
        # argparse's own check quotes the value whole: a choice is quoted cut short, as every value is
        if action.choices is not None and value not in action.choices:
            choices = ", ".join(map(repr, action.choices))
            raise argparse.ArgumentError(action, f"invalid choice: {shown(value)} (choose from {choices})")

    def error(self, message: str):
        for pattern, replacement in _ECHOES:
            message = pattern.sub(replacement, message)
        super().error(message)


def parse_int(value: str, what: str) -> int:
    """``int(value)``, else a ValueError whose message is ``must be {what}, not ...`` (the value cut
    short): a number past Python's limit on the digits ``int`` reads (``sys.get_int_max_str_digits()``,
    4,300 by default) is said to be too large, not to be no number.

    Example:
        >>> parse_int(" 12 ", "an integer")
        12
        >>> parse_int("9" * 5000, "an integer")
        Traceback (most recent call last):
        ...
        ValueError: must be an integer of at most 4,300 digits, not one of 5,000
    """
    try:
        return int(value)
    except ValueError:
        digits = value.strip().replace("_", "")
        digits = digits[1:] if digits[:1] in ("+", "-") else digits  # one sign: "+-3" is no number
        limit = sys.get_int_max_str_digits()
        if digits.isdecimal() and len(digits) > limit:
            raise ValueError(f"must be {what} of at most {limit:,} digits, not one of {len(digits):,}") from None
        raise ValueError(f"must be {what}, not {shown(value)}") from None


def _int(value: str, what: str) -> int:
    try:
        return parse_int(value, what)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def integer(value: str) -> int:
    """argparse type: any int (a too long one said to be too long, and not echoed whole)."""
    return _int(value, "an integer")


def positive_int(value: str) -> int:
    """argparse type: an int >= 1."""
    n = _int(value, "a positive integer")
    if n < 1:
        raise argparse.ArgumentTypeError(f"must be a positive integer, not {shown(value)}")
    return n


def non_negative_int(value: str) -> int:
    """argparse type: an int >= 0."""
    n = _int(value, "a non-negative integer")
    if n < 0:
        raise argparse.ArgumentTypeError(f"must be a non-negative integer, not {shown(value)}")
    return n


def at_most(high: int, base: Callable[[str], int] = positive_int) -> Callable[[str], int]:
    """argparse type: what ``base`` takes, up to ``high`` (an option that would run for ever past it).

    Example:
        >>> at_most(100)("100")
        100
        >>> at_most(100)("101")
        Traceback (most recent call last):
        ...
        argparse.ArgumentTypeError: must be at most 100, not '101'
    """

    def parse(value: str) -> int:
        n = base(value)
        if n > high:
            raise argparse.ArgumentTypeError(f"must be at most {high:,}, not {shown(value)}")
        return n

    parse.__name__ = getattr(base, "__name__", "int")
    return parse
