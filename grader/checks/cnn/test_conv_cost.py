"""Hidden checks for exercises/cnn/conv_cost.py (parameters and MACs of a convolution, and
the size of a dense layer).

Oracles: nn.Conv2d's own parameter count (small layers only) and the formulas in exact
Python ints, built here in the checker.
"""

import pytest
import torch
from torch import nn

from grader.asserts import expect_raises, fail


def _value(out, key, what):
    """The entry `key` of a returned dict, as a number (types are checked on their own)."""
    if not isinstance(out, dict):
        fail(f"{what} returned {type(out).__name__}; return a dict.")
    if key not in out:
        fail(f"{what} returned a dict without the key {key!r} (keys: {sorted(map(str, out))}).")
    value = out[key]
    if isinstance(value, torch.Tensor) and value.numel() == 1:
        value = value.item()
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return value


def _conv(sub, args, bias):
    return sub.conv2d_cost(*args, bias)


def _what(name, args, **kw):
    extra = "".join(f", {k}={v!r}" for k, v in kw.items())
    return f"{name}({', '.join(map(str, args))}{extra})"


CONV_CASES = [(3, 16, 3, 3), (1, 6, 5, 5), (16, 8, 1, 1), (4, 7, 2, 5), (96, 256, 5, 5),
              (2, 1, 7, 3)]


@pytest.mark.points(3)
def test_conv_params_match_nn_conv2d(sub):
    for c_i, c_o, k_h, k_w in CONV_CASES:
        for bias in (True, False):
            layer = nn.Conv2d(c_i, c_o, (k_h, k_w), bias=bias)
            expected = sum(p.numel() for p in layer.parameters())
            args = (c_i, c_o, k_h, k_w, 13, 9)
            what = _what("conv2d_cost", args, bias=bias)
            got = _value(_conv(sub, args, bias), "params", what)
            if got != expected:
                fail(f"{what}['params'] = {got!r} is not the number of parameters of "
                     f"nn.Conv2d({c_i}, {c_o}, {(k_h, k_w)}, bias={bias}). The kernel holds "
                     "c_o * c_i * k_h * k_w weights, and a bias adds one number per OUTPUT "
                     "channel; the output size plays no part.")


@pytest.mark.points(2)
def test_conv_macs_formula(sub):
    for c_i, c_o, k_h, k_w in CONV_CASES:
        for m_h, m_w in ((13, 9), (1, 1), (28, 28), (4, 17)):
            args = (c_i, c_o, k_h, k_w, m_h, m_w)
            what = _what("conv2d_cost", args, bias=True)
            got = _value(_conv(sub, args, True), "macs", what)
            if got != c_i * c_o * k_h * k_w * m_h * m_w:
                fail(f"{what}['macs'] = {got!r} is wrong: each of the c_o * m_h * m_w outputs "
                     "takes c_i * k_h * k_w multiply-accumulates (m is the OUTPUT size; one MAC "
                     "is counted once, not as 2 FLOPs).")


@pytest.mark.points(1)
def test_macs_do_not_count_the_bias(sub):
    for args in ((3, 16, 3, 3, 30, 30), (8, 2, 1, 1, 5, 7)):
        with_bias = _value(_conv(sub, args, True), "macs", _what("conv2d_cost", args, bias=True))
        without = _value(_conv(sub, args, False), "macs", _what("conv2d_cost", args, bias=False))
        if with_bias != without:
            fail(f"{_what('conv2d_cost', args)}: 'macs' differs between bias=True and "
                 "bias=False. The count is multiply-accumulates of the kernel only; the bias adds "
                 "are not counted.")


@pytest.mark.points(2)
def test_course_conv_example(sub):
    args = (100, 100, 5, 5, 64, 64)
    what = _what("conv2d_cost", args, bias=True)
    out = _conv(sub, args, True)
    if _value(out, "macs", what) != 100 * 100 * 5 * 5 * 64 * 64:
        fail(f"{what}['macs'] = {_value(out, 'macs', what)!r} is not the slide's count for "
             "c_i = c_o = 100, 5 x 5 kernels and a 64 x 64 output (about 1 GFLOP).")
    if _value(out, "params", what) != 100 * 100 * 25 + 100:
        fail(f"{what}['params'] = {_value(out, 'params', what)!r} is wrong for the slide's "
             "layer (weights plus one bias per output channel).")


@pytest.mark.points(2)
def test_dense_params_and_bytes(sub):
    for n_in, n_out in ((784, 256), (10, 1), (3, 7), (4096, 4096)):
        for bias in (True, False):
            for bpp in (4, 2, 8, 1):
                what = _what("dense_cost", (n_in, n_out), bias=bias, bytes_per_param=bpp)
                out = sub.dense_cost(n_in, n_out, bias, bpp)
                params = n_in * n_out + (n_out if bias else 0)
                if _value(out, "params", what) != params:
                    fail(f"{what}['params'] = {_value(out, 'params', what)!r} is wrong: n_in * "
                         "n_out weights plus one bias per OUTPUT unit when bias is True.")
                if _value(out, "bytes", what) != params * bpp:
                    fail(f"{what}['bytes'] = {_value(out, 'bytes', what)!r} is wrong: every "
                         "parameter (biases included) takes bytes_per_param bytes.")


@pytest.mark.points(2)
def test_course_dense_example(sub):
    what = _what("dense_cost", (36_000_000, 100), bias=False)
    out = sub.dense_cost(36_000_000, 100, False)
    if _value(out, "params", what) != 3_600_000_000:
        fail(f"{what}['params'] = {_value(out, 'params', what)!r}: a 12-megapixel RGB image "
             "(36 million inputs) into 100 hidden units should give the note's 3.6 billion "
             "weights.")
    if _value(out, "bytes", what) != 14_400_000_000:
        fail(f"{what}['bytes'] = {_value(out, 'bytes', what)!r}: with the default 4 bytes per "
             "float32 parameter this is the note's '14 GB'.")


@pytest.mark.points(1)
def test_returns_exact_python_ints(sub):
    # Products far beyond 2**53 (floats round) and 2**63 (numpy int64 overflows).
    # c_i == c_o, so that this check does not also judge which channels carry the biases.
    big = (2**20 + 3, 2**20 + 3, 7, 9, 2**12 + 1, 2**11 + 5)
    for name, call, keys in (
            ("conv2d_cost", lambda: sub.conv2d_cost(*big, True), ("params", "macs")),
            ("dense_cost", lambda: sub.dense_cost(3**40 + 1, 2**33 + 1, True, 4),
             ("params", "bytes"))):
        out = call()
        what = f"{name} on very large sizes"
        if not isinstance(out, dict) or set(map(str, out)) != set(keys):
            fail(f"{what} returned {type(out).__name__} with keys "
                 f"{sorted(map(str, out)) if isinstance(out, dict) else '-'}; return a dict with "
                 f"exactly the keys {list(keys)}.")
        for key in keys:
            if type(out[key]) is not int:
                fail(f"{what}: the value of {key!r} is a {type(out[key]).__name__}; return exact "
                     "Python ints.")
    # The values on the very large sizes are judged only where the formula is right on a
    # small twin of the call (same structure, small numbers): a wrong formula is the other
    # checks' business, this check is about exactness.
    if _conv_formula_right(sub, (3, 3, 7, 9, 5, 6)):
        out = sub.conv2d_cost(*big, True)
        if _conv_values(out) != _conv_expected(big):
            fail("conv2d_cost on very large sizes returned values that are not exact, although "
                 "the same formula is right on small sizes: products beyond 2**53 lose digits "
                 "in floats and overflow numpy's int64; multiply Python ints.")
    dense_big = (3**40 + 1, 2**33 + 1)
    if _dense_values(sub.dense_cost(3, 5, True, 4)) == _dense_expected((3, 5)):
        out = sub.dense_cost(*dense_big, True, 4)
        if _dense_values(out) != _dense_expected(dense_big):
            fail("dense_cost on very large sizes returned values that are not exact, although "
                 "the same formula is right on small sizes; multiply Python ints.")


def _conv_expected(args):
    c_i, c_o, k_h, k_w, m_h, m_w = args
    return c_o * c_i * k_h * k_w + c_o, c_i * c_o * k_h * k_w * m_h * m_w


def _conv_values(out):
    return out.get("params"), out.get("macs")


def _conv_formula_right(sub, args):
    out = sub.conv2d_cost(*args, True)
    return isinstance(out, dict) and _conv_values(out) == _conv_expected(args)


def _dense_expected(args):
    n_in, n_out = args
    return n_in * n_out + n_out, 4 * (n_in * n_out + n_out)


def _dense_values(out):
    return (out.get("params"), out.get("bytes")) if isinstance(out, dict) else None


@pytest.mark.points(1)
def test_invalid_sizes_raise(sub):
    good = [3, 16, 3, 3, 8, 8]
    for i in range(6):
        for bad in (0, -2):
            args = list(good)
            args[i] = bad
            expect_raises(ValueError, sub.conv2d_cost, *args, True,
                          what=_what("conv2d_cost", args),
                          why="every channel count and size must be at least 1.")
    for args in ((0, 10, True, 4), (10, -1, True, 4), (10, 10, True, 0)):
        expect_raises(ValueError, sub.dense_cost, *args,
                      what=_what("dense_cost", args[:2], bias=args[2], bytes_per_param=args[3]),
                      why="n_in, n_out and bytes_per_param must be at least 1.")
