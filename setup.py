"""Build the compiled core: ext/_ec.pyx (+ ext/ect_*.h) -> ectraverse._ec.

Portable flags by default.  Environment switches:
  ECTRAVERSE_NATIVE=1   add -march=native (faster on the build machine only)
  ECTRAVERSE_VERIFY=1   define ECT_VERIFY: invariant checks in every C function
  ECTRAVERSE_NO_ASM=1   define ECT_NO_ASM: plain C only (no x86-64 assembly,
                        carry intrinsics or AVX-512), the code every other CPU runs
"""
import os

import numpy
from Cython.Build import cythonize
from setuptools import Extension, setup

extra_compile_args = ["-O3", "-Wno-unused-function", "-Wno-unused-parameter"]
define_macros = [("NPY_NO_DEPRECATED_API", "NPY_1_7_API_VERSION")]
if os.environ.get("ECTRAVERSE_NATIVE") == "1":
    extra_compile_args.append("-march=native")
if os.environ.get("ECTRAVERSE_VERIFY") == "1":
    define_macros.append(("ECT_VERIFY", "1"))
if os.environ.get("ECTRAVERSE_NO_ASM") == "1":
    define_macros.append(("ECT_NO_ASM", "1"))

extensions = [
    Extension(
        "ectraverse._ec",
        sources=["ext/_ec.pyx"],
        include_dirs=["ext", numpy.get_include()],
        define_macros=define_macros,
        extra_compile_args=extra_compile_args,
        depends=[os.path.join("ext", f) for f in sorted(os.listdir("ext")) if f.endswith(".h")],
    ),
    Extension(
        "ectraverse._tok",
        sources=["ext/_tok.pyx"],
        include_dirs=[numpy.get_include()],
        define_macros=define_macros,
        extra_compile_args=extra_compile_args,
    ),
]

setup(
    ext_modules=cythonize(
        extensions,
        include_path=["ext"],
        compiler_directives={"language_level": "3", "embedsignature": True},
    )
)
