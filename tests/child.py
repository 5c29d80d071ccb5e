"""Child interpreters for tests that need a fresh process.

A child must import the same ectraverse the tests import. Run from the
checkout, ``python -c`` puts the working directory first on ``sys.path``, so a
child started there would import the checkout's sources even when the tests
run against the installed package (and an unbuilt checkout has no compiled
core). Children therefore start in a scratch directory, with the directory
that holds the tested package first on ``PYTHONPATH``.
"""

import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import ectraverse

PACKAGE_DIR = Path(ectraverse.__file__).resolve().parent
INSTALLED = "site-packages" in PACKAGE_DIR.parts or "dist-packages" in PACKAGE_DIR.parts
SCRATCH = tempfile.mkdtemp(prefix="ectraverse-child-")


def env() -> dict:
    """The environment for a child: ours, with the tested package importable first."""
    out = dict(os.environ)
    out.pop("ECTRAVERSE_DEBUG", None)
    root = str(PACKAGE_DIR.parent)
    out["PYTHONPATH"] = root + (os.pathsep + out["PYTHONPATH"] if out.get("PYTHONPATH") else "")
    return out


def run_python(code: str, **kwargs) -> subprocess.CompletedProcess:
    """``subprocess.run([python, -c, code])`` in the scratch directory with :func:`env`."""
    kwargs.setdefault("cwd", SCRATCH)
    kwargs.setdefault("env", env())
    kwargs.setdefault("capture_output", True)
    kwargs.setdefault("timeout", 300)
    return subprocess.run([sys.executable, "-c", code], **kwargs)


def terminated(args, env, cwd, ready) -> subprocess.CompletedProcess:
    """Start the console script (``python -m ectraverse.cli``) with ``args``, wait until ``ready()`` (at most 120 s), send SIGTERM; its result."""
    proc = subprocess.Popen([sys.executable, "-m", "ectraverse.cli", *args], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=cwd)
    try:
        deadline = time.monotonic() + 120
        while not ready() and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=120)
    finally:
        proc.kill()
    return subprocess.CompletedProcess(proc.args, proc.returncode, out, err)
