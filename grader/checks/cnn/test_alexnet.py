"""Hidden checks for exercises/cnn/alexnet.py (d2l's AlexNet as an nn.Sequential).

The reference model, built here, is the oracle for shapes, parameter shapes and values; the
submission's model stays in the sandbox and is read through handles and the public
description fixtures of grader/sandbox/fixtures/cnn_arch.py. An AlexNet holds 187 MB of
weights, so the checks read shapes without sending weights back, run at most a few
224x224 images, and release the submission's models when they are done.
"""

import functools

import pytest
import torch
import torch.nn.functional as F

from grader.asserts import assert_close, assert_tensor, fail
from grader.archcheck import ARCH, Held, compare_trace, load_reference, run_layers
from grader.archcheck import children as _children, forward as _forward
from grader.sandbox.fixtures import cnn_arch
from grader.sandbox.host import LearnerError, is_instance, make

SEQUENTIAL = "torch.nn.modules.container.Sequential"
KINDS_WHY = ("d2l's AlexNet is, in order: Conv2d, ReLU, MaxPool2d, Conv2d, ReLU, MaxPool2d, "
             "then three Conv2d each followed by a ReLU, MaxPool2d, Flatten, and twice Linear, "
             "ReLU, Dropout, then the last Linear (the stub's table of 21 layers).")


@functools.lru_cache(maxsize=1)
def _reference(ref):
    """The reference model, built once. Its weights are rounded to float16 precision (and
    kept in float32) so that its state_dict can cross to the sandbox as float16, half of the
    187 MB: load_state_dict copies them back into float32 parameters exactly."""
    model = cnn_arch.kaiming_init_(ref.alexnet(), 0).eval()  # the signal reaches the end
    with torch.no_grad():
        for param in model.parameters():
            param.copy_(param.half().float())
    return model


@functools.lru_cache(maxsize=1)
def _reference_layout(ref):
    """The reference built on the meta device: its layers and shapes, with no weights to
    allocate (it is never run)."""
    with torch.device("meta"):
        return ref.alexnet().eval()


def _ref_shapes(ref, X, stop_at=None):
    """The reference's output shape after each layer (a real forward pass on the CPU: the
    meta device would compute shapes without arithmetic, but its first use costs seconds)."""
    shapes = []
    X = X.cpu()
    with torch.no_grad():
        for layer in _reference(ref):
            if stop_at is not None and cnn_arch.torch_kind(layer) == stop_at:
                break
            X = layer(X)
            shapes.append(tuple(X.shape))
    return shapes


def _call(args=()):
    return f"alexnet({', '.join(repr(a) for a in args)})"


class _Models(Held):
    """The submission's models (and their layers) built by a check, released at the end so
    that the sandbox does not keep several 187 MB networks alive."""

    def build(self, *args, device=None):
        """The submission's alexnet(*args), built on the meta device (its layers and shapes,
        no weights); with a device, its parameters then get zeros there (real memory)."""
        model = self.keep(make(self.sub, f"{ARCH}:build_cheaply", self.sub.alexnet, *args))
        if not is_instance(model, SEQUENTIAL):
            fail(f"{_call(args)} returned {model!r}, not an nn.Sequential: build the 21 layers "
                 "with nn.Sequential(...), as the stub says.")
        if device is not None:
            make(self.sub, f"{ARCH}:materialize_", model, device)
            if any(p is None for _, p in make(self.sub, f"{ARCH}:param_shapes", model)):
                # Lazy layers have no shapes to allocate: build the model for real.
                model = self.keep(self.sub.alexnet(*args))
                model.to(device)
        return model


def _images(rng, device, *shape):
    return torch.randn(*shape, generator=rng).to(device)


def _run_layers(layers, kinds, X, what, stop_at=None):
    return run_layers(layers, kinds, X, what, stop_at=stop_at)


def _compare_trace(trace, expected, what, why):
    compare_trace(trace, expected, what, why)


def _load_reference(sub, model, ref_model, what):
    load_reference(sub, model, ref_model.state_dict(), what, convert=lambda v: v.half(),
                   layout="Build one flat nn.Sequential of the 21 layers (indices 0 to 20, no "
                          "names, no nested blocks).",
                   shapes="Check the channels and features of each layer against the stub's "
                          "table.")


@pytest.mark.points(2)
def test_layer_types_in_order(sub, ref):
    with _Models(sub) as held:
        kinds = [c["kind"] for c in _children(sub, held.build())]
    expected = [c["kind"] for c in cnn_arch.children(_reference_layout(ref))]
    for index, (kind, want) in enumerate(zip(kinds, expected)):
        if kind != want:
            fail(f"layer {index} of alexnet() is a {kind}, not what the stub's table puts "
                 f"there. {KINDS_WHY} AlexNet's changes from LeNet: ReLU instead of sigmoid, "
                 "max pooling instead of average pooling, dropout after the hidden dense layers "
                 "(and no softmax layer: the loss applies it).")
    if len(kinds) != len(expected):
        fail(f"alexnet() has {len(kinds)} layers, the stub's table has {len(expected)}. "
             + KINDS_WHY)


@pytest.mark.points(2)
def test_output_shape_after_each_layer(sub, ref, device, rng):
    with _Models(sub) as held:
        model = held.build(device=device)  # zero weights: only the shapes matter here
        model.eval()
        kinds = [c["kind"] for c in _children(sub, model)]
        layers = held.layers(model)
        X = _images(rng, device, 1, 1, 224, 224)
        what = "alexnet() on a (1, 1, 224, 224) image"
        _compare_trace(_run_layers(layers, kinds, X, what),
                       _ref_shapes(ref, X), what,
                       "Each convolution and pooling layer maps a side n to floor((n + 2p - k) "
                       "/ s) + 1; Flatten gives 256 * 5 * 5 = 6400 features, then 4096, 4096 "
                       "and num_classes.")
        # The convolution part alone follows the same formula on any image size.
        for H, W in ((66, 81), (95, 71)):
            X = _images(rng, device, 2, 1, H, W)
            what = f"layers 0 to 12 of alexnet() on a (2, 1, {H}, {W}) batch"
            _compare_trace(_run_layers(layers, kinds, X, what, stop_at="Flatten"),
                           _ref_shapes(ref, X, stop_at="Flatten"), what,
                           "The first convolution has an 11x11 kernel, stride 4 and padding 1; "
                           "the second 5x5 with padding 2; the other three 3x3 with padding 1; "
                           "every max pooling has a 3x3 window and stride 2.")


@pytest.mark.points(1)
def test_max_pooling_overlaps(sub, device, rng):
    with _Models(sub) as held:
        model = held.build(device=device)
        kinds = [c["kind"] for c in _children(sub, model)]
        pools = [(i, layer) for i, (layer, kind) in enumerate(zip(held.layers(model), kinds))
                 if kind in ("MaxPool2d", "AvgPool2d")]
        if len(pools) != 3:
            fail(f"alexnet() has {len(pools)} pooling layers; d2l's AlexNet has three, after "
                 "the first, the second and the fifth convolution.")
        for index, layer in pools:
            X = _images(rng, device, 2, 3, 9, 12)
            assert_close(layer(X), F.max_pool2d(X, 3, 2),
                         what=f"layer {index} of alexnet() (a pooling layer) on a (2, 3, 9, 12) "
                              "input",
                         why="AlexNet's pooling is max pooling with a 3x3 window and stride 2: "
                             "neighbouring windows overlap by one row and column (overlapping "
                             "pooling), unlike LeNet's 2x2 average pooling with stride 2.")


@pytest.mark.points(2)
def test_parameter_count(sub, ref):
    with _Models(sub) as held:
        shapes = make(sub, f"{ARCH}:param_shapes", held.build())
    lazy = [name for name, shape in shapes if shape is None]
    if lazy:
        fail(f"alexnet() has parameters whose shape is not set yet ({lazy[:4]}): lazy layers "
             "(nn.LazyConv2d, nn.LazyLinear, as in d2l-en) only get their weights at the first "
             "forward pass. Give every input size explicitly, as the stub says.")
    total = sum(torch.Size(shape).numel() for _, shape in shapes)
    expected = {name: list(p.shape) for name, p in _reference_layout(ref).named_parameters()}
    if total != sum(torch.Size(s).numel() for s in expected.values()):
        fail(f"alexnet() has {total:,} parameters; d2l's AlexNet with in_channels=1 and 10 "
             "classes has 46,764,746 (the stub's count).")
    mine = dict(shapes)
    for name, shape in expected.items():
        if mine.get(name) != shape:
            where = (f"has shape {tuple(mine[name])}" if name in mine
                     else "is missing (the layers are not at the stub's indices)")
            fail(f"alexnet(): the parameter {name} {where}; the total is right but the "
                 "parameters are not laid out as in the stub's table.")


@pytest.mark.points(3)
def test_matches_reference_after_loading_weights(sub, ref, device, rng):
    ref_model = _reference(ref)
    with _Models(sub) as held:
        model = held.build(device=device)
        _load_reference(sub, model, ref_model, "alexnet()")
        model.eval()
        # 215 is the smallest side that still ends at 5 x 5 before the dense layers.
        for shape in ((2, 1, 215, 215),):
            X = _images(rng, device, *shape)
            with torch.no_grad():
                expected = ref_model(X.cpu()).to(device)
            assert_close(_forward(model, X, f"alexnet() on a {shape} batch"), expected,
                         what=f"alexnet() in eval mode with the reference's weights, on a "
                              f"{shape} batch",
                         why="with the same weights the same layers give the same logits: check "
                             "each layer's kernel size, stride, padding and activation (ReLU "
                             "after every convolution and hidden dense layer, no softmax at the "
                             "end), and that dropout is off in eval mode.",
                         rtol=1e-4, atol=1e-5)


def _run_dense(layers, kinds, X, what):
    """Like _dense_part, returning the last output tensor."""
    start = kinds.index("Flatten")
    for offset, (layer, kind) in enumerate(zip(layers[start:], kinds[start:])):
        try:
            X = layer(X)
        except LearnerError as exc:
            if isinstance(exc, NotImplementedError):
                raise
            fail(f"{what}: layer {start + offset} ({kind}) raised {exc.remote_type} on an input "
                 f"of shape {tuple(X.shape)}: {exc}")
        assert_tensor(X, what=f"{what}, layer {start + offset} ({kind})")
        X = X.detach()
    return X


@pytest.mark.points(2)
def test_dropout_only_in_training(sub, device, rng):
    with _Models(sub) as held:
        model = held.build(device=device)
        # Small equal weights: every hidden unit is positive, so dropout visibly changes the
        # output, and no time goes into initializing 46.8 million random weights.
        make(sub, f"{ARCH}:fill_", model, 1e-3)
        children = _children(sub, model)
        kinds = [c["kind"] for c in children]
        drops = [(i, c) for i, c in enumerate(children) if c["kind"] == "Dropout"]
        if len(drops) != 2:
            fail(f"alexnet() has {len(drops)} nn.Dropout layers; d2l's AlexNet has one after "
                 "each of the two hidden dense layers (after their ReLU).")
        for index, child in drops:
            if child["config"].get("p") != 0.5:
                fail(f"layer {index} of alexnet() is a Dropout with p = "
                     f"{child['config'].get('p')}; AlexNet drops each hidden unit with "
                     "probability 0.5.")
        if "Flatten" not in kinds or kinds.index("Flatten") > drops[0][0]:
            fail("alexnet(): the dropout layers must come after nn.Flatten, in the dense part.")
        layers = held.layers(model)
        # What the last pooling layer hands to Flatten: (N, 256, 5, 5), non-negative.
        X = torch.rand(2, 256, 5, 5, generator=rng).to(device)
        what = "the dense part of alexnet() (layers 13 to 20) on a (2, 256, 5, 5) input"
        model.eval()
        first = _run_dense(layers, kinds, X, what + " in eval mode")
        second = _run_dense(layers, kinds, X, what + " in eval mode")
        assert_close(second, first, what=what + " in eval mode, called a second time",
                     rtol=0.0, atol=0.0,
                     why="after model.eval() dropout is off, so the model is deterministic.")
        model.train()
        a = _run_dense(layers, kinds, X, what + " in train mode")
        b = _run_dense(layers, kinds, X, what + " in train mode")
        if bool(torch.equal(a.detach(), b.detach())) or \
                bool(torch.equal(a.detach(), first.detach())):
            fail(f"{what} in train mode gave the same output twice (or the eval-mode output): "
                 "after model.train() the dropout layers must drop a fresh random half of the "
                 "hidden units on every call (use nn.Dropout, which reads self.training).")


@pytest.mark.points(2)
def test_num_classes_and_in_channels(sub, device, rng):
    for num_classes, in_channels in ((5, 3), (12, 1)):
        args = (num_classes, in_channels)
        with _Models(sub) as held:
            model = held.build(*args, device=device)
            model.eval()
            children = _children(sub, model)
            kinds = [c["kind"] for c in children]
            convs = [c for c in children if c["kind"] == "Conv2d"]
            if convs and convs[0]["config"].get("in_channels") != in_channels:
                fail(f"{_call(args)}: the first convolution takes "
                     f"{convs[0]['config'].get('in_channels')} input channels; in_channels "
                     "sets it (3 for RGB images, 1 for grayscale).")
            dense = [c for c in children if c["kind"] == "Linear"]
            if dense and dense[-1]["config"].get("out_features") != num_classes:
                fail(f"{_call(args)}: the last nn.Linear has "
                     f"{dense[-1]['config'].get('out_features')} output features; it must map "
                     "the 4096 hidden units to num_classes scores.")
            layers = held.layers(model)
            X = _images(rng, device, 1, in_channels, 67, 79)
            what = f"the first layer of {_call(args)} on a (1, {in_channels}, 67, 79) image"
            try:
                out = layers[0](X)
            except LearnerError as exc:
                if isinstance(exc, NotImplementedError):
                    raise
                fail(f"{what} raised {exc.remote_type}: {exc}. The first convolution takes "
                     "in_channels input channels.")
            assert_tensor(out, what=what)
            if "Flatten" not in kinds:
                fail(f"{_call(args)}: there is no nn.Flatten layer before the dense layers.")
            X = torch.rand(3, 256, 5, 5, generator=rng).to(device)
            out = _run_dense(layers, kinds, X, f"the dense part of {_call(args)} (layers 13 to "
                                               "20) on a (3, 256, 5, 5) input")
            assert_tensor(out, what=f"the dense part of {_call(args)}", shape=(3, num_classes),
                          device=device,
                          why="the model returns one score per class for each image.")

