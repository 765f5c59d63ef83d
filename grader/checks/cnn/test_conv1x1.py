"""Hidden checks for exercises/cnn/conv1x1.py (the 1 x 1 convolution as a matrix product).

Oracles: torch's conv2d and nn.Linear in float64; calls from this file do not trip the
forbidden-API tripwires (only calls from the submission's file do).
"""

import pytest
import torch
import torch.nn.functional as F

from grader.asserts import (assert_close, assert_tensor, assert_unchanged, expect_raises,
                            fail)
from grader.sandbox.host import CheckAuthoringError, cotangent_like, make, vjp

FIXTURES = "grader.sandbox.fixtures.conv"


def _oracle(X, K):
    return F.conv2d(X.double()[None], K.double())[0].to(X.dtype)


def _randn(shape, rng, device, dtype=torch.float32):
    return torch.randn(shape, generator=rng, dtype=torch.float64).to(dtype).to(device)


def _call(X, K):
    return (f"corr2d_multi_in_out_1x1(X of shape {tuple(X.shape)}, K of shape "
            f"{tuple(K.shape)})")


@pytest.mark.points(2)
def test_worked_example(sub, device):
    X = torch.tensor([[[1.0, 2.0], [3.0, 4.0]], [[10.0, 20.0], [30.0, 40.0]]], device=device)
    K = torch.tensor([[1.0, 1.0], [2.0, -1.0]], device=device).reshape(2, 2, 1, 1)
    assert_close(sub.corr2d_multi_in_out_1x1(X, K), _oracle(X, K), check_dtype=False,
                 what="corr2d_multi_in_out_1x1(X, K) on the stub's worked example",
                 why="output channel o at pixel (i, j) is sum over c of K[o, c, 0, 0] * X[c, i, j]: "
                     "the first output adds the two channels, the second is 2 * first - second.")


# (c_i, c_o, h, w): non-square, c_i != c_o both ways, single channels, a 1 x 1 image.
CASES = [(3, 2, 4, 5), (2, 5, 6, 3), (1, 4, 3, 3), (4, 1, 5, 7), (3, 3, 1, 1), (6, 2, 2, 9)]


@pytest.mark.points(3)
def test_matches_multi_channel_correlation(sub, device, rng):
    for c_i, c_o, h, w in CASES:
        X = _randn((c_i, h, w), rng, device)
        K = _randn((c_o, c_i, 1, 1), rng, device)
        assert_close(sub.corr2d_multi_in_out_1x1(X, K), _oracle(X, K), check_dtype=False,
                     what=_call(X, K),
                     why="a 1 x 1 convolution gives the same values as the general multi-channel "
                         "correlation: Y = K.reshape(c_o, c_i) @ X.reshape(c_i, h * w), reshaped "
                         "to (c_o, h, w). Mind which reshape puts the channels first.")


@pytest.mark.points(2)
def test_equals_dense_layer_at_each_pixel(sub, device, rng):
    for c_i, c_o, h, w in ((3, 4, 5, 2), (5, 2, 3, 6)):
        X = _randn((c_i, h, w), rng, device)
        K = _randn((c_o, c_i, 1, 1), rng, device)
        weight = K.double().reshape(c_o, c_i)
        expected = (X.double().permute(1, 2, 0) @ weight.t()).permute(2, 0, 1).to(X.dtype)
        out = sub.corr2d_multi_in_out_1x1(X, K)
        assert_close(out, expected, what=_call(X, K), check_dtype=False,
                     why="a 1 x 1 convolution is nn.Linear(c_i, c_o, bias=False) with weight "
                         "K[:, :, 0, 0] applied to every pixel's channel vector X[:, i, j].")
        # Moving one pixel must move only that pixel's output: channels mix, pixels never do.
        i, j = h // 2, w - 1
        X2 = X.clone()
        X2[:, i, j] = X2[:, i, j] * 2.0 + 1.0
        out2 = sub.corr2d_multi_in_out_1x1(X2, K)
        assert_tensor(out2, what=_call(X2, K), shape=(c_o, h, w))
        changed = (out2 != out).any(0).cpu()
        changed[i, j] = False
        if bool(changed.any()):
            fail(f"{_call(X, K)}: changing only pixel ({i}, {j}) of X also changed the output "
                 f"at pixel(s) {changed.nonzero().tolist()[:4]}. A 1 x 1 convolution mixes the "
                 "channels of each pixel and never mixes pixels: reshape X to (c_i, h * w), "
                 "not (h * w, c_i).")


@pytest.mark.points(1)
def test_non_contiguous_input(sub, device, rng):
    base = _randn((3, 4, 5), rng, device)            # (c_i, w, h): column-major pixels
    X = base.permute(0, 2, 1)                         # (c_i, h, w) view, not contiguous
    K = _randn((2, 3, 1, 1), rng, device)
    held = make(sub, f"{FIXTURES}:Permuted", base, (0, 2, 1))
    if held.contiguous or tuple(held.shape) != tuple(X.shape):
        raise CheckAuthoringError("the permuted input built in the sandbox is not the one this "
                                  "check describes")
    assert_close(held.call(sub.corr2d_multi_in_out_1x1, K), _oracle(X.contiguous(), K),
                 check_dtype=False, what=_call(X, K) + " with X a transposed (non-contiguous) view",
                 why="a non-contiguous X is a valid input: use reshape (which copies when it "
                     "must), not view.")


@pytest.mark.points(1)
def test_wrong_kernels_raise(sub, device, rng):
    X = _randn((3, 4, 4), rng, device)
    for kshape, why in (((2, 3, 3, 3), "a 3 x 3 kernel is not a 1 x 1 convolution"),
                        ((2, 3, 1, 2), "the kernel's spatial size must be exactly 1 x 1"),
                        ((2, 3, 3, 1), "the kernel's spatial size must be exactly 1 x 1 (its "
                                       "height too, not only its width)"),
                        ((2, 4, 1, 1), "K.shape[1] counts the input channels and must equal "
                                       "X.shape[0]"),
                        ((2, 2, 1, 1), "K.shape[1] counts the input channels and must equal "
                                       "X.shape[0]"),
                        ((2, 3), "K must be 4-D, (c_o, c_i, 1, 1)")):
        K = _randn(kshape, rng, device)
        expect_raises(ValueError, sub.corr2d_multi_in_out_1x1, X, K, what=_call(X, K),
                      why=why + "; raise ValueError.")


@pytest.mark.points(2)
def test_gradients_flow_to_input_and_kernel(sub, device, rng):
    for c_i, c_o, h, w in ((3, 2, 4, 5), (1, 3, 2, 2)):
        Xb = _randn((c_i, h, w), rng, device, torch.float64)
        Kb = _randn((c_o, c_i, 1, 1), rng, device, torch.float64)
        X, K = Xb.clone().requires_grad_(True), Kb.clone().requires_grad_(True)
        seed = int(torch.randint(0, 2**31 - 1, (1,), generator=rng))
        what = _call(X, K)
        r = vjp(sub.corr2d_multi_in_out_1x1, X, K, wrt=[0, 1], cotangent_seed=seed)
        assert_tensor(r.out, what=what, shape=(c_o, h, w))
        if not r.out.requires_grad or r.grads[0] is None or r.grads[1] is None:
            fail(f"{what} is not connected to both X and K in the autograd graph: build the "
                 "output from tensor operations (reshape, matmul), not from Python numbers, "
                 "numpy or .detach().")
        G = cotangent_like(r.out, seed).to(torch.float64)
        Xr, Kr = Xb.clone().requires_grad_(True), Kb.clone().requires_grad_(True)
        gX, gK = torch.autograd.grad((_oracle(Xr, Kr) * G).sum(), (Xr, Kr))
        why = "Y = K2 @ X2, so dX2 = K2^T @ dY and dK2 = dY @ X2^T, reshaped back."
        assert_close(r.grads[0], gX, what=f"X.grad after backward through {what}", why=why,
                     check_dtype=False)
        assert_close(r.grads[1], gK, what=f"K.grad after backward through {what}", why=why,
                     check_dtype=False)


@pytest.mark.points(2)
def test_keeps_dtype_and_device(sub, device, rng):
    for dtype in (torch.float64, torch.float16, torch.bfloat16, torch.float32):
        X = _randn((3, 4, 5), rng, device, dtype)
        K = _randn((2, 3, 1, 1), rng, device, dtype)
        what = f"{_call(X, K)} with X and K of dtype {dtype}"
        out = sub.corr2d_multi_in_out_1x1(X, K)
        assert_tensor(out, what=what, shape=(2, 4, 5), dtype=dtype, device=device,
                      why="the output keeps X's dtype and device (no .float(), no numpy round "
                          "trip, no buffer made without dtype= and device=).")
        if dtype == torch.float64:
            a, e = out.detach().cpu(), _oracle(X, K).cpu()
            coarse = torch.isclose(a, e, rtol=1e-5, atol=1e-6) & \
                ~torch.isclose(a, e, rtol=1e-12, atol=1e-12)
            if bool(coarse.any()):
                fail(f"{what}: {int(coarse.sum())} values are right only to float32 precision; "
                     "a float64 X must be computed in float64.")


@pytest.mark.points(1)
def test_does_not_modify_inputs(sub, device, rng):
    X = _randn((3, 4, 6), rng, device)
    K = _randn((5, 3, 1, 1), rng, device)
    bx, bk = X.clone(), K.clone()
    sub.corr2d_multi_in_out_1x1(X, K)
    assert_unchanged(bx, X, what=_call(X, K))
    assert_unchanged(bk, K, what=_call(X, K) + " (the kernel K)")
