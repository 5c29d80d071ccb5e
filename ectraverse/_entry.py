"""How a command-line entry point of ectraverse runs (the console script, the demos' launchers).

:func:`run` gives a command's exit status whatever happens around it: a standard stream closed when
the process started (``<&-``, ``>&-``, ``2>&-``), Ctrl-C (status 130) and SIGTERM (status 143), each
with one line on stderr and no traceback, what the command holds released on the way out (SIGTERM
unwinds the main thread as Ctrl-C does), and an exit that a late signal cannot cut short.
"""

from __future__ import annotations

import _thread
import atexit
import codecs
import contextlib
import functools
import io
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator

__all__ = ["Terminated", "run"]


class Terminated(BaseException):
    """Raised in the main thread by SIGTERM while a command runs, so that what it holds is released
    on the way out (a benchmark's temporary files, a LocalCluster's worker processes)."""


#: True while a :class:`Terminated` that a finalizer swallowed has not been raised again (main thread).
_termination_lost = False


def _terminate(signum, frame) -> None:
    global _termination_lost
    _termination_lost = False
    raise Terminated


def _raise_lost_termination(unraisable, previous_hook) -> None:
    """``sys.unraisablehook`` while a command runs: a :class:`Terminated` raised while the main thread
    ran a finalizer (an object's ``__del__``, a weak reference's callback, which Dask's futures and
    clusters have) cannot leave it, and Python would print it and go on, the command running to its
    end as if SIGTERM never came.  Instead it is noted, and a thread has the handler run again in the
    main thread (:func:`_handle_again`), once the finalizer is done, until it lands outside one; should
    the command end first, :func:`run` still reports it.  Anything else goes to the hook before."""
    global _termination_lost
    if not (isinstance(unraisable.exc_type, type) and issubclass(unraisable.exc_type, Terminated)):
        previous_hook(unraisable)
        return
    _termination_lost = True
    with contextlib.suppress(RuntimeError):  # no new thread once the interpreter shuts down
        threading.Thread(target=_handle_again, name="ectraverse-sigterm-again", daemon=True).start()


#: How long :func:`_handle_again` waits for the finalizer (and the hook) to return, in seconds.
_AGAIN_AFTER = 0.01


def _handle_again() -> None:
    """The SIGTERM handler run once more in the main thread, at its next step (``interrupt_main`` does
    nothing once a handler that is not Python's is back), unless it has run meanwhile."""
    time.sleep(_AGAIN_AFTER)
    if _termination_lost:
        _thread.interrupt_main(signal.SIGTERM)


def _take_lost_termination() -> bool:
    """Whether a Terminated is still lost; it is not any more (no thread of :func:`_handle_again`'s raises it later)."""
    global _termination_lost
    lost, _termination_lost = _termination_lost, False
    return lost


@contextlib.contextmanager
def _sigterm_unwinds() -> Iterator[Callable[[], bool]]:
    """SIGTERM raises :class:`Terminated` inside the block, even when it lands in a finalizer
    (:func:`_raise_lost_termination`), in the main thread only; the handler and the unraisable hook
    before are put back.  Gives :func:`_take_lost_termination` (the block may end before a lost one is
    raised again)."""
    global _termination_lost
    if threading.current_thread() is not threading.main_thread():
        yield lambda: False
        return  # no signal handler runs here: nothing is lost
    _termination_lost = False
    previous = signal.signal(signal.SIGTERM, _terminate)
    previous_hook = sys.unraisablehook
    sys.unraisablehook = functools.partial(_raise_lost_termination, previous_hook=previous_hook)
    try:
        yield _take_lost_termination
    finally:
        sys.unraisablehook = previous_hook
        signal.signal(signal.SIGTERM, previous)
        _termination_lost = False  # a thread of _handle_again's still waiting then does nothing


_exit_shielded = False


def _shield_exit() -> None:
    """Once the process starts to exit, SIGINT and SIGTERM are ignored.

    The command is done by then and its output written.  Past the exit handlers, CPython puts the
    default handlers back before it frees the modules (Dask's take a while): a Ctrl-C landing there
    would end the process by the signal, status -2 and no line, where the command had succeeded.
    SIGKILL still ends it."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)


def _shield_exit_once() -> None:
    """Registers :func:`_shield_exit` as an exit handler, once a process, after the ones registered
    so far (exit handlers run last in, first out: it runs before them, Dask's closing its clusters
    among them)."""
    global _exit_shielded
    if not _exit_shielded and threading.current_thread() is threading.main_thread():
        _exit_shielded = True
        atexit.register(_shield_exit)


@contextlib.contextmanager
def _tolerant_streams() -> Iterator[None]:
    """For the command's run, standard streams that fail on text their encoding lacks escape it instead,
    and stdin is read as UTF-8.

    Under ``PYTHONIOENCODING=ascii`` (or latin-1, or ``LC_ALL=C PYTHONUTF8=0``) stdout and stderr
    write a character they cannot encode as its backslash escape (``\\u2026``): a table's rule or a
    demo's Σ no longer ends the command (on UTF-8 streams, only a lone surrogate is escaped).  stdin
    not yet read is decoded as UTF-8 with undecodable bytes as lone surrogates, whatever
    ``PYTHONIOENCODING`` says: a demo's script in UTF-8 is read as written (latin-1 would turn "été"
    into other tokens), and a line that is not UTF-8 is refused alone.  Objects that are not text
    files, and streams Python will not change (stdin with text already decoded), are left alone; the
    others get their settings back when the command returns, as far as Python allows (not stdin's
    once the command has read it), so a program that calls ``main()`` keeps its streams."""
    changed = []

    def change(stream, **settings) -> None:
        before = {"encoding": stream.encoding, "errors": stream.errors}
        with contextlib.suppress(ValueError, OSError):  # io.UnsupportedOperation: text already decoded
            stream.reconfigure(**settings)
            changed.append((stream, before))

    try:
        for out in (sys.stdout, sys.stderr):
            if isinstance(out, io.TextIOWrapper) and not out.closed:
                if out.errors == "strict" or codecs.lookup(out.encoding).name != "utf-8":
                    change(out, errors="backslashreplace")
        stdin = sys.stdin
        if isinstance(stdin, io.TextIOWrapper) and not stdin.closed:
            if codecs.lookup(stdin.encoding).name != "utf-8" or stdin.errors != "surrogateescape":
                change(stdin, encoding="utf-8", errors="surrogateescape")
        yield
    finally:
        for stream, before in changed:
            with contextlib.suppress(ValueError, OSError):  # closed by the command, its reader gone, or read
                stream.reconfigure(**before)


def run(command: Callable[[], int], prog: str = "ectraverse", on_stop: Callable[[], None] = lambda: None) -> int:
    """``command()``'s exit status, run as an entry point runs it.

    * stdout closed: nowhere to write a result, so status 1 (one line on stderr, if it is open);
    * stdin closed: read as empty, as from ``/dev/null``;
    * stderr closed: messages go nowhere (``print`` would put them on stdout, into the result);
    * streams whose encoding cannot carry all text (:func:`_tolerant_streams`): escapes, not a failure;
    * Ctrl-C: status 130 and ``PROG: interrupted``; SIGTERM: status 143 and ``PROG: terminated``,
      after ``on_stop()`` (which quiets what would log on the way out), even when SIGTERM lands while
      a finalizer runs (:func:`_raise_lost_termination`);
    * once the command has returned, the process's exit ignores SIGINT and SIGTERM (an exit
      handler, registered once; a caller that goes on running is not affected until it exits).

    The streams it opens in place of closed ones stay this process's standard streams.
    """
    if sys.stdout is None:
        if sys.stderr is not None:
            print(f"{prog}: error: standard output is closed", file=sys.stderr)
        return 1
    if sys.stdin is None:
        sys.stdin = open(os.devnull, encoding="utf-8")
    if sys.stderr is None:
        sys.stderr = open(os.devnull, "w", encoding="utf-8")
    try:
        with _sigterm_unwinds() as termination_lost, _tolerant_streams():
            try:
                status = command()
                if termination_lost():  # the command ended before the signal, handled again, reached it
                    raise Terminated
                return status
            except KeyboardInterrupt:
                on_stop()
                print(f"{prog}: interrupted", file=sys.stderr)
                return 130
            except Terminated:
                on_stop()
                print(f"{prog}: terminated", file=sys.stderr)
                return 128 + signal.SIGTERM
    finally:
        _shield_exit_once()
