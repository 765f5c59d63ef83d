"""Hidden checks for exercises/cnn/inception.py (GoogLeNet's Inception block).

The reference block (``ref.Inception``) is the oracle: its weights are drawn from the check's
generator, copied into the learner's block with ``load_state_dict`` (by value) and both are
run on the same inputs. Layers are checked one by one through the learner's attributes.
"""

import pytest
import torch
import torch.nn.functional as F

from grader.archcheck import conv_settings
from grader.archcheck import pair as _pair
from grader.archcheck import randn as _x
from grader.asserts import assert_close, assert_tensor, assert_unchanged, fail
from grader.sandbox.host import LearnerError, cotangent_like, is_instance, vjp

# (in_channels, c1, c2, c3, c4): small blocks with four different branch widths, so a swapped
# branch order changes which channels hold what.
CONFIGS = [
    (5, 3, (4, 6), (2, 5), 4),
    (3, 2, (3, 4), (1, 3), 5),
    (6, 4, (2, 3), (3, 2), 1),
]
# Spatial sizes: odd, even, rectangular and 1 x 1.
SIZES = [(1, 1), (4, 7), (5, 5), (6, 3)]

CONV = "torch.nn.modules.conv.Conv2d"
MAXPOOL = "torch.nn.modules.pooling.MaxPool2d"
LAZY = "torch.nn.modules.lazy.LazyModuleMixin"


def _call(cfg):
    in_channels, c1, c2, c3, c4 = cfg
    return f"Inception({in_channels}, {c1}, {c2}, {c3}, {c4})"


def _out_channels(cfg):
    _, c1, c2, c3, c4 = cfg
    return c1 + c2[1] + c3[1] + c4


def _branches(cfg):
    """(path name, first channel, last channel + 1) of each path in the output."""
    _, c1, c2, c3, c4 = cfg
    edges = [0, c1, c1 + c2[1], c1 + c2[1] + c3[1], c1 + c2[1] + c3[1] + c4]
    names = ["path 1 (1x1 conv)", "path 2 (1x1 then 3x3 conv)", "path 3 (1x1 then 5x5 conv)",
             "path 4 (max pooling then 1x1 conv)"]
    return [(names[i], edges[i], edges[i + 1]) for i in range(4)]


def _reference(ref, cfg, rng):
    """d2l-zh's block with weights drawn from the check's generator (not the default init)."""
    block = ref.Inception(*cfg)
    with torch.no_grad():
        for p in block.parameters():
            p.copy_(torch.randn(p.shape, generator=rng, dtype=torch.float64).float() * 0.5)
    return block


def _build(sub, cfg):
    block = sub.Inception(*cfg)
    if not is_instance(block, "torch.nn.Module"):
        fail(f"{_call(cfg)} must be an nn.Module (a subclass of torch.nn.Module).")
    return block


def _load(block, ref_block, cfg):
    """Copy the reference's weights into the learner's block, by value.

    A block whose state dict holds every one of d2l-zh's entries (right shapes) plus some
    extra state loads non-strictly: the extra entries are test_state_dict_matches_d2l's and
    test_parameter_count's failure, not a reason to fail every value check too."""
    expected = ref_block.state_dict()
    try:
        block.load_state_dict(expected)
        return
    except LearnerError as exc:
        error = exc
    try:
        got = block.state_dict()
        fits = isinstance(got, dict) and all(
            key in got and tuple(got[key].shape) == tuple(value.shape)
            for key, value in expected.items())
        if fits:
            block.load_state_dict(expected, strict=False)
            return
    except LearnerError:
        pass
    fail(f"{_call(cfg)}.load_state_dict(state dict of d2l-zh's block) failed: {error}. The "
         "block must have exactly d2l-zh's parameters: p1_1, p2_1, p2_2, p3_1, p3_2, p4_2 "
         "(nn.Conv2d with bias) and a parameter-free max pooling p4_1, with the shapes "
         "the stub lists.")


def _attr(block, name, cfg):
    try:
        return getattr(block, name)
    except AttributeError:
        fail(f"{_call(cfg)} has no attribute {name!r}: create the layers in __init__ with "
             "d2l-zh's names p1_1, p2_1, p2_2, p3_1, p3_2, p4_1, p4_2.")


def _check_conv(block, name, cfg, in_ch, out_ch, k, pad):
    what = f"{_call(cfg)}.{name}"
    layer = _attr(block, name, cfg)
    if not is_instance(layer, CONV):
        fail(f"{what} must be an nn.Conv2d.")
    if is_instance(layer, LAZY):
        fail(f"{what} is a lazy convolution (nn.LazyConv2d, as in d2l-en): its weights do not "
             "exist until the first call. Use nn.Conv2d with an explicit in_channels.")
    got = conv_settings(layer, k)
    want = {"in_channels": in_ch, "out_channels": out_ch, "kernel_size": (k, k),
            "stride": (1, 1), "padding": (pad, pad), "dilation": (1, 1), "groups": 1}
    for key in want:
        if got[key] != want[key]:
            fail(f"{what} has {key}={got[key]}; the stub's table says what this layer of the "
                 f"Inception block takes (path convolutions keep H and W: stride 1, padding "
                 "(k - 1) / 2; 1x1 reductions map in_channels to c2[0] / c3[0]).")
    if layer.bias is None:
        fail(f"{what} has no bias; d2l's convolutions keep nn.Conv2d's default bias=True.")


@pytest.mark.points(2)
def test_layers_have_d2l_names_and_types(sub):
    for cfg in CONFIGS + [(192, 64, (96, 128), (16, 32), 32)]:
        in_ch, c1, c2, c3, c4 = cfg
        block = _build(sub, cfg)
        _check_conv(block, "p1_1", cfg, in_ch, c1, 1, 0)
        _check_conv(block, "p2_1", cfg, in_ch, c2[0], 1, 0)
        _check_conv(block, "p2_2", cfg, c2[0], c2[1], 3, 1)
        _check_conv(block, "p3_1", cfg, in_ch, c3[0], 1, 0)
        _check_conv(block, "p3_2", cfg, c3[0], c3[1], 5, 2)
        _check_conv(block, "p4_2", cfg, in_ch, c4, 1, 0)
        pool = _attr(block, "p4_1", cfg)
        what = f"{_call(cfg)}.p4_1"
        if not is_instance(pool, MAXPOOL):
            fail(f"{what} must be an nn.MaxPool2d (path 4 starts with 3x3 max pooling).")
        got = (_pair(pool.kernel_size), _pair(pool.stride), _pair(pool.padding),
               _pair(pool.dilation), bool(pool.ceil_mode))
        if got != ((3, 3), (1, 1), (1, 1), (1, 1), False):
            fail(f"{what} must be nn.MaxPool2d(kernel_size=3, stride=1, padding=1): a 3x3 "
                 "window moved by 1 with one cell of padding keeps H and W (torch's default "
                 "stride for pooling is the window size, which would shrink them).")


@pytest.mark.points(2)
def test_state_dict_matches_d2l(sub, ref, rng):
    for cfg in CONFIGS:
        block = _build(sub, cfg)
        expected = _reference(ref, cfg, rng).state_dict()
        got = block.state_dict()
        if not isinstance(got, dict):
            fail(f"{_call(cfg)}.state_dict() did not return a dict of tensors.")
        missing = [k for k in expected if k not in got]
        extra = [k for k in got if k not in expected]
        if missing or extra:
            fail(f"{_call(cfg)}.state_dict() has keys {sorted(got)}; "
                 f"{'missing ' + str(missing) if missing else ''}"
                 f"{' and ' if missing and extra else ''}"
                 f"{'unexpected ' + str(extra) if extra else ''}. The block holds exactly the "
                 "weight and bias of p1_1, p2_1, p2_2, p3_1, p3_2 and p4_2 (p4_1, the pooling, "
                 "has none), so that d2l-zh's weights load into it.")
        for key, value in expected.items():
            shape = tuple(got[key].shape)
            if shape != tuple(value.shape):
                fail(f"{_call(cfg)}.state_dict()[{key!r}] has shape {shape}; it must match "
                     "d2l-zh's block (Conv2d weights are (out_channels, in_channels, k, k)).")


@pytest.mark.points(1)
def test_parameter_count(sub, ref):
    for cfg in CONFIGS + [(192, 64, (96, 128), (16, 32), 32)]:
        block = _build(sub, cfg)
        expected = sum(p.numel() for p in ref.Inception(*cfg).parameters())
        params = list(block.named_parameters())
        total = sum(int(p.numel()) for _, p in params)
        if total != expected:
            fail(f"{_call(cfg)} has {total} parameters; count them from the stub's table: "
                 "each k x k convolution from c_in to c_out has c_out * c_in * k * k weights "
                 "plus c_out biases, and pooling has none.")
        buffers = list(block.named_buffers())
        if buffers:
            fail(f"{_call(cfg)} has buffers {[n for n, _ in buffers]}; the Inception block has "
                 "no running statistics or other state.")


@pytest.mark.points(2)
def test_branch_shapes(sub, device, rng):
    for cfg in CONFIGS:
        in_ch, c1, c2, c3, c4 = cfg
        block = _build(sub, cfg)
        block.to(device)
        for H, W in SIZES:
            X = _x((2, in_ch, H, W), rng, device)
            steps = [
                ("p1_1(X)", lambda: block.p1_1(X), c1),
                ("p2_1(X)", lambda: block.p2_1(X), c2[0]),
                ("p2_2(relu(p2_1(X)))", lambda: block.p2_2(F.relu(block.p2_1(X))), c2[1]),
                ("p3_1(X)", lambda: block.p3_1(X), c3[0]),
                ("p3_2(relu(p3_1(X)))", lambda: block.p3_2(F.relu(block.p3_1(X))), c3[1]),
                ("p4_1(X)", lambda: block.p4_1(X), in_ch),
                ("p4_2(p4_1(X))", lambda: block.p4_2(block.p4_1(X)), c4),
            ]
            for text, run, channels in steps:
                assert_tensor(run(), what=f"{_call(cfg)}.{text} with X of shape {tuple(X.shape)}",
                              shape=(2, channels, H, W),
                              why="every layer of every path keeps H and W (stride 1, padding "
                                  "(k - 1) / 2) and has the channel count of the stub's table.")


@pytest.mark.points(2)
def test_output_shape_is_the_sum_of_the_paths(sub, device, rng):
    cases = [(cfg, (N, H, W)) for cfg in CONFIGS for N, (H, W) in zip((2, 1, 3, 2), SIZES)]
    # d2l's stage-3 blocks: 64 + 128 + 32 + 32 = 256 and 128 + 192 + 96 + 64 = 480 channels.
    cases += [((192, 64, (96, 128), (16, 32), 32), (1, 5, 6)),
              ((256, 128, (128, 192), (32, 96), 64), (1, 3, 4))]
    for cfg, (N, H, W) in cases:
        block = _build(sub, cfg)
        block.to(device)
        X = _x((N, cfg[0], H, W), rng, device)
        assert_tensor(block(X), what=f"{_call(cfg)}(X) with X of shape {tuple(X.shape)}",
                      shape=(N, _out_channels(cfg), H, W), device=device,
                      why="the four paths keep H and W and are concatenated on dim 1, so the "
                          "output has c1 + c2[1] + c3[1] + c4 channels.")


def _compare_paths(out, expected, cfg, what):
    assert_tensor(out, what=what, shape=tuple(expected.shape))
    for name, lo, hi in _branches(cfg):
        assert_close(out[:, lo:hi], expected[:, lo:hi], what=f"{what}, channels {lo}..{hi - 1}",
                     why=f"these channels hold {name}, after its final ReLU; the paths are "
                         "concatenated on dim 1 in the order 1, 2, 3, 4, and paths 2 and 3 "
                         "have a ReLU between their two convolutions.",
                     rtol=1e-4, atol=1e-5, check_dtype=False)


@pytest.mark.points(3)
def test_output_matches_reference_after_loading_weights(sub, ref, device, rng):
    for cfg in CONFIGS:
        in_ch = cfg[0]
        expected_block = _reference(ref, cfg, rng)
        block = _build(sub, cfg)
        _load(block, expected_block, cfg)
        block.to(device)
        for N, (H, W) in zip((3, 1, 2, 2), SIZES):
            X = _x((N, in_ch, H, W), rng, device)
            # All-negative inputs: a zero padding would win the border maxima of path 4.
            negative = -(torch.rand((N, in_ch, H, W), generator=rng) + 0.5).to(device)
            for inp, kind in ((X, "X"), (negative, "an all-negative X")):
                with torch.no_grad():
                    expected = expected_block.to(device)(inp)
                for mode in ("train", "eval"):
                    getattr(block, mode)()
                    what = (f"{_call(cfg)} with d2l-zh's weights loaded, in {mode} mode, on "
                            f"{kind} of shape {tuple(inp.shape)}")
                    _compare_paths(block(inp), expected, cfg, what)


@pytest.mark.points(1)
def test_does_not_modify_input(sub, device, rng):
    for cfg in CONFIGS[:2]:
        block = _build(sub, cfg)
        block.to(device)
        X = _x((2, cfg[0], 5, 6), rng, device)
        before = X.clone()
        block(X)
        assert_unchanged(before, X, what=f"{_call(cfg)}(X)")


@pytest.mark.points(1)
def test_keeps_dtype_and_device(sub, ref, device, rng):
    for cfg in CONFIGS[:2]:
        expected_block = _reference(ref, cfg, rng)
        block = _build(sub, cfg)
        _load(block, expected_block, cfg)
        block.to(device)
        X = _x((2, cfg[0], 4, 5), rng, device)
        assert_tensor(block(X), what=f"{_call(cfg)}(X) with a float32 X", dtype=torch.float32,
                      device=device, why="a float32 block on a float32 input gives float32.")
        block.double()
        X64 = X.double()
        out = block(X64)
        what = f"{_call(cfg)}.double() on a float64 X"
        assert_tensor(out, what=what, dtype=torch.float64, device=device,
                      why="after .double() the block computes in float64: do not convert the "
                          "input or the paths to float32 on the way.")
        expected = expected_block.double().to(device)(X64).detach()
        a, e = out.detach().cpu(), expected.cpu()
        if tuple(a.shape) != tuple(e.shape) or not bool(torch.isclose(a, e, rtol=1e-4,
                                                                      atol=1e-5).all()):
            continue  # wrong values are the value checks' failure, not a precision problem
        coarse = ~torch.isclose(a, e, rtol=1e-10, atol=1e-10)
        if bool(coarse.any()):
            fail(f"{what}: {int(coarse.sum())} of {a.numel()} values are right only to about "
                 "float32 precision; a float64 input must stay float64 all the way through.")


@pytest.mark.points(2)
def test_gradients_match_reference(sub, ref, device, rng):
    for cfg in CONFIGS:
        expected_block = _reference(ref, cfg, rng).to(device)
        block = _build(sub, cfg)
        _load(block, expected_block, cfg)
        block.to(device)
        base = _x((2, cfg[0], 5, 4), rng, device)
        X = base.clone().requires_grad_(True)
        seed = int(torch.randint(0, 2**31 - 1, (1,), generator=rng))
        what = f"backward through {_call(cfg)}(X)"
        result = vjp(block, X, wrt=[0], cotangent_seed=seed, params=True)
        out = result.out
        assert_tensor(out, what=f"{_call(cfg)}(X)", shape=(2, _out_channels(cfg), 5, 4))
        if not out.requires_grad:
            fail(f"{_call(cfg)}(X) is not connected to the autograd graph (requires_grad is "
                 "False): build the output from the layers' outputs with differentiable "
                 "operations (no .detach(), .item() or torch.no_grad()).")
        X_ref = base.clone().requires_grad_(True)
        expected_block.zero_grad()
        expected = expected_block(X_ref)
        (expected * cotangent_like(out, seed).to(expected.dtype)).sum().backward()
        why = ("every path is differentiable end to end: the gradient reaches the input through "
               "all four paths and every weight through its own path.")
        if result.grads[0] is None:
            fail(f"X.grad is None after {what}.")
        for name, _ in expected_block.named_parameters():
            if result.params.get(name) is None:
                fail(f"{name}.grad is None after {what}: no gradient reached that weight, so "
                     "its path is cut off from autograd (.detach(), torch.no_grad(), a round "
                     "trip through numpy or Python numbers).")
        if not torch.allclose(out.detach().cpu(), expected.detach().cpu(), rtol=1e-4, atol=1e-5):
            # Wrong forward values are the value check's failure; the gradients of another
            # function cannot be compared with the reference's.
            continue
        assert_close(result.grads[0], X_ref.grad, what=f"X.grad after {what}", why=why,
                     rtol=1e-4, atol=1e-5, check_dtype=False)
        for name, p in expected_block.named_parameters():
            assert_close(result.params[name], p.grad, what=f"{name}.grad after {what}", why=why,
                         rtol=1e-4, atol=1e-5, check_dtype=False)
