"""install(): make `import jwt` (and `import jwt.<submodule>`) give pyjwt_fast."""
from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import importlib.util
import sys
from types import ModuleType
from typing import Sequence

_SUBMODULES = (
    "algorithms",
    "api_jwk",
    "api_jws",
    "api_jwt",
    "exceptions",
    "help",
    "jwk_set_cache",
    "jwks_client",
    "types",
    "utils",
    "warnings",
)


class _AliasLoader(importlib.abc.Loader):
    def __init__(self, target: str) -> None:
        self._target = target

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType:
        return importlib.import_module(self._target)

    def exec_module(self, module: ModuleType) -> None:
        """The target module is already executed."""


class _JwtAliasFinder(importlib.abc.MetaPathFinder):
    """Finds jwt and jwt.X as pyjwt_fast and pyjwt_fast.X."""

    def find_spec(
        self,
        fullname: str,
        path: Sequence[str] | None = None,
        target: ModuleType | None = None,
    ) -> importlib.machinery.ModuleSpec | None:
        if fullname != "jwt" and not fullname.startswith("jwt."):
            return None
        real = "pyjwt_fast" + fullname[3:]
        if importlib.util.find_spec(real) is None:
            return None
        return importlib.machinery.ModuleSpec(fullname, _AliasLoader(real))


def _is_ours(module: ModuleType | None) -> bool:
    return module is not None and getattr(module, "__name__", "").startswith("pyjwt_fast")


def install() -> None:
    """Make every later ``import jwt`` (in the app and in libraries such as
    Flask-JWT-Extended) resolve to pyjwt_fast. Call it before anything
    imports jwt; calling it again is harmless.

    Raises RuntimeError when PyJWT's own ``jwt`` was imported already: the
    modules holding it would keep using PyJWT, a mix of the two.
    """
    import pyjwt_fast

    loaded = sys.modules.get("jwt")
    if loaded is not None and not _is_ours(loaded):
        where = getattr(loaded, "__file__", None) or "an unknown location"
        raise RuntimeError(
            "pyjwt_fast.install() was called after PyJWT's own jwt module was "
            f"imported (from {where}). Modules that already imported it would keep "
            "using PyJWT while later imports get pyjwt_fast. Call "
            "pyjwt_fast.install() first, before importing anything that imports jwt."
        )
    for name in list(sys.modules):
        if name.startswith("jwt.") and not _is_ours(sys.modules[name]):
            raise RuntimeError(
                f"pyjwt_fast.install() was called after PyJWT's {name} was imported; "
                "call pyjwt_fast.install() before anything imports jwt."
            )

    if not any(isinstance(f, _JwtAliasFinder) for f in sys.meta_path):
        sys.meta_path.insert(0, _JwtAliasFinder())
    sys.modules["jwt"] = pyjwt_fast
    for sub in _SUBMODULES:
        try:
            module = importlib.import_module(f"pyjwt_fast.{sub}")
        except ImportError:
            continue
        sys.modules[f"jwt.{sub}"] = module
