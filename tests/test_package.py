"""The package as installed: its version has one source, and its public names import."""

from __future__ import annotations

import ast
import pathlib
import shutil
import tomllib
from importlib import metadata

import pytest
from child import PACKAGE_DIR, run_python

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
    """Importing from a checkout whose compiled modules are not built names the fix, not a circular import.

    A child interpreter runs in a directory holding a copy of the package
    without its compiled modules, so ``import ectraverse`` finds the copy first,
    as it does for someone running Python at the top of an unbuilt checkout.
    """
    shutil.copytree(PACKAGE_DIR, tmp_path / "ectraverse",
                    ignore=shutil.ignore_patterns("*.so", "*.pyd", "__pycache__"))
    out = run_python("import ectraverse", cwd=tmp_path, text=True)
    if out.returncode == 0:  # an editable install's import hook may serve the compiled core from the checkout
        core = run_python("import ectraverse._ec as m; print(m.__file__)", cwd=tmp_path, text=True)
        if core.returncode == 0 and not pathlib.Path(core.stdout.strip()).is_relative_to(tmp_path):
            pytest.skip(f"an import hook (pip install -e) serves the copy a compiled core: {core.stdout.strip()}")
    assert out.returncode == 1, out
    last = out.stderr.strip().splitlines()[-1]
    assert last.startswith("ImportError: ectraverse's compiled core (ectraverse._ec) is not built in "), last
    assert repr(str(tmp_path)) in last, last
    assert "python setup.py build_ext --inplace" in last and "pip install" in last, last
    assert "circular import" not in last and "partially initialized" not in last, last



def test_a_core_that_does_not_load_says_so(tmp_path):
    """A compiled core that is there but cannot be loaded (another Python's, or damaged) is named as such."""
    from importlib.machinery import EXTENSION_SUFFIXES

    shutil.copytree(PACKAGE_DIR, tmp_path / "ectraverse",
                    ignore=shutil.ignore_patterns("*.so", "*.pyd", "__pycache__"))
    (tmp_path / "ectraverse" / f"_ec{EXTENSION_SUFFIXES[0]}").write_bytes(b"not a shared library")
    out = run_python("import ectraverse", cwd=tmp_path, text=True)
    assert out.returncode == 1, out
    last = out.stderr.strip().splitlines()[-1]
    assert "is there but does not load" in last and "python setup.py build_ext --inplace" in last, last

def _stub_names(path: pathlib.Path) -> dict[str, set[str]]:
    """{"": the module's public names, class name: its public members} of a stub file."""
    tree = ast.parse(path.read_text("utf-8"))
    names: dict[str, set[str]] = {"": set()}
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)) and not node.name.startswith("_"):
            names[""].add(node.name)
        if isinstance(node, ast.ClassDef) and not node.name.startswith("_"):
            members = names[node.name] = set()
            for item in node.body:
                if isinstance(item, ast.FunctionDef):
                    members.add(item.name)
                elif isinstance(item, ast.AnnAssign) and isinstance(item.target, ast.Name):
                    members.add(item.target.id)
            members.discard("__init__")
    return names


def _runtime_names(module) -> dict[str, set[str]]:
    """The same for a compiled module: what it defines, not what it imports."""
    own = {name: obj for name, obj in vars(module).items()
           if not name.startswith("_") and callable(obj) and getattr(obj, "__module__", None) == module.__name__}
    names: dict[str, set[str]] = {"": set(own)}
    for name, obj in own.items():
        if isinstance(obj, type):
            names[name] = {m for m in vars(obj) if not m.startswith("_")}
    return names


@pytest.mark.parametrize("name", ["_ec", "_tok"])
def test_the_stubs_match_the_compiled_modules(name):
    """ectraverse/_ec.pyi and _tok.pyi name every public function, class and member, and nothing else."""
    module = __import__(f"ectraverse.{name}", fromlist=["_"])
    stub = PACKAGE_DIR / f"{name}.pyi"
    assert stub.is_file(), f"{stub} is not shipped with the package"
    assert _stub_names(stub) == _runtime_names(module)


def test_the_type_information_ships_with_the_package():
    assert (PACKAGE_DIR / "py.typed").is_file()
    for name in ("_ec", "_tok"):
        assert (PACKAGE_DIR / f"{name}.pyi").is_file(), name


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
