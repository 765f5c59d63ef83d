"""Hidden checks for exercises/cnn/pooling.py (2-D max and average pooling).

torch's own pooling is the oracle here; calls from this file do not trip the forbidden-API
tripwires (only calls from the submission's file do).
"""

import pytest
import torch
import torch.nn.functional as F

from grader.asserts import assert_close, assert_tensor, assert_unchanged, expect_raised, fail
from grader.sandbox.host import CheckAuthoringError, call_each, cotangent_like, make, vjp

MODES = ("max", "avg")


def _torch_pool(X, pool_size, stride=None, padding=0, mode="max"):
    """What torch's max_pool2d / avg_pool2d (defaults) give, for any of the allowed ranks."""
    fn = F.max_pool2d if mode == "max" else F.avg_pool2d
    if X.dim() == 2:
        return fn(X.unsqueeze(0), pool_size, stride, padding).squeeze(0)
    return fn(X, pool_size, stride, padding)


def _call(X, pool_size, stride=None, padding=0, mode="max", omit_stride=False):
    """Text for a call, shown in messages (never the expected values)."""
    args = [f"X of shape {tuple(X.shape)}", repr(pool_size)]
    if not omit_stride:
        args.append(f"stride={stride!r}")
    if padding != 0:
        args.append(f"padding={padding!r}")
    args.append(f"mode={mode!r}")
    return f"pool2d({', '.join(args)})"


def _randn(shape, rng, device, dtype=torch.float32):
    return torch.randn(shape, generator=rng, dtype=torch.float64).to(dtype).to(device)


def _size(rng, low, high):
    return int(torch.randint(low, high + 1, (1,), generator=rng))


def _args(X, pool_size, stride, padding, mode, omit_stride=False):
    """(args, kwargs) of the call a case makes."""
    if omit_stride:
        return (X, pool_size), {"padding": padding, "mode": mode}
    return (X, pool_size, stride, padding, mode), {}


def _outputs(sub, cases):
    """pool2d's output for each (X, pool_size, stride, padding, mode[, omit_stride]) case,
    in order (the calls share round trips; a call that raised raises when its turn comes)."""
    for outcome in call_each(sub.pool2d, [_args(*case) for case in cases]):
        yield outcome.get()


def _compare_all(sub, cases, why):
    """Each case's output against torch's, in order: the first wrong one fails."""
    for case, out in zip(cases, _outputs(sub, cases)):
        X, pool_size, stride, padding, mode, *omit = case
        assert_close(out, _torch_pool(X, pool_size, stride, padding, mode),
                     what=_call(X, pool_size, stride, padding, mode, *omit), why=why)


# (pool_size, stride, padding) with int arguments; the input size is drawn around them.
INT_CASES = [
    (2, 2, 0),
    (3, 1, 1),
    (3, 2, 1),  # overlapping windows
    (2, 3, 0),  # stride larger than the window: some cells belong to no window
    (4, 2, 2),  # padding exactly half of the window is allowed
    (1, 1, 0),
]


def _check_mode_on_every_rank(sub, device, rng, mode):
    cases = []
    for pool_size, stride, padding in INT_CASES:
        for lead in ((), (3,), (2, 3)):
            H = _size(rng, max(pool_size - 2 * padding, 1), 11)
            W = _size(rng, max(pool_size - 2 * padding, 1), 11)
            cases.append((_randn(lead + (H, W), rng, device), pool_size, stride, padding, mode))
    _compare_all(sub, cases,
                 why=f"{mode} pooling takes the {'maximum' if mode == 'max' else 'mean'} of "
                     "each window, moved by the stride over the padded input, separately "
                     "for every 2-D slice of X (inputs of 2, 3 and 4 dimensions).")
    # Permuted (channels-last) memory is a valid input too, though not contiguous. Tensors
    # cross to the sandbox as contiguous data, so the permuted view is made there.
    base = _randn((2, 9, 8, 3), rng, device)
    X = base.permute(0, 3, 1, 2)
    held = make(sub, "grader.sandbox.fixtures.pooling:Permuted", base, (0, 3, 1, 2))
    if held.contiguous or tuple(held.shape) != tuple(X.shape):
        raise CheckAuthoringError("the permuted input built in the sandbox is not the one "
                                  "this check describes")
    assert_close(held.call(sub.pool2d, 3, 2, 1, mode), _torch_pool(X, 3, 2, 1, mode),
                 what=_call(X, 3, 2, 1, mode) + " with X a permuted (channels-last) view",
                 why=f"a permuted, non-contiguous X (channels-last memory) is a valid input; "
                     f"{mode} pooling must work on it too (reshape copies when needed, view "
                     "cannot).")


@pytest.mark.points(2)
def test_d2l_example(sub, device):
    X = torch.arange(9, dtype=torch.float32, device=device).reshape(3, 3)
    expected = {"max": torch.tensor([[4.0, 5.0], [7.0, 8.0]], device=device),
                "avg": torch.tensor([[2.0, 3.0], [5.0, 6.0]], device=device)}
    for mode in MODES:
        for pool_size in (2, (2, 2)):
            out = sub.pool2d(X, pool_size, stride=1, mode=mode)
            assert_close(out, expected[mode],
                         what=f"pool2d(arange(9).reshape(3, 3), {pool_size!r}, stride=1, "
                              f"mode={mode!r})",
                         why="a 2x2 window moved by 1 over a 3x3 input visits 2x2 positions; each "
                             "output is the max (or the mean) of the 4 cells under the window.")


@pytest.mark.points(2)
def test_max_pooling_matches_torch(sub, device, rng):
    _check_mode_on_every_rank(sub, device, rng, "max")


@pytest.mark.points(2)
def test_avg_pooling_matches_torch(sub, device, rng):
    _check_mode_on_every_rank(sub, device, rng, "avg")


@pytest.mark.points(2)
def test_default_stride_is_the_window(sub, device, rng):
    cases = []
    for pool_size in (2, 3, (2, 3), (3, 1)):
        X = _randn((2, 3, _size(rng, 6, 10), _size(rng, 6, 10)), rng, device)
        cases += [(X, pool_size, None, 0, mode, True) for mode in MODES]
    _compare_all(sub, cases,
                 why="without a stride the window moves by its own size (stride = pool_size, "
                     "per axis), as in torch and d2l's framework layers: windows tile the "
                     "input without overlapping.")
    X = _randn((2, 2, 7, 8), rng, device)
    out = sub.pool2d(X, 2, padding=1)
    assert_close(out, _torch_pool(X, 2, None, 1), what=_call(X, 2, None, 1, omit_stride=True),
                 why="stride=None still means stride = pool_size when there is padding.")


@pytest.mark.points(2)
def test_stride_moves_the_window(sub, device, rng):
    cases = []
    for pool_size, stride in ((2, 1), (3, 2), (2, 4), (3, 3)):
        X = _randn((3, _size(rng, 8, 12), _size(rng, 8, 12)), rng, device)
        cases += [(X, pool_size, stride, 0, mode) for mode in MODES]
    _compare_all(sub, cases,
                 why="the window must move by `stride` cells between neighbouring outputs, "
                     "in both directions.")


@pytest.mark.points(2)
def test_tuple_arguments_are_height_then_width(sub, device, rng):
    cases = [
        ((2, 3), (1, 2), (1, 0)),
        ((3, 2), (2, 1), (0, 1)),
        ((1, 4), (1, 3), (0, 2)),
        ((3, 1), 2, (1, 0)),
        (2, (1, 3), (1, 0)),
        ((4, 2), (3, 1), 1),
    ]
    calls = []
    for pool_size, stride, padding in cases:
        X = _randn((2, 2, _size(rng, 7, 9), _size(rng, 10, 13)), rng, device)
        calls += [(X, pool_size, stride, padding, mode) for mode in MODES]
    _compare_all(sub, calls,
                 why="a pair means (height, width): the first number applies to dimension -2 "
                     "(rows, H) and the second to dimension -1 (columns, W); an int means the "
                     "same value for both.")


@pytest.mark.points(2)
def test_output_shape_formula(sub, device, rng):
    # Every case has (H + 2p - k) not divisible by s on at least one axis, so rounding matters.
    cases = [
        (7, 8, 2, 2, 0),
        (10, 9, 3, 2, 1),
        (10, 7, 3, 4, 0),
        (8, 11, (3, 2), (2, 3), (1, 1)),
        (5, 6, 4, 3, 2),
        (6, 6, 5, 2, 2),
        (4, 5, 3, (2, 2), 0),
    ]
    calls, shapes = [], []
    for H, W, pool_size, stride, padding in cases:
        k_h, k_w = pool_size if isinstance(pool_size, tuple) else (pool_size, pool_size)
        s_h, s_w = stride if isinstance(stride, tuple) else (stride, stride)
        p_h, p_w = padding if isinstance(padding, tuple) else (padding, padding)
        shape = (2, 3, (H + 2 * p_h - k_h) // s_h + 1, (W + 2 * p_w - k_w) // s_w + 1)
        X = _randn((2, 3, H, W), rng, device)
        calls += [(X, pool_size, stride, padding, mode) for mode in MODES]
        shapes += [shape, shape]
    for call, shape, out in zip(calls, shapes, _outputs(sub, calls)):
        assert_tensor(out, what=_call(*call), shape=shape,
                      why="each spatial size is floor((H + 2p - k) / s) + 1: a window that "
                          "would stick out past the padded input is dropped, not kept (no "
                          "ceil), and no window is lost either.")
    X = _randn((1, 1, 5, 5), rng, device)
    for mode in MODES:
        out = sub.pool2d(X, 5, 1, 0, mode)
        assert_tensor(out, what=_call(X, 5, 1, 0, mode), shape=(1, 1, 1, 1),
                      why="a window exactly as large as the input fits once.")


@pytest.mark.points(2)
def test_max_padding_never_wins(sub, device, rng):
    cases = [(3, 1, 1), (2, 2, 1), (3, 2, 1), ((4, 2), (3, 1), (2, 1)), (5, 2, 2)]
    calls = []
    for pool_size, stride, padding in cases:
        for lead in ((), (2, 3)):
            X = -(torch.rand(lead + (_size(rng, 5, 9), _size(rng, 5, 9)), generator=rng,
                             dtype=torch.float64) + 0.5).float().to(device)
            calls.append((X, pool_size, stride, padding, "max"))
    _compare_all(sub, calls,
                 why="in max pooling the padding acts like -infinity: a padded cell never "
                     "wins. With all-negative inputs every output must still be one of the "
                     "input values, never the 0 of a zero padding.")


@pytest.mark.points(2)
def test_avg_padding_counts_zeros(sub, device, rng):
    cases = [(3, 1, 1), (2, 2, 1), (3, 2, 1), ((4, 2), (3, 1), (2, 1)), (5, 2, 2)]
    calls = []
    for pool_size, stride, padding in cases:
        for lead in ((), (2, 3)):
            X = (torch.rand(lead + (_size(rng, 5, 9), _size(rng, 5, 9)), generator=rng,
                            dtype=torch.float64) + 1.0).float().to(device)
            calls.append((X, pool_size, stride, padding, "avg"))
    _compare_all(sub, calls,
                 why="in average pooling the padded cells are zeros that count: every window, "
                     "also at the border, is divided by k_h * k_w (torch's default "
                     "count_include_pad=True).")


@pytest.mark.points(2)
def test_channels_are_pooled_independently(sub, device, rng):
    cases = []
    for shape, pool_size, stride, padding in (((2, 4, 8, 9), 2, None, 0),
                                              ((2, 3, 9, 8), 3, 2, 1),
                                              ((5, 7, 6), (2, 3), (1, 2), (1, 0))):
        X = _randn(shape, rng, device)
        for mode in MODES:
            index = tuple(_size(rng, 0, n - 1) for n in shape[:-2])
            X2 = X.clone()
            X2[index] = X2[index] * 3.0 + 10.0
            cases.append((X, X2, index, (pool_size, stride, padding, mode)))
    outputs = _outputs(sub, [(X_, *rest) for X, X2, _, rest in cases for X_ in (X, X2)])
    for X, X2, index, (pool_size, stride, padding, mode) in cases:
        what = _call(X, pool_size, stride, padding, mode)
        before = next(outputs)
        assert_close(before, _torch_pool(X, pool_size, stride, padding, mode), what=what,
                     why="each channel (of each example) is pooled on its own, so the output "
                         "keeps the number of channels.")
        after = next(outputs)
        assert_tensor(after, what=what, shape=tuple(before.shape))
        changed = (after != before).flatten(-2).any(-1).cpu()
        others = changed.clone()
        others[index] = False
        if bool(others.any()):
            fail(f"{what}: changing only channel {index} of X also changed the output of "
                 f"channel(s) {[tuple(i) for i in others.nonzero().tolist()][:4]}. Pooling "
                 "never mixes channels (or examples): fusing channels is left to the "
                 "convolution.")
        if not bool(changed[index]):
            fail(f"{what}: changing channel {index} of X did not change that channel's "
                 "output; every output channel must be pooled from its own input channel.")


@pytest.mark.points(1)
def test_invalid_mode_raises(sub, device, rng):
    X = _randn((1, 2, 6, 6), rng, device)
    cases = [(X, 2, 2, padding, mode) for mode in ("min", "mean", "average", "sum", "")
             for padding in (0, 1)]
    _expect_value_errors(sub, cases,
                         why="mode must be exactly 'max' or 'avg'; anything else is a mistake "
                             "the caller should hear about, not silently get another pooling.")


def _expect_value_errors(sub, cases, why):
    """Each case's call must raise ValueError (in order: the first that does not fails)."""
    for case, outcome in zip(cases, call_each(sub.pool2d, [_args(*c) for c in cases])):
        expect_raised(ValueError, outcome, what=_call(*case), why=why)


@pytest.mark.points(1)
def test_padding_larger_than_half_window_raises(sub, device, rng):
    X = _randn((1, 2, 8, 8), rng, device)
    cases = [(X, pool_size, 1, padding, mode)
             for pool_size, padding in ((2, 2), (3, 2), (1, 1), ((3, 4), (2, 1)),
                                        ((4, 2), (2, 2)), (4, 3))
             for mode in MODES]
    _expect_value_errors(sub, cases,
                         why="padding may be at most half of the window on each axis "
                             "(p <= k / 2, torch's limit); with more, some windows would see "
                             "only padding.")
    _compare_all(sub, [(X, (4, 2), 1, (2, 1), mode) for mode in MODES],
                 why="padding of exactly half the window (p = k / 2) is allowed.")


@pytest.mark.points(1)
def test_window_larger_than_padded_input_raises(sub, device, rng):
    cases = []
    for shape, pool_size, padding in (((1, 1, 3, 8), 4, 0), ((2, 5, 3), (2, 6), (0, 1)),
                                      ((2, 7), (5, 2), (1, 0)), ((1, 2, 6, 6), 7, 0)):
        X = _randn(shape, rng, device)
        cases += [(X, pool_size, 1, padding, mode) for mode in MODES]
    _expect_value_errors(sub, cases,
                         why="a window larger than the padded input fits nowhere: there is no "
                             "output, which is an error (check it before slicing).")
    cases = []
    for shape, pool_size, padding in (((1, 2, 3, 3), 5, 1), ((2, 4), (4, 2), (1, 0))):
        X = _randn(shape, rng, device)
        cases += [(X, pool_size, 1, padding, mode) for mode in MODES]
    _compare_all(sub, cases,
                 why="the window is larger than X but fits into the padded input "
                     "(k <= H + 2p), so this is valid.")


@pytest.mark.points(1)
def test_does_not_modify_input(sub, device, rng):
    cases = []
    for mode in MODES:
        for lead in ((), (2, 3)):
            for pool_size, stride, padding in ((3, 2, 1), (2, None, 0)):
                X = _randn(lead + (7, 8), rng, device)
                cases.append((X.clone(), (X, pool_size, stride, padding, mode)))
    for (before, case), outcome in zip(cases, call_each(sub.pool2d,
                                                        [_args(*c) for _, c in cases])):
        outcome.get()
        assert_unchanged(before, case[0], what=_call(*case))


def _routing_tolerance(out):
    """Tolerance for comparing gradients: the routing, not the precision, is under test.

    Routing mistakes (a wrong winner, a wrong divisor, a window counted twice or not at all)
    are off by a sizeable fraction of the cotangent. Rounding is not: an output in float32
    (or a float32 computation inside) rounds the gradient at about 1e-7, far below any
    routing mistake, and the output's dtype has its own check. So the tolerance is that of
    float32, or of the output's dtype when that is coarser.
    """
    eps = torch.finfo(out.dtype).eps if out.dtype.is_floating_point else 0.0
    return max(1e-5, 16 * eps)


def _gradient_case(sub, device, rng, mode, why):
    for pool_size, stride, padding in ((3, 2, 1), ((2, 3), (1, 2), (1, 0)), (2, None, 0)):
        # Continuous random values: no ties inside a window, so the winner is unique.
        base = torch.randn((2, 3, 7, 8), generator=rng, dtype=torch.float64).to(device)
        X = base.clone().requires_grad_(True)
        X_ref = base.clone().requires_grad_(True)
        what = _call(X, pool_size, stride, padding, mode)
        expected = _torch_pool(X_ref, pool_size, stride, padding, mode)
        seed = int(torch.randint(0, 2**31 - 1, (1,), generator=rng))
        # The cotangent is built for whatever shape comes back, so a wrong shape is reported
        # by the shape check below rather than as a mismatch inside the backward pass.
        result = vjp(sub.pool2d, X, pool_size, stride, padding, mode, wrt=[0],
                     cotangent_seed=seed)
        out = result.out
        assert_tensor(out, what=what, shape=tuple(expected.shape))
        if not out.requires_grad:
            fail(f"{what} is not connected to X in the autograd graph (requires_grad is False): "
                 "build the output from X with differentiable tensor operations, not from Python "
                 "numbers or .detach()/.item().")
        if result.grads[0] is None:
            fail(f"X.grad is None after backward through {what}.")
        # The very cotangent the sandbox used: it was drawn in the output's dtype, so an output
        # in float32 got a float32-rounded one. The reference routes that same cotangent.
        G = cotangent_like(out, seed).to(torch.float64)
        (expected * G).sum().backward()  # a scalar backward skips torch importing sympy
        tol = _routing_tolerance(out)
        assert_close(result.grads[0], X_ref.grad, what=f"X.grad after backward through {what}",
                     why=why, rtol=tol, atol=tol)


@pytest.mark.points(2)
def test_gradient_of_max_goes_to_the_winner(sub, device, rng):
    _gradient_case(sub, device, rng, "max",
                   why="in max pooling each output's gradient goes entirely to the cell that won "
                       "its window (cells that never win get zero; a cell winning several "
                       "overlapping windows collects all of them).")


@pytest.mark.points(2)
def test_gradient_of_avg_is_spread_evenly(sub, device, rng):
    _gradient_case(sub, device, rng, "avg",
                   why="in average pooling each output's gradient is split evenly, 1 / (k_h * "
                       "k_w) to every cell of its window (padded cells included in the count).")


# Every floating dtype the stub promises to keep; half precision runs on the CPU too.
DTYPES = (torch.float32, torch.float64, torch.float16, torch.bfloat16)


@pytest.mark.points(2)
def test_keeps_shape_dtype_and_device(sub, device, rng):
    # H + 2p - k is a multiple of s in both cases, so floor and ceil agree: only the dtype,
    # the leading dimensions and the device are under test here.
    cases = ((2, 2, 1), (3, 1, 0))
    calls, shapes = [], []
    for dtype in DTYPES:
        for lead in ((), (3,), (2, 3)):
            X = _randn(lead + (6, 8), rng, device, dtype)
            for pool_size, stride, padding in cases:
                shape = lead + ((6 + 2 * padding - pool_size) // stride + 1,
                                (8 + 2 * padding - pool_size) // stride + 1)
                calls += [(X, pool_size, stride, padding, mode) for mode in MODES]
                shapes += [shape, shape]
    for (X, pool_size, stride, padding, mode), shape, out in zip(calls, shapes,
                                                               _outputs(sub, calls)):
        dtype = X.dtype
        what = f"{_call(X, pool_size, stride, padding, mode)} with X of dtype {dtype}"
        assert_tensor(out, what=what, shape=shape, dtype=dtype, device=device,
                      why="pooling keeps the leading dimensions, the dtype (float16, "
                          "bfloat16, float32 or float64) and the device of its "
                          "input: create any buffer with dtype=X.dtype and "
                          "device=X.device (torch.zeros alone gives float32 on the "
                          "CPU).")
        if dtype == torch.float64:
            _assert_float64_precision(out, _torch_pool(X, pool_size, stride,
                                                       padding, mode), what)


def _assert_float64_precision(out, expected, what):
    """Outputs right to float32 precision but not to float64's were computed in float32.

    Grossly wrong values are left to the checks of their idea; this one looks only at the
    precision of the values that are right.
    """
    a, e = out.detach().cpu(), expected.detach().cpu()
    near = torch.isclose(a, e, rtol=1e-5, atol=1e-6)
    precise = torch.isclose(a, e, rtol=1e-12, atol=1e-12)
    coarse = near & ~precise
    if bool(coarse.any()):
        fail(f"{what}: {int(coarse.sum())} of {a.numel()} values are right only to about float32 "
             "precision (errors near 1e-8). A float64 X must be pooled in float64: do not "
             "convert X or the output through float32 (.float(), a float32 buffer) on the way.")
