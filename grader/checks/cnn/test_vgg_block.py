"""Hidden checks for exercises/cnn/vgg_block.py (VGG blocks and the VGG network).

The reference, built here, is the oracle for structure, shapes, parameter shapes and values;
the submission's models stay in the sandbox and are read through handles and the public
description fixtures of grader/sandbox/fixtures/cnn_arch.py. VGG-11 has 128.8 million
parameters, so it is built on the meta device (structure and shapes, no weights) and only
its convolution blocks get memory; value checks use small architectures on 28x28 images.
"""

import functools

import pytest
import torch

from grader.asserts import assert_close, assert_tensor, fail
from grader.archcheck import ARCH, Held, compare_trace, load_reference, run_layers
from grader.archcheck import children as _children, forward as _forward
from grader.sandbox.fixtures import cnn_arch
from grader.sandbox.host import is_instance, make

SEQUENTIAL = "torch.nn.modules.container.Sequential"
SMALL = ((1, 8), (2, 16))            # two blocks: 28x28 images end at 7x7
THREE = ((1, 4), (2, 8), (1, 12))    # three blocks: 56x56 images
BLOCK_WHY = ("a VGG block is num_convs times (Conv2d 3x3 with padding 1, ReLU), then one "
             "MaxPool2d(kernel_size=2, stride=2): 2 * num_convs + 1 layers.")
DENSE_KINDS = ["Flatten", "Linear", "ReLU", "Dropout", "Linear", "ReLU", "Dropout", "Linear"]


def _block_call(args):
    return f"vgg_block({', '.join(repr(a) for a in args)})"


def _vgg_call(args):
    return f"vgg({', '.join(repr(a) for a in args)})"


@functools.lru_cache(maxsize=4)
def _reference_vgg(ref, conv_arch, in_channels=1, num_classes=10):
    """A reference VGG whose weights are rounded to float16 precision (kept in float32), so
    that its state_dict can cross to the sandbox as float16: half the bytes, and
    load_state_dict copies the values back into float32 parameters exactly."""
    model = cnn_arch.kaiming_init_(ref.vgg(conv_arch, in_channels, num_classes), 0).eval()
    with torch.no_grad():
        for param in model.parameters():
            param.copy_(param.half().float())
    return model


@functools.lru_cache(maxsize=4)
def _reference_layout(ref, conv_arch=None, in_channels=1, num_classes=10):
    """The reference built on the meta device: layers and shapes only (it is never run)."""
    with torch.device("meta"):
        if conv_arch is None:
            return ref.vgg()
        return ref.vgg(conv_arch, in_channels, num_classes)


class _Held(Held):
    """Handles made by a check, released at the end so that the sandbox drops the models."""

    def block(self, *args):
        block = self.keep(self.sub.vgg_block(*args))
        if not is_instance(block, SEQUENTIAL):
            fail(f"{_block_call(args)} returned {block!r}, not an nn.Sequential: build the "
                 "block's layers with nn.Sequential(...), as the stub says.")
        return block

    def vgg(self, *args, device=None, upto=None):
        """The submission's vgg(*args) built on the meta device (layers and shapes, no
        weights). With a device, its parameters get zeros there: all of them, or only those
        of its first ``upto`` entries (the blocks)."""
        model = self.keep(make(self.sub, f"{ARCH}:build_cheaply", self.sub.vgg, *args))
        if not is_instance(model, SEQUENTIAL):
            fail(f"{_vgg_call(args)} returned {model!r}, not an nn.Sequential: build the "
                 "network with nn.Sequential(*blocks, nn.Flatten(), ...), as the stub says.")
        if device is not None:
            if upto is None:
                make(self.sub, f"{ARCH}:materialize_", model, device)
            else:
                for child in self.layers(model)[:upto]:
                    make(self.sub, f"{ARCH}:materialize_", child, device)
            if any(p is None for _, p in make(self.sub, f"{ARCH}:param_shapes", model)):
                # Lazy layers have no shapes to allocate: build the model for real.
                model = self.keep(self.sub.vgg(*args))
                model.to(device)
        return model


def _ref_shapes(model, X, stop_at=None):
    shapes = []
    X = X.cpu()
    with torch.no_grad():
        for layer in model:
            if stop_at is not None and cnn_arch.torch_kind(layer) == stop_at:
                break
            X = layer(X)
            shapes.append(tuple(X.shape))
    return shapes


BLOCK_CASES = ((1, 3, 8), (2, 5, 6), (3, 2, 4))


def _run_layers(layers, kinds, X, what, stop_at=None):
    return run_layers(layers, kinds, X, what, stop_at=stop_at, part="entry")


def _compare_trace(trace, expected, what, why):
    compare_trace(trace, expected, what, why, part="entry", table="the reference")


def _load_reference(sub, model, state, what, half=False):
    load_reference(sub, model, state, what, convert=(lambda v: v.half()) if half else None,
                   layout="Follow the stub's layout (the layers' indices inside each "
                          "nn.Sequential).",
                   shapes="Check the channels and features of each layer against the stub.")


@pytest.mark.points(2)
def test_block_layer_types_in_order(sub, ref):
    for args in BLOCK_CASES:
        with _Held(sub) as held:
            kinds = [c["kind"] for c in _children(sub, held.block(*args))]
        expected = [c["kind"] for c in cnn_arch.children(ref.vgg_block(*args))]
        for index, (kind, want) in enumerate(zip(kinds, expected)):
            if kind != want:
                fail(f"layer {index} of {_block_call(args)} is a {kind}, not what a VGG block "
                     f"has there: {BLOCK_WHY}")
        if len(kinds) != len(expected):
            fail(f"{_block_call(args)} has {len(kinds)} layers: {BLOCK_WHY}")


@pytest.mark.points(2)
def test_block_output_shape(sub, ref, device, rng):
    for args, (H, W) in zip(BLOCK_CASES, ((13, 10), (9, 16), (7, 7))):
        with _Held(sub) as held:
            block = held.block(*args)
            block.to(device)
            kinds = [c["kind"] for c in _children(sub, block)]
            X = torch.randn(2, args[1], H, W, generator=rng).to(device)
            what = f"{_block_call(args)} on a {tuple(X.shape)} input"
            _compare_trace(_run_layers(held.layers(block), kinds, X, what),
                           _ref_shapes(ref.vgg_block(*args), X), what,
                           "A 3x3 convolution with padding 1 keeps H and W and gives "
                           "out_channels channels; the 2x2 max pooling with stride 2 gives "
                           "floor(H / 2) x floor(W / 2).")
            out = _forward(block, X, what)
            assert_tensor(out, what=what, shape=(2, args[2], H // 2, W // 2), device=device,
                          why="a VGG block maps (N, in_channels, H, W) to (N, out_channels, "
                              "H // 2, W // 2).")


@pytest.mark.points(2)
def test_block_parameter_shapes(sub, ref):
    for args in BLOCK_CASES:
        with _Held(sub) as held:
            shapes = make(sub, f"{ARCH}:param_shapes", held.block(*args))
        lazy = [name for name, shape in shapes if shape is None]
        if lazy:
            fail(f"{_block_call(args)} has parameters whose shape is not set yet ({lazy[:4]}): "
                 "lazy layers (nn.LazyConv2d, as in d2l-en) only get their weights at the first "
                 "forward pass. Use nn.Conv2d(in, out, kernel_size=3, padding=1).")
        mine = dict(shapes)
        expected = {name: list(p.shape) for name, p in ref.vgg_block(*args).named_parameters()}
        for name, shape in expected.items():
            if mine.get(name) != shape:
                where = (f"has shape {tuple(mine[name])}" if name in mine
                         else "is missing (the layers are not at the stub's indices)")
                fail(f"{_block_call(args)}: the parameter {name} {where}. Every convolution is "
                     "3x3 with a bias; the first maps in_channels to out_channels, the others "
                     "out_channels to out_channels.")
        if len(mine) != len(expected):
            fail(f"{_block_call(args)} has {len(mine)} parameter tensors; a block with "
                 f"{args[0]} convolution(s) has {len(expected)} (a weight and a bias each).")


@pytest.mark.points(2)
def test_block_matches_reference_after_loading_weights(sub, ref, device, rng, seed):
    for args, (H, W) in zip(BLOCK_CASES, ((12, 9), (10, 15), (8, 11))):
        ref_block = cnn_arch.kaiming_init_(ref.vgg_block(*args), seed).to(device)
        with _Held(sub) as held:
            block = held.block(*args)
            block.to(device)
            _load_reference(sub, block, ref_block.state_dict(), _block_call(args))
            X = torch.randn(3, args[1], H, W, generator=rng).to(device)
            with torch.no_grad():
                expected = ref_block(X)
            assert_close(_forward(block, X, _block_call(args)), expected,
                         what=f"{_block_call(args)} with the reference's weights, on a "
                              f"{tuple(X.shape)} input",
                         why="with the same weights the same layers give the same output: "
                             "check the padding of each convolution, the ReLU after each one, "
                             "and the max (not average) pooling at the end.")


@pytest.mark.points(2)
def test_vgg_structure(sub, ref):
    for arch in (SMALL, THREE):
        with _Held(sub) as held:
            model = held.vgg(arch)
            mine = make(sub, f"{ARCH}:modules", model)
        theirs = cnn_arch.modules(_reference_layout(ref, arch))
        call = _vgg_call((arch,))
        top = [m for m in mine if m["name"] and "." not in m["name"]]
        blocks = [m for m in top if m["is_sequential"]]
        if len(blocks) != len(arch) or [m["kind"] for m in top[len(arch):]] != DENSE_KINDS:
            fail(f"{call}: the network's top-level entries are "
                 f"{[m['kind'] for m in top][:14]}; VGG is one nn.Sequential entry per block "
                 "(your vgg_block), then Flatten, Linear, ReLU, Dropout, Linear, ReLU, Dropout "
                 "and Linear (the stub's table).")
        names = [(m["name"], m["kind"]) for m in mine]
        want = [(m["name"], m["kind"]) for m in theirs]
        for (name, kind), (want_name, want_kind) in zip(names, want):
            if (name, kind) != (want_name, want_kind):
                fail(f"{call}: the module named {name!r} is a {kind}; the layout in the stub "
                     f"puts something else there. Inside each block, {BLOCK_WHY} The i-th "
                     "(num_convs, out_channels) pair gives the i-th block.")
        if len(names) != len(want):
            fail(f"{call} has {len(names) - 1} modules in all; the reference has "
                 f"{len(want) - 1}. Build one vgg_block per pair of conv_arch.")
        for m in mine:
            if m["kind"] == "Dropout" and m["config"].get("p") != 0.5:
                fail(f"{call}: the dropout layer {m['name']} has p = {m['config'].get('p')}; "
                     "VGG's dense part (AlexNet's) drops with p = 0.5.")


@pytest.mark.points(2)
def test_vgg_shape_after_each_block(sub, ref, device, rng):
    cases = ((SMALL, (2, 1, 28, 28)), (THREE, (1, 1, 56, 56)))
    for arch, shape in cases:
        with _Held(sub) as held:
            model = held.vgg(arch, device=device)
            model.eval()
            kinds = [c["kind"] for c in _children(sub, model)]
            X = torch.randn(*shape, generator=rng).to(device)
            what = f"{_vgg_call((arch,))} on a {shape} batch"
            _compare_trace(_run_layers(held.layers(model), kinds, X, what),
                           _ref_shapes(_reference_vgg(ref, arch), X), what,
                           "Each block keeps H and W through its convolutions and halves them "
                           "in its pooling, with the block's out_channels; Flatten gives "
                           "m_last * 7 * 7 features, then 4096, 4096 and num_classes.")
    # VGG-11's five blocks, on a small image: only the blocks get memory.
    with _Held(sub) as held:
        model = held.vgg(device=device, upto=5)
        kinds = [c["kind"] for c in _children(sub, model)]
        X = torch.randn(1, 1, 32, 40, generator=rng).to(device)
        what = "the five blocks of vgg() (VGG-11) on a (1, 1, 32, 40) image"
        blocks, c_in = [], 1
        for num_convs, out_channels in ref.VGG11:  # the reference's blocks, without the
            blocks.append(ref.vgg_block(num_convs, c_in, out_channels))  # 124M dense weights
            c_in = out_channels
        expected = _ref_shapes(blocks, X)
        _compare_trace(_run_layers(held.layers(model), kinds, X, what, stop_at="Flatten"),
                       expected, what,
                       "VGG-11's conv_arch is ((1, 64), (1, 128), (2, 256), (2, 512), (2, 512)):"
                       " each block halves H and W and sets the channels.")


@pytest.mark.points(2)
def test_vgg11_parameter_count(sub, ref):
    with _Held(sub) as held:
        shapes = make(sub, f"{ARCH}:param_shapes", held.vgg())
    lazy = [name for name, shape in shapes if shape is None]
    if lazy:
        fail(f"vgg() has parameters whose shape is not set yet ({lazy[:4]}): lazy layers only "
             "get their weights at the first forward pass. Give every input size explicitly.")
    total = sum(torch.Size(shape).numel() for _, shape in shapes)
    expected = {name: list(p.shape) for name, p in _reference_layout(ref).named_parameters()}
    if total != sum(torch.Size(s).numel() for s in expected.values()):
        fail(f"vgg() (VGG-11, in_channels=1, 10 classes) has {total:,} parameters; it should "
             "have 128,806,154 (the stub's count).")
    mine = dict(shapes)
    for name, shape in expected.items():
        if mine.get(name) != shape:
            where = (f"has shape {tuple(mine[name])}" if name in mine
                     else "is missing (the layers are not at the stub's indices)")
            fail(f"vgg(): the parameter {name} {where}; the total is right but the parameters "
                 "are not laid out as in the stub.")


@pytest.mark.points(3)
def test_vgg_matches_reference_after_loading_weights(sub, ref, device, rng):
    ref_model = _reference_vgg(ref, SMALL)
    with _Held(sub) as held:
        model = held.vgg(SMALL, device=device)
        _load_reference(sub, model, ref_model.state_dict(), _vgg_call((SMALL,)), half=True)
        model.eval()
        X = torch.randn(2, 1, 28, 28, generator=rng).to(device)
        with torch.no_grad():
            expected = ref_model(X.cpu()).to(device)
        assert_close(_forward(model, X, f"{_vgg_call((SMALL,))} on a (2, 1, 28, 28) batch"), expected,
                     what=f"{_vgg_call((SMALL,))} in eval mode with the reference's weights, "
                          "on a (2, 1, 28, 28) batch",
                     why="with the same weights the same layers give the same logits: check "
                         "the blocks, the ReLU after each hidden dense layer, that dropout is "
                         "off in eval mode, and that there is no softmax at the end.",
                     rtol=1e-4, atol=1e-5)


def test_vgg_uses_its_arguments(sub, device, rng):
    arch, in_channels, num_classes = ((1, 6), (1, 10)), 3, 5
    args = (arch, in_channels, num_classes)
    with _Held(sub) as held:
        model = held.vgg(*args, device=device)
        model.eval()
        mods = make(sub, f"{ARCH}:modules", model)
        convs = [m for m in mods if m["kind"] == "Conv2d"]
        dense = [m for m in mods if m["kind"] == "Linear"]
        if convs and convs[0]["config"].get("in_channels") != in_channels:
            fail(f"{_vgg_call(args)}: the first convolution takes "
                 f"{convs[0]['config'].get('in_channels')} channels; in_channels sets it.")
        if dense and dense[0]["config"].get("in_features") != 10 * 7 * 7:
            fail(f"{_vgg_call(args)}: the first nn.Linear takes "
                 f"{dense[0]['config'].get('in_features')} features; it takes the last block's "
                 "out_channels * 7 * 7 (conv_arch sets the channels).")
        if dense and dense[-1]["config"].get("out_features") != num_classes:
            fail(f"{_vgg_call(args)}: the last nn.Linear has "
                 f"{dense[-1]['config'].get('out_features')} outputs; num_classes sets it.")
        X = torch.randn(2, in_channels, 28, 28, generator=rng).to(device)
        assert_tensor(_forward(model, X, f"{_vgg_call(args)} on a (2, 3, 28, 28) batch"),
                      what=f"{_vgg_call(args)} on a (2, 3, 28, 28) batch",
                      shape=(2, num_classes), device=device,
                      why="the network returns one score per class for each image.")
