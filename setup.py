"""Build of the C extension pyjwt_fast._native (metadata lives in pyproject.toml).

Switches, read from the environment at build time:
  PJF_DEBUG=1     -O0 -g, assertions on
  PJF_SANITIZE=1  AddressSanitizer + UndefinedBehaviorSanitizer (run with
                  LD_PRELOAD of libasan, see README)
"""
import glob
import os

from setuptools import Extension, setup

debug = os.environ.get("PJF_DEBUG") == "1"
sanitize = os.environ.get("PJF_SANITIZE") == "1"

compile_args = ["-std=c11", "-Wall", "-Wextra", "-Wshadow", "-Wstrict-prototypes"]
link_args = []
macros = [
    ("OPENSSL_API_COMPAT", "0x30000000L"),
    ("OPENSSL_NO_DEPRECATED", None),
]
undef = []
if debug or sanitize:
    compile_args += ["-O0", "-g3", "-fno-omit-frame-pointer"]
    macros.append(("PJF_DEBUG", "1"))
    undef.append("NDEBUG")
else:
    compile_args += ["-O2"]
if sanitize:
    flags = ["-fsanitize=address,undefined", "-fno-sanitize-recover=undefined"]
    compile_args += flags
    link_args += flags

setup(
    ext_modules=[
        Extension(
            "pyjwt_fast._native",
            sources=sorted(glob.glob("csrc/*.c")),
            depends=sorted(glob.glob("csrc/*.h")),
            include_dirs=["csrc"],
            libraries=["crypto"],
            define_macros=macros,
            undef_macros=undef,
            extra_compile_args=compile_args,
            extra_link_args=link_args,
        )
    ],
)
