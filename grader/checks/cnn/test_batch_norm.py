"""Hidden checks for exercises/cnn/batch_norm.py (batch normalization from scratch).

The reference (``ref.batch_norm``, ``ref.BatchNorm``), run in float64 in the checker, is the
oracle; ``F.batch_norm`` (called here, in the checker, never by the learner's code) confirms
it on the normalized output. Value checks run in float64 on data with large per-channel
offsets; the dtype check covers float32. Eval-mode checks call the learner's code under
``torch.no_grad()`` (the usual way to evaluate), so that only
``test_mode_comes_from_training_not_grad_mode`` charges d2l's ``torch.is_grad_enabled()``
test.
"""

import pytest
import torch
import torch.nn.functional as F

from grader.asserts import assert_close, assert_tensor, assert_unchanged, expect_raises, fail
from grader.sandbox.host import LearnerError, cotangent_like, is_instance, make, vjp

FIX = "grader.sandbox.fixtures.cnn_blocks"
RTOL, ATOL = 1e-5, 1e-5

# Shapes: odd batch sizes, non-square images, C > 1 with different statistics per channel.
SHAPES_2D = [(5, 4), (8, 7), (3, 2)]
SHAPES_4D = [(3, 4, 5, 6), (2, 3, 4, 7), (5, 2, 3, 3)]


def _stat_shape(shape):
    return (1, shape[1]) if len(shape) == 2 else (1, shape[1], 1, 1)


def _data(shape, rng, device, dtype=torch.float64, offset=50.0, low=10.0, high=30.0):
    """Per-channel offsets in [-offset, offset] and standard deviations in [low, high]."""
    view = _stat_shape(shape)
    loc = (torch.rand(view, generator=rng, dtype=torch.float64) * 2 - 1) * offset
    scale = torch.rand(view, generator=rng, dtype=torch.float64) * (high - low) + low
    X = loc + scale * torch.randn(shape, generator=rng, dtype=torch.float64)
    return X.to(dtype).to(device)


def _params(shape, rng, device, dtype=torch.float64):
    """gamma, beta, moving_mean, moving_var of the statistics' shape."""
    view = _stat_shape(shape)
    gamma = torch.rand(view, generator=rng, dtype=torch.float64) + 0.5
    beta = torch.rand(view, generator=rng, dtype=torch.float64) * 2 - 1
    mean = torch.randn(view, generator=rng, dtype=torch.float64) * 20
    var = torch.rand(view, generator=rng, dtype=torch.float64) * 500 + 50
    return [t.to(dtype).to(device) for t in (gamma, beta, mean, var)]


def _text(X, eps, momentum, training, extra=""):
    return (f"batch_norm(X of shape {tuple(X.shape)}, gamma, beta, moving_mean, moving_var, "
            f"eps={eps}, momentum={momentum}, training={training}){extra}")


def _unpack(result, what):
    if not isinstance(result, (tuple, list)) or len(result) != 3:
        fail(f"{what} returned {type(result).__name__}"
             f"{' of length ' + str(len(result)) if isinstance(result, (tuple, list)) else ''}; "
             "it must return a tuple (Y, new_moving_mean, new_moving_var).")
    return result


def _expected(ref, X, gamma, beta, mean, var, eps, momentum, training):
    with torch.no_grad():
        return ref.batch_norm(X, gamma, beta, mean, var, eps, momentum, training)


def _compare_y(Y, expected, what, why):
    assert_close(Y, expected, what=f"Y of {what}", why=why, rtol=RTOL, atol=ATOL,
                 check_dtype=False)


def _compare_stats(stats, expected, what, why):
    for name, got, want in zip(("new_moving_mean", "new_moving_var"), stats, expected):
        assert_close(got, want, what=f"{name} of {what}", why=why, rtol=RTOL, atol=ATOL,
                     check_dtype=False)


def _no_grad(sub, target):
    return make(sub, f"{FIX}:NoGrad", target)


# ---------------------------------------------------------------- the function, training


def _check_training_values(sub, ref, device, rng, shapes, why):
    for shape in shapes:
        X = _data(shape, rng, device)
        gamma, beta, mean, var = _params(shape, rng, device)
        ones, zeros = torch.ones_like(gamma), torch.zeros_like(beta)
        for g, b, extra in ((ones, zeros, " with gamma = 1, beta = 0"), (gamma, beta, "")):
            what = _text(X, 1e-5, 0.1, True, extra)
            Y, _, _ = _unpack(sub.batch_norm(X, g, b, mean, var, 1e-5, 0.1, True), what)
            expected, _, _ = _expected(ref, X, g, b, mean, var, 1e-5, 0.1, True)
            _compare_y(Y, expected, what, why)
    # The same, confirmed by torch's own batch norm (training=True gives the batch-normalized
    # output; its running_var update is not d2l's and is not used).
    shape = shapes[0]
    X = _data(shape, rng, device)
    gamma, beta, mean, var = _params(shape, rng, device)
    what = _text(X, 1e-5, 0.1, True)
    Y, _, _ = _unpack(sub.batch_norm(X, gamma, beta, mean, var, 1e-5, 0.1, True), what)
    torch_Y = F.batch_norm(X, None, None, gamma.reshape(-1), beta.reshape(-1), True, 0.1, 1e-5)
    _compare_y(Y, torch_Y, what, why)


@pytest.mark.points(2)
def test_training_normalizes_each_feature(sub, ref, device, rng):
    _check_training_values(sub, ref, device, rng, SHAPES_2D,
                           why="for a 2-D X (N, C) each feature (column) is normalized with "
                               "its own batch mean and biased variance over dim 0, "
                               "x_hat = (x - mu) / sqrt(sigma2 + eps), then y = gamma * x_hat "
                               "+ beta (with gamma = 1, beta = 0 every column has mean 0 and "
                               "variance about 1).")


@pytest.mark.points(2)
def test_training_normalizes_each_channel_over_batch_and_pixels(sub, ref, device, rng):
    _check_training_values(sub, ref, device, rng, SHAPES_4D,
                           why="for a 4-D X (N, C, H, W) each channel has one mean and one "
                               "biased variance, taken over the batch and every pixel, dims "
                               "(0, 2, 3) with keepdim; then x_hat = (x - mu) / sqrt(sigma2 + "
                               "eps) and y = gamma * x_hat + beta.")


@pytest.mark.points(1)
def test_eps_is_inside_the_square_root(sub, ref, device, rng):
    for shape in (SHAPES_2D[0], SHAPES_4D[0]):
        # Small variances (std 0.1 to 0.3) and a large eps: where eps goes matters.
        X = _data(shape, rng, device, offset=1.0, low=0.1, high=0.3)
        gamma, beta, mean, var = _params(shape, rng, device)
        small_var = var / 5000.0
        for eps in (0.5, 0.02):
            what = _text(X, eps, 0.1, True)
            Y, _, _ = _unpack(sub.batch_norm(X, gamma, beta, mean, small_var, eps, 0.1, True),
                              what)
            expected, _, _ = _expected(ref, X, gamma, beta, mean, small_var, eps, 0.1, True)
            _compare_y(Y, expected, what, why="eps is added to the variance inside the square "
                       "root: x_hat = (x - mu) / sqrt(sigma2 + eps), not / (sqrt(sigma2) + "
                       "eps), and the eps argument is the one used.")
            what = _text(X, eps, 0.1, False, " under torch.no_grad()")
            Y, _, _ = _unpack(_no_grad(sub, sub.batch_norm)(X, gamma, beta, mean, small_var, eps,
                                                             0.1, False), what)
            expected, _, _ = _expected(ref, X, gamma, beta, mean, small_var, eps, 0.1, False)
            _compare_y(Y, expected, what, why="in eval mode too: x_hat = (x - moving_mean) / "
                       "sqrt(moving_var + eps).")


@pytest.mark.points(2)
def test_moving_averages_use_momentum_and_biased_variance(sub, ref, device, rng):
    for shape in SHAPES_2D[:2] + SHAPES_4D[:2]:
        X = _data(shape, rng, device)
        gamma, beta, mean, var = _params(shape, rng, device)
        for momentum in (0.1, 0.3, 0.75):
            what = _text(X, 1e-5, momentum, True)
            _, new_mean, new_var = _unpack(sub.batch_norm(X, gamma, beta, mean, var, 1e-5,
                                                          momentum, True), what)
            _, exp_mean, exp_var = _expected(ref, X, gamma, beta, mean, var, 1e-5, momentum,
                                             True)
            for name, got in (("new_moving_mean", new_mean), ("new_moving_var", new_var)):
                assert_tensor(got, what=f"{name} of {what}", shape=tuple(mean.shape),
                              why="the new moving statistics have the shape of the moving "
                                  "statistics passed in, (1, C) or (1, C, 1, 1).")
            _compare_stats((new_mean, new_var), (exp_mean, exp_var), what,
                           why="moving <- (1 - momentum) * moving + momentum * batch statistic "
                               "(momentum is the weight of the new batch, d2l-en / PyTorch "
                               "naming, not d2l-zh's), and the batch variance is the biased "
                               "one (divide by m, as in normalization; not PyTorch's unbiased "
                               "running_var).")


@pytest.mark.points(1)
def test_returned_statistics_are_detached(sub, device, rng):
    for shape in (SHAPES_2D[0], SHAPES_4D[0]):
        X = _data(shape, rng, device).requires_grad_(True)
        gamma, beta, mean, var = _params(shape, rng, device)
        gamma.requires_grad_(True)
        beta.requires_grad_(True)
        what = _text(X, 1e-5, 0.1, True, " with X, gamma and beta requiring grad")
        _, new_mean, new_var = _unpack(sub.batch_norm(X, gamma, beta, mean, var, 1e-5, 0.1,
                                                      True), what)
        for name, got in (("new_moving_mean", new_mean), ("new_moving_var", new_var)):
            assert_tensor(got, what=f"{name} of {what}")
            if got.requires_grad:
                fail(f"{name} of {what} requires grad: the moving statistics are running "
                     "estimates, not part of this step's graph. Detach the batch statistics "
                     "when you fold them into the moving averages (d2l returns .data), or "
                     "every later step's graph reaches back into all the earlier ones.")


# ---------------------------------------------------------------- the function, eval


@pytest.mark.points(2)
def test_eval_uses_the_moving_statistics(sub, ref, device, rng):
    why = ("with training=False the moving statistics normalize X: x_hat = (x - moving_mean) "
           "/ sqrt(moving_var + eps), each example on its own; the moving statistics come back "
           "unchanged.")
    for shape in SHAPES_2D[:2] + SHAPES_4D[:2]:
        X = _data(shape, rng, device)
        gamma, beta, mean, var = _params(shape, rng, device)
        what = _text(X, 1e-5, 0.1, False, " under torch.no_grad()")
        Y, new_mean, new_var = _unpack(_no_grad(sub, sub.batch_norm)(X, gamma, beta, mean, var,
                                                                     1e-5, 0.1, False), what)
        expected, _, _ = _expected(ref, X, gamma, beta, mean, var, 1e-5, 0.1, False)
        _compare_y(Y, expected, what, why)
        assert_close(new_mean, mean, what=f"new_moving_mean of {what}", why=why,
                     rtol=0, atol=0, check_dtype=False)
        assert_close(new_var, var, what=f"new_moving_var of {what}", why=why,
                     rtol=0, atol=0, check_dtype=False)
        # One example at a time gives the same rows: nothing depends on the rest of the batch.
        for i in (0, shape[0] - 1):
            row = X[i:i + 1].clone()
            what_row = _text(row, 1e-5, 0.1, False, " under torch.no_grad(), a batch of one")
            Y_row, _, _ = _unpack(_no_grad(sub, sub.batch_norm)(row, gamma, beta, mean, var,
                                                                1e-5, 0.1, False), what_row)
            _compare_y(Y_row, expected[i:i + 1], what_row,
                       why="in eval mode a batch of one works and each example's output "
                           "depends on that example only, not on the others in its batch.")


@pytest.mark.points(2)
def test_mode_comes_from_training_not_grad_mode(sub, device, rng):
    # Each call is compared with the same call of the learner's code in the other autograd
    # mode: only the choice of mode is under test here (the formulas have their own checks).
    why_train = ("training=True means batch statistics and updated moving statistics, also "
                 "under torch.no_grad(): the mode comes from the training argument, not from "
                 "torch.is_grad_enabled() as in d2l (the stub explains why).")
    why_eval = ("training=False means the moving statistics, also with autograd on "
                "(model.eval() without torch.no_grad()): d2l's torch.is_grad_enabled() test "
                "would use the batch's statistics here.")
    for shape in (SHAPES_2D[1], SHAPES_4D[1]):
        X = _data(shape, rng, device)
        params = _params(shape, rng, device)
        Xg = X.clone().requires_grad_(True)
        for training, why in ((True, why_train), (False, why_eval)):
            with_grad = _unpack(sub.batch_norm(Xg, *params, 1e-5, 0.2, training),
                                _text(Xg, 1e-5, 0.2, training))
            what = _text(X, 1e-5, 0.2, training, " under torch.no_grad()")
            without = _unpack(_no_grad(sub, sub.batch_norm)(X, *params, 1e-5, 0.2, training),
                              what)
            for name, a, b in zip(("Y", "new_moving_mean", "new_moving_var"), without,
                                  with_grad):
                assert_tensor(b, what=f"{name} of {_text(Xg, 1e-5, 0.2, training)}")
                assert_close(a, b.detach(), what=f"{name} of {what}, compared with the same call "
                             "with autograd on", why=why, rtol=RTOL, atol=ATOL,
                             check_dtype=False)
    # The layer: .train() under no_grad updates its buffers as with autograd on; .eval() with
    # autograd on uses them and leaves them alone.
    shape = SHAPES_4D[0]
    layers = []
    for _ in range(2):
        layer, name = _layer(sub, shape[1], 4)
        layer.to(device)
        layer.double()
        layer.train()
        layers.append(layer)
    X = _data(shape, rng, device)
    layers[0](X.clone().requires_grad_(True))
    _no_grad(sub, layers[1])(X)
    for key in ("moving_mean", "moving_var"):
        assert_close(getattr(layers[1], key), getattr(layers[0], key),
                     what=f"{name}.{key} after one forward in train mode under torch.no_grad(), "
                          "compared with a forward with autograd on",
                     why="in train mode the layer updates its moving statistics whatever the "
                         "autograd mode: the mode comes from self.training.",
                     rtol=RTOL, atol=ATOL, check_dtype=False)
    layer = layers[0]
    layer.eval()
    X2 = _data(shape, rng, device)
    before = [getattr(layer, key) for key in ("moving_mean", "moving_var")]
    without = _no_grad(sub, layer)(X2)
    with_grad = layer(X2.clone().requires_grad_(True))
    assert_tensor(with_grad, what=f"{name} in eval mode with autograd on", shape=shape)
    assert_close(with_grad.detach(), without, what=f"{name} in eval mode with autograd on, "
                 "compared with the same input under torch.no_grad()",
                 why="after .eval() the layer normalizes with its moving statistics even when "
                     "autograd is on (self.training, not torch.is_grad_enabled()).",
                 rtol=RTOL, atol=ATOL, check_dtype=False)
    for key, value in zip(("moving_mean", "moving_var"), before):
        assert_close(getattr(layer, key), value,
                     what=f"{name}.{key} after a forward in eval mode with autograd on",
                     why="in eval mode the moving statistics are never updated, with or without "
                         "autograd.", rtol=RTOL, atol=ATOL, check_dtype=False)


@pytest.mark.points(1)
def test_one_value_per_channel_gives_beta(sub, device, rng):
    for shape in ((1, 5), (1, 3, 1, 1)):
        X = _data(shape, rng, device)
        gamma, beta, mean, var = _params(shape, rng, device)
        what = _text(X, 1e-5, 0.1, True)
        Y, _, _ = _unpack(sub.batch_norm(X, gamma, beta, mean, var, 1e-5, 0.1, True), what)
        assert_close(Y, beta.expand(shape), what=f"Y of {what}",
                     why="with one value per channel the batch mean is that value and the "
                         "biased variance is 0, so x_hat = 0 / sqrt(0 + eps) = 0 and Y = beta "
                         "(the unbiased variance would divide 0 by 0 and give NaN).",
                     rtol=0, atol=1e-12, check_dtype=False)


@pytest.mark.points(2)
def test_gradients_flow_through_the_batch_statistics(sub, ref, device, rng):
    for shape in (SHAPES_2D[0], SHAPES_4D[2]):
        base = _data(shape, rng, device)
        gamma0, beta0, mean, var = _params(shape, rng, device)
        X, gamma, beta = (t.clone().requires_grad_(True) for t in (base, gamma0, beta0))
        seed = int(torch.randint(0, 2**31 - 1, (1,), generator=rng))
        what = _text(X, 1e-5, 0.1, True)
        result = vjp(make(sub, f"{FIX}:First", sub.batch_norm), X, gamma, beta, mean, var,
                     1e-5, 0.1, True, wrt=[0, 1, 2], cotangent_seed=seed)
        out = result.out
        assert_tensor(out, what=f"Y of {what}", shape=shape)
        if not out.requires_grad:
            fail(f"Y of {what} is not connected to the autograd graph (requires_grad is False): "
                 "compute it from X, gamma and beta with differentiable tensor operations.")
        for name, grad in zip(("X", "gamma", "beta"), result.grads):
            if grad is None:
                fail(f"{name}.grad is None after backward through Y of {what}.")
        X_r, g_r, b_r = (t.clone().requires_grad_(True) for t in (base, gamma0, beta0))
        expected, _, _ = ref.batch_norm(X_r, g_r, b_r, mean, var, 1e-5, 0.1, True)
        if not torch.allclose(out.detach().cpu(), expected.detach().cpu(), rtol=RTOL, atol=ATOL):
            continue  # wrong values are the value checks' failure
        (expected * cotangent_like(out, seed).to(expected.dtype)).sum().backward()
        for name, grad, want in zip(("X", "gamma", "beta"), result.grads,
                                    (X_r.grad, g_r.grad, b_r.grad)):
            assert_close(grad, want, what=f"{name}.grad after backward through Y of {what}",
                         why="in training the batch mean and variance are functions of X, so "
                             "X's gradient flows through them too (do not detach mu or sigma2 "
                             "before normalizing); gamma and beta get the sums of "
                             "(upstream * x_hat) and upstream per channel.",
                         rtol=1e-4, atol=1e-7, check_dtype=False)


@pytest.mark.points(1)
def test_does_not_modify_arguments(sub, device, rng):
    for shape in (SHAPES_2D[1], SHAPES_4D[0]):
        for training in (True, False):
            X = _data(shape, rng, device)
            args = [X] + _params(shape, rng, device)
            before = [a.clone() for a in args]
            call = sub.batch_norm if training else _no_grad(sub, sub.batch_norm)
            call(*args, 1e-5, 0.1, training)
            for name, b, a in zip(("X", "gamma", "beta", "moving_mean", "moving_var"), before,
                                  args):
                assert_unchanged(b, a, what=f"{_text(X, 1e-5, 0.1, training)} (argument {name})")


@pytest.mark.points(1)
def test_keeps_dtype_and_device(sub, device, rng):
    for dtype in (torch.float32, torch.float64):
        for shape in (SHAPES_2D[0], SHAPES_4D[0]):
            X = _data(shape, rng, device, dtype)
            params = _params(shape, rng, device, dtype)
            for training in (True, False):
                what = f"{_text(X, 1e-5, 0.1, training)} with every tensor in {dtype}"
                call = sub.batch_norm if training else _no_grad(sub, sub.batch_norm)
                result = _unpack(call(X, *params, 1e-5, 0.1, training), what)
                for name, got, shp in zip(("Y", "new_moving_mean", "new_moving_var"), result,
                                          (shape, params[2].shape, params[3].shape)):
                    assert_tensor(got, what=f"{name} of {what}", shape=tuple(shp), dtype=dtype,
                                  device=device,
                                  why="batch norm keeps the dtype (float32 or float64) and the "
                                      "device of its inputs: do not convert to float32 or "
                                      "create CPU tensors on the way.")


@pytest.mark.points(1)
def test_wrong_rank_raises_value_error(sub, device, rng):
    for shape, stat in (((6,), (1, 6)), ((2, 3, 4), (1, 3, 1)), ((2, 3, 2, 2, 2), (1, 3, 1, 1, 1))):
        X = torch.randn(shape, generator=rng, dtype=torch.float64).to(device)
        g = torch.ones(stat, dtype=torch.float64, device=device)
        for training in (True, False):
            expect_raises(ValueError, sub.batch_norm, X, g, g * 0, g * 0, g, 1e-5, 0.1, training,
                          what=f"batch_norm with a {len(shape)}-D X, training={training}",
                          why="X must be 2-D (N, C) or 4-D (N, C, H, W); anything else is a "
                              "caller's mistake, reported with ValueError (not assert, which "
                              "python -O removes), in both modes.")
    for num_dims in (1, 3, 5):
        expect_raises(ValueError, sub.BatchNorm, 4, num_dims, what=f"BatchNorm(4, {num_dims})",
                      why="num_dims is 2 (after a dense layer) or 4 (after a convolution); d2l "
                          "treats every other value as 4, here it is an error.")


# ---------------------------------------------------------------- the layer


def _layer(sub, C, num_dims, **kwargs):
    extra = "".join(f", {k}={v}" for k, v in kwargs.items())
    layer = sub.BatchNorm(C, num_dims, **kwargs)
    if not is_instance(layer, "torch.nn.Module"):
        fail(f"BatchNorm({C}, {num_dims}{extra}) must be an nn.Module.")
    return layer, f"BatchNorm({C}, {num_dims}{extra})"


@pytest.mark.points(2)
def test_layer_parameters_and_buffers(sub):
    for C, num_dims in ((5, 2), (3, 4)):
        layer, name = _layer(sub, C, num_dims)
        shape = (1, C) if num_dims == 2 else (1, C, 1, 1)
        params = dict(list(layer.named_parameters()))
        if sorted(params) != ["beta", "gamma"]:
            fail(f"{name} has parameters {sorted(params)}; it must have exactly two, gamma and "
                 "beta (nn.Parameter): the moving statistics are not learned.")
        buffers = dict(list(layer.named_buffers()))
        if sorted(buffers) != ["moving_mean", "moving_var"]:
            fail(f"{name} has buffers {sorted(buffers)}; moving_mean and moving_var must be "
                 "registered buffers (self.register_buffer(...)), so that they are saved in "
                 "state_dict() and follow .to(device) / .double(). d2l's plain tensor "
                 "attributes are neither.")
        for key, init, source in (("gamma", 1.0, params), ("beta", 0.0, params),
                                  ("moving_mean", 0.0, buffers), ("moving_var", 1.0, buffers)):
            assert_close(source[key], torch.full(shape, init), what=f"{name}.{key} after __init__",
                         why=f"{key} has shape {shape} and starts at {init:g} (gamma, beta: "
                             "ones and zeros; moving_mean, moving_var: zeros and ones).",
                         rtol=0, atol=0, check_dtype=False, check_device=False)
        state = layer.state_dict()
        if not isinstance(state, dict) or sorted(state) != sorted(
                ["gamma", "beta", "moving_mean", "moving_var"]):
            fail(f"{name}.state_dict() has keys "
                 f"{sorted(state) if isinstance(state, dict) else type(state).__name__}; it "
                 "must hold exactly gamma, beta, moving_mean and moving_var.")


def _ref_layer(ref, C, num_dims, rng, device, **kwargs):
    """The reference layer with non-trivial gamma, beta and moving statistics, in float64."""
    layer = ref.BatchNorm(C, num_dims, **kwargs).double()
    shape = layer.gamma.shape
    gamma, beta, mean, var = _params((2, C) if num_dims == 2 else (2, C, 1, 1), rng, "cpu")
    with torch.no_grad():
        layer.gamma.copy_(gamma.reshape(shape))
        layer.beta.copy_(beta.reshape(shape))
        layer.moving_mean.copy_(mean.reshape(shape))
        layer.moving_var.copy_(var.reshape(shape))
    return layer.to(device)


def _load(layer, ref_layer, name):
    try:
        layer.load_state_dict(ref_layer.state_dict())
    except LearnerError as exc:
        fail(f"{name}.load_state_dict(the reference layer's state dict) failed: {exc}. The "
             "layer must hold exactly gamma, beta (parameters) and moving_mean, moving_var "
             "(registered buffers) of shape (1, C) or (1, C, 1, 1).")


@pytest.mark.points(2)
def test_layer_matches_reference_after_loading_state_dict(sub, ref, device, rng):
    for C, num_dims, shape, kwargs in ((4, 2, (6, 4), {}), (3, 4, (2, 3, 5, 4), {}),
                                       (5, 2, (7, 5), {"eps": 0.5, "momentum": 0.3}),
                                       (2, 4, (3, 2, 3, 5), {"eps": 0.25, "momentum": 0.6})):
        layer, name = _layer(sub, C, num_dims, **kwargs)
        layer.double()
        ref_layer = _ref_layer(ref, C, num_dims, rng, device, **kwargs)
        _load(layer, ref_layer, name)
        layer.to(device)
        small = kwargs.get("eps", 1e-5) > 0.1
        X = _data(shape, rng, device, offset=1.0 if small else 50.0,
                  low=0.2 if small else 10.0, high=0.6 if small else 30.0)
        if small:
            with torch.no_grad():
                ref_layer.moving_var.mul_(1e-3)
            _load(layer, ref_layer, name)
        layer.eval()
        ref_layer.eval()
        with torch.no_grad():
            expected = ref_layer(X)
        _compare_y(_no_grad(sub, layer)(X), expected,
                   f"{name} in eval mode with the reference's state loaded, under no_grad",
                   why="in eval mode the layer normalizes with its moving_mean and moving_var "
                       "buffers and its own eps, then applies its gamma and beta.")
        layer.train()
        ref_layer.train()
        with torch.no_grad():
            expected = ref_layer(X)
        _compare_y(layer(X), expected,
                   f"{name} in train mode with the reference's state loaded",
                   why="in train mode the layer normalizes with the batch statistics (over "
                       "dim 0, or dims (0, 2, 3)) and its own eps, then applies gamma and "
                       "beta.")


@pytest.mark.points(2)
def test_layer_updates_buffers_in_training_only(sub, ref, device, rng):
    for C, num_dims, shape, kwargs in ((4, 2, (6, 4), {}), (3, 4, (2, 3, 5, 4), {}),
                                       (3, 4, (3, 3, 4, 3), {"momentum": 0.35})):
        layer, name = _layer(sub, C, num_dims, **kwargs)
        layer.to(device)
        layer.double()
        ref_layer = ref.BatchNorm(C, num_dims, **kwargs).double().to(device)
        # Start both from the same state (the initial values are test_layer_parameters_and_
        # buffers' business): where the reference's state loads, copy it in.
        try:
            layer.load_state_dict(ref_layer.state_dict())
        except LearnerError:
            pass
        layer.train()
        ref_layer.train()
        batches = [_data(shape, rng, device) for _ in range(3)]
        for step, X in enumerate(batches, 1):
            layer(X)
            with torch.no_grad():
                ref_layer(X)
            if step in (1, 3):
                for key in ("moving_mean", "moving_var"):
                    assert_close(getattr(layer, key), getattr(ref_layer, key),
                                 what=f"{name}.{key} after {step} forward pass(es) in train "
                                      "mode",
                                 why="each training forward folds the batch's mean and biased "
                                     "variance into the buffers with the layer's momentum: "
                                     "moving <- (1 - momentum) * moving + momentum * batch.",
                                 rtol=RTOL, atol=ATOL, check_dtype=False)
        before = {key: getattr(ref_layer, key).clone() for key in ("moving_mean", "moving_var")}
        layer.eval()
        _no_grad(sub, layer)(_data(shape, rng, device))
        for key, value in before.items():
            assert_close(getattr(layer, key), value,
                         what=f"{name}.{key} after forward passes in eval mode",
                         why="in eval mode the moving statistics are used, never updated.",
                         rtol=RTOL, atol=ATOL, check_dtype=False)


@pytest.mark.points(1)
def test_layer_buffers_follow_double_and_device(sub, ref, device, rng):
    for C, num_dims, shape in ((4, 2, (5, 4)), (3, 4, (2, 3, 4, 4))):
        layer, name = _layer(sub, C, num_dims)
        layer.to(device)
        layer.double()
        for key in ("moving_mean", "moving_var"):
            assert_tensor(getattr(layer, key), what=f"{name}.to(device).double().{key}",
                          dtype=torch.float64, device=device,
                          why="registered buffers follow .to(device) and .double() with the "
                              "parameters; plain tensor attributes stay float32 on the CPU.")
        X = _data(shape, rng, device)
        for mode in ("train", "eval"):
            getattr(layer, mode)()
            call = layer if mode == "train" else _no_grad(sub, layer)
            assert_tensor(call(X), what=f"{name}.double() in {mode} mode on a float64 X",
                          shape=shape, dtype=torch.float64, device=device,
                          why="the output keeps X's dtype and device.")
            for key in ("moving_mean", "moving_var"):
                assert_tensor(getattr(layer, key),
                              what=f"{name}.{key} after a forward in {mode} mode on a float64 X",
                              dtype=torch.float64, device=device,
                              why="the buffers keep the layer's dtype and device when a training "
                                  "step stores the new moving statistics in them (do not convert "
                                  "them on the way).")
