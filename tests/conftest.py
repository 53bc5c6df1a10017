"""Shared test machinery: hypothesis profiles and the differential-outcome helpers.

Profiles
  ci   selected when the environment has CI set or HYPOTHESIS_PROFILE=ci; the
       token byte-identity tests run >= 10,000 examples per HS algorithm there.
  dev  the default; the same tests with far fewer examples.
HYPOTHESIS_PROFILE may name any registered profile explicitly.

Test modules import the helpers below with ``from conftest import ...`` (pytest
puts this directory on sys.path because tests/ is not a package).
"""

from __future__ import annotations

import copy
import math
import os
import warnings
from dataclasses import dataclass, field
from typing import Any, Callable

from hypothesis import HealthCheck, Phase, settings

# --------------------------------------------------------------------------
# hypothesis profiles
# --------------------------------------------------------------------------

_COMMON = dict(
    deadline=None,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.filter_too_much,
    ],
    print_blob=True,
    # no "explain" phase: on large generated inputs it can take minutes per failure
    phases=[Phase.explicit, Phase.reuse, Phase.generate, Phase.target, Phase.shrink],
)

# The "identity" budget is what the token byte-identity tests use (>= 10,000 per
# HS algorithm under ci, as the compatibility contract requires); other tests use
# a fraction of it through examples().
settings.register_profile("ci", max_examples=10_000, **_COMMON)
settings.register_profile("dev", max_examples=200, **_COMMON)

if os.environ.get("HYPOTHESIS_PROFILE"):
    PROFILE = os.environ["HYPOTHESIS_PROFILE"]
elif os.environ.get("CI"):
    PROFILE = "ci"
else:
    PROFILE = "dev"
settings.load_profile(PROFILE)

IDENTITY_EXAMPLES = settings.default.max_examples


def examples(ci: int, dev: int | None = None) -> int:
    """max_examples for a test: `ci` under the ci profile, else `dev` (default ci/20,
    at least 25). Under other named profiles the profile's max_examples caps it."""
    if PROFILE == "ci":
        return ci
    if PROFILE == "dev":
        return dev if dev is not None else max(25, ci // 20)
    return min(ci, settings.default.max_examples)


def pytest_report_header(config: Any) -> list[str]:
    """Say which pyjwt_fast is under test (a stand-in on PYTHONPATH or the real one)."""
    try:
        import pyjwt_fast

        where = pyjwt_fast.__file__
    except Exception as exc:  # noqa: BLE001
        where = f"not importable: {exc!r}"
    return [f"pyjwt_fast under test: {where}", f"hypothesis profile: {PROFILE}"]


# --------------------------------------------------------------------------
# outcomes
# --------------------------------------------------------------------------


@dataclass
class Outcome:
    """What one call did: ("ok", value) or ("err", exception class name, str(exc)),
    plus the warnings it emitted as (category name, message)."""

    result: tuple
    warnings: list = field(default_factory=list)
    exc: BaseException | None = None
    warning_files: list = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.result[0] == "ok"

    @property
    def value(self) -> Any:
        assert self.ok, self
        return self.result[1]

    def __repr__(self) -> str:  # short, readable in hypothesis falsifying reports
        return f"Outcome({safe_repr(self.result)}, warnings={self.warnings!r})"


def safe_repr(obj: Any, limit: int = 2000) -> str:
    """repr() that survives ints beyond sys.get_int_max_str_digits() and stays short."""
    try:
        text = repr(obj)
    except Exception as exc:  # noqa: BLE001
        text = f"<{type(obj).__name__}: repr failed: {exc}>"
    return text if len(text) <= limit else text[: limit // 2] + " ... " + text[-limit // 2:]


def outcome(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Outcome:
    """Call fn and capture its return value or exception and every warning."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            value = fn(*args, **kwargs)
        except Exception as exc:  # noqa: BLE001 - everything is data here
            res = Outcome(("err", type(exc).__name__, str(exc)), exc=exc)
        else:
            res = Outcome(("ok", value))
    res.warnings = [(w.category.__name__, str(w.message)) for w in caught]
    res.warning_files = [w.filename for w in caught]
    return res


# --------------------------------------------------------------------------
# strict, NaN-aware equality
# --------------------------------------------------------------------------


def same_value(a: Any, b: Any) -> bool:
    """Equality as a drop-in replacement needs it: same types (True is not 1, 1 is
    not 1.0), NaN equals NaN, -0.0 differs from 0.0, dict key order matters."""
    if type(a) is not type(b):
        return False
    if isinstance(a, float):
        if math.isnan(a) or math.isnan(b):
            return math.isnan(a) and math.isnan(b)
        return a == b and math.copysign(1.0, a) == math.copysign(1.0, b)
    if isinstance(a, dict):
        if list(a.keys()) != list(b.keys()):
            # keys can themselves be NaN-free str in every case tested here
            return False
        return all(same_value(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple)):
        return len(a) == len(b) and all(same_value(x, y) for x, y in zip(a, b))
    if isinstance(a, (set, frozenset)):
        return a == b
    return bool(a == b)


def _mro_names(exc: BaseException) -> list[str]:
    return [c.__name__ for c in type(exc).__mro__]


def assert_same_outcome(expected: Outcome, actual: Outcome, what: str = "") -> None:
    """PyJWT's outcome (expected) against pyjwt_fast's (actual)."""
    ctx = f" [{what if len(what) <= 600 else what[:300] + ' ... ' + what[-300:]}]" if what else ""
    if expected.ok or actual.ok:
        assert expected.ok and actual.ok, (
            f"verdict differs{ctx}:\n  PyJWT:      {expected!r}\n  pyjwt_fast: {actual!r}"
        )
        assert same_value(expected.value, actual.value), (
            f"return value differs{ctx}:\n  PyJWT:      {safe_repr(expected.value)}\n"
            f"  pyjwt_fast: {safe_repr(actual.value)}"
        )
    else:
        assert expected.result == actual.result, (
            f"exception differs{ctx}:\n  PyJWT:      {expected.result!r}\n"
            f"  pyjwt_fast: {actual.result!r}"
        )
        # Same class hierarchy by name: `except InvalidTokenError` must catch the
        # same things.
        assert _mro_names(expected.exc) == _mro_names(actual.exc), (
            f"exception hierarchy differs{ctx}: {_mro_names(expected.exc)} vs "
            f"{_mro_names(actual.exc)}"
        )
        _assert_public_exception_class(expected.exc, actual.exc, ctx)
    assert expected.warnings == actual.warnings, (
        f"warnings differ{ctx}:\n  PyJWT:      {expected.warnings!r}\n"
        f"  pyjwt_fast: {actual.warnings!r}"
    )


def _assert_public_exception_class(
    expected: BaseException, actual: BaseException, ctx: str
) -> None:
    """A PyJWT exception must come out as the class pyjwt_fast.exceptions exports
    (so `except pyjwt_fast.DecodeError` catches it); a builtin one as the same
    builtin class."""
    import pyjwt_fast.exceptions as fast_exceptions

    exp_cls = type(expected)
    if exp_cls.__module__.startswith("jwt"):
        wanted = getattr(fast_exceptions, exp_cls.__name__, None)
        assert wanted is not None and type(actual) is wanted, (
            f"exception class{ctx}: raised {type(actual)!r}, expected "
            f"pyjwt_fast.exceptions.{exp_cls.__name__}"
        )
    else:
        assert type(actual) is exp_cls, (
            f"exception class{ctx}: raised {type(actual)!r}, expected {exp_cls!r}"
        )


def differential(
    oracle_fn: Callable[..., Any],
    fast_fn: Callable[..., Any],
    *args: Any,
    what: str = "",
    **kwargs: Any,
) -> tuple[Outcome, Outcome]:
    """Run PyJWT and pyjwt_fast on deep copies of the same arguments, check that
    pyjwt_fast left its arguments untouched, and return both outcomes
    (not yet compared: the caller decides, e.g. through the stricter-list)."""
    snapshot = (args, kwargs)
    o_args, o_kwargs = _copy_args(args, kwargs)
    f_args, f_kwargs = _copy_args(args, kwargs)
    expected = outcome(oracle_fn, *o_args, **o_kwargs)
    actual = outcome(fast_fn, *f_args, **f_kwargs)
    _assert_unmutated(snapshot, (f_args, f_kwargs), what)
    return expected, actual


def _copy_args(args: tuple, kwargs: dict) -> tuple[tuple, dict]:
    try:
        return copy.deepcopy(args), copy.deepcopy(kwargs)
    except Exception:  # noqa: BLE001 - uncopyable inputs are shared as is
        return args, dict(kwargs)


def _assert_unmutated(before: Any, after: Any, what: str) -> None:
    b_args, b_kwargs = before
    a_args, a_kwargs = after
    for i, (x, y) in enumerate(zip(b_args, a_args)):
        if isinstance(x, (dict, list, set)) and x is not y:
            assert same_value(x, y), (
                f"pyjwt_fast mutated positional argument {i} [{what}]: {safe_repr(x)} -> {safe_repr(y)}")
    for k in b_kwargs:
        x, y = b_kwargs[k], a_kwargs[k]
        if isinstance(x, (dict, list, set)) and x is not y:
            assert same_value(x, y), (
                f"pyjwt_fast mutated argument {k}= [{what}]: {safe_repr(x)} -> {safe_repr(y)}")
