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


def test_an_unbuilt_copy_says_how_to_build_it(tmp_path):
    """Importing from a checkout whose core is not built names the fix, not a circular import."""
    import shutil
    import subprocess
    import sys

    source = pathlib.Path(ectraverse.__file__).parent
    shutil.copytree(source, tmp_path / "ectraverse", ignore=shutil.ignore_patterns("_ec*.so", "_ec*.pyd", "__pycache__"))
    out = subprocess.run([sys.executable, "-c", "import ectraverse"], cwd=tmp_path, capture_output=True, text=True,
                         timeout=120)
    assert out.returncode == 1
    assert "ectraverse's compiled core (ectraverse._ec) is not built in" in out.stderr
    assert "python setup.py build_ext --inplace" in out.stderr and "circular import" not in out.stderr.splitlines()[-1]


def test_every_module_defines_what_its_all_lists():
    """``from module import *`` works for every module of the package (an ``__all__`` naming a removed
    function breaks it); modules of optional extras that are not installed are passed over."""
    import importlib
    import pkgutil

    for info in pkgutil.walk_packages(ectraverse.__path__, "ectraverse."):
        if info.name.endswith(".__main__"):  # runs the command line when imported
            continue
        try:
            module = importlib.import_module(info.name)
        except ImportError as exc:  # an optional extra (ectraverse.dask without dask)
            assert "pip install" in str(exc), (info.name, exc)
            continue
        missing = [n for n in getattr(module, "__all__", ()) if not hasattr(module, n)]
        assert missing == [], info.name
