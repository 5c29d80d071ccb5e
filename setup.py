"""Build the compiled core: ext/_ec.pyx + ext/ect_core*.c (+ ext/ect_*.h) -> ectraverse._ec,
and the tokenizer ext/_tok.pyx -> ectraverse._tok.

The core's templates are instantiated once per field size, each in a C file of
its own (ext/ect_core{g,4,6,9}.c, see ext/ect_api.h), and the C files are
compiled in parallel, one compiler per CPU: the build's wall time is about its
CPU time divided by the CPUs, and its memory under 0.4 GB per compiler.

Release builds carry no debug information (-g0, and the linker strips the
symbol table).  Portable flags by default.  Environment switches:
  ECTRAVERSE_NATIVE=1      add -march=native (faster on the build machine only)
  ECTRAVERSE_VERIFY=1      define ECT_VERIFY: invariant checks in every C function
  ECTRAVERSE_NO_ASM=1      define ECT_NO_ASM: plain C only (no x86-64 assembly,
                           carry intrinsics or AVX-512), the code every other CPU
                           runs; other CPUs take this path on their own
  ECTRAVERSE_DEBUG_INFO=1  a debug build: keep debug information (-g) and symbols,
                           for gdb and perf (the optimisation stays -O3)
  ECTRAVERSE_SANITIZE=1    AddressSanitizer and UBSan (-O1 -g): for tests under
                           LD_PRELOAD of libasan and libubsan (docs/development.md)
  ECTRAVERSE_BUILD_JOBS=N  compile at most N C files at once (default: the CPUs
                           this process may use)
"""
import os
import sys
import threading
from concurrent.futures import ThreadPoolExecutor

import numpy
from Cython.Build import cythonize
from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext


def _switch(name):
    return os.environ.get(name) == "1"


def _jobs():
    value = os.environ.get("ECTRAVERSE_BUILD_JOBS", "")
    if value:
        return max(1, int(value))
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # macOS
        return os.cpu_count() or 1


SANITIZE = _switch("ECTRAVERSE_SANITIZE")
DEBUG_INFO = _switch("ECTRAVERSE_DEBUG_INFO") or SANITIZE
# -pthread: a large MSM shares its work among threads it starts (ext/ect_threads.h)
extra_compile_args = ["-O1" if SANITIZE else "-O3", "-pthread", "-Wno-unused-function", "-Wno-unused-parameter"]
extra_link_args = ["-pthread"]
if SANITIZE:
    # use-after-return checks take the stack frames the 4- and 6-limb assembly needs
    extra_compile_args += ["-fsanitize=address,undefined", "-fno-omit-frame-pointer",
                           "--param", "asan-use-after-return=0"]
    extra_link_args.append("-fsanitize=address,undefined")
# the 4- and 6-limb field products in assembly (ext/ect_field_x86.h) use 11 registers: rbp among them
OMIT_FRAME_POINTER = {os.path.join("ext", "ect_core4.c"), os.path.join("ext", "ect_core6.c")}
if DEBUG_INFO:
    extra_compile_args.append("-g")
else:
    extra_compile_args.append("-g0")  # after Python's own CFLAGS (which hold -g), so it wins
    if sys.platform.startswith("linux"):
        extra_link_args.append("-Wl,--strip-all")
define_macros = [("NPY_NO_DEPRECATED_API", "NPY_1_7_API_VERSION")]
if _switch("ECTRAVERSE_NATIVE"):
    extra_compile_args.append("-march=native")
if _switch("ECTRAVERSE_VERIFY"):
    define_macros.append(("ECT_VERIFY", "1"))
if _switch("ECTRAVERSE_NO_ASM"):
    define_macros.append(("ECT_NO_ASM", "1"))


class parallel_build_ext(build_ext):
    """build_ext that compiles C files in parallel, at most _jobs() at a time.

    setuptools compiles an extension's sources one after another and the
    extensions one after another.  Here the extensions build side by side
    (build_ext's own --parallel), and each compile call is split into one call
    per source on a thread pool; one semaphore bounds the compilers running
    at once, whichever extension they belong to.  The threads only wait on
    compiler processes.
    """

    def finalize_options(self):
        super().finalize_options()
        if not self.parallel:
            self.parallel = _jobs()

    def build_extensions(self):
        jobs = _jobs()
        slots = threading.BoundedSemaphore(jobs)
        compile_serially = self.compiler.compile

        def compile_one(source, *args, **kwargs):
            if SANITIZE and os.path.normpath(source) in OMIT_FRAME_POINTER:
                kwargs["extra_postargs"] = [*(kwargs.get("extra_postargs") or []), "-fomit-frame-pointer"]
            with slots:
                return compile_serially([source], *args, **kwargs)

        def compile_parallel(sources, *args, **kwargs):
            if len(sources) <= 1:
                return compile_one(sources[0], *args, **kwargs) if sources else []
            # The slowest first (build_ext sorts the sources by name); objects in the given order.
            order = sorted(range(len(sources)), key=lambda i: _compile_rank(sources[i]))
            with ThreadPoolExecutor(min(jobs, len(sources))) as pool:
                futures = {i: pool.submit(compile_one, sources[i], *args, **kwargs) for i in order}
                return [obj for i in range(len(sources)) for obj in futures[i].result()]

        self.compiler.compile = compile_parallel
        super().build_extensions()


# The core's C files: one per field size (see ext/ect_api.h).
CORE_SOURCES = [os.path.join("ext", f"ect_core{s}.c") for s in ("g", "4", "6", "9")]
# The slowest to compile first, so that the compilers finish at about the same
# time (measured: the Cython-generated _ec.c ~11 s, 9 limbs ~9 s, run-time
# sized ~9 s, 4 and 6 limbs ~4 s each, _tok.c ~5 s).
COMPILE_ORDER = [os.path.join("ext", f) for f in ("_ec.c", "ect_core9.c", "ect_coreg.c", "ect_core4.c", "ect_core6.c")]


def _compile_rank(source):
    path = os.path.normpath(source)
    return COMPILE_ORDER.index(path) if path in COMPILE_ORDER else len(COMPILE_ORDER)


HEADERS = [os.path.join("ext", f) for f in sorted(os.listdir("ext")) if f.endswith(".h")]

extensions = [
    Extension(
        "ectraverse._ec",
        sources=CORE_SOURCES + ["ext/_ec.pyx"],
        include_dirs=["ext", numpy.get_include()],
        define_macros=define_macros,
        extra_compile_args=extra_compile_args,
        extra_link_args=extra_link_args,
        depends=HEADERS,
    ),
    Extension(
        "ectraverse._tok",
        sources=["ext/_tok.pyx"],
        include_dirs=[numpy.get_include()],
        define_macros=define_macros,
        extra_compile_args=extra_compile_args,
        extra_link_args=extra_link_args,
    ),
]

setup(
    ext_modules=cythonize(
        extensions,
        include_path=["ext"],
        compiler_directives={"language_level": "3", "embedsignature": True},
    ),
    cmdclass={"build_ext": parallel_build_ext},
)
