"""Hidden checks for exercises/regularization/weight_decay.py (L2/L1 penalties, the decayed
SGD step and the two-group optimizer)."""

import pytest
import torch

from grader.asserts import assert_close, assert_tensor, assert_unchanged, fail, is_tensor
from grader.sandbox import wire
from grader.sandbox.fixtures import regularization as fx
from grader.sandbox.host import is_instance, make, vjp

DTYPES = [torch.float32, torch.float64, torch.float16, torch.bfloat16]
SHAPES = [(7,), (3, 5), (2, 3, 4), (1, 9, 1, 2)]
PROBE = "grader.sandbox.fixtures.regularization:ModelProbe"


def _signed(shape, rng, device, dtype=torch.float32):
    return torch.randn(shape, generator=rng, dtype=torch.float64).to(dtype).to(device)


def _scalar(out, what):
    """The penalty as a 1-element tensor reshaped to 0-d (its shape has its own check)."""
    if isinstance(out, (int, float)) and not isinstance(out, bool):
        return torch.tensor(float(out), dtype=torch.float64)
    assert_tensor(out, what=what)
    if out.numel() != 1:
        fail(f"{what} returned a tensor of shape {tuple(out.shape)}; a penalty is one "
             "number, the sum over every element (use .sum() on the whole tensor, not the "
             "built-in sum over its first dimension).")
    return out.reshape(())


def _penalty_values(sub, name, oracle, rng, device, why):
    for shape in SHAPES:
        w = _signed(shape, rng, device) * 2
        what = f"{name}(w) for w of shape {shape}"
        out = _scalar(getattr(sub, name)(w), what)
        assert_close(out, oracle(w.double()), what=what, why=why, check_dtype=False,
                     rtol=1e-5, atol=1e-5)


# ------------------------------------------------------------------------------ penalties

@pytest.mark.points(2)
def test_l2_penalty_is_half_the_sum_of_squares(sub, device, rng):
    _penalty_values(sub, "l2_penalty", lambda w: (w ** 2).sum() / 2, rng, device,
                    "The L2 penalty is sum(w ** 2) / 2: the 1/2 makes its gradient w.")


@pytest.mark.points(2)
def test_l1_penalty_is_the_sum_of_absolute_values(sub, device, rng):
    _penalty_values(sub, "l1_penalty", lambda w: w.abs().sum(), rng, device,
                    "The L1 penalty is sum(|w|), with no 1/2.")


def test_l2_gradient_is_w(sub, device, rng, seed):
    w = _signed((4, 6), rng, device).requires_grad_(True)
    result = vjp(sub.l2_penalty, w, wrt=[0], cotangent_seed=seed)
    if not is_tensor(result.out) or not result.out.requires_grad or result.grads[0] is None:
        fail("l2_penalty(w) is not connected to w in the autograd graph; compute it from w "
             "with tensor operations (no .item(), no numpy).")
    out = result.out
    cot = wire.cotangent_like(tuple(out.shape), out.dtype, out.device, seed)
    assert_close(result.grads[0], w.detach() * cot.reshape(()).to(w.dtype),
                 what="w.grad after backward through l2_penalty(w)",
                 why="d/dw of sum(w ** 2) / 2 is w, which is what makes the SGD step "
                     "subtract lr * wd * w.")


@pytest.mark.points(2)
def test_l1_gradient_is_sign_and_zero_at_zero(sub, device, rng, seed):
    w = _signed((5, 8), rng, device)
    w[torch.rand(5, 8, generator=rng).to(device) < 0.3] = 0.0
    w = w.requires_grad_(True)
    result = vjp(sub.l1_penalty, w, wrt=[0], cotangent_seed=seed)
    if not is_tensor(result.out) or not result.out.requires_grad or result.grads[0] is None:
        fail("l1_penalty(w) is not connected to w in the autograd graph; compute it from w "
             "with tensor operations.")
    out = result.out
    cot = wire.cotangent_like(tuple(out.shape), out.dtype, out.device, seed)
    grad = result.grads[0]
    assert_tensor(grad, what="w.grad after backward through l1_penalty(w)", shape=(5, 8))
    if bool(torch.isnan(grad).any()):
        fail("w.grad after backward through l1_penalty(w) has NaN where w == 0: "
             "sqrt(w ** 2) has no derivative at 0. Use abs, whose subgradient there is 0.")
    assert_close(grad, torch.sign(w.detach()) * cot.reshape(()).to(w.dtype),
                 what="w.grad after backward through l1_penalty(w) (w has exact zeros)",
                 why="The subgradient of |w| is sign(w): +1, -1, and 0 at w == 0 "
                     "(where() or relu tricks often give 1 there).")


def test_penalties_of_an_empty_tensor_are_zero(sub, device):
    for shape in ((0,), (3, 0)):
        w = torch.zeros(shape, device=device)
        for name in ("l2_penalty", "l1_penalty"):
            what = f"{name}(w) for an empty w of shape {shape}"
            out = _scalar(getattr(sub, name)(w), what)
            assert_close(out, torch.zeros((), dtype=torch.float64), what=what,
                         why="a sum over no elements is 0.", check_dtype=False,
                         check_device=False)


@pytest.mark.parametrize("dtype", DTYPES, ids=[str(d).removeprefix("torch.") for d in DTYPES])
def test_penalties_are_0d_in_w_dtype_and_device(sub, device, rng, dtype):
    w = _signed((3, 4), rng, device, dtype)
    for name in ("l2_penalty", "l1_penalty"):
        assert_tensor(getattr(sub, name)(w), what=f"{name}(w) for a {dtype} w", shape=(),
                      dtype=dtype, device=device,
                      why="a penalty is a 0-d tensor (w.sum() is one) in w's dtype on w's "
                          "device, so that it can be added to the loss.")


def test_penalties_do_not_modify_w(sub, device, rng):
    w = _signed((6, 5), rng, device)
    before = w.clone()
    for name in ("l2_penalty", "l1_penalty"):
        getattr(sub, name)(w)
        assert_unchanged(before, w, what=f"{name}(w)")


# ---------------------------------------------------------------------------- the update

@pytest.mark.points(3)
def test_update_is_decay_then_gradient_step(sub, device, rng):
    for shape, lr, wd in (((7,), 0.1, 0.5), ((3, 5), 0.03, 3.0), ((2, 3, 4), 0.5, 0.0),
                          ((4, 1), 0.2, 0.01)):
        w = _signed(shape, rng, device)
        grad = _signed(shape, rng, device)
        what = f"weight_decay_update(w, grad, lr={lr}, wd={wd}) for w of shape {shape}"
        out = sub.weight_decay_update(w, grad, lr, wd)
        expected = (1 - lr * wd) * w.double() - lr * grad.double()
        assert_close(out, expected, what=what, check_dtype=False,
                     why="One SGD step on L + (wd/2)·‖w‖² is w − lr·(grad + wd·w) = "
                         "(1 − lr·wd)·w − lr·grad: the decay factor contains lr, and the "
                         "penalty's gradient is wd·w (not 2·wd·w).")


@pytest.mark.parametrize("dtype", DTYPES[1:], ids=[str(d).removeprefix("torch.") for d in DTYPES[1:]])
def test_update_keeps_shape_and_dtype(sub, device, rng, dtype):
    w = _signed((3, 4), rng, device, dtype)
    grad = _signed((3, 4), rng, device, dtype)
    assert_tensor(sub.weight_decay_update(w, grad, 0.1, 0.5),
                  what=f"weight_decay_update(w, grad, 0.1, 0.5) for a {dtype} w",
                  shape=(3, 4), dtype=dtype, device=device,
                  why="the new weights have w's shape, dtype and device (Python-float "
                      "factors keep the dtype).")


def test_update_does_not_modify_inputs(sub, device, rng):
    # wd = 0 too: a plain-SGD shortcut (w -= lr * grad) must not write in place either.
    for lr, wd in ((0.1, 0.5), (0.2, 0.0)):
        w, grad = _signed((5, 3), rng, device), _signed((5, 3), rng, device)
        before_w, before_grad = w.clone(), grad.clone()
        sub.weight_decay_update(w, grad, lr, wd)
        call = f"weight_decay_update(w, grad, {lr}, {wd})"
        assert_unchanged(before_w, w, what=f"{call} (on w)")
        assert_unchanged(before_grad, grad, what=f"{call} (on grad)")


def test_update_builds_no_torch_optimizer(sub, device, rng):
    w, grad = _signed((4, 3), rng, device), _signed((4, 3), rng, device)
    watch = make(sub, "grader.sandbox.fixtures.regularization:OptimizerWatch")
    report = watch.call(sub.weight_decay_update, w, grad, 0.1, 0.5)
    if report["optimizers"]:
        fail(f"weight_decay_update built a torch.optim.{report['optimizers'][0]} to take the "
             "step; write the update with tensor arithmetic, (1 − lr·wd)·w − lr·grad.")


# --------------------------------------------------------------------------- the optimizer

def _groups(sub, seed, device, lr=0.05, wd=0.3):
    probe = make(sub, PROBE, seed, str(device))
    opt = sub.make_weight_decay_optimizer(probe.model, lr, wd)
    if not is_instance(opt, "torch.optim.Optimizer"):
        fail("make_weight_decay_optimizer(model, lr, wd) must return a torch.optim.SGD.")
    return probe, opt, probe.groups(opt)


def _names(seed):
    return [name for name, _ in fx.tiny_net(seed).named_parameters()]


def _group_of(report):
    """name -> list of the weight decays of the groups that hold it."""
    where = {}
    for group in report["groups"]:
        for name in group["names"]:
            where.setdefault(name, []).append(group["weight_decay"])
    return where


def test_optimizer_is_plain_sgd(sub, device, seed):
    lr = 0.05
    _, _, report = _groups(sub, seed, device, lr=lr)
    if report["class"] != "torch.optim.sgd.SGD":
        fail(f"make_weight_decay_optimizer returned a {report['class']}; return a plain "
             "torch.optim.SGD.")
    if not 1 <= len(report["groups"]) <= 2:
        fail(f"the optimizer has {len(report['groups'])} parameter groups; use at most two, "
             "one with weight decay and one without.")
    for group in report["groups"]:
        if group["lr"] is None or abs(group["lr"] - lr) > 1e-12:
            fail(f"a parameter group of make_weight_decay_optimizer(model, {lr}, wd) has a "
                 "different learning rate; every group uses lr.")
        if group["momentum"] or group["nesterov"]:
            fail("a parameter group of the optimizer uses momentum; plain SGD has none.")


@pytest.mark.points(2)
def test_biases_get_no_weight_decay(sub, device, seed):
    _, _, report = _groups(sub, seed, device)
    where = _group_of(report)
    for name in _names(seed):
        if name.endswith("bias") and any(d != 0 for d in where.get(name, [])):
            fail(f"the parameter {name!r} is in a group with weight decay; parameters whose "
                 "name ends with 'bias' get weight_decay=0 (d2l decays the weights only).")


@pytest.mark.points(2)
def test_all_other_parameters_get_weight_decay(sub, device, seed):
    wd = 0.3
    _, _, report = _groups(sub, seed, device, wd=wd)
    where = _group_of(report)
    for name in _names(seed):
        if not name.endswith("bias") and any(d is None or abs(d - wd) > 1e-12
                                             for d in where.get(name, [])):
            fail(f"the parameter {name!r} is not in the group with weight_decay=wd. Every "
                 "parameter whose name does not end with 'bias' is decayed: 1-D ones too "
                 "(LayerNorm's weight, a scale), and a weight in a module whose name merely "
                 "contains 'bias'.")


@pytest.mark.points(2)
def test_every_parameter_exactly_once(sub, device, seed):
    _, _, report = _groups(sub, seed, device)
    listed = [name for group in report["groups"] for name in group["names"]]
    if None in listed:
        fail("the optimizer holds a tensor that is not one of the model's parameters (a "
             "copy, e.g. p.clone() or p.data?); give it the parameters themselves.")
    for name in _names(seed):
        count = listed.count(name)
        if count != 1:
            fail(f"the parameter {name!r} appears {count} times in the optimizer; every "
                 "parameter must appear exactly once (a weight shared by two layers too: "
                 "model.named_parameters() lists it once).")


@pytest.mark.points(2)
def test_step_decays_weights_and_not_biases(sub, device, seed, rng):
    lr, wd, steps = 0.1, 0.4, 3
    probe, opt, _ = _groups(sub, seed, device, lr=lr, wd=wd)
    start = {k: v.double().cpu() for k, v in fx.tiny_net(seed).state_dict().items()}
    start = {name: start[name] for name in _names(seed)}
    grads = {name: torch.randn(v.shape, generator=rng, dtype=torch.float64)
             for name, v in start.items()}
    probe.set_grads({k: g.float().to(device) for k, g in grads.items()})
    opt.step()
    for _ in range(steps - 1):
        probe.set_grads({k: torch.zeros_like(g).float().to(device) for k, g in grads.items()})
        opt.step()
    values = probe.values()
    for name, w0 in start.items():
        decay = 0.0 if name.endswith("bias") else wd
        factor = 1 - lr * decay
        expected = (factor * w0 - lr * grads[name]) * factor ** (steps - 1)
        got = values.get(name)
        assert_close(got, expected.float().to(device), what=f"the parameter {name!r} after "
                     "one opt.step() with a gradient and two with zero gradients",
                     why="each step multiplies a weight by (1 − lr·wd) before the gradient "
                         "step, so with zero gradient it shrinks by exactly (1 − lr·wd) per "
                         "step; a bias follows plain SGD.", rtol=1e-5, atol=1e-5)
