"""Hidden checks for exercises/mlp/activations.py (sigmoid, relu, tanh, their derivatives and
the course's 4 sigmoid(x) - 2).

Expected values come from the reference evaluated in float64. Value checks compare values
only (check_dtype=False): a dtype slip is the dtype check's failure, not theirs.
"""

import pytest
import torch

from grader.asserts import assert_close, assert_tensor, assert_unchanged, fail
from grader.sandbox.host import vjp

DTYPES = [torch.float32, torch.float64, torch.float16, torch.bfloat16]
SHAPES = [(7,), (5, 3), (2, 3, 4), ()]
BIG = [-1000.0, -500.0, -100.0, -40.0, -20.0, 0.0, 20.0, 40.0, 100.0, 500.0, 1000.0]
FUNCTIONS = ["sigmoid", "sigmoid_grad", "relu", "relu_grad", "tanh", "tanh_grad",
             "scaled_sigmoid"]


def _inputs(rng, device, dtype=torch.float32, scale=4.0):
    """Random inputs of several shapes (a 0-d one included), both signs, |x| up to ~15."""
    return [(torch.randn(shape, generator=rng, dtype=torch.float64) * scale).to(dtype).to(device)
            for shape in SHAPES]


def _expected(ref, name, X):
    return getattr(ref, name)(X.double()).to(X.device)


def _values(sub, ref, name, X, why, what=None):
    out = getattr(sub, name)(X)
    call = what or f"{name}(x of shape {tuple(X.shape)})"
    assert_close(out, _expected(ref, name, X), what=call, why=why, check_dtype=False)
    return out


def _big(device):
    return torch.tensor(BIG, device=device)


@pytest.mark.points(2)
def test_sigmoid_values(sub, ref, device, rng):
    for X in _inputs(rng, device):
        _values(sub, ref, "sigmoid", X, "sigmoid(x) = 1 / (1 + exp(-x)), element-wise.")


@pytest.mark.points(2)
def test_sigmoid_grad_values(sub, ref, device, rng):
    for X in _inputs(rng, device):
        _values(sub, ref, "sigmoid_grad", X,
                "sigmoid'(x) = sigmoid(x) * (1 - sigmoid(x)), where x is the input of sigmoid "
                "(not its output).")
    out = sub.sigmoid_grad(torch.zeros(3, device=device))
    assert_close(out, torch.full((3,), 0.25, device=device), what="sigmoid_grad(zeros(3))",
                 why="sigmoid's slope is largest at 0, where it is 1/4.", check_dtype=False)


@pytest.mark.points(2)
def test_sigmoid_stable_for_large_inputs(sub, ref, device):
    X = _big(device)
    for name in ("sigmoid", "sigmoid_grad"):
        out = getattr(sub, name)(X)
        assert_tensor(out, what=f"{name}(x) for x = {BIG}", shape=tuple(X.shape))
        if not bool(torch.isfinite(out.double()).all()):
            fail(f"{name}(x) is NaN or inf for some of x = {BIG}. exp of a large positive "
                 "number overflows to inf in float32, and inf / inf is NaN: never exponentiate "
                 "a positive number (use 1 / (1 + exp(-x)) for x >= 0 and the equal form "
                 "exp(x) / (1 + exp(x)) for x < 0).")
        _values(sub, ref, name, X, "the unit saturates: sigmoid goes to 0 or 1 and its slope "
                "to 0, and the result must stay correct (and finite) for |x| up to 1000.",
                what=f"{name}(x) for x = {BIG}")


def test_relu_values(sub, ref, device, rng):
    for X in _inputs(rng, device):
        _values(sub, ref, "relu", X, "relu(x) = max(0, x): negatives become 0, positives "
                "stay as they are.")


def test_relu_grad_values(sub, ref, device, rng):
    for X in _inputs(rng, device):
        _values(sub, ref, "relu_grad", X, "relu'(x) is 1 where x > 0 and 0 where x < 0.")


def test_relu_grad_is_zero_at_zero(sub, device):
    X = torch.tensor([-1.0, 0.0, 0.0, 2.0, -0.0], device=device)
    out = sub.relu_grad(X)
    assert_close(out, torch.tensor([0.0, 0.0, 0.0, 1.0, 0.0], device=device),
                 what="relu_grad(tensor([-1.0, 0.0, 0.0, 2.0, -0.0]))", check_dtype=False,
                 why="relu has no derivative at 0; like d2l, take the left-hand derivative, 0 "
                     "(x > 0, not x >= 0).")


def test_tanh_values(sub, ref, device, rng):
    for X in _inputs(rng, device, scale=2.0):
        _values(sub, ref, "tanh", X, "tanh(x) = (1 - exp(-2x)) / (1 + exp(-2x)).")


def test_tanh_grad_values(sub, ref, device, rng):
    for X in _inputs(rng, device, scale=2.0):
        _values(sub, ref, "tanh_grad", X, "tanh'(x) = 1 - tanh(x)^2.")


@pytest.mark.points(2)
def test_tanh_stable_for_large_inputs(sub, ref, device):
    X = _big(device)
    for name in ("tanh", "tanh_grad"):
        out = getattr(sub, name)(X)
        assert_tensor(out, what=f"{name}(x) for x = {BIG}", shape=tuple(X.shape))
        if not bool(torch.isfinite(out.double()).all()):
            fail(f"{name}(x) is NaN or inf for some of x = {BIG}. With the ratio "
                 "(1 - exp(-2x)) / (1 + exp(-2x)), x = -1000 gives -inf / inf = NaN; write tanh "
                 "in a form that never exponentiates a large positive number (for instance "
                 "2 sigmoid(2x) - 1 with a stable sigmoid).")
        _values(sub, ref, name, X, "tanh goes to -1 or 1 and its slope to 0, and the result "
                "must stay correct (and finite) for |x| up to 1000.",
                what=f"{name}(x) for x = {BIG}")


def test_scaled_sigmoid_values(sub, ref, device, rng):
    for X in _inputs(rng, device) + [_big(device)]:
        _values(sub, ref, "scaled_sigmoid", X, "scaled_sigmoid(x) = 4 * sigmoid(x) - 2, finite "
                "(between -2 and 2) even for |x| up to 1000.")


@pytest.mark.points(2)
def test_scaled_sigmoid_is_identity_near_zero(sub, device):
    zeros = torch.zeros(4, device=device)
    out = sub.scaled_sigmoid(zeros)
    assert_close(out, zeros, what="scaled_sigmoid(zeros(4))", rtol=0.0, atol=0.0,
                 check_dtype=False, why="4 * sigmoid(0) - 2 = 4 * 0.5 - 2 = 0 exactly: the "
                 "rescaled sigmoid passes through the origin.")
    X = zeros.clone().requires_grad_(True)
    r = vjp(sub.scaled_sigmoid, X, wrt=[0], cotangent=torch.ones(4, device=device))
    if not r.out.requires_grad or r.grads[0] is None:
        fail("scaled_sigmoid(x) is not connected to x in the autograd graph; build it from "
             "torch operations on x.")
    assert_close(r.grads[0], torch.ones(4, device=device), check_dtype=False,
                 what="the autograd slope of scaled_sigmoid at 0",
                 why="4 * sigmoid'(0) = 4 * 1/4 = 1: near 0 the rescaled sigmoid behaves like "
                     "the identity, as tanh and relu do (a sigmoid built on exp(-|x|) gets "
                     "slope 0 here: torch.abs has autograd derivative 0 at 0).")
    small = torch.linspace(-0.01, 0.01, 9, device=device)
    assert_close(sub.scaled_sigmoid(small), small, what="scaled_sigmoid(x) for |x| <= 0.01",
                 rtol=0.0, atol=1e-6, check_dtype=False,
                 why="4 sigmoid(x) - 2 = x - x^3/12 + ...: for small x it is x up to ~1e-7.")


@pytest.mark.points(2)
def test_activations_are_differentiable(sub, ref, device, rng):
    derivative = {"sigmoid": "sigmoid_grad", "relu": "relu_grad", "tanh": "tanh_grad"}
    for name in ("sigmoid", "relu", "tanh"):
        X = (torch.rand(6, 5, generator=rng, dtype=torch.float64) * 20 - 10).to(device)
        X = X.float()
        if name != "relu":
            # x = 0 exactly: autograd's slope there is 1/4 (sigmoid) and 1 (tanh). relu has no
            # derivative at 0 and autograd's choice varies with the formula, so it is left out.
            X[0, 0] = 0.0
        X = X.requires_grad_(True)
        G = torch.randn(6, 5, generator=rng).to(device)
        r = vjp(getattr(sub, name), X, wrt=[0], cotangent=G)
        if not r.out.requires_grad or r.grads[0] is None:
            fail(f"{name}(x) is not connected to x in the autograd graph (no gradient reaches "
                 "x): build it from torch operations on x, without .item(), numpy, .detach() or "
                 "a new tensor made from its values.")
        slope = getattr(ref, derivative[name])(X.detach().double())
        assert_close(r.grads[0], (G.double() * slope).to(device), check_dtype=False,
                     what=f"x.grad after backward through {name}(x) "
                          f"(|x| <= 10{'' if name == 'relu' else ', x[0, 0] = 0 exactly'})",
                     why="autograd through your function must give its derivative times the "
                         "upstream gradient; a NaN or a wrong value means the forward formula "
                         "is not differentiable where it should be. At x = 0 exactly, "
                         "torch.abs and torch.sign have autograd derivative 0, so a form built "
                         "on |x| (such as exp(-|x|)) gets sigmoid's and tanh's slope wrong "
                         "there; torch.clamp, or torch.where(x >= 0, ...) with x itself, passes "
                         "the gradient.")


def test_does_not_modify_input(sub, device, rng):
    X = (torch.randn(6, 7, generator=rng) * 3).to(device)
    before = X.clone()
    for name in FUNCTIONS:
        getattr(sub, name)(X)
        assert_unchanged(before, X, what=f"{name}(x)")


@pytest.mark.parametrize("dtype", DTYPES, ids=[str(d).removeprefix("torch.") for d in DTYPES])
def test_keeps_shape_dtype_and_device(sub, device, rng, dtype):
    for X in _inputs(rng, device, dtype, scale=3.0):
        for name in FUNCTIONS:
            out = getattr(sub, name)(X)
            assert_tensor(out, what=f"{name}(x of shape {tuple(X.shape)}, {dtype})",
                          shape=tuple(X.shape), dtype=dtype, device=device,
                          why="an activation keeps its input's shape, dtype and device: create "
                              "helper tensors with zeros_like/ones_like (torch.zeros(x.shape) is "
                              "float32 on the CPU), and return relu_grad as 0s and 1s in x's "
                              "dtype, not a bool tensor.")
