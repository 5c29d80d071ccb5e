"""Shared test configuration: hypothesis profiles and a header naming the build.

Profiles (select with HYPOTHESIS_PROFILE=...):
    default  derandomized, 60 examples per property: reproducible, fast (CI)
    thorough derandomized, 600 examples per property
    random   a fresh random seed each run (printed by hypothesis on failure)
"""

import os
import platform
import sys

import numpy as np
from hypothesis import HealthCheck, settings

settings.register_profile(
    "default", max_examples=60, derandomize=True, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile(
    "thorough", max_examples=600, derandomize=True, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile("random", max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))


def pytest_report_header(config):
    import ectraverse
    from ectraverse import _ec

    info = _ec.build_info()
    return [
        f"ectraverse {ectraverse.__version__} from {os.path.dirname(ectraverse.__file__)}",
        f"compiled core: {_ec.__file__}  verify={info['verify']}  fast limbs={info['fast_limbs']}"
        f"  asm_adx={info['asm_adx']}  avx512_m521={info['avx512_m521']}",
        f"python {sys.version.split()[0]} on {platform.machine()}, numpy {np.__version__}",
        f"hypothesis profile: {settings._current_profile}",
    ]


import pytest  # noqa: E402


@pytest.fixture(autouse=True)
def _recursion_limit_put_back():
    """A peer the benchmark loads (py_ecc) raises the recursion limit to 100,000 on import: put back after
    each test, so no test runs under another's. (tests/test_json.py runs the library under that limit on
    purpose, in a process of its own.)"""
    limit = sys.getrecursionlimit()
    yield
    sys.setrecursionlimit(limit)
