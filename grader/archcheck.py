"""Helpers the hidden checks of the CNN architecture exercises share (checker side).

They run in the checker, on handles to the learner's model in the sandbox; none of them
holds an expected value (the checks compute those from the reference). The descriptions of
a model (its children's kinds, its state_dict's shapes) come from the public fixtures of
:mod:`grader.sandbox.fixtures.cnn_arch`.
"""

from __future__ import annotations

from typing import Any, Callable

from grader.asserts import assert_tensor, fail
from grader.sandbox.host import LearnerError, make, release

ARCH = "grader.sandbox.fixtures.cnn_arch"


class Held:
    """Handles to the submission's models (and their layers) that a check makes, released
    when the ``with`` block ends, so that the sandbox does not keep several networks alive.
    Each check file subclasses it with the builders of its exercise."""

    def __init__(self, sub: Any) -> None:
        self.sub = sub
        self.handles: list[Any] = []

    def __enter__(self) -> "Held":
        return self

    def __exit__(self, *exc: Any) -> bool:
        for handle in reversed(self.handles):
            try:
                release(handle)
            except Exception:  # noqa: BLE001 - a dead process has released everything
                pass
        return False

    def keep(self, handle: Any) -> Any:
        self.handles.append(handle)
        return handle

    def layers(self, model: Any) -> list[Any]:
        return [self.keep(layer) for layer in list(model)]


def forward(model: Any, X: Any, what: str) -> Any:
    """model(X) in the sandbox; an exception there is reported with the call."""
    try:
        return model(X)
    except LearnerError as exc:
        if isinstance(exc, NotImplementedError):
            raise
        fail(f"{what} raised {exc.remote_type}: {exc}")


def children(sub: Any, model: Any) -> list[dict[str, Any]]:
    """The kinds (and settings) of a model's direct children, as the sandbox describes them."""
    return make(sub, f"{ARCH}:children", model)


def run_layers(layers: list[Any], kinds: list[str], X: Any, what: str, *,
               stop_at: str | None = None, part: str = "layer") -> list[tuple[int, str, Any]]:
    """Feed X through the submission's layers one at a time: [(index, kind, output)].

    ``stop_at``: the kind of the first layer not to run (``"Flatten"``: the convolution part
    only). ``part`` names an entry in the messages ("layer", or "entry" for a model of blocks).
    """
    trace = []
    for index, (layer, kind) in enumerate(zip(layers, kinds)):
        if stop_at is not None and kind == stop_at:
            break
        try:
            out = layer(X)
        except LearnerError as exc:
            if isinstance(exc, NotImplementedError):
                raise
            source = f" (the output of {part} {index - 1})" if index else ""
            fail(f"{what}: {part} {index} ({kind}) raised {exc.remote_type} on an input of shape "
                 f"{tuple(X.shape)}{source}: {exc}")
        assert_tensor(out, what=f"{what}, {part} {index} ({kind})")
        # The next layer gets a plain tensor, as inside a network (an in-place ReLU must not
        # meet a leaf that requires grad).
        X = out.detach()
        trace.append((index, kind, X))
    return trace


def compare_trace(trace: list[tuple[int, str, Any]], expected: list[tuple[int, ...]], what: str,
                  why: str, *, part: str = "layer", table: str = "the stub's table") -> None:
    """Each traced output's shape against the reference's, then the number of entries."""
    for (index, kind, out), want in zip(trace, expected):
        shape = tuple(out.shape)
        if shape != tuple(want):
            fail(f"{what}: the output of {part} {index} ({kind}) has shape {shape}, expected "
                 f"{tuple(want)}. {why}")
    if len(trace) != len(expected):
        plural = "entries" if part == "entry" else part + "s"
        fail(f"{what}: your model has {len(trace)} {plural} there, {table} has "
             f"{len(expected)}.")


def load_reference(sub: Any, model: Any, state: dict[str, Any], what: str, *, layout: str,
                   shapes: str, convert: Callable[[Any], Any] | None = None) -> None:
    """model.load_state_dict(state), after comparing keys and shapes here so that a mismatch
    is reported in the stub's terms: ``layout`` says how the stub lays the model out (for
    wrong keys), ``shapes`` what to compare (for wrong shapes). ``convert`` is applied to
    each tensor first (``Tensor.half`` for a half-precision check)."""
    mine = {k: s for k, s in make(sub, f"{ARCH}:state_shapes", model)}
    theirs = {k: list(v.shape) for k, v in state.items()}
    missing = [k for k in theirs if k not in mine]
    extra = [k for k in mine if k not in theirs]
    if missing or extra:
        fail(f"{what}: the reference's weights cannot be loaded into your model: its "
             f"state_dict lacks the key(s) {missing[:6]} and has the extra key(s) {extra[:6]}. "
             f"{layout}")
    wrong = [k for k in theirs if mine[k] != theirs[k]]
    if wrong:
        fail(f"{what}: the reference's weights cannot be loaded into your model: "
             + "; ".join(f"your {k} has shape {tuple(mine[k]) if mine[k] else 'unset (lazy)'}"
                         for k in wrong[:4])
             + f". {shapes}")
    model.load_state_dict({k: (convert(v) if convert else v.detach().clone())
                           for k, v in state.items()})


def randn(shape: tuple[int, ...], rng: Any, device: Any, dtype: Any = None) -> Any:
    """Standard normal values drawn in float64 from ``rng``, then cast (float32 by default)."""
    import torch

    return torch.randn(shape, generator=rng, dtype=torch.float64).to(
        dtype or torch.float32).to(device)


def pair(value: Any) -> tuple[int, ...]:
    """A size or padding as a pair: an int means the same for height and width."""
    if isinstance(value, (tuple, list)):
        return tuple(int(v) for v in value)
    return (int(value), int(value))


def padding(value: Any, k: int) -> Any:
    """A convolution's padding as a pair; padding='same' (stride 1, odd k) is (k - 1) / 2 on
    each side and 'valid' is 0, exactly what the explicit numbers give."""
    if isinstance(value, str):
        if value == "same" and k % 2 == 1:
            return ((k - 1) // 2, (k - 1) // 2)
        if value == "valid":
            return (0, 0)
        return (value, value)
    return pair(value)


def conv_settings(layer: Any, k: int) -> dict[str, Any]:
    """What an nn.Conv2d handle was built with, in comparable form (pairs, ints)."""
    return {"in_channels": int(layer.in_channels), "out_channels": int(layer.out_channels),
            "kernel_size": pair(layer.kernel_size), "stride": pair(layer.stride),
            "padding": padding(layer.padding, k), "dilation": pair(layer.dilation),
            "groups": int(layer.groups)}
