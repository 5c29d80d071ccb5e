"""``ectraverse bench``: time ectraverse side by side with its peers, in one run.

For every curve and operation the harness times ectraverse, the pure-Python
oracle :mod:`ectraverse.reference`, and each peer library that is installed
(coincurve, cryptography, fastecdsa, py_ecc: the optional ``bench`` extra).
A peer that is missing is skipped with a "not installed" note.

Method, the same for every cell (implementation, curve, operation):

* inputs (scalars and points) are made outside the timed region from a
  ``random.Random`` seeded by ``--seed``, the curve, the operation and the size,
  so every implementation gets the same inputs; points are converted to each
  implementation's own objects before timing;
* a cell's callable runs the operation over a list of distinct inputs (single
  operations) or makes one batch call, cycling through two input sets (batch
  operations and MSM); a single call is never timed;
* the loop count is calibrated until one repeat lasts at least ``--min-time``
  (0.1 s; 0.02 s with ``--quick``); then ``--repeats`` repeats (5; 3 with
  ``--quick``) are timed with :func:`time.perf_counter`, garbage collection off
  as in :mod:`timeit`, and the **median** is reported as µs per operation
  (per element for batch operations, per point for MSM) and operations per
  second;
* before timing, the result of every input a cell times, in every input set,
  is compared, both coordinates, element by element, with the expected points
  (:mod:`~ectraverse.bench.inputs`): the inputs' points have known discrete
  logs, so every expected result of the group operations is ``e*G`` for a known
  ``e``, all made at once by ectraverse's ``curve.multiply_generator`` (for
  ``batch_mul_g``, which times that call, ``e * G`` one at a time) and
  verified against the pure-Python reference (their sum is ``(sum of e)*G`` by
  one ``reference.mul``; the first, the last and 4 seeded-random ones are each
  ``reference.mul(e, G)``); the hash operations' by ectraverse the other way
  than the cell times them (one message at a time for the batches and
  ``vocab``, ``curve.hash_to_curve_batch`` for the single one), verified
  against the reference's RFC 9380 slow path on the first, the last and 4
  seeded-random messages. The expected
  points of a (curve, operation, size) are made once and shared by every
  implementation. cryptography's ECDH gives x only: its ``mul`` is compared on
  x. A wrong result is reported as an error row naming the input set and the
  element, and the exit status is 1.

One group operation is ectraverse's alone: ``msm_threads``, the MSM's points
and scalars (as limbs) of 4,096 and 65,536 terms (4,096 with ``--quick``),
``PointArray.msm_limbs(limbs, threads=2)`` against ``msm_limbs(limbs)`` on one
thread, the two timed alternately, repeat by repeat (:func:`measure_pair`),
per point; checked: both input sets' results against the expected points,
and both thread counts give the same point.

The token layer has three operations of its own, run on secp256k1 and P-256
unless ``--curve`` names other curves:

* ``hash_to_curve``: ``curve.hash_to_curve(msg, dst)``, one message per call,
  over distinct messages ``b"token-<i>"`` with the DST ``b"ectraverse-bench-v1"``;
  the reference runs RFC 9380's slow path (:func:`ectraverse.rfc9380.field_elements`
  then :func:`ectraverse.reference.hash_to_curve_from_u`), on 8 messages;
* ``hash_to_curve_batch``: ``curve.hash_to_curve_batch(msgs, dst)``, one call
  for 10,000 distinct messages (1,000 with ``--quick``), reported per message;
* ``vocab``: ``Vocabulary.from_corpus(texts, "words", curve=...)`` then
  ``.generators`` (hashing is lazy, so the time includes it) over the Python
  standard library's own top-level ``*.py`` files, sorted by name and taken
  whole until about 10**6 tokens (10**5 with ``--quick``; ``--vocab-tokens``).
  It is reported per token and as tokens per second and µs per distinct token.
  A full-size build takes about a second, so it is timed once (after one
  untimed calibration build that doubles as a warm-up), not ``--repeats``
  times, unless ``--repeats`` is given. ectraverse alone offers it.

Hash results are checked as the group operations' are: every message's point
(``vocab``: every generator, in the vocabulary's order, under its DST) against
the expected points.

The traversal engine has ten operations, run on secp256k1 unless ``--curve``
names other curves (ectraverse alone offers them). Each cell builds its own
:class:`~ectraverse.Traversal` and checks, untimed, one result of its kind on a
slice of 8 of its tokens against the definition of a context,
``S = sum of k^(L-i)*P_(u_i)`` with ``k`` the engine's multiplier and ``P_t``
the reference's RFC 9380 hash of the token (:func:`~ectraverse.bench.inputs.reference_context`),
and its timed results against the engine's other paths (each row's ``check``
says what; ``repeats``, which gives no points, against a dict of 8-tuples):

* ``compose``: ``eng.compose(tokens)``, where the tokens are the ``vocab`` corpus's
  files joined by ``"\\n"`` and tokenized once, untimed, like the push run's
  tokens (about 10**6 tokens; 10**5 with ``--quick``; ``--compose-tokens``),
  warm (one untimed compose first
  hashes the vocabulary). Reported as tokens per second, against a run of
  ``eng.traverser().push(t)`` over the text's first 10**4 tokens
  (``--prefix-tokens``) timed the same way (a goal's two sides alternate
  repeat by repeat, :func:`measure_pair`), scaled to the text's length;
  checked: the compose equals its pieces of 8,192 tokens composed apart and
  merged (``compose_chunks``: the coefficients' other path), and the push
  run's state equals the compose of its tokens;
* ``compose_text``: ``eng.compose(text)`` of the same text (the str path: the
  compiled tokenizer), against ``re.findall(r"\\w+|[^\\w\\s]", text)``, and beside
  them ``eng.compose_stream`` of its UTF-8 bytes; checked: the three agree;
* ``compose_ids``: ``eng.compose`` of a NumPy int64 array of the text's tokens
  numbered in order of first appearance; checked against the list of the same
  ints and its pieces of 8,192 merged;
* ``prefixes``: ``eng.prefixes(tokens)`` of the first 10**4 tokens, per token,
  on an engine that keeps its per-token tables (the first call, which makes
  them, and those until they settle, untimed and reported); checked: two calls
  agree, the last state is the compose of the tokens, a window the compose of
  its slice;
* ``push``: one ``Traverser.push(token)``, 64 tokens per call; checked: a fresh
  traverser's state is the compose of the tokens, and after timing the timed
  traverser's is ``compose(tokens) ** calls``;
* ``window``: one ``PrefixStates.window(i, i + 8)`` on the prefix states of
  the first 10**4 tokens, at 64 starts spread over them; checked at every
  start against ``compose`` of the slice;
* ``windows``: ``PrefixStates.windows(m)`` on the same states, per window, one
  row each for m = 8 and m = 4; checked: ``windows(m)[i] == window(i, i + m)``
  for every i;
* ``repeats``: ``eng.repeats(tokens, 8)`` of the text's tokens, against a dict
  of 8-tuples giving the same groups, per window, and the peak memory of each
  (``tracemalloc``, untimed); checked: the same groups;
* ``compose_chunks``: ``eng.compose_chunks(chunks, pool)``, the compose text
  cut at line boundaries into 2 str chunks, tokenized and composed in the
  workers of a ``concurrent.futures.ProcessPoolExecutor(2)`` (the platform's
  default start method), against ``eng.compose(text)`` in this process timed
  the same way; the pool is warmed by two untimed calls (the workers have
  started and imported everything; the engine travels with its hashed
  vocabulary, so they hash nothing, and each keeps its unpickled copy, so
  the timed calls pickle the engine once each but unpickle nothing);
  checked: both warm-up calls and, after timing, the last timed call equal
  ``compose(text)``. ``--quick`` runs it too, on
  its 10**5-token text: with the ``fork`` start method the pool starts in
  milliseconds, and with ``spawn`` or ``forkserver`` its start-up (about a
  second) falls in the untimed warm-up.
* ``dask``: ``ectraverse.dask.compose(eng, bag)`` computed on a
  ``distributed.LocalCluster`` of 2 worker processes (one thread each),
  against the same on a cluster of 1 worker and ``eng.compose(text)`` in this
  process, the three timed side by side, repeat by repeat
  (:func:`measure_group`); the bag is ``ectraverse.dask.text_blocks`` of copies
  of the compose text, one file each, as many as make about 4x10**6 tokens
  (2x10**5 with ``--quick``, 2 copies of its text; ``--dask-tokens``; at least
  one: a bag of one partition leaves the 2-workers goal n.a.), read in blocks of about
  8 MiB cut after newlines, as ``ectraverse compose --scheduler`` reads
  files (``--dask-block-bytes``; a block a file at the default size: 4
  partitions); each call is computed under its cluster's client made current,
  as under a default client, so the engine is scattered to the workers once;
  the vocabulary is hashed before that, and two untimed calls per cluster
  warm the workers; checked: both clusters' warm-up results and, after
  timing, their last timed results equal ``compose(text)``.
  Timed beside them, on each cluster, Dask alone: a graph of the
  computation's shape (the engine, a task a partition, the merges and the
  MSM: one task on one worker thread, two slices and their sum on two) whose
  tasks do nothing; and, untimed, the CPU a
  call takes in all (the workers, the client and the schedulers, by
  ``psutil``). It needs the ``dask`` extra: without it the op is not offered.

``compose`` and ``compose_chunks`` take about a second per call at full size,
so they are timed 5 times (3 with ``--quick``; the median is reported;
``--repeats`` overrides),
after the calibration call, which doubles as one more warm-up. The goals of
``push`` and ``window`` compare with ectraverse's own ``mul`` on the same curve,
and those of ``windows`` with ``window``: when they are not selected they are
timed as well (ectraverse only), with a note.

Run it as ``ectraverse bench`` (or ``python -m ectraverse.bench``)::

    ectraverse bench --quick
    ectraverse bench --curve secp256k1 --op mul --op mul_g --json bench.json
    ectraverse bench --op hash_to_curve_batch --op vocab --curve P-256
    ectraverse bench --curve secp256k1 --op mul --op compose --op push --op window --op windows --op compose_chunks
    ectraverse bench --op dask --curve secp256k1 --json dask.json

The table shows times and, in parentheses, each implementation's time relative
to ectraverse's (above 1 means ectraverse is faster). A final table compares the
measurements with the project's speed goals; it informs, it never fails a run.

``--json PATH`` writes ``{"meta": {...}, "results": [...], "goals": [...]}``:
``meta`` holds the versions, machine, method, selection, command line and date;
each result has ``impl``, ``curve``, ``op``, ``size`` (null for single
operations, the batch length or MSM size otherwise), ``us_per_op``,
``ops_per_s``, ``loops``, ``repeats``, ``median_s`` and ``all_s`` (seconds per
repeat of ``loops`` calls), plus ``ops_per_call``, ``us_per_call``, ``inputs``,
``checked`` (what the check compared, a short text: ``"every result vs
reference-verified expected points"``; ``"x of every result vs ..."`` with the
reason for cryptography's ``mul``; ``"engine vs reference on a slice, and vs
itself"`` for the engine operations; ``repeats``' says its dict) and ``per``
(``"op"``, ``"element"``, ``"point"``, ``"message"``,
``"token"`` or ``"window"``); a ``vocab`` result also has ``tokens``,
``distinct_tokens``, ``texts``, ``tokens_per_s`` and ``us_per_distinct_token``,
and its ``size`` is the requested number of tokens (``tokens`` is the actual
count: whole files are taken). Engine results have ``check`` (what was
compared); ``compose`` and ``compose_chunks`` have ``tokens``,
``distinct_tokens``, ``texts`` and ``tokens_per_s`` as ``vocab`` (``size`` is
the requested number of tokens), and ``speedup`` (the comparison's time over
the operation's, for the same tokens); ``compose`` also ``compose_s`` (seconds
per compose), ``push_tokens``, ``push_run_s`` (seconds per push run),
``push_loops``, ``push_all_s``, ``push_us_per_token``, ``push_tokens_per_s``
and ``push_scaled_s`` (the push run scaled to the text's tokens);
``compose_chunks`` also ``chunks``, ``workers``, ``start_method``,
``chunk_chars``, ``chunks_s`` (seconds per call), ``compose_s``,
``compose_loops``, ``compose_all_s``, ``compose_us_per_token`` and
``compose_tokens_per_s`` (compose in one process); ``compose_text`` also
``compose_s``, ``findall_s``, ``findall_loops``, ``findall_all_s``,
``findall_us_per_token`` (``re.findall`` of the text) and ``stream_s``,
``stream_loops``, ``stream_all_s``, ``stream_us_per_op`` (``compose_stream`` of
its bytes); ``compose_ids`` also ``distinct_ids``; ``prefixes`` ``tokens``,
``block`` (the states' block size), ``settling_calls`` and
``first_us_per_token`` (the first call, which makes the tables); ``repeats``
``tokens``, ``distinct_tokens``, ``window_length``, ``windows``,
``repeats_s``, ``groups``, ``positions``, ``peak_mb`` and the dict's
``dict_s``, ``dict_loops``, ``dict_all_s``, ``dict_us_per_window`` and
``dict_peak_mb``; ``msm_threads`` ``threads``, ``threaded_s``,
``one_thread_s``, ``one_thread_loops``, ``one_thread_all_s``,
``one_thread_us_per_point`` and ``speedup``; ``dask`` also
``copies``, ``block_bytes``, ``partitions``, ``tasks1`` and ``tasks2`` (of the
computation's graph on each cluster), ``workers``,
``method``, ``two_workers_s``, ``one_worker_s``, ``one_worker_loops``,
``one_worker_all_s``, ``one_worker_us_per_token``, ``compose_s``,
``compose_loops``, ``compose_all_s``, ``compose_us_per_op``, ``speedup`` (1
worker's time over 2 workers'), ``cores`` (of the machine) and, per cluster of
N workers, Dask alone as ``floorN_s``, ``floorN_loops``, ``floorN_all_s`` and
``floorN_us_per_op``, and ``cpuN_s`` (CPU seconds a call, every process); ``window`` and ``windows``
have ``tokens`` (of the prefix states) and ``window_length``, and ``windows``
has ``windows`` (per call; its ``size`` is m). A cell that failed has
``error`` instead of timings.
The exit status is 1 if any cell failed.

The package, one concern per module:

* :mod:`~ectraverse.bench.ops`: the op table, one :class:`~ectraverse.bench.ops.Op`
  per operation, its goals with it (light: the option parser reads it);
* :mod:`~ectraverse.bench.inputs`: the seeded inputs, made with
  :mod:`ectraverse.reference`, one drawer per kind of input, and their expected
  points (made by ectraverse, verified against the reference);
* :mod:`~ectraverse.bench.adapters`: one adapter per implementation (ectraverse,
  reference, coincurve, cryptography, fastecdsa, py_ecc), with a timing function per op;
* :mod:`~ectraverse.bench.timing`: :func:`measure` and :func:`measure_pair`;
* :mod:`~ectraverse.bench.args`: the options and the settings of a run (light);
* :mod:`~ectraverse.bench.runner`: plans the cells and times them;
* :mod:`~ectraverse.bench.goals`: the goal table from the rows;
* :mod:`~ectraverse.bench.report`: the metadata and the tables (``rich``);
* :mod:`~ectraverse.bench.units`: how numbers are shown.

Importing this package loads the light modules only; :func:`run` loads the
runner and ``rich`` when a run starts, so ``ectraverse bench --help`` stays quick.

Adding an op
------------

1. Add one :class:`~ectraverse.bench.ops.Op` to ``OPS`` in
   :mod:`~ectraverse.bench.ops`, where it should appear in the report: its
   name, ``--op`` help, layer (``"group"``, ``"token"`` or ``"engine"``: where
   it runs by default), kind (``"single"``: a loop over distinct inputs;
   ``"batch"``: one call of ``size`` ops; ``"whole"``: the adapter builds the
   whole cell, as the engine ops do), what a time is per, its drawer of
   inputs (reuse one of :mod:`~ectraverse.bench.inputs`, or add one there),
   and as needed its label, ``Sizes(full, quick, option)``, repeats, goals
   (``Goal("{curve} x vs y", "≤ 1/2", vs=("ectraverse", "mul", None))``;
   ``plan_vs=True`` times the comparison too when it is not selected), extra
   JSON fields (``row``) and table cell (``cell``, or ``suffix`` and ``note``).
2. Add its timing function ``_<name>`` to each adapter that offers it in
   :mod:`~ectraverse.bench.adapters`, and the op to that adapter's ``support``
   (ectraverse's offers every op of the table). A ``"single"`` or ``"batch"``
   op's function takes ``(curve, items)`` and returns ``(fn, results)``: ``fn()``
   runs the ops, ``results()`` gives the result of every input ``fn`` times, as
   affine points, one list per input set, which the run compares element by
   element with the drawer's expected points; a ``"whole"`` op's takes
   ``(inputs, progress)`` and returns a :class:`Case`, whose ``results``,
   ``check`` and ``after`` compare results untimed and whose ``baseline`` is
   timed alternately with it.
3. A new size option (``--msm-size`` and its kin) is a
   :class:`~ectraverse.bench.ops.SizeOption` plus its ``add_argument`` in
   :mod:`~ectraverse.bench.args`; a new op on an existing option needs neither.

``tests/test_bench.py`` runs every op of the table on the ectraverse adapter
(``test_ectraverse_adapter_runs_every_op``): a new op is covered at once.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from ectraverse.bench.adapters import ADAPTERS, Adapter, Case
from ectraverse.bench.args import add_arguments, build_parser
from ectraverse.bench.ops import CURVES, OPS, Goal, Op
from ectraverse.bench.timing import Measurement, measure, measure_group, measure_pair

__all__ = [
    "ADAPTERS",
    "CURVES",
    "OPS",
    "Adapter",
    "Case",
    "Goal",
    "Measurement",
    "Op",
    "add_arguments",
    "build_parser",
    "main",
    "measure",
    "measure_group",
    "measure_pair",
    "run",
]


def run(args: argparse.Namespace, *, argv: Sequence[str] | None = None) -> int:
    """Run the benchmark described by parsed ``args``.

    Args:
        args: the namespace from :func:`build_parser` (or a parser given
            :func:`add_arguments`).
        argv: the arguments as given, recorded in the JSON metadata
            (``sys.argv[1:]`` when None).

    Returns:
        0 on success; 1 if a cell failed, a result was wrong, or nothing could
        be measured; 2 for an option refused after parsing (a ``--json`` path
        that cannot be written, checked before anything is timed).
    """
    from ectraverse.bench import runner  # rich and the runner load when a run starts, not on import

    return runner.run(args, argv=argv)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point: parse ``argv`` (``sys.argv[1:]`` when None) and run.

    Args:
        argv: the benchmark's arguments (without a command name).

    Returns:
        The exit status (argparse itself exits with 2 on a bad option).
    """
    argv = sys.argv[1:] if argv is None else list(argv)
    return run(build_parser().parse_args(argv), argv=argv)
