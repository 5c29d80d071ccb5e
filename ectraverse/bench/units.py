"""How the benchmark shows numbers: significant digits, time units, rates, speed-ups.

Plain strings, no ``rich``: the op table (:mod:`ectraverse.bench.ops`) builds
its cells with these, and :mod:`ectraverse.bench.report` styles them.
"""

from __future__ import annotations

import math

__all__ = ["sig", "sig3", "fmt_us", "fmt_rate", "speed"]


def sig(v: float, digits: int) -> str:
    """``v`` with ``digits`` significant digits, in fixed-point notation (the digits of the rounded value:
    0.9999 to 3 digits is 1.00, not 1.000).

    Example:
        >>> sig(0.020041, 4), sig(1234.5, 3), sig(0.0, 3), sig(99.96, 3)
        ('0.02004', '1234', '0', '100')
    """
    if v == 0 or not math.isfinite(v):
        return f"{v:g}"
    exponent = math.floor(math.log10(abs(v)))
    places = max(0, digits - 1 - exponent)
    if places and abs(float(f"{v:.{places}f}")) >= 10.0 ** (exponent + 1):  # rounded up to the next power of ten
        places -= 1
    return f"{v:.{places}f}"


def sig3(v: float) -> str:
    """``v`` with 3 significant digits (see :func:`sig`)."""
    return sig(v, 3)


def fmt_us(us: float, digits: int = 3) -> str:
    """A time given in µs, with ``digits`` significant digits, in the unit (s, ms, µs, ns) that shows it best.

    Example:
        >>> fmt_us(0.543), fmt_us(41.6), fmt_us(92_000.0), fmt_us(4_680_000.0)
        ('543 ns', '41.6 µs', '92.0 ms', '4.68 s')
    """
    if us >= 999_500:
        return f"{sig(us / 1e6, digits)} s"
    if us >= 999.5:
        return f"{sig(us / 1e3, digits)} ms"
    if us >= 0.9995:
        return f"{sig(us, digits)} µs"
    return f"{sig(us * 1e3, digits)} ns"


def fmt_rate(per_s: float) -> str:
    """A rate per second with 3 significant digits and a k or M prefix (the larger one from where 3 digits
    would round to 1000, as :func:`fmt_us` picks its unit).

    Example:
        >>> fmt_rate(1_180_000.0), fmt_rate(23_100.0), fmt_rate(12.0), fmt_rate(999_999.0)
        ('1.18M/s', '23.1k/s', '12.0/s', '1.00M/s')
    """
    for unit, f in (("M", 1e6), ("k", 1e3)):
        if per_s >= 0.9995 * f:
            return f"{sig3(per_s / f)}{unit}/s"
    return f"{sig3(per_s)}/s"


def speed(fast_s: float, slow_s: float) -> str:
    """How much faster the first time is than the second (or slower), as ``"1.48× faster"``.

    Example:
        >>> speed(1.0, 2.0), speed(3.0, 2.0)
        ('2.00× faster', '1.50× slower')
    """
    return f"{sig3(slow_s / fast_s)}× faster" if fast_s <= slow_s else f"{sig3(fast_s / slow_s)}× slower"
