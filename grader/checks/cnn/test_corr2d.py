"""Hidden checks for exercises/cnn/corr2d.py (2-D cross-correlation, Conv2D, learn_kernel).

torch's conv2d, in float64, is the oracle; calls from this file do not trip the
forbidden-API tripwires (only calls from the submission's file do).
"""

import math

import pytest
import torch
import torch.nn.functional as F

from grader.asserts import (assert_close, assert_tensor, assert_unchanged, expect_raises,
                            fail)
from grader.sandbox.host import cotangent_like, is_instance, make, vjp

FIXTURES = "grader.sandbox.fixtures.conv"


def _oracle(X, K):
    """Cross-correlation in float64 (what torch's conv2d computes), in X's dtype."""
    Y = F.conv2d(X.double()[None, None], K.double()[None, None])[0, 0]
    return Y.to(X.dtype)


def _randn(shape, rng, device, dtype=torch.float32):
    return torch.randn(shape, generator=rng, dtype=torch.float64).to(dtype).to(device)


def _size(rng, low, high):
    return int(torch.randint(low, high + 1, (1,), generator=rng))


def _call(X, K):
    return f"corr2d(X of shape {tuple(X.shape)}, K of shape {tuple(K.shape)})"


def _edge_image(device, dtype=torch.float32):
    X = torch.ones((6, 8), dtype=dtype, device=device)
    X[:, 2:6] = 0
    return X


# (h, w, k_h, k_w): non-square inputs and kernels, odd sizes.
RANDOM_CASES = [(5, 7, 2, 3), (8, 6, 3, 1), (9, 9, 4, 2), (6, 11, 1, 5), (7, 4, 3, 3),
                (10, 13, 5, 4)]


@pytest.mark.points(3)
def test_matches_cross_correlation_on_random_inputs(sub, device, rng):
    for h, w, k_h, k_w in RANDOM_CASES:
        X = _randn((h, w), rng, device)
        K = _randn((k_h, k_w), rng, device)
        assert_close(sub.corr2d(X, K), _oracle(X, K), what=_call(X, K), check_dtype=False,
                     why="each output Y[i, j] is the sum of the window X[i:i+k_h, j:j+k_w] "
                         "multiplied element by element with K; the window moves one cell at "
                         "a time over every position where it fits.")


@pytest.mark.points(2)
def test_kernel_is_not_flipped(sub, device, rng):
    X = torch.arange(12, dtype=torch.float32, device=device).reshape(3, 4)
    for K in (torch.tensor([[1.0, 2.0]]), torch.tensor([[1.0], [-3.0]]),
              torch.tensor([[0.0, 1.0], [2.0, 3.0]]), torch.tensor([[1.0, 0.0, -1.0]])):
        K = K.to(device)
        assert_close(sub.corr2d(X, K), _oracle(X, K), check_dtype=False,
                     what=f"{_call(X, K)} with X = arange(12).reshape(3, 4) and the asymmetric "
                          f"K = {K.tolist()}",
                     why="deep learning's convolution is a cross-correlation: K[0, 0] multiplies "
                         "the top-left cell of the window. Flipping the kernel (the "
                         "mathematical convolution) gives other values for an asymmetric K.")


@pytest.mark.points(2)
def test_edge_detection_example(sub, device):
    X = _edge_image(device)
    K = torch.tensor([[1.0, -1.0]], device=device)
    why = ("d2l's edge example: X = ones(6, 8) with columns 2..5 set to 0; K = [[1, -1]] gives "
           "a 6 x 7 output that is 1 where white turns black, -1 where black turns white and 0 "
           "elsewhere.")
    assert_close(sub.corr2d(X, K), _oracle(X, K), check_dtype=False,
                 what="corr2d(X, K) on d2l's edge image with K = [[1, -1]]", why=why)
    XT = X.t().contiguous()
    assert_close(sub.corr2d(XT, K), _oracle(XT, K), check_dtype=False,
                 what="corr2d(X.T, K) on the transposed edge image with K = [[1, -1]]",
                 why="a horizontal difference kernel sees no change along the rows of the "
                     "transposed image (its edges are horizontal), so the output is 8 x 5 and "
                     "all zeros.")


@pytest.mark.points(1)
def test_one_by_one_and_full_size_kernels(sub, device, rng):
    for h, w in ((4, 6), (5, 3), (1, 7)):
        X = _randn((h, w), rng, device)
        for K in (_randn((1, 1), rng, device), _randn((h, w), rng, device)):
            assert_close(sub.corr2d(X, K), _oracle(X, K), what=_call(X, K), check_dtype=False,
                         why="every kernel that fits is valid: a 1 x 1 kernel scales X (same "
                             "shape), and a kernel as large as X fits once (a 1 x 1 output, "
                             "the sum of X * K).")


@pytest.mark.points(1)
def test_kernel_larger_than_input_raises(sub, device, rng):
    for (h, w), (k_h, k_w) in (((3, 5), (4, 2)), ((6, 4), (2, 5)), ((2, 2), (3, 3))):
        X = _randn((h, w), rng, device)
        K = _randn((k_h, k_w), rng, device)
        expect_raises(ValueError, sub.corr2d, X, K, what=_call(X, K),
                      why="a kernel larger than X in either dimension fits nowhere; raise "
                          "ValueError instead of returning an empty tensor.")


@pytest.mark.points(2)
def test_gradients_flow_to_input_and_kernel(sub, device, rng):
    for h, w, k_h, k_w in ((5, 7, 2, 3), (6, 5, 3, 3), (4, 4, 1, 2)):
        Xb = _randn((h, w), rng, device, torch.float64)
        Kb = _randn((k_h, k_w), rng, device, torch.float64)
        X, K = Xb.clone().requires_grad_(True), Kb.clone().requires_grad_(True)
        seed = int(torch.randint(0, 2**31 - 1, (1,), generator=rng))
        r = vjp(sub.corr2d, X, K, wrt=[0, 1], cotangent_seed=seed)
        what = _call(X, K)
        assert_tensor(r.out, what=what, shape=(h - k_h + 1, w - k_w + 1))
        if not r.out.requires_grad:
            fail(f"{what} is not connected to X and K in the autograd graph (requires_grad is "
                 "False): build Y from tensor operations on X and K, not from Python numbers "
                 "(.item(), float()) or .detach().")
        if r.grads[0] is None or r.grads[1] is None:
            fail(f"after backward through {what}, X.grad or K.grad is None: the output must "
                 "depend on both through autograd.")
        G = cotangent_like(r.out, seed).to(torch.float64)
        Xr, Kr = Xb.clone().requires_grad_(True), Kb.clone().requires_grad_(True)
        gX, gK = torch.autograd.grad((_oracle(Xr, Kr) * G).sum(), (Xr, Kr))
        why = ("each X cell receives the gradient of every output whose window covers it, "
               "times the matching kernel weight; each kernel weight receives the sum over all "
               "windows of gradient times input.")
        assert_close(r.grads[0], gX, what=f"X.grad after backward through {what}", why=why,
                     check_dtype=False, rtol=1e-5, atol=1e-6)
        assert_close(r.grads[1], gK, what=f"K.grad after backward through {what}", why=why,
                     check_dtype=False, rtol=1e-5, atol=1e-6)


DTYPES = (torch.float64, torch.float16, torch.bfloat16, torch.float32)


@pytest.mark.points(2)
def test_keeps_dtype_and_device(sub, device, rng):
    for dtype in DTYPES:
        X = _randn((6, 7), rng, device, dtype)
        K = _randn((2, 3), rng, device, dtype)
        what = f"{_call(X, K)} with X and K of dtype {dtype}"
        out = sub.corr2d(X, K)
        assert_tensor(out, what=what, shape=(5, 5), dtype=dtype, device=device,
                      why="the output keeps X's dtype and device: create any buffer with "
                          "dtype=X.dtype and device=X.device (torch.zeros alone is float32 on the "
                          "CPU).")
        if dtype == torch.float64:
            expected = _oracle(X, K)
            a, e = out.detach().cpu(), expected.cpu()
            coarse = torch.isclose(a, e, rtol=1e-5, atol=1e-6) & \
                ~torch.isclose(a, e, rtol=1e-12, atol=1e-12)
            if bool(coarse.any()):
                fail(f"{what}: {int(coarse.sum())} of {a.numel()} values are right only to "
                     "about float32 precision. A float64 X must be correlated in float64: do "
                     "not pass X, K or the output through float32 on the way.")


@pytest.mark.points(1)
def test_does_not_modify_inputs(sub, device, rng):
    X = _randn((6, 7), rng, device)
    K = _randn((3, 2), rng, device)
    bx, bk = X.clone(), K.clone()
    sub.corr2d(X, K)
    assert_unchanged(bx, X, what=_call(X, K))
    assert_unchanged(bk, K, what=_call(X, K) + " (the kernel K)")


@pytest.mark.points(1)
def test_learn_kernel_does_not_modify_inputs(sub, device):
    X = _edge_image(device)
    Y = _oracle(X, torch.tensor([[1.0, -1.0]], device=device))
    bx, by = X.clone(), Y.clone()
    sub.learn_kernel(X, Y, (1, 2), 3e-2, 3)
    assert_unchanged(bx, X, what="learn_kernel(X, Y, (1, 2), 3e-2, 3) (the input X)")
    assert_unchanged(by, Y, what="learn_kernel(X, Y, (1, 2), 3e-2, 3) (the target Y)")


def _module(sub, kernel_size):
    layer = sub.Conv2D(kernel_size)
    if not is_instance(layer, "torch.nn.Module"):
        fail(f"Conv2D({kernel_size!r}) must be an nn.Module (subclass nn.Module and call "
             "super().__init__()).")
    return layer


@pytest.mark.points(2)
def test_conv2d_module_has_weight_and_bias(sub, device):
    for kernel_size in ((1, 2), (3, 2), (2, 4)):
        layer = _module(sub, kernel_size)
        shapes = {name: tuple(p.shape) for name, p in layer.named_parameters()}
        wanted = {"weight": kernel_size, "bias": (1,)}
        if shapes != wanted:
            fail(f"Conv2D({kernel_size!r}) has the Parameters {shapes}; it must have exactly "
                 f"`weight` of shape {kernel_size} and `bias` of shape (1,) (nn.Parameter "
                 "attributes, so that an optimizer sees them).")
        bias = layer.bias
        assert_close(bias.detach(), torch.zeros(1, dtype=bias.dtype), check_device=False,
                     what=f"Conv2D({kernel_size!r}).bias",
                     why="the bias starts at 0, as in d2l's Conv2D.")
        if not (layer.weight.requires_grad and bias.requires_grad):
            fail(f"Conv2D({kernel_size!r}): weight and bias must require gradients.")


@pytest.mark.points(2)
def test_conv2d_module_forward_adds_bias(sub, device, rng):
    for (h, w), kernel_size in (((6, 8), (1, 2)), ((7, 5), (3, 2))):
        layer = _module(sub, kernel_size)
        weight = _randn(kernel_size, rng, "cpu")
        bias = _randn((1,), rng, "cpu")
        layer.load_state_dict({"weight": weight, "bias": bias})
        if device.type != "cpu":
            layer.to(device)
        X = _randn((h, w), rng, device)
        expected = _oracle(X, weight.to(device)) + bias.to(device)
        assert_close(layer(X), expected, check_dtype=False,
                     what=f"Conv2D({kernel_size!r})(X of shape {(h, w)}) after loading a "
                          "weight and a bias",
                     why="forward(x) = corr2d(x, self.weight) + self.bias: one bias added to "
                         "every output.")


@pytest.mark.points(1)
def test_conv2d_module_gradients(sub, device, rng):
    layer = _module(sub, (2, 3))
    weight = _randn((2, 3), rng, "cpu")
    layer.load_state_dict({"weight": weight, "bias": torch.zeros(1)})
    if device.type != "cpu":
        layer.to(device)
    X = _randn((5, 6), rng, device)
    G = _randn((4, 4), rng, device)
    r = vjp(layer, X, wrt=[0], cotangent=G, params=True)
    Wr = weight.double().to(device).requires_grad_(True)
    (gW,) = torch.autograd.grad((_oracle(X.double(), Wr) * G.double()).sum(), (Wr,))
    what = "the gradients of Conv2D((2, 3)) after backward"
    if r.params.get("weight") is None or r.params.get("bias") is None:
        fail(f"{what}: weight.grad or bias.grad is None; forward must use both Parameters.")
    assert_close(r.params["weight"], gW, what=f"weight.grad of {what[4:]}", check_dtype=False,
                 why="the weight's gradient is the sum over all windows of the output's "
                     "gradient times the input window.")
    assert_close(r.params["bias"], G.double().sum().reshape(1), check_dtype=False,
                 what=f"bias.grad of {what[4:]}",
                 why="the bias is added to every output, so its gradient is the sum of the "
                     "output's gradient.")


def _gen(sub, seed):
    return make(sub, f"{FIXTURES}:generator", seed)


def _bound(kernel_size):
    return 1.0 / math.sqrt(kernel_size[0] * kernel_size[1])


@pytest.mark.points(2)
def test_learn_kernel_recovers_edge_kernel(sub, device):
    X = _edge_image(device)
    K = torch.tensor([[1.0, -1.0]], device=device)
    Y = _oracle(X, K)
    for _ in range(3):
        w = sub.learn_kernel(X, Y)
        assert_tensor(w, what="learn_kernel(X, Y) on d2l's edge example", shape=(1, 2))
        err = float((w.detach().double().cpu() - K.double().cpu()).abs().max())
        if not err < 0.1:
            fail(f"learn_kernel(X, Y) on d2l's edge example (defaults: kernel (1, 2), lr 3e-2, "
                 f"10 epochs) ended {err:.3g} away from the kernel that made Y (more than 0.1). "
                 "Each epoch: loss = sum((corr2d(X, w) - Y) ** 2), then w <- w - lr * grad.")


@pytest.mark.points(3)
def test_learn_kernel_takes_gradient_steps(sub, device, rng):
    for (h, w), kernel_size, lr, epochs in (((7, 9), (2, 3), 1e-3, 4), ((6, 8), (1, 2), 3e-2, 1),
                                          ((8, 6), (3, 1), 5e-3, 6)):
        X = _randn((h, w), rng, device)
        K_true = _randn(kernel_size, rng, device)
        Y = _oracle(X, K_true) + 0.1 * _randn((h - kernel_size[0] + 1, w - kernel_size[1] + 1),
                                               rng, device)
        seed = int(torch.randint(0, 2**31 - 1, (1,), generator=rng))
        w0 = sub.learn_kernel(X, Y, kernel_size, lr, 0, _gen(sub, seed))
        assert_tensor(w0, what=f"learn_kernel(X, Y, {kernel_size}, {lr}, 0, generator)",
                      shape=kernel_size)
        out = sub.learn_kernel(X, Y, kernel_size, lr, epochs, _gen(sub, seed))
        what = (f"learn_kernel(X of shape {(h, w)}, Y, {kernel_size}, lr={lr}, epochs={epochs}, "
                "generator)")
        expected = w0.detach().double().to(device)
        for _ in range(epochs):
            expected.requires_grad_(True)
            loss = ((_oracle(X.double(), expected) - Y.double()) ** 2).sum()
            (grad,) = torch.autograd.grad(loss, expected)
            expected = (expected - lr * grad).detach()
        assert_close(out, expected, what=what, check_dtype=False, rtol=1e-4, atol=1e-5,
                     why="starting from the kernel the same seeded generator gives (epochs=0), "
                         "each epoch must take exactly one step w <- w - lr * grad of the summed "
                         "squared error sum((corr2d(X, w) - Y) ** 2), no bias, the gradient "
                         "cleared between steps (not accumulated).")
    X = _randn((5, 5), rng, device)
    Y = _randn((4, 4), rng, device)
    w0 = sub.learn_kernel(X, Y, (2, 2), 3e-2, 0, _gen(sub, 7))
    w_lr0 = sub.learn_kernel(X, Y, (2, 2), 0.0, 5, _gen(sub, 7))
    assert_close(w_lr0, w0.detach(), what="learn_kernel(X, Y, (2, 2), lr=0.0, epochs=5, generator)",
                 check_dtype=False,
                 why="with lr = 0 no step moves the kernel: the initial kernel comes back.")


@pytest.mark.points(2)
def test_learn_kernel_initialisation(sub, device, rng):
    X = _randn((12, 14), rng, device)
    for kernel_size in ((6, 7), (1, 2), (3, 3)):
        Y = _randn((12 - kernel_size[0] + 1, 14 - kernel_size[1] + 1), rng, device)
        what = f"learn_kernel(X, Y, {kernel_size}, 3e-2, 0, generator)"
        a = sub.learn_kernel(X, Y, kernel_size, 3e-2, 0, _gen(sub, 11))
        b = sub.learn_kernel(X, Y, kernel_size, 3e-2, 0, _gen(sub, 11))
        c = sub.learn_kernel(X, Y, kernel_size, 3e-2, 0, _gen(sub, 12))
        assert_tensor(a, what=what, shape=kernel_size)
        assert_close(b, a.detach(), what=what + " called twice with generators of one seed",
                     check_dtype=False,
                     why="the initial kernel is drawn from the generator given (not from torch's "
                         "global generator), so the same seed gives the same kernel.")
        if bool(torch.equal(a.detach().cpu(), c.detach().cpu())):
            fail(f"{what}: generators of different seeds gave the same initial kernel; draw the "
                 "initial kernel from the generator argument.")
        bound = _bound(kernel_size)
        vals = torch.cat([a.detach().double().cpu().flatten(), c.detach().double().cpu().flatten()])
        if bool((vals.abs() > bound * (1 + 1e-6)).any()):
            fail(f"{what}: some initial weights lie outside (-b, b) with b = 1/sqrt(k_h*k_w) "
                 "(nn.Conv2d's default initialisation).")
    # Across many seeds the draws must fill (-b, b), not [0, b) or a narrower range.
    draws = torch.cat([sub.learn_kernel(X, Y, (3, 3), 3e-2, 0, _gen(sub, 100 + i)).detach()
                       .double().cpu().flatten() for i in range(8)])
    b = _bound((3, 3))
    if not (float(draws.min()) < -0.6 * b and float(draws.max()) > 0.6 * b
            and abs(float(draws.mean())) < 0.3 * b):
        fail("learn_kernel(X, Y, (3, 3), 3e-2, 0, generator) over 8 seeds: the initial weights do "
             "not look uniform on (-b, b), b = 1/sqrt(k_h*k_w) = 1/3; they should be centred at "
             "0 and reach close to both -b and b.")
    # Without a generator the draw comes from torch's global generator, which moves on with
    # every draw: two calls in a row start from different kernels (no fixed seed inside).
    first = sub.learn_kernel(X, Y, (3, 3), 3e-2, 0)
    second = sub.learn_kernel(X, Y, (3, 3), 3e-2, 0)
    if bool(torch.equal(first.detach().cpu(), second.detach().cpu())):
        fail("learn_kernel(X, Y, (3, 3), 3e-2, 0) called twice without a generator returned the "
             "same initial kernel: with generator=None draw from torch's global generator (do "
             "not seed it, or any generator, inside learn_kernel).")


@pytest.mark.points(1)
def test_learn_kernel_returns_detached_kernel_in_x_dtype(sub, device, rng):
    for dtype in (torch.float64, torch.float32):
        X = _edge_image(device, dtype)
        Y = _oracle(X, torch.tensor([[1.0, -1.0]], dtype=dtype, device=device))
        for epochs in (2, 0):
            what = f"learn_kernel(X, Y, (1, 2), 3e-2, {epochs}) with X of dtype {dtype}"
            w = sub.learn_kernel(X, Y, (1, 2), 3e-2, epochs)
            assert_tensor(w, what=what, shape=(1, 2), dtype=dtype, device=device,
                          why="the learned kernel has X's dtype and device, also with epochs = 0 "
                              "(the initial kernel, already cast to X's dtype and moved to its "
                              "device).")
            if w.requires_grad:
                fail(f"{what} returned a kernel that still requires grad; return it detached "
                     "(w.detach()).")
