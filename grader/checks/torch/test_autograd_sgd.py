"""Hidden checks for exercises/torch/autograd_sgd.py (squared loss and minibatch SGD).

``sgd_`` works in place on tensors that must stay in the sandbox, so its checks build the
parameters there with :class:`grader.sandbox.fixtures.training.ParamProbe` (values and
gradients from a seed), hand the probe the learner's ``sgd_`` and read back, by value, what
became of those very tensors. The checker builds the same probe from the same seed to know
the values and gradients before the step.
"""

import pytest
import torch

from grader.asserts import assert_close, assert_tensor, assert_unchanged, fail
from grader.sandbox.fixtures import training as fx
from grader.sandbox.host import make, vjp

FX = "grader.sandbox.fixtures.training:"
TRUE_W, TRUE_B = (2.0, -3.4), 4.2


def _seed(rng):
    return int(torch.randint(0, 2**31 - 2, (1,), generator=rng))


def _randint(rng, low, high):
    return int(torch.randint(low, high + 1, (1,), generator=rng))


def _pair(rng, device, n, y_shape, dtype=torch.float32):
    y_hat = torch.randn(n, 1, generator=rng, dtype=torch.float64).to(dtype).to(device)
    y = torch.randn(y_shape, generator=rng, dtype=torch.float64).to(dtype).to(device)
    return y_hat, y


def _oracle(y_hat, y):
    """(y_hat - y)² / 2 in float64, y reshaped to y_hat's shape."""
    d = y_hat.double() - y.double().reshape(y_hat.shape)
    return d * d * 0.5


def _shapes(rng):
    """Three parameters: a weight matrix (non-square), a bias vector, a scalar-like (1,)."""
    n_in, n_out = _randint(rng, 3, 7), _randint(rng, 2, 5)
    return [(n_in, n_out), (n_out,), (1,)]


def _step(sub, device, rng, lr, batch_size, dtype=torch.float32):
    shapes, seed = _shapes(rng), _seed(rng)
    probe = make(sub, FX + "ParamProbe", shapes, seed, dtype, str(device))
    before = fx.ParamProbe(shapes, seed, dtype, "cpu").initial()
    report = probe.step(sub.sgd_, lr, batch_size)
    if report["list_length"] != len(shapes):
        fail(f"sgd_(params, {lr}, {batch_size}) changed the length of the params list; update "
             "the tensors in it, do not add or remove entries.")
    return shapes, before, report


# ---------------------------------------------------------------- squared_loss

@pytest.mark.points(2)
def test_loss_is_half_the_squared_error_elementwise(sub, device, rng):
    for n in (1, _randint(rng, 5, 9), _randint(rng, 30, 50)):
        y_hat, y = _pair(rng, device, n, (n, 1))
        out = sub.squared_loss(y_hat, y)
        assert_close(out, _oracle(y_hat, y), what=f"squared_loss(y_hat, y) with both of shape "
                     f"({n}, 1)", why="each element is (y_hat - y)^2 / 2, not reduced (no sum "
                     "or mean: the training loop sums it), and the 1/2 is part of the loss.",
                     check_dtype=False)
    y_hat = torch.randn(3, 4, generator=rng).to(device)
    y = torch.randn(3, 4, generator=rng).to(device)
    assert_close(sub.squared_loss(y_hat, y), _oracle(y_hat, y),
                 what="squared_loss(y_hat, y) with both of shape (3, 4)",
                 why="the loss is element-wise for any shape.", check_dtype=False)


@pytest.mark.points(2)
def test_loss_reshapes_y_to_the_shape_of_y_hat(sub, device, rng):
    for n in (_randint(rng, 5, 9), _randint(rng, 11, 17)):
        y_hat, y = _pair(rng, device, n, (n,))
        out = sub.squared_loss(y_hat, y)
        assert_close(out, _oracle(y_hat, y),
                     what=f"squared_loss(y_hat of shape ({n}, 1), y of shape ({n},))",
                     why=f"reshape y to y_hat.shape before subtracting: ({n}, 1) - ({n},) "
                         f"broadcasts to an ({n}, {n}) matrix of every pair's difference.",
                     check_dtype=False)
    y_hat = torch.randn(6, generator=rng).to(device)
    y = torch.randn(6, 1, generator=rng).to(device)
    assert_close(sub.squared_loss(y_hat, y), _oracle(y_hat, y),
                 what="squared_loss(y_hat of shape (6,), y of shape (6, 1))",
                 why="the result has y_hat's shape: y is reshaped to y_hat.shape, whichever "
                     "of the two is the column.", check_dtype=False)


@pytest.mark.points(2)
def test_loss_gradient_is_the_error(sub, device, rng):
    n = _randint(rng, 6, 12)
    y_hat, y = _pair(rng, device, n, (n, 1), torch.float64)
    y_hat.requires_grad_(True)
    G = torch.rand(n, 1, generator=rng, dtype=torch.float64).to(device) + 0.5
    result = vjp(sub.squared_loss, y_hat, y, wrt=[0], cotangent=G)
    assert_tensor(result.out, what=f"squared_loss(y_hat of shape ({n}, 1), y)", shape=(n, 1))
    if not result.out.requires_grad:
        fail("squared_loss(y_hat, y) is not connected to y_hat in the autograd graph, so "
             "backward() cannot reach the model's parameters: compute it with tensor "
             "operations only (no .detach(), .item(), .numpy() or torch.tensor(...) of "
             "values).")
    if result.grads[0] is None:
        fail("after backward through squared_loss, y_hat.grad is None.")
    expected = G * (y_hat.detach() - y.reshape(n, 1))
    assert_close(result.grads[0], expected, what="y_hat.grad after backward through "
                 "squared_loss(y_hat, y)", why="d/dy_hat of (y_hat - y)^2 / 2 is y_hat - y.",
                 check_dtype=False)


def test_loss_keeps_dtype_and_device(sub, device, rng):
    for dtype in (torch.float64, torch.float16, torch.bfloat16):
        y_hat, y = _pair(rng, device, 5, (5, 1), dtype)
        assert_tensor(sub.squared_loss(y_hat, y), what=f"squared_loss(y_hat, y) for {dtype}",
                      shape=(5, 1), dtype=dtype, device=device,
                      why="the loss has the inputs' dtype and device (no .float(), no tensor "
                          "built on the CPU).")


def test_loss_does_not_modify_its_inputs(sub, device, rng):
    y_hat, y = _pair(rng, device, 8, (8,))
    y_hat_before, y_before = y_hat.clone(), y.clone()
    sub.squared_loss(y_hat, y)
    assert_unchanged(y_hat_before, y_hat, what="squared_loss(y_hat, y) (on y_hat)")
    assert_unchanged(y_before, y, what="squared_loss(y_hat, y) (on y)")


# ---------------------------------------------------------------- sgd_

@pytest.mark.points(3)
def test_sgd_step_is_lr_times_grad_over_batch_size(sub, device, rng):
    for dtype, lr, batch_size in ((torch.float32, 0.1, 4), (torch.float64, 0.03, 10),
                                  (torch.float64, 0.5, 1)):
        shapes, before, report = _step(sub, device, rng, lr, batch_size, dtype)
        for i, (facts, p0, g) in enumerate(zip(report["params"], before["values"],
                                               before["grads"])):
            expected = (p0.double() - lr * g.double() / batch_size).to(dtype).to(device)
            assert_close(facts["value"], expected,
                         what=f"parameter {i} (shape {shapes[i]}, {dtype}) after "
                              f"sgd_(params, {lr}, {batch_size})",
                         why="each parameter must change in place to p - lr * p.grad / "
                             "batch_size (the loss was summed over the minibatch), using the "
                             "gradient it had before the step.",
                         rtol=1e-5 if dtype == torch.float32 else 1e-10,
                         atol=1e-6 if dtype == torch.float32 else 1e-12, check_dtype=False)


@pytest.mark.points(2)
def test_sgd_keeps_the_same_leaf_tensors(sub, device, rng):
    shapes, _, report = _step(sub, device, rng, 0.1, 5)
    for i, facts in enumerate(report["params"]):
        name = f"parameter {i} (shape {shapes[i]})"
        if not facts["same_object"]:
            fail(f"after sgd_(params, 0.1, 5), params[{i}] is no longer the tensor object it "
                 "was: update the tensors in place (param -= ...), do not put new tensors into "
                 "the list; a model or an optimizer holding the old ones would never see the "
                 "update.")
        if not facts["same_memory"]:
            fail(f"after sgd_(params, 0.1, 5), {name} lives in new memory (e.g. `p.data = "
                 "...`): change the values in place (param -= ... under torch.no_grad()).")
        if not facts["leaf"] or facts["grad_fn"] is not None or not facts["requires_grad"]:
            fail(f"after sgd_(params, 0.1, 5), {name} is no longer a leaf tensor that requires "
                 "grad without autograd history: do the update under torch.no_grad() so "
                 "autograd does not record it.")
        if facts["dtype"] != (torch.float32):
            fail(f"after sgd_(params, 0.1, 5), {name} changed dtype to {facts['dtype']}.")
        if facts["device"] != device.type:
            fail(f"after sgd_(params, 0.1, 5), {name} moved to {facts['device']}.")
    if report["returned"] != "none":
        fail(f"sgd_(params, 0.1, 5) returned a {report['returned']}; it works in place and "
             "returns None.")


@pytest.mark.points(2)
def test_sgd_zeroes_the_gradients(sub, device, rng):
    shapes, _, report = _step(sub, device, rng, 0.2, 3)
    for i, facts in enumerate(report["params"]):
        grad = facts["grad"]
        if grad is None:
            fail(f"after sgd_(params, 0.2, 3), params[{i}].grad is None; zero the gradient "
                 "tensor in place with its zero_() method (the stub asks for a tensor of "
                 "zeros, not None).")
        assert_close(grad, torch.zeros(shapes[i], device=device),
                     what=f"params[{i}].grad after sgd_(params, 0.2, 3)",
                     why="backward() adds into .grad, so the step must zero every gradient; "
                         "otherwise the next minibatch's gradient is added to this one's.",
                     rtol=0.0, atol=0.0, check_dtype=False)


@pytest.mark.points(3)
def test_linear_regression_trains_like_d2l(sub, device, rng, ref):
    seed = _seed(rng)
    run = make(sub, FX + "LinRegRun", seed, device=str(device))
    got = run.fit(sub.squared_loss, sub.sgd_)
    expected = fx.LinRegRun(seed, device=str(device)).fit(ref.squared_loss, ref.sgd_)
    for epoch, (g, e) in enumerate(zip(got["history"], expected["history"]), start=1):
        for name in ("w", "b"):
            assert_close(g[name], e[name], what=f"{name} after epoch {epoch} of d2l's "
                         "linear-regression loop with your squared_loss and sgd_",
                         why="l = squared_loss(X @ w + b, y); l.sum().backward(); "
                             "sgd_([w, b], 0.03, 10) must take exactly d2l's steps.",
                         rtol=1e-4, atol=1e-4, check_dtype=False)
    error = float((got["w"].reshape(-1).double().cpu()
                   - torch.tensor(TRUE_W, dtype=torch.float64)).abs().max())
    if error > 0.05:
        fail(f"after 3 epochs of d2l's loop w is off the true weights by {error:.3g}; "
             "it should be within 0.05.")
