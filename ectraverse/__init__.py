"""ectraverse: an elliptic-curve compositional state machine.

Token sequences map to elements of a group built on an elliptic curve, so
contexts compose exactly, invert exactly and never grow.  This package's
foundation is a compiled core for prime-field curve arithmetic: named and
custom curves, points, batches of points, multi-scalar multiplication.

The arithmetic is variable-time: for public data, not secret keys.
"""

from ectraverse.errors import (
    CurveMismatchError,
    EctraverseError,
    EncodingError,
    InvalidCurveError,
    NotInSubgroupError,
    NotOnCurveError,
    UnknownCurveError,
)
from ectraverse.point import Curve, Point, PointArray, curve, curve_names

__version__ = "0.1.0"

__all__ = [
    "Curve",
    "CurveMismatchError",
    "EctraverseError",
    "EncodingError",
    "InvalidCurveError",
    "NotInSubgroupError",
    "NotOnCurveError",
    "Point",
    "PointArray",
    "UnknownCurveError",
    "__version__",
    "curve",
    "curve_names",
]
