"""The package as installed: its version has one source, and its public names import."""

from __future__ import annotations

import pathlib
import tomllib
from importlib import metadata

import pytest

import ectraverse

PYPROJECT = pathlib.Path(__file__).resolve().parent.parent / "pyproject.toml"


def test_version_comes_from_the_package_metadata():
    try:
        installed = metadata.version("ectraverse")
    except metadata.PackageNotFoundError:
        pytest.skip("ectraverse is not installed (an in-place build): it has no metadata to read")
    assert ectraverse.__version__ == installed
    if PYPROJECT.exists():  # a checkout: the literal there is the only one
        assert tomllib.loads(PYPROJECT.read_text("utf-8"))["project"]["version"] == installed


def test_every_public_name_imports():
    for name in ectraverse.__all__:
        assert getattr(ectraverse, name) is not None, name
