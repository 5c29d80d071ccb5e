"""The examples in the docstrings and in the README run and print what they show.

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
]
README = Path(__file__).resolve().parents[1] / "README.md"


@pytest.mark.parametrize("name", MODULES)
def test_module_doctests(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0, f"{result.failed} doctest(s) failed in {name}"
    if name != "ectraverse.errors":
        assert result.attempted > 0, f"{name} has no doctest examples"


def test_readme_examples():
    if not README.exists():
        pytest.skip("README.md is not beside the tests (installed without the source tree)")
    text = README.read_text("utf-8")
    parser = doctest.DocTestParser()
    blocks = [b.split("```", 1)[0] for b in text.split("```python")[1:]]
    examples = [ex for block in blocks for ex in parser.get_examples(block)]
    assert examples, "the README shows no Python examples"
    test = doctest.DocTest(examples, {}, "README.md", str(README), 0, None)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    runner.run(test)
    assert runner.failures == 0, f"{runner.failures} README example(s) failed"
