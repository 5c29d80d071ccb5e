"""The core's scratch blocks where glibc's mmap threshold is fixed (as in Dask's workers).

There, blocks of 1 MiB or more are rounded up to 2 MiB pages, aligned and advised for huge
pages (``ect_scratch_alloc``); elsewhere they are malloc's.  Each path must give the same
bytes: children with and without ``MALLOC_TRIM_THRESHOLD_`` compute MSMs (GLV and not,
affine and Jacobian inputs) and composition coefficients large enough for such blocks, and
``build_info()`` says which path a process takes for every variable that fixes the threshold.
"""

from __future__ import annotations

import json

import pytest

from child import env, run_python

# glibc turns its dynamic mmap threshold off when any of these is set (mallopt(3)).
THRESHOLD_VARS = ["MALLOC_TRIM_THRESHOLD_", "MALLOC_TOP_PAD_", "MALLOC_MMAP_THRESHOLD_", "MALLOC_MMAP_MAX_"]
TUNABLES = ["glibc.malloc.trim_threshold", "glibc.malloc.top_pad", "glibc.malloc.mmap_threshold",
            "glibc.malloc.mmap_max"]


def fixes_mmap_threshold(environ) -> bool:
    """Whether a process started with this environment has glibc's dynamic mmap threshold off."""
    tunables = environ.get("GLIBC_TUNABLES", "")
    return any(v in environ for v in THRESHOLD_VARS) or any(t in tunables for t in TUNABLES)

WORK = """
import hashlib, json, random
import numpy as np
import ectraverse as ect
from ectraverse import _ec
from ectraverse.point import scalars_to_limbs
rng = random.Random(5)
out = {"huge": _ec.build_info()["scratch_huge_pages"]}
for name in ("secp256k1", "P-256", "P-384"):
    C = ect.curve(name)
    A = C.multiply_generator([rng.randrange(1, C.n) for _ in range(20000)])
    B = A * 3  # Jacobian records: the MSM converts them in one scratch block
    ks = [rng.randrange(C.n) for _ in range(20000)]
    ids = np.array([rng.randrange(40000) for _ in range(60000)], dtype=np.int64)
    distinct, limbs = C.composition_coefficients(ids, rng.randrange(2, C.n))
    two = A.msm_limbs(scalars_to_limbs(C, ks), threads=2)  # each thread's share in its own block
    out[name] = [A.msm(ks).to_bytes().hex(), B.msm(ks).to_bytes().hex(), two.to_bytes().hex(),
                 hashlib.sha256(distinct.tobytes() + limbs.tobytes()).hexdigest()]
print(json.dumps(out))
"""


def _clean_env(**extra: str) -> dict:
    e = env()
    for var in THRESHOLD_VARS + ["GLIBC_TUNABLES"]:
        e.pop(var, None)
    e.update(extra)
    return e


def _run(code: str, **extra: str) -> str:
    r = run_python(code, env=_clean_env(**extra))
    assert r.returncode == 0, r.stderr.decode()
    return r.stdout.decode()


def test_large_scratch_blocks_give_the_same_results_on_huge_pages():
    plain = json.loads(_run(WORK))
    huge = json.loads(_run(WORK, MALLOC_TRIM_THRESHOLD_="65536"))
    assert (plain.pop("huge"), huge.pop("huge")) == (False, True)
    assert huge == plain
    assert all(v[0] == v[2] for v in plain.values())  # one thread and two agree
    assert len({v[0] for v in plain.values()}) == 3  # three curves, three different sums


HAMMER = """
import random, threading
import numpy as np
import ectraverse as ect
rng = random.Random(9)
C = ect.curve("secp256k1")
A = C.multiply_generator([rng.randrange(1, C.n) for _ in range(12000)])
jobs = [[rng.randrange(C.n) for _ in range(12000)] for _ in range(8)]
ids = [np.array([rng.randrange(40000) for _ in range(40000)], dtype=np.int64) for _ in range(8)]
start, got = threading.Barrier(8), [None] * 8

def work(t):
    start.wait()  # the first call of each thread at once: the threshold read races too
    for _ in range(3):
        got[t] = (A.msm(jobs[t]), C.composition_coefficients(ids[t], 7 + t))

threads = [threading.Thread(target=work, args=(t,)) for t in range(8)]
for th in threads:
    th.start()
for th in threads:
    th.join()
for t in range(8):
    distinct, limbs = C.composition_coefficients(ids[t], 7 + t)
    assert got[t][0] == A.msm(jobs[t]), t
    assert np.array_equal(got[t][1][0], distinct) and np.array_equal(got[t][1][1], limbs), t
print("ok")
"""


def test_eight_threads_on_huge_scratch_blocks_get_what_one_gets():
    """8 threads at once, each an MSM over 12,000 points and coefficients of 40,000 ids (blocks over 1 MiB),
    where the scratch goes on huge pages, agree with the same calls made one at a time after them."""
    assert _run(HAMMER, MALLOC_TRIM_THRESHOLD_="65536").strip() == "ok"


@pytest.mark.parametrize("setting", [{v: "131072"} for v in THRESHOLD_VARS]
                         + [{"GLIBC_TUNABLES": f"{t}=131072"} for t in TUNABLES]
                         + [{"GLIBC_TUNABLES": "glibc.malloc.hugetlb=1"}, {}],
                         ids=lambda s: ",".join(f"{k}={v}" for k, v in s.items()) or "none")
def test_build_info_says_whether_the_environment_fixed_the_mmap_threshold(setting):
    code = "from ectraverse import _ec; print(_ec.build_info()['scratch_huge_pages'])"
    assert _run(code, **setting).strip() == str(fixes_mmap_threshold(setting))
