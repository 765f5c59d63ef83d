"""Hidden checks for exercises/cnn/multi_channel.py (multi-input and multi-output channel
cross-correlation).

torch's conv2d in float64 is the oracle; calls from this file do not trip the forbidden-API
tripwires (only calls from the submission's file do).
"""

import pytest
import torch
import torch.nn.functional as F

from grader.asserts import (assert_close, assert_tensor, assert_unchanged, expect_raises,
                            fail)
from grader.sandbox.host import cotangent_like, vjp


def _oracle_in(X, K):
    return F.conv2d(X.double()[None], K.double()[None])[0, 0].to(X.dtype)


def _oracle_in_out(X, K):
    return F.conv2d(X.double()[None], K.double())[0].to(X.dtype)


def _randn(shape, rng, device, dtype=torch.float32):
    return torch.randn(shape, generator=rng, dtype=torch.float64).to(dtype).to(device)


def _size(rng, low, high):
    return int(torch.randint(low, high + 1, (1,), generator=rng))


def _call(name, X, K):
    return f"{name}(X of shape {tuple(X.shape)}, K of shape {tuple(K.shape)})"


def _d2l_inputs(device):
    X = torch.tensor([[[0.0, 1.0, 2.0], [3.0, 4.0, 5.0], [6.0, 7.0, 8.0]],
                      [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0], [7.0, 8.0, 9.0]]], device=device)
    K = torch.tensor([[[0.0, 1.0], [2.0, 3.0]], [[1.0, 2.0], [3.0, 4.0]]], device=device)
    return X, K


# (c_i, h, w, k_h, k_w)
IN_CASES = [(3, 5, 7, 2, 3), (1, 6, 6, 3, 3), (4, 8, 5, 1, 2), (2, 7, 9, 4, 1), (5, 4, 4, 4, 4)]


@pytest.mark.points(2)
def test_d2l_example_multi_in(sub, device):
    X, K = _d2l_inputs(device)
    assert_close(sub.corr2d_multi_in(X, K), _oracle_in(X, K), check_dtype=False,
                 what="corr2d_multi_in(X, K) on d2l's two-channel example",
                 why="each input channel is cross-correlated with its own kernel slice and the "
                     "two 2 x 2 results are added into one map.")


@pytest.mark.points(3)
def test_multi_in_sums_over_channels(sub, device, rng):
    for c_i, h, w, k_h, k_w in IN_CASES:
        X = _randn((c_i, h, w), rng, device)
        K = _randn((c_i, k_h, k_w), rng, device)
        assert_close(sub.corr2d_multi_in(X, K), _oracle_in(X, K), check_dtype=False,
                     what=_call("corr2d_multi_in", X, K),
                     why="Y = sum over c of corr2d(X[c], K[c]): channel c meets kernel slice c "
                         "only, and the per-channel maps are summed (not averaged, not "
                         "concatenated). One input channel is just corr2d.")


@pytest.mark.points(2)
def test_d2l_example_stacked_kernels(sub, device):
    X, K = _d2l_inputs(device)
    K3 = torch.stack((K, K + 1, K + 2), 0)
    assert_close(sub.corr2d_multi_in_out(X, K3), _oracle_in_out(X, K3), check_dtype=False,
                 what="corr2d_multi_in_out(X, stack((K, K + 1, K + 2))) on d2l's example",
                 why="three kernels give three output channels, stacked on a new dimension 0; "
                     "output channel o is corr2d_multi_in(X, K[o]).")


@pytest.mark.points(3)
def test_multi_in_out_matches_conv2d(sub, device, rng):
    for c_o, (c_i, h, w, k_h, k_w) in zip((4, 1, 3, 2, 5), IN_CASES):
        X = _randn((c_i, h, w), rng, device)
        K = _randn((c_o, c_i, k_h, k_w), rng, device)
        assert_close(sub.corr2d_multi_in_out(X, K), _oracle_in_out(X, K), check_dtype=False,
                     what=_call("corr2d_multi_in_out", X, K),
                     why="with a (c_o, c_i, k_h, k_w) kernel, output channel o sums the "
                         "correlations of every input channel c with K[o, c]; the c_o maps are "
                         "stacked along dimension 0.")


@pytest.mark.points(1)
def test_channel_mismatch_raises(sub, device, rng):
    X = _randn((3, 6, 6), rng, device)
    for K in (_randn((2, 2, 2), rng, device), _randn((4, 3, 3), rng, device)):
        expect_raises(ValueError, sub.corr2d_multi_in, X, K, what=_call("corr2d_multi_in", X, K),
                      why="X and K must have the same number of input channels; d2l's zip() "
                          "would silently use only the shorter one.")
    for K in (_randn((2, 2, 3, 3), rng, device), _randn((3, 4, 2, 2), rng, device)):
        expect_raises(ValueError, sub.corr2d_multi_in_out, X, K,
                      what=_call("corr2d_multi_in_out", X, K),
                      why="K's dimension 1 counts the input channels and must equal X's c_i.")


@pytest.mark.points(1)
def test_kernel_larger_than_input_raises(sub, device, rng):
    X = _randn((2, 4, 5), rng, device)
    for kshape in ((5, 2), (2, 6)):
        K = _randn((2,) + kshape, rng, device)
        expect_raises(ValueError, sub.corr2d_multi_in, X, K, what=_call("corr2d_multi_in", X, K),
                      why="a kernel larger than the input fits nowhere.")
        K = _randn((3, 2) + kshape, rng, device)
        expect_raises(ValueError, sub.corr2d_multi_in_out, X, K,
                      what=_call("corr2d_multi_in_out", X, K),
                      why="a kernel larger than the input fits nowhere.")


@pytest.mark.points(2)
def test_gradients_flow_to_input_and_kernel(sub, device, rng):
    for name, kshape, oracle in (("corr2d_multi_in", (3, 2, 3), _oracle_in),
                                 ("corr2d_multi_in_out", (2, 3, 3, 2), _oracle_in_out)):
        Xb = _randn((3, 5, 6), rng, device, torch.float64)
        Kb = _randn(kshape, rng, device, torch.float64)
        X, K = Xb.clone().requires_grad_(True), Kb.clone().requires_grad_(True)
        seed = int(torch.randint(0, 2**31 - 1, (1,), generator=rng))
        what = _call(name, X, K)
        r = vjp(getattr(sub, name), X, K, wrt=[0, 1], cotangent_seed=seed)
        assert_tensor(r.out, what=what, shape=tuple(oracle(Xb, Kb).shape))
        if not r.out.requires_grad or r.grads[0] is None or r.grads[1] is None:
            fail(f"{what} is not connected to both X and K in the autograd graph: build the "
                 "output from tensor operations, not from Python numbers or .detach().")
        G = cotangent_like(r.out, seed).to(torch.float64)
        Xr, Kr = Xb.clone().requires_grad_(True), Kb.clone().requires_grad_(True)
        gX, gK = torch.autograd.grad((oracle(Xr, Kr) * G).sum(), (Xr, Kr))
        why = ("each input channel's gradient comes from its own kernel slice (of every output "
               "channel); each kernel slice's gradient comes from its own input channel.")
        assert_close(r.grads[0], gX, what=f"X.grad after backward through {what}", why=why,
                     check_dtype=False)
        assert_close(r.grads[1], gK, what=f"K.grad after backward through {what}", why=why,
                     check_dtype=False)


@pytest.mark.points(2)
def test_keeps_dtype_and_device(sub, device, rng):
    for dtype in (torch.float64, torch.float16, torch.bfloat16, torch.float32):
        X = _randn((3, 6, 5), rng, device, dtype)
        for name, K, oracle, shape in (
                ("corr2d_multi_in", _randn((3, 2, 2), rng, device, dtype), _oracle_in, (5, 4)),
                ("corr2d_multi_in_out", _randn((2, 3, 2, 2), rng, device, dtype), _oracle_in_out,
                 (2, 5, 4))):
            what = f"{_call(name, X, K)} with X and K of dtype {dtype}"
            out = getattr(sub, name)(X, K)
            assert_tensor(out, what=what, shape=shape, dtype=dtype, device=device,
                          why="the output keeps X's dtype and device: a torch.zeros buffer "
                              "without dtype= and device= is float32 on the CPU.")
            if dtype == torch.float64:
                a, e = out.detach().cpu(), oracle(X, K).cpu()
                coarse = torch.isclose(a, e, rtol=1e-5, atol=1e-6) & \
                    ~torch.isclose(a, e, rtol=1e-12, atol=1e-12)
                if bool(coarse.any()):
                    fail(f"{what}: {int(coarse.sum())} values are right only to float32 "
                         "precision; a float64 X must be computed in float64.")


@pytest.mark.points(1)
def test_does_not_modify_inputs(sub, device, rng):
    X = _randn((3, 6, 7), rng, device)
    for name, K in (("corr2d_multi_in", _randn((3, 2, 3), rng, device)),
                    ("corr2d_multi_in_out", _randn((4, 3, 2, 2), rng, device))):
        bx, bk = X.clone(), K.clone()
        getattr(sub, name)(X, K)
        assert_unchanged(bx, X, what=_call(name, X, K))
        assert_unchanged(bk, K, what=_call(name, X, K) + " (the kernel K)")
