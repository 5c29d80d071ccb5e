"""Past one machine: a Dask bag's composition, its elements' prefix contexts, and its repeated windows.

An optional layer (``pip install "ectraverse[dask]"``; ``import ectraverse`` never imports Dask).
The same code runs on Dask's local schedulers (``synchronous``, ``threads``, ``processes``), on a
:class:`distributed.LocalCluster` and on a real cluster: the functions build lazy Dask objects, and
whichever scheduler computes them gives the same result, exactly.

* :func:`compose`: the context of the whole bag, its elements' token sequences end to end, in order;
* :func:`prefixes`: each element's starting context (an ordered exclusive scan), so a window that
  crosses elements is two lookups, as with :class:`~ectraverse.PrefixStates` on one machine;
* :func:`repeats`: every m-token window occurring at least twice anywhere in the bag (n-gram
  deduplication, test-set contamination), found by a distributed shuffle of 64-bit window digests
  and checked exactly against the windows' tokens.

**Elements.**  Each element of the bag is a token sequence of its own: a str (tokenized by the
engine's tokenizer), a sequence of tokens, or a NumPy array of int tokens.  The bag's sequence is
the elements' token sequences end to end: ``compose(engine, bag).compute()`` is
``engine.compose(tokens)`` with ``tokens = sum((engine.tokens(e) for e in elements), [])``.  A
text cut into elements inside a word gives two tokens where the whole text has one, so cut text at
token boundaries: the lines of a text file do, for the ``words`` and ``whitespace`` tokenizers
(``chars`` and ``bytes`` may be cut anywhere); with another tokenizer, use one document per
element::

    import dask.bag as db
    from ectraverse import Traversal
    import ectraverse.dask as ed

    eng = Traversal("secp256k1")
    lines = db.read_text("corpus/*.txt", blocksize="64MiB")     # elements: lines, "\\n" kept
    whole = ed.compose(eng, lines).compute()                     # == the files' tokens end to end
    docs = db.read_text("corpus/*.txt", blocksize=None).map_partitions(lambda ls: ["".join(ls)])
    table = ed.repeats(eng, docs, 13).compute()                  # 13-gram overlap between files

or, faster, :func:`text_blocks`, whose elements are blocks of text cut after newlines (one
object a partition, where ``read_text`` makes one a line)::

    files = sorted(glob.glob("corpus/*.txt"))
    whole = ed.compose(eng, ed.text_blocks(files)).compute()     # the same context
    table = ed.repeats(eng, ed.text_blocks(files, blocksize=None), 13).compute()

**What crosses the wire.** The engine is pickled once (it keeps its pickle while its vocabulary is
unchanged), under one key (``ectraverse-engine-<digest>``). With a distributed client current when a
function is called (the default client, or ``with client.as_current():``), that pickle is scattered
to every worker of its cluster the first time and kept there (a future a pickle, the
:data:`KEEP_ENGINES` most recently used): later calls' graphs only name it, and the lazy results
belong to that client's cluster (another scheduler cannot compute them: Dask's ``Missing
dependency ectraverse-engine-...``). Without one (Dask's own schedulers, a ``scheduler`` setting
that names one of them, as ``with dask.config.set(scheduler="synchronous")``, or a client chosen
only at compute time) the graph holds the pickle, and each worker fetches it once per computation. Every
process unpickles it once and keeps the copy (up to :data:`KEEP_ENGINES` of them) while the pickle
is the same, as :meth:`~ectraverse.Traversal.compose_chunks` does. (Dask's ``processes`` scheduler
sends a task's arguments with the task, so there the pickle travels with every partition, but is
still unpickled once per process.) The engine's pickle holds its vocabulary, with the generators
already hashed: a warm vocabulary (:meth:`~ectraverse.Vocabulary.from_corpus`, or one compose of a
sample) means the workers hash nothing. An open vocabulary grows in each worker independently (their
ids differ), so nothing that crosses between tasks is in ids: :func:`compose` merges parts that
carry their tokens (:class:`~ectraverse.Coefficients` pickle with them), and :func:`repeats` digests
and compares windows by their tokens. A frozen vocabulary is shared by construction.

**Keyed engines** work: the key travels inside the engine's pickle, in the graph or scattered to the
workers (exactly what pickling the engine implies; nothing else carries it), and never in the clear
otherwise. A keyed engine's coefficients depend on its secret multiplier, so they never leave a
task: its partitions are merged as points. Contexts cross between tasks as
:meth:`~ectraverse.Context.to_bytes` (no key, no multiplier) and are decoded by the engine copy of
the task that receives them; the results (:func:`compose`'s context, :func:`prefixes`' contexts)
reach the caller, who holds the engine, as contexts.

**Memory per worker**: one engine copy (its vocabulary), plus, per partition in flight, its text
(:func:`compose` reads a :func:`text_blocks` block inside its task and tokenizes its UTF-8 bytes as
they are, never making the str, which takes up to four bytes a character),
its tokens' ids (8 bytes a token; a NumPy array, or a str under a built-in tokenizer, makes no Python
object per token)
and, for :func:`compose`, one coefficient per distinct token of the partition; for :func:`repeats`,
32 bytes per window of the partition (digest and position) and 4 per token of its state until its
candidates are known, and the exact keys of the candidate windows only (docs/scaling.md).
"""

from __future__ import annotations

import atexit
import contextlib
import copy
import hashlib
import os
import pickle
import signal
import sys
import threading
import time
import uuid
import weakref
from collections import OrderedDict
from collections.abc import Iterable
from stat import S_ISREG

try:
    import dask
    import dask.bag as db
    import dask.dataframe as dd
    import pandas as pd
    import pyarrow as pa
    from dask.base import tokenize
    from dask.delayed import Delayed
    from dask.highlevelgraph import HighLevelGraph
    from dask.sizeof import sizeof
except ImportError as exc:  # pragma: no cover - exercised in a child interpreter
    raise ImportError(
        f'ectraverse.dask needs Dask ({exc.name or "dask"} is missing): pip install "ectraverse[dask]"'
    ) from exc
try:  # Dask's task spec (2025.1 on): how a partition's last task is run inside the task that takes it
    from dask._task_spec import Alias as _Alias, Task as _Task, convert_legacy_graph as _graph_nodes
except ImportError:  # pragma: no cover - a Dask without it: one task more a partition
    _Alias = _Task = _graph_nodes = None

import numpy as np

from ectraverse import tokenizers
from ectraverse.context import Context
from ectraverse.point import _distinct_lookup
from ectraverse.traverse import PrefixStates, Traversal, _index, _window_digests

__all__ = ["KEEP_ENGINES", "LOCAL_CLUSTER_CONFIG", "METHODS", "MSM_ROWS_PER_TASK", "MSM_TASKS", "MSM_TASKS_MAX",
           "TextBlockError", "compose", "prefixes", "repeats", "text_blocks"]

#: How many engines unpickled from a graph each process keeps (the most recently used).
KEEP_ENGINES = 4
#: At most how many tasks :func:`compose` cuts the final multi-scalar multiplication into by default (each
#: reads every part at the top of the tree, so more slices mean more of them crossing the wire).
MSM_TASKS = 8
#: The fewest rows a task of :func:`compose`'s cut final multi-scalar multiplication takes: each
#: task sums its rows alone, and an MSM of fewer rows costs more per row, so a short one is not cut.
MSM_ROWS_PER_TASK = 4096
#: The most tasks :func:`compose` cuts the final MSM into (each is a task of the graph, and one past
#: the cluster's threads only waits).
MSM_TASKS_MAX = 1024
#: The ways :func:`compose` merges partitions: ``"auto"`` chooses (see :func:`compose`).
METHODS = ("auto", "coefficients", "points")

#: The frame :func:`repeats` returns.
_REPEATS_META = pd.DataFrame({"group": pd.Series([], dtype="int64"), "element": pd.Series([], dtype="int64"),
                              "offset": pd.Series([], dtype="int64")})
_WINDOWS_META = pd.DataFrame({"digest": pd.Series([], dtype="uint64"), "part": pd.Series([], dtype="int64"),
                              "local": pd.Series([], dtype="int64"), "offset": pd.Series([], dtype="int64")})
#: Held while :func:`repeats` builds its frames. On Python 3.11 a ``functools.cached_property`` takes
#: one lock per property, shared by every instance, and Dask's dataframe expressions cache their
#: divisions so (two properties, one calling the other): two threads building or computing frames at
#: once could take those two locks in opposite orders and wait for ever (4 and 8 threads calling
#: ``repeats`` did, every time). Builds take turns, and each returns its frame optimized, its
#: divisions cached, so that computing it takes neither lock. Python 3.12 dropped that lock.
_FRAMES_BUILT = threading.Lock()

#: Exact keys are bytes: an Arrow binary column, which Dask's string conversion (``dataframe.convert-string``)
#: leaves alone (an object column of bytes it would decode as UTF-8, which a key need not be).
_KEY_DTYPE = pd.ArrowDtype(pa.binary())
_KEYS_META = _WINDOWS_META.assign(key=pd.Series([], dtype=_KEY_DTYPE))


# ---- the engine, once per graph and once per process ---------------------------------------------

_lock = threading.Lock()
_originals: weakref.WeakValueDictionary = weakref.WeakValueDictionary()  # digest -> an engine shipped from here
_shipped_as: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # an engine shipped from here -> its last digest
_copies: OrderedDict = OrderedDict()  # digest -> the engine unpickled here from that pickle
_unpickled = 0  # how many engines this process has unpickled (the tests read it)
_scatters: dict = {}  # a running client -> {key: the future of a handle scattered on its cluster}
_release_registered = False  # whether _release_scattered runs at exit
#: At exit, how long :func:`_release_scattered` waits for each cluster to forget the engines it held.
_RELEASE_WAIT = 2.0


class _Handle(tuple):
    """``(digest, pickle, base)`` of a shipped engine; base is a size of its vocabulary that every copy
    shares (ids below it are the same everywhere).  Dask's scheduler is told it weighs little: every
    task needs it, and as the heaviest input it would draw every task to the worker holding it, and
    the partitions' text after them; each worker fetches it once and keeps it anyway."""

    __slots__ = ()


@sizeof.register(_Handle)
def _sizeof_handle(handle: _Handle) -> int:
    return 1024


#: The loggers :func:`_silence` turns down: Dask's, and asyncio's and tornado's, which report what Dask's
#: coroutines left behind when a cluster is torn down in the middle of a computation.
_LOGGERS = ("distributed", "asyncio", "tornado")


def _silence() -> None:
    """Dask's own logging in this process (and asyncio's and tornado's) down to CRITICAL.

    A failed task reaches the caller as its exception, and a cluster closed because the caller was
    interrupted logs the errors of every connection it cuts; a command line that prints one line per
    error wants neither on stderr.  (:func:`_local_cluster` does this, and the same in its workers.)
    """
    import logging

    for name in _LOGGERS:
        logging.getLogger(name).setLevel(logging.CRITICAL)


#: Dask settings of the LocalClusters this package starts (``--scheduler local:N``, ``bench --op dask``),
#: for short runs on a machine whose cores the workers, the scheduler and the client share: no statistical
#: profiler in the workers (it samples the task threads' stacks 100 times a second), the event loops' ticks
#: and the system and memory monitors every 0.5, 2 and 1 s (Dask: 0.02, 0.5 and 0.1 s), and glibc's
#: sliding mmap threshold left on (Dask's nanny turns it off with ``MALLOC_TRIM_THRESHOLD_``, so that
#: a long-lived worker returns freed memory at once; here glibc may keep freed buffers for reuse, its
#: thresholds rising to 32 MiB for mmap and 64 MiB for trimming, per malloc arena).  docs/scaling.md
#: measures each.
LOCAL_CLUSTER_CONFIG = {
    "distributed.worker.profile.enabled": False,
    "distributed.admin.tick.interval": "500ms",
    "distributed.admin.system-monitor.interval": "2s",
    "distributed.worker.memory.monitor-interval": "1s",
    "distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_": None,
}

#: Held while :func:`_local_cluster` starts a cluster under :data:`LOCAL_CLUSTER_CONFIG`.
_CLUSTER_STARTS = threading.Lock()


def _local_cluster(workers: int, *, set_as_default: bool = True):
    """``(client, cluster)``: a ``distributed.LocalCluster`` of ``workers`` processes of one thread each,
    its dashboard on a free port, under :data:`LOCAL_CLUSTER_CONFIG`, and a client of it, all quiet
    (:func:`_silence`, here and in the workers).

    Close both when done (``client.close(); cluster.close()``).
    """
    import logging

    import distributed

    _silence()  # first: starting the cluster logs too
    # Dask's configuration is global: a start in another thread meanwhile would keep this one's settings
    # as the values to restore, and leave them in place after both
    with _CLUSTER_STARTS, _sigint_ignored(), dask.config.set(LOCAL_CLUSTER_CONFIG):  # the workers inherit both
        # each nanny keeps a copy of the configuration for the workers it starts later (a restart, after a
        # memory kill); its own is shallow, and the settings' nested values go back when this block ends
        settings = {"distributed": copy.deepcopy(dask.config.get("distributed"))}
        cluster = distributed.LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                           dashboard_address=":0", silence_logs=logging.CRITICAL, config=settings)
    client = None
    try:
        client = distributed.Client(cluster, set_as_default=set_as_default)
        client.run(_silence)  # silence_logs quiets the workers' handlers of "distributed" only
    except BaseException:
        if client is not None:
            client.close()
        cluster.close()
        raise
    return client, cluster


@contextlib.contextmanager
def _sigint_ignored():
    """SIGINT ignored inside (the main thread only sets it; elsewhere nothing changes), so that the
    processes started inside ignore it too: a Ctrl-C at a terminal reaches the whole foreground process
    group, and each worker printed its KeyboardInterrupt traceback under the one line of this process,
    which stops them by closing the cluster.  A Ctrl-C while the cluster starts is ignored with them."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


#: What Dask's ``scheduler`` setting names when it means the distributed client.
_DISTRIBUTED_NAMES = ("distributed", "dask.distributed")


def _client():
    """The current distributed client (``Client.current()``: one made current by ``with
    client.as_current()``, else the default client) when it is synchronous and running, and Dask's
    ``scheduler`` setting names no other scheduler (it comes before the default client, as in Dask's own
    choice: ``with dask.config.set(scheduler="synchronous")``); else None (no client: Dask's own
    schedulers; distributed is never imported here for the first time)."""
    if "distributed" not in sys.modules:
        return None
    import distributed  # in sys.modules: at most waits for another thread's import of it to finish

    configured = dask.config.get("scheduler", None)
    if configured is not None and configured not in _DISTRIBUTED_NAMES and not isinstance(configured, distributed.Client):
        return None

    try:
        client = distributed.Client.current(allow_global=True)
    except ValueError:
        return None
    return None if client.asynchronous or client.status != "running" else client


def _ship(engine: Traversal, client):
    """The engine as one Delayed :class:`_Handle`, under a key named by the digest: given a client
    (:func:`_client`), a future of it scattered to the client's cluster once (:func:`_scattered`);
    with None, the pickle itself, in the graph."""
    digest, blob, base = engine._pickled()
    with _lock:
        _originals[digest] = engine  # in this process the tasks use the engine itself (threads, synchronous)
        # only its newest digest: each new token makes another, and an engine that lives long would keep
        # them all; a graph made before with an older one unpickles a copy from its handle, as a worker does
        last = _shipped_as.get(engine)
        if last is not None and last != digest and _originals.get(last) is engine:
            del _originals[last]
        _shipped_as[engine] = digest
    key, handle = "ectraverse-engine-" + digest.hex(), _Handle((digest, blob, base))
    future = None if client is None else _scattered(client, key, handle)
    if future is not None:
        return dask.delayed(future)
    return dask.delayed(handle, name=key, traverse=False)


def _scattered(client, key: str, handle: _Handle):
    """The handle's future on the client's cluster, scattered to every worker the first time and kept
    (the :data:`KEEP_ENGINES` most recently used a client; evicting a future frees the workers'
    copies); None if the cluster has no workers yet (scattering would wait for one)."""
    with _lock:
        for closed in [c for c in _scatters if c.status != "running"]:  # their futures hold them
            del _scatters[closed]
        kept = _scatters.setdefault(client, OrderedDict())
        future = kept.get(key)
        if future is not None and future.status == "finished":  # not lost with its workers, nor cancelled
            kept.move_to_end(key)
            return future
    if not client.nthreads():
        return None
    future = client.scatter({key: handle}, broadcast=True, hash=False)[key]
    global _release_registered
    with _lock:
        if not _release_registered:  # registered after distributed's own exit handlers, so it runs before them
            atexit.register(_release_scattered)
            _release_registered = True
        kept[key] = future
        kept.move_to_end(key)
        while len(kept) > KEEP_ENGINES:
            kept.popitem(last=False)
    return future


def _release_scattered() -> None:
    """At exit: release the engines kept on every running client's cluster and wait (at most
    :data:`_RELEASE_WAIT` seconds a client of a cluster this process runs, such as a ``LocalCluster``)
    until its scheduler holds them no more.  A script that leaves its ``LocalCluster`` to close at exit
    would otherwise have the scheduler log an ERROR that removing the workers lost scattered data, since
    the futures kept here still want it."""
    with _lock:
        held = [(client, dict(kept)) for client, kept in _scatters.items() if kept]
        _scatters.clear()
    for client, kept in held:
        deadline = time.monotonic() + _RELEASE_WAIT
        try:
            for future in kept.values():
                future.release()
            if client.cluster is None:  # a remote cluster outlives this process: nothing closes it here
                continue
            # who_has() of every key the scheduler knows: a released future cannot be asked about
            while client.status == "running" and any(client.who_has().get(key) for key in kept):
                if time.monotonic() > deadline:
                    break
                time.sleep(0.01)
        except Exception:  # noqa: BLE001 - at exit a cluster may be gone already, and no caller is left to tell
            pass


def _local(handle: tuple[bytes, bytes, int]) -> Traversal:
    """This process's engine for a shipped pickle: the original where it was shipped from, else a copy
    unpickled once and kept (the :data:`KEEP_ENGINES` most recently used)."""
    digest, blob = handle[:2]
    with _lock:
        engine = _originals.get(digest)
        if engine is None:
            engine = _copies.get(digest)
            if engine is not None:
                _copies.move_to_end(digest)
        if engine is not None:
            return engine
    global _unpickled
    engine = pickle.loads(blob)
    with _lock:
        _unpickled += 1
        engine = _copies.setdefault(digest, engine)
        _copies.move_to_end(digest)
        while len(_copies) > KEEP_ENGINES:
            _copies.popitem(last=False)
    return engine


# ---- checks ----------------------------------------------------------------------------------------

def _check(engine, bag) -> None:
    if not isinstance(engine, Traversal):
        raise TypeError(f"engine must be a Traversal, not {type(engine).__name__}")
    if not isinstance(bag, db.Bag):
        raise TypeError(f"bag must be a dask.bag.Bag, not {type(bag).__name__}")
    if not engine.group._byte_form:
        raise TypeError("an engine whose custom tokenizer has no name cannot be shipped to other processes "
                        "(its copies would be other engines): name it, Traversal(..., tokenizer_name='...')")


def _element(element):
    """The element itself, if it is one (a str, a sequence of tokens, a NumPy array of int tokens)."""
    if isinstance(element, (bytes, bytearray, memoryview, Context)) or not (
            isinstance(element, (str, np.ndarray)) or hasattr(element, "__iter__")):
        raise TypeError(f"bag elements must be str, sequences of tokens or NumPy int arrays, "
                        f"not {type(element).__name__}")
    return element


def _partition_ids(engine: Traversal, part) -> tuple[np.ndarray, np.ndarray]:
    """(each element's token count, the partition's tokens' ids in this process's vocabulary, end to
    end): a NumPy array, or a str under a built-in tokenizer, through the vocabulary with no Python
    object per token; each run of other elements' tokens in one lookup (not one per element)."""
    lengths: list[int] = []
    ids: list[np.ndarray] = []
    tokens: list = []
    for e in part:
        e = _element(e)
        if isinstance(e, np.ndarray) or (e.__class__ is str and engine._builtin is not None):
            if tokens:
                ids.append(np.asarray(engine._ids(tokens), dtype=np.int64))
                tokens = []
            ids.append(np.asarray(engine._ids(e), dtype=np.int64))
            lengths.append(ids[-1].shape[0])
        else:
            run = engine.tokens(e)
            tokens.extend(run)
            lengths.append(len(run))
    if tokens:
        ids.append(np.asarray(engine._ids(tokens), dtype=np.int64))
    flat = np.concatenate(ids) if ids else np.zeros(0, dtype=np.int64)
    return np.asarray(lengths, dtype=np.int64), flat


#: Tokenizers for which the tokens of ``"\\n".join(texts)`` are the texts' tokens end to end, and those
#: for which ``"".join(texts)``'s are: one tokenize call per partition instead of one per element.
_JOIN_NEWLINE, _JOIN_EMPTY = ("words", "whitespace"), ("chars", "bytes")


def _partition_token_ids(engine: Traversal, elements: list):
    """The ids of the partition's tokens end to end: of one str when its elements are str and the
    tokenizer allows joining them (one tokenize call per partition, not one per element; a
    :func:`text_blocks` partition is one str already); else as :func:`_partition_ids` takes them."""
    spec = engine._tokenizer_spec
    if len(elements) == 1 and isinstance(elements[0], tokenizers._Utf8Text):  # a text block, undecoded
        return engine._ids(elements[0])
    if elements and all(e.__class__ is str for e in elements):
        if len(elements) == 1:
            return engine._ids(elements[0])
        if spec in _JOIN_NEWLINE:
            return engine._ids("\n".join(elements))
        if spec in _JOIN_EMPTY:
            return engine._ids("".join(elements))
    return _partition_ids(engine, elements)[1]


# ---- files as text blocks ------------------------------------------------------------------------

class TextBlockError(ValueError):
    """A block of :func:`text_blocks` could not be read: its file is not UTF-8, or changed since."""


def text_blocks(paths, *, blocksize: int | None = 64 << 20):
    """A bag of the files' text, one str element per partition: each a block of about ``blocksize``
    bytes of one file, cut just after a newline (``"\\n"``) or at the file's end, read and decoded
    (UTF-8) by its own task (a partition whose bytes all belong to the lines of the one before is
    empty); ``blocksize=None``: one block per file (a document per element, also when empty).

    A file's blocks end to end are its text, and a block ends on a token boundary for the ``words``
    and ``whitespace`` tokenizers (after a newline), so :func:`compose` of the bag is the files'
    texts, each composed whole, end to end.  Against ``dask.bag.read_text``, whose elements are
    lines (``compose`` of either gives the same context): a block is one object, which a task reads
    and decodes in one call, and which crosses between workers as one frame, where a list of lines
    is split, sent and rebuilt line by line.

    Args:
        paths: file paths (str or path-like), read in this order.
        blocksize: about how many bytes a block holds, a positive int, or None.

    Raises:
        TypeError: blocksize is not an int or None; paths is one path (a str, bytes or path-like):
            give a list; paths is not iterable.
        ValueError: blocksize below 1; a path is not a regular file (a directory, a pipe, a
            device: its blocks cannot be read by position).
        FileNotFoundError: a path does not exist.

    Paths are checked now; a block's task raises :class:`TextBlockError` if its file changed since
    (size or modification time), can no longer be read, or is not UTF-8 (its message gives the
    offset of the block's first bad byte: in a file bad in several blocks, of the block whose task
    failed first).

    A file whose size reads as 0 is read whole, to its end, by one task: so are files of ``/proc``,
    whose size the kernel does not report.  Files of ``/sys`` report a page (4096 bytes) whatever
    they hold, and are refused as cut short.

    Example:
        >>> import pathlib, tempfile
        >>> from ectraverse import Traversal
        >>> f = pathlib.Path(tempfile.mkdtemp()) / "t.txt"
        >>> _ = f.write_text("the cat\\nsat on\\nthe mat\\n")
        >>> eng = Traversal("secp256k1")
        >>> blocks = text_blocks([f], blocksize=10)
        >>> blocks.compute(scheduler="synchronous")
        ['the cat\\nsat on\\n', 'the mat\\n']
        >>> compose(eng, blocks).compute(scheduler="synchronous") == eng.compose(f.read_text())
        True
    """
    if blocksize is not None:
        blocksize = _index("blocksize", blocksize)
        if blocksize < 1:
            raise ValueError(f"blocksize must be a positive int or None, not {blocksize}")
    if isinstance(paths, (str, bytes, os.PathLike)):
        raise TypeError(f"paths must be a sequence of paths, not a {type(paths).__name__}: for one file, "
                        "text_blocks([path])")
    if not isinstance(paths, Iterable):
        raise TypeError(f"paths must be a sequence of paths, not {type(paths).__name__}")
    blocks = []
    for path in paths:
        path = os.fspath(path)
        try:
            stat = os.stat(path)
        except FileNotFoundError:
            raise FileNotFoundError(f"no such file: {path!r}") from None
        if not S_ISREG(stat.st_mode):
            raise ValueError(f"not a regular file: {path!r} (a directory, pipe or device): text_blocks reads "
                             "files in blocks, by position")
        size = stat.st_size
        starts = [0] if blocksize is None or size == 0 else range(0, size, blocksize)
        for start in starts:
            stop = size if blocksize is None else min(start + blocksize, size)
            blocks.append((path, start, stop, size, stat.st_mtime_ns, blocksize is None))
    if not blocks:
        return db.from_sequence([], npartitions=1)
    # each partition is its read task itself (no alias task between it and what consumes it), marked as
    # Dask's own readers mark theirs: a data producer, which the scheduler spreads over the workers
    name = "ectraverse-text-blocks-" + tokenize(blocks)
    if _Task is None:  # pragma: no cover - a Dask without a task spec
        return db.Bag({(name, i): (_read_block, *block) for i, block in enumerate(blocks)}, name, len(blocks))
    return db.Bag({(name, i): _Task((name, i), _read_block, *block, _data_producer=True)
                   for i, block in enumerate(blocks)}, name, len(blocks))


def _line_start(f, pos: int, size: int) -> int:
    """The first position at or after pos where a line starts (0, just after a newline, or size)."""
    if pos <= 0:
        return 0
    f.seek(pos - 1)
    at = pos - 1
    while at < size:
        chunk = f.read(1 << 16)
        if not chunk:
            break
        i = chunk.find(b"\n")
        if i >= 0:
            return at + i + 1
        at += len(chunk)
    return size


def _block_bytes(path: str, start: int, stop: int, size: int, mtime_ns: int) -> tuple[int, np.ndarray]:
    """(offset, bytes) of the lines of the file whose first byte lies in [start, stop), the bytes read
    into a NumPy array (whose pages the kernel maps in large pieces, where a bytes object's fault in
    one at a time).

    Raises:
        TextBlockError: the file changed since its blocks were made, or can no longer be read.
    """
    try:
        f = open(path, "rb", buffering=0)
    except OSError as exc:  # deleted, replaced by a directory, its permissions changed
        raise TextBlockError(f"The file {path!r} can no longer be read ({exc.strerror or exc}).") from None
    with f:
        now = os.fstat(f.fileno())
        if now.st_size != size:
            raise TextBlockError(f"The file {path!r} changed size since its blocks were made "
                                 f"({size} bytes then, {now.st_size} now).")
        if now.st_mtime_ns != mtime_ns:
            raise TextBlockError(f"The file {path!r} was modified since its blocks were made.")
        if size == 0:  # empty, or a size the kernel does not report (/proc): read to the end
            return 0, np.frombuffer(f.readall(), dtype=np.uint8)
        lo, hi = _line_start(f, start, size), _line_start(f, stop, size) if stop < size else size
        f.seek(lo)
        data = np.empty(hi - lo, dtype=np.uint8)
        view, got = memoryview(data), 0
        while got < hi - lo:
            n = f.readinto(view[got:])
            if not n:
                raise TextBlockError(f"The file {path!r} was cut short while it was read.")
            got += n
    return lo, data


def _not_utf8(path: str, lo: int, exc: UnicodeDecodeError) -> TextBlockError:
    return TextBlockError(f"The file {path!r} is not valid UTF-8 (byte {lo + exc.start}: {exc.reason}).")


def _read_block(path: str, start: int, stop: int, size: int, mtime_ns: int, whole: bool) -> list[str]:
    """The lines of the file whose first byte lies in [start, stop), decoded: one block's element (none
    if there are no such lines, unless the block is the whole file)."""
    lo, data = _block_bytes(path, start, stop, size, mtime_ns)
    if not data.size and not whole:
        return []
    try:
        return [str(data, "utf-8")]
    except UnicodeDecodeError as exc:
        raise _not_utf8(path, lo, exc) from None


def _read_block_utf8(path: str, start: int, stop: int, size: int, mtime_ns: int, whole: bool) -> list:
    """:func:`_read_block`'s element as its UTF-8 bytes (checked), for a task that tokenizes them as
    they are (:func:`_each_partition`): a block of mostly ASCII text with a few wider characters
    decodes to a str of two or four bytes a character, whose pages are fresh on every call."""
    from ectraverse import _tok

    lo, data = _block_bytes(path, start, stop, size, mtime_ns)
    if not data.size and not whole:
        return []
    try:
        _tok.utf8_check(data)
    except UnicodeDecodeError as exc:
        raise _not_utf8(path, lo, exc) from None
    return [tokenizers._Utf8Text(data)]


# ---- one task a partition ----------------------------------------------------------------------

def _each_partition(bag, func, handle, *args, name: str, index: bool = False, utf8: bool = False) -> list:
    """``func(handle, partition, *args)`` (``index``: ``func(handle, partition, i, *args)``) for each
    partition i of the bag, in order, as Delayed values under the keys ``(name, i)``.  Each
    partition's own last task (after Dask fused the bag's linear chains) runs inside func's task
    when nothing else needs it: one task a partition, not two, each a round trip to the scheduler.
    Dask does not fuse them itself, as func's task also takes the engine.

    A task that then needs nothing but the engine (it makes or reads its partition itself) is marked
    a data producer, as Dask's own readers are: the scheduler places such tasks on whichever workers
    are free.  Unmarked, with few partitions (not twice the cluster's threads), every one would go
    to the worker already holding their one input, the engine.

    ``utf8``: func takes a :func:`text_blocks` block as its UTF-8 bytes (:func:`_read_block_utf8`) as
    it takes the str, so a block read inside func's task is not decoded (no other task sees it)."""
    parts = bag.to_delayed()  # the bag's graph, optimized: its linear chains fused
    tasks = [dask.delayed(func)(handle, part, *((i,) if index else ()), *args, dask_key_name=(name, i))
             for i, part in enumerate(parts)]
    if _Task is None or not tasks:
        return tasks
    graph = dict(_graph_nodes(dict(HighLevelGraph.merge(*[t.__dask_graph__() for t in tasks]))))
    dependents: dict = {}
    for node in graph.values():
        for key in node.dependencies:
            dependents[key] = dependents.get(key, 0) + 1
    for task, part in zip(tasks, parts):
        inner, key = [], part.key  # the partition's task, through the aliases Dask's fusing left in front of it
        while isinstance(graph.get(key), (_Task, _Alias)) and dependents[key] == 1:
            inner.append(graph[key])
            if not isinstance(graph[key], _Alias):
                break
            (key,) = graph[key].dependencies
        if inner and isinstance(inner[-1], _Task):
            if utf8 and inner[-1].func is _read_block:
                inner[-1] = _Task(inner[-1].key, _read_block_utf8, *inner[-1].args, _data_producer=True)
            fused = _Task.fuse(*inner, graph[task.key], key=task.key)
            if fused.dependencies == {handle.key} and not fused.data_producer:
                fused = _Task(fused.key, fused.func, *fused.args, _data_producer=True, **fused.kwargs)
            graph[task.key] = fused
            for node in inner:
                del graph[node.key]
    layer = HighLevelGraph.from_collections(name, graph, dependencies=())
    return [Delayed(task.key, layer, layer=name) for task in tasks]


# ---- compose ---------------------------------------------------------------------------------------

def _method(engine: Traversal, method: str, npartitions: int) -> str:
    if not isinstance(method, str) or method not in METHODS:
        raise ValueError(f"method must be one of {', '.join(map(repr, METHODS))}")
    if method == "coefficients" and engine.keyed:
        raise ValueError("a keyed engine's coefficients depend on its secret multiplier and never leave a task: "
                         "use method='points' (or 'auto')")
    if method == "auto":
        return "points" if engine.keyed or npartitions < 2 else "coefficients"
    return method


def _portable(base: int, part) -> tuple:
    """A part of :func:`compose` as it crosses between tasks: coefficients in ids every copy of the
    engine shares plus their new tokens (``Coefficients._shared``); a context as bytes."""
    return part.to_bytes() if isinstance(part, Context) else part._shared(base)


def _compose_partition(handle, part, method: str):
    """A partition's part (:func:`_portable`)."""
    engine = _local(handle)
    ids = _partition_token_ids(engine, list(part))
    return _portable(handle[2], engine._coefficients_ids(ids) if method == "coefficients" else engine._compose_ids(ids))


def _merged(engine: Traversal, method: str, parts):
    if method == "coefficients":
        return engine.merge_coefficients([engine._adopt(*p) for p in parts])
    return engine._reduce([engine.context_from_bytes(p) for p in parts])


def _merge(handle, method: str, *parts):
    engine = _local(handle)
    return _portable(handle[2], _merged(engine, method, parts))


def _msm_slice(handle, r: int, runs: int, *parts) -> tuple[int, bytes]:
    """(the length, slice r of the final multi-scalar multiplication as a point's bytes), straight
    from the top level's parts (no merge task before the slices): the distinct ids the engine's
    copies share are cut by rank into ``runs`` slices, fewer when short (at least
    :data:`MSM_ROWS_PER_TASK` rows a slice; the slices past them are the
    identity), the last slice also taking every token past them (each copy numbers those its own
    way); each slice merges its rows of every part and multiplies them out."""
    engine = _local(handle)
    base = handle[2]
    shared = np.concatenate([p[1][p[1] < base] for p in parts])
    distinct = _distinct_lookup(shared, base)[0]
    length = sum(p[0] for p in parts)
    runs = max(1, min(runs, distinct.shape[0] // MSM_ROWS_PER_TASK))
    if r >= runs:
        return length, engine.curve.identity.to_bytes()
    lo = distinct[distinct.shape[0] * r // runs] if distinct.size else 0
    last = r == runs - 1
    hi = np.iinfo(np.int64).max if last else distinct[distinct.shape[0] * (r + 1) // runs]
    rows = []
    for p_length, ids, limbs, p_base, new_tokens in parts:
        a, b = np.searchsorted(ids, [lo, hi])  # a part's ids ascend, its new tokens' (past base) last
        rows.append(engine._adopt(p_length, ids[a:b], limbs[a:b], p_base, new_tokens if last else ()))
    return length, engine.from_coefficients(engine.merge_coefficients(rows)).point.to_bytes()


def _finish(handle, method: str, *parts) -> Context:
    engine = _local(handle)
    if not parts:
        return engine.identity
    if method == "coefficients":
        return engine.from_coefficients(_merged(engine, method, parts))
    return _merged(engine, method, parts)


def _sum_slices(handle, *slices: tuple[int, bytes]) -> Context:
    engine = _local(handle)
    curve = engine.curve
    total = curve.identity
    for _, point in slices:
        total = total + curve.decode(point)
    return engine.group.context(slices[0][0], total)


def _split_every(split_every) -> int:
    split_every = _index("split_every", split_every)
    if split_every < 2:
        raise ValueError(f"split_every must be at least 2, not {split_every}")
    return split_every


def compose(engine: Traversal, bag, *, split_every: int = 8, method: str = "auto", msm_tasks: int | None = None):
    """The context of the bag's elements' token sequences end to end, in order, as a lazy Dask object
    (a ``dask.delayed`` value): ``.compute()`` gives exactly ``engine.compose`` of that sequence.

    Each partition is composed in a task, then neighbouring partitions are merged in order, at most
    ``split_every`` at a time, up a tree (as ``Bag.reduction`` groups them): the product is
    associative, not commutative, so the result is exact whatever the partitioning and the tree.

    Two exact ways to merge (the rules of :meth:`~ectraverse.Traversal.compose_chunks`):

    * ``"coefficients"``: each partition gives its :class:`~ectraverse.Coefficients` (integer work
      only; they cross between tasks with their tokens), the tree merges them
      (:meth:`~ectraverse.Traversal.merge_coefficients`), and the one multi-scalar multiplication
      over the union of the distinct tokens (:meth:`~ectraverse.Traversal.from_coefficients`) is
      cut into ``msm_tasks`` tasks, which can run on different workers, each merging its share of
      the tokens from the top of the tree (which stops at ``split_every * msm_tasks`` parts: a slice
      merges a ``1/msm_tasks`` share of its parts' rows), and their points added;
    * ``"points"``: each partition gives its context (as bytes), one MSM per partition, in parallel,
      and the tree multiplies them.

    ``"auto"`` takes coefficients for two or more partitions, and points for a keyed engine (whose
    coefficients never leave a task) or a single partition.

    Args:
        engine: the :class:`~ectraverse.Traversal`; shipped once (see the module docstring).
        bag: a ``dask.bag.Bag`` of str, sequences of tokens or NumPy int arrays.
        split_every: how many parts a merge task takes, at least 2.
        method: ``"auto"``, ``"coefficients"`` or ``"points"``.
        msm_tasks: into how many tasks the final multi-scalar multiplication is cut (coefficients;
            1 to :data:`MSM_TASKS_MAX`; fewer do work when it is short); None: as many as the
            threads of the current distributed client's workers (this machine's cores without
            one), at least 1 and at most :data:`MSM_TASKS`.

    Raises:
        TypeError: engine is not a Traversal, bag not a Bag, split_every not an int; an engine whose
            custom tokenizer has no name, or does not pickle (a lambda, a nested function).
        ValueError: split_every < 2; msm_tasks outside [1, MSM_TASKS_MAX]; an unknown method;
            ``"coefficients"`` with a keyed engine.

    Example:
        >>> import dask.bag as db
        >>> from ectraverse import Traversal
        >>> eng = Traversal("secp256k1")
        >>> bag = db.from_sequence(["the cat\\n", "sat on\\n", "the mat\\n"], npartitions=2)
        >>> compose(eng, bag).compute(scheduler="synchronous") == eng.compose("the cat sat on the mat")
        True
    """
    _check(engine, bag)
    split_every = _split_every(split_every)
    method = _method(engine, method, bag.npartitions)
    client = _client()
    if msm_tasks is None:
        threads = sum(client.nthreads().values()) if client is not None else os.cpu_count()
        msm_tasks = max(1, min(MSM_TASKS, threads or 1))  # a cluster with no workers yet: one
    msm_tasks = _index("msm_tasks", msm_tasks)
    if not 1 <= msm_tasks <= MSM_TASKS_MAX:
        raise ValueError(f"msm_tasks must be in [1, {MSM_TASKS_MAX}], not {msm_tasks}")
    handle = _ship(engine, client)
    # keys of this call's own: a graph with the keys of an earlier call would be served that call's
    # results while the cluster holds them, or be cancelled with them when they are released
    level = _each_partition(bag, _compose_partition, handle, method, name="ectraverse-compose-" + uuid.uuid4().hex,
                            utf8=True)
    sliced = method == "coefficients" and msm_tasks > 1
    # a slice of the final MSM merges only its share of its parts' rows: it may take msm_tasks times as many
    top = split_every * msm_tasks if sliced else split_every
    while len(level) > top:
        level = [dask.delayed(_merge, pure=True)(handle, method, *level[i:i + split_every])
                 for i in range(0, len(level), split_every)]
    if not sliced or not level:
        return dask.delayed(_finish, pure=True)(handle, method, *level)
    slices = [dask.delayed(_msm_slice, pure=True)(handle, r, msm_tasks, *level) for r in range(msm_tasks)]
    return dask.delayed(_sum_slices, pure=True)(handle, *slices)


# ---- prefixes --------------------------------------------------------------------------------------

def _element_starts(handle, part) -> tuple[np.ndarray, np.ndarray, np.ndarray, list, bytes]:
    """What :func:`_prefix_partition` needs, in a form any copy of the engine reads: (each element's
    token offset inside the partition, its tokens as indices into its distinct tokens, their ids
    below the engine's shared base and the tokens past it, the partition's context as bytes)."""
    engine = _local(handle)
    lengths, flat = _partition_ids(engine, part)
    offsets = np.cumsum(lengths) - lengths
    distinct, local = np.unique(flat, return_inverse=True)
    shared = distinct[distinct < handle[2]]  # ascending: the ids past the base are a suffix
    new_tokens = [engine.vocabulary.token(t) for t in distinct[shared.shape[0]:].tolist()]
    return offsets, local, shared, new_tokens, engine._compose_ids(flat).to_bytes()


def _partition_starts(handle, *locals_) -> list[bytes]:
    """The exclusive scan of the partitions' contexts: each partition's starting context."""
    engine = _local(handle)
    acc, out = engine.identity, []
    for *_, total in locals_:
        out.append(acc.to_bytes())
        acc = acc * engine.context_from_bytes(total)
    return out


def _prefix_partition(handle, local, starts: list[bytes], i: int) -> list[Context]:
    """The partition's elements' starting contexts: the prefix states of its tokens after the
    partition's start (:class:`~ectraverse.PrefixStates` with ``start``), read at the elements'
    offsets in one batch."""
    engine = _local(handle)
    offsets, tokens, shared, new_tokens, _ = local
    if not offsets.size:
        return []
    ids = np.concatenate((shared, np.asarray(engine.vocabulary.add_many(new_tokens), dtype=np.int64)))
    start, g = engine.context_from_bytes(starts[i]), engine.group
    points = PrefixStates(engine, ids[tokens], start=start)._points(offsets)
    return [Context._make(g, start.length + o, p) for o, p in zip(offsets.tolist(), points)]


def prefixes(engine: Traversal, bag):
    """Each element's starting context: a ``dask.bag.Bag`` of :class:`~ectraverse.Context`, one per
    element, in order, the context of every token before the element (an ordered exclusive scan).

    So the context of the tokens from element a's token i to element b's token j is two lookups, as
    on one machine: with ``P = prefixes(engine, bag).compute()`` and the elements' own
    :class:`~ectraverse.PrefixStates` (``engine.prefixes(element)``), it is
    ``(P[a] * Sa[i]).inverse() * (P[b] * Sb[j])``.

    A task a partition composes it and counts its elements' tokens; one small task scans the
    partitions' contexts; a task a partition then takes the prefix states of its tokens after its
    start (:class:`~ectraverse.PrefixStates` with ``start``: one more k-multiplication than from
    the identity), read at its elements' offsets in one batch.  Contexts cross between tasks as
    bytes, tokens as the ids every copy of the engine shares and the tokens past them.

    Raises:
        TypeError: engine is not a Traversal, bag not a Bag; an engine whose custom tokenizer has no
            name, or does not pickle; an element that is not a token sequence (when computed).

    Example:
        >>> import dask.bag as db
        >>> from ectraverse import Traversal
        >>> eng = Traversal("secp256k1")
        >>> starts = prefixes(eng, db.from_sequence(["a b", "c", "d e"], npartitions=2)).compute(scheduler="sync")
        >>> starts[2] == eng.compose("a b c")
        True
    """
    _check(engine, bag)
    handle = _ship(engine, _client())
    local = _each_partition(bag, _element_starts, handle, name="ectraverse-starts-" + uuid.uuid4().hex)
    starts = dask.delayed(_partition_starts, pure=True)(handle, *local)
    return db.from_delayed([dask.delayed(_prefix_partition, pure=True)(handle, loc, starts, i)
                            for i, loc in enumerate(local)])


# ---- repeats ---------------------------------------------------------------------------------------

def _encode_token(token) -> bytes:
    """An injective byte form of a token (str or int), length-prefixed so that windows concatenate."""
    if isinstance(token, str):
        data = b"s" + token.encode("utf-8", "surrogatepass")
    else:
        data = b"i" + str(int(token)).encode()
    return len(data).to_bytes(4, "little") + data


def _windows_partition(handle, part, p: int, m: int):
    """Phase 1 of repeats, one partition: its windows' digests and positions, and what phase 2 needs
    to name their tokens (local ids into the partition's own distinct tokens, their byte forms)."""
    engine = _local(handle)
    lengths, ids = _partition_ids(engine, part)
    distinct, local_ids = np.unique(ids, return_inverse=True)
    vocab_tokens = engine.vocabulary.tokens
    encoded = [_encode_token(vocab_tokens[i]) for i in distinct.tolist()]
    # a digest per window over 64-bit hashes of the tokens themselves: equal in every process
    hashes = np.frombuffer(b"".join(hashlib.blake2b(e, digest_size=8).digest() for e in encoded),
                           dtype="<u8").astype(np.uint64)
    starts = np.concatenate(([0], np.cumsum(lengths)))
    frame = _WINDOWS_META
    if ids.shape[0] >= m:
        digests = _window_digests(hashes[local_ids], m)
        element = np.repeat(np.arange(lengths.shape[0], dtype=np.int64), lengths)[: digests.shape[0]]
        offset = np.arange(digests.shape[0], dtype=np.int64) - starts[element]
        inside = offset + m <= lengths[element]  # windows do not cross elements
        frame = pd.DataFrame({"digest": digests[inside], "part": np.full(int(inside.sum()), p, dtype=np.int64),
                              "local": element[inside], "offset": offset[inside]})
    return frame, (local_ids.astype(np.int32 if distinct.shape[0] < 2**31 else np.int64), encoded, starts,
                   lengths.shape[0])


def _duplicated_digests(df: pd.DataFrame) -> pd.DataFrame:
    return df[df["digest"].duplicated(keep=False)]


def _exact_keys(state, candidates: pd.DataFrame, m: int, p: int) -> pd.DataFrame:
    """Phase 2, one source partition: its candidate windows with their tokens' byte forms (exact keys).

    The tokens the candidates cover are encoded once, end to end, in order (a window's tokens are
    consecutive, so its key is one slice of that stream), not once per window they fall in."""
    local_ids, encoded, starts, _ = state
    candidates = candidates.reset_index(drop=True)
    if candidates.empty:
        return _KEYS_META
    if (candidates["part"].to_numpy() != p).any():  # pragma: no cover - the divisions say otherwise
        raise RuntimeError(f"candidates of another partition reached partition {p}")
    begin = starts[candidates["local"].to_numpy()] + candidates["offset"].to_numpy()
    n = local_ids.shape[0]
    depth = np.cumsum(np.bincount(begin, minlength=n + 1) - np.bincount(begin + m, minlength=n + 1))
    covered = np.flatnonzero(depth[:n] > 0)  # the tokens of some candidate window, in order
    size = np.zeros(n, dtype=np.int64)
    size[covered] = np.fromiter(map(len, encoded), dtype=np.int64, count=len(encoded))[local_ids[covered]]
    first = np.cumsum(size) - size  # a covered token's first byte in the stream
    stream = b"".join([encoded[i] for i in local_ids[covered].tolist()])
    last = begin + m - 1
    keys = [stream[a:b] for a, b in zip(first[begin].tolist(), (first[last] + size[last]).tolist())]
    keys = pd.arrays.ArrowExtensionArray(pa.array(keys, type=pa.binary()))  # straight from the list: no object array
    return candidates[list(_WINDOWS_META.columns)].assign(key=pd.Series(keys, index=candidates.index))


def _groups(df: pd.DataFrame, q: int, bases: list[int]) -> pd.DataFrame:
    """Phase 3, one digest partition: the groups of equal windows (equal keys) of two or more."""
    if df.empty:
        return _REPEATS_META
    key = df["key"]
    df = df[key.duplicated(keep=False)]
    if df.empty:
        return _REPEATS_META
    element = np.asarray(bases, dtype=np.int64)[df["part"].to_numpy()] + df["local"].to_numpy()
    out = pd.DataFrame({"key": df["key"].array, "element": element, "offset": df["offset"].to_numpy()})
    out = out.sort_values(["element", "offset"], kind="stable")
    number = pd.factorize(out["key"])[0].astype(np.int64)  # in order of first occurrence within q
    out = pd.DataFrame({"group": (np.int64(q) << np.int64(32)) + number, "element": out["element"].to_numpy(),
                        "offset": out["offset"].to_numpy()})
    return out.sort_values(["group", "element", "offset"], kind="stable").reset_index(drop=True)


def _count(state) -> int:
    return state[3]


def _bases(*counts: int) -> list[int]:
    """Each partition's first element's index in the bag."""
    return np.concatenate(([0], np.cumsum(counts, dtype=np.int64))).tolist()


def repeats(engine: Traversal, bag, m: int):
    """Every m-token window that occurs at least twice anywhere in the bag, across elements, as a lazy
    ``dask.dataframe.DataFrame`` with one row per occurrence: ``group`` (an int64 label that equal
    windows share, and no other window), ``element`` (the element's index in the bag) and ``offset``
    (the window's first token within the element).

    Windows do not cross element boundaries: each element is a document (or a line) of its own.

    Built as a real distributed shuffle, exact:

    1. each partition gives, per window, a 64-bit polynomial digest of 64-bit hashes of its tokens
       (the same in every process, whatever each worker's vocabulary numbered them) and its position;
    2. a shuffle on the digest brings equal digests together, and the digests seen once are dropped;
    3. the candidates go back to their partitions (a shuffle on the partition), which add each
       window's tokens (their byte forms: the exact key);
    4. a shuffle on the digest again, and the windows are grouped by their exact keys: digests shared
       by different windows (collisions) split, so no group holds two different windows.

    Only the candidates' tokens travel; every window costs its digest and position (32 bytes).
    The shuffle is chosen when the frame is built: Dask's peer-to-peer shuffle when a distributed
    ``Client`` is current (and Dask's ``scheduler`` setting names no other), which then must compute
    it; the task shuffle otherwise.

    Args:
        engine: the :class:`~ectraverse.Traversal` (its tokenizer splits str elements).
        bag: a ``dask.bag.Bag`` of str, sequences of tokens or NumPy int arrays.
        m: the window length, a positive int.

    Raises:
        TypeError: engine is not a Traversal, bag not a Bag, m not an int; an engine whose custom
            tokenizer has no name, or does not pickle.
        ValueError: m < 1.

    Example:
        >>> import dask.bag as db
        >>> from ectraverse import Traversal
        >>> eng = Traversal("secp256k1")
        >>> bag = db.from_sequence(["a b c", "x a b", "b c"], npartitions=2)
        >>> df = repeats(eng, bag, 2).compute(scheduler="synchronous")
        >>> sorted(sorted(zip(g.element, g.offset)) for _, g in df.groupby("group"))
        [[(0, 0), (1, 1)], [(0, 1), (2, 0)]]
    """
    _check(engine, bag)
    m = _index("window length m", m)
    if m < 1:
        raise ValueError(f"window length m must be a positive int, not {m}")
    client = _client()
    handle = _ship(engine, client)
    phase1 = _each_partition(bag, _windows_partition, handle, m, name="ectraverse-windows-" + uuid.uuid4().hex,
                             index=True)
    with _FRAMES_BUILT:
        return _repeat_frames(phase1, m, None if client is not None else "tasks")


def _repeat_frames(phase1: list, m: int, method: str | None):
    """The frames of :func:`repeats` steps 2 to 4, from the partitions' windows (step 1); ``method`` the
    shuffles' (None: Dask's choice, its peer-to-peer shuffle under a client)."""
    P = len(phase1)
    if not P:  # a bag of no partitions (db.from_delayed([])): no windows, as compose gives the identity
        return dd.from_pandas(_REPEATS_META.copy(), npartitions=1)
    windows = dd.from_delayed([f[0] for f in phase1], meta=_WINDOWS_META, verify_meta=False)
    candidates = windows.shuffle(on="digest", shuffle_method=method).map_partitions(_duplicated_digests,
                                                                                   meta=_WINDOWS_META)
    # to the partitions they came from: sorted on "part" into known divisions, one partition per source
    by_part = candidates.set_index("part", divisions=list(range(P)) + [P], drop=False, shuffle_method=method)
    by_part = by_part.to_delayed()
    if len(by_part) != P:  # pragma: no cover - Dask keeps the divisions it is given
        raise RuntimeError("the shuffle on the partition did not keep one partition per source")
    keyed = [dask.delayed(_exact_keys, pure=True)(part[1], cand, m, p)
             for p, (part, cand) in enumerate(zip(phase1, by_part))]
    exact = dd.from_delayed(keyed, meta=_KEYS_META, verify_meta=False).shuffle(on="digest", shuffle_method=method)
    # element counts only: the partitions' states (their tokens) stay where they are
    bases = dask.delayed(_bases, pure=True)(*[dask.delayed(_count, pure=True)(part[1]) for part in phase1])
    frame = dd.from_delayed([dask.delayed(_groups, pure=True)(df, q, bases) for q, df in enumerate(exact.to_delayed())],
                            meta=_REPEATS_META, verify_meta=False).optimize()
    frame.divisions  # cached now, under the lock: computing the frame then takes none of those locks
    return frame


def _positions(groups: pd.DataFrame) -> list[list[tuple[int, int]]]:
    """A computed :func:`repeats` frame as lists of ``(element, offset)``, the groups in order of their
    first occurrence (a helper for reports)."""
    if groups.empty:
        return []
    out = [list(zip(g["element"].tolist(), g["offset"].tolist()))
           for _, g in groups.sort_values(["element", "offset"]).groupby("group", sort=False)]
    return sorted(out, key=lambda g: g[0])
