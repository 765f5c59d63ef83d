"""Assertions for hidden checks, with messages in the learner's terms.

Every failure raises :class:`CheckFailure` with one formula: what was called, what differs
(type, shape, dtype, device or values: where and by how much) and what the idea says should
happen. Expected values are never printed, so a hidden check does not give its answer away.

The torch functions used here are bound when this module is imported, before any submission
is loaded, so a submission that replaces ``torch.allclose`` cannot change a verdict.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import torch

_Tensor = torch.Tensor
_isclose = torch.isclose
_isnan = torch.isnan
_abs = torch.abs
_where = torch.where
_tensor_eq = torch.Tensor.__eq__
_as_float64 = torch.Tensor.double
_to = torch.Tensor.to
_detach = torch.Tensor.detach
_clone = torch.Tensor.clone
_nonzero = torch.nonzero
_tolist = torch.Tensor.tolist
_item = torch.Tensor.item
_numel = torch.Tensor.numel
_any = torch.any
_all = torch.all
_sum = torch.sum
_max = torch.max
_equal = torch.equal
_zeros_like = torch.zeros_like
_zeros = torch.zeros


class CheckFailure(AssertionError):
    """A check found the submission wrong; its message is shown to the learner."""


def fail(message: str) -> None:
    """Fail the current check with ``message``."""
    raise CheckFailure(message)


def _join(*parts: str) -> str:
    """Sentences joined with spaces; one that follows a full stop starts with a capital."""
    text = ""
    for part in (p.strip() for p in parts if p and p.strip()):
        word = part.split(" ", 1)[0]
        # A plain word is capitalised; a name from the code (k, p_n, stride=None) is kept.
        if text.endswith((".", "!", "?")) and len(word) > 1 and word.isalpha() and \
                word.islower():
            part = part[:1].upper() + part[1:]
        text = f"{text} {part}" if text else part
    return text


def _describe(value: Any) -> str:
    if value is None:
        return "None (did you forget `return`?)"
    return type(value).__name__


_PLAIN_TENSORS = (torch.Tensor, torch.nn.Parameter)


def is_tensor(value: Any) -> bool:
    """True for real torch tensors (and Parameters), not look-alikes or subclasses."""
    return type(value) in _PLAIN_TENSORS


def assert_tensor(actual: Any, *, what: str, shape: tuple[int, ...] | None = None,
                  dtype: torch.dtype | None = None, device: torch.device | str | None = None,
                  why: str = "") -> _Tensor:
    """Check that ``actual`` is a tensor with the given shape, dtype and device."""
    if not is_tensor(actual):
        if isinstance(actual, _Tensor):
            fail(_join(f"{what} returned a {type(actual).__name__}, a subclass of torch.Tensor; "
                       "return a plain torch.Tensor.", why))
        fail(_join(f"{what} returned {_describe(actual)}, not a torch.Tensor.", why))
    if shape is not None and tuple(actual.shape) != tuple(shape):
        fail(_join(f"{what} returned shape {tuple(actual.shape)}, expected {tuple(shape)}.", why))
    if dtype is not None and actual.dtype != dtype:
        fail(_join(f"{what} returned dtype {actual.dtype}, expected {dtype}.", why))
    if device is not None and actual.device.type != torch.device(device).type:
        fail(_join(f"{what} returned a tensor on {actual.device.type}, expected "
                   f"{torch.device(device).type} (create new tensors on the input's device).", why))
    return actual


def _index(flat: int, shape: tuple[int, ...]) -> tuple[int, ...]:
    index = []
    for size in reversed(shape):
        index.append(flat % size if size else 0)
        flat //= size if size else 1
    return tuple(reversed(index))


def assert_close(actual: Any, expected: _Tensor, *, what: str, why: str = "",
                 rtol: float = 1e-5, atol: float = 1e-6, check_dtype: bool = True,
                 check_device: bool = True) -> None:
    """Check ``actual`` against ``expected``: type, shape, dtype, device, then values.

    The value message gives how many elements differ, the first differing index and the
    largest error, never the expected numbers.
    """
    assert_tensor(actual, what=what, shape=tuple(expected.shape),
                  dtype=expected.dtype if check_dtype else None,
                  device=expected.device if check_device else None, why=why)
    a = _as_float64(_to(_detach(actual), "cpu"))
    e = _as_float64(_to(_detach(expected), "cpu"))
    if _numel(a) == 0:
        return
    a_nan, e_nan = _isnan(a), _isnan(e)
    if _any(a_nan & ~e_nan):
        count = int(_item(_sum(a_nan & ~e_nan)))
        first = _index(_flat_first(a_nan & ~e_nan), tuple(a.shape))
        fail(_join(f"{what} contains NaN in {count} element(s), first at index {first}.", why))
    ok = _isclose(a, e, rtol=rtol, atol=atol, equal_nan=True)
    bad = ~ok
    if not _any(bad):
        return
    count = int(_item(_sum(bad)))
    total = _numel(a)
    err = _abs(a - e)
    err = _where(bad, err, _zeros_like(err))
    worst = float(_item(_max(err)))
    first = _index(_flat_first(bad), tuple(a.shape))
    first_err = float(_item(err[first])) if a.dim() else worst
    pct = 100.0 * count / total
    pct_text = f"{pct:.0f}%" if pct >= 1 else f"{pct:.2g}%"
    message = _join(f"{what}: {count} of {total} values ({pct_text}) are wrong; the first is at "
                    f"index {first}, off by {first_err:.3g}; the largest error is {worst:.3g}.", why)
    if count < total:
        pictured = _join(message, _wrong_cells(bad, MESSAGE_BUDGET - len(message) - 1))
        message = pictured if len(pictured) <= MESSAGE_BUDGET else message
    fail(message)


MESSAGE_BUDGET = 1000
"""The longest failure message worth writing: ``grader.plugin.classify`` keeps this many
characters of a check's message (and ``grader.results`` caps it again)."""


def _wrong_cells(bad: _Tensor, budget: int) -> str:
    """Where the wrong values are, as a map (:mod:`grader.pictures`) of the first 2-D slice
    (the last two dimensions) that has any; empty when it would not fit in ``budget``
    characters or would show nothing. Computed from the wrong-cell mask only."""
    shape = tuple(bad.shape)
    if len(shape) < 2 or shape[-2] < 2 or shape[-1] < 2:
        return ""
    height, width = shape[-2], shape[-1]
    planes = bad.reshape(-1, height, width)
    lead = ""
    of = ""
    if len(shape) > 2:
        wrong = _any(_any(planes, dim=-1), dim=-1)
        first = int(_item(_nonzero(wrong)[0][0]))
        index = _index(first, shape[:-2])
        of = "[" + ", ".join(str(i) for i in index) + ", :, :]"
        every = "[" + ", ".join(list("ijklmnopqrstuvw")[:len(index)]) + ", :, :]"
        n_wrong, n_planes = int(_item(_sum(wrong))), int(planes.shape[0])
        if n_wrong == 1:
            lead = f"Only the slice {of} has wrong values."
        else:
            some = f"All {n_planes}" if n_wrong == n_planes else f"{n_wrong} of {n_planes}"
            lead = f"{some} slices {every} have wrong values; the first is {of}."
        plane = planes[first]
        if bool(_item(_all(plane))):
            return lead[:-1] + (", wrong in every cell." if n_wrong > 1 else
                                ": every cell of it is wrong.")
    else:
        plane = planes[0]
    room = budget - len(lead) - 1 - _MAP_HEADING
    if room < 3 * 3:
        return lead if len(lead) < budget else ""
    from grader import pictures

    rows, cols = pictures.block_size((height, width), max_chars=room)
    tall, wide = -(-height // rows), -(-width // cols)
    padded = _zeros((tall * rows, wide * cols), dtype=torch.bool)
    padded[:height, :width] = plane
    cells = _any(_any(padded.reshape(tall, rows, wide, cols), dim=3), dim=1)
    text = pictures.text_map(_tolist(cells))
    if not pictures.informative(text):
        return lead
    return _join(lead, pictures.describe(text, shape=(height, width), block=(rows, cols), of=of))


# The length of the map's heading, at most (``Map of the wrong cells of [...] (HxW, ...): ``).
_MAP_HEADING = 140


def _flat_first(mask: _Tensor) -> int:
    flat = mask.reshape(-1)
    return int(_item(_nonzero(flat)[0][0]))


def assert_same(actual: Any, expected: _Tensor, *, what: str, why: str = "") -> None:
    """Exact equality (shape, dtype, device and every value)."""
    assert_close(actual, expected, what=what, why=why, rtol=0.0, atol=0.0)


def assert_unchanged(before: _Tensor, after: _Tensor, *, what: str) -> None:
    """The input a submission was given must not have been modified in place.

    The learner's code works on a copy in the sandbox; the sandbox reports in-place changes
    and the session records which of the checker's tensors they were (never writing them
    back, so that other checks' expectations stay put).
    """
    from grader.plugin import CONTEXT

    session = CONTEXT.get("session")
    modified = session is not None and session.was_modified(after)
    if not is_tensor(after):  # a numpy array: the sandbox reports its in-place changes too
        import numpy

        same = numpy.array_equal(numpy.asarray(before), numpy.asarray(after), equal_nan=True)
    else:
        same = tuple(before.shape) == tuple(after.shape) and \
            _equal(_to(before, "cpu"), _to(after, "cpu"))
    if modified or not same:
        fail(f"{what} modified its input in place; compute a new tensor instead "
             "(the caller may still need the original values).")


def assert_number(actual: Any, expected: float, *, what: str, why: str = "",
                  rel: float = 1e-6, abs_tol: float = 1e-9) -> float:
    """Check a Python (or 0-d tensor) number against ``expected``."""
    if is_tensor(actual) and _numel(actual) == 1:
        actual = float(_item(actual))
    if isinstance(actual, bool) or not isinstance(actual, (int, float)):
        fail(_join(f"{what} returned {_describe(actual)}, expected a number.", why))
    value = float(actual)
    if math.isnan(value):
        fail(_join(f"{what} returned NaN.", why))
    if not math.isclose(value, expected, rel_tol=rel, abs_tol=abs_tol):
        fail(_join(f"{what} is off by {abs(value - expected):.3g}.", why))
    return value


def expect_raises(exc_type: type[BaseException], fn: Callable[..., Any], *args: Any,
                  what: str, why: str = "", **kwargs: Any) -> None:
    """``fn(*args, **kwargs)`` must raise ``exc_type``.

    NotImplementedError passes through (the check is then *not attempted*).
    """
    _expect_raising(exc_type, lambda: fn(*args, **kwargs), what, why)


def expect_raised(exc_type: type[BaseException], outcome: Any, *, what: str,
                  why: str = "") -> None:
    """:func:`expect_raises` for one outcome of :func:`grader.sandbox.host.call_each`."""
    _expect_raising(exc_type, outcome.get, what, why)


def _expect_raising(exc_type: type[BaseException], call: Callable[[], Any], what: str,
                    why: str) -> None:
    try:
        call()
    except (NotImplementedError, CheckFailure):
        raise
    except exc_type:
        return
    except Exception as exc:  # noqa: BLE001 - reported to the learner
        fail(_join(f"{what} raised {type(exc).__name__} ({exc}), expected {exc_type.__name__}.",
                   why))
    fail(_join(f"{what} should raise {exc_type.__name__} but returned normally.", why))
