"""Hidden checks for exercises/cnn/padding_stride.py (output size with total padding, and the
zero-padded, strided cross-correlation with per-side padding).

torch's conv2d in float64 is the oracle; calls from this file do not trip the forbidden-API
tripwires (only calls from the submission's file do).
"""

import pytest
import torch
import torch.nn.functional as F

from grader.asserts import (assert_close, assert_tensor, assert_unchanged, expect_raises,
                            fail)
from grader.sandbox.host import cotangent_like, vjp


def _pair(v):
    return (v, v) if isinstance(v, int) else tuple(v)


def _oracle(X, K, padding=0, stride=1):
    Y = F.conv2d(X.double()[None, None], K.double()[None, None], padding=_pair(padding),
                 stride=_pair(stride))[0, 0]
    return Y.to(X.dtype)


def _torch_shape(n, k, p, s):
    """The output shape nn.Conv2d gives for per-side padding p (total 2p)."""
    X = torch.zeros((1, 1) + tuple(n))
    return tuple(F.conv2d(X, torch.zeros((1, 1) + tuple(k)), padding=p, stride=s).shape[2:])


def _randn(shape, rng, device, dtype=torch.float32):
    return torch.randn(shape, generator=rng, dtype=torch.float64).to(dtype).to(device)


def _size(rng, low, high):
    return int(torch.randint(low, high + 1, (1,), generator=rng))


def _call(X, K, padding=0, stride=1):
    return (f"conv2d_pad_stride(X of shape {tuple(X.shape)}, K of shape {tuple(K.shape)}, "
            f"padding={padding!r}, stride={stride!r})")


def _as_pair(out):
    """(a, b) from whatever sequence came back, for value comparisons (types are checked
    by their own check)."""
    try:
        return tuple(int(v) for v in out)
    except Exception:  # noqa: BLE001 - reported as a wrong value
        return out


@pytest.mark.points(2)
def test_output_shape_matches_nn_conv2d(sub):
    for n in ((8, 8), (7, 10), (5, 3), (28, 28)):
        for k in ((1, 1), (3, 3), (5, 2), (2, 3)):
            for p in (0, 1, 2):
                for s in ((1, 1), (2, 2), (3, 2), (2, 5)):
                    if k[0] > n[0] + 2 * p or k[1] > n[1] + 2 * p:
                        continue
                    out = sub.conv_output_shape(n, k, (2 * p, 2 * p), s)
                    if _as_pair(out) != _torch_shape(n, k, p, s):
                        fail(f"conv_output_shape({n}, {k}, {(2 * p, 2 * p)}, {s}) returned "
                             f"{out!r}, which is not the shape nn.Conv2d gives with padding={p} "
                             "on each side (a total of 2p). The formula is floor((n - k + p + s) "
                             "/ s) per dimension with p the TOTAL padding.")


@pytest.mark.points(1)
def test_output_shape_with_odd_total_padding(sub):
    for n, k, p, s in (((8, 8), (3, 2), (1, 3), (1, 2)), ((9, 6), (4, 4), (3, 1), (2, 3)),
                       ((5, 7), (2, 2), (1, 0), (1, 1)), ((6, 6), (7, 2), (1, 5), (3, 4))):
        expected = tuple((n[i] - k[i] + p[i] + s[i]) // s[i] for i in range(2))
        out = sub.conv_output_shape(n, k, p, s)
        if _as_pair(out) != expected:
            fail(f"conv_output_shape({n}, {k}, {p}, {s}) returned {out!r}, which is not the "
                 "output size of d2l's formula for this TOTAL padding. An odd total (one more "
                 "row on top than at the bottom) is allowed: do not halve it or round it.")


@pytest.mark.points(1)
def test_output_shape_returns_python_ints(sub):
    for n, k, p, s in (((8, 8), (3, 3), (2, 2), (2, 2)), ((7, 5), (2, 3), (0, 1), (1, 2))):
        out = sub.conv_output_shape(n, k, p, s)
        what = f"conv_output_shape({n}, {k}, {p}, {s})"
        if not isinstance(out, tuple) or len(out) != 2:
            fail(f"{what} returned {type(out).__name__}; return a tuple of two ints "
                 "(out_h, out_w).")
        if not all(type(v) is int for v in out):
            fail(f"{what} returned a tuple of {[type(v).__name__ for v in out]}; both sizes must "
                 "be Python ints (use // for floor division, not / with math.floor on floats "
                 "or torch tensors).")


@pytest.mark.points(1)
def test_output_shape_invalid_arguments_raise(sub):
    cases = [((0, 5), (1, 1), (0, 0), (1, 1)), ((5, 5), (0, 2), (0, 0), (1, 1)),
             ((5, 5), (2, 2), (-1, 0), (1, 1)), ((5, 5), (2, 2), (0, 0), (1, 0)),
             ((5, 5), (6, 2), (0, 0), (1, 1)), ((5, 5), (2, 8), (2, 2), (1, 1)),
             ((4, 4), (2, 2), (0, -2), (1, 1))]
    for n, k, p, s in cases:
        expect_raises(ValueError, sub.conv_output_shape, n, k, p, s,
                      what=f"conv_output_shape({n}, {k}, {p}, {s})",
                      why="sizes, kernels and strides must be at least 1, paddings at least 0, "
                          "and the kernel must fit into the padded input (k <= n + p).")
    out = sub.conv_output_shape((5, 5), (7, 2), (2, 0), (1, 1))
    if _as_pair(out) != (1, 4):
        fail(f"conv_output_shape((5, 5), (7, 2), (2, 0), (1, 1)) returned {out!r}: a kernel "
             "larger than the input but not larger than the padded input (k <= n + p) is "
             "valid.")


D2L_CASES = [(3, 1, 1), ((5, 3), (2, 1), 1), (3, 1, 2), ((3, 5), (0, 1), (3, 4))]


@pytest.mark.points(2)
def test_d2l_examples(sub, device, rng):
    X = _randn((8, 8), rng, device)
    for kernel, padding, stride in D2L_CASES:
        K = _randn(_pair(kernel), rng, device)
        assert_close(sub.conv2d_pad_stride(X, K, padding, stride), _oracle(X, K, padding, stride),
                     what=_call(X, K, padding, stride), check_dtype=False,
                     why="d2l's examples on an 8 x 8 input (8 x 8, 8 x 8, 4 x 4 and 2 x 2 "
                         "outputs): pad `padding` zeros on each side, then move the window "
                         "`stride` cells at a time.")


@pytest.mark.points(2)
def test_stride_moves_the_window(sub, device, rng):
    for stride in (2, 3, (2, 1), (1, 3), (3, 2)):
        X = _randn((_size(rng, 7, 12), _size(rng, 7, 12)), rng, device)
        K = _randn((_size(rng, 1, 4), _size(rng, 1, 4)), rng, device)
        assert_close(sub.conv2d_pad_stride(X, K, 0, stride), _oracle(X, K, 0, stride),
                     what=_call(X, K, 0, stride), check_dtype=False,
                     why="with stride s the window starts at rows 0, s, 2s, ... (and columns "
                         "likewise), as long as it fits; a last window that would stick out is "
                         "dropped.")


@pytest.mark.points(2)
def test_padding_is_per_side_and_zero(sub, device, rng):
    for padding in (1, 2, (1, 0), (0, 2), (2, 1)):
        X = (torch.rand((_size(rng, 4, 8), _size(rng, 4, 8)), generator=rng,
                        dtype=torch.float64) + 1.0).float().to(device)
        K = _randn((_size(rng, 2, 3), _size(rng, 1, 3)), rng, device)
        assert_close(sub.conv2d_pad_stride(X, K, padding, 1), _oracle(X, K, padding, 1),
                     what=_call(X, K, padding, 1), check_dtype=False,
                     why="`padding` follows PyTorch's nn.Conv2d: p zero rows on top AND p at the "
                         "bottom (p columns left AND right), a total of 2p per dimension, not "
                         "d2l's total p split over two sides. Padded cells are 0.")


@pytest.mark.points(2)
def test_tuple_arguments_are_height_then_width(sub, device, rng):
    for padding, stride in (((2, 0), (1, 3)), ((0, 1), (3, 1)), ((1, 3), (2, 2)),
                            (1, (1, 2)), ((2, 1), 3)):
        X = _randn((_size(rng, 6, 9), _size(rng, 10, 13)), rng, device)
        K = _randn((_size(rng, 1, 3), _size(rng, 2, 4)), rng, device)
        assert_close(sub.conv2d_pad_stride(X, K, padding, stride),
                     _oracle(X, K, padding, stride), what=_call(X, K, padding, stride),
                     check_dtype=False,
                     why="a pair means (height, width): the first number applies to the rows "
                         "(dimension 0), the second to the columns (dimension 1).")


@pytest.mark.points(1)
def test_large_padding_and_stride_are_allowed(sub, device, rng):
    X = _randn((4, 5), rng, device)
    for K, padding, stride in ((_randn((2, 2), rng, device), 3, 1),
                               (_randn((3, 2), rng, device), (4, 2), 2),
                               (_randn((2, 3), rng, device), 0, 6),
                               (_randn((1, 1), rng, device), 1, (9, 9)),
                               (_randn((6, 7), rng, device), (1, 1), 1)):
        assert_close(sub.conv2d_pad_stride(X, K, padding, stride),
                     _oracle(X, K, padding, stride), what=_call(X, K, padding, stride),
                     check_dtype=False,
                     why="a padding larger than the kernel, a stride larger than the input (one "
                         "window per dimension), and a kernel larger than X that fits the padded "
                         "input are all valid.")


@pytest.mark.points(1)
def test_invalid_arguments_raise(sub, device, rng):
    X = _randn((5, 6), rng, device)
    K = _randn((3, 3), rng, device)
    for padding, stride in ((-1, 1), ((0, -1), 1), (0, 0), (1, (1, 0)), (0, -2)):
        expect_raises(ValueError, sub.conv2d_pad_stride, X, K, padding, stride,
                      what=_call(X, K, padding, stride),
                      why="padding must be >= 0 and stride >= 1.")
    for Kshape, padding in (((6, 2), 0), ((2, 9), 1), ((8, 8), (1, 1))):
        Kb = _randn(Kshape, rng, device)
        expect_raises(ValueError, sub.conv2d_pad_stride, X, Kb, padding, 1,
                      what=_call(X, Kb, padding, 1),
                      why="a kernel larger than the padded input (k > n + 2p) fits nowhere.")


@pytest.mark.points(2)
def test_gradients_flow_to_input_and_kernel(sub, device, rng):
    for (h, w), (kh, kw), padding, stride in (((6, 7), (3, 2), 1, 2), ((5, 5), (2, 3), (2, 0), 1),
                                              ((7, 4), (3, 3), (1, 1), (2, 3))):
        Xb = _randn((h, w), rng, device, torch.float64)
        Kb = _randn((kh, kw), rng, device, torch.float64)
        X, K = Xb.clone().requires_grad_(True), Kb.clone().requires_grad_(True)
        seed = int(torch.randint(0, 2**31 - 1, (1,), generator=rng))
        what = _call(X, K, padding, stride)
        expected_shape = tuple(_oracle(Xb, Kb, padding, stride).shape)
        r = vjp(sub.conv2d_pad_stride, X, K, padding, stride, wrt=[0, 1], cotangent_seed=seed)
        assert_tensor(r.out, what=what, shape=expected_shape)
        if not r.out.requires_grad or r.grads[0] is None or r.grads[1] is None:
            fail(f"{what} is not connected to both X and K in the autograd graph: build the "
                 "output from tensor operations (F.pad, slicing, unfold, *, sum), not from "
                 "Python numbers or .detach().")
        G = cotangent_like(r.out, seed).to(torch.float64)
        Xr, Kr = Xb.clone().requires_grad_(True), Kb.clone().requires_grad_(True)
        gX, gK = torch.autograd.grad((_oracle(Xr, Kr, padding, stride) * G).sum(), (Xr, Kr))
        why = ("X cells under no window (skipped by the stride) get zero gradient; the "
               "padded zeros are not part of X and take none.")
        assert_close(r.grads[0], gX, what=f"X.grad after backward through {what}", why=why,
                     check_dtype=False)
        assert_close(r.grads[1], gK, what=f"K.grad after backward through {what}", why=why,
                     check_dtype=False)


@pytest.mark.points(2)
def test_keeps_dtype_and_device(sub, device, rng):
    for dtype in (torch.float64, torch.float16, torch.bfloat16, torch.float32):
        X = _randn((7, 8), rng, device, dtype)
        K = _randn((3, 2), rng, device, dtype)
        what = f"{_call(X, K, 1, 2)} with X and K of dtype {dtype}"
        out = sub.conv2d_pad_stride(X, K, 1, 2)
        assert_tensor(out, what=what, shape=(4, 5), dtype=dtype, device=device,
                      why="the output keeps X's dtype and device (F.pad and unfold keep them; a "
                          "torch.zeros buffer without dtype= and device= does not).")
        if dtype == torch.float64:
            a, e = out.detach().cpu(), _oracle(X, K, 1, 2).cpu()
            coarse = torch.isclose(a, e, rtol=1e-5, atol=1e-6) & \
                ~torch.isclose(a, e, rtol=1e-12, atol=1e-12)
            if bool(coarse.any()):
                fail(f"{what}: {int(coarse.sum())} values are right only to float32 precision; "
                     "a float64 X must be computed in float64.")


@pytest.mark.points(1)
def test_does_not_modify_inputs(sub, device, rng):
    for padding, stride in ((1, 2), (0, 1), ((2, 1), (1, 2))):
        X = _randn((6, 7), rng, device)
        K = _randn((3, 2), rng, device)
        bx, bk = X.clone(), K.clone()
        sub.conv2d_pad_stride(X, K, padding, stride)
        assert_unchanged(bx, X, what=_call(X, K, padding, stride))
        assert_unchanged(bk, K, what=_call(X, K, padding, stride) + " (the kernel K)")
