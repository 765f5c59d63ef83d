"""Hidden checks for exercises/cnn/lenet.py (LeNet as an nn.Sequential).

The reference model, built here, is the oracle for shapes, parameter shapes and values; the
submission's model stays in the sandbox and is read through handles and the public
description fixtures of grader/sandbox/fixtures/cnn_arch.py.
"""

import pytest
import torch

from grader.asserts import assert_close, assert_tensor, fail
from grader.archcheck import ARCH, compare_trace, load_reference, run_layers
from grader.archcheck import children as _children, forward as _forward
from grader.sandbox.fixtures import cnn_arch
from grader.sandbox.host import is_instance, make, vjp

SEQUENTIAL = "torch.nn.modules.container.Sequential"


def _call(args=()):
    return f"lenet({', '.join(repr(a) for a in args)})"


def _build(sub, *args):
    model = sub.lenet(*args)
    if not is_instance(model, SEQUENTIAL):
        fail(f"{_call(args)} returned {model!r}, not an nn.Sequential: build the 12 layers "
             "with nn.Sequential(...), as the stub says.")
    return model


def _ref_shapes(ref_model, X, stop_at=None):
    shapes = []
    with torch.no_grad():
        for layer in ref_model:
            if stop_at is not None and cnn_arch.torch_kind(layer) == stop_at:
                break
            X = layer(X)
            shapes.append(tuple(X.shape))
    return shapes


EXPECTED_KINDS_WHY = ("LeNet is, in order: Conv2d, Sigmoid, AvgPool2d, Conv2d, Sigmoid, "
                      "AvgPool2d, Flatten, Linear, Sigmoid, Linear, Sigmoid, Linear (the stub's "
                      "table).")


def _run_layers(layers, kinds, X, what, stop_at=None):
    return run_layers(layers, kinds, X, what, stop_at=stop_at)


def _compare_trace(trace, expected, what, why):
    compare_trace(trace, expected, what, why, table="the stub's list")


def _load_reference(sub, model, ref_model, what):
    load_reference(sub, model, ref_model.state_dict(), what,
                   layout="Build one flat nn.Sequential of the 12 layers (indices 0 to 11, no "
                          "names, no nested blocks), with weights only in layers 0, 3, 7, 9 "
                          "and 11.",
                   shapes="Check the channels and features of each layer against the stub's "
                          "table.")


@pytest.mark.points(2)
def test_layer_types_in_order(sub, ref):
    model = _build(sub)
    # One kind per index: a stateless layer reused at several indices (one nn.Sigmoid) is
    # described at each of them (cnn_arch.children).
    kinds = [c["kind"] for c in _children(sub, model)]
    expected = [c["kind"] for c in cnn_arch.children(ref.lenet())]
    for index, (kind, want) in enumerate(zip(kinds, expected)):
        if kind != want:
            fail(f"layer {index} of lenet() is a {kind}, not what the stub's table puts there. "
                 + EXPECTED_KINDS_WHY + " LeNet uses sigmoid activations and average pooling "
                 "(ReLU and max pooling came later, with AlexNet), and no softmax layer: the "
                 "loss applies it.")
    if len(kinds) != len(expected):
        fail(f"lenet() has {len(kinds)} layers, the stub's table has {len(expected)}. "
             + EXPECTED_KINDS_WHY)


@pytest.mark.points(2)
def test_output_shape_after_each_layer(sub, ref, device, rng):
    model = _build(sub)
    model.to(device)
    layers = list(model)
    kinds = [c["kind"] for c in _children(sub, model)]
    ref_model = ref.lenet()
    X = torch.randn(2, 1, 28, 28, generator=rng).to(device)
    _compare_trace(_run_layers(layers, kinds, X, "lenet() on a (2, 1, 28, 28) batch"),
                   _ref_shapes(ref_model.to(device), X),
                   "lenet() on a (2, 1, 28, 28) batch",
                   "Each convolution and pooling layer maps a side n to floor((n + 2p - k) / s) "
                   "+ 1; Flatten gives (N, 400) and the dense layers 120, 84, num_classes.")
    # The convolution part alone follows the same formula on any image size.
    for H, W in ((21, 26), (33, 17)):
        X = torch.randn(3, 1, H, W, generator=rng).to(device)
        what = f"layers 0 to 5 of lenet() on a (3, 1, {H}, {W}) batch"
        _compare_trace(_run_layers(layers, kinds, X, what, stop_at="Flatten"),
                       _ref_shapes(ref_model, X, stop_at="Flatten"), what,
                       "The first convolution pads 2 pixels on each side (the side stays n), "
                       "the second has no padding (n - 4), and each pooling halves it "
                       "(floor(n / 2)).")


@pytest.mark.points(2)
def test_parameter_count(sub, ref):
    model = _build(sub)
    shapes = make(sub, f"{ARCH}:param_shapes", model)
    lazy = [name for name, shape in shapes if shape is None]
    if lazy:
        fail(f"lenet() has parameters whose shape is not set yet ({lazy[:4]}): lazy layers "
             "(nn.LazyConv2d, nn.LazyLinear) only get their weights at the first forward pass. "
             "Give every input size explicitly, as the stub says.")
    total = sum(torch.Size(shape).numel() for _, shape in shapes)
    expected = {name: list(p.shape) for name, p in ref.lenet().named_parameters()}
    if total != sum(torch.Size(s).numel() for s in expected.values()):
        note = (" That is the count with the note's 64-unit dense layer; LeNet-5 and d2l use 84."
                if total == 59086 else "")
        fail(f"lenet() has {total:,} parameters; LeNet with 10 classes has 61,706 (the "
             f"stub's count, layer by layer).{note}")
    mine = dict(shapes)
    for name, shape in expected.items():
        if mine.get(name) != shape:
            where = (f"has shape {tuple(mine[name])}" if name in mine
                     else "is missing (the layers are not at the stub's indices)")
            fail(f"lenet(): the parameter {name} {where}; the total is right but the "
                 "parameters are not laid out as in the stub's table.")


@pytest.mark.points(3)
def test_matches_reference_after_loading_weights(sub, ref, device, rng, seed):
    ref_model = cnn_arch.kaiming_init_(ref.lenet(), seed).to(device).eval()
    model = _build(sub)
    model.to(device)
    _load_reference(sub, model, ref_model, "lenet()")
    model.eval()
    for batch in (1, 5):
        X = torch.randn(batch, 1, 28, 28, generator=rng).to(device)
        with torch.no_grad():
            expected = ref_model(X)
        assert_close(_forward(model, X, f"lenet() on a ({batch}, 1, 28, 28) batch"), expected,
                     what=f"lenet() in eval mode with the reference's weights, on a "
                          f"({batch}, 1, 28, 28) batch",
                     why="with the same weights the same layers give the same logits: check "
                         "each layer's kernel size, padding, stride and activation (sigmoid "
                         "after both convolutions and the first two dense layers, average "
                         "pooling, no softmax at the end).")


def test_num_classes_sets_output_width(sub, ref, device, rng):
    for num_classes in (3, 17):
        model = _build(sub, num_classes)
        model.to(device)
        X = torch.randn(2, 1, 28, 28, generator=rng).to(device)
        out = _forward(model, X, f"{_call((num_classes,))} on a (2, 1, 28, 28) batch")
        assert_tensor(out, what=f"{_call((num_classes,))} on a (2, 1, 28, 28) batch",
                      shape=(2, num_classes),
                      why="num_classes is the width of the last nn.Linear: one score per "
                          "class.")
        dense = [c for c in _children(sub, model) if c["kind"] == "Linear"]
        if dense and dense[-1]["config"].get("out_features") != num_classes:
            fail(f"{_call((num_classes,))}: the last nn.Linear has "
                 f"{dense[-1]['config'].get('out_features')} output features; it must map the "
                 "84 features to num_classes scores.")


def test_gradients_reach_every_parameter(sub, ref, device, rng, seed):
    ref_model = cnn_arch.kaiming_init_(ref.lenet(), seed).to(device).eval()
    model = _build(sub)
    model.to(device)
    _load_reference(sub, model, ref_model, "lenet()")
    model.eval()
    X = torch.randn(3, 1, 28, 28, generator=rng).to(device)
    G = torch.randn(3, 10, generator=rng).to(device)
    result = vjp(model, X, wrt=[0], cotangent=G, params=True)
    assert_tensor(result.out, what="lenet() on a (3, 1, 28, 28) batch", shape=(3, 10))
    (ref_model(X) * G).sum().backward()
    for name, p in ref_model.named_parameters():
        grad = result.params.get(name)
        if grad is None:
            fail(f"after backward through lenet(), the parameter {name} has no gradient: every "
                 "layer must be trained (do not freeze parameters with requires_grad_(False) "
                 "or cut the graph with .detach()).")
        assert_close(grad, p.grad, what=f"the gradient of {name} after backward through "
                                        "lenet() with the reference's weights",
                     why="backpropagation through the same layers gives the same gradients.",
                     rtol=1e-4, atol=1e-6)


@pytest.mark.points(1)
def test_each_call_builds_a_new_model(sub):
    first = _build(sub)
    second = _build(sub)
    # Known weights in the first model only; the second must keep its own.
    make(sub, f"{ARCH}:fill_", first, 0.25)
    shared = [name for name, value in second.state_dict().items()
              if value.numel() and bool((value == 0.25).all())]
    if shared:
        fail(f"two calls of lenet() returned models that share the parameter(s) {shared[:4]}: "
             "setting the weights of the first model changed the second. Build new layers "
             "inside lenet() on every call (d2l-zh's module-level net is built once; a cached "
             "model or a module-level list of layers is shared too).")
