"""Hidden checks for exercises/mlp/xavier_init.py (Xavier initialization, fan-in/fan-out)."""

import math
import numbers

import pytest
import torch
from torch import nn

from grader.asserts import assert_tensor, expect_raises, fail
from grader.sandbox.fixtures import xavier as fx
from grader.sandbox.host import make, vjp

NAN = float("nan")


# ---------------------------------------------------------------------------------------------
# helpers

def _randint(rng, low, high):
    """An int in [low, high]."""
    return int(torch.randint(low, high + 1, (1,), generator=rng))


def _uniform(rng, low, high):
    return low + (high - low) * float(torch.rand((), generator=rng, dtype=torch.float64))


def _big_2d_shape(rng):
    """(out, in) with about a million elements and fan_in far from fan_out."""
    small, large = _randint(rng, 500, 700), _randint(rng, 1500, 1900)
    return (small, large) if _randint(rng, 0, 1) else (large, small)


def _conv_shape(rng):
    """(out_channels, in_channels, k_h, k_w) with a non-square kernel."""
    k_h = _randint(rng, 2, 5)
    k_w = k_h + _randint(rng, 1, 2)
    return (_randint(rng, 64, 128), _randint(rng, 24, 48), k_h, k_w)


def _expected_fans(shape):
    receptive = math.prod(shape[2:])
    return shape[1] * receptive, shape[0] * receptive


_PROBE = "grader.sandbox.fixtures.xavier:FillProbe"


def _probe(sub):
    """A FillProbe in the sandbox: it builds the tensor, calls the learner's function on it
    there and reports (by value) what was returned and what happened to the tensor."""
    return make(sub, _PROBE)


def _check_returned(report, call, what="W"):
    if report["returned"] == "none":
        fail(f"{call} returned None; it must return the tensor it filled (did you forget "
             "`return tensor`?).")
    if report["returned"] != "same":
        fail(f"{call} returned a different object than the {what} it was given. Fill {what} "
             "itself in place (the trailing _ in the name means in place) and return that same "
             "tensor; nn.Module code calls it on a layer's weight and keeps no returned copy.")


def _fill(sub, name, shape, device, dtype=torch.float32, args=(), kwargs=None, call=None,
          probe=None, seed=None):
    """Call the learner's ``name`` on a NaN-filled tensor of ``shape`` (built in the sandbox);
    check the in-place contract.

    Returns the filled values as a flat float64 CPU tensor.
    """
    probe = probe or _probe(sub)
    call = call or f"{name}(W) with W of shape {tuple(shape)}"
    report = probe.fill(getattr(sub, name), tuple(shape), dtype, torch.device(device),
                        args=tuple(args), kwargs=dict(kwargs or {}), seed=seed)
    _check_returned(report, call)
    W = report["values"]
    assert_tensor(W, what=f"W after {call}", shape=tuple(shape), dtype=dtype, device=device,
                  why="filling in place keeps the tensor's shape, dtype and device.")
    if not report["same_memory"]:
        fail(f"after {call}, W points to new storage (its data_ptr changed): W.data was "
             "replaced instead of filled in place, so views of W and anything holding its "
             "memory no longer see the new values. Write into W's own memory.")
    values = W.detach().double().cpu().reshape(-1)
    missing = int(torch.isnan(values).sum())
    if missing:
        fail(f"after {call}, {missing} of {values.numel()} elements of W still hold their old "
             "value (W was filled with NaN first). Every element must be overwritten with a "
             "fresh draw, whatever W held before: torch.empty can contain NaN or inf garbage.")
    return values


def _check_second_moment(values, variance, kurtosis, what, why):
    """E[x^2] ~ variance and mean ~ 0, within 5 sigma of the sampling error."""
    n = values.numel()
    m2 = float((values * values).mean())
    # Var of the estimate of E[x^2] is (E[x^4] - var^2) / n = (kurtosis - 1) var^2 / n.
    tol = 5 * variance * math.sqrt((kurtosis - 1) / n)
    if not abs(m2 - variance) <= tol:
        ratio = m2 / variance if variance else float("inf")
        fail(f"{what}: the variance of the filled values is {ratio:.3g} times what Xavier "
             f"initialization gives (allowed: within ±{100 * tol / variance:.2g}% for {n} "
             f"draws). {why}")
    mean = float(values.mean())
    mean_tol = 5 * math.sqrt(variance / n)
    if abs(mean) > mean_tol:
        fail(f"{what}: the values average {mean / math.sqrt(variance):.3g} standard deviations "
             f"away from 0, more than sampling error allows for {n} draws. Xavier weights have "
             "mean 0: draw symmetrically around 0.")


_UNIFORM_WHY = ("U(-a, a) has variance a^2 / 3, and Xavier wants variance "
                "gain^2 * 2 / (fan_in + fan_out), so a = gain * sqrt(6 / (fan_in + fan_out)) "
                "with the fans of the tensor's (out, in, *kernel) layout.")
_NORMAL_WHY = ("Xavier's compromise (fan_in + fan_out) * std^2 / 2 = 1 gives "
               "std = gain * sqrt(2 / (fan_in + fan_out)) (the argument of normal_ is the "
               "standard deviation, not the variance).")


def _check_uniform_range(values, bound, what, dtype=torch.float32):
    """All |x| <= bound, the extremes reach it, and half of the mass is inside bound / 2.

    ``dtype``: the tensor's own dtype. A draw computed in it (``torch.rand`` in the tensor's
    dtype, scaled and shifted) is rounded two or three times, each by up to a relative
    ``finfo(dtype).eps`` (float16: 1e-3, bfloat16: 8e-3): past the bound, short of it, or
    across a / 2. The slack below allows for that and no more.
    """
    n = values.numel()
    rounding = max(1e-5, 3 * torch.finfo(dtype).eps)
    top = float(values.abs().max())
    if top > bound * (1 + rounding):
        fail(f"{what}: some values have |x| = {top / bound:.4g} · a, beyond the bound "
             "a = gain * sqrt(6 / (fan_in + fan_out)); uniform draws from U(-a, a) never leave "
             "[-a, a].")
    # P(no draw within eps * a of the edge) = (1 - eps / 2)^n ~ exp(-40) with eps = 80 / n.
    eps = 80.0 / n
    for side, extreme in (("largest", float(values.max())), ("smallest", -float(values.min()))):
        if extreme < bound * (1 - eps - rounding):
            fail(f"{what}: the {side} of {n} values is only {extreme / bound:.4g} · a in size; "
                 "draws from U(-a, a) with a = gain * sqrt(6 / (fan_in + fan_out)) come "
                 "arbitrarily close to both -a and a, so the range is too narrow.")
    inner = float((values.abs() <= bound / 2).double().mean())
    # A band of relative width `rounding` around a / 2 holds a fraction `rounding` of U(-a, a).
    tol = 5 * math.sqrt(0.25 / n) + rounding
    if abs(inner - 0.5) > tol:
        fail(f"{what}: {inner:.1%} of the values lie in [-a/2, a/2]; a uniform distribution "
             "puts half of them there. Draw uniformly (uniform_ or torch.rand), not from "
             "another distribution.")


def _as_fans(got, what):
    if not isinstance(got, (tuple, list)) or len(got) != 2:
        fail(f"{what} returned {type(got).__name__}"
             f"{'' if got is None else ' ' + repr(got)[:60]}; it must return a tuple "
             "(fan_in, fan_out) of two ints.")
    for value in got:
        if isinstance(value, bool) or not isinstance(value, numbers.Integral):
            fail(f"{what} returned ({type(got[0]).__name__}, {type(got[1]).__name__}); fan_in "
                 "and fan_out must be plain Python ints (use int(...) or math.prod on the "
                 "shape, not a tensor).")
    return int(got[0]), int(got[1])


_UNSET = object()


def _check_fans(sub, tensor, what, got=_UNSET):
    """``got``: the result of a call made another way (on a tensor built in the sandbox)."""
    shape = tuple(tensor.shape)
    fan_in, fan_out = _expected_fans(shape)
    got = _as_fans(sub.fan_in_and_fan_out(tensor) if got is _UNSET else got, what)
    if got == (fan_in, fan_out):
        return
    if got == (fan_out, fan_in):
        fail(f"{what} returned fan_in and fan_out swapped. PyTorch stores weights as "
             "(out, in, *kernel): dimension 1 counts the inputs (fan_in) and dimension 0 the "
             "outputs (fan_out).")
    if len(shape) > 2 and got in ((shape[1], shape[0]), (shape[0], shape[1])):
        fail(f"{what} ignores the kernel dimensions. Each output of a convolution sees "
             "in_channels × k_h × k_w inputs, so the product of the kernel dimensions "
             "(the receptive field) multiplies both fan_in and fan_out.")
    fail(f"{what} returned {got}, which is not (fan_in, fan_out) for shape {shape}: with the "
         "(out, in, *kernel) layout, fan_in = in × prod(kernel) and "
         "fan_out = out × prod(kernel).")


def _check_xavier_weight(weight, what, hint=""):
    """A weight after init_weights: filled, within the uniform bound, variance as Xavier's."""
    shape = tuple(weight.shape)
    fan_in, fan_out = _expected_fans(shape)
    bound = math.sqrt(6.0 / (fan_in + fan_out))
    values = weight.detach().double().cpu().reshape(-1)
    if bool(torch.isnan(values).any()):
        fail(f"after init_weights(net), {what} was not initialized (it was filled with NaN "
             f"before the call and still holds NaN). {hint}")
    top = float(values.abs().max())
    if top > bound * (1 + 1e-5):
        fail(f"after init_weights(net), {what} has |w| up to {top / bound:.3g} · a, beyond "
             "Xavier's uniform bound a = sqrt(6 / (fan_in + fan_out)). Use your "
             f"xavier_uniform_ (gain 1) on the weight. {hint}")
    _check_second_moment(values, bound * bound / 3, 1.8,
                         f"after init_weights(net), {what}",
                         "init_weights must fill the weight with xavier_uniform_ (gain 1), "
                         f"using the fans of its (out, in, *kernel) shape. {hint}")


# ---------------------------------------------------------------------------------------------
# fan_in_and_fan_out

@pytest.mark.points(2)
def test_fans_of_linear_and_conv2d_weights(sub, device, rng):
    _check_fans(sub, nn.Linear(30, 20).weight.to(device),
                "fan_in_and_fan_out(nn.Linear(30, 20).weight)")
    _check_fans(sub, nn.Conv2d(3, 16, 5).weight.to(device),
                "fan_in_and_fan_out(nn.Conv2d(3, 16, 5).weight)")
    num_inputs = _randint(rng, 5, 40)
    num_outputs = num_inputs + _randint(rng, 3, 30)
    for n_in, n_out in ((num_inputs, num_outputs), (num_outputs, num_inputs)):
        _check_fans(sub, nn.Linear(n_in, n_out).weight.to(device),
                    f"fan_in_and_fan_out(nn.Linear({n_in}, {n_out}).weight)")
    c_in, c_out = _randint(rng, 2, 8), _randint(rng, 9, 20)
    k_h, k_w = _randint(rng, 1, 3), _randint(rng, 4, 6)
    _check_fans(sub, nn.Conv2d(c_in, c_out, (k_h, k_w)).weight.to(device),
                f"fan_in_and_fan_out(nn.Conv2d({c_in}, {c_out}, ({k_h}, {k_w})).weight)")


def test_fans_of_tensors_with_any_number_of_kernel_dims(sub, device, rng):
    for ndim in (2, 3, 3, 4, 5, 5):
        shape = tuple(_randint(rng, 1, 7) for _ in range(ndim))
        if shape[0] == shape[1]:
            shape = (shape[0], shape[1] + 1) + shape[2:]
        _check_fans(sub, torch.empty(shape, device=device),
                    f"fan_in_and_fan_out(a tensor of shape {shape})")
    shape = (_randint(rng, 2, 6), _randint(rng, 7, 12), _randint(rng, 2, 4))
    # An nn.Parameter crosses to the sandbox as a plain tensor: build it there.
    got = _probe(sub).call(sub.fan_in_and_fan_out, shape, torch.float32, torch.device(device),
                           kind="param")
    _check_fans(sub, torch.empty(shape), f"fan_in_and_fan_out(an nn.Parameter of shape {shape})",
                got=got)


def test_fans_reject_fewer_than_two_dims(sub, device):
    for tensor, text in ((torch.empty(7, device=device), "a 1-D tensor of shape (7,)"),
                         (torch.tensor(3.0, device=device), "a 0-D tensor"),
                         (nn.Linear(4, 3).bias.to(device), "nn.Linear(4, 3).bias")):
        expect_raises(ValueError, sub.fan_in_and_fan_out, tensor,
                      what=f"fan_in_and_fan_out({text})",
                      why="fan-in and fan-out are defined for weights of shape "
                          "(out, in, *kernel); fewer than 2 dimensions must raise ValueError.")


def test_xavier_rejects_fewer_than_two_dims(sub, device):
    for name in ("xavier_uniform_", "xavier_normal_"):
        expect_raises(ValueError, getattr(sub, name), torch.zeros(6, device=device),
                      what=f"{name}(a 1-D tensor of shape (6,))",
                      why="a 1-D tensor (like a bias) has no fan-in and fan-out, so there is "
                          "no Xavier scale for it: raise ValueError (fan_in_and_fan_out does).")


# ---------------------------------------------------------------------------------------------
# xavier_uniform_ and xavier_normal_: statistics

@pytest.mark.points(2)
def test_uniform_has_xavier_variance(sub, device, rng):
    for shape in (_big_2d_shape(rng), _conv_shape(rng)):
        values = _fill(sub, "xavier_uniform_", shape, device)
        fan_in, fan_out = _expected_fans(shape)
        _check_second_moment(values, 2.0 / (fan_in + fan_out), 1.8,
                             f"xavier_uniform_(W) with W of shape {shape}", _UNIFORM_WHY)


@pytest.mark.points(2)
def test_uniform_stays_within_and_fills_the_bound(sub, device, rng):
    shape = _big_2d_shape(rng)
    values = _fill(sub, "xavier_uniform_", shape, device)
    fan_in, fan_out = _expected_fans(shape)
    _check_uniform_range(values, math.sqrt(6.0 / (fan_in + fan_out)),
                         f"xavier_uniform_(W) with W of shape {shape}")


@pytest.mark.points(2)
def test_normal_has_xavier_variance(sub, device, rng):
    for shape in (_big_2d_shape(rng), _conv_shape(rng)):
        values = _fill(sub, "xavier_normal_", shape, device)
        fan_in, fan_out = _expected_fans(shape)
        _check_second_moment(values, 2.0 / (fan_in + fan_out), 3.0,
                             f"xavier_normal_(W) with W of shape {shape}", _NORMAL_WHY)


@pytest.mark.points(2)
def test_normal_has_a_gaussian_shape(sub, device, rng):
    shape = (_randint(rng, 900, 1100), _randint(rng, 1000, 1200))
    call = f"xavier_normal_(W) with W of shape {shape}"
    values = _fill(sub, "xavier_normal_", shape, device)
    n = values.numel()
    # Standardize by the sample's own scale: this check is about the shape, not the variance.
    sigma = float((values * values).mean().sqrt())
    if not sigma > 0:
        fail(f"{call} filled W with zeros; draw from N(0, std^2).")
    z = values / sigma
    kurtosis = float((z ** 4).mean())
    tol = 5 * math.sqrt(96.0 / n) + 0.02
    if abs(kurtosis - 3.0) > tol:
        fail(f"{call}: the values have E[x^4] / E[x^2]^2 = {kurtosis:.3g}; a normal "
             f"distribution has 3 (a uniform one 1.8). xavier_normal_ must draw from a normal "
             "distribution N(0, std^2) (normal_ or torch.randn), not just match its variance.")
    for c, p in ((2.0, math.erfc(2.0 / math.sqrt(2))), (3.0, math.erfc(3.0 / math.sqrt(2)))):
        frac = float((z.abs() > c).double().mean())
        # Binomial sampling error plus the effect of estimating sigma from the sample.
        slack = 5 * math.sqrt(p * (1 - p) / n) + 2 * c * math.exp(-c * c / 2) * 5 / math.sqrt(n)
        if abs(frac - p) > slack:
            fail(f"{call}: {frac:.3%} of the values lie more than {c:g} standard deviations "
                 f"from 0; for a normal distribution it is about {p:.2%}. Draw from "
                 "N(0, std^2), not from a distribution that only shares its variance.")


@pytest.mark.points(2)
def test_gain_scales_the_distribution(sub, device, rng):
    gains = (_uniform(rng, 0.3, 0.6), _uniform(rng, 1.8, 3.5))
    for gain in gains:
        shape = _big_2d_shape(rng)
        fan_in, fan_out = _expected_fans(shape)
        base = 2.0 / (fan_in + fan_out)
        call = f"xavier_uniform_(W, gain={gain:.4g}) with W of shape {shape}"
        values = _fill(sub, "xavier_uniform_", shape, device,
                       kwargs={"gain": gain}, call=call)
        why = ("gain multiplies the bound a (so the variance grows by gain^2): "
               "a = gain * sqrt(6 / (fan_in + fan_out)).")
        _check_second_moment(values, gain * gain * base, 1.8, call, why)
        _check_uniform_range(values, gain * math.sqrt(3 * base), call)
        call = f"xavier_normal_(W, {gain:.4g}) with W of shape {shape}"
        values = _fill(sub, "xavier_normal_", shape, device, args=(gain,),
                       call=call)
        _check_second_moment(values, gain * gain * base, 3.0, call,
                             "gain multiplies the standard deviation: "
                             "std = gain * sqrt(2 / (fan_in + fan_out)).")


# ---------------------------------------------------------------------------------------------
# xavier_uniform_ and xavier_normal_: the in-place contract

@pytest.mark.points(2)
def test_fills_in_place_and_returns_the_same_tensor(sub, device, rng):
    probe = _probe(sub)
    for name in ("xavier_uniform_", "xavier_normal_"):
        for shape in ((_randint(rng, 20, 40), _randint(rng, 50, 80)),
                      (_randint(rng, 4, 8), _randint(rng, 2, 5), 3, 3)):
            _fill(sub, name, shape, device, probe=probe)


def test_fills_a_non_contiguous_view_in_place(sub, device, rng):
    probe = _probe(sub)
    for name in ("xavier_uniform_", "xavier_normal_"):
        rows, cols = _randint(rng, 30, 50), _randint(rng, 60, 90)
        # In the sandbox: base = torch.full((rows, cols), nan); W = base.t(); name(W).
        report = probe.fill(getattr(sub, name), (rows, cols), torch.float32,
                            torch.device(device), kind="transposed")
        call = f"{name}(W) with W = base.t(), a transposed (non-contiguous) view"
        if report["returned"] != "same":
            fail(f"{call} returned a different object than W; fill W in place and return it.")
        if bool(torch.isnan(report["base"]).any()):
            fail(f"{call} left elements of base unfilled: writing into W must write into the "
                 "memory W shares with base (a weight can be a view; do not call .view() or "
                 "replace W.data, fill it with an in-place operation).")
        # In the sandbox: big = torch.full((rows, 3 * cols), nan); W = big[:, cols:2 * cols].
        report = probe.fill(getattr(sub, name), (rows, cols), torch.float32,
                            torch.device(device), kind="slice")
        call = f"{name}(W) with W = big[:, {cols}:{2 * cols}], a slice of a larger tensor"
        wide = report["base"]
        if bool(torch.isnan(wide[:, cols:2 * cols]).any()):
            fail(f"{call} did not fill every element of the slice W in place.")
        if not bool(torch.isnan(wide[:, :cols]).all() and torch.isnan(wide[:, 2 * cols:]).all()):
            fail(f"{call} also wrote outside W; fill only the tensor you were given.")


@pytest.mark.points(2)
def test_parameter_keeps_requires_grad_without_history(sub, device, rng):
    probe = _probe(sub)
    for name in ("xavier_uniform_", "xavier_normal_"):
        shape = (_randint(rng, 20, 40), _randint(rng, 41, 60))
        call = f"{name}(p) with p an nn.Parameter of shape {shape} (requires_grad=True)"
        # In the sandbox, with grad mode on: p = nn.Parameter(torch.full(shape, nan)); name(p).
        report = probe.fill(getattr(sub, name), shape, torch.float32, torch.device(device),
                            kind="param")
        if report["returned"] != "same":
            fail(f"{call} returned a different object than p; fill p in place and return it, "
                 "so the layer keeps its Parameter.")
        if not report["parameter"] or not report["requires_grad"]:
            fail(f"after {call}, p no longer requires grad; the weight must stay a trainable "
                 "Parameter (do not switch requires_grad off).")
        if report["grad_fn"] is not None or not report["leaf"]:
            fail(f"after {call}, p has autograd history (grad_fn = {report['grad_fn']})"
                 " and is no longer a leaf: the fill was recorded by autograd. Initialization "
                 "is not part of the model's computation; fill under torch.no_grad().")
        if bool(torch.isnan(report["values"]).any()):
            fail(f"{call} did not fill every element of p.")
        # The probe then ran (2 * p).sum().backward() on the filled p.
        if not report["grad_ok"]:
            fail(f"after {call}, backward through 2 * p does not give p the gradient 2; p must "
                 "stay an ordinary trainable leaf.")


_DTYPES = [torch.float32, torch.float64, torch.float16, torch.bfloat16]


@pytest.mark.parametrize("dtype", _DTYPES, ids=[str(d).removeprefix("torch.") for d in _DTYPES])
def test_keeps_dtype_and_device(sub, device, rng, dtype):
    shape = (_randint(rng, 200, 300), _randint(rng, 400, 500))
    fan_in, fan_out = _expected_fans(shape)
    values = _fill(sub, "xavier_uniform_", shape, device, dtype=dtype,
                   call=f"xavier_uniform_(W) with W of shape {shape} and dtype {dtype}")
    _check_uniform_range(values, math.sqrt(6.0 / (fan_in + fan_out)),
                         f"xavier_uniform_(W) with W of dtype {dtype}", dtype)
    values = _fill(sub, "xavier_normal_", shape, device, dtype=dtype,
                   call=f"xavier_normal_(W) with W of shape {shape} and dtype {dtype}")
    _check_second_moment(values, 2.0 / (fan_in + fan_out), 3.0,
                         f"xavier_normal_(W) with W of dtype {dtype}", _NORMAL_WHY)


def test_fresh_values_on_every_call(sub, device, rng):
    shape = (_randint(rng, 10, 20), _randint(rng, 21, 30))
    probe = _probe(sub)
    for name in ("xavier_uniform_", "xavier_normal_"):
        fn = getattr(sub, name)
        first = _fill(sub, name, shape, device, probe=probe)
        second = _fill(sub, name, shape, device, probe=probe)
        if bool((first == second).all()):
            fail(f"two calls of {name} on tensors of shape {shape} drew exactly the same "
                 "values: do not seed a generator inside the function; every layer (and every "
                 "call) needs its own random weights.")
        before, W = probe.twice(fn, shape, torch.device(device))
        if bool((W == before).all()):
            fail(f"calling {name} twice on the same tensor left it unchanged the second time; "
                 "each call must draw fresh values.")


def test_follows_torch_manual_seed(sub, device, rng):
    shape = (_randint(rng, 10, 20), _randint(rng, 21, 30))
    seed = _randint(rng, 1, 2**30)
    probe = _probe(sub)
    for name in ("xavier_uniform_", "xavier_normal_"):
        # The probe calls torch.manual_seed(seed) in the sandbox just before name(W).
        first = _fill(sub, name, shape, device, probe=probe, seed=seed)
        again = _fill(sub, name, shape, device, probe=probe, seed=seed)
        if not torch.equal(first, again):
            fail(f"after torch.manual_seed(s), {name} drew different values each time: draw "
                 "from torch's global random number generator (uniform_, normal_, torch.rand, "
                 "torch.randn), so that seeding torch makes an initialization reproducible.")
        other = _fill(sub, name, shape, device, probe=probe, seed=seed + 1)
        if torch.equal(first, other):
            fail(f"{name} drew the same values after torch.manual_seed(s) and "
                 "torch.manual_seed(s + 1): it must not fix its own seed.")


# ---------------------------------------------------------------------------------------------
# init_weights

_FIXTURES = "grader.sandbox.fixtures.xavier:"


def _net(sub, factory, *args, **kwargs):
    """A network built in the sandbox by the public fixture ``factory`` (see its docstring)."""
    return make(sub, _FIXTURES + factory, *args, **kwargs)


def _entry(state, key, text):
    """``state[key]`` of a net's state_dict after init_weights, or a failure that says why."""
    if key not in state:
        fail(f"after init_weights(net), net.state_dict() has no {key} ({text}): init_weights "
             "must fill the existing parameters in place, not remove or rename them.")
    return state[key]


def _linear_dims(rng):
    return [_randint(rng, 100, 220) for _ in range(4)]


@pytest.mark.points(2)
def test_init_weights_fills_linear_layers(sub, device, rng):
    d = _linear_dims(rng)
    # Linear(d0, d1), ReLU, Sequential(Linear(d1, d2, bias=False), Tanh), Linear(d2, d3),
    # every weight filled with NaN.
    net = _net(sub, "linear_net", d, torch.device(device))
    result = sub.init_weights(net)
    del result  # the contract returns None; nothing to check about it
    state = net.state_dict()
    layers = [("0.weight", f"nn.Linear({d[0]}, {d[1]})"),
              ("2.0.weight", f"nn.Linear({d[1]}, {d[2]}, bias=False) (nested in a Sequential)"),
              ("3.weight", f"nn.Linear({d[2]}, {d[3]})")]
    for key, text in layers:
        _check_xavier_weight(_entry(state, key, text), f"the weight of {text}")
    single = _net(sub, "linear", d[3], d[0], torch.device(device))
    sub.init_weights(single)
    text = f"the weight of nn.Linear({d[3]}, {d[0]}) passed as net itself"
    _check_xavier_weight(_entry(single.state_dict(), "weight", text),
                         f"{text} (net.modules() includes net)")


@pytest.mark.points(2)
def test_init_weights_fills_conv2d_layers(sub, device, rng):
    c = [_randint(rng, 8, 16), _randint(rng, 32, 64), _randint(rng, 32, 64)]
    k = _randint(rng, 3, 5)
    k_h, k_w = _randint(rng, 1, 2), _randint(rng, 3, 5)
    # Conv2d(c0, c1, k, padding=1), BatchNorm2d, ReLU, Sequential(Conv2d(c1, c2, (k_h, k_w)),
    # ReLU), AdaptiveAvgPool2d(1), Flatten; conv weights NaN.
    net = _net(sub, "conv_net", c, k, k_h, k_w, torch.device(device))
    sub.init_weights(net)
    state = net.state_dict()
    for key, text in (("0.weight", f"the weight of nn.Conv2d({c[0]}, {c[1]}, {k})"),
                      ("3.0.weight",
                       f"the weight of nn.Conv2d({c[1]}, {c[2]}, ({k_h}, {k_w})) (nested)")):
        _check_xavier_weight(_entry(state, key, text), text)


def test_init_weights_includes_subclasses(sub, device, rng):
    n_in, n_out = _randint(rng, 100, 200), _randint(rng, 201, 300)
    c_in, c_out = _randint(rng, 8, 16), _randint(rng, 32, 48)
    # Sequential(MyConv2d(c_in, c_out, 3), Flatten, MyLinear(n_in, n_out)), weights NaN.
    net = _net(sub, "subclass_net", c_in, c_out, n_in, n_out, torch.device(device))
    sub.init_weights(net)
    state = net.state_dict()
    hint = ("A subclass of nn.Linear or nn.Conv2d is still such a layer: test with "
            "isinstance(m, (nn.Linear, nn.Conv2d)), not type(m) == ...")
    for key, text in (("0.weight",
                       f"the weight of a subclass of nn.Conv2d ({c_in} -> {c_out}, kernel 3)"),
                      ("2.weight", f"the weight of a subclass of nn.Linear ({n_in} -> {n_out})")):
        _check_xavier_weight(_entry(state, key, text), text, hint)


@pytest.mark.points(2)
def test_init_weights_zeroes_biases(sub, device, rng):
    n = [_randint(rng, 20, 60) for _ in range(3)]
    # Conv2d(3, n0, 3), ReLU, Flatten, Sequential(Linear(n0, n1), Linear(n1, n2)), every bias
    # drawn from U(1, 2).
    net = _net(sub, "bias_net", n, _randint(rng, 1, 2**30), torch.device(device))
    sub.init_weights(net)
    kinds = make(sub, _FIXTURES + "parameter_kinds", net)
    state = net.state_dict()
    for key, text in (("0.bias", f"nn.Conv2d(3, {n[0]}, 3)"),
                      ("3.0.bias", f"nn.Linear({n[0]}, {n[1]})"),
                      ("3.1.bias", f"nn.Linear({n[1]}, {n[2]})")):
        facts = kinds.get(key)
        if not facts or not facts["parameter"] or key not in state:
            fail(f"after init_weights(net), the bias of {text} is no longer an nn.Parameter; "
                 "set its values to zero in place instead of replacing it.")
        bias = state[key]
        nonzero = int((bias.detach() != 0).sum())
        if nonzero:
            fail(f"after init_weights(net), {nonzero} of {bias.numel()} entries of the bias "
                 f"of {text} are not zero; init_weights sets the bias of every nn.Linear and "
                 "nn.Conv2d to zero.")


@pytest.mark.points(2)
def test_init_weights_leaves_other_parameters_untouched(sub, device, rng):
    n = _randint(rng, 8, 16)
    seed = _randint(rng, 1, 2**30)
    # ModuleDict(embedding=Embedding(30, n), conv1d=Conv1d(n, n, 3), head=Sequential(
    #   Conv2d(3, n, 3), BatchNorm2d(n), Sequential(ConvTranspose2d(n, n, 2), ReLU),
    #   AdaptiveAvgPool2d(1), Flatten, LayerNorm(n), BatchNorm1d(n), Scaled(n),
    #   Bilinear(n, n, n))): every parameter ~ N(3, 1), every float buffer ~ U(0.5, 1.5).
    extras = _net(sub, "mixed_net", n, seed, torch.device(device))
    # The same structure, built here, says which module owns each entry.
    local = fx.mixed_net(n, seed)
    touched = set()
    for prefix, m in local.named_modules():
        if isinstance(m, (nn.Linear, nn.Conv2d)):
            touched.update(f"{prefix}.{k}" for k, _ in m.named_parameters(recurse=False))
    before = {k: v for k, v in extras.state_dict().items() if k not in touched}
    sub.init_weights(extras)
    after = extras.state_dict()
    kinds = dict(local.named_modules())
    for key, old in before.items():
        if key not in after or not torch.equal(after[key], old):
            owner = kinds.get(key.rsplit(".", 1)[0]) if "." in key else local
            kind = type(owner).__name__ if owner is not None else "custom"
            fail(f"init_weights(net) changed {key} of the {kind} module, which is neither an "
                 "nn.Linear nor an nn.Conv2d parameter. Only Linear and Conv2d layers (and their "
                 "subclasses) get Xavier weights and zero biases; every other parameter and "
                 "buffer must stay exactly as it was.")


def test_init_weights_keeps_the_same_parameters(sub, device, rng):
    d = _linear_dims(rng)
    # In the sandbox: net = Sequential(<the net of the Linear check>, Unflatten(1, (d3, 1, 1)),
    # Conv2d(d3, 8, 1)) in float64; its parameters (what an optimizer built before the call
    # holds) and their data_ptr() are recorded before init_weights(net).
    probe = make(sub, _FIXTURES + "ParameterProbe", d, torch.device(device))
    sub.init_weights(probe.net)
    X = torch.randn(4, d[0], generator=rng, dtype=torch.float64).to(device)
    # The probe compares each parameter with the recorded one, then runs
    # net(X).sum().backward() and lists the parameters left without a gradient.
    report = probe.report(X)
    for key, facts in report["params"].items():
        if not facts["same"]:
            fail(f"init_weights(net) replaced the parameter {key} with a new object; fill the "
                 "existing nn.Parameter in place, or an optimizer built before the call keeps "
                 "training the old tensor.")
        if not facts["same_memory"]:
            fail(f"init_weights(net) moved {key} to new memory (p.data was replaced); fill it "
                 "in place.")
        if facts["dtype"] != torch.float64 or facts["device"] != torch.device(device).type:
            fail(f"init_weights(net) changed {key} to {facts['dtype']} on {facts['device']}; "
                 f"the net was float64 on {torch.device(device).type} and must stay so.")
        if not facts["requires_grad"] or facts["history"]:
            fail(f"after init_weights(net), {key} "
                 f"{'no longer requires grad' if not facts['requires_grad'] else 'has autograd history'};"
                 " initialize under torch.no_grad() and keep parameters trainable leaves.")
    missing = report["missing_grads"]
    if missing:
        fail(f"after init_weights(net), backward gives no gradient to {missing[0]}; the "
             "parameters must stay connected to the network.")


@pytest.mark.points(3)
def test_deep_linear_stack_keeps_variance(sub, device, rng):
    depth = 32
    widths = [_randint(rng, 128, 256) for _ in range(depth + 1)]
    # nn.Sequential of Linear(widths[i], widths[i + 1]), no activation.
    net = _net(sub, "deep_stack", widths, torch.device(device))
    sub.init_weights(net)
    state = net.state_dict()
    X = torch.randn(256, widths[0], generator=rng).to(device)
    var_in = float(X.var())
    # The forward pass, here, with the weights and biases init_weights gave the net.
    H = X
    for i in range(depth):
        text = f"layer {i + 1} of the stack"
        H = torch.nn.functional.linear(H, _entry(state, f"{i}.weight", text).to(device),
                                       _entry(state, f"{i}.bias", text).to(device))
        ratio = float(H.var()) / var_in
        if not 1 / 8 <= ratio <= 8:
            fail(f"in a stack of {depth} nn.Linear layers (widths {min(widths)} to "
                 f"{max(widths)}, no activation) initialized by init_weights, the activations "
                 f"after layer {i + 1} have {ratio:.3g} times the variance of the input. Xavier "
                 "initialization exists to keep it within a small factor at every depth (an "
                 "N(0, 0.01^2) init shrinks it towards 0 layer after layer): each weight needs "
                 "variance 2 / (fan_in + fan_out) and each bias must be 0.")
    G = torch.randn(H.shape, generator=rng).to(device)
    # Backward through the initialized net itself, in the sandbox.
    result = vjp(net, X, wrt=[0], cotangent=G)
    grad = result.grads[0] if result.grads else None
    if not result.out.requires_grad or grad is None:
        fail("no gradient reached the input of the deep stack; init_weights must not detach "
             "the layers' parameters.")
    ratio = float(grad.var()) / float(G.var())
    if not 1 / 8 <= ratio <= 8:
        fail(f"backward through a stack of {depth} nn.Linear layers initialized by init_weights, "
             f"the gradient reaching the input has {ratio:.3g} times the variance of the "
             "gradient at the output; Xavier's compromise (fan_in + fan_out) * var / 2 = 1 "
             "keeps backward gradients from exploding or vanishing too.")
