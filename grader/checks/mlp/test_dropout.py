"""Hidden checks for exercises/mlp/dropout.py (inverted dropout)."""

import math

import pytest
import torch

from grader.asserts import assert_close, assert_same, assert_tensor, assert_unchanged, \
    expect_raises, fail
from grader.sandbox.host import is_instance, make, vjp

N = 200_000

# Every dtype the stub promises to keep. The value checks below run in float32 and compare
# values only (check_dtype=False): a dtype slip is the dtype check's failure, not theirs.
DTYPES = [torch.float32, torch.float64, torch.float16, torch.bfloat16]


def _same_values(actual, expected, *, what, why):
    """Exact equality of shape, device and every value; the dtype is the dtype check's."""
    assert_close(actual, expected, what=what, why=why, rtol=0.0, atol=0.0, check_dtype=False)


def _signed(shape, rng, device, dtype=torch.float32):
    """Non-zero values of both signs, so a zero in the output can only come from the mask."""
    magnitude = torch.rand(shape, generator=rng, dtype=torch.float64) + 0.5
    sign = torch.randint(0, 2, shape, generator=rng) * 2 - 1
    return (magnitude * sign).to(dtype).to(device)


def _p_values(rng):
    """One p below 0.5 and one above: at 0.5 'drop with p' and 'keep with p' look alike."""
    low = [0.1, 0.2, 0.3, 0.4][int(torch.randint(0, 4, (1,), generator=rng))]
    high = [0.6, 0.7, 0.8, 0.9][int(torch.randint(0, 4, (1,), generator=rng))]
    return low, high


@pytest.mark.points(2)
def test_eval_mode_returns_input_unchanged(sub, device, rng):
    X = _signed((64, 32), rng, device)
    # p = 0 and p = 1 too: their shortcuts must not come before the training test.
    for p in (*_p_values(rng), 0.0, 1.0):
        out = sub.dropout_layer(X, p, training=False)
        _same_values(out, X, what=f"dropout_layer(X, {p}, training=False)",
                     why="At inference dropout must return its input unchanged: it is a "
                         "regularizer for training, and random drops would make predictions "
                         "random.")
    # Unchanged includes the autograd graph: layers before an eval-mode dropout still learn
    # (fine-tuning with model.eval()), so the gradient passes through as it is.
    Xg = _signed((6, 4), rng, device).requires_grad_(True)
    G = torch.randn(6, 4, generator=rng).to(device)
    p = _p_values(rng)[1]
    result = vjp(sub.dropout_layer, Xg, p, training=False, wrt=[0], cotangent=G)
    if not result.out.requires_grad or result.grads[0] is None:
        fail(f"dropout_layer(X, {p}, training=False) is cut off from X's autograd graph (no "
             "detach, no .data, no torch.no_grad): return X itself.")
    _same_values(result.grads[0], G, what=f"X.grad after backward through "
                 f"dropout_layer(X, {p}, training=False)",
                 why="with dropout switched off the upstream gradient reaches X unchanged.")


def test_p_zero_is_identity(sub, device, rng):
    X = _signed((50, 40), rng, device)
    _same_values(sub.dropout_layer(X, 0.0), X, what="dropout_layer(X, 0.0)",
                 why="With p = 0 nothing is dropped and the scale 1/(1-p) is 1.")


def test_p_one_gives_zeros_without_nan(sub, device, rng):
    X = _signed((30, 20), rng, device)
    out = sub.dropout_layer(X, 1.0)
    _same_values(out, torch.zeros_like(X), what="dropout_layer(X, 1.0)",
                 why="With p = 1 every element is dropped; the result must be all zeros, never "
                     "0/0 = NaN (treat p = 1 as a special case).")


def test_p_one_stays_in_autograd_graph(sub, device, rng):
    X = _signed((8, 5), rng, device).requires_grad_(True)
    G = torch.randn(8, 5, generator=rng).to(device)
    result = vjp(sub.dropout_layer, X, 1.0, wrt=[0], cotangent=G)
    out = result.out
    assert_tensor(out, what="dropout_layer(X, 1.0)", shape=tuple(X.shape))
    if not out.requires_grad:
        fail("dropout_layer(X, 1.0) returned a tensor that is not connected to X in the autograd "
             "graph (requires_grad is False): with X.requires_grad, backward must still work and "
             "give X a zero gradient. Compute the zeros from X (e.g. X * 0), not with "
             "torch.zeros_like(X) as d2l does (the stub says why this exercise departs).")
    if result.grads[0] is None:
        fail("after backward through dropout_layer(X, 1.0), X.grad is None; it should be zeros.")
    assert_same(result.grads[0], torch.zeros_like(X), what="X.grad after p = 1",
                why="every element was dropped, so no gradient reaches X.")


@pytest.mark.points(2)
def test_invalid_p_raises_value_error(sub):
    X = torch.ones(3, 3)
    for p in (-0.1, 1.5):
        for training in (True, False):
            expect_raises(ValueError, sub.dropout_layer, X, p, training=training,
                          what=f"dropout_layer(X, {p}, training={training})",
                          why="p is a probability and must be in [0, 1], whatever `training` is.")
        expect_raises(ValueError, sub.Dropout, p, what=f"Dropout({p})",
                      why="check p in __init__, so a bad layer fails when it is built.")


@pytest.mark.points(2)
def test_survivors_are_scaled_by_one_over_one_minus_p(sub, device, rng):
    X = _signed((200, 100), rng, device)
    for p in _p_values(rng):
        out = sub.dropout_layer(X, p)
        assert_tensor(out, what=f"dropout_layer(X, {p})", shape=tuple(X.shape), device=device)
        kept = out != 0
        if not bool(kept.any()) or bool(kept.all()):
            fail(f"dropout_layer(X, {p}) {'dropped every' if not kept.any() else 'kept every'} "
                 f"element of a 200x100 input; each should be dropped with probability {p}.")
        assert_close(out[kept], (X / (1 - p))[kept], what=f"the kept elements of dropout_layer(X, {p})",
                     why="Each survivor must equal x / (1 - p), so that E[dropout(x)] = x.",
                     rtol=1e-5, atol=1e-6, check_dtype=False)


@pytest.mark.points(2)
def test_drop_rate_is_p(sub, device, rng):
    X = _signed((N,), rng, device)
    for p in _p_values(rng):
        out = sub.dropout_layer(X, p)
        assert_tensor(out, what=f"dropout_layer(X, {p})", shape=(N,))
        rate = float((out == 0).double().mean())
        tol = 5 * math.sqrt(p * (1 - p) / N)
        if abs(rate - p) > tol:
            fail(f"dropout_layer(X, {p}) zeroed {rate:.1%} of {N} elements; each element must be "
                 f"zeroed with probability p, so about {p:.0%} (± {tol:.2%}).")


@pytest.mark.points(2)
def test_expectation_is_preserved(sub, device, rng):
    X = torch.ones(N, device=device)
    for p in _p_values(rng):
        out = sub.dropout_layer(X, p)
        assert_tensor(out, what=f"dropout_layer(ones, {p})", shape=(N,))
        mean = float(out.double().mean())
        tol = 5 * math.sqrt(p / (1 - p) / N)
        if abs(mean - 1.0) > tol:
            fail(f"the mean of dropout_layer(ones({N}), {p}) is {mean:.4f}; it must stay 1 "
                 f"(± {tol:.3f}): dropout must not change the expected value of a unit.")


def test_elements_are_dropped_independently(sub, device, rng):
    X = _signed((400, 400), rng, device)
    p = 0.5
    out = sub.dropout_layer(X, p)
    assert_tensor(out, what="dropout_layer(X, 0.5)", shape=(400, 400))
    dropped = (out == 0).double().cpu()
    expected_agree = p * p + (1 - p) * (1 - p)
    tol = 5 * math.sqrt(expected_agree * (1 - expected_agree) / dropped[1:].numel())
    for axis, name in ((0, "rows"), (1, "columns")):
        a = dropped.narrow(axis, 0, 399)
        b = dropped.narrow(axis, 1, 399)
        agree = float((a == b).double().mean())
        if abs(agree - expected_agree) > tol:
            fail(f"neighbouring {name} of dropout_layer(X, 0.5) share {agree:.0%} of their mask; "
                 f"independent masks agree about {expected_agree:.0%} of the time. Draw one random "
                 "number per element (a mask of X's full shape), not per row, column or batch.")


def test_fresh_mask_on_every_call(sub, device, rng):
    X = _signed((100, 100), rng, device)
    first = sub.dropout_layer(X, 0.5)
    second = sub.dropout_layer(X, 0.5)
    assert_tensor(first, what="dropout_layer(X, 0.5)", shape=(100, 100))
    assert_tensor(second, what="dropout_layer(X, 0.5)", shape=(100, 100))
    if bool(((first == 0) == (second == 0)).all()):
        fail("two calls of dropout_layer(X, 0.5) dropped exactly the same elements; draw a fresh "
             "random mask on every call (a fixed mask removes the noise that regularizes).")


def test_does_not_modify_input(sub, device, rng):
    X = _signed((40, 30), rng, device)
    before = X.clone()
    sub.dropout_layer(X, 0.5)
    assert_unchanged(before, X, what="dropout_layer(X, 0.5)")
    module = sub.Dropout(0.5)
    module.train()
    module(X)
    assert_unchanged(before, X, what="Dropout(0.5)(X)")


@pytest.mark.parametrize("dtype", DTYPES, ids=[str(d).removeprefix("torch.") for d in DTYPES])
def test_keeps_shape_dtype_and_device(sub, device, rng, dtype):
    for shape in ((7,), (4, 6), (2, 3, 5), (2, 3, 4, 5)):
        X = _signed(shape, rng, device, dtype)
        for p in (0.3, 0.0, 1.0):
            out = sub.dropout_layer(X, p)
            call = f"dropout_layer(X of shape {shape}, {dtype}, p={p})"
            assert_tensor(out, what=call, shape=shape, dtype=dtype, device=device,
                          why="dropout keeps the input's shape, dtype and device: build the "
                              "mask in X's dtype and on X's device (d2l's .float() mask turns "
                              "a float16 or bfloat16 X into float32).")


@pytest.mark.points(2)
def test_gradient_flows_through_kept_elements_only(sub, device, rng):
    X = _signed((300, 200), rng, device).requires_grad_(True)
    p = _p_values(rng)[0]
    G = torch.randn(300, 200, generator=rng).to(device)
    result = vjp(sub.dropout_layer, X, p, wrt=[0], cotangent=G)
    out = result.out
    assert_tensor(out, what=f"dropout_layer(X, {p})", shape=(300, 200))
    if not out.requires_grad:
        fail(f"dropout_layer(X, {p}) is not connected to X in the autograd graph; build the "
             "output from X with differentiable operations.")
    if result.grads[0] is None:
        fail("X.grad is None after backward through dropout_layer.")
    kept = (out.detach() != 0).to(X.dtype)
    assert_close(result.grads[0], G * kept / (1 - p),
                 what=f"X.grad after backward through dropout_layer(X, {p})",
                 why="the gradient of a kept element is 1/(1-p) times the upstream gradient, and a "
                     "dropped element gets none.", rtol=1e-5, atol=1e-6)


@pytest.mark.points(2)
def test_module_follows_training_flag(sub, device, rng):
    X = _signed((100, 100), rng, device)
    p = _p_values(rng)[1]
    layer = sub.Dropout(p)
    if not is_instance(layer, "torch.nn.Module"):
        fail("Dropout(p) must be an nn.Module.")
    layer.train()
    out = layer(X)
    assert_tensor(out, what=f"Dropout({p})(X) in training mode", shape=(100, 100), device=device)
    rate = float((out == 0).double().mean())
    if abs(rate - p) > 0.05:
        fail(f"in training mode Dropout({p}) zeroed {rate:.0%} of the elements; it should drop "
             f"about {p:.0%}. forward must use the p given to __init__ and self.training.")
    kept = out != 0
    assert_close(out[kept], (X / (1 - p))[kept], what=f"kept elements of Dropout({p})(X)",
                 why="survivors are scaled by 1/(1-p).", check_dtype=False)
    layer.eval()
    _same_values(layer(X), X, what=f"Dropout({p}) after .eval()",
                 why="in eval mode (inference) dropout returns its input unchanged.")
    layer.train()
    again = layer(X)
    if bool((again == X).all()):
        fail(f"Dropout({p}) after .eval() then .train() no longer drops anything; forward must "
             "read self.training on every call, not once in __init__.")
    net = make(sub, "grader.sandbox.fixtures.common:sequential",
               make(sub, "grader.sandbox.fixtures.common:identity"), sub.Dropout(1.0))
    net.eval()
    _same_values(net(X), X, what="nn.Sequential(..., Dropout(1.0)) after net.eval()",
                 why="net.eval() switches every dropout layer off.")
