"""Tests of the benchmark harness (``ectraverse bench``).

They run the harness with tiny time budgets and check its plumbing: the JSON
layout, the option parsing and its errors, skipped peers, the result check.
They never assert a speed.
"""

import argparse
import gc
import importlib.util
import io
import itertools
import json
import math
import os
import random
import statistics

import pytest
from rich.console import Console

import ectraverse
from ectraverse import bench, cli
from ectraverse.bench import adapters, args, ops, report, runner, timing, units
from ectraverse.bench import goals as bench_goals
from ectraverse.bench import inputs as bench_inputs

import child
from child import run_python

FAST = ["--quick", "--no-progress", "--min-time", "0.002"]
TINY_ENGINE = ["--compose-tokens", "300", "--prefix-tokens", "40", "--dask-tokens", "300", "--dask-block-bytes", "400"]
RESULT_KEYS = {"impl", "curve", "op", "size", "us_per_op", "ops_per_s", "loops", "repeats",
               "median_s", "all_s"}


def run_json(tmp_path, *argv):
    path = tmp_path / "bench.json"
    rc = bench.main([*FAST, "--json", str(path), *argv])
    return rc, json.loads(path.read_text(encoding="utf-8"))


def check_result(r):
    assert RESULT_KEYS <= set(r), r
    assert "error" not in r, r
    assert r["us_per_op"] > 0 and r["ops_per_s"] > 0 and r["median_s"] > 0
    assert isinstance(r["loops"], int) and r["loops"] >= 1
    assert r["repeats"] == len(r["all_s"]) >= 3
    assert all(t > 0 for t in r["all_s"])
    assert r["median_s"] == statistics.median(r["all_s"])
    per_op = r["median_s"] / r["loops"] / r["ops_per_call"] * 1e6
    assert math.isclose(r["us_per_op"], per_op, rel_tol=1e-9)
    assert math.isclose(r["ops_per_s"] * r["us_per_op"], 1e6, rel_tol=1e-9)


class FakeAdapter(bench.Adapter):
    """A stand-in implementation on secp256k1 built from the harness's own ints."""

    name = "fake"
    support = {"secp256k1": frozenset({"add", "msm"})}
    notes = ("a test double",)
    lie = False

    def _add(self, curve, items):
        c = bench_inputs.curve_params()[curve]

        def fn():
            for P, Q in items:
                bench_inputs._add(c, P, Q)

        def results():
            got = [bench_inputs._add(c, P, Q) for P, Q in items]
            return [[(12345, 678)] + got[1:]] if self.lie else [got]

        return fn, results

    def _msm(self, curve, items):
        c = bench_inputs.curve_params()[curve]

        def fn():
            ks, Ps = items[0]
            sum(ks) + len(Ps)

        def results():  # every MSM is checked, whatever its size: each input set's sum, by the reference
            return [[ectraverse.reference.msm(c, ks, Ps)] for ks, Ps in items]

        return fn, results


@pytest.fixture
def fake(monkeypatch):
    monkeypatch.setitem(bench.ADAPTERS, "fake", FakeAdapter)
    return FakeAdapter


# --- whole runs -------------------------------------------------------------

def test_quick_run_writes_json(tmp_path, capsys):
    rc, data = run_json(tmp_path, "--curve", "secp256k1", "--op", "add", "--impl", "reference")
    assert rc == 0
    meta = data["meta"]
    for key in ("versions", "machine", "date", "command", "argv", "method", "selection"):
        assert key in meta
    assert meta["versions"]["python"]
    assert meta["machine"]["cpu_count"] >= 1
    assert meta["method"]["repeats"] == 3 and meta["method"]["seed"] == 1
    assert meta["selection"] == {"curves": ["secp256k1"], "ops": ["add"], "impls": ["reference"],
                                 "msm_sizes": [16, 256],
                                 "batch_sizes": {"batch_add": 10000, "batch_mul_g": 1000,
                                                 "hash_to_curve_batch": 1000},
                                 "vocab_tokens": 100000, "compose_tokens": 100000, "dask_tokens": 200000,
                                 "prefix_tokens": 10000, "dask_block_bytes": 8 << 20}
    [r] = data["results"]
    assert (r["impl"], r["curve"], r["op"], r["size"]) == ("reference", "secp256k1", "add", None)
    check_result(r)
    assert r["checked"] == adapters.EVERY_RESULT
    assert {g["status"] for g in data["goals"]} == {"n.a."}
    out = capsys.readouterr().out
    assert "secp256k1" in out and "reference" in out and "Speed goals" in out


def test_json_is_reproducible_in_its_selection(tmp_path, fake):
    rc, data = run_json(tmp_path, "--impl", "fake", "--curve", "secp256k1", "--msm-size", "32",
                        "--seed", "7")
    assert rc == 0
    got = sorted((r["op"], r["size"]) for r in data["results"])
    assert got == [("add", None), ("msm", 32)]
    for r in data["results"]:
        check_result(r)
    msm = next(r for r in data["results"] if r["op"] == "msm")
    assert msm["ops_per_call"] == 32 and msm["per"] == "point" and msm["checked"] == adapters.EVERY_RESULT
    assert data["meta"]["method"]["seed"] == 7


def test_msm_threads_times_both_thread_counts(tmp_path, capsys):
    rc, data = run_json(tmp_path, "--impl", "ectraverse", "--curve", "P-256", "--op", "msm_threads")
    assert rc == 0
    (r,) = data["results"]
    check_result(r)
    assert (r["op"], r["size"], r["per"], r["ops_per_call"]) == ("msm_threads", 4096, "point", 4096)
    assert r["threads"] == bench_inputs.MSM_THREADS and r["checked"] == f"{adapters.EVERY_RESULT}, and vs one thread"
    assert r["check"] == f"msm_limbs(limbs, threads={bench_inputs.MSM_THREADS}) == msm_limbs(limbs)"
    assert r["one_thread_s"] > 0 and r["threaded_s"] > 0
    assert r["speedup"] == pytest.approx(r["one_thread_us_per_point"] / r["us_per_op"])
    out = capsys.readouterr().out
    assert "msm_threads(4096)" in out and "/pt on one" in out


def test_wrong_result_is_an_error(tmp_path, fake, monkeypatch, capsys):
    monkeypatch.setattr(FakeAdapter, "lie", True)
    rc, data = run_json(tmp_path, "--impl", "fake", "--op", "add", "--curve", "secp256k1")
    assert rc == 1
    [r] = data["results"]
    assert "wrong result: fake add, input set 0, element 0 of 64" in r["error"]
    assert "wrong result" in capsys.readouterr().err


def test_missing_peer_is_skipped_with_a_note(tmp_path, monkeypatch, capsys):
    class Missing(adapters.CoincurveAdapter):
        modules = ("ectraverse_test_no_such_module",)

    monkeypatch.setitem(bench.ADAPTERS, "coincurve", Missing)
    rc, data = run_json(tmp_path, "--curve", "secp256k1", "--op", "add",
                        "--impl", "coincurve", "--impl", "reference")
    assert rc == 0
    assert "not installed" in data["meta"]["unavailable"]["coincurve"]
    assert {r["impl"] for r in data["results"]} == {"reference"}
    captured = capsys.readouterr()
    # rich markup must not swallow the extra's name
    assert "coincurve: not installed (pip install 'ectraverse[bench]'); skipped" in captured.err
    assert "coincurve: not installed (pip install 'ectraverse[bench]'); skipped" in captured.out
    header = captured.out.split("Median time")[0]  # the header's row of the peer, as text, not markup
    assert "not installed (pip install 'ectraverse[bench]')" in " ".join(header.split())


def test_a_peer_whose_import_fails_otherwise_is_skipped_and_named(tmp_path, monkeypatch, capsys):
    """A peer installed but broken (its import raises something other than ImportError: a library it
    cannot load) is skipped with its error, and the run goes on; it aborted the run."""
    class Broken(adapters.CoincurveAdapter):
        def load(self):
            raise OSError("libsecp256k1.so: cannot open shared object file")

    monkeypatch.setitem(bench.ADAPTERS, "coincurve", Broken)
    rc, data = run_json(tmp_path, "--curve", "secp256k1", "--op", "add", "--impl", "coincurve", "--impl", "reference")
    assert rc == 0 and {r["impl"] for r in data["results"]} == {"reference"}
    why = "its import failed (OSError: libsecp256k1.so: cannot open shared object file)"
    assert data["meta"]["unavailable"]["coincurve"] == why
    assert f"coincurve: {why}; skipped" in capsys.readouterr().err


def test_json_directory_must_exist(tmp_path, capsys):
    rc = bench.main([*FAST, "--op", "add", "--json", str(tmp_path / "missing" / "bench.json")])
    assert rc == 2
    assert "does not exist" in capsys.readouterr().err


def test_json_path_is_checked_before_anything_is_timed(tmp_path, monkeypatch, capsys):
    def never(*args, **kwargs):
        raise AssertionError("the benchmark ran before --json was checked")

    monkeypatch.setattr(runner, "_run_tasks", never)
    rc = bench.main([*FAST, "--op", "add", "--json", str(tmp_path)])
    assert rc == 2
    err = capsys.readouterr().err
    assert err == f"ectraverse bench: error: --json must be a file path, not the directory {str(tmp_path)!r}\n"


def test_json_path_that_cannot_be_opened_is_refused_and_a_new_one_is_not_left_behind(tmp_path, monkeypatch,
                                                                                        capsys):
    """The check opens the file (os.access says yes to root where the file system says no)."""
    def never(*args, **kwargs):
        raise AssertionError("the benchmark ran before --json was checked")

    monkeypatch.setattr(runner, "_run_tasks", never)
    dangling = tmp_path / "dangling.json"
    dangling.symlink_to(tmp_path / "missing" / "target.json")
    rc = bench.main([*FAST, "--op", "add", "--json", str(dangling)])
    assert rc == 2
    err = " ".join(capsys.readouterr().err.split())  # rich wraps stderr at its width
    assert err == (f"ectraverse bench: error: --json must be a writable path, not {str(dangling)!r} "
                   "(No such file or directory)")
    fifo = tmp_path / "fifo.json"  # no reader: opening it to write must not block the check
    os.mkfifo(fifo)
    assert bench.main([*FAST, "--op", "add", "--json", str(fifo)]) == 2
    assert "(No such device or address)" in " ".join(capsys.readouterr().err.split())
    monkeypatch.undo()
    fresh = tmp_path / "fresh.json"
    from ectraverse.bench import args as bench_args

    bench_args._check_writable(fresh)
    assert not fresh.exists()  # probed, then removed: only a finished run writes it
    link = tmp_path / "latest.json"  # a link to a results file not written yet: the link stays, the probe goes
    link.symlink_to(tmp_path / "run-42.json")
    bench_args._check_writable(link)
    assert link.is_symlink() and not (tmp_path / "run-42.json").exists()


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
def test_json_that_fails_at_the_end_is_one_error_line(capsys):
    rc = bench.main([*FAST, "--op", "add", "--impl", "ectraverse", "--curve", "secp256k1", "--json", "/dev/full"])
    assert rc == 1
    err = " ".join(capsys.readouterr().err.split())
    assert err.endswith("ectraverse bench: error: cannot write the results to --json '/dev/full': "
                        "No space left on device")


@pytest.mark.parametrize("option, ceiling", [
    ("--msm-size", "262,144"), ("--batch-size", "262,144"), ("--vocab-tokens", "1,000,000,000"),
    ("--compose-tokens", "1,000,000,000"), ("--dask-tokens", "1,000,000,000"), ("--dask-block-bytes", "1,000,000,000"),
    ("--prefix-tokens", "1,000,000,000")])
def test_sizes_have_a_ceiling(option, ceiling, capsys):
    """10**400 once reached float division deep in the dask op's inputs (OverflowError, a traceback)."""
    with pytest.raises(SystemExit) as exc:
        bench.main([*FAST, option, str(10**400)])
    assert exc.value.code == 2
    err = " ".join(capsys.readouterr().err.split())
    assert f"argument {option}: must be at most {ceiling}, not '{'1' + '0' * 39}'… (401 characters)" in err


def test_nothing_to_measure(capsys):
    # coincurve offers secp256k1 only
    rc = bench.main([*FAST, "--curve", "P-384", "--impl", "coincurve"])
    assert rc == 1
    assert "nothing to measure" in capsys.readouterr().err


@pytest.mark.skipif(not hasattr(ectraverse, "curve"), reason="the compiled core is not built yet")
def test_a_goal_judged_at_the_size_that_ran_says_which(tmp_path):
    """compose(ids)'s goal is set at 10**6 tokens; a --quick run judges it at 10**5, and says so."""
    rc, data = run_json(tmp_path, "--impl", "ectraverse", "--curve", "secp256k1", "--op", "compose_ids")
    goal = next(g for g in data["goals"] if g["goal"] == "secp256k1 compose(ids) per token vs ectraverse mul")
    assert goal["status"] in ("pass", "fail")
    assert goal["detail"].endswith("; at 100,000 tokens, not the full run's 1,000,000"), goal["detail"]


@pytest.mark.skipif(not hasattr(ectraverse, "curve"), reason="the compiled core is not built yet")
def test_the_dask_op_without_dask_names_the_extra():
    code = ("import sys\nsys.modules['distributed'] = None\nimport importlib.util\n"
            "find = importlib.util.find_spec\n"
            "importlib.util.find_spec = lambda name, *a: None if name == 'distributed' else find(name, *a)\n"
            "from ectraverse.bench import main\n"
            "sys.exit(main(['--quick', '--no-progress', '--impl', 'ectraverse', '--op', 'dask']))\n")
    r = run_python(code, text=True)
    assert r.returncode == 1, r.stderr
    err = " ".join(r.stderr.split())
    assert "nothing to measure" in err and "dask: not run: it needs Dask, an optional extra (pip install " \
        "'ectraverse[dask]')" in err, err


@pytest.mark.skipif(not hasattr(ectraverse, "curve"), reason="the compiled core is not built yet")
def test_ectraverse_adapter_runs_every_op(tmp_path):
    rc, data = run_json(tmp_path, "--impl", "ectraverse", "--curve", "secp256k1", "--curve", "BLS12-381",
                        "--msm-size", "16", "--msm-size", "64", "--batch-size", "64", "--vocab-tokens", "300",
                        *TINY_ENGINE)
    assert rc == 0
    assert {(r["curve"], r["op"]) for r in data["results"]} == {
        (c, op) for c in ("secp256k1", "BLS12-381") for op in bench.OPS}
    for r in data["results"]:
        check_result(r)


# --- options ----------------------------------------------------------------

@pytest.mark.parametrize("option, value, message", [
    ("--curve", "P-999", "unknown curve 'P-999'"),
    ("--op", "teleport", "unknown operation 'teleport'"),
    ("--impl", "openssl", "unknown implementation 'openssl'"),
    *[(option, "x" * 5000, f"unknown {kind} '{'x' * 40}'… (5,000 characters)")  # not echoed whole
      for option, kind in (("--curve", "curve"), ("--op", "operation"), ("--impl", "implementation"))],
    ("--repeats", "1", "at least 3"),
    ("--min-time", "0", "positive number of seconds"),
    ("--msm-size", "-4", "positive integer"),
    ("--seed", "one", "must be an integer, not 'one'"),
    ("--seed", "9" * 5000, "must be an integer of at most 4,300 digits, not one of 5,000"),  # not echoed whole
])
def test_bad_option_exits_2_with_a_clear_message(option, value, message, capsys):
    """Refused by the parser, as bench.main parses (a value wrongly accepted fails here at once, where main
    would go on to a whole default run)."""
    with pytest.raises(SystemExit) as exc:
        bench.build_parser().parse_args([option, value])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert option in err and message in err


def test_names_accept_aliases_and_case():
    args = bench.build_parser().parse_args(
        ["--curve", "secp256r1", "--curve", "bn128", "--curve", "bls12_381", "--op", "MUL_G",
         "--impl", "py-ecc"])
    assert args.curve == ["P-256", "BN254", "BLS12-381"]
    assert args.op == ["mul_g"]
    assert args.impl == ["py_ecc"]


def test_add_arguments_mounts_as_a_subcommand():
    parser = argparse.ArgumentParser(prog="ectraverse")
    sub = parser.add_subparsers(dest="command")
    bench.add_arguments(sub.add_parser("bench"))
    args = parser.parse_args(["bench", "--quick", "--op", "msm", "--msm-size", "16"])
    assert args.command == "bench" and args.quick and args.op == ["msm"] and args.msm_size == [16]
    assert callable(bench.run)


def test_the_cli_loads_the_benchmark_only_when_it_runs():
    code = ("import sys, ectraverse.cli; print('ectraverse.bench' in sys.modules); import ectraverse.bench; "
            "print('ectraverse.bench.runner' in sys.modules, 'rich.progress' in sys.modules)")
    out = run_python(code, text=True, check=True).stdout
    assert out.split() == ["False", "False", "False"]


def test_bench_help_through_the_cli(capsys):
    from ectraverse import cli

    with pytest.raises(SystemExit) as exc:
        cli.main(["bench", "--help"])
    assert exc.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith("usage: ectraverse bench ") and "--compose-tokens" in out


def test_every_offered_op_has_its_timing_function_and_a_known_curve():
    for name, cls in bench.ADAPTERS.items():
        for curve, offered in cls.support.items():
            assert curve in bench.CURVES, (name, curve)
            for op in offered:
                assert op in bench.OPS and callable(getattr(cls, "_" + op, None)), (name, op)
    for op in bench.OPS.values():
        assert op.kind in ("single", "batch", "whole") and op.layer in ops.LAYER_CURVES
        for g in op.goals:
            assert g.vs is None or g.vs[1] in bench.OPS
            assert g.target > 0 and g.text.format(curve="C", size=1)


# --- pieces -----------------------------------------------------------------

def test_measure_calibrates_on_a_fake_clock():
    clock = [0.0]

    def fn():
        clock[0] += 0.001

    m = bench.measure(fn, ops_per_call=4, min_time=0.01, repeats=5, timer=lambda: clock[0])
    assert m.loops >= 10 and m.repeats == 5
    assert all(t >= 0.0099 for t in m.all_s)
    assert m.us_per_op == pytest.approx(250.0)


def _slowing_clock(measure, costs):
    """``(measurements, names of the calls in order)`` of ``measure(steps, timer)``, on a fake clock where
    each call of step i costs ``costs[i]`` until half of the timed repeats are done, and 3x as much after.

    Where the calibration ends is found by a first run on a steady clock (the same calls, the clock only
    changing after them), so the test does not depend on the calibration's constants."""
    def run(slower_after):
        clock, calls = [0.0], []

        def step(name, cost):
            def fn():
                calls.append(name)
                clock[0] += cost * (3.0 if len(calls) > slower_after else 1.0)
            return fn

        steps = [step(name, cost) for name, cost in costs.items()]
        return measure(steps, lambda: clock[0]), calls

    steady, calls = run(float("inf"))
    per_repeat = sum(m.loops for m in steady)
    calibration = len(calls) - steady[0].repeats * per_repeat
    slowed, calls = run(calibration + steady[0].repeats // 2 * per_repeat)
    assert [m.loops for m in slowed] == [m.loops for m in steady]  # the same calibration, then the slowdown
    return slowed, calls


def test_measure_pair_alternates_its_repeats():
    """A cell and its baseline are timed turn by turn: a clock that slows down
    half-way slows both sides alike, so their ratio is unchanged."""
    (a, b), calls = _slowing_clock(
        lambda steps, timer: bench.measure_pair(*steps, ops_per_call=2, baseline_ops=1, min_time=0.01, repeats=4,
                                                timer=timer),
        {"a": 0.001, "b": 0.002})
    assert a.repeats == b.repeats == 4 and a.loops >= 10 and b.loops >= 5
    timed = calls[-(4 * (a.loops + b.loops)):]  # the calibration runs come first
    assert [name for name, _ in itertools.groupby(timed)] == ["a", "b"] * 4
    assert a.us_per_op / b.us_per_op == pytest.approx(0.25)


def test_measure_group_alternates_every_callable():
    """measure_group is measure_pair for any number: turn by turn, so a clock that slows down
    half-way leaves every ratio unchanged."""
    from ectraverse.bench.timing import measure_group

    (a, b, c), calls = _slowing_clock(
        lambda steps, timer: measure_group(list(zip(steps, (2, 1, 1))), min_time=0.01, repeats=4, timer=timer),
        {"a": 0.001, "b": 0.002, "c": 0.004})
    assert a.repeats == b.repeats == c.repeats == 4
    timed = calls[-(4 * (a.loops + b.loops + c.loops)):]
    assert [name for name, _ in itertools.groupby(timed)] == ["a", "b", "c"] * 4
    assert a.us_per_op / b.us_per_op == pytest.approx(0.25) and c.us_per_op / b.us_per_op == pytest.approx(2)
    with pytest.raises(ValueError, match="ops_per_call must be at least 1"):
        measure_group([(lambda: None, 0)])


@pytest.mark.parametrize("kwargs, message", [
    ({"repeats": 0}, "repeats must be at least 1"),
    ({"ops_per_call": 0}, "ops_per_call must be at least 1"),
    ({"min_time": 0.0}, "min_time must be positive"),
])
def test_measure_rejects_bad_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        bench.measure(lambda: None, **kwargs)


def test_inputs_are_seeded_and_valid():
    params = bench_inputs.curve_params()
    a = bench_inputs.InputFactory(params, 1).build("BLS12-381", ops.OPS["mul"], None)
    b = bench_inputs.InputFactory(params, 1).build("BLS12-381", ops.OPS["mul"], None)
    c = bench_inputs.InputFactory(params, 2).build("BLS12-381", ops.OPS["mul"], None)
    assert a.items == b.items != c.items
    curve = params["BLS12-381"]
    for k, (x, y) in a.items:
        assert 1 <= k < curve.n
        assert (y * y - x ** 3 - curve.a * x - curve.b) % curve.p == 0
    # pool points are multiples of G: in the order-n subgroup despite h > 1
    assert bench_inputs._mul(curve, curve.n, a.items[0][1]) is None


def test_batch_inputs_never_add_a_point_to_itself():
    factory = bench_inputs.InputFactory(bench_inputs.curve_params(), 1)
    inputs = factory.build("secp256k1", ops.OPS["batch_add"], 50)
    assert len(inputs.items) == 2
    for Ps, Qs in inputs.items:
        assert len(Ps) == len(Qs) == 50
        assert all(P != Q for P, Q in zip(Ps, Qs))


needs_core = pytest.mark.skipif(not hasattr(ectraverse, "curve"), reason="the compiled core is not built yet")
HAS_DASK = importlib.util.find_spec("distributed") is not None  # the dask op runs only with the extra


# --- the token layer: hash_to_curve, hash_to_curve_batch, vocab ---------------

@needs_core
def test_hash_to_curve_ops_report_per_message(tmp_path, capsys):
    rc, data = run_json(tmp_path, "--impl", "ectraverse", "--impl", "reference", "--curve", "P-256",
                        "--op", "hash_to_curve", "--op", "hash_to_curve_batch", "--batch-size", "32")
    assert rc == 0
    rows = {(r["impl"], r["op"]): r for r in data["results"]}
    assert set(rows) == {("ectraverse", "hash_to_curve"), ("reference", "hash_to_curve"),
                         ("ectraverse", "hash_to_curve_batch")}
    for r in rows.values():
        check_result(r)
        assert r["checked"] == adapters.EVERY_RESULT and r["per"] == "message"
    assert rows["ectraverse", "hash_to_curve"]["ops_per_call"] == bench_inputs.SINGLE_INPUTS
    assert rows["reference", "hash_to_curve"]["ops_per_call"] == adapters.ReferenceAdapter.single_inputs
    batch = rows["ectraverse", "hash_to_curve_batch"]
    assert batch["size"] == batch["ops_per_call"] == 32
    assert data["meta"]["method"]["hash_to_curve_dst"] == "ectraverse-bench-v1"
    goals = {g["goal"]: g for g in data["goals"]}
    absolute = goals["P-256 hash_to_curve_batch per message"]
    assert absolute["kind"] == "us_per_op" and absolute["ratio"] is None
    assert absolute["value"] == batch["us_per_op"] and absolute["status"] in ("pass", "fail")
    vs_ref = goals["P-256 hash_to_curve_batch per message vs reference hash_to_curve"]
    assert vs_ref["kind"] == "ratio" and vs_ref["target"] == pytest.approx(1 / 20)
    assert vs_ref["ratio"] == pytest.approx(batch["us_per_op"] / rows["reference", "hash_to_curve"]["us_per_op"])
    assert "secp256k1 hash_to_curve_batch per message" not in goals  # secp256k1 not selected
    assert "hash_to_curve_batch (n=32)" in capsys.readouterr().out


@needs_core
def test_vocab_op_reports_tokens_per_s_and_per_distinct_token(tmp_path, capsys):
    rc, data = run_json(tmp_path, "--impl", "ectraverse", "--curve", "secp256k1", "--op", "vocab",
                        "--vocab-tokens", "2000")
    assert rc == 0
    [r] = data["results"]
    check_result(r)
    assert (r["op"], r["size"], r["per"]) == ("vocab", 2000, "token")
    assert r["checked"] == "every generator vs reference-verified expected points"
    assert r["tokens"] >= 2000 and r["ops_per_call"] == r["tokens"]
    assert r["tokens_per_s"] == r["ops_per_s"]
    assert r["us_per_distinct_token"] == pytest.approx(r["us_per_call"] / r["distinct_tokens"])
    corpus = bench_inputs._stdlib_corpus(2000)
    assert (r["texts"], r["tokens"]) == (len(corpus.texts), corpus.tokens)
    V = ectraverse.Vocabulary.from_corpus(corpus.texts, "words", curve="secp256k1")
    assert r["distinct_tokens"] == len(V) and V.token(0) == corpus.top
    assert data["meta"]["selection"]["vocab_tokens"] == 2000
    out = capsys.readouterr().out
    assert "vocab (~2,000 tokens)" in out and "tokens/s" in out and "/distinct token" in out


@needs_core
def test_vocab_build_reports_its_tokenizing():
    inputs = bench_inputs.InputFactory(bench_inputs.curve_params(), 1).build("P-256", ops.OPS["vocab"], 1000)

    class Recorder:
        def __init__(self):
            self.starts, self.tokens = 0, []

        def start(self):
            self.starts += 1

        def __call__(self, n):
            self.tokens.append(n)

    rec = Recorder()
    adapter = adapters.EctraverseAdapter()
    adapter.load()
    case = adapter.prepare(inputs, progress=rec)
    assert case.ops_per_call == inputs.info["tokens"] and case.inputs == inputs.info["texts"]
    case.fn()
    assert rec.starts == 1
    assert len(rec.tokens) == inputs.info["texts"] and sum(rec.tokens) == inputs.info["tokens"]


def test_vocab_corpus_that_cannot_be_read_is_a_cell_error(tmp_path, monkeypatch, capsys):
    empty = tmp_path / "stdlib"
    empty.mkdir()
    monkeypatch.setattr(bench_inputs.sysconfig, "get_paths", lambda: {"stdlib": str(empty)})
    rc, data = run_json(tmp_path, "--impl", "ectraverse", "--curve", "secp256k1", "--op", "vocab",
                        "--op", "add")
    assert rc == 1
    rows = {r["op"]: r for r in data["results"]}
    assert "FileNotFoundError" in rows["vocab"]["error"]
    assert "error" not in rows["add"]  # the other cells still run
    assert "no *.py files" in capsys.readouterr().err


def test_a_corpus_smaller_than_asked_is_said_once(tmp_path, monkeypatch, capsys):
    """The row label gives the size asked for; when the corpus holds fewer tokens, a line says so."""
    small = tmp_path / "stdlib"
    small.mkdir()
    (small / "a.py").write_text("x = 1\ny = x + 2\n" * 20, encoding="utf-8")
    monkeypatch.setattr(bench_inputs.sysconfig, "get_paths", lambda: {"stdlib": str(small)})
    rc, data = run_json(tmp_path, "--impl", "ectraverse", "--curve", "secp256k1", "--curve", "P-256", "--op", "vocab",
                        "--vocab-tokens", "5000")
    assert rc == 0
    (built,) = {r["tokens"] for r in data["results"]}
    assert built == 160  # 8 tokens a pair of lines
    err = " ".join(capsys.readouterr().err.split())
    assert err.count(f"vocab: the corpus holds {built} tokens, fewer than the 5,000 asked for: timed on those") == 1
    # a corpus within a tenth of the size asked is not said: the sizes are about so many tokens
    rc, data = run_json(tmp_path, "--impl", "ectraverse", "--curve", "secp256k1", "--op", "vocab", "--vocab-tokens", "170")
    assert rc == 0 and {r["tokens"] for r in data["results"]} == {160}
    assert "fewer than" not in capsys.readouterr().err


def test_sigterm_removes_the_dask_ops_files(tmp_path):
    """A bench terminated (SIGTERM) while its dask op runs removes its temporary files and closes its
    clusters: exit 143, one line, no Dask logs."""
    pytest.importorskip("distributed")
    def ours():
        return [p.name for p in tmp_path.iterdir() if p.name.startswith("ectraverse-bench-dask-")]

    r = child.terminated(["bench", "--impl", "ectraverse", "--curve", "secp256k1", "--op", "dask", "--dask-tokens", "300",
                     "--dask-block-bytes", "400"], {**child.env(), "TMPDIR": str(tmp_path)}, tmp_path, ours)
    assert r.returncode == 143 and r.stderr.endswith("ectraverse: terminated\n"), r.stderr
    assert "distributed" not in r.stderr and ours() == []


def test_dask_blocks_too_small_are_an_error_row(tmp_path, capsys):
    """A --dask-block-bytes that would cut the dask op's files into thousands of blocks is refused,
    before a file is written or a cluster started: an error row naming the option."""
    rc, data = run_json(tmp_path, "--impl", "ectraverse", "--curve", "secp256k1", "--op", "dask",
                        "--dask-tokens", "300", "--dask-block-bytes", "1")
    (row,) = data["results"]
    assert "more than 4,096: give a larger size" in row["error"] and "--dask-block-bytes 1 cuts" in row["error"]
    assert "--dask-block-bytes 1 cuts" in " ".join(capsys.readouterr().err.split())


def plan(*argv):
    s = args.Settings.from_args(bench.build_parser().parse_args(list(argv)))
    tasks, skipped = runner._plan(s, {"ectraverse": adapters.EctraverseAdapter(),
                                     "reference": adapters.ReferenceAdapter()})
    return s, tasks, skipped


def test_token_ops_run_on_secp256k1_and_p256_unless_curves_are_named():
    s, tasks, skipped = plan()
    for op in ops.ops_of_layer("token"):
        assert {t.curve for t in tasks if t.op == op} == set(ops.TOKEN_CURVES)
    assert {t.curve for t in tasks if t.op == "mul"} == set(bench.CURVES)
    assert any("unless --curve" in line for line in skipped)
    _, tasks, skipped = plan("--curve", "BN254", "--curve", "P-384")
    for op in ops.ops_of_layer("token"):
        assert {t.curve for t in tasks if t.op == op} == {"BN254", "P-384"}
    assert not any("unless --curve" in line for line in skipped)


def test_token_op_sizes_impls_and_repeats():
    s, tasks, _ = plan()
    got = {(t.impl, t.op, t.size) for t in tasks if t.op in ops.ops_of_layer("token") and t.curve == "P-256"}
    assert got == {("ectraverse", "hash_to_curve", None), ("reference", "hash_to_curve", None),
                   ("ectraverse", "hash_to_curve_batch", 10_000), ("ectraverse", "vocab", 1_000_000)}
    assert (s.repeats, s.repeats_of["vocab"]) == (5, 1)
    s, tasks, _ = plan("--quick")
    got = {(t.impl, t.op, t.size) for t in tasks if t.op in ops.ops_of_layer("token") and t.curve == "P-256"}
    assert got == {("ectraverse", "hash_to_curve", None), ("reference", "hash_to_curve", None),
                   ("ectraverse", "hash_to_curve_batch", 1_000), ("ectraverse", "vocab", 100_000)}
    assert (s.repeats, s.repeats_of["vocab"]) == (3, 3)
    s, _, _ = plan("--repeats", "4", "--batch-size", "500", "--vocab-tokens", "7")
    assert (s.repeats_of["vocab"], s.sizes["hash_to_curve_batch"], s.sizes["vocab"]) == (4, (500,), (7,))


def test_hash_to_curve_inputs_are_distinct_messages_checked_by_the_reference():
    factory = bench_inputs.InputFactory(bench_inputs.curve_params(), 1)
    single = factory.build("secp256k1", ops.OPS["hash_to_curve"], None)
    assert single.items[:2] == [b"token-0", b"token-1"] and len(set(single.items)) == len(single.items)
    batch = factory.build("secp256k1", ops.OPS["hash_to_curve_batch"], 100)
    assert len(batch.items) == 2 and all(len(msgs) == 100 for msgs in batch.items)
    assert len(set(batch.items[0]) | set(batch.items[1])) == 200
    # RFC 9380 secp256k1_XMD:SHA-256_SSWU_RO_ vector (msg "abc"), through the same reference path
    c = bench_inputs.curve_params()["secp256k1"]
    x, _ = bench_inputs._hash(c, b"abc", b"QUUX-V01-CS02-with-secp256k1_XMD:SHA-256_SSWU_RO_")
    assert hex(x).startswith("0x3377e01eab42db29")


def test_goals_pass_fail_and_not_measured():
    def row(impl, curve, op, us, size=None):
        return {"impl": impl, "curve": curve, "op": op, "size": size, "us_per_op": us}

    results = [row("ectraverse", "secp256k1", "mul", 30.0), row("coincurve", "secp256k1", "mul", 25.0),
               row("ectraverse", "P-256", "mul", 80.0), row("cryptography", "P-256", "mul", 50.0)]
    goals = {g["goal"]: g for g in bench_goals.evaluate(results)}
    k1 = goals["secp256k1 mul vs coincurve multiply"]
    assert k1["status"] == "pass" and k1["ratio"] == pytest.approx(1.2) and "1.20× slower" in k1["detail"]
    assert goals["P-256 mul vs cryptography exchange"]["status"] == "fail"
    na = goals["P-384 mul vs cryptography exchange"]
    assert na["status"] == "n.a." and na["ratio"] is None and "not measured" in na["detail"]


@pytest.mark.parametrize("kind, value, target, status, shown", [
    ("ratio", 0.02004, 1 / 50, "fail", "0.02004"),      # 3 digits would read 0.0200: a pass
    ("ratio", 0.0200000001, 1 / 50, "fail", "0.0200000001"),
    ("ratio", 0.02, 1 / 50, "pass", "0.0200"),
    ("ratio", 0.0199996, 1 / 50, "pass", "0.0200"),     # equal to the target as shown: a pass, and it passes
    ("ratio", 0.33334, 1 / 3, "fail", "0.33334"),
    ("ratio", 1.2, 1.5, "pass", "1.20"),
    ("us_per_op", 40.04, 40.0, "fail", "40.04 µs"),
    ("us_per_op", 30.0, 40.0, "pass", "30.0 µs"),
    ("field", 300.04, 300.0, "fail", "300.04 MB"),
    ("field", 56.0, 300.0, "pass", "56.0 MB"),
])
def test_goal_table_shows_a_fail_apart_from_its_target(kind, value, target, status, shown):
    row = {"goal": "synthetic", "kind": kind, "target": target, "target_text": "≤ x", "unit": "MB", "value": value,
           "ratio": value if kind == "ratio" else None, "status": status, "detail": ""}
    assert ("pass" if value <= target else "fail") == status
    assert bench_goals.measured_text(row) == shown
    number = float(shown.split()[0])
    assert (number <= target) == (status == "pass")  # what the reader sees agrees with the status
    assert bench_goals.measured_text({**row, "value": None}) == "—"


def test_goal_targets_and_units():
    assert [(g.target, g.unit, g.kind) for g in (ops.Goal("a", "≤ 1/1.5", vs=("x", "mul", None)),
                                                 ops.Goal("b", "≤ 40 µs"), ops.Goal("c", "≤ 300 MB", value_field="peak_mb"))] \
        == [(pytest.approx(1 / 1.5), "", "ratio"), (40.0, "µs", "us_per_op"), (300.0, "MB", "field")]


def test_goals_on_time_per_message():
    def row(impl, curve, op, us, size=None):
        return {"impl": impl, "curve": curve, "op": op, "size": size, "us_per_op": us}

    results = [row("ectraverse", "secp256k1", "hash_to_curve_batch", 30.0, 10_000),
               row("ectraverse", "P-256", "hash_to_curve_batch", 50.0, 10_000),
               row("reference", "secp256k1", "hash_to_curve", 900.0),
               row("reference", "P-256", "hash_to_curve", 600.0)]
    goals = {g["goal"]: g for g in bench_goals.evaluate(results, ("secp256k1", "P-256"))}
    k1 = goals["secp256k1 hash_to_curve_batch per message"]
    assert (k1["kind"], k1["status"], k1["value"], k1["ratio"]) == ("us_per_op", "pass", 30.0, None)
    assert goals["P-256 hash_to_curve_batch per message"]["status"] == "fail"
    k1_ref = goals["secp256k1 hash_to_curve_batch per message vs reference hash_to_curve"]
    assert k1_ref["status"] == "pass" and k1_ref["ratio"] == pytest.approx(1 / 30)
    assert "30.0× faster" in k1_ref["detail"]
    p256_ref = goals["P-256 hash_to_curve_batch per message vs reference hash_to_curve"]
    assert p256_ref["status"] == "fail" and "12.0× faster" in p256_ref["detail"]
    assert "P-384 mul vs cryptography exchange" not in goals


# --- the traversal engine: compose, push, window, windows, compose_chunks ------

ENGINE_ARGS = ["--impl", "ectraverse", "--curve", "secp256k1", *TINY_ENGINE,
               *(a for op in ops.ops_of_layer("engine") for a in ("--op", op))]


@needs_core
def test_engine_ops_report_their_fields_and_goals(tmp_path, capsys):
    rc, data = run_json(tmp_path, *ENGINE_ARGS)
    assert rc == 0
    rows = {(r["op"], r["size"]): r for r in data["results"]}
    corpus = bench_inputs._stdlib_corpus(300)
    assert set(rows) == {("mul", None), ("compose", 300), ("push", None), ("window", None),
                         ("windows", 8), ("windows", 4), ("compose_chunks", 300), ("compose_text", 300), ("compose_ids", 300),
                         ("prefixes", None), ("repeats", 300)} | ({("dask", 300)} if HAS_DASK else set())
    for r in rows.values():
        check_result(r)
        assert r["checked"] == (adapters.ENGINE_CHECKED if r["op"] not in ("mul", "repeats") else
                                adapters.EVERY_RESULT if r["op"] == "mul" else "every group vs a dict of 8-tuples (pure Python)")
        # --details adds the loops and repeats to every cell, the engine ops' own cells too
        assert f"{r['loops']}×{r['ops_per_call']} ops ×{r['repeats']}" in report._cell(r, None, True).plain, r["op"]
        assert "ops ×" not in report._cell(r, None, False).plain
    for op in ops.ops_of_layer("engine"):
        assert next(r for r in data["results"] if r["op"] == op)["check"]

    compose = rows["compose", 300]
    assert compose["per"] == "token" and compose["ops_per_call"] == compose["tokens"] == corpus.tokens
    assert (compose["texts"], compose["distinct_tokens"]) == (len(corpus.texts), corpus.distinct)
    assert compose["tokens_per_s"] == compose["ops_per_s"] and compose["push_tokens"] == 40
    assert compose["compose_s"] == pytest.approx(compose["us_per_call"] / 1e6)
    assert compose["push_run_s"] == pytest.approx(statistics.median(compose["push_all_s"]) / compose["push_loops"])
    assert compose["push_us_per_token"] == pytest.approx(compose["push_run_s"] * 1e6 / 40)
    assert compose["push_scaled_s"] == pytest.approx(compose["push_us_per_token"] * compose["tokens"] / 1e6)
    assert compose["speedup"] == pytest.approx(compose["push_scaled_s"] / compose["compose_s"])

    push = rows["push", None]
    n = min(bench_inputs.SINGLE_INPUTS, 40)
    assert (push["per"], push["ops_per_call"], push["inputs"]) == ("op", n, n)
    window = rows["window", None]
    assert (window["per"], window["tokens"], window["window_length"]) == ("window", 40, bench_inputs.WINDOW_LENGTH)
    assert window["ops_per_call"] == min(bench_inputs.SINGLE_INPUTS, 40 - bench_inputs.WINDOW_LENGTH + 1)
    for m in bench_inputs.WINDOWS_M:
        w = rows["windows", m]
        assert (w["per"], w["tokens"], w["window_length"]) == ("window", 40, m)
        assert w["windows"] == w["ops_per_call"] == 40 - m + 1

    ctext = rows["compose_text", 300]
    assert ctext["per"] == "token" and ctext["ops_per_call"] == ctext["tokens"] == corpus.tokens
    assert ctext["findall_s"] == pytest.approx(statistics.median(ctext["findall_all_s"]) / ctext["findall_loops"])
    assert ctext["findall_us_per_token"] == pytest.approx(ctext["findall_s"] * 1e6 / corpus.tokens)
    ids = rows["compose_ids", 300]
    assert ids["ops_per_call"] == corpus.tokens and ids["distinct_ids"] == corpus.distinct
    prefixes = rows["prefixes", None]
    assert (prefixes["per"], prefixes["ops_per_call"], prefixes["tokens"]) == ("token", 40, 40)
    assert prefixes["block"] >= 1 and prefixes["first_us_per_token"] > 0
    rep = rows["repeats", 300]
    assert rep["per"] == "window" and rep["window_length"] == bench_inputs.REPEATS_M
    assert rep["ops_per_call"] == rep["windows"] == corpus.tokens - bench_inputs.REPEATS_M + 1
    assert rep["groups"] <= rep["positions"] and rep["peak_mb"] > 0 and rep["dict_peak_mb"] > 0
    assert rep["dict_s"] == pytest.approx(statistics.median(rep["dict_all_s"]) / rep["dict_loops"])

    chunks = rows["compose_chunks", 300]
    assert (chunks["chunks"], chunks["workers"]) == (bench_inputs.CHUNK_WORKERS, bench_inputs.CHUNK_WORKERS)
    assert sum(chunks["chunk_chars"]) == len("\n".join(corpus.texts))
    assert chunks["start_method"] and chunks["ops_per_call"] == chunks["tokens"] == corpus.tokens
    assert chunks["chunks_s"] == pytest.approx(chunks["us_per_call"] / 1e6)
    assert chunks["compose_s"] == pytest.approx(statistics.median(chunks["compose_all_s"]) / chunks["compose_loops"])
    assert chunks["speedup"] == pytest.approx(chunks["compose_s"] / chunks["chunks_s"])
    assert chunks["repeats"] == compose["repeats"] == 3

    goals = {g["goal"]: g for g in data["goals"]}
    if HAS_DASK:  # 2 workers timed against 1 and against compose in this process, side by side
        dask = rows["dask", 300]
        assert dask["per"] == "token" and dask["copies"] == 1
        assert dask["ops_per_call"] == dask["tokens"] == corpus.tokens and dask["block_bytes"] == 400
        assert dask["partitions"] > 1  # blocks of 400 bytes cut after newlines
        assert dask["workers"] == list(bench_inputs.DASK_WORKERS)
        assert dask["two_workers_s"] == pytest.approx(dask["us_per_call"] / 1e6)
        assert dask["one_worker_s"] == pytest.approx(statistics.median(dask["one_worker_all_s"]) / dask["one_worker_loops"])
        assert dask["compose_s"] == pytest.approx(statistics.median(dask["compose_all_s"]) / dask["compose_loops"])
        assert dask["compose_us_per_op"] == pytest.approx(dask["compose_s"] * 1e6 / dask["tokens"])
        assert dask["speedup"] == pytest.approx(dask["one_worker_s"] / dask["two_workers_s"])
        # Dask alone: a graph of the same shape (the engine, a task a partition, then on 1 worker thread
        # the merges above 8 parts and the MSM, on 2 the 2 MSM slices and their sum)
        p = dask["partitions"]
        assert dask["tasks1"] == p + 2 + (0 if p <= 8 else -(-p // 8))
        assert dask["tasks2"] == p + (2 if p == 1 else 4)
        for n in bench_inputs.DASK_WORKERS:
            assert dask[f"floor{n}_s"] == pytest.approx(statistics.median(dask[f"floor{n}_all_s"]) / dask[f"floor{n}_loops"])
            assert dask[f"floor{n}_s"] > 0 and dask[f"cpu{n}_s"] > 0
        assert dask["cores"] >= 1
        for text, ratio in {
            "secp256k1 dask.compose on 2 workers vs 1": dask["us_per_op"] / dask["one_worker_us_per_token"],
            "secp256k1 dask.compose on 1 worker vs compose in one process":
                dask["one_worker_us_per_token"] / dask["compose_us_per_op"],
        }.items():
            assert goals[text]["ratio"] == pytest.approx(ratio) and goals[text]["status"] in ("pass", "fail")
    expected = {
        "secp256k1 compose per token vs Traverser.push per token": compose["us_per_op"] / compose["push_us_per_token"],
        "secp256k1 push vs ectraverse mul": push["us_per_op"] / rows["mul", None]["us_per_op"],
        "secp256k1 window vs ectraverse mul": window["us_per_op"] / rows["mul", None]["us_per_op"],
        "secp256k1 windows(8) per window vs window (length 8)": rows["windows", 8]["us_per_op"] / window["us_per_op"],
        "secp256k1 windows(4) per window vs window (length 8)": rows["windows", 4]["us_per_op"] / window["us_per_op"],
        "secp256k1 compose_chunks (2 processes) vs compose in one process":
            chunks["us_per_op"] / chunks["compose_us_per_token"],
        "secp256k1 compose(text) vs re.findall of the text": ctext["us_per_op"] / ctext["findall_us_per_token"],
        "secp256k1 compose(ids) per token vs ectraverse mul": ids["us_per_op"] / rows["mul", None]["us_per_op"],
        "secp256k1 prefixes per token vs ectraverse mul": prefixes["us_per_op"] / rows["mul", None]["us_per_op"],
        "secp256k1 windows(8) per window vs ectraverse mul": rows["windows", 8]["us_per_op"] / rows["mul", None]["us_per_op"],
        "secp256k1 repeats(8) vs a dict of 8-tuples": rep["us_per_op"] / rep["dict_us_per_window"],
    }
    for text, ratio in expected.items():
        g = goals[text]
        assert g["kind"] == "ratio" and g["ratio"] == pytest.approx(ratio) and g["status"] in ("pass", "fail")
    assert goals["secp256k1 compose per token vs Traverser.push per token"]["target"] == pytest.approx(1 / 50)
    memory = goals["secp256k1 repeats(8) peak memory"]
    assert (memory["kind"], memory["target"], memory["unit"], memory["value"]) == ("field", 300, "MB", rep["peak_mb"])
    assert memory["status"] == "pass"
    assert data["meta"]["selection"]["compose_tokens"] == 300
    assert data["meta"]["selection"]["prefix_tokens"] == 40
    assert data["meta"]["selection"]["dask_block_bytes"] == 400
    assert data["meta"]["method"]["engine_repeats"] == 3
    out = capsys.readouterr().out
    for label in ("compose (~300 tokens)", "windows(8)", "window (length 8)", "compose_chunks (~300 tokens"):
        assert label in out
    assert "tokens/s" in out and "in one; 2 processes " in out and "timed (ectraverse only) as the baseline" in out


@needs_core
def test_batches_and_msms_of_every_size_are_checked_whole(tmp_path, monkeypatch):
    """A batch that computes only some of its elements, or an MSM that drops a term past 16 points, is a
    wrong result (the check once read element 0 of a batch, and MSMs up to 16 points only): every element
    is compared with its expected point (for hash_to_curve_batch, made one message at a time)."""
    from ectraverse.point import PointArray

    add, msm = PointArray.__add__, PointArray.msm
    monkeypatch.setattr(PointArray, "__add__", lambda a, b: add(a[:2], b[:2]) if len(a) > 2 else add(a, b))
    monkeypatch.setattr(PointArray, "msm", lambda a, ks: msm(a[:-1], list(ks)[:-1]) if len(a) > 16 else msm(a, ks))
    rc, data = run_json(tmp_path, "--impl", "ectraverse", "--curve", "secp256k1", "--op", "batch_add", "--op", "msm")
    assert rc == 1
    rows = {(r["op"], r["size"]): r for r in data["results"]}
    assert "wrong result" in rows["batch_add", 10_000]["error"]
    assert "wrong result" in rows["msm", 256]["error"]
    assert "error" not in rows["msm", 16] and rows["msm", 16]["checked"]
    monkeypatch.undo()
    rc, data = run_json(tmp_path, "--impl", "ectraverse", "--curve", "secp256k1", "--op", "batch_mul_g",
                        "--op", "msm_threads", "--op", "hash_to_curve_batch")
    assert rc == 0 and all(r["checked"] and "error" not in r for r in data["results"])
    h2c = ectraverse.Curve.hash_to_curve_batch  # a batch cut short: its last point is another message's
    monkeypatch.setattr(ectraverse.Curve, "hash_to_curve_batch", lambda C, msgs, dst: h2c(C, list(msgs)[:2], dst))
    rc, data = run_json(tmp_path, "--impl", "ectraverse", "--curve", "secp256k1", "--op", "hash_to_curve_batch")
    assert rc == 1
    assert "wrong result: ectraverse hash_to_curve_batch (n=1,000), input set 0: 2 results, not 1,000" \
        in data["results"][0]["error"]


@needs_core
def test_compose_of_a_long_input_is_checked_another_way(tmp_path, monkeypatch):
    """compose and compose_ids time PointArray.horner on long inputs (from 16,384 tokens on, its sums go by
    blocks): a wrong answer there only was reported (their checks went through the same path, or a short
    prefix); they are checked against pieces of 8,192 tokens merged in coefficient space."""
    from ectraverse.point import PointArray

    horner = PointArray.horner  # compose's path: coefficients, then one MSM

    def wrong_when_long(A, indices, k):
        R = horner(A, indices, k)
        return R + R.curve.generator if len(indices) >= 16_384 else R

    monkeypatch.setattr(PointArray, "horner", wrong_when_long)
    rc, data = run_json(tmp_path, "--impl", "ectraverse", "--curve", "secp256k1", "--op", "compose", "--op",
                        "compose_ids", "--compose-tokens", "40000", "--prefix-tokens", "40")
    assert rc == 1
    rows = {r["op"]: r for r in data["results"]}
    assert "pieces of 8,192" in rows["compose"]["error"] and "pieces of 8,192" in rows["compose_ids"]["error"]


@needs_core
def test_a_vocabulary_wrong_past_its_first_generator_is_a_wrong_result(tmp_path, monkeypatch):
    """Every generator but the first replaced by G: the check read generator 0 alone; it reads the last too."""
    gens = ectraverse.Vocabulary.generators.fget

    def first_right(V):
        A = gens(V)
        return A[:1] if len(A) < 2 else A[:1].concat(A.curve.multiply_generator([1] * (len(A) - 1)))

    monkeypatch.setattr(ectraverse.Vocabulary, "generators", property(first_right))
    rc, data = run_json(tmp_path, "--impl", "ectraverse", "--curve", "secp256k1", "--op", "vocab",
                        "--vocab-tokens", "2000")
    assert rc == 1 and "wrong result" in data["results"][0]["error"]


@needs_core
def test_every_window_timed_is_checked(tmp_path, monkeypatch):
    """A window wrong at one early start only (the check read the last start alone) is a wrong result."""
    window = ectraverse.PrefixStates.window
    monkeypatch.setattr(ectraverse.PrefixStates, "window",
                        lambda self, i, j: self[j] if i == 1 else window(self, i, j))
    rc, data = run_json(tmp_path, "--impl", "ectraverse", "--curve", "secp256k1", "--op", "window", *TINY_ENGINE)
    assert rc == 1
    rows = {r["op"]: r for r in data["results"]}
    assert "wrong result: window(1, 9)" in rows["window"]["error"]


@needs_core
def test_a_wrong_engine_result_is_an_error(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(ectraverse.PrefixStates, "window", lambda self, i, j: self[j])
    rc, data = run_json(tmp_path, "--impl", "ectraverse", "--curve", "secp256k1", "--op", "window", *TINY_ENGINE)
    assert rc == 1
    rows = {r["op"]: r for r in data["results"]}
    assert "wrong result: window(" in rows["window"]["error"]
    assert "error" not in rows["mul"]  # the baseline still runs
    goal = next(g for g in data["goals"] if g["goal"] == "secp256k1 window vs ectraverse mul")
    assert goal["status"] == "n.a." and "not measured: ectraverse secp256k1 window" in goal["detail"]
    assert "wrong result" in capsys.readouterr().err


@needs_core
def test_compose_chunks_pool_is_shut_down_when_its_check_fails(tmp_path, monkeypatch):
    shut = []

    class Recording(adapters.concurrent.futures.ProcessPoolExecutor):
        def shutdown(self, *args, **kwargs):
            shut.append(kwargs)
            super().shutdown(*args, **kwargs)

    monkeypatch.setattr(adapters.concurrent.futures, "ProcessPoolExecutor", Recording)
    monkeypatch.setattr(ectraverse.Traversal, "compose_chunks", lambda self, chunks, executor=None: self.identity)
    rc, data = run_json(tmp_path, "--impl", "ectraverse", "--curve", "secp256k1", "--op", "compose_chunks",
                        *TINY_ENGINE)
    assert rc == 1
    [r] = data["results"]
    assert "wrong result: compose_chunks" in r["error"]
    assert len(shut) == 1


def test_engine_ops_run_on_secp256k1_unless_curves_are_named():
    _, tasks, skipped = plan()
    for op in ops.ops_of_layer("engine"):
        assert {(t.impl, t.curve) for t in tasks if t.op == op} == {("ectraverse", "secp256k1")}
    assert any(line.startswith("compose, compose_text") and "unless --curve" in line for line in skipped)
    _, tasks, skipped = plan("--curve", "P-256", "--op", "compose")
    assert {(t.curve, t.op, t.size) for t in tasks} == {("P-256", "compose", 1_000_000)}
    assert not skipped


def test_engine_op_sizes_and_repeats():
    s, tasks, _ = plan()
    got = sorted((t.op, t.size) for t in tasks if t.op in ops.ops_of_layer("engine"))
    assert got == sorted([("compose", 1_000_000), ("compose_chunks", 1_000_000), ("compose_ids", 1_000_000),
                          ("compose_text", 1_000_000), *([("dask", 4_000_000)] if HAS_DASK else []), ("prefixes", None),
                          ("push", None), ("repeats", 1_000_000), ("window", None), ("windows", 4), ("windows", 8)],
                         key=lambda t: (t[0], t[1] or 0))
    assert (s.repeats, s.repeats_of["compose"], s.prefix_tokens) == (5, 5, 10_000)
    s, tasks, _ = plan("--quick")
    got = sorted((t.op, t.size) for t in tasks if t.op in ops.ops_of_layer("engine"))
    assert got == sorted([("compose", 100_000), ("compose_chunks", 100_000), ("compose_ids", 100_000),
                          ("compose_text", 100_000), *([("dask", 200_000)] if HAS_DASK else []), ("prefixes", None),
                          ("push", None), ("repeats", 100_000), ("window", None), ("windows", 4), ("windows", 8)],
                         key=lambda t: (t[0], t[1] or 0))
    assert (s.repeats, s.repeats_of["compose"]) == (3, 3)
    assert s.dask_block_bytes == bench_inputs.DASK_BLOCK_BYTES == cli.DASK_BLOCK_BYTES  # as compose --scheduler reads
    s, _, _ = plan("--repeats", "4", "--compose-tokens", "500", "--prefix-tokens", "64", "--dask-tokens", "700",
                   "--dask-block-bytes", "1000")
    assert (s.repeats_of["compose"], s.sizes["compose"], s.prefix_tokens) == (4, (500,), 64)
    assert s.dask_block_bytes == 1000
    assert s.sizes["dask"] == (700,)


@pytest.mark.parametrize("argv, added", [
    (["--op", "push"], {"mul"}),
    (["--op", "window"], {"mul"}),
    (["--op", "windows"], {"window", "mul"}),
    (["--op", "windows", "--op", "mul"], {"window"}),
    (["--op", "push", "--op", "window", "--op", "mul"], set()),
    (["--op", "compose", "--op", "compose_chunks"], set()),
])
def test_engine_goal_baselines_are_timed_when_not_selected(argv, added):
    s, tasks, skipped = plan("--curve", "secp256k1", *argv)
    extra = {t.op for t in tasks} - set(s.ops)
    assert extra == added
    assert all(t.impl == "ectraverse" for t in tasks if t.op in added)
    notes = [line for line in skipped if "as the baseline of the" in line]
    assert {line.split()[0] for line in notes} == added
    if "mul" in s.ops:  # selected: every implementation that offers it
        assert {t.impl for t in tasks if t.op == "mul"} == {"ectraverse", "reference"}


def test_prefix_tokens_must_hold_a_window(capsys):
    rc = bench.main([*FAST, "--op", "window", "--prefix-tokens", "4"])
    assert rc == 2
    assert "--prefix-tokens must be at least 8, not 4" in capsys.readouterr().err


@pytest.mark.parametrize("text, parts", [
    ("a b\nc d\ne f\ng\n", 2), ("one line, no newline", 2), ("x\n" * 10, 3), ("\n\n\n", 2),
])
def test_split_at_lines_cuts_after_newlines(text, parts):
    pieces = bench_inputs._split_at_lines(text, parts)
    assert len(pieces) == parts and "".join(pieces) == text
    for i, piece in enumerate(pieces[:-1]):  # each cut is just after a newline, or at the end of the text
        assert piece.endswith("\n") or not "".join(pieces[i + 1:])


def test_engine_inputs_share_the_corpus_text():
    factory = bench_inputs.InputFactory(bench_inputs.curve_params(), 1, prefix_tokens=50)
    compose = factory.build("secp256k1", ops.OPS["compose"], 300)
    text, prefix = compose.items
    assert text == "\n".join(bench_inputs._stdlib_corpus(300).texts)
    assert prefix == ectraverse.tokenizers.words(text)[:50]
    chunks = factory.build("secp256k1", ops.OPS["compose_chunks"], 300)
    assert len(chunks.items) == bench_inputs.CHUNK_WORKERS and "".join(chunks.items) == text
    assert chunks.items[0].endswith("\n")
    window = factory.build("secp256k1", ops.OPS["window"], None)
    assert window.items == prefix and window.info == {"tokens": 50}
    assert not compose.checked  # engine cells check themselves (Case.check)


def test_engine_goals_from_rows():
    def row(op, us, size=None, **extra):
        return {"impl": "ectraverse", "curve": "secp256k1", "op": op, "size": size, "us_per_op": us, **extra}

    results = [row("mul", 40.0), row("push", 44.0), row("window", 50.0), row("windows", 20.0, 8),
               row("compose", 1.0, 1_000_000, push_us_per_token=44.0),
               row("compose_chunks", 0.8, 1_000_000, compose_us_per_token=1.0)]
    goals = {g["goal"]: g for g in bench_goals.evaluate(results, ("secp256k1",))}
    c = goals["secp256k1 compose per token vs Traverser.push per token"]
    assert c["status"] == "fail" and c["ratio"] == pytest.approx(1 / 44) and "44.0× faster" in c["detail"]
    assert goals["secp256k1 push vs ectraverse mul"]["status"] == "pass"
    assert goals["secp256k1 window vs ectraverse mul"]["status"] == "pass"
    assert goals["secp256k1 windows(8) per window vs window (length 8)"]["status"] == "pass"
    na = goals["secp256k1 windows(4) per window vs window (length 8)"]
    assert na["status"] == "n.a." and "not measured: ectraverse secp256k1 windows(4)" in na["detail"]
    chunks = goals["secp256k1 compose_chunks (2 processes) vs compose in one process"]
    assert chunks["status"] == "fail" and chunks["ratio"] == pytest.approx(0.8)
    # no mul row: the goals that need it say so
    goals = {g["goal"]: g for g in bench_goals.evaluate(results[1:], ("secp256k1",))}
    push = goals["secp256k1 push vs ectraverse mul"]
    assert push["status"] == "n.a." and push["detail"] == "not measured: ectraverse secp256k1 mul"
    # engine goals appear on other curves only where an engine op was measured
    other = [dict(r, curve="P-256") for r in results]
    names = {g["goal"] for g in bench_goals.evaluate(other, ("P-256",))}
    assert "P-256 push vs ectraverse mul" in names
    names = {g["goal"] for g in bench_goals.evaluate([dict(results[0], curve="P-256")], ("P-256",))}
    assert not any("push" in n for n in names)


# --- every result checked: the audit's findings 1 to 4 (each test failed before the check was made whole) ---

def _replace(A, i, P):
    """The point array A with element i replaced by the one-point array P."""
    return A[:i].concat(P).concat(A[i + 1:])


def _errors(data):
    return {(r["impl"], r["op"], r["size"]): r["error"] for r in data["results"] if "error" in r}


@needs_core
def test_a_single_op_wrong_at_one_middle_input_is_an_error(tmp_path, monkeypatch):
    """add wrong at input 32 of its 64 only (P + Q + G): the check read input 0 alone (audit finding 1)."""
    from ectraverse.point import Point

    P32, _ = bench_inputs.InputFactory(bench_inputs.curve_params(), 1).build("secp256k1", ops.OPS["add"], None).items[32]
    add = Point.__add__

    def wrong_at_32(P, Q):
        R = add(P, Q)
        return add(R, P.curve.generator) if R is not NotImplemented and (P.x, P.y) == P32 else R

    monkeypatch.setattr(Point, "__add__", wrong_at_32)
    rc, data = run_json(tmp_path, "--impl", "ectraverse", "--curve", "secp256k1", "--op", "add")
    assert rc == 1
    assert "wrong result: ectraverse add, input set 0, element 32 of 64" in _errors(data)["ectraverse", "add", None]


@needs_core
def test_a_negated_result_is_an_error(tmp_path, monkeypatch):
    """-R for R (the right x, the wrong y: the classic sgn0 bug) from P + Q, k * P, k * G and hash_to_curve:
    the check compared x alone (audit finding 2)."""
    from ectraverse.point import Curve, Point

    add, mul, h2c = Point.__add__, Point.__mul__, Curve.hash_to_curve

    def negated(f):
        def g(*args, **kwargs):
            R = f(*args, **kwargs)
            return R if R is NotImplemented else -R
        return g

    monkeypatch.setattr(Point, "__add__", negated(add))
    monkeypatch.setattr(Point, "__mul__", negated(mul))
    monkeypatch.setattr(Point, "__rmul__", negated(mul))
    monkeypatch.setattr(Curve, "hash_to_curve", negated(h2c))
    rc, data = run_json(tmp_path, "--impl", "ectraverse", "--curve", "secp256k1", "--op", "add", "--op", "mul",
                        "--op", "mul_g", "--op", "hash_to_curve")
    assert rc == 1
    errors = _errors(data)
    for op in ("add", "mul", "mul_g", "hash_to_curve"):
        assert f"wrong result: ectraverse {op}, input set 0, element 0 of 64" in errors["ectraverse", op, None]


def _swapped_in_the_middle(add):
    def swapped(a, b):
        R = add(a, b)
        idx = list(range(len(R)))
        m = len(R) // 2
        idx[m - 1], idx[m] = m, m - 1
        return R.take(idx)
    return swapped


def _wrong_in_the_second_set(add):
    first = []

    def wrong(a, b):
        R = add(a, b)
        first[:] = first or [a]
        if a is first[0]:
            return R
        m = len(R) // 2
        return _replace(R, m, add(R[m:m + 1], ectraverse.PointArray(R.curve, [R.curve.generator])))
    return wrong


@needs_core
@pytest.mark.parametrize("op, patch", [
    ("batch_add", lambda: (ectraverse.PointArray, "__add__", _swapped_in_the_middle(ectraverse.PointArray.__add__))),
    ("batch_add", lambda: (ectraverse.PointArray, "__add__", _wrong_in_the_second_set(ectraverse.PointArray.__add__))),
    ("batch_mul_g", lambda: (ectraverse.Curve, "multiply_generator",
                             lambda C, ks, f=ectraverse.Curve.multiply_generator: -f(C, ks))),
    ("hash_to_curve_batch", lambda: (ectraverse.Curve, "hash_to_curve_batch",
                                     lambda C, msgs, dst, f=ectraverse.Curve.hash_to_curve_batch:
                                     (lambda A: _replace(A, len(A) // 2, A[len(A) // 2 - 1:len(A) // 2]))(f(C, msgs, dst)))),
], ids=["permutation", "second input set", "negated", "middle message"])
def test_a_batch_wrong_anywhere_is_an_error(tmp_path, monkeypatch, op, patch):
    """Two elements of a batch swapped, an element wrong in the second input set only, every element negated,
    a middle message's point its neighbour's: the check read the sum of the first set (x only), or the ends
    (audit finding 3). multiply_generator and hash_to_curve_batch also make the expected points: the
    reference's check of those, or the comparison, says so."""
    monkeypatch.setattr(*patch())
    rc, data = run_json(tmp_path, "--impl", "ectraverse", "--curve", "secp256k1", "--op", op, "--batch-size", "64")
    assert rc == 1
    error = _errors(data)["ectraverse", op, 64]
    assert error.startswith("ArithmeticError: ") and ("wrong result" in error or "not trustworthy" in error), error


@needs_core
def test_a_windows_batch_wrong_at_a_middle_window_is_an_error(tmp_path, monkeypatch):
    """windows(m) with its middle window + G: the check read the first and last windows (audit finding 4)."""
    windows = ectraverse.PrefixStates.windows

    def wrong_in_the_middle(states, m):
        b = windows(states, m)
        i, P = len(b) // 2, b.points
        return ectraverse.ContextBatch(b._group, b.length,
                                       _replace(P, i, P[i:i + 1] + ectraverse.PointArray(P.curve, [P.curve.generator])))

    monkeypatch.setattr(ectraverse.PrefixStates, "windows", wrong_in_the_middle)
    rc, data = run_json(tmp_path, "--impl", "ectraverse", "--curve", "secp256k1", "--op", "windows", *TINY_ENGINE)
    assert rc == 1
    errors = _errors(data)
    for m in bench_inputs.WINDOWS_M:
        i = (40 - m + 1) // 2
        assert f"wrong result: windows({m})[{i}] differs from window({i}, {i + m})" in errors["ectraverse", "windows", m]


@needs_core
def test_a_vocabulary_wrong_at_a_middle_generator_is_an_error(tmp_path, monkeypatch):
    """The middle generator replaced by its neighbour: the check read the first and last (audit finding 4)."""
    gens = ectraverse.Vocabulary.generators.fget

    def wrong_in_the_middle(V):
        A = gens(V)
        i = len(A) // 2
        return _replace(A, i, A[i - 1:i])

    monkeypatch.setattr(ectraverse.Vocabulary, "generators", property(wrong_in_the_middle))
    rc, data = run_json(tmp_path, "--impl", "ectraverse", "--curve", "secp256k1", "--op", "vocab",
                        "--vocab-tokens", "2000")
    assert rc == 1
    [(key, error)] = _errors(data).items()
    assert key == ("ectraverse", "vocab", 2000) and "wrong result: ectraverse vocab (~2,000 tokens), input set 0" in error


@needs_core
def test_engine_cells_are_checked_against_the_reference(tmp_path, monkeypatch):
    """Every token generator negated: every context is wrong by its definition, yet the engine agrees with
    itself; each engine cell that gives points now checks a slice against the reference (audit finding 4).
    repeats gives start offsets, still right: it passes."""
    from ectraverse.point import Curve

    h2c, batch = Curve.hash_to_curve, Curve.hash_to_curve_batch
    monkeypatch.setattr(Curve, "hash_to_curve", lambda C, *a, **k: -h2c(C, *a, **k))
    monkeypatch.setattr(Curve, "hash_to_curve_batch", lambda C, *a, **k: -batch(C, *a, **k))
    engine = [op for op in ops.ops_of_layer("engine") if op != "dask"]
    rc, data = run_json(tmp_path, "--impl", "ectraverse", "--curve", "secp256k1", *TINY_ENGINE,
                        *(a for op in engine for a in ("--op", op)))
    assert rc == 1
    errors = _errors(data)
    assert {op for _, op, _ in errors} == set(engine) - {"repeats"}
    for error in errors.values():
        assert "differs from its definition, S = sum of k^(L-i)*P_(u_i)" in error, error
    assert {r["op"] for r in data["results"] if "error" not in r} == {"mul", "repeats"}


@needs_core
def test_the_timed_calls_results_are_checked_after_timing(tmp_path, monkeypatch):
    """compose_chunks right in its warm-ups and its check, wrong once timed; a Traverser.push right on a fresh
    traverser, wrong on the one timed: the checks read untimed calls only (audit finding 4)."""
    chunks, push = ectraverse.Traversal.compose_chunks, ectraverse.Traverser.push
    calls = itertools.count()

    def wrong_when_timed(eng, parts, executor=None):
        right = chunks(eng, parts, executor)
        return right if next(calls) < 3 else eng.identity  # 2 warm-ups, the reference slice; then timed

    pushed = {}

    def wrong_after_many(tr, token):
        pushed[id(tr)] = pushed.get(id(tr), 0) + 1
        return push(tr, "drift") if pushed[id(tr)] == 100 else push(tr, token)

    monkeypatch.setattr(ectraverse.Traversal, "compose_chunks", wrong_when_timed)
    monkeypatch.setattr(ectraverse.Traverser, "push", wrong_after_many)
    rc, data = run_json(tmp_path, "--impl", "ectraverse", "--curve", "secp256k1", "--op", "compose_chunks",
                        "--op", "push", *TINY_ENGINE)
    assert rc == 1
    errors = _errors(data)
    assert "the last timed compose_chunks of 2 chunks differs from compose(text)" in errors["ectraverse", "compose_chunks", 300]
    assert "the timed traverser's state after" in errors["ectraverse", "push", None]


@needs_core
def test_checked_says_what_was_compared(tmp_path):
    """The row's checked was True for every row: it says what was compared (brief item 4)."""
    argv = ["--curve", "secp256k1", "--op", "add", "--op", "window", "--op", "repeats", "--op", "vocab",
            "--vocab-tokens", "300", *TINY_ENGINE]
    rc, data = run_json(tmp_path, "--impl", "ectraverse", *argv)
    assert rc == 0
    checked = {r["op"]: r["checked"] for r in data["results"]}
    assert checked == {"add": "every result vs reference-verified expected points",
                       "mul": "every result vs reference-verified expected points",
                       "window": "engine vs reference on a slice, and vs itself",
                       "repeats": "every group vs a dict of 8-tuples (pure Python)",
                       "vocab": "every generator vs reference-verified expected points"}
    if importlib.util.find_spec("cryptography") is not None:  # its ECDH gives x only: the row says so
        rc, data = run_json(tmp_path, "--impl", "cryptography", "--curve", "P-256", "--op", "mul")
        assert rc == 0 and data["results"][0]["checked"] == ("x of every result vs reference-verified expected "
                                                             "points (cryptography's ECDH gives x only)")


@needs_core
@pytest.mark.parametrize("impl", ["reference", "coincurve", "cryptography", "fastecdsa", "py_ecc"])
def test_every_peer_gives_every_result_as_a_point(impl, tmp_path):
    """Each peer's results are compared, every input, as points (x only for cryptography's ECDH)."""
    if impl != "reference" and importlib.util.find_spec(impl) is None:
        pytest.skip(f"{impl} is not installed")
    curve = "BN254" if impl == "py_ecc" else "secp256k1"
    rc, data = run_json(tmp_path, "--impl", impl, "--curve", curve, "--op", "add", "--op", "mul", "--op", "mul_g")
    assert rc == 0 and data["results"] and all("error" not in r for r in data["results"])
    inputs = bench_inputs.InputFactory(bench_inputs.curve_params(), 1).build(curve, ops.OPS["mul"], None)
    adapter = bench.ADAPTERS[impl]()
    adapter.load()
    if adapter.supports(curve, "mul"):
        case = adapter.prepare(inputs)
        [got] = case.results()
        want = inputs.expected()[0][:case.inputs]
        assert got == ([P[0] for P in want] if case.x_only else want) and len(got) == adapter.single_inputs


@needs_core
def test_expected_points_are_verified_against_the_reference(monkeypatch):
    """The expected points come from ectraverse, checked by the reference: a wrong sum, a wrong sampled
    element or a short batch is refused; the hashes are made either way (one at a time, or in one batch)."""
    c = bench_inputs.curve_params()["P-256"]
    rng = __import__("random").Random(5)
    logs = [[3, 5, 7], [11]]
    G = ectraverse.reference.generator(c)
    for one_at_a_time in (False, True):
        got = bench_inputs.multiples_of_g(c, logs, rng, one_at_a_time=one_at_a_time)
        assert got == [[ectraverse.reference.mul(c, e, G) for e in part] for part in logs]
    msgs = [[b"a", b"b"], [b"c"]]
    for one_at_a_time in (False, True):
        assert bench_inputs.hashes(c, msgs, b"dst", rng, one_at_a_time=one_at_a_time) == [
            [bench_inputs._hash(c, m, b"dst") for m in part] for part in msgs]
    mg = ectraverse.Curve.multiply_generator
    monkeypatch.setattr(ectraverse.Curve, "multiply_generator", lambda C, ks: -mg(C, ks))
    with pytest.raises(ArithmeticError, match="multiply_generator on P-256, which makes them, disagrees"):
        bench_inputs.multiples_of_g(c, logs, rng)
    hb = ectraverse.Curve.hash_to_curve_batch
    monkeypatch.setattr(ectraverse.Curve, "hash_to_curve_batch", lambda C, m, dst: hb(C, list(m)[:-1], dst))
    with pytest.raises(ArithmeticError, match="on the count: 2 points for 3"):
        bench_inputs.hashes(c, msgs, b"dst", rng, one_at_a_time=False)
    h = ectraverse.Curve.hash_to_curve  # one message hashed as another
    monkeypatch.setattr(ectraverse.Curve, "hash_to_curve", lambda C, m, dst: h(C, b"a", dst))
    with pytest.raises(ArithmeticError, match="hash_to_curve on P-256, which makes them, disagrees"):
        bench_inputs.hashes(c, msgs, b"dst", rng, one_at_a_time=True)


def test_the_dask_bag_is_copies_of_the_compose_text():
    """--quick's bag was one copy of another, larger text, in one partition (audit finding 8)."""
    factory = bench_inputs.InputFactory(bench_inputs.curve_params(), 1, compose_tokens=300)
    compose = factory.build("secp256k1", ops.OPS["compose"], 300)
    text, copies = factory.build("secp256k1", ops.OPS["dask"], 3 * compose.info["tokens"]).items
    assert text == compose.items[0] and copies == 3
    small, one = factory.build("secp256k1", ops.OPS["dask"], 100).items  # fewer tokens than the text: its first files
    assert one == 1 and compose.items[0].startswith(small)
    s, _, _ = plan("--quick")
    quick = bench_inputs.InputFactory(bench_inputs.curve_params(), 1, compose_tokens=s.sizes["compose"][0])
    assert quick.build("secp256k1", ops.OPS["dask"], s.sizes["dask"][0]).items[1] >= 2


def test_a_dask_bag_of_one_partition_leaves_its_workers_goal_unjudged():
    row = {"impl": "ectraverse", "curve": "secp256k1", "op": "dask", "size": 200_000, "us_per_op": 0.25,
           "one_worker_us_per_token": 0.5, "compose_us_per_op": 0.25, "partitions": 1}
    goals = {g["goal"]: g for g in bench_goals.evaluate([row], ("secp256k1",))}
    two = goals["secp256k1 dask.compose on 2 workers vs 1"]
    assert two["status"] == "n.a." and two["detail"].startswith("not judged: the bag has 1 partition")
    assert goals["secp256k1 dask.compose on 1 worker vs compose in one process"]["status"] == "fail"
    goals = {g["goal"]: g for g in bench_goals.evaluate([{**row, "partitions": 2}], ("secp256k1",))}
    assert goals["secp256k1 dask.compose on 2 workers vs 1"]["status"] == "pass"


def test_a_goal_at_a_token_count_says_tokens():
    """repeats is timed per window, but its size is a count of tokens: the detail said "windows" (finding 9)."""
    row = {"impl": "ectraverse", "curve": "secp256k1", "op": "repeats", "size": 100_000, "us_per_op": 0.3,
           "dict_us_per_window": 0.5, "peak_mb": 10.0}
    goals = {g["goal"]: g for g in bench_goals.evaluate([row], ("secp256k1",))}
    assert goals["secp256k1 repeats(8) vs a dict of 8-tuples"]["detail"].endswith(
        "; at 100,000 tokens, not the full run's 1,000,000")


@needs_core
def test_batch_mul_g_is_checked_against_another_path(tmp_path, monkeypatch):
    """multiply_generator made batch_mul_g's expected points too: a fault of it that keeps the sum (the
    results of two given scalars swapped, wherever they are) passed unless a sampled element fell on one
    of them. They are e * G one at a time now."""
    ks = bench_inputs.InputFactory(bench_inputs.curve_params(), 1).build(
        "secp256k1", ops.OPS["batch_mul_g"], 1000).items[0]
    ka, kb = ks[1], ks[2]
    mg = ectraverse.Curve.multiply_generator

    def swapped(C, scalars):
        scalars = list(scalars)
        A = mg(C, scalars)
        if ka not in scalars or kb not in scalars:
            return A
        order = list(range(len(A)))
        i, j = scalars.index(ka), scalars.index(kb)
        order[i], order[j] = j, i
        return A.take(order)

    monkeypatch.setattr(ectraverse.Curve, "multiply_generator", swapped)
    rc, data = run_json(tmp_path, "--impl", "ectraverse", "--curve", "secp256k1", "--op", "batch_mul_g")
    assert rc == 1
    assert "wrong result: ectraverse batch_mul_g (n=1,000), input set 0, element 1 of 1,000" in \
        data["results"][0]["error"]


# --- the verdicts and what shows them: the mutation audit's gaps (each test failed with a mutant applied) ---

def _us_row(impl, curve, op, us, size=None, **extra):
    return {"impl": impl, "curve": curve, "op": op, "size": size, "us_per_op": us, **extra}


def test_goals_are_listed_on_their_curves_only_in_report_order():
    """A goal with curves is listed there only (once); an engine goal on the engine's curves even unmeasured;
    curve by curve in report order, whatever order the curves are given in."""
    p384 = bench_goals.evaluate([], ("P-384",))
    assert [(g["goal"], g["target"], g["status"]) for g in p384] == [
        ("P-384 mul vs cryptography exchange", 0.5, "n.a.")]
    assert [g["goal"] for g in bench_goals.evaluate([], ("P-256",))] == [
        "P-256 mul vs cryptography exchange", "P-256 hash_to_curve_batch per message",
        "P-256 hash_to_curve_batch per message vs reference hash_to_curve"]
    k1 = [g["goal"] for g in bench_goals.evaluate([], ("secp256k1",))]
    assert len(k1) == len(set(k1)) == sum(1 for op in ops.OPS.values() for g in op.goals
                                          if g.curves is None or "secp256k1" in g.curves)
    assert "secp256k1 push vs ectraverse mul" in k1 and "secp256k1 repeats(8) peak memory" in k1
    both = [g["goal"].split()[0] for g in bench_goals.evaluate([], ("P-256", "secp256k1"))]
    assert both == ["secp256k1"] * len(k1) + ["P-256"] * 3


def test_a_goal_measured_at_its_target_passes():
    """The targets are "≤": a ratio, a time per op or a field exactly at the target passes; just above, fails."""
    def judged(k1_mul, h2c_us, peak_mb):
        results = [_us_row("ectraverse", "secp256k1", "mul", k1_mul), _us_row("coincurve", "secp256k1", "mul", 25.0),
                   _us_row("ectraverse", "secp256k1", "hash_to_curve_batch", h2c_us, 1_000),
                   _us_row("ectraverse", "secp256k1", "repeats", 0.1, 100_000, dict_us_per_window=1.0,
                           peak_mb=peak_mb)]
        goals = {g["goal"]: g for g in bench_goals.evaluate(results, ("secp256k1",))}
        return [goals[name]["status"] for name in ("secp256k1 mul vs coincurve multiply",
                                                   "secp256k1 hash_to_curve_batch per message",
                                                   "secp256k1 repeats(8) peak memory")]

    assert 37.5 / 25.0 == 1.5  # exact in binary: the ratio is the target itself
    assert judged(37.5, 40.0, 300.0) == ["pass", "pass", "pass"]
    assert judged(37.5000001, 40.0000001, 300.0000001) == ["fail", "fail", "fail"]


def test_goal_details_give_both_times_and_their_units():
    """The detail of a ratio names ectraverse's time, then the comparison's; a time per op and a field
    carry their unit."""
    results = [_us_row("ectraverse", "secp256k1", "mul", 30.0), _us_row("coincurve", "secp256k1", "mul", 25.0),
               _us_row("ectraverse", "secp256k1", "mul_g", 20.0), _us_row("coincurve", "secp256k1", "mul_g", 50.0),
               _us_row("ectraverse", "secp256k1", "hash_to_curve_batch", 92_000.0, 10_000),
               _us_row("ectraverse", "secp256k1", "repeats", 0.1, 1_000_000, dict_us_per_window=1.0, peak_mb=56.0)]
    goals = {g["goal"]: g for g in bench_goals.evaluate(results, ("secp256k1",))}
    assert goals["secp256k1 mul vs coincurve multiply"]["detail"] == "30.0 µs vs 25.0 µs (1.20× slower)"
    assert goals["secp256k1 mul_g vs coincurve from_secret"]["detail"] == "20.0 µs vs 50.0 µs (2.50× faster)"
    assert goals["secp256k1 hash_to_curve_batch per message"]["detail"] == "92.0 ms per op; at 10,000 messages"
    memory = goals["secp256k1 repeats(8) peak memory"]
    assert (memory["value"], memory["status"], memory["detail"]) == (56.0, "pass", "56.0 MB; at 1,000,000 tokens")


def test_a_goal_whose_row_lacks_its_field_is_not_measured():
    """A row without the field a goal compares with (or judges) leaves the goal n.a. and names the field:
    never judged on what the row has."""
    results = [_us_row("ectraverse", "secp256k1", "compose", 0.5, 1_000_000),
               _us_row("ectraverse", "secp256k1", "repeats", 0.1, 1_000_000, dict_us_per_window=1.0)]
    goals = {g["goal"]: g for g in bench_goals.evaluate(results, ("secp256k1",))}
    compose = goals["secp256k1 compose per token vs Traverser.push per token"]
    assert (compose["status"], compose["value"], compose["ratio"]) == ("n.a.", None, None)
    assert compose["detail"] == "not measured: push_us_per_token of ectraverse secp256k1 compose (~1,000,000 tokens)"
    memory = goals["secp256k1 repeats(8) peak memory"]
    assert (memory["status"], memory["value"]) == ("n.a.", None)
    assert memory["detail"] == "not measured: peak_mb of ectraverse secp256k1 repeats (~1,000,000 tokens)"
    assert goals["secp256k1 repeats(8) vs a dict of 8-tuples"]["status"] == "pass"  # its own fields are there


def test_numbers_are_shown_with_their_digits_and_units():
    """Significant digits, the time unit (s, ms, µs, ns; the larger one from where 3 digits would round to
    1000), the rate prefix (k, M) and the speed-up's direction."""
    assert [units.sig(v, d) for v, d in ((1234.5, 3), (0.020041, 4), (0.0, 3), (5.0, 3), (0.0123456, 2))] == [
        "1234", "0.02004", "0", "5.00", "0.012"]
    shown = {0.543: "543 ns", 41.6: "41.6 µs", 92_000.0: "92.0 ms", 4_680_000.0: "4.68 s", 999.4: "999 µs",
             999_400.0: "999 ms", 0.9994: "999 ns"}
    assert {us: units.fmt_us(us) for us in shown} == shown
    for us, unit in ((0.9997, "µs"), (999.7, "ms"), (999_700.0, "s")):  # 1000 of the smaller unit: 1 of this one
        number, shown_unit = units.fmt_us(us).split()
        assert (float(number), shown_unit) == (1.0, unit), units.fmt_us(us)
    assert units.fmt_us(41.6, 5) == "41.600 µs"
    # rounded up to the next power of ten: the digits of the rounded value (the number of places was taken
    # before rounding, and 0.9999 showed as 1.000, 999.9 µs as 1.000 ms)
    assert [units.sig(v, d) for v, d in ((0.9999, 3), (99.96, 3), (9.9996, 3), (-0.9999, 3), (0.99949, 3),
                                         (999.96, 4), (0.099996, 2))] == [
        "1.00", "100", "10.0", "-1.00", "0.999", "1000", "0.10"]
    assert [units.fmt_us(us) for us in (999.9, 999_999.0, 0.99996)] == ["1.00 ms", "1.00 s", "1.00 µs"]
    rates = {1_180_000.0: "1.18M/s", 1_000_000.0: "1.00M/s", 23_100.0: "23.1k/s", 1_000.0: "1.00k/s",
             999.0: "999/s", 12.0: "12.0/s", 999_999.0: "1.00M/s", 999.6: "1.00k/s", 999.4: "999/s",
             999_400.0: "999k/s"}
    assert {r: units.fmt_rate(r) for r in rates} == rates
    assert [units.speed(1.0, 2.0), units.speed(3.0, 2.0), units.speed(2.0, 2.0)] == [
        "2.00× faster", "1.50× slower", "1.00× faster"]


def test_a_measurement_is_the_median_of_its_repeats():
    """An even number of repeats: the mean of the two middle ones; then per call, per op, per second."""
    m = timing.Measurement(loops=2, ops_per_call=4, all_s=(1.0, 5.0, 3.0, 9.0))  # the mean is 4.5
    assert (m.repeats, m.median_s) == (4, 4.0)
    assert (m.us_per_call, m.us_per_op, m.ops_per_s) == (2e6, 5e5, 2.0)


def test_measure_turns_the_garbage_collector_off_while_timing_and_back():
    """Off while the loops run; after, as it was before: on if it was on, off if it was off."""
    seen = []
    was = gc.isenabled()
    try:
        gc.enable()
        bench.measure(lambda: seen.append(gc.isenabled()), min_time=1e-4, repeats=3)
        assert gc.isenabled() and seen and not any(seen)
        gc.disable()  # off before: left off
        bench.measure(lambda: None, min_time=1e-4, repeats=3)
        assert not gc.isenabled()
    finally:
        (gc.enable if was else gc.disable)()


def test_measure_calibrates_to_the_first_loop_count_that_reaches_min_time():
    """On a fake clock: a call of 0.25 s reaches min_time 0.25 s at once: one loop, not more; a clock that
    ticks every 1,000 calls reads 0 at first: the loops grow until it moves."""
    clock = [0.0]

    def quarter():
        clock[0] += 0.25

    m = bench.measure(quarter, min_time=0.25, repeats=3, timer=lambda: clock[0])
    assert (m.loops, m.all_s) == (1, (0.25, 0.25, 0.25))
    calls = [0]

    def tick():
        calls[0] += 1

    m = bench.measure(tick, min_time=0.05, repeats=3, timer=lambda: calls[0] // 1000 * 0.01)
    assert m.repeats == 3 and m.loops >= 4000 and all(t >= 0.05 for t in m.all_s)


def test_measure_takes_one_repeat_and_checks_the_baselines_operation_count():
    """One repeat is allowed (a full run times vocab once); a baseline of 0 operations is refused, as a cell's."""
    m = bench.measure(lambda: None, min_time=1e-4, repeats=1)
    assert m.repeats == 1 and m.median_s == m.all_s[0]
    with pytest.raises(ValueError, match="ops_per_call must be at least 1, not 0"):
        bench.measure_pair(lambda: None, lambda: None, baseline_ops=0, min_time=1e-4)


def _cell_row(impl, us, ops_per_s, **extra):
    return {"impl": impl, "curve": "secp256k1", "op": "mul", "size": None, "us_per_op": us, "ops_per_s": ops_per_s,
            "loops": 10, "ops_per_call": 64, "repeats": 3, "us_per_call": us * 64, **extra}


def test_a_cell_gives_the_time_per_op_and_its_ratio_to_ectraverse():
    """(n×) is the cell's time over ectraverse's: a peer twice as slow shows 2.00×; ectraverse's own cell, or a
    cell whose ectraverse row failed, shows none; --details adds the rate and loops × ops × repeats."""
    ours, peer = _cell_row("ectraverse", 25.0, 40_000.0), _cell_row("coincurve", 50.0, 20_000.0)
    assert report._cell(peer, ours, False).plain == "50.0 µs (2.00×)"
    assert report._cell(ours, ours, False).plain == "25.0 µs"
    failed = {"impl": "ectraverse", "error": "ArithmeticError: wrong result"}
    assert report._cell(peer, failed, False).plain == "50.0 µs"
    assert report._cell(peer, ours, True).plain == "50.0 µs (2.00×)\n20.0k/s, 10×64 ops ×3"
    assert report._cell(None, ours, False).plain == "—"
    assert report._cell({"impl": "coincurve", "error": "boom"}, ours, False).plain == "error"


def test_the_report_shows_each_goals_target_measure_and_verdict():
    """The goal table's columns in order (goal, target, measured, status, detail), every goal listed, n.a. ones
    too; the tables' ratios against ectraverse only; the header's method."""
    import io

    from rich.console import Console

    s = args.Settings.from_args(bench.build_parser().parse_args(
        [*FAST, "--curve", "secp256k1", "--curve", "P-256", "--op", "mul", "--op", "mul_g"]))
    results = [_cell_row("ectraverse", 30.0, 33_333.0), _cell_row("coincurve", 25.0, 40_000.0),
               _cell_row("ectraverse", 40.0, 25_000.0, op="mul_g"), _cell_row("coincurve", 20.0, 50_000.0, op="mul_g"),
               _cell_row("reference", 900.0, 1_111.0, curve="P-256"),
               _cell_row("cryptography", 50.0, 20_000.0, curve="P-256")]
    goals = bench_goals.evaluate(results, s.curves)
    meta = report.meta(s, {}, {}, [], [])
    buf = io.StringIO()
    report.render(Console(file=buf, width=300, color_system=None), meta, results, goals, s)
    out = buf.getvalue()
    cells = {}
    for line in out.splitlines():
        parts = [p.strip() for p in line.split("│")]
        if len(parts) == 7:
            cells[parts[1]] = parts[2:6]
    assert cells["secp256k1 mul vs coincurve multiply"] == ["≤ 1.5", "1.20", "pass",
                                                            "30.0 µs vs 25.0 µs (1.20× slower)"]
    assert cells["secp256k1 mul_g vs coincurve from_secret"] == ["≤ 1.5", "2.00", "fail",
                                                                 "40.0 µs vs 20.0 µs (2.00× slower)"]
    assert cells["P-256 mul vs cryptography exchange"][:3] == ["≤ 1.0", "—", "n.a."]
    assert cells["secp256k1 add vs coincurve combine_keys"][:3] == ["≤ 1/3", "—", "n.a."]
    assert "(0.833×)" in out  # coincurve's mul, 25 µs against ectraverse's 30 µs
    p256 = out.split("\nP-256")[1].split("What is timed")[0]
    assert "900 µs" in p256 and "50.0 µs" in p256 and "×)" not in p256  # no ectraverse row: no ratio
    flat = " ".join(out.split())
    assert "(n×) = time / ectraverse's time: above 1, ectraverse is faster." in flat
    assert "median of 3 repeats of ≥ 0.002 s each" in flat


def test_the_json_method_says_what_was_measured():
    """The JSON's method: the statistic, min_time, the repeats (vocab's own: 1 in a full run) and the seed."""
    s = args.Settings.from_args(bench.build_parser().parse_args(["--min-time", "0.5", "--seed", "3"]))
    method = report.meta(s, {}, {}, [], [])["method"]
    assert (method["statistic"], method["min_time_s"], method["repeats"], method["seed"]) == ("median", 0.5, 5, 3)
    assert (method["vocab_repeats"], method["engine_repeats"], method["quick"]) == (1, 5, False)


def test_a_cells_baseline_and_extras_get_their_own_measurements(monkeypatch):
    """measure_group gives the cell, its baseline, then its extras, in that order: each to its own fields."""
    got = [timing.Measurement(1, 10, (1.0,)), timing.Measurement(2, 5, (2.0,)),
           timing.Measurement(4, 10, (3.0,)), timing.Measurement(8, 3, (5.0,))]
    seen = []

    def fake_group(fns, *, min_time, repeats):
        seen.append(([ops for _, ops in fns], min_time, repeats))
        return got

    monkeypatch.setattr(runner, "measure_group", fake_group)
    fn, base, stream, other = (lambda: 1), (lambda: 2), (lambda: 3), (lambda: 4)
    case = adapters.Case(fn, 10, 1, "synthetic", baseline=base, baseline_ops=5,
                         extra={"stream": (stream, 10), "other": (other, 3)})
    m, b = runner._measure_with_extra(case, 0.25, 3)
    assert (m, b) == (got[0], got[1]) and seen == [([10, 5, 10, 3], 0.25, 3)]
    assert case.info == {"stream_us_per_op": 3.0 / 4 / 10 * 1e6, "stream_s": 0.75, "stream_all_s": [3.0],
                         "stream_loops": 4, "other_us_per_op": 5.0 / 8 / 3 * 1e6, "other_s": 0.625,
                         "other_all_s": [5.0], "other_loops": 8}


class _NoInputsFactory:
    """An input factory for a fake adapter: every cell's inputs are empty."""

    def build(self, curve, op, size):
        return argparse.Namespace(info={})


def test_a_cell_is_timed_with_its_ops_repeats_and_its_baselines_operations(monkeypatch):
    """The repeats of the op (vocab's 1 in a full run), and the baseline's own operation count."""
    s = args.Settings.from_args(bench.build_parser().parse_args(["--no-progress", "--op", "push"]))
    s.repeats_of = {**s.repeats_of, "push": 7}
    seen = []

    def fake_pair(fn, baseline, *, ops_per_call, baseline_ops, min_time, repeats):
        seen.append((ops_per_call, baseline_ops, min_time, repeats))
        return (timing.Measurement(10, ops_per_call, (1.0,) * repeats),
                timing.Measurement(20, baseline_ops, (2.0,) * repeats))

    class Fake:
        def prepare(self, inputs, progress=None):
            return adapters.Case(lambda: None, 4, 1, "synthetic", baseline=lambda: None, baseline_ops=2)

    monkeypatch.setattr(runner, "measure_pair", fake_pair)
    err = report.console(stderr=True)
    [row] = runner._run_tasks(s, [runner._Task("fake", "secp256k1", "push", None)], {"fake": Fake()},
                              _NoInputsFactory(), err)
    assert seen == [(4, 2, s.min_time, 7)]
    assert (row["repeats"], row["loops"], row["us_per_op"], row["us_per_call"]) == (7, 10, 25_000.0, 100_000.0)
    assert row["median_s"] == 1.0 and row["ops_per_s"] == 40.0


# --- the command line and the runner: the second mutation audit's gaps (each test failed with a mutant applied) ---

def _refused(argv, capsys):
    """The error argparse gives for ``argv`` (it exits with 2)."""
    with pytest.raises(SystemExit) as exc:
        bench.build_parser().parse_args(argv)
    assert exc.value.code == 2
    return " ".join(capsys.readouterr().err.split())


def test_bounded_options_take_their_bounds_and_refuse_one_past(capsys):
    """A bound off by one (DRAWN_MAX refused or DRAWN_MAX + 1 taken, --repeats 2 taken or 3 refused, no ceiling
    on --repeats or --min-time, --min-time 60 refused, inf refused as too long instead of not a number) went
    unnoticed: the bounds were tested far past them only."""
    ok = bench.build_parser().parse_args(["--msm-size", "262144", "--batch-size", "262144", "--repeats", "3",
                                          "--vocab-tokens", str(10**9), "--min-time", "60"])
    assert (ok.msm_size, ok.batch_size, ok.repeats, ok.vocab_tokens, ok.min_time) == ([262144], 262144, 3,
                                                                                       10**9, 60.0)
    assert bench.build_parser().parse_args(["--repeats", "1000"]).repeats == 1000
    for option, value, message in [
        ("--msm-size", "262145", "must be at most 262,144, not '262145'"),
        ("--batch-size", "262145", "must be at most 262,144, not '262145'"),
        ("--repeats", "2", "must be at least 3 (a median needs repeats), not '2'"),
        ("--repeats", "1001", "must be at most 1,000, not '1001'"),
        ("--min-time", "60.5", "must be at most 60 seconds, not '60.5'"),
        ("--min-time", "inf", "must be a positive number of seconds, not 'inf'"),
        ("--min-time", "nan", "must be a positive number of seconds, not 'nan'"),
    ]:
        assert f"argument {option}: {message}" in _refused([option, value], capsys)


def _settings(*argv):
    return args.Settings.from_args(bench.build_parser().parse_args(list(argv)))


def test_settings_take_each_options_value():
    """--min-time, --repeats (the common count), --seed, --no-progress or --details ignored, or --curve, --op and
    --msm-size kept in the order given with their repeats, went unnoticed: a run's Settings were not looked at."""
    s = _settings("--curve", "P-256", "--curve", "secp256k1", "--curve", "secp256r1", "--op", "mul", "--op", "add",
                  "--op", "mul", "--impl", "reference", "--msm-size", "64", "--msm-size", "16", "--msm-size", "64",
                  "--min-time", "0.5", "--repeats", "4", "--seed", "9", "--no-progress", "--details")
    assert (s.curves, s.ops, s.impls) == (("secp256k1", "P-256"), ("add", "mul"), ("reference",))
    assert s.sizes["msm"] == (16, 64)
    assert (s.min_time, s.repeats, s.seed, s.progress, s.details, s.quick) == (0.5, 4, 9, False, True, False)
    assert s.explicit_curves and s.explicit_ops
    s = _settings()
    assert (s.min_time, s.repeats, s.seed, s.progress, s.details) == (0.1, 5, 1, True, False)
    assert not s.explicit_curves and not s.explicit_ops
    s = _settings("--quick")
    assert (s.quick, s.min_time, s.repeats) == (True, 0.02, 3)


def test_batch_size_and_prefix_tokens_take_their_least_values(tmp_path):
    """--batch-size 1 (a batch of one) was accepted unnoticed: only --batch-size's ceiling was tested."""
    assert _settings("--batch-size", "2", "--prefix-tokens", "8").sizes["batch_add"] == (2,)
    with pytest.raises(ValueError, match="^--batch-size must be at least 2, not 1$"):
        _settings("--batch-size", "1")
    with pytest.raises(ValueError, match="^--prefix-tokens must be at least 8, not 7$"):
        _settings("--prefix-tokens", "7")


def test_the_json_probe_keeps_an_existing_file_and_names_a_directory(tmp_path):
    """The probe of --json deleting a file that was there (and keeping the one it made), or a directory
    reported as not writable rather than as a directory, went unnoticed."""
    path = tmp_path / "old.json"
    path.write_text("kept", encoding="utf-8")
    assert _settings("--json", str(path)).json_path == path
    assert path.read_text(encoding="utf-8") == "kept"
    new = tmp_path / "new.json"
    _settings("--json", str(new))
    assert not new.exists()
    with pytest.raises(ValueError, match="^--json must be a file path, not the directory "):
        _settings("--json", str(tmp_path))


def test_names_are_trimmed_and_an_unknown_one_lists_every_choice(capsys):
    """A name with spaces around it refused, or a choice left out of the list an unknown name gets, went
    unnoticed."""
    assert _settings("--curve", " secp256k1 ", "--op", " mul ").curves == ("secp256k1",)
    err = _refused(["--curve", "P-999"], capsys)
    assert f"unknown curve 'P-999'; choose from: {', '.join(bench.CURVES)}" in err
    err = _refused(["--impl", "openssl"], capsys)
    assert f"unknown implementation 'openssl'; choose from: {', '.join(bench.ADAPTERS)}" in err


def test_compare_names_a_missing_input_set_and_a_missing_result():
    """Results for fewer input sets, or fewer results in a set, passed the check: zip stopped at the shorter."""
    with pytest.raises(ArithmeticError, match=r"^wrong result: x gave results for 1 input set\(s\), not 2$"):
        runner._compare("x", [[None]], [[None], [None]])
    with pytest.raises(ArithmeticError, match="^wrong result: x, input set 1: 2 results, not 3$"):
        runner._compare("x", [[None], [None, None]], [[None], [None, None, None]])
    with pytest.raises(ArithmeticError, match=r"^wrong result: x, input set 0, element 1 of 3: \(0x1…\), "
                                              r"expected \(0x2…\)$"):
        runner._compare("x", [[None, 1, 3]], [[None, 2, 3]])
    runner._compare("x", [[None, (1, 2)]], [[None, (1, 2)]])


def test_the_run_gives_its_options_to_the_inputs(tmp_path, fake, monkeypatch):
    """--seed was not given to the inputs (every run drew seed 1's), unnoticed: the JSON's method said 7."""
    made = []

    class Factory(bench_inputs.InputFactory):
        def __init__(self, *a):
            made.append(a[1:])
            super().__init__(*a)

    monkeypatch.setattr(runner, "InputFactory", Factory)
    rc, _ = run_json(tmp_path, "--impl", "fake", "--op", "add", "--curve", "secp256k1", "--seed", "7",
                     "--prefix-tokens", "40", "--dask-block-bytes", "400", "--compose-tokens", "300")
    assert rc == 0
    assert made == [(7, 40, 400, 300)]


def test_quick_runs_the_references_ops_that_op_names_and_its_largest_size(tmp_path):
    """--quick running every reference op, or dropping its slow ops even where --op names them, or its MSM of
    exactly max_size (16) not run, went unnoticed."""
    _, tasks, _ = plan("--quick", "--curve", "secp256k1")
    assert {t.op for t in tasks if t.impl == "reference"} == {"add", "mul", "hash_to_curve"}
    _, tasks, _ = plan("--quick", "--curve", "secp256k1", "--op", "mul_g", "--op", "double")
    assert {(t.impl, t.op) for t in tasks} == {(i, o) for i in ("ectraverse", "reference") for o in ("mul_g", "double")}
    _, tasks, skipped = plan("--curve", "secp256k1", "--op", "msm", "--msm-size", "16", "--msm-size", "17")
    assert {(t.impl, t.size) for t in tasks} == {("ectraverse", 16), ("ectraverse", 17), ("reference", 16)}
    assert "reference: msm sizes above 16 are not run (too slow)" in skipped


def test_the_json_meta_gives_the_argv_and_the_planners_notes(tmp_path):
    """The arguments as given, or the planner's notes, left out of the JSON's meta, or a row's inputs given as its
    operations per call, went unnoticed outside the slow whole run."""
    argv = ["--impl", "reference", "--curve", "secp256k1", "--op", "msm", "--msm-size", "16", "--msm-size", "17"]
    rc, data = run_json(tmp_path, *argv)
    assert rc == 0
    assert [(r["impl"], r["size"], r["inputs"], r["ops_per_call"]) for r in data["results"]] == [
        ("reference", 16, 2, 16)]  # an MSM's inputs are its input sets, of 16 points each
    assert data["meta"]["argv"] == [*FAST, "--json", str(tmp_path / "bench.json"), *argv]
    assert data["meta"]["skipped"] == ["reference: msm sizes above 16 are not run (too slow)"]


def test_a_cell_is_timed_with_the_runs_options_and_a_failing_one_is_its_own_row(monkeypatch):
    """A plain cell timed with repeats or a minimum time other than the run's, a cell's error other than a wrong
    result escaping the run (and hiding the next cell), or a cell's check text left out of its row, went
    unnoticed."""
    s = _settings("--no-progress", "--op", "add", "--min-time", "0.25", "--repeats", "4")
    seen = []

    def fake_measure(fn, *, ops_per_call, min_time, repeats):
        seen.append((ops_per_call, min_time, repeats))
        return timing.Measurement(10, ops_per_call, (1.0,) * repeats)

    class Fine:
        def prepare(self, inputs, progress=None):
            return adapters.Case(lambda: None, 4, 1, "synthetic", check_text="its own check")

    class Broken:
        def prepare(self, inputs, progress=None):
            raise RuntimeError("no such thing")

    monkeypatch.setattr(runner, "measure", fake_measure)
    tasks = [runner._Task(name, "secp256k1", "add", None) for name in ("broken", "fine")]
    bad, row = runner._run_tasks(s, tasks, {"broken": Broken(), "fine": Fine()}, _NoInputsFactory(),
                                 report.console(stderr=True))
    assert bad == {"impl": "broken", "curve": "secp256k1", "op": "add", "size": None,
                   "error": "RuntimeError: no such thing"}
    assert seen == [(4, 0.25, 4)]
    assert (row["impl"], row["repeats"], row["check"]) == ("fine", 4, "its own check")


def test_ectraverse_or_the_reference_not_importable_says_why(monkeypatch, capsys):
    """The cause of ectraverse's or the reference's ImportError (the two a run most needs) left out of the note
    went unnoticed: only a peer's hint was tested."""
    class Broken(adapters.ReferenceAdapter):
        def load(self):
            raise ImportError("no module named 'ectraverse_test_gone'")

    monkeypatch.setitem(runner.ADAPTERS, "reference", Broken)
    loaded, unavailable = runner._load(_settings("--impl", "reference"), report.console(stderr=True))
    assert loaded == {}
    assert unavailable == {"reference": "not importable (no module named 'ectraverse_test_gone')"}
    assert "reference: not importable (no module named 'ectraverse_test_gone'); skipped" in capsys.readouterr().err


def test_the_goals_of_every_curve_run_are_judged(tmp_path):
    """Goals judged on the first curve only (the run's curves not all given to evaluate) went unnoticed: the
    whole runs had one curve."""
    rc, data = run_json(tmp_path, "--impl", "reference", "--curve", "secp256k1", "--curve", "P-256", "--op", "add")
    assert rc == 0
    assert {g["goal"].split()[0] for g in data["goals"]} == {"secp256k1", "P-256"}


def test_the_expected_points_are_verified_at_their_last_element():
    """A reference sample of the expected points without the last one went unnoticed: a list wrong only there
    passed (the whole-run tests draw samples that rarely hit it)."""
    c = bench_inputs.curve_params()["secp256k1"]
    count = 100_000
    got = [(i, i) for i in range(count - 1)] + [(0, 0)]
    with pytest.raises(ArithmeticError, match=f"disagrees with the reference at element {count - 1:,} of {count:,}$"):
        bench_inputs._verify(c, "test", got, lambda i: (i, i), count, random.Random(1))
    bench_inputs._verify(c, "test", got[:-1] + [(count - 1, count - 1)], lambda i: (i, i), count, random.Random(1))


def test_expected_points_wrong_where_the_reference_does_not_sample_are_refused(monkeypatch):
    """multiple_of_g without its sum check went unnoticed: an expected point wrong at an element the reference
    does not sample passed (the tests' wrong points were all sampled or all wrong)."""
    c = bench_inputs.curve_params()["secp256k1"]
    G = ectraverse.reference.generator(c)
    logs = [list(range(1, 41))]
    i = next(i for i in range(40) if i not in bench_inputs._sampled(40, random.Random(5)))
    wrong = [ectraverse.reference.mul(c, e + (j == i), G) for j, e in enumerate(logs[0])]
    monkeypatch.setattr(ectraverse.Curve, "multiply_generator",
                        lambda C, ks: argparse.Namespace(coordinates=lambda: wrong))
    with pytest.raises(ArithmeticError, match="multiply_generator on secp256k1, which makes them, disagrees with the "
                                              "reference on the sum of its 40 points$"):
        bench_inputs.multiples_of_g(c, logs, random.Random(5))


def test_inputs_without_expected_results_say_so():
    """expected() of inputs made without expected results failed with a TypeError ('NoneType' object is not
    callable) instead of naming the op: unnoticed."""
    inputs = bench_inputs.OpInputs("secp256k1", "add", None, [], bench_inputs.curve_params()["secp256k1"], None,
                                   random.Random(1))
    assert not inputs.checked
    with pytest.raises(ValueError, match=r"^no expected result is computed for add\(None\)$"):
        inputs.expected()


def test_an_error_without_a_message_says_so():
    """A cell failing with an exception of no message (a MemoryError of a large --msm-size, say) was reported
    as "MemoryError: ": an exception object is always true, so its fallback text never appeared."""
    err = Console(file=io.StringIO(), width=200)
    task = runner._Task("ectraverse", "secp256k1", "msm", 65_536)
    rows = [runner._error_row(task, "msm", exc, err) for exc in (MemoryError(), RuntimeError(), ValueError("bad n"))]
    assert [r["error"] for r in rows] == ["MemoryError: out of memory", "RuntimeError: no message", "ValueError: bad n"]
    assert rows[0] == {"impl": "ectraverse", "curve": "secp256k1", "op": "msm", "size": 65_536,
                       "error": "MemoryError: out of memory"}
    assert "error ectraverse secp256k1 msm: MemoryError: out of memory" in err.file.getvalue()


# ---- ops and adapters: the third mutation audit's gaps (each test failed with a mutant applied) ----

def _corpus_inputs():
    return argparse.Namespace(info={"tokens": 1000, "distinct_tokens": 100, "texts": 3, "corpus": "stdlib"})


def test_each_ops_row_gives_its_fields_from_its_measurements():
    """The fields an op adds to its JSON row, with a baseline and without: a field taken from the wrong
    measurement (the cell's loops for the baseline's), per op instead of per call, a speed-up inverted, or
    scaled by the baseline's operations, went unnoticed outside the slow engine run (and there only some)."""
    m = timing.Measurement(loops=4, ops_per_call=1000, all_s=(1.0, 3.0, 2.0))  # 500,000 µs a call, 500 µs an op
    base = timing.Measurement(loops=5, ops_per_call=40, all_s=(4.0, 6.0, 5.0))  # 1 s a call, 25,000 µs an op
    case = adapters.Case(lambda: None, 1000, 1, "synthetic", baseline=lambda: None, baseline_ops=40)
    inputs = _corpus_inputs()
    corpus = {"tokens": 1000, "distinct_tokens": 100, "texts": 3, "corpus": "stdlib", "tokens_per_s": 2000.0}
    all_s = [4.0, 6.0, 5.0]
    want = {
        "vocab": ({**corpus, "us_per_distinct_token": 5000.0}, {}),
        "compose": (corpus, dict(compose_s=0.5, push_run_s=1.0, push_loops=5, push_all_s=all_s,
                                 push_us_per_token=25000.0, push_tokens_per_s=40.0, push_scaled_s=25.0,
                                 speedup=50.0)),
        "compose_text": (corpus, dict(compose_s=0.5, findall_s=1.0, findall_loops=5, findall_all_s=all_s,
                                      findall_us_per_token=25000.0)),
        "compose_ids": (corpus, {}),
        "msm_threads": ({"threads": bench_inputs.MSM_THREADS, "threaded_s": 0.5},
                        dict(one_thread_s=1.0, one_thread_loops=5, one_thread_all_s=all_s,
                             one_thread_us_per_point=25000.0, speedup=50.0)),
        "repeats": ({"tokens": 1000, "distinct_tokens": 100, "repeats_s": 0.5},
                    dict(dict_s=1.0, dict_loops=5, dict_all_s=all_s, dict_us_per_window=25000.0)),
        "compose_chunks": (corpus, dict(chunks_s=0.5, compose_s=1.0, compose_loops=5, compose_all_s=all_s,
                                        compose_us_per_token=25000.0, compose_tokens_per_s=40.0, speedup=50.0)),
        "dask": ({**corpus, "two_workers_s": 0.5}, dict(one_worker_s=1.0, one_worker_loops=5, one_worker_all_s=all_s,
                                                         one_worker_us_per_token=25000.0, speedup=50.0)),
    }
    assert {name for name, op in ops.OPS.items() if op.row is not None} == set(want)
    for name, (alone, with_base) in want.items():
        row = ops.OPS[name].row
        assert row(m, None, case, inputs) == alone, name  # exact in binary: no rounding
        assert row(m, base, case, inputs) == {**alone, **with_base}, name


_CORPUS_FIELDS = {"tokens": 12345, "distinct_tokens": 678, "texts": 3, "corpus": "c"}
_CELLS = [  # (a row, its cell with its comparisons, the fields of its comparisons)
    (dict(op="vocab", tokens_per_s=2_000_000.0, us_per_distinct_token=73.0, us_per_call=900_000.0),
     "2.00M tokens/s\n73.0 µs/distinct token\n12,345 tokens, 678 distinct, 900 ms a build", ()),
    (dict(op="compose", tokens_per_s=2_000_000.0, us_per_call=6_000.0, push_tokens_per_s=50_000.0,
          push_scaled_s=0.25, compose_s=0.006, push_tokens=40, push_run_s=0.0008),
     "2.00M tokens/s, 6.00 ms a compose\npush: 50.0k tokens/s, 250 ms scaled; compose 41.7× faster\n"
     "12,345 tokens; push run of 40 in 800 µs", ("push_scaled_s",)),
    (dict(op="msm_threads", us_per_op=2.5, threads=4, one_thread_us_per_point=7.5, threaded_s=0.01,
          one_thread_s=0.03, us_per_call=10_000.0),
     "2.50 µs/pt on 4 threads\n7.50 µs/pt on one; 4 threads 3.00× faster\n10.0 ms total", ("one_thread_s",)),
    (dict(op="compose_chunks", us_per_call=40_000.0, workers=2, compose_s=0.06, chunks_s=0.04, chunks=3,
          start_method="fork"),
     "40.0 ms in 2 processes\n60.0 ms in one; 2 processes 1.50× faster\n12,345 tokens, 3 chunks, fork",
     ("compose_s",)),
    (dict(op="dask", us_per_call=300_000.0, one_worker_s=0.45, two_workers_s=0.3, compose_s=0.09, floor1_s=0.002,
          floor2_s=0.003, cpu1_s=0.5, cpu2_s=0.7, cores=2, tasks1=7, tasks2=9, partitions=5, copies=4),
     "300 ms on 2 workers\n450 ms on 1; 2 workers 1.50× faster\ncompose in one process: 90.0 ms\n"
     "Dask alone (its tasks doing nothing): 2.00 ms on 1, 3.00 ms on 2\n"
     "CPU a call, every process: 500 ms on 1, 700 ms on 2 (2 cores)\n"
     "12,345 tokens, 5 partitions, tasks: 7 on 1, 9 on 2",
     ("one_worker_s", "compose_s", "floor1_s", "floor2_s", "cpu1_s", "cpu2_s")),
    (dict(op="compose_text", tokens_per_s=2_000_000.0, us_per_call=6_000.0, findall_s=0.012, compose_s=0.006,
          stream_s=0.007),
     "2.00M tokens/s, 6.00 ms a compose\nre.findall: 12.0 ms; compose 2.00× faster\n"
     "compose_stream of its bytes: 7.00 ms\n12,345 tokens", ("findall_s", "stream_s")),
    (dict(op="repeats", us_per_call=80_000.0, us_per_op=6.4, peak_mb=56.4, dict_peak_mb=123.6, window_length=8,
          dict_s=0.2, repeats_s=0.08, groups=1500, positions=4200),
     "80.0 ms (6.40 µs/window), peak 56 MB\ndict of 8-tuples: 200 ms, peak 124 MB; repeats 2.50× faster\n"
     "12,345 tokens, 1,500 groups, 4,200 positions", ("dict_s",)),
    (dict(op="msm", us_per_op=2.5, us_per_call=10_240.0), "2.50 µs/pt\n10.2 ms total", ()),
    (dict(op="prefixes", us_per_op=0.5, tokens=10_000, block=64, first_us_per_token=3.0, settling_calls=3),
     "500 ns/token\n10,000 tokens, blocks of 64; first call (tables made): 3.00 µs/token; tables settled after "
     "3 calls", ()),
    (dict(op="window", us_per_op=0.9, tokens=10_000, window_length=8), "900 ns/window\nprefix of 10,000 tokens", ()),
    (dict(op="windows", us_per_op=0.2, tokens=10_000, window_length=4), "200 ns/window\nprefix of 10,000 tokens", ()),
    (dict(op="compose_ids", us_per_op=0.3), "300 ns/token", ()),
    (dict(op="push", us_per_op=1.1), "1.10 µs", ()),
]


@pytest.mark.parametrize("row, shown, comparisons", _CELLS, ids=[r["op"] for r, _, _ in _CELLS])
def test_each_ops_cell_reads_its_own_fields(row, shown, comparisons):
    """Each op's table cell (its own, or the common one with its suffix and note), with its comparisons and
    without: a field shown in place of another (distinct for texts, the dict's peak for the op's), a speed-up
    read backwards, a time in s shown as µs, a comparison's line shown when absent, went unnoticed: only a
    few words of the engine cells were looked at."""
    row = {**_CORPUS_FIELDS, **row}
    assert report._cell(row, None, False).plain == shown
    if comparisons:  # without them: the first line, and the dim last one (compose's is about its push run)
        alone = report._cell({k: v for k, v in row.items() if k not in comparisons}, None, False).plain
        lines = shown.split("\n")
        assert alone == (lines[0] if row["op"] == "compose" else f"{lines[0]}\n{lines[-1]}")


def test_each_ops_header_row_says_its_method():
    """The header rows of the report: the op that gives each (hash_to_curve's lost when it alone is selected),
    the DST as a repr, vocab's repeats in words (3 builds said as one), the prefix tokens with separators."""
    quick = report.meta(_settings("--quick", "--prefix-tokens", "12000"), {}, {}, [], [])
    labels = {name: op.method(quick)[0] for name, op in ops.OPS.items() if op.method is not None}
    assert labels == {"hash_to_curve": "hash_to_curve", "hash_to_curve_batch": "hash_to_curve", "vocab": "vocab",
                      **{name: "compose" for name in ("compose", "compose_text", "compose_ids", "repeats",
                                                      "compose_chunks", "dask")},
                      **{name: "engine" for name in ("prefixes", "push", "window", "windows")}}
    h2c = ops.OPS["hash_to_curve"].method(quick)[1]
    assert h2c == ("messages b'token-<i>', distinct within and across the cycled input sets; "
                   "DST 'ectraverse-bench-v1'; the curve's default RFC 9380 suite")
    assert ops.OPS["vocab"].method(quick)[1].startswith("median of 3 timed builds per curve, after one untimed")
    assert ops.OPS["vocab"].method(quick)[1].endswith("; corpus: " + quick["method"]["vocab_corpus"])
    full = report.meta(_settings(), {}, {}, [], [])
    assert ops.OPS["vocab"].method(full)[1].startswith("one timed build per curve, after one untimed")
    assert "a push run of the text's first 12,000 tokens" in ops.OPS["compose"].method(quick)[1]
    assert "median of 3 timed calls" in ops.OPS["compose"].method(quick)[1]
    assert ops.OPS["push"].method(quick)[1].startswith(
        "push: 64 tokens a call; window and windows: prefix states of the text's first 12,000 tokens; checked")


def test_every_goal_is_judged_on_its_rows_against_its_target():
    """Every goal of the table on every curve, in report order: its target, and the times (or field) it divides.
    A target changed (1/3 to 1/2, 0.15 to 0.51), a goal compared with another op (mul_g for mul), measured at no
    size, or listed on a curve fewer, went unnoticed unless one of a few goals was looked at."""
    rng = random.Random(11)
    rows, value = [], {}

    def add(impl, curve, op, size=None, **fields):
        r = _us_row(impl, curve, op, rng.uniform(1, 100), size, **{f: rng.uniform(1, 100) for f in fields})
        rows.append(r)
        value.update({(impl, curve, op, size, k): v for k, v in r.items() if isinstance(v, float)})

    for c in bench.CURVES:
        for impl in ("ectraverse", "reference", "coincurve", "cryptography", "py_ecc"):
            for op in ("add", "mul", "mul_g", "hash_to_curve"):
                add(impl, c, op)
        for size in (16, 1024, 4096, 65536):
            add("ectraverse", c, "msm", size)
        add("ectraverse", c, "batch_add", 100_000)
        add("ectraverse", c, "hash_to_curve_batch", 10_000)
        if c != "secp256k1":  # the engine ops run on secp256k1 (their goals are listed where they ran)
            continue
        add("ectraverse", c, "compose", 1_000_000, push_us_per_token=1, push_s=1)
        add("ectraverse", c, "compose_text", 1_000_000, findall_us_per_token=1, findall_s=1)
        add("ectraverse", c, "compose_ids", 1_000_000)
        for op in ("prefixes", "push", "window"):
            add("ectraverse", c, op)
        for m in bench_inputs.WINDOWS_M:
            add("ectraverse", c, "windows", m)
        add("ectraverse", c, "repeats", 1_000_000, dict_us_per_window=1, peak_mb=1, dict_peak_mb=1)
        add("ectraverse", c, "compose_chunks", 1_000_000, compose_us_per_token=1, compose_s=1)
        add("ectraverse", c, "dask", 4_000_000, one_worker_us_per_token=1, compose_us_per_op=1, one_worker_s=1)
        rows[-1]["partitions"] = 4

    def ratio(op, size, vs, vs_size=None, field="us_per_op", vs_field=None, vs_impl="ectraverse"):
        def get(c):
            num = value["ectraverse", c, op, size, field]
            if vs_field:
                den = value["ectraverse", c, op, size, vs_field]
            else:
                den = value[vs_impl, c, vs, vs_size, "us_per_op"]
            return num / den
        return get

    k1 = [("add vs coincurve combine_keys", 1 / 3, ratio("add", None, "add", vs_impl="coincurve")),
          ("mul vs coincurve multiply", 1.5, ratio("mul", None, "mul", vs_impl="coincurve")),
          ("mul_g vs coincurve from_secret", 1.5, ratio("mul_g", None, "mul_g", vs_impl="coincurve")),
          ("batch_add per element vs coincurve combine_keys", 0.1,
           ratio("batch_add", 100_000, "add", vs_impl="coincurve")),
          ("msm(1024) per point vs ectraverse mul", 0.35, ratio("msm", 1024, "mul")),
          ("msm(4096) per point vs ectraverse mul", 0.15, ratio("msm", 4096, "mul")),
          ("msm(65536) per point vs ectraverse mul", 0.10, ratio("msm", 65536, "mul")),
          ("hash_to_curve_batch per message", 40.0, lambda c: value["ectraverse", c, "hash_to_curve_batch", 10_000,
                                                                   "us_per_op"]),
          ("hash_to_curve_batch per message vs reference hash_to_curve", 1 / 20,
           ratio("hash_to_curve_batch", 10_000, "hash_to_curve", vs_impl="reference")),
          ("compose per token vs Traverser.push per token", 1 / 50,
           ratio("compose", 1_000_000, None, vs_field="push_us_per_token")),
          ("compose(text) vs re.findall of the text", 1.0,
           ratio("compose_text", 1_000_000, None, vs_field="findall_us_per_token")),
          ("compose(ids) per token vs ectraverse mul", 0.004, ratio("compose_ids", 1_000_000, "mul")),
          ("prefixes per token vs ectraverse mul", 0.05, ratio("prefixes", None, "mul")),
          ("push vs ectraverse mul", 1.5, ratio("push", None, "mul")),
          ("window vs ectraverse mul", 1.5, ratio("window", None, "mul")),
          ("windows(8) per window vs window (length 8)", 1 / 2, ratio("windows", 8, "window")),
          ("windows(4) per window vs window (length 8)", 1 / 2, ratio("windows", 4, "window")),
          ("windows(8) per window vs ectraverse mul", 0.05, ratio("windows", 8, "mul")),
          ("repeats(8) vs a dict of 8-tuples", 2.0, ratio("repeats", 1_000_000, None, vs_field="dict_us_per_window")),
          ("repeats(8) peak memory", 300.0, lambda c: value["ectraverse", c, "repeats", 1_000_000, "peak_mb"]),
          ("compose_chunks (2 processes) vs compose in one process", 1 / 1.5,
           ratio("compose_chunks", 1_000_000, None, vs_field="compose_us_per_token")),
          ("dask.compose on 2 workers vs 1", 1 / 1.7,
           ratio("dask", 4_000_000, None, vs_field="one_worker_us_per_token")),
          ("dask.compose on 1 worker vs compose in one process", 1.3,
           ratio("dask", 4_000_000, None, field="one_worker_us_per_token", vs_field="compose_us_per_op"))]
    h2c = k1[7:9]
    want = [*(("secp256k1", *g) for g in k1),
            ("P-256", "mul vs cryptography exchange", 1.0, ratio("mul", None, "mul", vs_impl="cryptography")),
            *(("P-256", *g) for g in h2c),
            ("P-384", "mul vs cryptography exchange", 0.5, ratio("mul", None, "mul", vs_impl="cryptography")),
            ("P-521", "mul vs cryptography exchange", 0.5, ratio("mul", None, "mul", vs_impl="cryptography")),
            ("BN254", "mul vs py_ecc multiply", 0.2, ratio("mul", None, "mul", vs_impl="py_ecc")),
            ("BLS12-381", "mul vs py_ecc multiply", 1 / 3, ratio("mul", None, "mul", vs_impl="py_ecc"))]
    got = bench_goals.evaluate(rows, bench.CURVES)
    assert [g["goal"] for g in got] == [f"{c} {text}" for c, text, _, _ in want]
    for g, (c, _, target, measured) in zip(got, want):
        assert g["target"] == pytest.approx(target) and g["value"] == pytest.approx(measured(c)), g["goal"]
    assert {g["goal"].split(" ", 1)[1]: g["unit"] for g in got if g["unit"]} == {
        "hash_to_curve_batch per message": "µs", "repeats(8) peak memory": "MB"}


def test_the_ops_that_time_a_baseline_name_each_once():
    """windows compares with window twice (m = 8 and 4): its baselines listed window twice, and --op's help said
    "windows also times window and window and mul", unnoticed; compose(ids)'s and prefixes' mul not timed when
    they alone are selected, unnoticed too (only push, window and windows were planned in a test)."""
    assert {name: op.baselines for name, op in ops.OPS.items() if op.baselines} == {
        "compose_ids": ("mul",), "prefixes": ("mul",), "push": ("mul",), "window": ("mul",),
        "windows": ("window", "mul")}
    shown = " ".join(bench.build_parser().format_help().split())
    assert ("compose_ids and prefixes and push and window also time mul, and windows also times window and mul, "
            "for their goals.") in shown
    for op in ("compose_ids", "prefixes"):
        s, tasks, _ = plan("--curve", "secp256k1", "--op", op)
        assert {(t.impl, t.op) for t in tasks} == {("ectraverse", op), ("ectraverse", "mul")}


@pytest.mark.parametrize("impl, curve", [("ectraverse", "secp256k1"), ("reference", "secp256k1"),
                                         ("fastecdsa", "P-256"), ("py_ecc", "BN254")])
def test_a_sum_at_the_identity_is_given_as_none(impl, curve):
    """Results go to the check as affine points, None for the identity (the Case's contract): P + (-P) given as
    the identity's coordinates (or an error) went unnoticed, no drawn input sums to it."""
    if impl != "reference" and importlib.util.find_spec(impl) is None:
        pytest.skip(f"{impl} is not installed")
    adapter = bench.ADAPTERS[impl]()
    adapter.load()
    P = bench_inputs.InputFactory(bench_inputs.curve_params(), 1).build(curve, ops.OPS["double"], None).items[0]
    c = bench_inputs.curve_params()[curve]
    fn, results = adapter._add(curve, [(P, (P[0], c.p - P[1])), (P, P)])
    fn()
    assert results() == [[None, bench_inputs._add(c, P, P)]]


def test_an_adapters_version_is_its_distributions_else_its_modules_else_unknown(monkeypatch):
    """The distribution's version ignored (the module's read instead), a module imported but not loaded not
    read, or "unknown" not said, went unnoticed: versions were only printed."""
    import sys

    mod = argparse.Namespace(__version__="0.0.module")
    monkeypatch.setitem(sys.modules, "ectraverse_test_versioned", mod)

    class Versioned(bench.Adapter):
        modules = ("ectraverse_test_versioned",)

    assert Versioned().version() == "0.0.module"  # not loaded: found in sys.modules
    dist = type("Dist", (Versioned,), {"dist": "pytest"})
    assert dist().version() == pytest.__version__ and pytest.__version__ != "0.0.module"
    monkeypatch.delattr(mod, "__version__")
    assert Versioned().version() == "unknown"
    assert type("Gone", (Versioned,), {"dist": "ectraverse-test-no-such-dist"})().version() == "unknown"
    assert adapters.ReferenceAdapter().version() == "(this tree)"


def test_ectraverse_without_its_compiled_core_is_not_loaded(monkeypatch):
    """The package importable but its core not built (no ectraverse.curve): load refuses it with the reason,
    which the run prints; without that check every ectraverse cell failed with an AttributeError instead."""
    monkeypatch.delattr(ectraverse, "curve")
    with pytest.raises(ImportError,
                       match=r"^the package has no 'curve' function \(is the core built and installed\?\)$"):
        adapters.EctraverseAdapter().load()


def _spy(monkeypatch, calls, cls, name, key):
    """Record ``(name, key(*args, **kwargs))`` of every call of ``cls.name``, then make it."""
    f = getattr(cls, name)

    def spy(*args, **kwargs):
        calls.append((name, key(*args, **kwargs)))
        return f(*args, **kwargs)

    monkeypatch.setattr(cls, name, spy)


@needs_core
def test_ectraverses_timed_functions_do_the_op_on_the_inputs_in_turn(monkeypatch):
    """What is timed: a single op's fn does its op once on each input it checks, in order; a batch's, an MSM's
    and hash_to_curve_batch's one call on the next input set, in turn; msm_threads' on MSM_THREADS threads, its
    baseline on one. The timed fn was never looked at: a + a timed for P + Q, one input set timed again and
    again, or both sides of msm_threads on one thread, went unnoticed (the results come from other calls)."""
    from ectraverse.point import Curve, Point, PointArray

    calls = []
    xy = adapters._xy
    _spy(monkeypatch, calls, Point, "__add__", lambda a, b: (xy(a), xy(b)))
    _spy(monkeypatch, calls, Point, "double", lambda a: xy(a))
    _spy(monkeypatch, calls, Point, "__rmul__", lambda a, k: (k, xy(a)))
    _spy(monkeypatch, calls, Curve, "hash_to_curve", lambda C, m, dst: (m, dst))
    _spy(monkeypatch, calls, PointArray, "__add__", lambda a, b: (a.coordinates(), b.coordinates()))
    _spy(monkeypatch, calls, Curve, "multiply_generator", lambda C, ks: list(ks))
    _spy(monkeypatch, calls, PointArray, "msm", lambda A, ks: (A.coordinates(), list(ks)))
    _spy(monkeypatch, calls, Curve, "hash_to_curve_batch", lambda C, msgs, dst: (list(msgs), dst))
    _spy(monkeypatch, calls, PointArray, "msm_limbs", lambda A, limbs, threads=1: (A.coordinates(), threads))
    curve, dst = "secp256k1", bench_inputs.H2C_DST
    c = bench_inputs.curve_params()[curve]
    G = (c.gx, c.gy)
    factory = bench_inputs.InputFactory(bench_inputs.curve_params(), 1)
    adapter = adapters.EctraverseAdapter()
    adapter.load()
    want = {"add": lambda items: [("__add__", (P, Q)) for P, Q in items],
            "double": lambda items: [("double", P) for P in items],
            "mul": lambda items: [("__rmul__", (k, P)) for k, P in items],
            "mul_g": lambda items: [("__rmul__", (k, G)) for k in items],
            "hash_to_curve": lambda items: [("hash_to_curve", (m, dst)) for m in items]}
    for op, calls_of in want.items():
        inputs = factory.build(curve, ops.OPS[op], None)
        case = adapter.prepare(inputs)
        calls.clear()
        case.fn()
        assert calls == calls_of(inputs.items[:adapter.single_inputs]), op
    batch = {"batch_add": lambda s: ("__add__", s), "batch_mul_g": lambda s: ("multiply_generator", s),
             "msm": lambda s: ("msm", (s[1], s[0])), "hash_to_curve_batch": lambda s: ("hash_to_curve_batch", (s, dst))}
    for op, call_of in batch.items():
        inputs = factory.build(curve, ops.OPS[op], 8)
        case = adapter.prepare(inputs)
        calls.clear()
        for _ in range(3):
            case.fn()
        sets = [tuple(map(list, s)) if op in ("batch_add", "msm") else list(s) for s in inputs.items]
        assert calls == [call_of(sets[i]) for i in (0, 1, 0)], op
    inputs = factory.build(curve, ops.OPS["msm_threads"], 8)
    case = adapter.prepare(inputs)
    assert (case.ops_per_call, case.baseline_ops, case.inputs) == (8, 8, len(inputs.items))
    calls.clear()
    case.fn(), case.fn(), case.baseline()
    assert calls == [("msm_limbs", (list(Ps), t)) for (_, Ps), t in
                     zip(inputs.items + inputs.items[:1], (bench_inputs.MSM_THREADS, bench_inputs.MSM_THREADS, 1))]
    limbs = PointArray.msm_limbs  # the spy
    monkeypatch.setattr(PointArray, "msm_limbs", lambda A, L, threads=1: -limbs(A, L, threads=threads)
                        if threads > 1 else limbs(A, L, threads=threads))
    with pytest.raises(ArithmeticError, match=f"msm_limbs on {bench_inputs.MSM_THREADS} threads differs from one"):
        case.check()


@needs_core
@pytest.mark.parametrize("impl, curve", [("reference", "secp256k1"), ("coincurve", "secp256k1"),
                                         ("cryptography", "P-256"), ("fastecdsa", "P-256"), ("py_ecc", "BN254")])
def test_each_peers_timed_function_does_the_op_on_each_input(impl, curve, monkeypatch):
    """What a peer's fn times: its op once on each input it checks, in order (an MSM: the next input set, in
    turn). Never looked at: combine_keys([a]) timed for a doubling, one input multiplied instead of all, ECDH
    without the public key, fastecdsa's doubling doing nothing, py_ecc multiplying by 1, went unnoticed."""
    if impl != "reference" and importlib.util.find_spec(impl) is None:
        pytest.skip(f"{impl} is not installed")
    calls = []
    c = bench_inputs.curve_params()[curve]
    G = (c.gx, c.gy)
    adapter = bench.ADAPTERS[impl]()
    adapter.load()
    if impl == "reference":
        ref = ectraverse.reference
        _spy(monkeypatch, calls, ref, "add", lambda C, a, b: (a, b))
        _spy(monkeypatch, calls, ref, "double", lambda C, a: a)
        _spy(monkeypatch, calls, ref, "mul", lambda C, k, a: (k, a))
        _spy(monkeypatch, calls, ref, "msm", lambda C, ks, Ps: (list(ks), list(Ps)))
        want = {"add": ("add", lambda P, Q: (P, Q)), "double": ("double", lambda P: P),
                "mul": ("mul", lambda k, P: (k, P)), "mul_g": ("mul", lambda k: (k, G))}
    elif impl == "coincurve":
        key = adapter.mod["coincurve"].PublicKey
        _spy(monkeypatch, calls, key, "combine_keys", lambda keys: tuple(k.point() for k in keys))
        _spy(monkeypatch, calls, key, "multiply", lambda a, k: (int.from_bytes(k, "big"), a.point()))
        _spy(monkeypatch, calls, key, "from_secret", lambda k: int.from_bytes(k, "big"))
        want = {"add": ("combine_keys", lambda P, Q: (P, Q)), "double": ("combine_keys", lambda P: (P, P)),
                "mul": ("multiply", lambda k, P: (k, P)), "mul_g": ("from_secret", lambda k: k)}
    elif impl == "cryptography":
        ec = adapter.mod["cryptography.hazmat.primitives.asymmetric.ec"]
        derive = ec.derive_private_key

        class Key:  # a private key that says what is done with it
            def __init__(self, k, crv):
                self.k, self.key = k, derive(k, crv)

            def exchange(self, algorithm, peer):
                n = peer.public_numbers()
                calls.append(("exchange", (self.k, (n.x, n.y))))
                return self.key.exchange(algorithm, peer)

            def public_key(self):
                calls.append(("public_key", self.k))
                return self.key.public_key()

        monkeypatch.setattr(ec, "derive_private_key", Key)
        want = {"mul": ("exchange", lambda k, P: (k, P)), "mul_g": ("public_key", lambda k: k)}
    elif impl == "fastecdsa":
        point = adapter.mod["fastecdsa.point"]
        make = point.Point

        class Recorded:  # fastecdsa's Point cannot be subclassed: a point that says what is done with it
            def __init__(self, x, y, crv):
                self.p = make(x, y, crv)

            def __add__(self, other):
                calls.append(("+", ((self.p.x, self.p.y), (other.p.x, other.p.y))))
                return self.p + other.p

            def __rmul__(self, k):
                calls.append(("*", (k, (self.p.x, self.p.y))))
                return k * self.p

        monkeypatch.setattr(point, "Point", Recorded)
        want = {"add": ("+", lambda P, Q: (P, Q)), "double": ("+", lambda P: (P, P)), "mul": ("*", lambda k, P: (k, P)),
                "mul_g": None}  # k * curve.G: the library's own point, not recorded
    else:
        m = adapter.mod["py_ecc.optimized_bn128"]

        def aff(P):
            return (int(P[0].n), int(P[1].n))  # the inputs have z = 1

        _spy(monkeypatch, calls, m, "add", lambda a, b: (aff(a), aff(b)))
        _spy(monkeypatch, calls, m, "double", lambda a: aff(a))
        _spy(monkeypatch, calls, m, "multiply", lambda P, k: (k, aff(P)))
        want = {"add": ("add", lambda P, Q: (P, Q)), "double": ("double", lambda P: aff((m.FQ(P[0]), m.FQ(P[1])))),
                "mul": ("multiply", lambda k, P: (k, P)), "mul_g": ("multiply", lambda k: (k, G))}
    factory = bench_inputs.InputFactory(bench_inputs.curve_params(), 1)
    assert set(want) == {op for op in adapter.support[curve] if ops.OPS[op].kind == "single"} - {"hash_to_curve"}
    for op, (name, key) in ((op, spec) for op, spec in want.items() if spec is not None):
        inputs = factory.build(curve, ops.OPS[op], None)
        case = adapter.prepare(inputs)
        calls.clear()
        case.fn()
        items = inputs.items[:adapter.single_inputs]
        assert calls == [(name, key(*(item if isinstance(item, tuple) and op != "double" else (item,))))
                         for item in items], op
    if adapter.supports(curve, "msm"):
        inputs = factory.build(curve, ops.OPS["msm"], 8)
        case = adapter.prepare(inputs)
        calls.clear()
        for _ in range(3):
            case.fn()
        assert [call for call in calls if call[0] == "msm"] == [("msm", tuple(map(list, inputs.items[i])))
                                                                for i in (0, 1, 0)]


def _engine_inputs(op, size=None, **kwargs):
    factory = bench_inputs.InputFactory(bench_inputs.curve_params(), 1, **{"prefix_tokens": 40, "dask_block_bytes": 400,
                                                                            "compose_tokens": 300, **kwargs})
    return factory.build("secp256k1", ops.OPS[op], size)


@needs_core
def test_prefixes_is_timed_once_its_tables_settle_and_says_its_first_call(monkeypatch):
    """prefixes times the calls after the engine deepens its tables: the row's block is the settled one and
    settling_calls counts the untimed calls; its first call's time is per token. Timing from the first call,
    the first call's block, or its whole time as per token, went unnoticed (the row's fields were > 0)."""
    from ectraverse.traverse import _BLOCK_SIZES

    made = []
    prefixes = ectraverse.Traversal.prefixes
    monkeypatch.setattr(ectraverse.Traversal, "prefixes", lambda eng, tokens: made.append(prefixes(eng, tokens))
                        or made[-1])
    clock = itertools.count(0.0, 0.25)  # each reading a quarter of a second later
    monkeypatch.setattr(adapters.time, "perf_counter", lambda: next(clock))
    adapter = adapters.EctraverseAdapter()
    adapter.load()
    case = adapter.prepare(_engine_inputs("prefixes", prefix_tokens=3000))
    assert made[0]._block != _BLOCK_SIZES[-1]  # the first call's tables are not the deepest yet
    assert case.info == {"tokens": 3000, "block": _BLOCK_SIZES[-1], "settling_calls": len(made),
                         "first_us_per_token": 0.25e6 / 3000}
    assert made[-1]._block == _BLOCK_SIZES[-1] and all(s._block != _BLOCK_SIZES[-1] for s in made[:-1])


@needs_core
def test_a_context_is_checked_against_its_definition_by_its_length_and_its_point():
    """_defined compares an engine context with the reference's, both its length and its point: a wrong length
    with the right point (or the reverse) passed unnoticed, every engine context was right in both or neither."""
    eng = ectraverse.Traversal("secp256k1")
    tokens = ["alpha", "beta", "gamma"]
    right = eng.compose(tokens)
    adapters.EctraverseAdapter._defined(eng, right, tokens, "x")
    other = eng.compose(tokens[::-1])
    for wrong in (argparse.Namespace(length=4, point=right.point), argparse.Namespace(length=3, point=other.point)):
        with pytest.raises(ArithmeticError, match="^wrong result: x differs from its definition"):
            adapters.EctraverseAdapter._defined(eng, wrong, tokens, "x")


def _engine_case(op, size=None, **kwargs):
    adapter = adapters.EctraverseAdapter()
    adapter.load()
    return adapter.prepare(_engine_inputs(op, size, **kwargs))


@needs_core
def test_compose_times_the_whole_token_list_and_checks_its_length_and_its_push_run(monkeypatch):
    """compose's fn composes every token, its push run pushes every prefix token, the slice checked by the
    reference is the first 8 tokens; its check refuses a length other than the inputs' token count (tokens
    lost by the engine's tokenizer) and a push run that disagrees with compose. Each went unnoticed."""
    inputs = _engine_inputs("compose", 300)
    text, prefix = inputs.items
    seen = []
    compose, push = ectraverse.Traversal.compose, ectraverse.Traverser.push
    monkeypatch.setattr(ectraverse.Traversal, "compose", lambda eng, x: seen.append(len(x)) or compose(eng, x))
    monkeypatch.setattr(ectraverse.Traverser, "push", lambda tr, t: seen.append(t) or push(tr, t))
    case = _engine_case("compose", 300)
    seen.clear()
    case.fn()
    assert seen == [inputs.info["tokens"]]
    seen.clear()
    case.baseline()
    assert seen == list(prefix)
    monkeypatch.undo()
    defined = []
    reference = adapters.reference_context
    monkeypatch.setattr(adapters, "reference_context", lambda c, tokens, k: defined.append(tokens) or
                        reference(c, tokens, k))
    case.check()
    assert defined == [tuple(ectraverse.Traversal("secp256k1").tokens(text)[:8])]
    tokens = ectraverse.Traversal.tokens
    monkeypatch.setattr(ectraverse.Traversal, "tokens", lambda eng, t: tokens(eng, t)[:-1])
    with pytest.raises(ArithmeticError, match=f"compose\\(tokens\\) has length \\d+, not {inputs.info['tokens']}$"):
        _engine_case("compose", 300).check()
    monkeypatch.undo()
    pushes = itertools.count()
    monkeypatch.setattr(ectraverse.Traverser, "push", lambda tr, t: push(tr, "drift" if next(pushes) == 3 else t))
    with pytest.raises(ArithmeticError, match="pushing the first 40 tokens one at a time differs from composing them"):
        _engine_case("compose", 300).check()


@needs_core
def test_compose_text_checks_its_token_list_and_its_stream_and_times_them_beside(monkeypatch):
    """compose(text) against compose of its token list and compose_stream of its bytes (each went unchecked
    unnoticed: a wrong one passed), compose_stream timed beside it, re.findall of every token as the baseline."""
    inputs = _engine_inputs("compose_text", 300)
    case = _engine_case("compose_text", 300)
    tokens = inputs.info["tokens"]
    assert len(case.baseline()) == tokens and case.baseline_ops == tokens
    assert set(case.extra) == {"stream"} and case.extra["stream"][1] == tokens
    assert case.extra["stream"][0]() == ectraverse.Traversal("secp256k1").compose(inputs.items[0])
    identity = ectraverse.Traversal("secp256k1").identity
    monkeypatch.setattr(ectraverse.Traversal, "compose_stream", lambda eng, f: identity)
    with pytest.raises(ArithmeticError, match="compose_stream of the text's bytes differs from compose\\(text\\)"):
        case.check()
    monkeypatch.undo()
    compose = ectraverse.Traversal.compose
    monkeypatch.setattr(ectraverse.Traversal, "compose", lambda eng, x: identity if isinstance(x, list) and
                        len(x) > 8 else compose(eng, x))
    with pytest.raises(ArithmeticError, match="compose\\(text\\) differs from composing its token list"):
        case.check()


@needs_core
def test_push_window_and_windows_time_their_inputs_to_the_ends(monkeypatch):
    """push times SINGLE_INPUTS of more prefix tokens (every token was pushed, unnoticed: the tests' prefix had
    40); window's starts run from 0 to L - m and its reference slice is at the middle start; a prefix of exactly m
    tokens is enough for window and windows(m); windows' check counts the windows and reads the last one."""
    assert _engine_case("push", prefix_tokens=100).ops_per_call == bench_inputs.SINGLE_INPUTS
    m = bench_inputs.WINDOW_LENGTH
    starts = []
    window = ectraverse.PrefixStates.window
    monkeypatch.setattr(ectraverse.PrefixStates, "window", lambda s, i, j: starts.append((i, j)) or window(s, i, j))
    case = _engine_case("window", prefix_tokens=100)
    starts.clear()
    case.fn()
    count = bench_inputs.SINGLE_INPUTS
    assert starts == [(i * (100 - m) // (count - 1), i * (100 - m) // (count - 1) + m) for i in range(count)]
    assert starts[0] == (0, m) and starts[-1] == (100 - m, 100)
    defined = []
    reference = adapters.reference_context
    monkeypatch.setattr(adapters, "reference_context", lambda c, tokens, k: defined.append(tokens) or
                        reference(c, tokens, k))
    case.check()
    tokens = _engine_inputs("window", prefix_tokens=100).items
    i = starts[count // 2][0]
    assert defined == [tuple(tokens[i:i + m])]
    monkeypatch.undo()
    assert _engine_case("window", prefix_tokens=m).ops_per_call == 1
    for size in bench_inputs.WINDOWS_M:
        assert _engine_case("windows", size, prefix_tokens=size).ops_per_call == 1
    windows = ectraverse.PrefixStates.windows  # the cell keeps the bound method: patched before it is made
    monkeypatch.setattr(ectraverse.PrefixStates, "windows", lambda s, k: windows(s, k)[:-1])
    with pytest.raises(ArithmeticError, match="^wrong result: windows\\(8\\) of 40 tokens has 32 windows$"):
        _engine_case("windows", 8).check()

    def last_wrong(s, k):
        b = windows(s, k)
        P = b.points
        return ectraverse.ContextBatch(b._group, b.length, _replace(P, len(P) - 1, P[:1]))

    monkeypatch.setattr(ectraverse.PrefixStates, "windows", last_wrong)
    with pytest.raises(ArithmeticError, match="^wrong result: windows\\(8\\)\\[32\\] differs from window\\(32, 40\\)$"):
        _engine_case("windows", 8).check()


@needs_core
def test_prefixes_check_reads_its_last_state_and_a_window(monkeypatch):
    """prefixes' check: the last state against compose(tokens), window(3, L - 2) against compose of those
    tokens (each went unchecked unnoticed: every other check reads states the two ways agree on)."""
    case = _engine_case("prefixes")
    getitem, window = ectraverse.PrefixStates.__getitem__, ectraverse.PrefixStates.window
    monkeypatch.setattr(ectraverse.PrefixStates, "__getitem__", lambda s, i: getitem(s, i) if i != 40 else
                        getitem(s, 39))
    with pytest.raises(ArithmeticError,
                       match="^wrong result: the last prefix state differs from composing the tokens$"):
        case.check()
    monkeypatch.undo()
    monkeypatch.setattr(ectraverse.PrefixStates, "window", lambda s, i, j: window(s, i, j) if (i, j) != (3, 38) else
                        window(s, i, j - 1))
    with pytest.raises(ArithmeticError, match="^wrong result: window\\(3, 38\\) differs from composing those tokens$"):
        case.check()


@needs_core
def test_repeats_reports_its_groups_and_both_peaks(monkeypatch):
    """repeats' row: its groups and positions (those of the dict of m-tuples, which it equals), the peak memory of
    each side in MB, each its own; a peak is tracemalloc's peak, not what is left after the call. The positions
    given as the groups, the dict's peak as the op's, or the current size for the peak, went unnoticed."""
    peaks = iter([5e6, 7e6])
    monkeypatch.setattr(adapters, "_traced", lambda fn: (fn(), next(peaks)))
    case = _engine_case("repeats", 300)
    case.check()
    groups = case.baseline()
    assert any(len(g) > 2 for g in groups)  # positions and groups differ
    assert {k: case.info[k] for k in ("groups", "positions", "peak_mb", "dict_peak_mb")} == {
        "groups": len(groups), "positions": sum(map(len, groups)), "peak_mb": 5.0, "dict_peak_mb": 7.0}
    monkeypatch.undo()
    result, peak = adapters._traced(lambda: len(bytearray(10**7)))  # freed before the call returns
    assert result == 10**7 and peak >= 10**7


def test_the_cpu_of_a_dask_call_is_every_processs_user_and_system_time_per_call(monkeypatch):
    """_cpu_per_call: the user and system CPU of this process and of each worker, over the calls, per call. Its
    total instead, the workers left out, or the user time alone, went unnoticed (the row's cpu was > 0)."""
    psutil = pytest.importorskip("psutil")
    used = {"self": [0.0, 0.0], 11: [0.0, 0.0]}

    class Process:
        def __init__(self, pid="self"):
            self.pid = pid

        def cpu_times(self):
            return (*used[self.pid], 1000.0, 1000.0)  # then the children's: not this call's

    def run():
        used["self"][0] += 1.0
        used["self"][1] += 0.5
        used[11][0] += 2.0
        used[11][1] += 0.25

    monkeypatch.setattr(psutil, "Process", Process)
    client = argparse.Namespace(run=lambda f: {"tcp://worker": 11})
    assert adapters._cpu_per_call(run, client, calls=4) == pytest.approx(3.75)


def test_dask_alone_runs_a_graph_of_the_same_shape_with_its_own_keys_each_time():
    """_DaskShape: the engine's data kept under its key, every task replaced by one that does nothing with the
    same inputs, under keys of each run's own (keys reused from run to run went unnoticed: Dask may keep a
    finished key's result, and the floor would time nothing)."""
    dask = pytest.importorskip("dask")

    def part(engine, i):
        return (engine, i)

    graph = {"engine": b"pickled engine", ("part", 0): (part, "engine", 0), ("part", 1): (part, "engine", 1),
             "sum": (sorted, [("part", 0), ("part", 1)])}
    shape = adapters._DaskShape(argparse.Namespace(__dask_graph__=lambda: graph))
    assert shape.deps == {"engine": [], ("part", 0): ["engine"], ("part", 1): ["engine"],
                          "sum": [("part", 0), ("part", 1)]}
    assert (shape.data, shape.final) == ({"engine": b"pickled engine"}, "sum")
    graphs = []
    client = argparse.Namespace(get=lambda g, key: graphs.append((g, key)) or dask.get(g, key))
    assert shape.run(client) == 0 and shape.run(client) == 0
    (one, final1), (two, final2) = graphs
    assert one["engine"] == two["engine"] == b"pickled engine"
    assert set(one) & set(two) == {"engine"} and len(one) == len(two) == 4 and final1 != final2
    assert sorted(len(task) for k, task in one.items() if k != "engine") == [2, 2, 3]


@needs_core
def test_compose_chunks_warms_its_pool_twice_checks_a_slice_on_it_and_shuts_it_on_failure(monkeypatch):
    """compose_chunks: two untimed warm-up calls on the pool (both checked), the reference slice composed in 2
    chunks on the pool too; a warm-up that fails shuts the pool down before the error goes on. One warm-up, the
    slice composed without the pool, or a pool left running after a failed warm-up, went unnoticed."""
    shut, seen = [], []

    class Recording(adapters.concurrent.futures.ProcessPoolExecutor):
        def shutdown(self, *args, **kwargs):
            shut.append(kwargs)
            super().shutdown(*args, **kwargs)

    monkeypatch.setattr(adapters.concurrent.futures, "ProcessPoolExecutor", Recording)
    chunks = ectraverse.Traversal.compose_chunks
    monkeypatch.setattr(ectraverse.Traversal, "compose_chunks", lambda eng, parts, executor=None: seen.append(
        (list(map(len, parts)), isinstance(executor, Recording))) or chunks(eng, parts, executor))
    inputs = _engine_inputs("compose_chunks", 300)
    case = _engine_case("compose_chunks", 300)
    try:
        assert seen == [(list(map(len, inputs.items)), True)] * 2
        seen.clear()
        case.check()
        assert seen == [([4, 4], True)]
    finally:
        case.close()
    assert len(shut) == 1
    monkeypatch.setattr(ectraverse.Traversal, "compose_chunks", lambda eng, parts, executor=None: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        _engine_case("compose_chunks", 300)
    assert len(shut) == 2 and shut[-1] == {"cancel_futures": True}


@needs_core
def test_the_dask_cell_times_two_workers_against_one_and_checks_every_clusters_results(monkeypatch, tmp_path):
    """The dask cell on stand-in clusters (what it does with them, not Dask): its fn computes on the 2-worker
    cluster, its baseline on the 1-worker one; every warm-up result of both, and after timing each cluster's last
    one, is checked against compose of all the copies; its files are the copies, read in blocks of the option's
    bytes; the row gives the copies and the machine's cores; everything is closed after. Each went unnoticed."""
    pytest.importorskip("distributed")
    import contextlib

    import dask

    import ectraverse.dask as ed

    computed, closed, blocks = [], [], []
    wrong = set()  # the clusters whose results are wrong from now on

    class Lazy:
        def __init__(self, eng, bag):
            self.eng, self.bag = eng, bag

        def __dask_graph__(self):
            return {"engine": b"engine", ("part", 0): (len, "engine"), "sum": (sum, [("part", 0)])}

    class Client:
        def __init__(self, n):
            self.n = n

        def as_current(self):
            return contextlib.nullcontext()

        def compute(self, lazy):
            computed.append(self.n)
            texts = [open(p, encoding="utf-8").read() for p in lazy.bag.paths]
            result = lazy.eng.compose("\n".join(texts))
            return argparse.Namespace(result=lambda: lazy.eng.identity if self.n in wrong else result)

        def run(self, f):
            return {}

        def get(self, graph, key):
            return dask.get(graph, key)

        def close(self):
            closed.append(("client", self.n))

    class Cluster:
        def __init__(self, n):
            self.n = n

        def close(self):
            closed.append(("cluster", self.n))

    def text_blocks(paths, blocksize):
        blocks.append(blocksize)
        return argparse.Namespace(paths=list(paths), npartitions=len(paths) + 2)

    monkeypatch.setattr(ed, "text_blocks", text_blocks)
    monkeypatch.setattr(ed, "_local_cluster", lambda n, set_as_default: (Client(n), Cluster(n)))
    monkeypatch.setattr(ed, "compose", Lazy)
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    monkeypatch.setattr(adapters.tempfile, "tempdir", None)
    inputs = _engine_inputs("dask", 3000)
    text, copies = inputs.items
    assert copies == 3
    case = _engine_case("dask", 3000)
    try:
        [tmp] = tmp_path.iterdir()
        assert sorted(p.read_text(encoding="utf-8") for p in tmp.iterdir()) == [text] * 3 and blocks == [400]
        assert computed[:4] == [1, 1, 2, 2]  # the warm-ups
        assert (case.inputs, case.ops_per_call, case.baseline_ops) == (5, inputs.info["tokens"], inputs.info["tokens"])
        assert set(case.extra) == {"compose", "floor1", "floor2"}
        assert {k: case.info[k] for k in ("workers", "partitions", "copies", "block_bytes", "tasks1", "tasks2",
                                          "cores")} == {"workers": [1, 2], "partitions": 5, "copies": 3,
                                                        "block_bytes": 400, "tasks1": 3, "tasks2": 3,
                                                        "cores": os.cpu_count()}
        case.check()
        computed.clear()
        case.fn()
        case.baseline()
        assert computed == [2, 1]
        case.after()
        wrong.add(2)
        case.fn()
        with pytest.raises(ArithmeticError, match="on 2 worker\\(s\\) differs from compose\\(text\\)"):
            case.after()
    finally:
        case.close()
    assert sorted(closed) == [("client", 1), ("client", 2), ("cluster", 1), ("cluster", 2)] and not tmp.exists()
    wrong.add(2)
    case = _engine_case("dask", 3000)  # results wrong on the 2-worker cluster from its first warm-up on
    try:
        with pytest.raises(ArithmeticError, match="ectraverse.dask.compose of the bag differs from compose"):
            case.check()
    finally:
        case.close()


def test_a_single_op_is_timed_on_the_inputs_there_are():
    """An adapter that could take more inputs than are drawn times those there are: its operations per call
    are the inputs it has, not its single_inputs (unnoticed: every adapter takes at most SINGLE_INPUTS)."""
    class Greedy(FakeAdapter):
        single_inputs = 1000

    inputs = bench_inputs.InputFactory(bench_inputs.curve_params(), 1).build("secp256k1", ops.OPS["add"], None)
    case = Greedy().prepare(inputs)
    assert case.ops_per_call == case.inputs == len(inputs.items) == bench_inputs.SINGLE_INPUTS


def test_each_ops_label_and_sizes():
    """The row labels (a size with its thousands separator, about so many tokens, the processes or workers of
    compose_chunks and dask) and the sizes of a full and a --quick run: a label losing its processes, or the
    full run's largest MSM, went unnoticed (the tests read labels in part, and sizes of --quick runs)."""
    n = 12_345
    assert {name: op.label_of(n) for name, op in ops.OPS.items()} == {
        **{name: name for name in ("add", "double", "mul", "mul_g", "hash_to_curve", "prefixes", "push")},
        "batch_add": "batch_add (n=12,345)", "batch_mul_g": "batch_mul_g (n=12,345)", "msm": "msm(12345)",
        "msm_threads": "msm_threads(12345)", "hash_to_curve_batch": "hash_to_curve_batch (n=12,345)",
        "vocab": "vocab (~12,345 tokens)", "compose": "compose (~12,345 tokens)",
        "compose_text": "compose_text (~12,345 tokens)", "compose_ids": "compose_ids (~12,345 tokens)",
        "window": "window (length 8)", "windows": "windows(12345)", "repeats": "repeats (~12,345 tokens)",
        "compose_chunks": "compose_chunks (~12,345 tokens, 2 processes)", "dask": "dask (~12,345 tokens, 2 workers)"}
    assert {name: op.label_of(None) for name, op in ops.OPS.items()} == {
        **{name: name for name in ops.OPS}, "window": "window (length 8)"}
    full, quick = _settings(), _settings("--quick")
    assert (full.sizes["msm"], quick.sizes["msm"]) == ((16, 64, 256, 1024, 4096, 65536), (16, 256))
    assert (full.sizes["msm_threads"], quick.sizes["msm_threads"]) == ((4096, 65536), (4096,))


def test_only_vocab_reports_its_tokenizing_to_the_progress_bar(monkeypatch):
    """On a terminal, vocab's cell is given a TokenProgress (a bar of its tokenizing), the other cells nothing:
    vocab losing it went unnoticed (under pytest stderr is never a terminal)."""
    given = {}

    class Factory:
        def build(self, curve, op, size):
            return argparse.Namespace(op=op.name, info={"tokens": 10, "distinct_tokens": 4, "texts": 2, "corpus": "c"})

    class Fake:
        def prepare(self, inputs, progress=None):
            given[inputs.op] = progress
            return adapters.Case(lambda: None, 10, 2, "synthetic")

    monkeypatch.setattr(runner, "measure", lambda fn, *, ops_per_call, min_time, repeats:
                        timing.Measurement(1, ops_per_call, (1.0,) * repeats))
    err = Console(file=io.StringIO(), force_terminal=True, width=120)
    tasks = [runner._Task("fake", "secp256k1", "add", None), runner._Task("fake", "secp256k1", "vocab", 10)]
    rows = runner._run_tasks(_settings("--op", "add", "--op", "vocab"), tasks, {"fake": Fake()}, Factory(), err)
    assert [r["op"] for r in rows if "error" not in r] == ["add", "vocab"]
    assert given["add"] is None and isinstance(given["vocab"], runner.TokenProgress)
    assert [name for name, op in ops.OPS.items() if op.reports_tokens] == ["vocab"]


@needs_core
@pytest.mark.parametrize("impl", ["coincurve", "cryptography", "fastecdsa", "py_ecc"])
def test_each_peer_gives_right_results_on_every_curve_it_offers(impl):
    """Each peer on each curve it offers (coincurve on secp256k1; cryptography and fastecdsa on the four NIST-style
    curves; py_ecc on BN254 and BLS12-381): mul there, every point op on the first. The tests ran one curve and
    three ops a peer: its doubling giving 3P, P-384 and P-521 swapped, BLS12-381 computed as BN254, or a curve
    dropped, went unnoticed."""
    if importlib.util.find_spec(impl) is None:
        pytest.skip(f"{impl} is not installed")
    nist = ("secp256k1", "P-256", "P-384", "P-521")
    offered = {"coincurve": ("secp256k1",), "cryptography": nist, "fastecdsa": nist,
               "py_ecc": ("BN254", "BLS12-381")}[impl]
    adapter = bench.ADAPTERS[impl]()
    adapter.load()
    assert tuple(c for c in bench.CURVES if adapter.support.get(c)) == offered
    factory = bench_inputs.InputFactory(bench_inputs.curve_params(), 1)
    for curve in offered:
        for op in sorted(adapter.support[curve]) if curve == offered[0] else ["mul"]:
            inputs = factory.build(curve, ops.OPS[op], None)
            case = adapter.prepare(inputs)
            [got] = case.results()
            want = inputs.expected()[0][:case.inputs]
            assert got == ([P[0] for P in want] if case.x_only else want), (curve, op)


def test_every_goals_comparison_is_offered_where_the_goal_is_listed():
    """A goal against a peer is judged only if that peer offers the op on the goal's curves: cryptography
    without P-521 left the P-521 mul goal unjudgeable, unnoticed."""
    for op in ops.OPS.values():
        for g in op.goals:
            if g.vs is not None and g.curves is not None:
                for c in g.curves:
                    assert bench.ADAPTERS[g.vs[0]].support[c] >= {g.vs[1]}, (g.text, c)


def test_the_slow_peers_notes_say_how_many_inputs_they_time():
    """The reference and py_ecc time 8 inputs per call (the reference: MSMs up to 16 points), as their notes say:
    a count changed without its note went unnoticed."""
    ref, py_ecc = adapters.ReferenceAdapter, adapters.PyEccAdapter
    assert (ref.single_inputs, ref.max_size, py_ecc.single_inputs) == (8, 16, 8)
    assert "8 inputs per call, MSM up to 16 points" in " ".join(ref.notes)
    assert "pure Python, so 8 inputs per call" in " ".join(py_ecc.notes)


def test_the_implementations_are_reported_in_their_order_and_cryptography_names_its_openssl():
    """The columns and the versions in the report's order (ectraverse, the reference, then the peers by speed of
    their libraries' kind), and cryptography's version with the OpenSSL it uses: unnoticed if changed."""
    assert list(bench.ADAPTERS) == ["ectraverse", "reference", "coincurve", "cryptography", "fastecdsa", "py_ecc"]
    if importlib.util.find_spec("cryptography") is None:
        pytest.skip("cryptography is not installed")
    a = adapters.CryptographyAdapter()
    a.load()
    version = importlib.import_module("importlib.metadata").version("cryptography")
    assert a.version().startswith(f"{version} (") and "OpenSSL" in a.version()


@needs_core
def test_compose_ids_times_an_int64_array_of_first_appearance_numbers_and_names_each_check(monkeypatch):
    """compose_ids composes a NumPy int64 array of the tokens numbered in order of first appearance; its check
    says which comparison fails: the array against its list first (an int32 array, or that check dropped, the
    chunks' message given instead, went unnoticed)."""
    np = pytest.importorskip("numpy")
    seen = []
    compose = ectraverse.Traversal.compose
    monkeypatch.setattr(ectraverse.Traversal, "compose", lambda eng, x: seen.append(x) or compose(eng, x))
    case = _engine_case("compose_ids", 300)
    seen.clear()
    case.fn()
    [ids] = seen
    tokens = ectraverse.Traversal("secp256k1").tokens(_engine_inputs("compose_ids", 300).items[0])
    number = {t: i for i, t in enumerate(dict.fromkeys(tokens))}
    assert isinstance(ids, np.ndarray) and ids.dtype == np.int64 and ids.tolist() == [number[t] for t in tokens]
    identity = ectraverse.Traversal("secp256k1").identity
    monkeypatch.setattr(ectraverse.Traversal, "compose", lambda eng, x: identity if isinstance(x, np.ndarray) and
                        len(x) > 8 else compose(eng, x))
    with pytest.raises(ArithmeticError,
                       match="^wrong result: compose of the id array differs from composing its list$"):
        _engine_case("compose_ids", 300).check()


@needs_core
def test_prefixes_check_compares_two_calls_in_the_middle(monkeypatch):
    """Two calls of prefixes compared at 0, 1, L // 2, L - 1 and L: a later call wrong at the middle only went
    unnoticed when the middle was not read."""
    made = []
    prefixes, getitem = ectraverse.Traversal.prefixes, ectraverse.PrefixStates.__getitem__
    monkeypatch.setattr(ectraverse.Traversal, "prefixes", lambda eng, t: made.append(prefixes(eng, t)) or made[-1])
    monkeypatch.setattr(ectraverse.PrefixStates, "__getitem__", lambda s, i: getitem(s, 19) if i == 20 and
                        s is not made[0] else getitem(s, i))
    with pytest.raises(ArithmeticError, match="^wrong result: prefixes\\(tokens\\)\\[20\\] differs between two calls$"):
        _engine_case("prefixes").check()


def test_a_dask_row_without_its_partitions_is_still_judged():
    """_one_partition reads the row's partitions if there are any (a row from before they were recorded): a
    KeyError for a row without them went unnoticed, every row had them."""
    row = _us_row("ectraverse", "secp256k1", "dask", 0.25, 200_000, one_worker_us_per_token=0.5, compose_us_per_op=0.25)
    goals = {g["goal"]: g for g in bench_goals.evaluate([row], ("secp256k1",))}
    assert goals["secp256k1 dask.compose on 2 workers vs 1"]["status"] == "pass"


@needs_core
def test_a_wrong_doubling_is_a_wrong_result(monkeypatch):
    """double's results come from P.double(), the path it times: results made by P + P instead passed a wrong
    double() unnoticed (the negated-result test covers +, *, hash_to_curve, not double)."""
    from ectraverse.point import Point

    double = Point.double
    monkeypatch.setattr(Point, "double", lambda P: -double(P))
    inputs = bench_inputs.InputFactory(bench_inputs.curve_params(), 1).build("secp256k1", ops.OPS["double"], None)
    adapter = adapters.EctraverseAdapter()
    adapter.load()
    case = adapter.prepare(inputs)
    with pytest.raises(ArithmeticError, match="^wrong result: ectraverse double, input set 0, element 0 of 64"):
        runner._check_results(runner._Task("ectraverse", "secp256k1", "double", None), "double", case, inputs)
