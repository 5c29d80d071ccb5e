"""Measure what each engine operation costs, in time and memory (the numbers in docs/costs.md).

Run it against the installed package, from anywhere:

    python docs/measure_costs.py [CURVE]        # default secp256k1; about a minute

Times are the minimum of a few repeats (time.perf_counter); memory is what
tracemalloc sees Python allocate (NumPy arrays included), kept after the call
and at its peak.  The text is the first 60 top-level modules of the standard
library, in file-name order; the all-distinct case uses random integer tokens.
"""

import argparse
import pickle
import random
import sysconfig
import time
import tracemalloc
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import ectraverse as ect


def best(f, reps=5):
    times = []
    for _ in range(reps):
        t = time.perf_counter()
        f()
        times.append(time.perf_counter() - t)
    return min(times)


def memory(f):
    """(result, bytes kept after the call, peak bytes during it)."""
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    obj = f()
    kept, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return obj, kept - before, peak - before


def curve_name(name):
    try:
        ect.curve(name)
    except ect.UnknownCurveError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    return name


def main():
    parser = argparse.ArgumentParser(description="What each engine operation costs (docs/costs.md).")
    parser.add_argument("curve", nargs="?", default="secp256k1", type=curve_name,
                        help="the engine's curve, a name or an alias (default secp256k1)")
    curve = parser.parse_args().curve
    files = sorted(Path(sysconfig.get_paths()["stdlib"]).glob("*.py"))[:60]
    text = "\n".join(f.read_text("utf-8", "replace") for f in files)
    eng = ect.Traversal(curve)
    toks = eng.tokens(text)
    print(f"ectraverse {ect.__version__}, {curve}; text of {len(toks)} tokens, {len(set(toks))} distinct")

    P = 12345 * eng.curve.generator
    k = eng.group.power(1)
    kp = best(lambda: [k * P for _ in range(200)]) / 200
    print(f"k * P (reference unit)                 {kp * 1e6:8.1f} us")

    t = best(lambda: eng.compose(toks[:10_000]), 1)
    print(f"compose, 10^4 tokens, cold vocabulary  {t * 1e3:8.1f} ms  (hashes each new token to the curve)")
    for L in (10_000, 100_000, len(toks)):
        t = best(lambda: eng.compose(toks[:L]), 3)
        print(f"compose, {L:>7} tokens, warm          {t * 1e3:8.1f} ms = {t / L * 1e9:5.0f} ns per token")
    t = best(lambda: eng.compose(text), 3)
    print(f"compose(text), {len(toks)} tokens, warm   {t * 1e3:8.1f} ms = {t / len(toks) * 1e9:5.0f} ns per token "
          "(the str path: compiled tokenizer)")

    a, b = eng.compose(toks[:100]), eng.compose(toks[100:200])
    for name, f in (("context product a * b", lambda: a * b), ("context inverse", a.inverse),
                    ("to_bytes", a.to_bytes), ("context_from_bytes", lambda: eng.context_from_bytes(blob))):
        blob = a.to_bytes()
        t = best(lambda: [f() for _ in range(200)]) / 200
        print(f"{name:<38} {t * 1e6:8.1f} us = {t / kp:4.2f} k*P")

    tr = eng.traverser()
    t = best(lambda: [tr.push(w) for w in toks[:2000]], 7) / 2000
    print(f"Traverser.push                         {t * 1e6:8.1f} us = {t / kp:4.2f} k*P")
    t = best(lambda: [tr.pop(w) for w in toks[:2000]], 7) / 2000
    print(f"Traverser.pop                          {t * 1e6:8.1f} us = {t / kp:4.2f} k*P")

    for L in (10_000, 100_000):
        # cold: a new engine on the same (hashed) vocabulary, so the per-token tables are made in the call
        t = best(lambda: ect.Traversal(curve, vocabulary=eng.vocabulary).prefixes(toks[:L]), 3)
        t_warm = best(lambda: eng.prefixes(toks[:L]), 3)
        print(f"prefixes, {L:>6} tokens, cold tables   {t * 1e3:8.1f} ms = {t / L / kp:5.3f} k*P per token; "
              f"warm {t_warm * 1e3:8.1f} ms = {t_warm / L / kp:5.3f} k*P per token "
              f"(blocks of {eng.prefixes(toks[:L])._block})")
    L = 10_000
    ps = eng.prefixes(toks[:L])
    t = best(lambda: [ps.window(i, i + 8) for i in range(2000)], 3) / 2000
    print(f"PrefixStates.window(i, i + 8)          {t * 1e6:8.1f} us = {t / kp:4.2f} k*P")
    t = best(lambda: [ps.window(i, i + 5000) for i in range(0, 2000, 7)], 3) / len(range(0, 2000, 7))
    print(f"PrefixStates.window(i, i + 5000)       {t * 1e6:8.1f} us = {t / kp:4.2f} k*P")
    for m in (4, 8):
        t = best(lambda: ps.windows(m), 3)
        print(f"PrefixStates.windows({m}), 10^4 tokens   {t * 1e3:8.1f} ms = {t / (L - m + 1) * 1e6:5.2f} us per window "
              f"= {t / (L - m + 1) / kp:5.3f} k*P")
    t = best(lambda: eng.repeats(toks, 8), 3)
    _, kept, peak = memory(lambda: eng.repeats(toks, 8))
    print(f"repeats(x, 8), {len(toks)} tokens       {t * 1e3:8.1f} ms, peak {peak / 1e6:.0f} MB")
    ix = eng.index(toks[:L], 8)
    t = best(lambda: [ix.find(toks[i:i + 3]) for i in range(1000)], 3) / 1000
    print(f"WindowIndex.find, 3 tokens             {t * 1e6:8.1f} us")
    t = best(lambda: eng.index(toks[:L], 8), 3)
    print(f"index(x, 8), 10^4 tokens               {t * 1e3:8.1f} ms")

    rng = random.Random(1)
    distinct = [rng.randrange(10**12) for _ in range(L)]
    other = ect.Traversal(curve, namespace="all-distinct")  # keeps eng's vocabulary as the text made it
    other.compose(distinct)  # hash them first: the index's own cost is measured below
    _, kept, peak = memory(lambda: eng.prefixes(toks[:L]))
    print(f"prefixes, 10^4 tokens: kept {kept / (L + 1):.0f} B per state, peak {peak / (L + 1):.0f} B per state")
    for label, e, seq in (("text", eng, toks[:L]), ("all distinct", other, distinct)):
        for n in (1, 4, 8):
            ix, kept, peak = memory(lambda: e.index(seq, n))
            windows = sum(L - m + 1 for m in range(1, n + 1))
            print(f"index(x, {n}), 10^4 tokens, {label:<12}: {windows} windows, {len(ix._table)} distinct; "
                  f"kept {kept / 1e6:5.1f} MB = {kept / windows:3.0f} B per window, peak {peak / 1e6:5.1f} MB")

    blob = pickle.dumps(eng, protocol=pickle.HIGHEST_PROTOCOL)
    t_dump = best(lambda: pickle.dumps(eng, protocol=pickle.HIGHEST_PROTOCOL))
    t_load = best(lambda: pickle.loads(blob))
    print(f"engine pickle, vocabulary of {len(eng.vocabulary)} tokens: {len(blob) / 1e6:.2f} MB, "
          f"pickle {t_dump * 1e3:.1f} ms, unpickle {t_load * 1e3:.1f} ms")
    half = len(toks) // 2
    chunks = [toks[:half], toks[half:]]
    with ProcessPoolExecutor(2) as ex:
        t_first = best(lambda: eng.compose_chunks(chunks, ex), 1)
        t_next = best(lambda: eng.compose_chunks(chunks, ex), 3)
    t_one = best(lambda: eng.compose(toks), 3)
    print(f"compose_chunks, 2 chunks on 2 processes: first call {t_first * 1e3:.0f} ms, later calls "
          f"{t_next * 1e3:.0f} ms; compose in one process {t_one * 1e3:.0f} ms")


if __name__ == "__main__":
    main()
