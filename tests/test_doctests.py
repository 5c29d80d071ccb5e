"""The examples in the docstrings, the README and docs/*.md run and print what they show.

They run against the installed package (not the source tree), like every test.
"""

import doctest
import importlib
from pathlib import Path

import pytest

MODULES = [
    "ectraverse.point",
    "ectraverse.curves",
    "ectraverse.reference",
    "ectraverse.errors",
    "ectraverse.rfc9380",
    "ectraverse.tokenizers",
    "ectraverse.vocab",
    "ectraverse.context",
    "ectraverse.traverse",
    "ectraverse.demos",
    "ectraverse.demos.traverse",
    "ectraverse.demos.cycle",
    "ectraverse.demos.windows",
    "ectraverse.numbertheory",
    "ectraverse.demos.algebra",
    "ectraverse.bench.goals",
    "ectraverse.bench.ops",
    "ectraverse.bench.timing",
    "ectraverse.bench.units",
    "ectraverse.dask",
    "ectraverse._args",
    "ectraverse._json",
    "ectraverse._terminal",
]
ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
# The Markdown files whose examples CI runs with `python -m doctest` (.ci/run): the README,
# and every page under docs/ that shows a Python prompt.
DOC_FILES = [README] + sorted(
    p for p in (ROOT / "docs").glob("*.md") if any(line.lstrip().startswith(">>> ") for line in p.read_text("utf-8").splitlines())
)


@pytest.mark.parametrize("name", MODULES)
def test_module_doctests(name):
    if name == "ectraverse.dask":
        pytest.importorskip("distributed", reason="the dask extra is not installed")
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0, f"{result.failed} doctest(s) failed in {name}"
    if name != "ectraverse.errors":
        assert result.attempted > 0, f"{name} has no doctest examples"


@pytest.mark.parametrize("path", DOC_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_markdown_examples(path):
    """The examples in the README and docs/*.md, checked as `python -m doctest FILE` checks them."""
    if not path.exists():
        pytest.skip(f"{path.name} is not beside the tests (installed without the source tree)")
    result = doctest.testfile(str(path), module_relative=False, encoding="utf-8")
    assert result.attempted > 0, f"{path.name} shows no Python examples"
    assert result.failed == 0, f"{result.failed} example(s) failed in {path.name}"


def test_every_module_with_examples_runs_them():
    """A module whose docstrings show a Python prompt is in MODULES (the benchmark's units, _json, numbertheory
    and dask were not: their examples never ran)."""
    import ectraverse

    package = Path(ectraverse.__file__).parent
    shown = {".".join(("ectraverse",) + p.relative_to(package).with_suffix("").parts).removesuffix(".__init__")
             for p in package.rglob("*.py") if ">>> " in p.read_text("utf-8")}
    assert shown and shown <= set(MODULES), sorted(shown - set(MODULES))
