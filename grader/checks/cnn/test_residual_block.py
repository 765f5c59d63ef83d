"""Hidden checks for exercises/cnn/residual_block.py (d2l's residual block).

The reference block (``ref.Residual``) is the oracle: its weights and BatchNorm statistics are
drawn from the check's generator, copied into the learner's block with ``load_state_dict``
(by value), and both run on the same inputs in train and eval mode. Layers are checked one
by one through the learner's attributes.
"""

import math

import pytest
import torch
import torch.nn.functional as F

from grader.archcheck import conv_settings
from grader.archcheck import randn as _x
from grader.asserts import assert_close, assert_tensor, assert_unchanged, fail
from grader.sandbox.host import LearnerError, cotangent_like, is_instance, vjp

# (input_channels, num_channels, use_1x1conv, strides)
CONFIGS = [(3, 3, False, 1), (3, 6, True, 2), (4, 5, True, 1), (2, 4, True, 3)]
SIZES = [(6, 6), (5, 7), (7, 4)]

CONV = "torch.nn.modules.conv.Conv2d"
BN = "torch.nn.modules.batchnorm.BatchNorm2d"
LAZY = "torch.nn.modules.lazy.LazyModuleMixin"


def _call(cfg):
    i, n, use, s = cfg
    return f"Residual({i}, {n}, use_1x1conv={use}, strides={s})"


def _out_hw(H, W, s):
    return math.ceil(H / s), math.ceil(W / s)


def _reference(ref, cfg, rng):
    """d2l-zh's block with weights and BatchNorm statistics drawn from the check's generator."""
    block = ref.Residual(*cfg)
    with torch.no_grad():
        for name, t in block.state_dict(keep_vars=True).items():
            if name.endswith("num_batches_tracked"):
                continue
            shape = t.shape
            if ".weight" in name and name.startswith("bn"):
                t.copy_(torch.rand(shape, generator=rng) + 0.5)
            elif name.endswith("running_var"):
                t.copy_(torch.rand(shape, generator=rng) + 0.5)
            elif name.endswith("running_mean"):
                t.copy_(torch.randn(shape, generator=rng) * 0.1)
            else:
                t.copy_(torch.randn(shape, generator=rng) * 0.3)
    return block


def _build(sub, cfg):
    block = sub.Residual(*cfg)
    if not is_instance(block, "torch.nn.Module"):
        fail(f"{_call(cfg)} must be an nn.Module (a subclass of torch.nn.Module).")
    return block


def _load(block, state, cfg):
    """Copy d2l-zh's state into the learner's block, by value.

    A block whose state dict holds every one of d2l-zh's entries (right shapes) plus some
    extra layer loads non-strictly: the extra entries are test_state_dict_matches_d2l's
    failure, not a reason to fail every value check too (the extra layer may still change
    the values, which the value checks then report)."""
    try:
        block.load_state_dict(state)
        return
    except LearnerError as exc:
        error = exc
    try:
        got = block.state_dict()
        if isinstance(got, dict) and all(key in got and tuple(got[key].shape) == tuple(v.shape)
                                         for key, v in state.items()):
            block.load_state_dict(state, strict=False)
            return
    except LearnerError:
        pass
    fail(f"{_call(cfg)}.load_state_dict(state dict of d2l-zh's block) failed: {error}. The "
         "block must hold exactly conv1, conv2, conv3 (only with use_1x1conv), bn1 and "
         "bn2, with the shapes the stub lists (no BatchNorm on the shortcut).")


def _attr(block, name, cfg):
    try:
        return getattr(block, name)
    except AttributeError:
        fail(f"{_call(cfg)} has no attribute {name!r}: create conv1, conv2, conv3 and bn1, "
             "bn2 in __init__ with d2l-zh's names.")


def _check_conv(block, name, cfg, in_ch, out_ch, k, pad, stride):
    what = f"{_call(cfg)}.{name}"
    layer = _attr(block, name, cfg)
    if not is_instance(layer, CONV):
        fail(f"{what} must be an nn.Conv2d.")
    if is_instance(layer, LAZY):
        fail(f"{what} is a lazy layer (as in d2l-en): its weights do not exist until the first "
             "call. Use nn.Conv2d with an explicit number of input channels.")
    got = conv_settings(layer, k)
    want = {"in_channels": in_ch, "out_channels": out_ch, "kernel_size": (k, k),
            "stride": (stride, stride), "padding": (pad, pad), "dilation": (1, 1), "groups": 1}
    for key in want:
        if got[key] != want[key]:
            fail(f"{what} has {key}={got[key]}; see the stub's list of layers (the stride is on "
                 "conv1 and conv3, never on conv2; the 3x3 convolutions have padding 1).")
    if layer.bias is None:
        fail(f"{what} has no bias; d2l keeps nn.Conv2d's default bias=True.")


@pytest.mark.points(2)
def test_layers_have_d2l_names_and_types(sub):
    for cfg in CONFIGS:
        i, n, use, s = cfg
        block = _build(sub, cfg)
        _check_conv(block, "conv1", cfg, i, n, 3, 1, s)
        _check_conv(block, "conv2", cfg, n, n, 3, 1, 1)
        if use:
            _check_conv(block, "conv3", cfg, i, n, 1, 0, s)
        elif _attr(block, "conv3", cfg) is not None:
            fail(f"{_call(cfg)}.conv3 must be None without use_1x1conv: the shortcut is X itself.")
        for name in ("bn1", "bn2"):
            layer = _attr(block, name, cfg)
            what = f"{_call(cfg)}.{name}"
            if not is_instance(layer, BN) or is_instance(layer, LAZY):
                fail(f"{what} must be an nn.BatchNorm2d(num_channels) (not a lazy one).")
            got = (int(layer.num_features), float(layer.eps), float(layer.momentum),
                   bool(layer.affine), bool(layer.track_running_stats))
            if got != (n, 1e-5, 0.1, True, True):
                fail(f"{what} must be nn.BatchNorm2d(num_channels) with PyTorch's defaults "
                     "(eps 1e-5, momentum 0.1, affine, running statistics).")


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
                 f"{'unexpected ' + str(extra) if extra else ''}. The block holds conv1, conv2, "
                 "conv3 (only with use_1x1conv), bn1 and bn2 and nothing else: d2l's 1x1 "
                 "shortcut has no BatchNorm, unlike torchvision's downsample.")
        for key, value in expected.items():
            if tuple(got[key].shape) != tuple(value.shape):
                fail(f"{_call(cfg)}.state_dict()[{key!r}] has shape {tuple(got[key].shape)}; it "
                     "must match d2l-zh's block.")


@pytest.mark.points(1)
def test_parameter_count(sub, ref):
    for cfg in CONFIGS + [(64, 128, True, 2)]:
        block = _build(sub, cfg)
        expected = sum(p.numel() for p in ref.Residual(*cfg).parameters())
        total = sum(int(p.numel()) for _, p in list(block.named_parameters()))
        if total != expected:
            fail(f"{_call(cfg)} has {total} parameters; count them from the stub's list: a k x k "
                 "convolution from c_in to c_out has c_out * c_in * k * k weights and c_out "
                 "biases, and each BatchNorm2d(c) has 2c (gamma and beta).")


@pytest.mark.points(2)
def test_shapes_after_each_layer(sub, device, rng):
    for cfg in CONFIGS:
        i, n, use, s = cfg
        block = _build(sub, cfg)
        block.to(device)
        for H, W in SIZES:
            X = _x((2, i, H, W), rng, device)
            h, w = _out_hw(H, W, s)
            steps = [("conv1(X)", lambda: block.conv1(X), (2, n, h, w)),
                     ("bn1(conv1(X))", lambda: block.bn1(block.conv1(X)), (2, n, h, w)),
                     ("conv2(relu(bn1(conv1(X))))",
                      lambda: block.conv2(F.relu(block.bn1(block.conv1(X)))), (2, n, h, w))]
            if use:
                steps.append(("conv3(X)", lambda: block.conv3(X), (2, n, h, w)))
            steps.append(("(X) (the whole block)", lambda: block(X), (2, n, h, w)))
            for text, run, shape in steps:
                assert_tensor(run(), what=f"{_call(cfg)}.{text} with X of shape {tuple(X.shape)}",
                              shape=shape,
                              why="conv1 (stride s) and the 1x1 shortcut (stride s) take H x W to "
                                  "ceil(H / s) x ceil(W / s); conv2 and the BatchNorms keep the "
                                  "size; every layer after conv1 has num_channels channels.")
    # d2l's own examples.
    for cfg, shape in (((3, 3, False, 1), (4, 3, 6, 6)), ((3, 6, True, 2), (4, 6, 3, 3))):
        block = _build(sub, cfg)
        block.to(device)
        X = _x((4, 3, 6, 6), rng, device)
        assert_tensor(block(X), what=f"{_call(cfg)}(X) with X of shape (4, 3, 6, 6)",
                      shape=shape, device=device, why="d2l's worked example (see the stub).")


def _compare(out, expected, what, why):
    assert_close(out, expected, what=what, why=why, rtol=1e-4, atol=1e-5, check_dtype=False)


@pytest.mark.points(3)
def test_output_matches_reference_after_loading_weights(sub, ref, device, rng):
    why = ("output = ReLU(bn2(conv2(ReLU(bn1(conv1(X))))) + shortcut), the shortcut being X or "
           "conv3(X) (no BatchNorm on it); in train mode the BatchNorms use the batch "
           "statistics, in eval mode their running statistics.")
    for cfg in CONFIGS:
        ref_block = _reference(ref, cfg, rng).to(device)
        block = _build(sub, cfg)
        _load(block, ref_block.state_dict(), cfg)
        block.to(device)
        for N, (H, W) in zip((4, 3, 2), SIZES):
            X = _x((N, cfg[0], H, W), rng, device)
            block.eval()
            ref_block.eval()
            with torch.no_grad():
                expected = ref_block(X)
            _compare(block(X), expected, f"{_call(cfg)} in eval mode with d2l-zh's state loaded, "
                     f"X of shape {tuple(X.shape)}", why)
            block.train()
            ref_block.train()
            with torch.no_grad():
                expected = ref_block(X)
            _compare(block(X), expected, f"{_call(cfg)} in train mode with d2l-zh's state "
                     f"loaded, X of shape {tuple(X.shape)}", why)


@pytest.mark.points(1)
def test_zero_bn2_gives_relu_of_shortcut(sub, ref, device, rng):
    for cfg in CONFIGS[:2]:
        ref_block = _reference(ref, cfg, rng)
        with torch.no_grad():
            ref_block.bn2.weight.zero_()
            ref_block.bn2.bias.zero_()
        ref_block.to(device)
        block = _build(sub, cfg)
        _load(block, ref_block.state_dict(), cfg)
        block.to(device)
        block.train()
        X = _x((3, cfg[0], 6, 5), rng, device)
        with torch.no_grad():
            shortcut = X if ref_block.conv3 is None else ref_block.conv3(X)
        _compare(block(X), F.relu(shortcut),
                 f"{_call(cfg)} with bn2's gamma and beta set to zero",
                 why="with bn2 = 0 the residual branch g(x) vanishes and the block becomes "
                     "ReLU(shortcut): ReLU(X), or ReLU(conv3(X)) with the 1x1 convolution. "
                     "This is how a residual block can fall back to (almost) the identity.")


@pytest.mark.points(1)
def test_gradient_reaches_input_through_shortcut(sub, ref, device, rng):
    cfg = CONFIGS[0]
    ref_block = ref.Residual(*cfg)
    with torch.no_grad():
        for name in ("conv1", "conv2"):
            getattr(ref_block, name).weight.zero_()
            getattr(ref_block, name).bias.zero_()
    block = _build(sub, cfg)
    _load(block, ref_block.state_dict(), cfg)
    block.to(device)
    block.train()
    X = _x((2, cfg[0], 5, 6), rng, device).requires_grad_(True)
    G = _x((2, cfg[1], 5, 6), rng, device)
    what = f"backward through {_call(cfg)} with all convolution weights and biases zero"
    result = vjp(block, X, wrt=[0], cotangent=G)
    assert_tensor(result.out, what=f"{_call(cfg)}(X)", shape=(2, cfg[1], 5, 6))
    if not result.out.requires_grad or result.grads[0] is None:
        fail(f"X.grad is None after {what}: the output must stay connected to X.")
    assert_close(result.grads[0], G * (X.detach() > 0), what=f"X.grad after {what}",
                 why="with the residual branch switched off the block is ReLU(X), so the "
                     "gradient still reaches X through the identity shortcut, dy/dx = I + dg/dx: "
                     "this additive path is why deep ResNets do not suffer vanishing gradients.",
                 rtol=1e-5, atol=1e-6, check_dtype=False)


@pytest.mark.points(2)
def test_gradients_match_reference(sub, ref, device, rng):
    for cfg in CONFIGS[:3]:
        ref_block = _reference(ref, cfg, rng).to(device)
        block = _build(sub, cfg)
        _load(block, ref_block.state_dict(), cfg)
        block.to(device)
        block.train()
        ref_block.train()
        base = _x((3, cfg[0], 5, 6), rng, device)
        X = base.clone().requires_grad_(True)
        seed = int(torch.randint(0, 2**31 - 1, (1,), generator=rng))
        what = f"backward through {_call(cfg)}(X) in train mode"
        result = vjp(block, X, wrt=[0], cotangent_seed=seed, params=True)
        out = result.out
        h, w = _out_hw(5, 6, cfg[3])
        assert_tensor(out, what=f"{_call(cfg)}(X)", shape=(3, cfg[1], h, w))
        if not out.requires_grad:
            fail(f"{_call(cfg)}(X) is not connected to the autograd graph (requires_grad is "
                 "False): no .detach(), .item() or torch.no_grad() in forward.")
        if result.grads[0] is None:
            fail(f"X.grad is None after {what}.")
        for name, _ in ref_block.named_parameters():
            if result.params.get(name) is None:
                fail(f"{name}.grad is None after {what}: no gradient reached that weight.")
        X_ref = base.clone().requires_grad_(True)
        expected = ref_block(X_ref)
        if not torch.allclose(out.detach().cpu(), expected.detach().cpu(), rtol=1e-4, atol=1e-5):
            continue  # wrong values are the value check's failure
        (expected * cotangent_like(out, seed).to(expected.dtype)).sum().backward()
        why = ("the gradient reaches X through both the residual branch and the shortcut, and "
               "every weight through its own layer.")
        assert_close(result.grads[0], X_ref.grad, what=f"X.grad after {what}", why=why,
                     rtol=1e-4, atol=1e-5, check_dtype=False)
        for name, p in ref_block.named_parameters():
            assert_close(result.params[name], p.grad, what=f"{name}.grad after {what}", why=why,
                         rtol=1e-4, atol=1e-5, check_dtype=False)


@pytest.mark.points(1)
def test_does_not_modify_input(sub, device, rng):
    for cfg in CONFIGS[:2]:
        block = _build(sub, cfg)
        block.to(device)
        for mode in ("train", "eval"):
            getattr(block, mode)()
            X = _x((2, cfg[0], 6, 6), rng, device)
            before = X.clone()
            block(X)
            assert_unchanged(before, X, what=f"{_call(cfg)}(X) in {mode} mode")


@pytest.mark.points(1)
def test_keeps_dtype_and_device(sub, device, rng):
    for cfg in CONFIGS[:2]:
        block = _build(sub, cfg)
        block.to(device)
        X = _x((2, cfg[0], 6, 6), rng, device)
        h, w = _out_hw(6, 6, cfg[3])
        assert_tensor(block(X), what=f"{_call(cfg)}(X) with a float32 X", dtype=torch.float32,
                      device=device, shape=(2, cfg[1], h, w),
                      why="a float32 block on a float32 input gives float32.")
        block.double()
        assert_tensor(block(X.double()), what=f"{_call(cfg)}.double() on a float64 X",
                      dtype=torch.float64, device=device, shape=(2, cfg[1], h, w),
                      why="after .double() the block computes in float64: do not convert to "
                          "float32 on the way.")
