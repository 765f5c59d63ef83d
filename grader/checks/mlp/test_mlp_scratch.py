"""Hidden checks for exercises/mlp/mlp_scratch.py (a one-hidden-layer MLP from scratch).

Forward values are compared with a float64 computation of ReLU(X W1 + b1) W2 + b2 made here
from parameters the check draws itself (so an initialization slip costs only the init checks).
Whether the parameters are trainable leaves, and which gradients backward gives, can only be
seen in the sandbox: the public MLPProbe fixture calls the learner's functions there and
reports by value.
"""

import math

import pytest
import torch

from grader.asserts import assert_close, assert_tensor, assert_unchanged, fail
from grader.sandbox.host import make

_PROBE = "grader.sandbox.fixtures.mlp_basics:MLPProbe"
NAMES = ["W1", "b1", "W2", "b2"]


def _params(n_in, n_h, n_out, rng, device, dtype=torch.float32, scale=0.5):
    """Parameters with large enough weights and non-zero biases that the ReLU matters."""
    shapes = [(n_in, n_h), (n_h,), (n_h, n_out), (n_out,)]
    return [(torch.randn(s, generator=rng, dtype=torch.float64) * scale).to(dtype).to(device)
            for s in shapes]


def _oracle(X, params):
    W1, b1, W2, b2 = (p.double() for p in params)
    H = (X.double().reshape(X.shape[0], -1) @ W1 + b1).clamp(min=0)
    return H @ W2 + b2


def _forward(sub, X, params, what=None):
    out = sub.mlp_forward(X, params)
    n_out = params[2].shape[1]
    assert_tensor(out, what=what or f"mlp_forward(X of shape {tuple(X.shape)}, params)",
                  shape=(X.shape[0], n_out),
                  why="the output has one row per example and num_outputs columns.")
    return out


def _init_report(sub, sizes, seed=None, probe=None):
    probe = probe or make(sub, _PROBE)
    report = probe.init(sub.init_mlp_params, list(sizes), seed)
    call = f"init_mlp_params{tuple(sizes)}"
    if not report["sequence"] or len(report["items"]) != 4:
        fail(f"{call} returned a {report['type']} of {len(report['items'])} items; return the "
             "list [W1, b1, W2, b2].")
    for name, item in zip(NAMES, report["items"]):
        if not item["tensor"]:
            fail(f"{call}: {name} is a {item['type']}, not a torch.Tensor.")
    return report, call


def test_init_returns_four_shaped_tensors(sub):
    n_in, n_h, n_out = 13, 7, 5
    params = sub.init_mlp_params(n_in, n_h, n_out)
    call = f"init_mlp_params({n_in}, {n_h}, {n_out})"
    if not isinstance(params, (list, tuple)) or len(params) != 4:
        fail(f"{call} must return the list [W1, b1, W2, b2].")
    shapes = [(n_in, n_h), (n_h,), (n_h, n_out), (n_out,)]
    for name, p, shape in zip(NAMES, params, shapes):
        assert_tensor(p, what=f"{call}: {name}", shape=shape, dtype=torch.float32, device="cpu",
                      why="d2l's layout: weights are (in, out) so that X @ W works, biases are "
                          "vectors with one entry per output of their layer, float32.")


@pytest.mark.points(2)
def test_init_statistics(sub):
    n_in, n_h, n_out = 300, 200, 100
    params = sub.init_mlp_params(n_in, n_h, n_out)
    call = f"init_mlp_params({n_in}, {n_h}, {n_out})"
    if not isinstance(params, (list, tuple)) or len(params) != 4:
        fail(f"{call} must return the list [W1, b1, W2, b2].")
    shapes = [(n_in, n_h), (n_h,), (n_h, n_out), (n_out,)]
    for name, p, shape in zip(NAMES, params, shapes):
        assert_tensor(p, what=f"{call}: {name}", shape=shape)
    for name in ("b1", "b2"):
        p = params[NAMES.index(name)].detach().double()
        if bool((p != 0).any()):
            fail(f"{call}: {name} has non-zero entries; the biases start at exactly 0.")
    for name in ("W1", "W2"):
        w = params[NAMES.index(name)].detach().double()
        n = w.numel()
        std, mean = float(w.std()), float(w.mean())
        if abs(std - 0.01) > 0.05 * 0.01:
            fail(f"{call}: the standard deviation of {name} is {std:.4g}; the weights are drawn "
                 "from N(0, 0.01^2), so it should be 0.01 (within 5%). torch.randn gives "
                 "standard deviation 1: multiply by 0.01.")
        if abs(mean) > 5 * 0.01 / math.sqrt(n):
            fail(f"{call}: the mean of {name} is {mean:.3g}; N(0, 0.01^2) has mean 0 "
                 "(torch.rand is uniform on [0, 1), not a normal distribution).")
        # The shape of the distribution: a normal one puts 68.3% of its draws within one
        # standard deviation of the mean (a uniform one of the same std 57.7%, a Laplace one
        # 75.7%); with n >= 20000 draws the sampling error is below 0.004.
        inside = float(((w - mean).abs() < std).double().mean())
        if not 0.65 <= inside <= 0.715:
            fail(f"{call}: {100 * inside:.1f}% of {name}'s entries lie within one standard "
                 "deviation of the mean, where draws from a normal distribution N(0, 0.01^2) "
                 "have about 68%: the weights have the right spread but not a normal "
                 "distribution (a uniform one with the same standard deviation has 58%). Draw "
                 "them with torch.randn and scale by 0.01.")


@pytest.mark.points(2)
def test_init_params_are_trainable_leaves(sub):
    report, call = _init_report(sub, (6, 5, 4))
    for name, item in zip(NAMES, report["items"]):
        if not item["requires_grad"]:
            fail(f"{call}: {name}.requires_grad is False; the parameters must be trainable, so "
                 "that backward fills their .grad.")
        if not item["leaf"] or item["history"]:
            fail(f"{call}: {name} is not a leaf tensor: it is the result of an operation "
                 "(such as torch.randn(..., requires_grad=True) * 0.01) on a tensor that "
                 "requires grad, so backward never fills {name}.grad and an optimizer cannot "
                 "update it. Scale first and then call .requires_grad_(), or wrap the result "
                 "in nn.Parameter as d2l does.".replace("{name}", name))


@pytest.mark.points(2)
def test_init_uses_the_generator(sub, seed):
    probe = make(sub, _PROBE)
    sizes = (9, 8, 3)
    first, call = _init_report(sub, sizes, seed % 100000, probe)
    again, _ = _init_report(sub, sizes, seed % 100000, probe)
    other, _ = _init_report(sub, sizes, seed % 100000 + 1, probe)
    for i in (0, 2):
        a, b, c = (r["items"][i]["values"] for r in (first, again, other))
        if tuple(a.shape) != tuple(b.shape) or not torch.equal(a, b):
            fail(f"{call[:-1]}, generator) with two generators seeded alike gave different "
                 f"{NAMES[i]}; draw the weights with the generator you are given "
                 "(torch.randn(..., generator=generator)), not with torch's global one.")
        if tuple(a.shape) == tuple(c.shape) and torch.equal(a, c):
            fail(f"{call[:-1]}, generator) gave the same {NAMES[i]} for two different seeds; "
                 "the weights must be random draws from the generator.")


@pytest.mark.points(2)
def test_forward_values(sub, device, rng):
    for n, n_in, n_h, n_out in ((4, 6, 5, 3), (1, 3, 8, 2), (7, 10, 16, 4)):
        params = _params(n_in, n_h, n_out, rng, device)
        X = torch.randn(n, n_in, generator=rng).to(device)
        out = _forward(sub, X, params)
        assert_close(out, _oracle(X, params).to(device), check_dtype=False,
                     what=f"mlp_forward(X of shape {(n, n_in)}, params)",
                     why="O = ReLU(X W1 + b1) W2 + b2: the hidden layer is an affine map followed "
                         "by ReLU, the output layer an affine map of H.")


@pytest.mark.points(2)
def test_forward_flattens_images(sub, device, rng):
    for shape, n_h, n_out in (((3, 1, 28, 28), 16, 10), ((2, 3, 4, 5), 7, 4)):
        n_in = math.prod(shape[1:])
        params = _params(n_in, n_h, n_out, rng, device, scale=0.1)
        X = torch.randn(shape, generator=rng).to(device)
        out = _forward(sub, X, params)
        assert_close(out, _oracle(X, params).to(device), check_dtype=False,
                     what=f"mlp_forward(X of shape {shape}, params)",
                     why="keep the batch dimension and flatten the rest: X.reshape(n, num_inputs) "
                         "with n = X.shape[0] and num_inputs = W1.shape[0].")


def test_forward_has_no_output_activation(sub, device, rng):
    params = _params(5, 6, 4, rng, device)
    params[3] = params[3] - 3.0
    X = torch.randn(20, 5, generator=rng).to(device)
    out = _forward(sub, X, params)
    expected = _oracle(X, params)
    if bool((expected < 0).any()) and not bool((out.double() < 0).any()):
        fail("mlp_forward never returns a negative score, although these parameters make many "
             "of the output layer's values negative: do not apply ReLU, sigmoid or softmax to "
             "O. The output layer is H W2 + b2 alone; the loss applies the softmax.")
    sums = out.double().sum(1)
    if bool(torch.allclose(sums, torch.ones_like(sums), atol=1e-4)):
        fail("every row of mlp_forward's output sums to 1: that is a softmax on O. Return the "
             "raw scores H W2 + b2.")


@pytest.mark.points(2)
def test_forward_gradients_reach_all_params(sub, device, rng):
    n, n_in, n_h, n_out = 6, 5, 7, 3
    params = _params(n_in, n_h, n_out, rng, device)
    X = torch.randn(n, n_in, generator=rng).to(device)
    G = torch.randn(n, n_out, generator=rng).to(device)
    probe = make(sub, _PROBE)
    report = probe.gradients(sub.mlp_forward, X, params, G)
    if report["out"] is None:
        fail(f"mlp_forward(X, params) returned {report['type']}, not a torch.Tensor.")
    assert_tensor(report["out"], what="mlp_forward(X of shape (6, 5), params)", shape=(n, n_out))
    if not report["connected"]:
        fail("mlp_forward(X, params) with trainable parameters returned a tensor that is not "
             "connected to them in the autograd graph; compute O from the parameters with torch "
             "operations (no .detach(), .data, .item() or numpy).")
    leaves = [p.detach().double().cpu().requires_grad_(True) for p in params]
    expected = torch.autograd.grad((_oracle(X.cpu(), leaves) * G.double().cpu()).sum(), leaves)
    for name, got, want in zip(NAMES, report["grads"], expected):
        if got is None:
            fail(f"after backward through mlp_forward, {name}.grad is None: {name} is not used "
                 "(or is detached) in the computation of O.")
        assert_close(got, want.to(device), check_dtype=False,
                     what=f"{name}.grad after backward through mlp_forward",
                     why="backpropagation through O = ReLU(X W1 + b1) W2 + b2 must reach every "
                         "parameter; a wrong gradient means the forward pass uses the parameter "
                         "in a way that is cut off from autograd.")


def test_forward_is_nonlinear(sub, device, rng):
    params = _params(4, 10, 3, rng, device)
    a = torch.randn(8, 4, generator=rng).to(device)
    b = torch.randn(8, 4, generator=rng).to(device)
    zero = torch.zeros(8, 4, device=device)
    f = [_forward(sub, X, params, what="mlp_forward(X of shape (8, 4), params)").double()
         for X in (a + b, a, b, zero)]
    if bool(torch.allclose(f[0], f[1] + f[2] - f[3], rtol=1e-4, atol=1e-4)):
        fail("mlp_forward behaves like an affine map: f(a + b) = f(a) + f(b) - f(0) for random "
             "a and b. Apply ReLU to the hidden layer; without it the two layers collapse into "
             "one linear layer.")


@pytest.mark.parametrize("dtype", [torch.float64, torch.bfloat16], ids=["float64", "bfloat16"])
def test_forward_keeps_dtype_and_device(sub, device, rng, dtype):
    params = _params(6, 5, 3, rng, device, dtype=dtype)
    X = torch.randn(4, 6, generator=rng).to(dtype).to(device)
    out = sub.mlp_forward(X, params)
    assert_tensor(out, what=f"mlp_forward(X and params in {dtype})", shape=(4, 3), dtype=dtype,
                  device=device,
                  why="the output is in X's dtype and on X's device; a helper tensor such as "
                      "torch.zeros(H.shape) is float32 on the CPU, use torch.zeros_like(H).")


def test_does_not_modify_inputs(sub, device, rng):
    params = _params(6, 5, 3, rng, device)
    X = torch.randn(4, 6, generator=rng).to(device)
    before = [p.clone() for p in params]
    X0 = X.clone()
    sub.mlp_forward(X, params)
    # The sandbox's record of which argument changed is not reliable for tensors inside a list
    # (it can name the neighbour), so the message names the call, not the tensor.
    what = "mlp_forward(X, params) (X or one of W1, b1, W2, b2)"
    assert_unchanged(X0, X, what=what)
    for p0, p in zip(before, params):
        assert_unchanged(p0, p, what=what)
