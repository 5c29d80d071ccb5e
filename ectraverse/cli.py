"""The ``ectraverse`` console script.

Subcommands:
    compose          the context of a text (argument, ``-f FILE`` or stdin)
    invert           the inverse of a context
    concat           the product of contexts (the context of the concatenation)
    window           a window's context, from two prefix states or from a text
    repeats          the m-token windows that occur more than once in and between files
    remove-prefix    ``C(v)`` from ``C(uv)`` and ``C(u)``
    remove-suffix    ``C(u)`` from ``C(uv)`` and ``C(v)``
    curves           the registered curves and their hash-to-curve suites
    hash-to-curve    RFC 9380 hash_to_curve (or encode_to_curve) of a message
    demo             the interactive terminal demos (see :mod:`ectraverse.demos`)
    bench            the benchmark (see :mod:`ectraverse.bench`)

Contexts travel between commands as the hex of :meth:`Context.to_bytes`; each
command that reads them rebuilds the engine from the engine options
(``--curve``, ``--tokenizer``, ``--namespace``, ``--key-file``) and decodes
them with :meth:`Traversal.context_from_bytes`, so a context of another engine
is refused.  The engine options belong to the context commands
(:data:`ENGINE_COMMANDS`); ``hash-to-curve`` takes ``--curve``, ``curves``
none, and ``demo NAME`` and ``bench`` their own.

``compose`` streams a file or stdin through :meth:`Traversal.compose_stream`:
blocks of ``tokenizers.BLOCK_SIZE`` bytes, whatever the line structure, each
cut after its last token boundary (whitespace for the ``words`` and
``whitespace`` tokenizers, any character for ``chars`` and ``bytes``), whose
contexts multiply to the whole's; a run without whitespace longer than
``tokenizers.MAX_RUN`` characters is refused, so memory stays bounded.  A key
file holds at most :data:`KEY_MAX_BYTES` bytes.  Unrecognised options are
reported by name, never with their values.

``compose -f FILE... --scheduler SPEC`` and ``repeats ... --scheduler SPEC``
run on Dask (:mod:`ectraverse.dask`, the optional ``dask`` extra): SPEC is
``synchronous``, ``threads``, ``processes``, ``local:N`` (a LocalCluster of N
worker processes, one thread each) or a scheduler address ``tcp://HOST:PORT``
(:data:`SCHEDULER_FORMS`).  Without ``--scheduler`` nothing imports Dask.

User errors (running out of memory included) print one line
``ectraverse: error: ...`` on stderr and exit 1; usage errors exit 2.  Set
``ECTRAVERSE_DEBUG=1`` to get the traceback of an
error instead.
"""

from __future__ import annotations

import argparse
import codecs
import contextlib
import errno
import itertools
import json
import os
import re
import stat
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from string import hexdigits
from typing import BinaryIO

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

import ectraverse
from ectraverse import _entry, _terminal, demos, rfc9380, tokenizers
from ectraverse._args import ArgumentParser, parse_int, positive_int, unrecognized
from ectraverse._terminal import visible
from ectraverse.context import Context
from ectraverse.errors import ContextMismatchError, EctraverseError, NotUtf8Error
from ectraverse.traverse import Traversal, _repeated_windows

#: Key files hold at most this many bytes.
KEY_MAX_BYTES = 4096
#: A context's hex read from stdin has at most this many characters.
CONTEXT_HEX_MAX = 1 << 16
#: Inputs larger than this show a progress bar (when stderr is a terminal).
PROGRESS_MIN_BYTES = 1 << 20
#: The subcommands that build an engine, so take --curve, --tokenizer, --namespace and --key-file.
ENGINE_COMMANDS = ("compose", "invert", "concat", "window", "remove-prefix", "remove-suffix")
#: The most worker processes ``--scheduler local:N`` starts (each holds the engine and a Python interpreter).
LOCAL_WORKERS_MAX = 256
#: What ``--scheduler`` takes.
SCHEDULER_FORMS = (f"synchronous, threads, processes, local:N (a LocalCluster of N worker processes, N from 1 to "
                   f"{LOCAL_WORKERS_MAX}) or a scheduler address tcp://HOST:PORT (PORT from 1 to 65535)")
#: ``compose --scheduler`` reads files in blocks of about this many bytes (cut at line ends), one partition each.
DASK_BLOCK_BYTES = 8 << 20
#: ``repeats`` shows at most this many groups in its table (``--json`` gives all).
REPEATS_TABLE_MAX = 40


class CLIError(Exception):
    """A user error: printed as one line on stderr, exit status 1."""


class UsageError(Exception):
    """A usage error found after parsing: reported by the subcommand's parser, exit status 2."""


# ---- input helpers ---------------------------------------------------------------


def _read_key(path: str) -> bytes:
    try:
        with open(path, "rb") as f:
            key = f.read(KEY_MAX_BYTES + 1)  # no more: /dev/zero or a mistaken big file is refused, not loaded
    except OSError as exc:
        raise CLIError(f"cannot read key file {path!r}: {exc.strerror or exc}") from None
    if not key:
        raise CLIError(f"key file {path!r} is empty; a key must be at least one byte")
    if len(key) > KEY_MAX_BYTES:
        raise CLIError(f"key file {path!r} must hold at most {KEY_MAX_BYTES} bytes, not more")
    return key


def _engine(args: argparse.Namespace) -> Traversal:
    key = _read_key(args.key_file) if args.key_file is not None else None
    return Traversal(args.curve, tokenizer=args.tokenizer, namespace=args.namespace, key=key)


def _check_text(text: str, what: str) -> str:
    """An argument as the UTF-8 text its bytes are; refused when they are not UTF-8.  Bytes the locale
    did not decode arrive as lone surrogates: in an ASCII locale (``LC_ALL=C PYTHONUTF8=0``), those of
    valid UTF-8 too, so their bytes (``os.fsencode``) are read again as UTF-8."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        try:
            return os.fsencode(text).decode("utf-8")
        except UnicodeError:
            raise CLIError(f"{what} is not valid UTF-8 text") from None
    return text


def _stream_size(stream: BinaryIO) -> int | None:
    try:
        st = os.fstat(stream.fileno())
    except (OSError, AttributeError, ValueError):
        return None
    return st.st_size if stat.S_ISREG(st.st_mode) else None


def _compose_stream(engine: Traversal, stream: BinaryIO, path: str | None) -> Context:
    """The context of a UTF-8 stream (the file at ``path``, or stdin for None), composed in pieces cut at
    token boundaries (``Traversal.compose_stream``)."""
    size = _stream_size(stream)
    try:
        if size is None or size <= PROGRESS_MIN_BYTES or not sys.stderr.isatty():
            return engine.compose_stream(stream)
        # Imported here: only large inputs on a terminal need it.
        from rich.progress import (BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn,
                                   TransferSpeedColumn)

        columns = (TextColumn("composing"), BarColumn(), DownloadColumn(), TransferSpeedColumn(),
                   TimeRemainingColumn())
        with Progress(*columns, console=_terminal.console(stderr=True), transient=True) as progress:
            task = progress.add_task("compose", total=size)
            return engine.compose_stream(stream, progress=lambda done: progress.update(task, completed=done))
    except NotUtf8Error as exc:
        raise _not_utf8(path, exc.position, exc.reason) from None
    except ValueError as exc:  # a run without a token boundary too long to hold
        raise CLIError(f"{'stdin' if path is None else repr(path)}: {exc}") from None


def _not_utf8(path: str | None, position: int, reason: str) -> CLIError:
    """The error of a file (stdin for None) that is not UTF-8, in the words of ``ectraverse.dask``'s."""
    what = "stdin" if path is None else f"The file {path!r}"
    return CLIError(f"{what} is not valid UTF-8 (byte {position}: {reason}).")


def _parse_hex(text: str, what: str, *, context: bool = True) -> bytes:
    """Bytes from hex digits (whitespace ignored), or a one-line CLIError naming ``what``.

    ``context=True``: a context as 'ectraverse compose' prints it (a ``0x`` prefix
    is allowed, empty is refused); ``context=False``: the bytes of ``--hex MSG``
    (no prefix; empty is the empty message).
    """
    digits = "".join(text.split())
    if context and digits[:2].lower() == "0x":
        digits = digits[2:]
    if context and not digits:
        raise CLIError(f"{what} is empty; expected a context in hex, as printed by 'ectraverse compose'")
    kind = "a context in hex" if context else "hex"
    bad = next((i for i, ch in enumerate(digits) if ch not in hexdigits), None)
    if bad is not None:
        how = "a context in hex, as printed by 'ectraverse compose'," if context else "hex with --hex,"
        ch = digits[bad]  # a byte that is not UTF-8 comes as a lone surrogate: named as the byte
        has = f"the byte 0x{ord(ch) - 0xDC00:02x} (not UTF-8)" if "\udc80" <= ch <= "\udcff" else repr(ch)
        raise CLIError(f"{what} must be {how} but has {has} at position {bad}")
    if len(digits) % 2:
        raise CLIError(f"{what} must be {kind} with an even number of digits, not {len(digits)}")
    return bytes.fromhex(digits)


def _load(args: argparse.Namespace, values: Sequence[str], names: Sequence[str]) -> tuple[Traversal, list[Context]]:
    """The engine, and the contexts named by positional arguments: hex (``-`` reads stdin), or texts with ``--text``."""
    if not args.text:
        dashes = [what for value, what in zip(values, names) if value == "-"]
        if len(dashes) > 1:
            raise UsageError(f"only one argument can be '-' (stdin), not {' and '.join(dashes)}")
    engine = _engine(args)
    out = []
    for value, what in zip(values, names):
        if args.text:
            out.append(engine.compose(_check_text(value, what)))
            continue
        if value == "-":
            what = f"{what} (stdin)"
            value = sys.stdin.read(CONTEXT_HEX_MAX + 1)
            if len(value) > CONTEXT_HEX_MAX:
                raise CLIError(f"{what} must be a context in hex of at most {CONTEXT_HEX_MAX} characters, not more")
        data = _parse_hex(value, what)
        try:
            out.append(engine.context_from_bytes(data))
        except ContextMismatchError as exc:
            raise CLIError(
                f"{what}: {exc} Use the --curve, --tokenizer, --namespace and --key-file it was composed with."
            ) from None
        except EctraverseError as exc:
            raise CLIError(f"{what}: {exc}") from None
    return engine, out


# ---- output helpers --------------------------------------------------------------


def _record(args: argparse.Namespace, engine: Traversal, ctx: Context) -> dict:
    return {
        "length": ctx.length,
        "point": ctx.point.to_bytes().hex(),
        "context": ctx.to_bytes().hex(),
        "curve": engine.curve.name,
        "namespace": engine.namespace,
        "tokenizer": args.tokenizer,
        "keyed": engine.keyed,
        "fingerprint": engine.fingerprint.hex(),
    }


def _emit_json(obj) -> None:
    """One JSON document on stdout, valid whatever stdout's encoding: UTF-8 on a UTF-8 stdout, else
    ASCII with ``\\u`` escapes; ASCII too when a str in it is not Unicode (a file name whose bytes are
    not UTF-8, held as lone surrogates: ``\\udcff``, which ``json.loads`` and then ``os.fsencode`` turn
    back into the name's bytes)."""
    text = json.dumps(obj, ensure_ascii=False)
    try:
        utf8 = codecs.lookup(getattr(sys.stdout, "encoding", None) or "utf-8").name == "utf-8"
        text.encode("utf-8" if utf8 else "ascii")
    except (UnicodeEncodeError, LookupError):
        text = json.dumps(obj, ensure_ascii=True)
    print(text)


def _emit_context(args: argparse.Namespace, engine: Traversal, ctx: Context, **extra) -> int:
    if args.json:
        _emit_json({**_record(args, engine, ctx), **extra})
    elif args.quiet:
        print(ctx.to_bytes().hex())
    else:
        rows = {"length": str(ctx.length), "point": ctx.point.to_bytes().hex(), "context": ctx.to_bytes().hex(),
                **{k: json.dumps(v, ensure_ascii=False) for k, v in extra.items()}}
        width = max(map(len, rows))
        for k, v in rows.items():
            print(f"{k:<{width}}  {v}")
    return 0


def _console() -> Console:
    """A console for tables on stdout: ``COLUMNS`` or the terminal's width, or 160 columns when piped."""
    return _terminal.console(piped_width=160)


# ---- Dask: --scheduler -------------------------------------------------------------------

_ADDRESS = re.compile(r"tcp://[A-Za-z0-9.\-]+:[0-9]{1,5}|tcp://\[[0-9A-Fa-f:.]+\]:[0-9]{1,5}")


def _parse_scheduler(spec: str) -> tuple[str, int | str | None]:
    """``("synchronous" | "threads" | "processes", None)``, ``("local", N)`` or ``("address", spec)``.

    The error never quotes SPEC (an address may be private)."""
    if spec in ("synchronous", "threads", "processes"):
        return spec, None
    if spec.startswith("local:"):
        n = spec.removeprefix("local:")
        if n.isascii() and n.isdigit() and len(n) <= 4 and 1 <= int(n) <= LOCAL_WORKERS_MAX:
            return "local", int(n)
    elif _ADDRESS.fullmatch(spec) and 1 <= int(spec.rsplit(":", 1)[1]) <= 65535:
        return "address", spec
    raise CLIError(f"--scheduler must be {SCHEDULER_FORMS}")


def _dask_module():
    try:
        import ectraverse.dask as ed
    except ImportError:
        raise CLIError('--scheduler needs Dask, an optional extra: pip install "ectraverse[dask]"') from None
    return ed


@contextlib.contextmanager
def _dask_runner(spec: str) -> Iterator[Callable]:
    """``run(lazy)``: compute a Dask object on the scheduler of SPEC, with a progress bar on stderr when it is a
    terminal (Dask's own progress, drawn by rich, for a cluster); the cluster is closed afterwards."""
    kind, arg = _parse_scheduler(spec)
    ed = _dask_module()
    show = sys.stderr.isatty()
    if kind not in ("local", "address"):
        yield lambda lazy: _compute_local(lazy, kind, show)
        return
    cluster = None
    try:
        if kind == "local":
            try:
                client, cluster = ed._local_cluster(arg)
            except RuntimeError as exc:  # Dask's "Cluster failed to start: ...", the cause in its message
                raise CLIError(f"the local Dask cluster of --scheduler could not start ({exc}); Dask's workers "
                               "need a writable temporary directory ($TMPDIR, or DASK_TEMPORARY_DIRECTORY)") from None
        else:
            ed._silence()  # a failed task is its one error line, not a log record before it
            client = _connect(arg)
    except (OSError, TimeoutError) as exc:
        raise CLIError(f"cannot reach the Dask scheduler of --scheduler ({type(exc).__name__})") from None
    if kind == "address" and not client.nthreads():  # Dask waits for a worker, silently: say so
        print("ectraverse: the Dask scheduler of --scheduler has no workers yet; the computation waits for one "
              "(Ctrl-C stops it)", file=sys.stderr)
    try:
        yield lambda lazy: _compute_cluster(client, lazy, show)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


#: How long ``--scheduler tcp://HOST:PORT`` waits for the scheduler there to answer, in seconds.
CONNECT_SECONDS = 10.0


def _connect(address: str):
    """A distributed Client of the scheduler at address, made within :data:`CONNECT_SECONDS`, else a
    CLIError.

    distributed's own ``timeout`` bounds reaching the address, not a peer that accepts the connection
    and then says nothing (as a firewall or a proxy can): that waits for ever.  And a peer that answers
    but is not a Dask scheduler fails with whatever reading its bytes raised (an absurd frame length
    comes out as a MemoryError).  So the client is made in a thread, waited for at most that long
    (and a second's grace for distributed's own timeout to fire first), and every way it fails is
    one error that says which."""
    import distributed

    seconds, made = CONNECT_SECONDS, {}

    def connect() -> None:
        try:
            made["client"] = distributed.Client(address, timeout=f"{seconds}s")
        except BaseException as exc:  # noqa: BLE001 - passed to the waiting thread, which reports it
            made["error"] = exc

    thread = threading.Thread(target=connect, name="ectraverse-connect", daemon=True)
    thread.start()
    thread.join(seconds + 1)
    if thread.is_alive():  # left behind, a daemon: this command ends with the error below
        raise CLIError(f"cannot reach the Dask scheduler of --scheduler (no answer in {seconds:g} s)")
    if "client" in made:
        return made["client"]
    exc = made["error"]
    if isinstance(exc, (OSError, TimeoutError)):
        raise exc
    if not isinstance(exc, Exception):  # KeyboardInterrupt, SystemExit: not a failure to connect
        raise exc
    raise CLIError("the address of --scheduler answered, but not as a Dask scheduler") from exc


def _progress():
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    return Progress(TextColumn("dask"), BarColumn(), MofNCompleteColumn(), TextColumn("tasks"), TimeElapsedColumn(),
                    console=_terminal.console(stderr=True), transient=True)


def _compute_local(lazy, scheduler: str, show: bool):
    if not show:
        return lazy.compute(scheduler=scheduler)
    from dask.callbacks import Callback

    with _progress() as progress:
        task = progress.add_task("dask", total=None)

        class _Bar(Callback):
            def _start_state(self, dsk, state):
                progress.update(task, total=sum(len(state[k]) for k in ("ready", "waiting", "running", "finished")))

            def _posttask(self, key, result, dsk, state, worker_id):
                progress.advance(task)

        with _Bar():
            return lazy.compute(scheduler=scheduler)


def _compute_cluster(client, lazy, show: bool):
    future = client.compute(lazy)
    if show:
        from distributed.diagnostics.progressbar import TextProgressBar

        with _progress() as progress:
            task = progress.add_task("dask", total=None)

            class _Bar(TextProgressBar):  # Dask's progress (the scheduler's counts), drawn by rich on stderr
                def _draw_bar(self, remaining, all, **kwargs):
                    progress.update(task, total=all, completed=all - remaining)

                def _draw_stop(self, **kwargs):
                    pass

            _Bar([future], scheduler=client.scheduler.address, complete=True)
    return future.result()


def _check_files(paths: Sequence[str]) -> None:
    """Each path a file this process can read, and a regular one: --scheduler reads files in blocks, by
    position (checked before reading, which would take a pipe's first byte)."""
    for path in paths:
        try:
            mode = os.stat(path).st_mode
            if not (stat.S_ISREG(mode) or stat.S_ISDIR(mode)):  # a directory: open says so below
                raise CLIError(f"cannot read {path!r} with --scheduler: it is a pipe or device, not a regular file, "
                               "and --scheduler reads files in blocks; without --scheduler it is read as a stream")
            with open(path, "rb") as f:
                f.read(1)
        except OSError as exc:
            raise CLIError(f"cannot read {path!r}: {exc.strerror or exc}") from None


# ---- subcommands -----------------------------------------------------------------


def _cmd_compose(args: argparse.Namespace) -> int:
    files = args.file or []
    if "-" in files and len(files) > 1:
        raise UsageError("-f takes '-' (stdin) alone, not among other files")
    if args.scheduler is not None and (not files or files == ["-"]):
        raise UsageError("--scheduler composes files: give them with -f FILE...")
    engine = _engine(args)
    if args.text is not None:
        ctx = engine.compose(_check_text(args.text, "TEXT"))
    elif args.scheduler is not None:
        ctx = _compose_files_on_dask(engine, files, args.scheduler)
    elif files and files != ["-"]:
        ctx = engine.identity
        for path in files:
            ctx = ctx * _compose_file(engine, path)
    else:
        stream = sys.stdin.buffer
        if stream.isatty():  # read as typed, a line at a time: one Ctrl-D at a line's start ends it, as for cat
            print("ectraverse: reading the text from stdin (end it with Ctrl-D)", file=sys.stderr)
            stream = stream.raw
        ctx = _compose_stream(engine, stream, None)
    return _emit_context(args, engine, ctx)


def _compose_file(engine: Traversal, path: str) -> Context:
    try:
        f = open(path, "rb")
    except OSError as exc:
        raise CLIError(f"cannot read {path!r}: {exc.strerror or exc}") from None
    with f:
        try:
            return _compose_stream(engine, f, path)
        except OSError as exc:  # e.g. a directory opens but cannot be read
            raise CLIError(f"cannot read {path!r}: {exc.strerror or exc}") from None


def _compose_files_on_dask(engine: Traversal, files: Sequence[str], spec: str) -> Context:
    """The files end to end, read in blocks of about :data:`DASK_BLOCK_BYTES` cut after newlines
    (:func:`ectraverse.dask.text_blocks`), composed on Dask."""
    _parse_scheduler(spec)
    ed = _dask_module()
    _check_files(files)
    bag = ed.text_blocks(files, blocksize=DASK_BLOCK_BYTES)
    with _dask_runner(spec) as run:
        try:
            return run(ed.compose(engine, bag))
        except ed.TextBlockError as exc:
            raise CLIError(str(exc)) from None


def _cmd_invert(args: argparse.Namespace) -> int:
    engine, (c,) = _load(args, [args.context], ["CONTEXT"])
    return _emit_context(args, engine, c.inverse())


def _cmd_concat(args: argparse.Namespace) -> int:
    engine, parts = _load(args, args.contexts, [f"CONTEXT {i}" for i in range(1, len(args.contexts) + 1)])
    acc = parts[0]
    for c in parts[1:]:
        acc = acc * c
    return _emit_context(args, engine, acc)


def _cmd_remove_prefix(args: argparse.Namespace) -> int:
    engine, (whole, prefix) = _load(args, [args.whole, args.part], ["WHOLE", "PREFIX"])
    return _emit_context(args, engine, engine.remove_prefix(whole, prefix))


def _cmd_remove_suffix(args: argparse.Namespace) -> int:
    engine, (whole, suffix) = _load(args, [args.whole, args.part], ["WHOLE", "SUFFIX"])
    return _emit_context(args, engine, engine.remove_suffix(whole, suffix))


def _index(value: str, what: str) -> int:
    try:
        return parse_int(value, "an integer")
    except ValueError as exc:
        raise UsageError(f"{what} {exc}") from None


def _cmd_window(args: argparse.Namespace) -> int:
    if not args.text:
        if len(args.items) != 2:
            raise UsageError(f"expected two prefix-state contexts PREFIX_I PREFIX_J, got {len(args.items)} "
                             "argument(s) (use --text TEXT I J for a window of a text)")
        engine, (ci, cj) = _load(args, args.items, ["PREFIX_I", "PREFIX_J"])
        return _emit_context(args, engine, ci.inverse() * cj)
    if len(args.items) != 3:
        raise UsageError(f"with --text, expected TEXT I J, got {len(args.items)} argument(s)")
    i, j = _index(args.items[1], "I"), _index(args.items[2], "J")
    text = _check_text(args.items[0], "TEXT")
    engine = _engine(args)
    states = engine.prefixes(text)
    L = states.tokens_length
    if not 0 <= i <= j <= L:
        raise CLIError(f"window bounds must satisfy 0 <= I <= J <= {L} (the text has {L} tokens), "
                       f"not I={_digits(i)}, J={_digits(j)}")
    tokens = engine.tokens(text)[i:j]
    return _emit_context(args, engine, states.window(i, j), start=i, end=j, tokens=tokens)


def _digits(n: int) -> str:
    """An int for a message: whole up to 20 digits, else its first 20 and how many there are."""
    text = str(n)
    return text if len(text.lstrip("-")) <= 20 else f"{text[:20]}… ({len(text.lstrip('-')):,} digits)"


def _file_texts(paths: Sequence[str]) -> list[str]:
    """The files' texts, each read whole (a device, such as /dev/zero, never ends: refused)."""
    out = []
    for path in paths:
        try:
            with open(path, "rb") as f:
                mode = os.fstat(f.fileno()).st_mode
                if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
                    raise CLIError(f"cannot read {path!r}: it is a device, and repeats reads each file whole")
                data = f.read()
        except OSError as exc:
            raise CLIError(f"cannot read {path!r}: {exc.strerror or exc}") from None
        try:
            out.append(data.decode("utf-8"))
        except UnicodeDecodeError as exc:
            raise _not_utf8(path, exc.start, exc.reason) from None
    return out


def _repeats_in_process(engine: Traversal, texts: Sequence[str], m: int) -> list[list[tuple[int, int]]]:
    """The repeated m-windows of the texts, each a document: their ids end to end with a distinct negative id
    between documents (so no window that crosses one repeats), grouped exactly (``_repeated_windows``)."""
    import numpy as np

    parts, starts, at = [], [], 0
    for f, text in enumerate(texts):
        if f:
            parts.append(np.array([-f], dtype=np.int64))
            at += 1
        ids = np.asarray(engine._ids(text), dtype=np.int64)
        starts.append(at)
        parts.append(ids)
        at += ids.shape[0]
    ids = np.concatenate(parts) if parts else np.empty(0, dtype=np.int64)
    if ids.shape[0] < m:
        return []
    pos, bounds = _repeated_windows(ids, m)
    starts_arr = np.asarray(starts, dtype=np.int64)
    files = np.searchsorted(starts_arr, pos, side="right") - 1
    offsets = pos - starts_arr[files]
    f_list, o_list, b = files.tolist(), offsets.tolist(), bounds.tolist()
    return [list(zip(f_list[x:y], o_list[x:y])) for x, y in itertools.pairwise(b)]


def _repeats_on_dask(engine: Traversal, paths: Sequence[str], m: int, spec: str) -> list[list[tuple[int, int]]]:
    """The same on Dask: one element per file (:func:`ectraverse.dask.text_blocks` without a blocksize)."""
    _parse_scheduler(spec)
    ed = _dask_module()
    docs = ed.text_blocks(paths, blocksize=None)
    with _dask_runner(spec) as run:
        try:
            frame = run(ed.repeats(engine, docs, m))
        except ed.TextBlockError as exc:
            raise CLIError(str(exc)) from None
    return ed._positions(frame)


def _stamp(path: str) -> tuple[int, int]:
    st = os.stat(path)
    return st.st_size, st.st_mtime_ns


def _text_again(path: str, stamp: tuple[int, int]) -> str:
    """A file's text read once more (for the table of a --scheduler run), refused if the file is not the
    one the windows were found in: the table would show windows that are not repeated."""
    text = _file_texts([path])[0]
    try:
        same = _stamp(path) == stamp
    except OSError:
        same = False
    if not same:
        raise CLIError(f"the file {path!r} changed while repeats ran: run it again on files that do not change")
    return text


def _once_each(paths: Sequence[str]) -> None:
    """Refuse a file given twice (by any name: the same device and inode), whose occurrences no output could
    tell apart; a path that cannot be examined is left to the reading, which says what is wrong with it."""
    seen: dict[tuple[int, int], str] = {}
    for path in paths:
        try:
            st = os.stat(path)
        except (OSError, ValueError):
            continue
        first = seen.get((st.st_dev, st.st_ino))
        if first is not None:
            again = "given twice" if first == path else f"the file {first!r} again"
            raise UsageError(f"FILE {path!r} is {again}: give each file once (the occurrences in its two "
                             "copies could not be told apart)")
        seen[st.st_dev, st.st_ino] = path


def _cmd_repeats(args: argparse.Namespace) -> int:
    paths = args.files
    _once_each(paths)
    engine = Traversal("secp256k1", tokenizer=args.tokenizer)
    if args.scheduler is not None:
        _parse_scheduler(args.scheduler)
        _check_files(paths)
        stamps = [_stamp(path) for path in paths]  # the table reads files again: they must be these
        groups = _repeats_on_dask(engine, paths, args.m, args.scheduler)
        texts = None
    else:
        texts = _file_texts(paths)
        groups = _repeats_in_process(engine, texts, args.m)
    if args.json:
        _emit_json([[{"file": paths[f], "offset": o} for f, o in g] for g in groups])
        return 0
    console = _console()
    if not groups:
        console.print(f"no {args.m}-token window occurs more than once in {len(paths)} file(s)")
        return 0
    shown = groups[:REPEATS_TABLE_MAX]
    tokens: dict[int, list] = {}  # the tokens of the files where the shown windows first occur
    for g in shown:
        f = g[0][0]
        if f not in tokens:
            tokens[f] = engine.tokens(texts[f] if texts is not None else _text_again(paths[f], stamps[f]))
    occurrences = sum(map(len, groups))
    table = Table(title=f"repeated {args.m}-token windows: {len(groups):,} ({occurrences:,} occurrences)",
                  title_justify="left",
                  caption=None if len(groups) <= len(shown) else
                  f"the first {len(shown)} by first occurrence; --json lists all {len(groups):,}",
                  caption_justify="left")
    table.add_column("window", overflow="fold")
    table.add_column("count", justify="right")
    table.add_column("where (file: token offset)", overflow="fold")
    for g in shown:
        f, o = g[0]
        window = " ".join(map(str, tokens[f][o:o + args.m]))
        where = ", ".join(f"{paths[fi]}: {oi}" for fi, oi in g[:6]) + (f", … ({len(g) - 6} more)" if len(g) > 6 else "")
        # Text: tokens and paths are not rich markup; visible: nor are they control sequences for the terminal
        table.add_row(Text(visible(window)), str(len(g)), Text(visible(where)))
    console.print(table)
    return 0


def _default_suite_id(C, *, random_oracle: bool = True) -> str | None:
    try:
        return rfc9380.default_suite(C.params, random_oracle=random_oracle).id
    except ValueError:  # no SvdW Z for a tiny field: no suite
        return None


def _cmd_curves(args: argparse.Namespace) -> int:
    curves = [ectraverse.curve(name) for name in ectraverse.curve_names()]
    if args.json:
        _emit_json([
            {
                "name": C.name,
                "aliases": list(C.params.aliases),
                "bits_p": C.p.bit_length(),
                "bits_n": C.n.bit_length(),
                "p": hex(C.p),
                "a": hex(C.a),
                "b": hex(C.b),
                "n": hex(C.n),
                "h": hex(C.h),
                "glv": bool(C.has_glv),
                "fixed_size_core": bool(C.fixed_size_field),
                "suite": _default_suite_id(C),
                "suite_nu": _default_suite_id(C, random_oracle=False),
            }
            for C in curves
        ])
        return 0
    table = Table(title="ectraverse curves", title_justify="left")
    for col in ("name", "aliases", "bits(p)", "bits(n)", "h", "a", "GLV", "fixed-size core"):
        table.add_column(col)
    for C in curves:
        a = "-3" if C.a == C.p - 3 else str(C.a) if C.a < 1000 else f"{C.a:#x}"[:12] + "…"
        table.add_row(
            C.name,
            ", ".join(C.params.aliases),
            str(C.p.bit_length()),
            str(C.n.bit_length()),
            str(C.h) if C.h < 1000 else f"{C.h:#x}"[:12] + "…",
            a,
            "yes" if C.has_glv else "",
            "yes" if C.fixed_size_field else "",
        )
    # The suites get a table of their own: as a ninth column they would squeeze every cell at 80 columns.
    suites = Table(title="default hash-to-curve suites (RFC 9380; vocabularies use hash_to_curve)",
                   title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False)
    suites.add_column("name", no_wrap=True)
    suites.add_column("hash_to_curve", no_wrap=True)
    suites.add_column("encode_to_curve", no_wrap=True)
    for C in curves:
        suites.add_row(C.name, _default_suite_id(C) or "", _default_suite_id(C, random_oracle=False) or "")
    console = _console()
    console.print(table)
    console.print(suites)
    return 0


def _cmd_hash_to_curve(args: argparse.Namespace) -> int:
    if args.hex:
        msg = _parse_hex(args.msg, "MSG", context=False)
    elif args.msg == "-":
        msg = sys.stdin.buffer.read()
    else:
        msg = _check_text(args.msg, "MSG").encode("utf-8")
    dst = _check_text(args.dst, "--dst").encode("utf-8")
    if not dst:
        raise CLIError("--dst must not be empty (RFC 9380 section 3.1: tags must have nonzero length)")
    if args.suite is not None:
        suite = rfc9380.suite(args.suite)
        if args.encode and suite.random_oracle:
            raise CLIError(f"--encode needs a nonuniform (_NU_) suite, not {suite.id!r}")
        C = ectraverse.curve(args.curve if args.curve is not None else suite.curve)
    else:
        C = ectraverse.curve(args.curve if args.curve is not None else "secp256k1")
        suite = rfc9380.default_suite(C.params, random_oracle=not args.encode)
    P = (C.hash_to_curve if suite.random_oracle else C.encode_to_curve)(msg, dst, suite=suite)
    x, y = (None, None) if P.is_identity else (hex(P.x), hex(P.y))
    record = {"curve": C.name, "suite": suite.id, "point": P.to_bytes().hex(), "x": x, "y": y}
    if args.json:
        _emit_json(record)
    elif args.quiet:
        print(record["point"])
    else:
        for k in ("suite", "point", "x", "y"):
            print(f"{k:<5}  {record[k] if record[k] is not None else '(identity)'}")
    return 0


def _cmd_bench(args: argparse.Namespace) -> int:
    from ectraverse import bench  # the benchmark loads only when it runs: the other commands start faster

    return bench.main(args.bench_args)


def _cmd_demo(args: argparse.Namespace) -> int:
    if args.name is None:
        if args.json:
            _emit_json([{"name": n, "description": demos.DESCRIPTIONS[n], "module": demos.DEMOS[n]}
                        for n in demos.names()])
            return 0
        table = Table(title="ectraverse demos", title_justify="left", caption="run one: ectraverse demo NAME [--help]",
                      caption_justify="left")
        table.add_column("name", style="cyan", no_wrap=True)
        table.add_column("what it shows")
        for n in demos.names():
            table.add_row(n, demos.DESCRIPTIONS[n])
        _console().print(table)
        return 0
    if args.json:
        raise UsageError("--json lists the demos; it takes no NAME")
    if args.name not in demos.DEMOS:
        raise UsageError(f"unknown demo {args.name!r}; expected one of: {', '.join(demos.names())}")
    module = demos.load(args.name)
    demo_args = demos.build_parser(args.name).parse_args(args.demo_args)
    return module.run(demo_args, stdin=sys.stdin, console=_terminal.console())


# ---- the parser ------------------------------------------------------------------


_FORMATTER = argparse.RawDescriptionHelpFormatter

_TOP_EPILOG = """\
Contexts move between commands as hex (the bytes of Context.to_bytes):

  AB=$(ectraverse compose -q "a b")
  ABC=$(ectraverse compose -q "a b c")
  ectraverse remove-prefix "$ABC" "$AB"          # the context of "c"
  ectraverse concat "$AB" "$(ectraverse invert -q "$AB")"   # the identity
  ectraverse window --text "a b c d" 1 3         # the context of "b c"

The context commands (compose, invert, concat, window, remove-prefix and
remove-suffix) take the engine options --curve, --tokenizer, --namespace and
--key-file after their name; a context decodes only under the options it was
composed with.  hash-to-curve takes --curve (or --suite); repeats takes
--tokenizer; curves takes --json; a demo takes its own options after its NAME
(ectraverse demo NAME --help), and bench its own.  --json prints
machine-readable output on stdout (bench's --json takes a PATH instead).
Randomness belongs to the demos and bench, which take --seed.  An
unrecognised option is reported by its name, never with its value.

Exit status: 0 on success, 1 for an error in the input (one line on stderr),
2 for a usage error.  ECTRAVERSE_DEBUG=1 shows the traceback of an error."""


class _RefuseKey(argparse.Action):
    """``--key``: refused without echoing the value (a key on the command line leaks to ``ps`` and history)."""

    def __call__(self, parser, namespace, values, option_string=None):
        parser.error("a key is never taken on the command line, where the process list and the shell history "
                     "show it; put it in a file and pass --key-file PATH")


def _engine_options() -> argparse.ArgumentParser:
    p = ArgumentParser(add_help=False, allow_abbrev=False)
    g = p.add_argument_group("engine options")
    g.add_argument("--curve", default="secp256k1", metavar="NAME",
                   help="the curve (default secp256k1; see 'ectraverse curves')")
    g.add_argument("--tokenizer", default="words", choices=list(tokenizers.BY_NAME),
                   help="how texts are split into tokens (default words)")
    g.add_argument("--namespace", default="default", metavar="NS",
                   help="the vocabulary namespace: token generators differ per namespace (default 'default')")
    g.add_argument("--key-file", metavar="PATH",
                   help=f"a file whose bytes (all of them, a final newline included; 1 to {KEY_MAX_BYTES}) are "
                        "the engine's secret key; the key is never taken on the command line")
    g.add_argument("--key", nargs="?", action=_RefuseKey, help=argparse.SUPPRESS)
    return p


_QUIET_HELP = "print only the context's hex (for shell variables)"


def _output_options(*, quiet: str | None = _QUIET_HELP,
                    json_help: str = "print one JSON object on stdout") -> argparse.ArgumentParser:
    p = ArgumentParser(add_help=False, allow_abbrev=False)
    x = p.add_mutually_exclusive_group()
    x.add_argument("--json", action="store_true", help=json_help)
    if quiet:
        x.add_argument("-q", "--quiet", action="store_true", help=quiet)
    return p


def _text_option(parser: argparse.ArgumentParser, what: str) -> None:
    parser.add_argument("--text", action="store_true",
                        help=f"the arguments are texts, composed first with the engine options, instead of {what}")


def build_parser() -> argparse.ArgumentParser:
    parser = ArgumentParser(
        prog="ectraverse",
        description="Elliptic-curve compositional state machine: token sequences as exact, invertible, "
                    "constant-size contexts.",
        epilog=_TOP_EPILOG,
        formatter_class=_FORMATTER,
        allow_abbrev=False,
    )
    parser.add_argument("--version", action="version", version=f"ectraverse {ectraverse.__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    engine_opts, out_opts = _engine_options(), _output_options()

    def add(name: str, func, help: str, description: str, epilog: str | None = None, parents=(), **kw):
        p = sub.add_parser(name, help=help, description=description, epilog=epilog, parents=list(parents),
                           formatter_class=_FORMATTER, allow_abbrev=False, **kw)
        p.set_defaults(func=func, parser=p)
        return p

    p = add("compose", _cmd_compose, "the context of a text",
            "Compose a text into its context and print its length, its point (compressed SEC1 hex)\n"
            "and the context's bytes in hex. The text is TEXT, or the UTF-8 files -f PATH... end to\n"
            "end (each file's tokens, then the next file's), or stdin.\n"
            f"Files and stdin are read in blocks of {tokenizers.BLOCK_SIZE} bytes cut at token boundaries,\n"
            "whatever the lines, with a progress bar for large files when stderr is a terminal; with\n"
            f"--tokenizer words or whitespace, a run without whitespace may be at most {tokenizers.MAX_RUN}\n"
            "characters. With --scheduler SPEC the files are read as lines, in blocks of about\n"
            f"{DASK_BLOCK_BYTES >> 20} MiB, and composed on Dask (ectraverse.dask.compose; the optional dask extra).",
            "examples:\n"
            '  ectraverse compose "the cat sat"\n'
            "  ectraverse compose -f book.txt --json\n"
            "  ectraverse compose -f shards/*.txt --scheduler local:4\n"
            '  printf "the cat" | ectraverse compose -q --curve P-256 --namespace demo',
            parents=[engine_opts, out_opts])
    src = p.add_mutually_exclusive_group()
    src.add_argument("text", nargs="?", metavar="TEXT", help="the text (default: read stdin)")
    src.add_argument("-f", "--file", metavar="PATH", nargs="+", action="extend",
                     help="read the text from UTF-8 files, end to end ('-' alone: stdin); -f A -f B is -f A B")
    p.add_argument("--scheduler", metavar="SPEC",
                   help=f"compose the -f files on Dask (pip install \"ectraverse[dask]\"): {SCHEDULER_FORMS}")

    p = add("invert", _cmd_invert, "the inverse of a context",
            "Print the inverse of a context: concat(C, invert(C)) is the identity (length 0).",
            "examples:\n"
            '  ectraverse invert "$(ectraverse compose -q "a b")"\n'
            '  ectraverse invert --text "a b"',
            parents=[engine_opts, out_opts])
    p.add_argument("context", metavar="CONTEXT", help="a context in hex ('-' reads it from stdin)")
    _text_option(p, "hex")

    p = add("concat", _cmd_concat, "the product of contexts: the context of the concatenation",
            "Multiply contexts in order: concat(C(u), C(v)) = C(uv). The product is associative,\n"
            "not commutative.",
            "examples:\n"
            '  AB=$(ectraverse compose -q "a b"); C=$(ectraverse compose -q "c")\n'
            '  ectraverse concat "$AB" "$C"          # == ectraverse compose "a b c"\n'
            '  ectraverse concat --text "a b" "c"',
            parents=[engine_opts, out_opts])
    p.add_argument("contexts", nargs="+", metavar="CONTEXT", help="contexts in hex (one of them may be '-' for stdin)")
    _text_option(p, "hex")

    p = add("window", _cmd_window, "a window's context, from two prefix states or from a text",
            "Print the context of a window, tokens I .. J-1 of a sequence, in one of two forms:\n\n"
            "  window PREFIX_I PREFIX_J      from the contexts (hex) of the first I and first J tokens:\n"
            "                                C_I^-1 * C_J, the context of tokens I .. J-1\n"
            "  window --text TEXT I J        from a text: its prefix states, then tokens I .. J-1\n"
            "                                (0 <= I <= J <= number of tokens); also prints the tokens",
            "examples:\n"
            '  ectraverse window "$(ectraverse compose -q "a b")" "$(ectraverse compose -q "a b c d")"\n'
            '  ectraverse window --text "a b c d" 2 4      # == ectraverse compose "c d"',
            parents=[engine_opts, out_opts],
            usage="ectraverse window [options] PREFIX_I PREFIX_J\n"
                  "       ectraverse window [options] --text TEXT I J")
    p.add_argument("items", nargs="+", metavar="ARG",
                   help="PREFIX_I PREFIX_J (hex; one may be '-'), or TEXT I J with --text")
    p.add_argument("--text", action="store_true", help="the arguments are TEXT I J: a window of a text")

    for name, func, part, side, formula in (
        ("remove-prefix", _cmd_remove_prefix, "PREFIX", "front", "C(u)^-1 * C(uv) = C(v)"),
        ("remove-suffix", _cmd_remove_suffix, "SUFFIX", "end", "C(uv) * C(v)^-1 = C(u)"),
    ):
        ex = ('ectraverse remove-prefix "$(ectraverse compose -q "a b c")" "$(ectraverse compose -q "a b")"'
              if side == "front" else
              'ectraverse remove-suffix "$(ectraverse compose -q "a b c")" "$(ectraverse compose -q "c")"')
        p = add(name, func, f"strip a {part.lower()} from a context",
                f"Remove {part} from the {side} of WHOLE: {formula}.\n"
                f"Exact when {part} is a {part.lower()} of WHOLE; otherwise the result is still a context\n"
                "(the group has inverses) but of no token sequence.",
                f"examples:\n  {ex}\n  ectraverse {name} --text \"a b c\" \"{'a b' if side == 'front' else 'c'}\"",
                parents=[engine_opts, out_opts])
        p.add_argument("whole", metavar="WHOLE", help="the whole context in hex ('-' for stdin)")
        p.add_argument("part", metavar=part, help=f"the {part.lower()} context in hex ('-' for stdin)")
        _text_option(p, "hex")

    p = add("repeats", _cmd_repeats, "the m-token windows that occur more than once in and between files",
            "Find every window of M consecutive tokens that occurs at least twice in the FILEs, within a\n"
            "file or between files (n-gram overlap, as in test-set contamination checks), exactly: windows\n"
            "are grouped by a digest, then every group is checked token by token. Windows do not cross\n"
            "from one file into the next; offsets count tokens from the start of their file.\n"
            "Without --scheduler it runs in this process (each file is read whole); with --scheduler SPEC,\n"
            "on Dask (pip install \"ectraverse[dask]\"), one task per file, as a distributed shuffle.\n"
            "--json prints a list of groups, each a list of {\"file\": PATH, \"offset\": N}.",
            "examples:\n"
            "  ectraverse repeats -m 13 train.txt test.txt\n"
            "  ectraverse repeats -m 8 --json docs/*.md\n"
            "  ectraverse repeats -m 13 --scheduler local:4 shards/*.txt --json",
            parents=[_output_options(quiet=None, json_help="print the groups as one JSON list on stdout")])
    p.add_argument("files", nargs="+", metavar="FILE", help="UTF-8 text files")
    p.add_argument("-m", type=positive_int, required=True, metavar="M", help="the window length in tokens")
    p.add_argument("--tokenizer", default="words", choices=list(tokenizers.BY_NAME),
                   help="how texts are split into tokens (default words)")
    p.add_argument("--scheduler", metavar="SPEC", help=f"run on Dask: {SCHEDULER_FORMS}")

    add("curves", _cmd_curves, "list the registered curves and their hash-to-curve suites",
        "A table of the registered curves (sizes, cofactor, a, GLV, the fixed-size core), and one of\n"
        "their default RFC 9380 suites: hash_to_curve (_RO_, the one vocabularies use) and\n"
        "encode_to_curve (_NU_).",
        "examples:\n"
        "  ectraverse curves\n"
        "  ectraverse curves --json",
        parents=[_output_options(quiet=None, json_help="print a JSON list, one object per curve, on stdout")])

    p = add("hash-to-curve", _cmd_hash_to_curve, "RFC 9380 hash_to_curve of a message",
            "Hash MSG to a point with RFC 9380 and print the suite, the point (compressed SEC1 hex)\n"
            "and its affine coordinates. The suite is --suite, else the default suite of --curve\n"
            "(secp256k1 if neither is given); a _NU_ suite (or --encode) gives encode_to_curve.",
            "examples:\n"
            "  ectraverse hash-to-curve abc --dst QUUX-V01-CS02-with-secp256k1_XMD:SHA-256_SSWU_RO_\n"
            "  ectraverse hash-to-curve abc --dst my-app-v1 --curve P-256 --json\n"
            "  ectraverse hash-to-curve 616263 --hex --dst my-app-v1 --suite P384_XMD:SHA-384_SSWU_NU_",
            parents=[_output_options(quiet="print only the point's hex")])
    p.add_argument("msg", metavar="MSG", help="the message, as UTF-8 text ('-' reads raw bytes from stdin)")
    p.add_argument("--dst", required=True, help="the domain-separation tag (UTF-8, not empty)")
    p.add_argument("--suite", metavar="ID",
                   help="a suite ID (see rfc9380.suites(); 'ectraverse curves' shows the defaults)")
    p.add_argument("--curve", metavar="NAME", help="the curve (default: the suite's, else secp256k1)")
    p.add_argument("--encode", action="store_true", help="encode_to_curve (the nonuniform _NU_ encoding)")
    p.add_argument("--hex", action="store_true", help="MSG is hex-encoded bytes")

    p = add("demo", _cmd_demo, "the interactive terminal demos (no NAME: list them)",
            "Without NAME, list the demos. With NAME, run that demo; the options after NAME are the\n"
            "demo's own (see 'ectraverse demo NAME --help'), such as --curve and --seed.\n"
            "On a terminal a demo is interactive; with stdin from a pipe or file it runs that script.",
            "examples:\n"
            "  ectraverse demo\n"
            "  ectraverse demo traverse --help\n"
            "  printf 'the cat\\n:undo\\n:quit\\n' | ectraverse demo traverse\n"
            "  ectraverse demo algebra --seed 7 --fast",
            parents=[_output_options(quiet=None, json_help="without NAME: print the list as JSON on stdout")])
    p.add_argument("name", nargs="?", metavar="NAME", help=f"one of: {', '.join(demos.names())}")
    p.add_argument("demo_args", nargs=argparse.REMAINDER, metavar="...", help="the demo's options")

    # The benchmark parses its own options: its arguments pass through untouched (no option
    # prefix here, no -h of its own), and it is imported only when 'bench' runs.
    p_bench = sub.add_parser("bench", help="benchmark group operations against the reference and installed peers",
                             add_help=False, prefix_chars="\0")
    p_bench.add_argument("bench_args", nargs=argparse.REMAINDER)
    p_bench.set_defaults(func=_cmd_bench, parser=p_bench)
    return parser


def _check_before_command(parser: argparse.ArgumentParser, argv: Sequence[str]) -> None:
    """Refuse an option before COMMAND (only -h, --help and --version go there), by name.

    Left to argparse, ``--opt VALUE compose`` would take VALUE for the COMMAND
    and echo it as an invalid choice; VALUE may be a secret.
    """
    for arg in argv:
        if not arg.startswith("-") or arg in ("-", "--"):
            return
        if arg not in ("-h", "--help", "--version"):
            parser.error(f"{unrecognized([arg])}; options go after the COMMAND")


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script; returns the exit status (Ctrl-C, SIGTERM and closed standard
    streams as :func:`ectraverse._entry.run` takes them).

    Usage errors raise ``SystemExit(2)``, as :mod:`argparse` does.
    """
    return _entry.run(lambda: _main(argv), on_stop=_quiet_dask)


def _quiet_dask() -> None:
    """After an interruption, Dask closes what it had started at exit, logging each step: silenced."""
    if "distributed" in sys.modules:
        from ectraverse.dask import _silence

        _silence()


#: What writing to a full device or past a quota raises (``>/dev/full``).
_FULL = (errno.ENOSPC, errno.EDQUOT, errno.EFBIG)


def _main(argv: Sequence[str] | None) -> int:
    parser = build_parser()
    argv = sys.argv[1:] if argv is None else list(argv)
    if not argv:  # the commands, not "the following arguments are required: COMMAND"
        parser.print_help(sys.stderr)
        return 2
    _check_before_command(parser, argv)
    args = parser.parse_args(argv)
    debug = os.environ.get("ECTRAVERSE_DEBUG", "") not in ("", "0")
    try:
        status = args.func(args)
        sys.stdout.flush()
        return status
    except UsageError as exc:
        args.parser.error(str(exc))  # exits 2
    except BrokenPipeError:  # the reader went away (e.g. '| head'): stop quietly
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 1
    except (CLIError, EctraverseError, OSError, ValueError) as exc:
        if debug:
            raise
        if isinstance(exc, OSError) and exc.errno in _FULL and exc.filename is None:  # no file named: stdout's
            exc = f"cannot write the output: {exc.strerror}"
        print(f"ectraverse: error: {exc}", file=sys.stderr)
        return 1
    except MemoryError:
        if debug:
            raise
        print("ectraverse: error: out of memory; the input or a parameter is too large for this machine",
              file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
