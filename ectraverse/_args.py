"""Argument types shared by the command-line front ends (cli, bench, demos)."""

from __future__ import annotations

import argparse

__all__ = ["positive_int", "non_negative_int"]


def _int(value: str, what: str) -> int:
    try:
        return int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be {what}, not {value!r}") from None


def positive_int(value: str) -> int:
    """argparse type: an int >= 1."""
    n = _int(value, "a positive integer")
    if n < 1:
        raise argparse.ArgumentTypeError(f"must be a positive integer, not {value!r}")
    return n


def non_negative_int(value: str) -> int:
    """argparse type: an int >= 0."""
    n = _int(value, "a non-negative integer")
    if n < 0:
        raise argparse.ArgumentTypeError(f"must be a non-negative integer, not {value!r}")
    return n
