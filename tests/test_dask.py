"""The Dask layer (:mod:`ectraverse.dask`): compose, prefixes and repeats of a bag equal the single-machine
results, exactly, under any partitioning and tree shape; keyed engines; a real LocalCluster; the CLI.

Most tests run on the synchronous scheduler (fast, deterministic); one module-scoped LocalCluster of two
worker processes runs the three operations once.  No timing assertions.
"""

import json
import os
import pickle
import threading
import time
from unittest import mock

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

pytest.importorskip("dask")
import cloudpickle
import dask
import dask.bag as db

import ectraverse.dask as ed
from ectraverse import Traversal, Vocabulary, tokenizers

import child
from test_scratch_blocks import fixes_mmap_threshold

SYNC = {"scheduler": "synchronous"}
WORDS = ["a", "b", "c", "the", "cat", "mat", "é", "x1"]


def joined_tokens(eng, elements) -> list:
    return [t for e in elements for t in eng.tokens(e)]


def brute_repeats(eng, elements, m) -> set[frozenset]:
    """Every m-window occurring twice or more, across elements, as sets of (element, offset)."""
    table: dict[tuple, list] = {}
    for i, e in enumerate(elements):
        toks = eng.tokens(e)
        for o in range(len(toks) - m + 1):
            table.setdefault(tuple(toks[o:o + m]), []).append((i, o))
    return {frozenset(v) for v in table.values() if len(v) > 1}


def computed_groups(df) -> set[frozenset]:
    return {frozenset(zip(g["element"].tolist(), g["offset"].tolist())) for _, g in df.groupby("group")}


@pytest.fixture(scope="module")
def eng():
    return Traversal("secp256k1")


lines = st.lists(st.lists(st.sampled_from(WORDS), max_size=6).map(lambda ws: " ".join(ws) + "\n"),
                 min_size=0, max_size=14)


# ---- compose -------------------------------------------------------------------------------------

@given(items=lines, k=st.integers(1, 9), split_every=st.integers(2, 8),
       method=st.sampled_from(["auto", "coefficients", "points"]), msm_tasks=st.integers(1, 4))
def test_compose_equals_single_machine(eng, items, k, split_every, method, msm_tasks):
    bag = db.from_sequence(items, npartitions=k)
    with mock.patch.object(ed, "MSM_ROWS_PER_TASK", 1):  # the final MSM really cut, even for a few tokens
        got = ed.compose(eng, bag, split_every=split_every, method=method, msm_tasks=msm_tasks).compute(**SYNC)
    assert got == eng.compose("".join(items))


def per_partition_keys(collection) -> set:
    """The keys of the collection's graph that name one partition each (tuple keys)."""
    return {k for k in dict(collection.__dask_graph__()) if isinstance(k, tuple)}


def test_each_partition_is_one_task(eng, tmp_path):
    """A partition's own last task runs inside the task that composes it (one task a partition, one
    round trip to the scheduler), for text_blocks and for a mapped bag; without Dask's task spec, or
    where another task also needs the partition, it stays a task of its own, and the result is the same."""
    f = tmp_path / "t.txt"
    f.write_text("the cat\nsat on\nthe mat\n" * 20)
    want = eng.compose(f.read_text())
    blocks = ed.text_blocks([f], blocksize=64)
    mapped = db.from_sequence(f.read_text().upper().splitlines(keepends=True), npartitions=5).map(str.lower)
    for bag in (blocks, mapped):
        got = ed.compose(eng, bag, method="points")
        keys = per_partition_keys(got)
        assert len(keys) == bag.npartitions and all(k[0].startswith("ectraverse-compose-") for k in keys)
        assert got.compute(**SYNC) == want
        with mock.patch.object(ed, "_Task", None):
            unfused = ed.compose(eng, bag, method="points")
            assert len(per_partition_keys(unfused)) >= 2 * bag.npartitions
            assert unfused.compute(**SYNC) == want
    lines = dask.delayed(lambda: ["the cat\n", "sat on\n"])()
    twice = db.from_delayed([lines, lines])  # one task that both partitions need: it stays a task
    got = ed.compose(eng, twice, method="points")
    assert lines.key in dict(got.__dask_graph__())
    assert got.compute(**SYNC) == eng.compose("the cat sat on " * 2)


def test_a_partition_that_two_partitions_share_stays_a_task(eng):
    """db.concat([b, b]): both partitions alias b's one task, which neither may take inside its own (the
    other would miss it: Dask's "Missing dependency")."""
    b = db.from_sequence(["a b c\n"], npartitions=1).map(str.upper)
    bag = db.concat([b, b])
    assert ed.compose(eng, bag, method="points").compute(**SYNC) == eng.compose("A B C\nA B C\n")
    assert ed.compose(eng, bag, method="coefficients").compute(**SYNC) == eng.compose("A B C\nA B C\n")
    assert ed.prefixes(eng, bag).compute(**SYNC) == [eng.identity, eng.compose("A B C")]
    assert ed._positions(ed.repeats(eng, bag, 3).compute(**SYNC)) == [[(0, 0), (1, 0)]]


def test_partitions_read_in_their_own_task_are_data_producers(eng, tmp_path):
    """A partition task that reads its partition itself (text_blocks, read_text) needs nothing else but
    the engine: it is marked a data producer, as Dask's readers are, so the scheduler spreads such tasks
    over the workers (see test_local_cluster_spreads_few_partitions); one that takes another task's
    output is not, and keeps Dask's placement by where its input is."""
    f = tmp_path / "t.txt"
    f.write_text("the cat\nsat on\nthe mat\n" * 20)
    lines = dask.delayed(lambda: f.read_text().splitlines(keepends=True))()
    shared = db.from_delayed([lines, lines])  # one task that both partitions need: their input, not theirs
    for bag, producer in ((ed.text_blocks([f], blocksize=64), True), (db.read_text(str(f), blocksize=100), True),
                          (db.from_sequence(f.read_text().splitlines(keepends=True), npartitions=3), False),
                          (shared, False)):  # from_sequence's partitions are data nodes of their own: inputs
        for lazy in (ed.compose(eng, bag), ed.prefixes(eng, bag)):
            graph = dict(lazy.__dask_graph__())
            tasks = [graph[k] for k in per_partition_keys(lazy) if k[0].startswith("ectraverse-")]
            assert len(tasks) == bag.npartitions
            assert all(t.data_producer is producer for t in tasks)
        copies = 2 if bag is shared else 1
        assert ed.compose(eng, bag).compute(**SYNC) == eng.compose(f.read_text() * copies)


def test_msm_slices_on_different_copies_split_the_tokens_exactly():
    """The final MSM's slices, each run by another copy of the engine (each numbering the tokens new
    to the shipped vocabulary its own way), take every token once: the shared ids by rank, the new
    tokens all in the last slice."""
    eng = Traversal("secp256k1", namespace="msm slices")
    eng.compose("a b c d e f")
    handle = ed._Handle(eng._pickled())
    copies = [pickle.loads(handle[1]) for _ in range(6)]
    copies[4].compose("z y")  # this copy numbers z and y before the parts name them
    parts = [ed._portable(handle[2], copies[0].coefficients("c x y a f")),
             ed._portable(handle[2], copies[1].coefficients("y z b x e a d"))]
    want = eng.compose("c x y a f y z b x e a d")
    for runs in (1, 2, 3, 4):
        slices = []
        with mock.patch.object(ed, "MSM_ROWS_PER_TASK", 1):
            for r in range(runs):
                with mock.patch.object(ed, "_local", lambda h, r=r: copies[2 + r]):
                    slices.append(ed._msm_slice(handle, r, runs, *parts))
        assert ed._sum_slices(handle, *slices) == want, runs


def test_parts_cross_between_copies_by_shared_ids_and_new_tokens():
    """A copy's part names the ids the copies share and sends its new tokens as tokens: read back by
    the original, whose vocabulary numbers those tokens otherwise, it is the same composition."""
    eng = Traversal("secp256k1", namespace="portable parts")
    eng.compose("a b c")
    digest, blob, shared = eng._pickled()
    copy = pickle.loads(blob)
    eng.compose("only the original has these")  # the original's new ids differ from the copy's
    part = ed._portable(shared, copy.coefficients("c new words b a new"))
    assert sorted(part[4]) == ["new", "words"] and part[3] == shared
    assert eng.from_coefficients(eng._adopt(*part)) == eng.compose("c new words b a new")
    with pytest.raises(ValueError, match=r"msm_tasks must be in \[1, 1024\], not 0"):
        ed.compose(eng, db.from_sequence(["a"]), msm_tasks=0)


def test_prefix_partitions_cross_between_copies_by_shared_ids_and_new_tokens():
    """A partition's tokens counted by one copy of the engine and its starts read by another (each
    numbering the tokens new to the shipped vocabulary its own way) are the elements' starts."""
    eng = Traversal("secp256k1", namespace="portable prefixes")
    eng.compose("a b c")
    handle = ed._Handle(eng._pickled())
    counter, reader = pickle.loads(handle[1]), pickle.loads(handle[1])
    reader.compose("z y words")  # numbers new words before the partition names them
    part = ["c new", "", "words b a new z", "y"]
    with mock.patch.object(ed, "_local", lambda h: counter):
        local = ed._element_starts(handle, part)
    assert sorted(local[3]) == ["new", "words", "y", "z"] and local[2].tolist() == eng.vocabulary.ids(["a", "b", "c"])
    before = eng.compose("x x")
    with mock.patch.object(ed, "_local", lambda h: reader):
        got = ed._prefix_partition(handle, local, [eng.identity.to_bytes(), before.to_bytes()], 1)
    assert got == [before * eng.compose(" ".join(part[:i])) for i in range(len(part))]


@given(items=st.lists(st.lists(st.sampled_from(WORDS + [3, 7]), max_size=5), max_size=10),
       k=st.integers(1, 5), split_every=st.integers(2, 8))
def test_compose_of_token_lists_does_not_join_elements(eng, items, k, split_every):
    got = ed.compose(eng, db.from_sequence(items, npartitions=k), split_every=split_every).compute(**SYNC)
    assert got == eng.compose(joined_tokens(eng, items))


@pytest.mark.parametrize("tokenizer", list(tokenizers.BY_NAME))
@given(texts=st.lists(st.text(max_size=12), max_size=8), k=st.integers(1, 4))
@settings(max_examples=25)
def test_str_elements_are_token_sequences_of_their_own(tokenizer, texts, k):
    """Elements need not end on a token boundary: each is tokenized as if alone (joining is only a shortcut)."""
    eng = Traversal("secp256k1", tokenizer=tokenizer)
    got = ed.compose(eng, db.from_sequence(texts, npartitions=k)).compute(**SYNC)
    assert got == eng.compose(joined_tokens(eng, texts))


texts = st.lists(st.text(st.sampled_from("ab é\n€\t"), max_size=40), min_size=1, max_size=4)


@given(contents=texts, blocksize=st.one_of(st.none(), st.integers(1, 50)))
@settings(max_examples=40, deadline=None)
def test_text_blocks_cut_files_after_newlines(tmp_path_factory, contents, blocksize):
    """Each file's blocks end to end are its text, every block but a file's last ends with a newline,
    and compose of the bag is the files' texts, each composed whole, end to end."""
    eng = Traversal("secp256k1", tokenizer="whitespace")
    folder = tmp_path_factory.mktemp("blocks")
    paths = []
    for i, text in enumerate(contents):
        paths.append(folder / f"f{i}.txt")
        paths[-1].write_bytes(text.encode("utf-8"))
    parts = [ed.text_blocks([p], blocksize=blocksize).compute(**SYNC) for p in paths]
    for text, blocks in zip(contents, parts):
        assert "".join(blocks) == text
        assert all(b.endswith("\n") for b in blocks[:-1]) and all(b for b in blocks) or blocksize is None
        if blocksize is None:
            assert blocks == [text]
    bag = ed.text_blocks(paths, blocksize=blocksize)
    want = eng.compose([t for text in contents for t in eng.tokens(text)])
    assert ed.compose(eng, bag).compute(**SYNC) == want


def test_text_blocks_refuse_what_they_cannot_read(tmp_path):
    with pytest.raises(FileNotFoundError, match="no such file"):
        ed.text_blocks([tmp_path / "missing.txt"])
    with pytest.raises(ValueError, match="blocksize must be a positive int or None, not 0"):
        ed.text_blocks([], blocksize=0)
    with pytest.raises(TypeError, match="blocksize must be an int, not float"):
        ed.text_blocks([], blocksize=1.5)
    bad = tmp_path / "latin1.txt"
    bad.write_bytes(b"caf\xe9 au lait\n")
    with pytest.raises(ed.TextBlockError, match=r"latin1.txt' is not valid UTF-8 \(byte 3: invalid continuation byte\)\.$"):
        ed.text_blocks([bad]).compute(**SYNC)
    grows = tmp_path / "grows.txt"
    grows.write_text("a b\n")
    bag = ed.text_blocks([grows])
    grows.write_text("a b c d\n")
    with pytest.raises(ed.TextBlockError, match=r"changed size since its blocks were made \(4 bytes then, 8 now\)\.$"):
        bag.compute(**SYNC)
    touched = tmp_path / "touched.txt"
    touched.write_text("a b\n")
    bag = ed.text_blocks([touched])
    os.utime(touched, ns=(0, 0))
    with pytest.raises(ed.TextBlockError, match=r"touched.txt' was modified since its blocks were made\.$"):
        bag.compute(**SYNC)
    assert ed.text_blocks([]).compute(**SYNC) == []
    gone = tmp_path / "gone.txt"
    gone.write_text("a b\n")
    bag = ed.text_blocks([gone])
    gone.unlink()
    with pytest.raises(ed.TextBlockError, match=r"gone.txt' can no longer be read \(No such file or directory\)\.$"):
        bag.compute(**SYNC)


def test_a_byte_that_is_not_utf8_is_named_by_its_offset_in_the_file(eng, tmp_path):
    """The bad byte lies in a block after the first: its offset is the file's, not the block's."""
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"the cat\nsat on\nthe mat\n\xff bad\n")  # 0xff at byte 23
    blocks = ed.text_blocks([bad], blocksize=10)
    assert blocks.npartitions > 2
    for lazy in (blocks, ed.compose(eng, blocks), ed.repeats(eng, blocks, 2)):
        with pytest.raises(ed.TextBlockError, match=r"bad.txt' is not valid UTF-8 \(byte 23: invalid start byte\)\.$"):
            lazy.compute(**SYNC)


def test_text_blocks_of_no_files_are_one_empty_partition(eng):
    """As db.from_sequence([]): one empty partition, which every Bag operation takes (a bag of none
    fails some: to_dataframe divides by the partition count)."""
    bag = ed.text_blocks([])
    assert bag.npartitions == 1 and bag.compute(**SYNC) == [] and bag.count().compute(**SYNC) == 0
    assert bag.to_dataframe(meta={"x": str}).compute(**SYNC).empty
    assert ed.compose(eng, bag).compute(**SYNC) == eng.identity


def test_text_blocks_take_a_list_of_regular_files(tmp_path):
    """A bare path is refused (a str would be taken character by character); a directory, pipe or device
    is named as such: its blocks cannot be read by position."""
    one = tmp_path / "one.txt"
    one.write_text("a b\n")
    for bare in (str(one), one, bytes(one)):
        with pytest.raises(TypeError, match=f"paths must be a sequence of paths, not a {type(bare).__name__}: "
                                            r"for one file, text_blocks\(\[path\]\)"):
            ed.text_blocks(bare)
    for nothing in (None, 3):  # Python's "'NoneType' object is not iterable" before
        with pytest.raises(TypeError, match=f"^paths must be a sequence of paths, not {type(nothing).__name__}$"):
            ed.text_blocks(nothing)
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    for odd in (tmp_path, fifo, "/dev/null"):
        with pytest.raises(ValueError, match=f"not a regular file: {str(odd)!r} \\(a directory, pipe or device\\)"):
            ed.text_blocks([one, odd])
    assert ed.text_blocks((p for p in [one])).compute(**SYNC) == ["a b\n"]


@pytest.mark.skipif(not os.path.isfile("/proc/version") or os.stat("/proc/version").st_size != 0,
                    reason="needs a /proc file whose size reads as 0")
@pytest.mark.parametrize("blocksize", [None, 1, 64 << 20])
def test_a_file_whose_size_reads_as_zero_is_read_to_its_end(eng, tmp_path, blocksize):
    """/proc and /sys files report size 0 but hold text: read whole, as without Dask."""
    with open("/proc/version", encoding="utf-8") as f:
        text = f.read()
    assert text
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    bag = ed.text_blocks(["/proc/version", empty, "/proc/version"], blocksize=blocksize)
    assert "".join(bag.compute(**SYNC)) == text + text
    assert ed.compose(eng, bag).compute(**SYNC) == eng.compose(text + text)


def test_text_block_cut_short_while_read(tmp_path):
    """A file that ends early under the reader (cut by another process after the checks) is an error,
    never a block with a tail of uninitialised bytes."""
    import io

    class CutShort(io.FileIO):
        def readinto(self, b):
            return 0

    path = tmp_path / "cut.txt"
    path.write_text("a b\n")
    with mock.patch("ectraverse.dask.open", lambda p, mode, buffering: CutShort(p, mode), create=True):
        for run in (lambda: ed.text_blocks([path]).compute(**SYNC),
                    lambda: ed.compose(Traversal("secp256k1"), ed.text_blocks([path])).compute(**SYNC)):
            with pytest.raises(ed.TextBlockError, match=r"cut.txt' was cut short while it was read\.$"):
                run()


def test_compose_tokenizes_text_blocks_undecoded(tmp_path):
    """compose reads each text block inside its partition's task and tokenizes its UTF-8 bytes as they
    are (no str made of them), with the same context, also for a custom tokenizer (which decodes them);
    the bag itself still gives str blocks; a block that is not UTF-8 fails as reading the bag does."""
    text = "".join(f"l{i} ünï {'日本' if i % 7 else ''} {i * i} 🇫🇷\n" for i in range(3000))
    paths = [tmp_path / f"f{i}.txt" for i in range(3)]
    for p in paths:
        p.write_text(text, encoding="utf-8")
    seen = []
    original = Vocabulary.text_ids

    def spy(self, data, tokenizer="words"):
        seen.append(type(data))
        return original(self, data, tokenizer)

    bag = ed.text_blocks(paths, blocksize=len(text.encode()) // 3 + 1)  # blocks of about 30 kB
    for eng in (Traversal("secp256k1"), Traversal("secp256k1", tokenizer=tokenizers.words, tokenizer_name="words"),
                Traversal("secp256k1", tokenizer=str.split, tokenizer_name="split")):
        want = eng.compose(text * 3)
        seen.clear()
        with mock.patch.object(Vocabulary, "text_ids", spy):
            for method in ("coefficients", "points"):
                assert ed.compose(eng, bag, method=method).compute(**SYNC) == want
        assert set(seen) == ({np.ndarray} if eng._builtin else set())
    assert all(type(b) is str for b in bag.compute(**SYNC))
    bad = tmp_path / "latin1.txt"
    bad.write_bytes(text.encode() + b"caf\xe9 au lait\n")
    with pytest.raises(ed.TextBlockError, match=rf"latin1.txt' is not valid UTF-8 \(byte {len(text.encode()) + 3}: "
                                                r"invalid continuation byte\)\.$"):
        ed.compose(Traversal("secp256k1"), ed.text_blocks([bad])).compute(**SYNC)


def test_compose_numpy_elements_and_empty_bag(eng):
    arrays = [np.arange(5, dtype=np.int64), np.array([3, 3, 1], dtype=np.int64)]
    assert ed.compose(eng, db.from_sequence(arrays, npartitions=2)).compute(**SYNC) == \
        eng.compose(np.concatenate(arrays))
    assert ed.compose(eng, db.from_sequence([], npartitions=1)).compute(**SYNC) == eng.identity


@pytest.mark.parametrize("method", ["coefficients", "points"])
def test_compose_numpy_elements_stay_arrays(eng, method, monkeypatch):
    # several arrays of mixed int dtypes to a partition (uint64 and int64 together would concatenate to
    # float64), composed as one array: never a Python list of their tokens
    arrays = [np.array([2**63 - 1, 7], dtype=np.uint64), np.array([-5, 7], dtype=np.int64),
              np.array([3], dtype=np.int8), np.array([], dtype=np.int32), np.array([9, 7], dtype=np.uint16)]
    want = eng.compose([2**63 - 1, 7, -5, 7, 3, 9, 7])
    monkeypatch.setattr(Traversal, "tokens", lambda self, x: pytest.fail("an array element became a list"))
    for parts in (1, 2, 5):
        bag = db.from_sequence(arrays, npartitions=parts)
        assert ed.compose(eng, bag, method=method).compute(**SYNC) == want
    monkeypatch.undo()
    mixed = [["x", 7], arrays[0], arrays[1], "a b", [], arrays[2]]  # runs of token lists between arrays
    want = eng.compose(["x", 7, 2**63 - 1, 7, -5, 7, "a", "b", 3])
    for parts in (1, 3):
        assert ed.compose(eng, db.from_sequence(mixed, npartitions=parts), method=method).compute(**SYNC) == want
    for bad, err, msg in ((np.array([1.0]), TypeError, "values must be a NumPy array of ints, not of float64"),
                          (np.zeros((2, 2), dtype=np.int64), ValueError, "values must be one-dimensional"),
                          (np.array([2**63], dtype=np.uint64), ValueError, r"int tokens must be in \[-2\*\*63")):
        with pytest.raises(err, match=msg):
            ed.compose(eng, db.from_sequence([arrays[1], bad], npartitions=1), method=method).compute(**SYNC)


def test_compose_with_a_frozen_vocabulary_is_shipped_once(eng):
    vocab = Vocabulary("secp256k1", WORDS, frozen=True)
    frozen = Traversal(vocabulary=vocab)
    items = ["a b c\n", "the cat\n", "x1 é\n"] * 5
    lazy = ed.compose(frozen, db.from_sequence(items, npartitions=4), split_every=2)
    graph = dict(lazy.__dask_graph__())
    engine_keys = [k for k in graph if str(k).startswith("ectraverse-engine-")]
    assert len(engine_keys) == 1  # one copy of the engine's pickle in the whole graph
    assert lazy.compute(**SYNC) == frozen.compose("".join(items))


def test_a_growing_engine_keeps_one_original_however_often_it_is_shipped():
    """Each new token gives the engine another digest: this process keeps the engine under its newest
    only (it kept every one while the engine lived), and a graph made with an older one still computes,
    on a copy unpickled from its own handle."""
    grower = Traversal("secp256k1", namespace="grower")
    first = ed.compose(grower, db.from_sequence(["a b\n", "b c\n"], npartitions=2))
    for i in range(40):
        ed.compose(grower, db.from_sequence([f"w{i} a\n"], npartitions=1)).compute(**SYNC)  # adds w{i}
    assert len([d for d, e in ed._originals.items() if e is grower]) == 1  # was one a shipping: 40
    assert first.compute(**SYNC) == grower.compose("a b\nb c\n")


def test_a_growing_engine_shipped_from_8_threads_at_once():
    """The table of shipped originals under 8 threads that each add tokens and ship one engine: every
    result right, and one entry left for the engine."""
    from concurrent.futures import ThreadPoolExecutor

    grower = Traversal("secp256k1", namespace="grower from 8 threads")
    barrier = threading.Barrier(8)

    def work(t: int) -> bool:
        barrier.wait()
        ok = True
        for j in range(6):
            items = [f"t{t}w{j} a\n", f"b t{t}x{j}\n"]
            got = ed.compose(grower, db.from_sequence(items, npartitions=2)).compute(**SYNC)
            ok &= got == grower.compose("".join(items))
        return ok

    with ThreadPoolExecutor(8) as pool:
        assert all(pool.map(work, range(8)))
    ed.compose(grower, db.from_sequence(["a"], npartitions=1))  # ships its final vocabulary
    assert len([d for d, e in ed._originals.items() if e is grower]) == 1


def test_compose_on_threads_and_processes(eng):
    items = [f"line {i % 7} of the cat\n" for i in range(60)]
    bag = db.from_sequence(items, npartitions=6)
    want = eng.compose("".join(items))
    assert ed.compose(eng, bag).compute(scheduler="threads") == want
    assert ed.compose(eng, bag, method="points").compute(scheduler="processes", num_workers=2) == want


def test_bad_arguments(eng):
    bag = db.from_sequence(["a"], npartitions=1)
    with pytest.raises(TypeError, match="engine must be a Traversal"):
        ed.compose("eng", bag)
    with pytest.raises(TypeError, match="bag must be a dask.bag.Bag"):
        ed.compose(eng, ["a"])
    with pytest.raises(ValueError, match="split_every must be at least 2"):
        ed.compose(eng, bag, split_every=1)
    with pytest.raises(TypeError, match="split_every must be an int"):
        ed.compose(eng, bag, split_every=2.0)
    with pytest.raises(ValueError, match="method must be one of"):
        ed.compose(eng, bag, method="fast")
    with pytest.raises(TypeError, match="window length m must be an int"):
        ed.repeats(eng, bag, "3")
    with pytest.raises(ValueError, match="positive"):
        ed.repeats(eng, bag, 0)
    with pytest.raises(TypeError, match="bag elements must be"):
        ed.compose(eng, db.from_sequence([b"bytes"], npartitions=1), method="points").compute(**SYNC)
    with pytest.raises(TypeError, match="bag elements must be"):
        ed.prefixes(eng, db.from_sequence([5], npartitions=1)).compute(**SYNC)
    unordered = db.from_sequence([["a"], {"b", "c"}], npartitions=2)  # each worker would iterate it its own way
    for lazy in (ed.compose(eng, unordered), ed.compose(eng, unordered, method="points"),
                 ed.prefixes(eng, unordered), ed.repeats(eng, unordered, 1)):
        with pytest.raises(TypeError, match="a set is not a token sequence"):
            lazy.compute(**SYNC)
    unnamed = Traversal("secp256k1", tokenizer=str.split)
    with pytest.raises(TypeError, match="custom tokenizer has no name"):
        ed.compose(unnamed, bag)
    unpicklable = Traversal("secp256k1", tokenizer=lambda s: s.split(), tokenizer_name="split")
    for build in (ed.compose, ed.prefixes, lambda e, b: ed.repeats(e, b, 2)):  # on any scheduler: it is shipped
        with pytest.raises(TypeError, match="tokenizer 'split' does not .*top level of a module"):
            build(unpicklable, bag)


# ---- keyed engines -------------------------------------------------------------------------------

def test_keyed_engine(eng):
    keyed = Traversal("secp256k1", key=b"a secret key", namespace="keyed")
    items = [f"w{i % 5} the cat\n" for i in range(40)]
    bag = db.from_sequence(items, npartitions=5)
    with pytest.raises(ValueError, match="never leave a task"):
        ed.compose(keyed, bag, method="coefficients")
    want = keyed.compose("".join(items))
    assert ed.compose(keyed, bag, split_every=2).compute(**SYNC) == want
    # in other processes: contexts cross as bytes, decoded by each process's copy of the engine
    assert ed.compose(keyed, bag).compute(scheduler="processes", num_workers=2) == want
    # the key is in the graph once, inside the engine's pickle, and in no other task
    graph = dict(ed.compose(keyed, bag, split_every=2).__dask_graph__())
    holders = [k for k, v in graph.items() if b"a secret key" in cloudpickle.dumps(v)]
    assert len(holders) == 1 and str(holders[0]).startswith("ectraverse-engine-")
    starts = ed.prefixes(keyed, bag).compute(scheduler="processes", num_workers=2)
    assert starts[7] == keyed.compose("".join(items[:7]))
    assert computed_groups(ed.repeats(keyed, bag, 3).compute(**SYNC)) == brute_repeats(keyed, items, 3)


def compose_graph(lazy) -> tuple[list, int]:
    """(the types of what the partitions' tasks of a compose return, how many MSM slices it has)."""
    graph = dict(lazy.__dask_graph__())
    keys = [k for k in graph if isinstance(k, tuple) and str(k[0]).startswith("ectraverse-compose-")]
    return [type(v) for v in dask.get(graph, keys)], sum(str(k).startswith("_msm_slice-") for k in graph)


def test_auto_takes_points_for_a_keyed_engine_and_a_single_partition(eng, monkeypatch):
    """"auto": a keyed engine's partitions return their contexts' bytes (its coefficients, which depend on
    the secret multiplier, never leave a task), as a single partition's does (one MSM either way); else
    coefficients, and the final MSM cut into slices."""
    monkeypatch.setattr(ed, "_client", lambda: None)  # the graphs hold the engine: dask.get computes them
    keyed = Traversal("secp256k1", key=b"a secret key", namespace="keyed")
    bag = db.from_sequence([f"w{i % 5} the cat\n" for i in range(40)], npartitions=5)
    assert compose_graph(ed.compose(keyed, bag, msm_tasks=2)) == ([bytes] * 5, 0)
    one = db.from_sequence(["a b c\n"] * 4, npartitions=1)
    assert compose_graph(ed.compose(eng, one, msm_tasks=2)) == ([bytes], 0)
    types, slices = compose_graph(ed.compose(eng, bag, msm_tasks=2))
    assert types == [tuple] * 5 and slices == 2


def test_msm_tasks_default_is_the_cores_at_most_msm_tasks(eng, monkeypatch):
    """Without a client: as many slices as this machine's cores, at most MSM_TASKS."""
    monkeypatch.setattr(ed, "_client", lambda: None)  # whatever client another test left current
    bag = db.from_sequence(["a b c\n"] * 40, npartitions=20)
    for cores, want in ((64, ed.MSM_TASKS), (3, 3), (None, 1)):
        monkeypatch.setattr(os, "cpu_count", lambda cores=cores: cores)
        assert compose_graph(ed.compose(eng, bag))[1] == (want if want > 1 else 0)


# ---- prefixes ------------------------------------------------------------------------------------

@given(items=lines, k=st.integers(1, 6))
@settings(max_examples=30)
def test_prefixes_equal_single_machine_prefix_states(eng, items, k):
    got = ed.prefixes(eng, db.from_sequence(items, npartitions=k)).compute(**SYNC)
    states = eng.prefixes(joined_tokens(eng, items))
    offsets = np.concatenate(([0], np.cumsum([len(eng.tokens(e)) for e in items])))[:-1]
    assert got == [states[int(o)] for o in offsets]


def test_a_window_across_elements_is_two_lookups(eng):
    items = ["the cat sat\n", "on the\n", "mat today\n"]
    P = ed.prefixes(eng, db.from_sequence(items, npartitions=2)).compute(**SYNC)
    S0, S2 = eng.prefixes(items[0]), eng.prefixes(items[2])
    # from element 0's token 1 to element 2's token 1: "cat sat on the mat"
    assert (P[0] * S0[1]).inverse() * (P[2] * S2[1]) == eng.compose("cat sat on the mat")


# ---- repeats -------------------------------------------------------------------------------------

#: Tokens whose byte forms make an exact key that is not UTF-8 (a length of 128-255 bytes in a token's
#: length prefix) beside short ones and ints: a key is bytes, never decoded.
ODD_TOKENS = ["y" * 200, "é" * 70, 7, "a", "b"]


@given(items=st.lists(st.lists(st.sampled_from(WORDS[:4] + ["y" * 200, "é" * 70]), max_size=12).map(" ".join),
                      max_size=8),
       k=st.integers(1, 5), m=st.integers(1, 4))
@settings(max_examples=30)
def test_repeats_equal_a_brute_force_dict(eng, items, k, m):
    df = ed.repeats(eng, db.from_sequence(items, npartitions=k), m).compute(**SYNC)
    assert list(df.columns) == ["group", "element", "offset"]
    assert computed_groups(df) == brute_repeats(eng, items, m)


@given(items=st.lists(st.lists(st.sampled_from(ODD_TOKENS), max_size=10), max_size=6), k=st.integers(1, 4),
       m=st.integers(1, 3))
@settings(max_examples=20)
def test_repeats_of_token_lists_whose_keys_are_not_utf8(items, k, m):
    """Elements given as token lists (long str tokens, ints): Dask converts object columns to Arrow
    strings, which failed on such keys (UnicodeDecodeError); a key is an Arrow binary column."""
    eng = Traversal("secp256k1", tokenizer="whitespace", namespace="odd")
    df = ed.repeats(eng, db.from_sequence(items, npartitions=k), m).compute(**SYNC)
    assert computed_groups(df) == brute_repeats(eng, items, m)


def test_repeats_split_digest_collisions(eng, monkeypatch):
    """Every window gets the same digest: the exact keys still split the groups."""
    monkeypatch.setattr(ed, "_window_digests", lambda h, m: np.zeros(h.shape[0] - m + 1, dtype=np.uint64))
    items = ["a b a b c", "c a b", "b c x1"]
    df = ed.repeats(eng, db.from_sequence(items, npartitions=2), 2).compute(**SYNC)
    assert computed_groups(df) == brute_repeats(eng, items, 2)


def test_repeats_keys_name_windows_exactly(monkeypatch):
    """A window's exact key tells its tokens apart however they are spelled: the int 7 is not the str
    "7", and tokens are length-prefixed, so "as", "b" is not "a", "sb" (every digest equal here)."""
    eng = Traversal("secp256k1", tokenizer="whitespace", namespace="keys")
    assert eng.compose([7, 8]) != eng.compose(["7", "8"])
    df = ed.repeats(eng, db.from_sequence([[7, 8], ["7", "8"]], npartitions=2), 2).compute(**SYNC)
    assert df.empty
    monkeypatch.setattr(ed, "_window_digests", lambda h, m: np.zeros(h.shape[0] - m + 1, dtype=np.uint64))
    df = ed.repeats(eng, db.from_sequence(["as b", "a sb", "as b"], npartitions=2), 2).compute(**SYNC)
    assert ed._positions(df) == [[(0, 0), (2, 0)]]


def test_repeats_windows_do_not_cross_elements(eng):
    df = ed.repeats(eng, db.from_sequence(["a b", "c a", "b c"], npartitions=3), 2).compute(**SYNC)
    assert df.empty  # "a b" once; "b c" would be twice only across elements 0 -> 1


def test_a_bag_of_no_partitions(eng):
    """db.from_delayed([]) has no partition at all (an empty from_sequence has one): compose gives the
    identity, prefixes none, repeats an empty frame of its columns, as on one machine."""
    bag = db.from_delayed([])
    assert bag.npartitions == 0
    assert ed.compose(eng, bag).compute(**SYNC) == eng.identity
    assert ed.prefixes(eng, bag).compute(**SYNC) == []
    df = ed.repeats(eng, bag, 2).compute(**SYNC)
    assert df.empty and list(df.columns) == ["group", "element", "offset"]
    assert list(df.dtypes) == [np.dtype("int64")] * 3


def test_repeats_positions_helper(eng):
    df = ed.repeats(eng, db.from_sequence(["x1 a b", "a b a b"], npartitions=2), 2).compute(**SYNC)
    assert ed._positions(df) == [[(0, 1), (1, 0), (1, 2)]]


# ---- packaging -----------------------------------------------------------------------------------

def test_importing_ectraverse_does_not_import_dask_and_a_missing_dask_names_the_extra():
    r = child.run_python(
        "import sys, ectraverse\n"
        "assert not any(k == 'dask' or k.startswith('dask.') for k in sys.modules), 'dask imported'\n"
        "sys.modules['dask'] = None\n"
        "try:\n"
        "    import ectraverse.dask\n"
        "except ImportError as e:\n"
        "    print(e)\n", text=True
    )
    assert r.returncode == 0, r.stderr
    assert 'pip install "ectraverse[dask]"' in r.stdout


def test_graphs_built_while_another_thread_first_imports_distributed():
    """Dask's first compute imports distributed (about a second); a graph built meanwhile in another
    thread waits for that import instead of finding the half-initialised module (AttributeError)."""
    r = child.run_python(
        "import sys, threading\n"
        "import dask.bag as db\n"
        "import ectraverse as ect, ectraverse.dask as ed\n"
        "assert 'distributed' not in sys.modules\n"
        "sys.setswitchinterval(1e-6)\n"
        "eng = ect.Traversal('secp256k1')\n"
        "bag = db.from_sequence(['a b\\n', 'c d\\n', 'e\\n'], npartitions=3)\n"
        "barrier, done, errors, built, result = threading.Barrier(2), threading.Event(), [], [], []\n"
        "def first_compute():\n"
        "    barrier.wait()\n"
        "    try:\n"
        "        result.append(ed.compose(eng, bag, method='points').compute(scheduler='threads'))\n"
        "    finally:\n"
        "        done.set()\n"
        "def builder():\n"
        "    barrier.wait()\n"
        "    while True:\n"
        "        try:\n"
        "            built.append(ed.compose(eng, bag))\n"
        "        except Exception as exc:\n"
        "            errors.append(repr(exc))\n"
        "        if done.is_set():\n"
        "            break\n"
        "threads = [threading.Thread(target=first_compute), threading.Thread(target=builder)]\n"
        "for t in threads: t.start()\n"
        "for t in threads: t.join()\n"
        "assert 'distributed' in sys.modules, 'the first compute did not import distributed'\n"
        "assert not errors, errors[:3]\n"
        "assert result == [eng.compose('a b c d e')], result\n"
        "print('built', len(built))\n", text=True
    )
    assert r.returncode == 0, r.stderr
    assert int(r.stdout.split()[-1]) >= 2


def test_repeats_built_and_computed_from_8_threads_at_once():
    """On Python 3.11 four or eight threads calling repeats at once waited for ever, every time: Dask's
    dataframe expressions cache their divisions with functools.cached_property, whose lock 3.11 shares
    between every instance. A watchdog ends a hung child with status 1."""
    r = child.run_python(
        "import faulthandler, threading\n"
        "import dask.bag as db\n"
        "import ectraverse as ect, ectraverse.dask as ed\n"
        "faulthandler.dump_traceback_later(120, exit=True)\n"
        "eng = ect.Traversal('secp256k1')\n"
        "done, errors = [], []\n"
        "def work(t):\n"
        "    try:\n"
        "        for r in range(5):\n"
        "            bag = db.from_sequence([f'a b c {t} {r}', 'a b c', 'x a b'], npartitions=3)\n"
        "            df = ed.repeats(eng, bag, 2)\n"
        "            got = sorted(map(tuple, df.compute(scheduler='synchronous')[['element', 'offset']].values.tolist()))\n"
        "            assert got == [(0, 0), (0, 1), (1, 0), (1, 1), (2, 1)], got\n"
        "        done.append(t)\n"
        "    except Exception as exc:\n"
        "        errors.append(repr(exc))\n"
        "threads = [threading.Thread(target=work, args=(t,)) for t in range(8)]\n"
        "for t in threads: t.start()\n"
        "for t in threads: t.join()\n"
        "assert not errors, errors[:3]\n"
        "print(len(done))\n", text=True
    )
    assert (r.returncode, r.stdout.split()[-1:]) == (0, ["8"]), r.stderr[-3000:]


def test_engine_cache_keeps_recent_copies(eng):
    blob = pickle.dumps(eng)
    import hashlib

    handle = (hashlib.blake2b(blob, digest_size=16).digest() + b"x", blob, 0)  # not an original: a copy
    a = ed._local(handle)
    assert a is ed._local(handle) and a is not eng and a.fingerprint == eng.fingerprint


def test_engine_cache_keeps_the_most_recently_used(eng, monkeypatch):
    """Each process keeps KEEP_ENGINES copies, dropping the one used least recently (not the oldest)."""
    from collections import OrderedDict

    monkeypatch.setattr(ed, "_copies", OrderedDict())
    blob = pickle.dumps(eng)
    handles = [(bytes([i]) * 32, blob, 0) for i in range(ed.KEEP_ENGINES + 1)]  # digests of no original
    first = [ed._local(h) for h in handles[:ed.KEEP_ENGINES]]
    assert len(ed._copies) == ed.KEEP_ENGINES
    assert ed._local(handles[0]) is first[0]  # used again: the most recent now
    ed._local(handles[-1])  # one more: drops the least recently used, handles[1]
    assert len(ed._copies) == ed.KEEP_ENGINES
    assert ed._local(handles[0]) is first[0]
    before = ed._unpickled
    assert ed._local(handles[1]) is not first[1] and ed._unpickled == before + 1


def test_engine_copies_from_8_threads_at_once(eng):
    """A worker's threads meeting a pickle for the first time at once share one kept copy, which composes
    as the original does; the cache stays within KEEP_ENGINES."""
    import hashlib
    from concurrent.futures import ThreadPoolExecutor

    blob = pickle.dumps(eng)
    handles = [(hashlib.blake2b(blob, digest_size=16).digest() + bytes([i]), blob, 0) for i in range(3)]
    barrier = threading.Barrier(8)

    def work(t: int):
        barrier.wait()
        got = [ed._local(handles[(t + k) % 3]) for k in range(3)]
        return [g.compose("the cat sat") for g in got], got

    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(work, range(8)))
    want = eng.compose("the cat sat")
    assert all(c == want for contexts, _ in results for c in contexts)
    for i, handle in enumerate(handles):
        kept = {id(got[(i - t) % 3]) for t, (_, got) in enumerate(results)}
        assert kept == {id(ed._local(handle))}  # every thread got the one copy kept
    assert len(ed._copies) <= ed.KEEP_ENGINES


# ---- one real cluster ----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def cluster_client():
    distributed = pytest.importorskip("distributed")
    cluster = distributed.LocalCluster(n_workers=2, processes=True, threads_per_worker=1, dashboard_address=":0")
    client = distributed.Client(cluster, set_as_default=False)  # the other tests keep their own schedulers
    yield client
    client.close()
    cluster.close()


def test_local_cluster_of_two_processes(cluster_client):
    eng = Traversal("secp256k1")
    items = [f"{' '.join(WORDS[(i * j) % 8] for j in range(i % 9))}\n" for i in range(200)]
    bag = db.from_sequence(items, npartitions=7)
    whole = eng.compose("".join(items))
    assert cluster_client.compute(ed.compose(eng, bag, split_every=3)).result() == whole
    assert cluster_client.compute(ed.compose(eng, bag, method="points")).result() == whole
    P = cluster_client.compute(ed.prefixes(eng, bag)).result()
    assert P[100] == eng.compose("".join(items[:100]))
    items[7:9] = ["y" * 200 + " a b\n", "c y" + "y" * 199 + " a b\n"]  # keys that are not UTF-8
    bag = db.from_sequence(items, npartitions=7)
    want = brute_repeats(eng, items, 3)
    assert frozenset({(7, 0), (8, 1)}) in want  # the window of the long token
    assert computed_groups(cluster_client.compute(ed.repeats(eng, bag, 3)).result()) == want
    with dask.config.set({"dataframe.shuffle.method": "p2p"}):  # what Dask picks under a default Client
        assert computed_groups(cluster_client.compute(ed.repeats(eng, bag, 3)).result()) == want
    keyed = Traversal("secp256k1", key=b"k", namespace="keyed")
    assert cluster_client.compute(ed.compose(keyed, bag)).result() == keyed.compose("".join(items))
    # two engines, many tasks and computations: each worker process unpickled each engine at most once
    # (eng's vocabulary grew in this process along the way, so its pickle changed: allow one more)
    assert all(n <= 3 for n in cluster_client.run(_unpickled_here).values())


def _scratch_probe() -> tuple[bool, bool]:
    """In a worker: (does the core put large scratch blocks on huge pages, does this process's environment
    fix glibc's mmap threshold)."""
    from ectraverse import _ec

    return _ec.build_info()["scratch_huge_pages"], fixes_mmap_threshold(os.environ)


def test_workers_whose_malloc_dask_fixed_compose_on_huge_scratch_blocks(cluster_client):
    """Dask's nanny sets MALLOC_TRIM_THRESHOLD_ before it starts a worker: the core sees it, and a
    composition whose MSM and coefficients fill blocks of over 1 MiB gives the same context there."""
    assert all(huge == fixed for huge, fixed in cluster_client.run(_scratch_probe).values())
    eng = Traversal("secp256k1", namespace="large scratch")
    items = [" ".join(f"w{(i * 7919 + j) % 12000}" for j in range(3000)) + "\n" for i in range(12)]
    bag = db.from_sequence(items, npartitions=2)  # 18,000 tokens a partition, 12,000 distinct in all
    assert cluster_client.compute(ed.compose(eng, bag)).result() == eng.compose("".join(items))


def test_local_cluster_spreads_few_partitions(cluster_client, tmp_path):
    """Four partitions on two workers run on both: every partition task's one input is the engine, and
    without the data-producer mark the scheduler sent them all to the worker holding it."""
    import distributed

    eng = Traversal("secp256k1")
    paths = []
    for i in range(4):
        paths.append(tmp_path / f"f{i}.txt")
        paths[-1].write_text(" ".join(WORDS[(i + j) % 8] for j in range(3000)) + "\n")
    bag = ed.text_blocks(paths, blocksize=None)
    want = eng.compose("".join(p.read_text() for p in paths))
    with distributed.get_task_stream(client=cluster_client) as stream:
        assert cluster_client.compute(ed.compose(eng, bag)).result() == want
    workers = {t["worker"] for t in stream.data if str(t["key"]).startswith("('ectraverse-compose-")}
    assert len(workers) == 2


def test_a_current_client_gets_the_engine_scattered_once(cluster_client):
    """Under a current client the engine is scattered to every worker once and later graphs only name
    it; its future is kept per client (the last KEEP_ENGINES pickles), and scattered again once lost."""
    import distributed

    eng = Traversal("secp256k1", namespace="scattered once")
    items = [f"{' '.join(WORDS[(i + j) % 8] for j in range(i % 6))}\n" for i in range(40)]
    bag = db.from_sequence(items, npartitions=4)
    eng.compose("".join(items))  # the vocabulary holds every token: the pickle stays the same
    key = "ectraverse-engine-" + eng._pickled()[0].hex()

    def engine_value(lazy):
        return dict(lazy.__dask_graph__())[key]

    with cluster_client.as_current():
        first, again = ed.compose(eng, bag), ed.compose(eng, bag)
        future = engine_value(first)
        assert isinstance(future, distributed.Future) and future.key == key and engine_value(again) is future
        assert len(cluster_client.who_has([future])[key]) == 2  # on both workers before any computation
        assert cluster_client.compute(first).result() == cluster_client.compute(again).result() == \
            eng.compose("".join(items))
        assert isinstance(engine_value(ed.prefixes(eng, bag)), distributed.Future)
        assert computed_groups(cluster_client.compute(ed.repeats(eng, bag, 2)).result()) == brute_repeats(eng, items, 2)
        others = [Traversal("secp256k1", namespace=f"other {i}") for i in range(ed.KEEP_ENGINES)]
        for other in others:  # KEEP_ENGINES more engines: the first one's future is let go
            ed.compose(other, bag)
        assert key not in ed._scatters[cluster_client]
        renewed = engine_value(ed.compose(eng, bag))
        assert renewed.status == "finished" and key in ed._scatters[cluster_client]
        renewed.cancel()  # lost (a restart, its workers gone): scattered again
        assert engine_value(ed.compose(eng, bag)).status == "finished"
    # without a current client the graph holds the pickle itself, and the tasks run as before
    lazy = ed.compose(eng, bag)
    value = engine_value(lazy)
    assert isinstance(getattr(value, "value", value), ed._Handle)  # in Dask's task spec, a DataNode of it
    assert lazy.compute(**SYNC) == cluster_client.compute(lazy).result() == eng.compose("".join(items))


def test_engines_scattered_from_8_threads_at_once(cluster_client):
    """Eight threads build graphs of one engine under one client at once: one kept future for it, and
    every graph computes the same context."""
    from concurrent.futures import ThreadPoolExecutor

    import distributed

    eng = Traversal("secp256k1", namespace="from 8 threads")
    items = [f"{WORDS[i % 8]} {WORDS[(3 * i) % 8]}\n" for i in range(24)]
    bag = db.from_sequence(items, npartitions=3)
    eng.compose("".join(items))
    key = "ectraverse-engine-" + eng._pickled()[0].hex()

    def build(_):
        with cluster_client.as_current():
            return ed.compose(eng, bag)

    with ThreadPoolExecutor(8) as pool:
        lazies = list(pool.map(build, range(8)))
    values = [dict(lazy.__dask_graph__())[key] for lazy in lazies]
    assert all(isinstance(v, distributed.Future) and v.key == key for v in values)  # each named the scattered one
    assert ed._scatters[cluster_client][key].status == "finished"
    assert set(cluster_client.gather(cluster_client.compute(lazies))) == {eng.compose("".join(items))}


def test_scattered_engines_are_released_at_exit():
    """A script that leaves its LocalCluster and default Client to close at exit: the kept engine is
    released first, so the scheduler does not log an ERROR that removing the workers lost scattered data."""
    pytest.importorskip("distributed")
    r = child.run_python(
        "import dask.bag as db, distributed, ectraverse as ect, ectraverse.dask as ed\n"
        "if __name__ == '__main__':\n"
        "    distributed.Client(distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=True,\n"
        "                                                dashboard_address=':0'))\n"
        "    eng = ect.Traversal('secp256k1')\n"
        "    bag = db.from_sequence(['the cat\\n', 'sat on\\n', 'the mat\\n'], npartitions=2)\n"
        "    assert ed.compose(eng, bag).compute() == eng.compose('the cat\\nsat on\\nthe mat\\n')\n"
        "    assert ed._scatters and ed._release_registered\n"
        "    print('composed')\n",
        text=True)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "composed"
    assert "lose scattered data" not in r.stderr, r.stderr


def test_a_client_without_workers_gets_the_engine_in_the_graph():
    """Scattering would wait for a worker (an adaptive cluster scaled to none): the pickle goes in the graph."""
    distributed = pytest.importorskip("distributed")
    eng = Traversal("secp256k1")
    with distributed.LocalCluster(n_workers=0, processes=False, dashboard_address=":0") as cluster, \
            distributed.Client(cluster, set_as_default=False) as client, client.as_current():
        lazy = ed.compose(eng, db.from_sequence(["a b\n", "c\n"], npartitions=2))
    value = dict(lazy.__dask_graph__())["ectraverse-engine-" + eng._pickled()[0].hex()]
    assert isinstance(getattr(value, "value", value), ed._Handle)
    assert lazy.compute(**SYNC) == eng.compose("a b c")


def test_a_current_client_that_is_closed_is_not_used():
    """Closed inside ``with client.as_current()``, a client is still current, but not running: compose
    builds a graph that holds the engine, which any scheduler computes."""
    distributed = pytest.importorskip("distributed")
    eng = Traversal("secp256k1")
    with distributed.LocalCluster(n_workers=1, processes=False, dashboard_address=":0") as cluster:
        client = distributed.Client(cluster, set_as_default=False)
        with client.as_current():
            client.close()
            lazy = ed.compose(eng, db.from_sequence(["a b\n", "c\n"], npartitions=2))
    assert lazy.compute(**SYNC) == eng.compose("a b c")


def test_msm_tasks_default_to_the_threads_of_the_current_client(cluster_client):
    """Two slices of the final MSM on the two one-thread workers; without a client, this machine's cores
    (at most MSM_TASKS); one slice is one task (no sum)."""
    bag = db.from_sequence([f"{w}\n" for w in WORDS] * 4, npartitions=3)
    eng = Traversal("secp256k1")

    def slices(lazy):
        return sum(1 for k in dict(lazy.__dask_graph__()) if str(k).startswith("_msm_slice-"))

    with cluster_client.as_current():
        assert slices(ed.compose(eng, bag)) == 2
    assert slices(ed.compose(eng, bag)) == min(ed.MSM_TASKS, os.cpu_count() or 1) if (os.cpu_count() or 1) > 1 else 0
    assert slices(ed.compose(eng, bag, msm_tasks=1)) == 0 and slices(ed.compose(eng, bag, msm_tasks=3)) == 3
    assert slices(ed.compose(eng, bag, msm_tasks=ed.MSM_TASKS_MAX)) == ed.MSM_TASKS_MAX
    for bad in (0, ed.MSM_TASKS_MAX + 1, 2**70):  # one task a slice: a huge count would build forever
        with pytest.raises(ValueError, match=rf"msm_tasks must be in \[1, {ed.MSM_TASKS_MAX}\], not {bad}"):
            ed.compose(eng, bag, msm_tasks=bad)


def test_a_local_scheduler_setting_builds_for_itself_under_a_client(cluster_client):
    """Under a current client a lazy result names the engine scattered to its cluster, and another scheduler
    cannot compute it (Dask's "Missing dependency ectraverse-engine-..."); Dask's scheduler setting comes
    before the client, in the build as in Dask's own choice, so the result built under it computes there."""
    eng = Traversal("secp256k1")
    bag = db.from_sequence(["a b c\n", "a b\n", "c a b\n"], npartitions=2)
    with cluster_client.as_current():
        with pytest.raises(ValueError, match="Missing dependency ectraverse-engine-"):
            ed.compose(eng, bag).compute(scheduler="synchronous")
        for scheduler in ("synchronous", "threads"):
            with dask.config.set(scheduler=scheduler):
                assert ed.compose(eng, bag).compute() == eng.compose("a b c a b c a b")
                assert ed.prefixes(eng, bag).compute()[2] == eng.compose("a b c a b")
                assert sorted(ed.repeats(eng, bag, 2).compute()[["element", "offset"]].values.tolist()) == [[0, 0], [1, 0], [2, 1]]
        with dask.config.set(scheduler="distributed"):
            assert ed.compose(eng, bag).compute() == eng.compose("a b c a b c a b")


def _unpickled_here() -> int:
    import ectraverse.dask

    return ectraverse.dask._unpickled


# ---- the command line ----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def files(tmp_path_factory):
    d = tmp_path_factory.mktemp("dask-cli")
    long = "z" * 199  # a 200-byte exact key part, not UTF-8 (the CLI's repeats once failed on it)
    texts = {"one.txt": f"the cat sat on the mat\nand the cat ran\n{long} tail end\n",
             "two.txt": f"a dog sat on the mat\nthe cat ran\nso {long} tail end\n"}
    for name, text in texts.items():
        (d / name).write_text(text, encoding="utf-8")
    return d, texts


def cli(*args, cwd):
    import subprocess
    import sys

    return subprocess.run([sys.executable, "-m", "ectraverse.cli", *map(str, args)], capture_output=True, text=True,
                          env=child.env(), cwd=cwd, timeout=300)


def test_cli_compose_with_a_scheduler(files, eng):
    d, texts = files
    r = cli("compose", "--json", "--scheduler", "synchronous", "-f", "one.txt", "two.txt", cwd=d)
    assert r.returncode == 0, r.stderr
    got = json.loads(r.stdout)
    want = eng.compose(texts["one.txt"]) * eng.compose(texts["two.txt"])
    assert got["context"] == want.to_bytes().hex()
    r2 = cli("compose", "--json", "-f", "one.txt", "two.txt", cwd=d)  # without a scheduler: the same
    assert r2.returncode == 0, r2.stderr
    assert json.loads(r2.stdout)["context"] == got["context"]


def test_cli_repeats_json(files, eng):
    d, texts = files
    want = brute_repeats(eng, list(texts.values()), 3)
    names = list(texts)
    assert frozenset({(0, 10), (1, 10)}) in want  # the window of the long word
    for extra in ([], ["--scheduler", "synchronous"]):
        r = cli("repeats", "-m", "3", "--json", *names, *extra, cwd=d)
        assert r.returncode == 0, r.stderr
        groups = json.loads(r.stdout)
        assert {frozenset((names.index(o["file"]), o["offset"]) for o in g) for g in groups} == want
        assert all(list(o) == ["file", "offset"] for g in groups for o in g)
    for extra in ([], ["--scheduler", "synchronous"]):  # the table reads the files again, unchanged
        r = cli("repeats", "-m", "3", *names, *extra, cwd=d)
        assert r.returncode == 0, r.stderr
        assert "sat on the" in r.stdout


def test_cli_repeats_a_window_across_two_files_boundaries_is_none(tmp_path):
    """Each file ends in a separator of its own: "a" | "b a" | "b" has the window "a", "b" only across
    files (first to second, second to third), so no 2-window repeats, in this process or on Dask."""
    for name, text in (("f1.txt", "a\n"), ("f2.txt", "b a\n"), ("f3.txt", "b\n")):
        (tmp_path / name).write_text(text)
    for extra in ([], ["--scheduler", "synchronous"]):
        r = cli("repeats", "-m", "2", "--json", "f1.txt", "f2.txt", "f3.txt", *extra, cwd=tmp_path)
        assert (r.returncode, r.stdout.strip()) == (0, "[]"), r.stderr


def test_cli_scheduler_names_local_workers_in_ascii_digits():
    """local:N: N from 1 to LOCAL_WORKERS_MAX in at most four ASCII digits; other digits (Arabic-Indic, a
    superscript, which int() refuses) are a bad spec, never a ValueError that quotes it."""
    from ectraverse import cli as cli_module

    assert cli_module._parse_scheduler(f"local:{cli_module.LOCAL_WORKERS_MAX}") == ("local", cli_module.LOCAL_WORKERS_MAX)
    assert cli_module._parse_scheduler("local:0004") == ("local", 4)
    for spec in ("local:\u0663", "local:\u00b2", "local:00004"):
        with pytest.raises(cli_module.CLIError, match="^--scheduler"):
            cli_module._parse_scheduler(spec)


def test_our_local_clusters_are_quiet_here_and_in_their_workers(monkeypatch):
    """The command line's and the benchmark's LocalClusters log nothing below CRITICAL, in this process and in
    the workers: a failed task is its caller's exception, and an interrupted run's teardown (every connection
    it cuts logged as an ERROR, with its traceback) stays off stderr; and their workers run without Dask's
    profiler."""
    import logging

    pytest.importorskip("distributed")
    names = ("distributed", "asyncio", "tornado")
    before = {name: logging.getLogger(name).level for name in names}
    # a nanny of Dask's defaults (this module's other cluster) leaves its variable in this process's
    # environment, which later workers inherit
    monkeypatch.delenv("MALLOC_TRIM_THRESHOLD_", raising=False)
    try:
        client, cluster = ed._local_cluster(1, set_as_default=False)
        try:
            assert {logging.getLogger(name).level for name in names} == {logging.CRITICAL}
            levels = client.run(lambda: {logging.getLogger(name).level for name in names})
            assert list(levels.values()) == [{logging.CRITICAL}]
            # and light: the workers run under LOCAL_CLUSTER_CONFIG (no profiler, glibc's own mmap
            # threshold), which this process's configuration does not keep
            def settings():
                return (dask.config.get("distributed.worker.profile.enabled"),
                        dask.config.get("distributed.worker.memory.monitor-interval"),
                        "MALLOC_TRIM_THRESHOLD_" in os.environ)

            assert list(client.run(settings).values()) == [(False, "1s", False)]
            assert dask.config.get("distributed.worker.profile.enabled") is True
            assert list(client.nthreads().values()) == [1]  # one thread a worker process
            client.restart()  # a worker its nanny starts again runs under them too
            assert list(client.run(settings).values()) == [(False, "1s", False)]
        finally:
            client.close()
            cluster.close()
        assert logging.getLogger("distributed").level == logging.CRITICAL  # closing did not turn it back up
    finally:
        for name, level in before.items():
            logging.getLogger(name).setLevel(level)


def test_cli_local_schedulers_use_dasks_own_and_files_are_read_in_blocks(tmp_path, monkeypatch, capsys):
    """synchronous, threads and processes are Dask's own schedulers (no distributed client, no cluster), and
    -f files are read in blocks of DASK_BLOCK_BYTES (more than one partition a file past it)."""
    from ectraverse import cli as cli_module

    def no_cluster(*args, **kwargs):
        raise AssertionError("a distributed cluster or client for a local scheduler")

    monkeypatch.setattr(cli_module, "_connect", no_cluster)
    monkeypatch.setattr(ed, "_local_cluster", no_cluster)
    monkeypatch.setattr(cli_module, "DASK_BLOCK_BYTES", 64)
    bags, compose = [], ed.compose
    monkeypatch.setattr(ed, "compose", lambda engine, bag, **kw: bags.append(bag) or compose(engine, bag, **kw))
    text = "the cat sat on the mat\n" * 20
    f = tmp_path / "t.txt"
    f.write_text(text)
    want = Traversal("secp256k1").compose(text).to_bytes().hex()
    for spec in ("synchronous", "threads", "processes"):
        assert cli_module.main(["compose", "-q", "-f", str(f), "--scheduler", spec]) == 0
        assert capsys.readouterr().out.strip() == want
    assert [b.npartitions for b in bags] == [len(text) // 64 + 1] * 3


def test_our_local_clusters_started_from_two_threads_leave_the_configuration_as_it_was(monkeypatch):
    """Dask's configuration is global, and _local_cluster sets LOCAL_CLUSTER_CONFIG while a cluster starts:
    two threads starting clusters at once take turns (without that, the second kept the first's settings
    as the values to restore, and left them in place after both). Each start sees the settings, one at a
    time, and afterwards the configuration is Dask's again."""
    distributed = pytest.importorskip("distributed")
    seen, inside, most = [], [0], [0]
    lock = threading.Lock()

    class Starts(Exception):
        pass

    def cluster(**kwargs):  # a start that takes a while, then fails (no client is made for it)
        with lock:
            inside[0] += 1
            most[0] = max(most[0], inside[0])
            seen.append((dask.config.get("distributed.worker.profile.enabled"), kwargs["config"]["distributed"]
                         ["worker"]["memory"]["monitor-interval"]))
        time.sleep(0.3)
        with lock:
            inside[0] -= 1
        raise Starts

    monkeypatch.setattr(distributed, "LocalCluster", cluster)
    errors = []

    def start():
        try:
            ed._local_cluster(1, set_as_default=False)
        except Starts as exc:
            errors.append(exc)

    threads = [threading.Thread(target=start) for _ in range(2)]
    for t in threads:
        t.start()
        time.sleep(0.05)  # the second starts while the first is inside
    for t in threads:
        t.join()
    assert len(errors) == 2 and most[0] == 1
    assert seen == [(False, "1s")] * 2
    assert dask.config.get("distributed.worker.profile.enabled") is True
    assert dask.config.get("distributed.worker.memory.monitor-interval") == "100ms"


def test_our_local_clusters_workers_ignore_ctrl_c():
    """A Ctrl-C at a terminal reaches the whole foreground process group: each worker printed its
    KeyboardInterrupt traceback under the command's one line. The workers ignore SIGINT (this process
    stops them by closing the cluster), and this process's own handler is back once the cluster runs."""
    import signal

    pytest.importorskip("distributed")
    before = signal.getsignal(signal.SIGINT)
    client, cluster = ed._local_cluster(1, set_as_default=False)
    try:
        assert signal.getsignal(signal.SIGINT) is before
        assert list(client.run(signal.getsignal, signal.SIGINT).values()) == [signal.SIG_IGN]
    finally:
        client.close()
        cluster.close()


def test_cli_an_input_error_on_a_local_cluster_is_one_line(files):
    """A task's error on a LocalCluster is the command's one line: the worker's log of it stays quiet."""
    d, _ = files
    (d / "bad.txt").write_bytes(b"caf\xe9\n")
    for argv in (["compose", "-q", "-f", "one.txt", "bad.txt"], ["repeats", "-m", "2", "one.txt", "bad.txt"]):
        r = cli(*argv, "--scheduler", "local:2", cwd=d)
        assert (r.returncode, r.stdout) == (1, ""), r.stderr
        assert r.stderr == "ectraverse: error: The file 'bad.txt' is not valid UTF-8 (byte 3: invalid continuation byte).\n"


@pytest.mark.parametrize("spec", ["bogus", "local:0", "local:x", "tcp://", "threads:2", "local:257", "local:00001",
                                  "local:\u00b2", "tcp://127.0.0.1:65536", "tcp://127.0.0.1:0"])
def test_cli_bad_scheduler_is_one_line_without_the_value(files, spec):
    d, _ = files
    r = cli("compose", "--scheduler", spec, "-f", "one.txt", cwd=d)
    assert r.returncode == 1, r.stderr
    assert r.stdout == "" and "Traceback" not in r.stderr
    assert len(r.stderr.splitlines()) == 1 and r.stderr.startswith("ectraverse: error: --scheduler")
    assert repr(spec) not in r.stderr


def test_cli_says_when_the_scheduler_has_no_workers(files):
    """Dask waits for a worker without a word: the command line says so on stderr, then waits."""
    import subprocess
    import sys

    distributed = pytest.importorskip("distributed")
    d, _ = files
    with distributed.LocalCluster(n_workers=0, processes=False, protocol="tcp://", dashboard_address=":0") as cluster:
        proc = subprocess.Popen([sys.executable, "-m", "ectraverse.cli", "compose", "--scheduler",
                                 cluster.scheduler_address, "-f", "one.txt"], cwd=d, env=child.env(),
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        timer = threading.Timer(120, proc.kill)  # a hung child must not hang the suite
        timer.start()
        try:
            line = proc.stderr.readline()
        finally:
            proc.kill()
            timer.cancel()
            proc.communicate()
    assert line.startswith("ectraverse: the Dask scheduler of --scheduler has no workers yet; the computation "
                           "waits for one"), line
    assert cluster.scheduler_address not in line


@pytest.fixture
def not_a_scheduler():
    """``serve(reply)``: the address of a TCP server on this machine that accepts connections, then sends
    ``reply`` (b"": nothing) and holds them open: not a Dask scheduler."""
    import socket

    servers = []

    def serve(reply: bytes) -> str:
        sock = socket.create_server(("127.0.0.1", 0))
        held = []

        def accept():
            while True:
                try:
                    conn, _ = sock.accept()
                except OSError:  # closed below
                    return
                held.append(conn)
                if reply:
                    conn.sendall(reply)

        threading.Thread(target=accept, daemon=True).start()
        servers.append((sock, held))
        return f"tcp://127.0.0.1:{sock.getsockname()[1]}"

    yield serve
    for sock, held in servers:
        sock.close()
        for conn in held:
            conn.close()


@pytest.mark.parametrize("reply, message", [
    (b"", "cannot reach the Dask scheduler of --scheduler (no answer in 2 s)"),  # distributed alone waits for ever
    (b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n" + b"x" * 16,  # read by distributed as a 3 EiB frame
     "the address of --scheduler answered, but not as a Dask scheduler"),
])
def test_cli_scheduler_address_that_is_not_a_scheduler(files, not_a_scheduler, reply, message):
    """An address that accepts the connection and then says nothing ends within the command's own deadline
    (cli.CONNECT_SECONDS, 2 s here), and one that answers something else is said to, not as "out of memory"."""
    pytest.importorskip("distributed")
    d, _ = files
    address = not_a_scheduler(reply)
    r = child.run_python(
        "import sys\n"
        "import ectraverse.cli as cli\n"
        "cli.CONNECT_SECONDS = 2.0\n"
        f"sys.exit(cli.main(['compose', '--scheduler', {address!r}, '-f', {str(d / 'one.txt')!r}]))\n",
        text=True, timeout=60)
    assert r.returncode == 1 and r.stdout == "", r.stderr
    assert r.stderr == f"ectraverse: error: {message}\n"


def test_cli_scheduler_refuses_pipes_and_devices_before_reading_them(files, tmp_path):
    d, _ = files
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)  # no writer: opening it to read would block, so this also checks nothing opens it
    for odd in (fifo, "/dev/null"):
        for args in (["compose", "-q", "--scheduler", "threads", "-f", "one.txt", odd],
                     ["repeats", "-m", "2", "--scheduler", "threads", "one.txt", odd]):
            r = cli(*args, cwd=d)
            assert r.returncode == 1 and r.stdout == "", r.stderr
            assert r.stderr == (f"ectraverse: error: cannot read {str(odd)!r} with --scheduler: it is a pipe or "
                                "device, not a regular file, and --scheduler reads files in blocks; without "
                                "--scheduler it is read as a stream\n")


def test_cli_repeats_and_compose_usage_errors(files):
    d, _ = files
    r = cli("repeats", "-m", "0", "one.txt", cwd=d)
    assert r.returncode == 2 and "-m" in r.stderr and "positive" in r.stderr
    r = cli("compose", "--scheduler", "synchronous", "a b", cwd=d)
    assert r.returncode == 2 and "-f FILE" in r.stderr
    r = cli("repeats", "-m", "2", "missing.txt", cwd=d)
    assert r.returncode == 1 and r.stderr.strip() == "ectraverse: error: cannot read 'missing.txt': No such file or directory"
    r = cli("compose", "-f", "-", "--scheduler", "threads", cwd=d)  # stdin is no file of blocks either
    assert r.returncode == 2 and "--scheduler composes files: give them with -f FILE" in r.stderr
    (d / "adir").mkdir(exist_ok=True)  # a directory is named as one, not as a pipe or device
    r = cli("compose", "-f", "adir", "--scheduler", "synchronous", cwd=d)
    assert r.returncode == 1 and r.stderr == "ectraverse: error: cannot read 'adir': Is a directory\n"


def test_cli_names_a_file_that_is_not_utf8_as_dask_does(files):
    d, _ = files
    (d / "latin1.txt").write_bytes(b"caf\xe9\n")
    for args in (["compose", "--scheduler", "synchronous", "-f", "latin1.txt"],
                 ["compose", "-f", "one.txt", "latin1.txt"],  # in this process, as on Dask
                 ["repeats", "-m", "2", "--scheduler", "synchronous", "one.txt", "latin1.txt"],
                 ["repeats", "-m", "2", "one.txt", "latin1.txt"]):
        r = cli(*args, cwd=d)
        assert r.returncode == 1 and "Traceback" not in r.stderr, r.stderr
        assert r.stderr.strip() == ("ectraverse: error: The file 'latin1.txt' is not valid UTF-8 "
                                    "(byte 3: invalid continuation byte).")


def test_cli_scheduler_without_dask_names_the_extra(files):
    d, _ = files
    r = child.run_python(
        "import sys\n"
        "sys.modules['dask'] = None\n"
        "from ectraverse.cli import main\n"
        f"sys.exit(main(['compose', '--scheduler', 'threads', '-f', {str(d / 'one.txt')!r}]))\n", text=True)
    assert r.returncode == 1, r.stderr
    assert r.stderr.strip() == 'ectraverse: error: --scheduler needs Dask, an optional extra: pip install "ectraverse[dask]"'


def test_module_doctests():
    import doctest

    assert doctest.testmod(ed, optionflags=doctest.ELLIPSIS).failed == 0
