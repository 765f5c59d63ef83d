"""Hidden checks for exercises/cnn/nin_block.py (NiN blocks and the Network in Network).

The reference, built here, is the oracle for structure, shapes, parameter shapes and values;
the submission's models stay in the sandbox and are read through handles and the public
description fixtures of grader/sandbox/fixtures/cnn_arch.py. NiN has 2 million parameters,
so its weights cross by value cheaply.
"""

import pytest
import torch
import torch.nn.functional as F

from grader.asserts import assert_close, assert_tensor, fail
from grader.archcheck import ARCH, Held, compare_trace, load_reference, run_layers
from grader.archcheck import children as _children, forward as _forward
from grader.sandbox.fixtures import cnn_arch
from grader.sandbox.host import is_instance, make

SEQUENTIAL = "torch.nn.modules.container.Sequential"
BLOCK_KINDS = ["Conv2d", "ReLU", "Conv2d", "ReLU", "Conv2d", "ReLU"]
BLOCK_WHY = ("a NiN block is Conv2d(in, out, kernel_size, strides, padding), ReLU, then twice "
             "Conv2d(out, out, kernel_size=1) and ReLU: 6 layers.")
# (in_channels, out_channels, kernel_size, strides, padding) and an input size (H, W)
BLOCK_CASES = (((3, 8, 5, 2, 1), (17, 14)), ((4, 6, 3, 1, 0), (9, 12)),
               ((2, 5, 11, 4, 0), (31, 27)), ((5, 7, 3, 1, 1), (8, 5)))


def _block_call(args):
    return f"nin_block({', '.join(repr(a) for a in args)})"


def _nin_call(args=()):
    return f"nin({', '.join(repr(a) for a in args)})"


class _Held(Held):
    """Handles made by a check, released at the end so that the sandbox drops the models."""

    def block(self, *args):
        block = self.keep(self.sub.nin_block(*args))
        if not is_instance(block, SEQUENTIAL):
            fail(f"{_block_call(args)} returned {block!r}, not an nn.Sequential: build the "
                 "block's 6 layers with nn.Sequential(...), as the stub says.")
        return block

    def nin(self, *args):
        model = self.keep(self.sub.nin(*args))
        if not is_instance(model, SEQUENTIAL):
            fail(f"{_nin_call(args)} returned {model!r}, not an nn.Sequential: build the 10 "
                 "entries with nn.Sequential(...), as the stub says.")
        return model


def _ref_shapes(model, X):
    shapes = []
    with torch.no_grad():
        for layer in model:
            X = layer(X)
            shapes.append(tuple(X.shape))
    return shapes


def _run_layers(layers, kinds, X, what):
    return run_layers(layers, kinds, X, what, part="entry")


def _compare_trace(trace, expected, what, why):
    compare_trace(trace, expected, what, why, part="entry")


def _load_reference(sub, model, ref_model, what):
    load_reference(sub, model, ref_model.state_dict(), what,
                   layout="Follow the stub's layout (the layers' indices inside each "
                          "nn.Sequential).",
                   shapes="Check the channels and kernel size of each convolution against "
                          "the stub.")


@pytest.mark.points(2)
def test_block_layer_types_in_order(sub):
    for args, _ in BLOCK_CASES:
        with _Held(sub) as held:
            kinds = [c["kind"] for c in _children(sub, held.block(*args))]
        for index, (kind, want) in enumerate(zip(kinds, BLOCK_KINDS)):
            if kind != want:
                fail(f"layer {index} of {_block_call(args)} is a {kind}: {BLOCK_WHY}")
        if len(kinds) != len(BLOCK_KINDS):
            fail(f"{_block_call(args)} has {len(kinds)} layers: {BLOCK_WHY}")


@pytest.mark.points(2)
def test_block_shapes_and_parameters(sub, ref, device, rng):
    for args, (H, W) in BLOCK_CASES:
        with _Held(sub) as held:
            block = held.block(*args)
            shapes = make(sub, f"{ARCH}:param_shapes", block)
            ref_block = ref.nin_block(*args)
            mine = dict(shapes)
            for name, p in ref_block.named_parameters():
                if mine.get(name) != list(p.shape):
                    where = (f"has shape {tuple(mine[name])}" if mine.get(name)
                             else "is missing or unset (lazy)")
                    fail(f"{_block_call(args)}: the parameter {name} {where}. The first "
                         "convolution maps in_channels to out_channels with a kernel_size "
                         "kernel; the two others map out_channels to out_channels with 1x1 "
                         "kernels; each has a bias.")
            if len(mine) != 6:
                fail(f"{_block_call(args)} has {len(mine)} parameter tensors; a NiN block has "
                     "6 (a weight and a bias for each of its three convolutions).")
            block.to(device)
            kinds = [c["kind"] for c in _children(sub, block)]
            X = torch.randn(2, args[0], H, W, generator=rng).to(device)
            what = f"{_block_call(args)} on a {tuple(X.shape)} input"
            trace = _run_layers(held.layers(block), kinds, X, what)
            _compare_trace(trace, _ref_shapes(ref_block, X.cpu()), what,
                           "The first convolution maps a side n to floor((n + 2p - k) / s) + "
                           "1; the 1x1 convolutions (stride 1, no padding) keep the size.")


@pytest.mark.points(2)
def test_block_matches_reference_after_loading_weights(sub, ref, device, rng, seed):
    for args, (H, W) in BLOCK_CASES:
        ref_block = cnn_arch.kaiming_init_(ref.nin_block(*args), seed).to(device)
        with _Held(sub) as held:
            block = held.block(*args)
            block.to(device)
            _load_reference(sub, block, ref_block, _block_call(args))
            X = torch.randn(3, args[0], H, W, generator=rng).to(device)
            with torch.no_grad():
                expected = ref_block(X)
            assert_close(_forward(block, X, _block_call(args)), expected,
                         what=f"{_block_call(args)} with the reference's weights, on a "
                              f"{tuple(X.shape)} input",
                         why="with the same weights the same layers give the same output: "
                             "check the stride and padding of the first convolution and the "
                             "ReLU after each of the three convolutions.")


@pytest.mark.points(2)
def test_one_by_one_convolution_is_a_per_pixel_dense_layer(sub, device, rng):
    args = (4, 6, 3, 1, 1)
    with _Held(sub) as held:
        block = held.block(*args)
        block.to(device)
        kinds = [c["kind"] for c in _children(sub, block)]
        layers = held.layers(block)
        state = block.state_dict()
        for index in (2, 4):
            if index >= len(layers) or kinds[index] != "Conv2d":
                fail(f"layer {index} of {_block_call(args)} should be a 1x1 nn.Conv2d: "
                     + BLOCK_WHY)
            weight, bias = state.get(f"{index}.weight"), state.get(f"{index}.bias")
            if weight is None or bias is None or tuple(weight.shape) != (6, 6, 1, 1):
                fail(f"layer {index} of {_block_call(args)} has weight shape "
                     f"{None if weight is None else tuple(weight.shape)}; a 1x1 convolution "
                     "from out_channels to out_channels has a (6, 6, 1, 1) weight and a bias.")
            X = torch.randn(2, 6, 7, 5, generator=rng).to(device)
            # At every pixel: y[:, h, w] = W @ x[:, h, w] + b, a dense layer on the channels.
            dense = F.linear(X.permute(0, 2, 3, 1), weight.reshape(6, 6).to(device),
                             bias.to(device)).permute(0, 3, 1, 2)
            assert_close(layers[index](X), dense,
                         what=f"layer {index} of {_block_call(args)} on a (2, 6, 7, 5) input",
                         why="a 1x1 convolution is a fully connected layer applied to each "
                             "pixel's channel vector separately (same weights at every "
                             "position): kernel_size=1, stride 1, no padding.")


@pytest.mark.points(2)
def test_nin_structure(sub, ref):
    with _Held(sub) as held:
        mine = make(sub, f"{ARCH}:modules", held.nin())
    theirs = cnn_arch.modules(ref.nin())
    dense = [m["name"] for m in mine if m["kind"] == "Linear"]
    if dense:
        fail(f"nin() has fully connected layers ({dense[:3]}): NiN replaces them by 1x1 "
             "convolutions and a global average pooling over one channel per class.")
    names = [(m["name"], m["kind"]) for m in mine]
    want = [(m["name"], m["kind"]) for m in theirs]
    for (name, kind), (want_name, want_kind) in zip(names, want):
        if (name, kind) != (want_name, want_kind):
            fail(f"nin(): the module named {name!r} is a {kind}; the stub's table puts "
                 "something else there. NiN is nin_block, MaxPool2d, nin_block, MaxPool2d, "
                 "nin_block, MaxPool2d, Dropout, nin_block, AdaptiveAvgPool2d, Flatten, each "
                 "block an nn.Sequential of its 6 layers.")
    if len(names) != len(want):
        fail(f"nin() has {len(names) - 1} modules in all; the reference has {len(want) - 1}. "
             "Follow the stub's table of 10 entries.")
    for m in mine:
        if m["kind"] == "Dropout" and m["config"].get("p") != 0.5:
            fail(f"nin(): the dropout layer {m['name']} has p = {m['config'].get('p')}; d2l's "
                 "NiN drops with p = 0.5.")
        if m["kind"] == "MaxPool2d" and (m["config"].get("kernel_size") not in (3, [3, 3])
                                         or m["config"].get("stride") not in (2, [2, 2])):
            fail(f"nin(): the pooling layer {m['name']} is not MaxPool2d(3, stride=2).")


@pytest.mark.points(2)
def test_nin_shape_after_each_entry(sub, ref, device, rng):
    ref_model = ref.nin().eval()
    with _Held(sub) as held:
        model = held.nin()
        model.to(device)
        model.eval()
        kinds = [c["kind"] for c in _children(sub, model)]
        layers = held.layers(model)
        for shape in ((1, 1, 224, 224), (2, 1, 95, 71)):
            X = torch.randn(*shape, generator=rng).to(device)
            what = f"nin() on a {shape} batch"
            trace = _run_layers(layers, kinds, X, what)
            _compare_trace(trace, _ref_shapes(ref_model, X.cpu()), what,
                           "Each block's first convolution maps a side n to floor((n + 2p - k) "
                           "/ s) + 1 and sets the channels; each MaxPool2d(3, stride=2) gives "
                           "(n - 3) // 2 + 1; the global average pooling gives 1 x 1 whatever "
                           "the size, and Flatten (N, num_classes).")


@pytest.mark.points(2)
def test_nin_parameter_count(sub, ref):
    with _Held(sub) as held:
        shapes = make(sub, f"{ARCH}:param_shapes", held.nin())
    lazy = [name for name, shape in shapes if shape is None]
    if lazy:
        fail(f"nin() has parameters whose shape is not set yet ({lazy[:4]}): lazy layers "
             "(nn.LazyConv2d, as in d2l-en) only get their weights at the first forward pass. "
             "Use nn.Conv2d with its in_channels.")
    total = sum(torch.Size(shape).numel() for _, shape in shapes)
    expected = {name: list(p.shape) for name, p in ref.nin().named_parameters()}
    if total != sum(torch.Size(s).numel() for s in expected.values()):
        fail(f"nin() has {total:,} parameters; d2l's NiN with in_channels=1 and 10 classes has "
             "1,992,166 (the stub's count), about 4% of AlexNet's.")
    mine = dict(shapes)
    for name, shape in expected.items():
        if mine.get(name) != shape:
            where = (f"has shape {tuple(mine[name])}" if name in mine
                     else "is missing (the layers are not at the stub's indices)")
            fail(f"nin(): the parameter {name} {where}; the total is right but the parameters "
                 "are not laid out as in the stub's table.")


@pytest.mark.points(3)
def test_nin_matches_reference_after_loading_weights(sub, ref, device, rng, seed):
    ref_model = cnn_arch.kaiming_init_(ref.nin(), seed).to(device).eval()
    with _Held(sub) as held:
        model = held.nin()
        model.to(device)
        _load_reference(sub, model, ref_model, "nin()")
        model.eval()
        # 160 x 136 leaves 3 x 3 maps before the global average pooling.
        X = torch.randn(2, 1, 160, 136, generator=rng).to(device)
        with torch.no_grad():
            expected = ref_model(X)
        assert_close(_forward(model, X, "nin() on a (2, 1, 160, 136) batch"), expected,
                     what="nin() in eval mode with the reference's weights, on a (2, 1, 160, "
                          "136) batch",
                     why="with the same weights the same layers give the same scores: check "
                         "each block's kernel size, stride and padding, the max pooling, that "
                         "dropout is off in eval mode, and the global average pooling.",
                     rtol=1e-4, atol=1e-5)


def test_global_average_pooling_gives_class_scores(sub, device, rng):
    with _Held(sub) as held:
        model = held.nin()
        model.to(device)
        model.eval()
        kinds = [c["kind"] for c in _children(sub, model)]
        layers = held.layers(model)
        if len(layers) != 10:
            fail(f"nin() has {len(layers)} entries; the stub's table has 10, the last two "
                 "being the global average pooling and Flatten.")
        X = torch.randn(2, 10, 3, 4, generator=rng).to(device)
        what = "entries 8 and 9 of nin() (after the last block) on a (2, 10, 3, 4) input"
        out = _run_layers(layers[8:], kinds[8:], X, what)[-1][2]
        assert_close(out, X.mean(dim=(2, 3)), what=what,
                     why="global average pooling averages each channel over every position "
                         "(nn.AdaptiveAvgPool2d((1, 1)), whatever H and W are), and Flatten "
                         "turns (N, num_classes, 1, 1) into (N, num_classes) scores.")


def test_nin_uses_its_arguments(sub, device, rng):
    for args in ((5, 3), (12, 1)):
        num_classes, in_channels = args
        with _Held(sub) as held:
            model = held.nin(*args)
            model.to(device)
            model.eval()
            mods = make(sub, f"{ARCH}:modules", model)
            convs = [m for m in mods if m["kind"] == "Conv2d"]
            if convs and convs[0]["config"].get("in_channels") != in_channels:
                fail(f"{_nin_call(args)}: the first convolution takes "
                     f"{convs[0]['config'].get('in_channels')} channels; in_channels sets it.")
            if convs and convs[-1]["config"].get("out_channels") != num_classes:
                fail(f"{_nin_call(args)}: the last convolution has "
                     f"{convs[-1]['config'].get('out_channels')} output channels; the last "
                     "block has one channel per class (num_classes).")
            X = torch.randn(2, in_channels, 96, 80, generator=rng).to(device)
            assert_tensor(_forward(model, X, f"{_nin_call(args)} on a {tuple(X.shape)} batch"),
                          what=f"{_nin_call(args)} on a {tuple(X.shape)} batch",
                          shape=(2, num_classes), device=device,
                          why="the network returns one score per class for each image.")
