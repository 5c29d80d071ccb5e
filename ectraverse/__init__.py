"""ectraverse: an elliptic-curve compositional state machine.

Token sequences map to elements of a group built on an elliptic curve, so
contexts compose exactly, invert exactly and never grow.  This package's
foundation is a compiled core for prime-field curve arithmetic (named and
custom curves, points, batches of points, multi-scalar multiplication) and the
token layer on top of it (RFC 9380 hash-to-curve, tokenizers, vocabularies)
and the traversal engine (contexts, prefix states, windows, traversers).

The arithmetic is variable-time: for public data, not secret keys.
"""

from importlib import metadata as _metadata

from ectraverse import tokenizers
from ectraverse.context import Context, ContextGroup
from ectraverse.errors import (
    ContextMismatchError,
    CurveMismatchError,
    EctraverseError,
    EncodingError,
    InvalidCurveError,
    NotInSubgroupError,
    NotOnCurveError,
    NotUtf8Error,
    UnknownCurveError,
    UnknownSuiteError,
    UnknownTokenError,
    VocabularyFileError,
)
from ectraverse.point import Curve, Point, PointArray, curve, curve_names, encode_to_curve, hash_to_curve
from ectraverse.rfc9380 import expand_message_xmd, hash_to_field
from ectraverse.traverse import Coefficients, ContextBatch, PrefixStates, Traversal, Traverser, WindowIndex
from ectraverse.vocab import Vocabulary

try:  # the one version literal is pyproject.toml's; an unbuilt or in-place checkout has no metadata
    __version__ = _metadata.version("ectraverse")
except _metadata.PackageNotFoundError:  # pragma: no cover - only outside an installed package
    __version__ = "0+unknown"

__all__ = [
    "Coefficients",
    "Context",
    "ContextBatch",
    "ContextGroup",
    "ContextMismatchError",
    "Curve",
    "CurveMismatchError",
    "EctraverseError",
    "EncodingError",
    "InvalidCurveError",
    "NotInSubgroupError",
    "NotOnCurveError",
    "NotUtf8Error",
    "Point",
    "PointArray",
    "PrefixStates",
    "Traversal",
    "Traverser",
    "UnknownCurveError",
    "UnknownSuiteError",
    "UnknownTokenError",
    "Vocabulary",
    "VocabularyFileError",
    "WindowIndex",
    "__version__",
    "curve",
    "curve_names",
    "encode_to_curve",
    "expand_message_xmd",
    "hash_to_curve",
    "hash_to_field",
    "tokenizers",
]
