"""Hidden checks for exercises/stability/gradient_clipping.py (clipping by the global norm)."""

import math

import numpy as np
import pytest
import torch

from grader.asserts import assert_close, assert_tensor, fail
from grader.sandbox.host import make

PROBE = "grader.sandbox.fixtures.clipping:ClipProbe"
SHAPES = [(4, 3), (7,), (2, 3, 2), (5, 1)]


# ---------------------------------------------------------------------------------- helpers

def _grads(rng, shapes, scale, dtype=torch.float32):
    return [(torch.randn(s, generator=rng, dtype=torch.float64) * scale).to(dtype)
            for s in shapes]


def _values(rng, shapes, dtypes=None):
    dtypes = dtypes or [torch.float32] * len(shapes)
    return [torch.randn(s, generator=rng, dtype=torch.float64).to(d)
            for s, d in zip(shapes, dtypes)]


def _norm(grads):
    return math.sqrt(sum(float((g.double() ** 2).sum()) for g in grads if g is not None))


def _run(sub, device, values, grads, theta, kind="list", flags=None):
    """Build the tensors in the sandbox, call clip_grad_norm_ on them, return the report."""
    flags = flags if flags is not None else [True] * len(values)
    probe = make(sub, PROBE, values, grads, flags, str(device))
    return probe.clip(sub.clip_grad_norm_, theta, kind)


def _returned(report, what):
    value = report["returned"]
    if isinstance(value, torch.Tensor) and value.numel() == 1:
        return float(value.detach().cpu().double())
    if isinstance(value, np.ndarray) and value.size == 1:
        return float(value.reshape(()))
    if isinstance(value, bool) or not isinstance(value, (int, float, np.number)):
        kind = "None (did you forget `return`?)" if value is None else type(value).__name__
        fail(f"{what} returned {kind}; it must return the norm before clipping.")
    return float(value)


def _grad_after(report, i, what):
    g = report["grads"][i]
    if g is None:
        fail(f"after {what}, a gradient is None; scale the gradients, never remove them.")
    return g


def _case(rng, scale):
    shapes = SHAPES[: 2 + int(torch.randint(0, 3, (1,), generator=rng))]
    return _values(rng, shapes), _grads(rng, shapes, scale)


# ------------------------------------------------------------------------------ the value

@pytest.mark.points(2)
def test_returns_the_norm_before_clipping(sub, device, rng):
    for scale, theta in ((5.0, 1.0), (0.1, 10.0), (3.0, 2.5)):
        values, grads = _case(rng, scale)
        what = f"clip_grad_norm_(params, {theta})"
        got = _returned(_run(sub, device, values, grads, theta), what)
        expected = _norm(grads)
        if not math.isclose(got, expected, rel_tol=1e-5, abs_tol=1e-7):
            fail(f"{what} returned a number off by {abs(got - expected):.3g}. Return the "
                 "global norm sqrt(sum of every squared gradient entry) measured before "
                 "clipping, not after.")


def test_returns_a_python_float(sub, device, rng):
    values, grads = _case(rng, 5.0)
    value = _run(sub, device, values, grads, 1.0)["returned"]
    if isinstance(value, bool) or not isinstance(value, float):
        fail(f"clip_grad_norm_(params, 1.0) returned a value of type {type(value).__name__}; "
             "return a Python float (float(norm) converts a 0-d tensor).")


# ---------------------------------------------------------------------------- the scaling

@pytest.mark.points(2)
def test_below_threshold_grads_bitwise_unchanged(sub, device, rng):
    for scale in (0.05, 0.3):
        values, grads = _case(rng, scale)
        theta = _norm(grads) * 1.5
        what = "clip_grad_norm_(params, theta) with the norm below theta"
        report = _run(sub, device, values, grads, theta)
        for i, g in enumerate(grads):
            assert_close(_grad_after(report, i, what), g.to(device), rtol=0.0, atol=0.0,
                         what=f"gradient {i} after {what}",
                         why="When the global norm is at most theta nothing is clipped: every "
                             "gradient stays exactly as it was.", check_dtype=False)


@pytest.mark.points(2)
def test_above_threshold_global_norm_becomes_theta(sub, device, rng):
    for scale, theta in ((4.0, 1.0), (1.0, 0.5)):
        values, grads = _case(rng, scale)
        norm = _norm(grads)
        what = f"clip_grad_norm_(params, {theta}) with a global norm of {norm:.3g}"
        report = _run(sub, device, values, grads, theta)
        after = [_grad_after(report, i, what) for i in range(len(grads))]
        for i, (g, new) in enumerate(zip(grads, after)):
            assert_close(new, (g.double() * (theta / norm)).to(device), what=f"gradient {i} "
                         f"after {what}", check_dtype=False, rtol=1e-5, atol=1e-7,
                         why="Above the threshold every gradient is multiplied by the same "
                             "factor theta / norm, so the norm of all of them together "
                             "becomes theta.")


def test_direction_and_ratios_preserved(sub, device, rng):
    # Parameters of very different sizes: clipping each one on its own changes the mix.
    values = _values(rng, [(6, 4), (3,), (2, 2)])
    grads = [torch.randn(6, 4, generator=rng) * 5, torch.randn(3, generator=rng) * 0.1,
             torch.randn(2, 2, generator=rng)]
    theta = 0.7
    what = f"clip_grad_norm_(params, {theta})"
    report = _run(sub, device, values, grads, theta)
    before = torch.cat([g.double().reshape(-1) for g in grads])
    after = torch.cat([_grad_after(report, i, what).double().cpu().reshape(-1)
                       for i in range(len(grads))])
    cosine = float(before @ after / (before.norm() * after.norm()))
    if not cosine > 1 - 1e-6:
        fail(f"after {what} the gradients point in a different direction (cosine "
             f"{cosine:.4f} with the original): use one global norm and one factor for all "
             "parameters together, not a norm per parameter.")


def test_clip_factor_is_exactly_theta_over_norm(sub, device, rng):
    # float64 gradients of a small norm: an epsilon added to the norm is visible here.
    shapes = [(3, 2), (4,)]
    values = _values(rng, shapes, [torch.float64] * 2)
    grads = _grads(rng, shapes, 1e-4, torch.float64)
    norm = _norm(grads)
    theta = norm / 3
    what = "clip_grad_norm_(params, theta) with float64 gradients of norm about 3e-4"
    report = _run(sub, device, values, grads, theta)
    for i, g in enumerate(grads):
        assert_close(_grad_after(report, i, what), (g * (theta / norm)).to(device),
                     what=f"gradient {i} after {what}", rtol=1e-6, atol=0.0,
                     check_dtype=False,
                     why="The factor is exactly theta / norm (as in d2l), without the "
                         "+ 1e-6 that torch.nn.utils.clip_grad_norm_ adds to the norm.")


def test_float64_grads_keep_float64_precision(sub, device, rng):
    # The + 1e-6 is visible at rtol 1e-6 above; a float32 step (a float32 accumulator for the
    # norm, a float32 copy of the gradient) is visible only here, at float64 precision. Values
    # that are wrong even at float32 tolerance are the other checks' failure, not this one's.
    shapes = [(4, 3), (5,)]
    values = _values(rng, shapes, [torch.float64] * 2)
    # A norm of about 1e8: torch's + 1e-6 moves the factor by about 1e-14 relative, far below
    # this check's tolerance, so that mistake stays the business of the check above.
    grads = _grads(rng, shapes, 3e7, torch.float64)
    norm, theta = _norm(grads), 1.0
    what = "clip_grad_norm_(params, 1.0) with float64 gradients"
    report = _run(sub, device, values, grads, theta)
    for i, g in enumerate(grads):
        got = report["grads"][i]
        if not isinstance(got, torch.Tensor) or got.shape != g.shape:
            continue
        got = got.detach().cpu().double()
        expected = g * (theta / norm)
        if torch.allclose(got, expected, rtol=1e-5, atol=1e-7) and \
                not torch.allclose(got, expected, rtol=1e-12, atol=0.0):
            fail(f"gradient {i} after {what} is right only to float32 precision. Keep float64 "
                 "gradients in float64: sum the squares in float64 (not in a float32 "
                 "torch.zeros(()) buffer) and scale the gradient itself, not a .float() copy.")
    returned = report["returned"]
    if isinstance(returned, (int, float)) and not isinstance(returned, bool) and \
            math.isclose(returned, norm, rel_tol=1e-5) and \
            not math.isclose(returned, norm, rel_tol=1e-12):
        fail(f"{what} returned the norm only to float32 precision; compute the norm of float64 "
             "gradients in float64.")


@pytest.mark.points(2)
def test_skips_params_without_grad_or_not_requiring_grad(sub, device, rng):
    shapes = [(4, 3), (5,), (2, 2), (3,)]
    values = _values(rng, shapes)
    grads = _grads(rng, shapes, 3.0)
    grads[1] = None                                   # a parameter unused in the forward pass
    flags = [True, True, False, "leaf"]               # frozen (with a stale grad), plain leaf
    counted = [grads[0], grads[3]]
    norm, theta = _norm(counted), 0.5
    what = "clip_grad_norm_(params, 0.5) where one parameter has no grad and one is frozen"
    report = _run(sub, device, values, grads, theta, flags=flags)
    if report["grads"][1] is not None:
        fail(f"after {what} the parameter without a gradient has one; leave .grad None.")
    assert_close(report["grads"][2], grads[2].to(device), rtol=0.0, atol=0.0,
                 what=f"the frozen parameter's .grad after {what}", check_dtype=False,
                 why="A tensor that does not require grad is not trained: do not count or "
                     "scale its gradient.")
    for i in (0, 3):
        assert_close(_grad_after(report, i, what), (grads[i].double() * (theta / norm)).to(device),
                     what=f"gradient {i} after {what}", check_dtype=False, rtol=1e-5, atol=1e-7,
                     why="Count only tensors that require grad and have a .grad: the others "
                         "do not enter the global norm, and the counted gradients are scaled "
                         "by theta / (their global norm).")


@pytest.mark.points(2)
def test_scales_grads_in_place(sub, device, rng):
    values, grads = _case(rng, 6.0)
    report = _run(sub, device, values, grads, 1.0)
    what = "clip_grad_norm_(params, 1.0)"
    for i in range(len(grads)):
        if not report["same_grad"][i] or not report["same_memory"][i]:
            fail(f"after {what} parameter {i} holds a different .grad tensor (or new memory). "
                 "Clip in place, p.grad.mul_(factor): optimizers and hooks hold the "
                 "original gradient tensors.")
        assert_tensor(report["grads"][i], what=f"gradient {i} after {what}",
                      dtype=grads[i].dtype, device=device,
                      why="In-place scaling keeps the gradient's dtype and device.")


def test_parameter_values_untouched(sub, device, rng):
    values, grads = _case(rng, 6.0)
    report = _run(sub, device, values, grads, 1.0)
    for i, v in enumerate(values):
        assert_close(report["values"][i], v.to(device), rtol=0.0, atol=0.0, check_dtype=False,
                     what=f"the value of parameter {i} after clip_grad_norm_(params, 1.0)",
                     why="Clipping changes the gradients only; the optimizer step updates "
                         "the parameters later.")
        if not report["same_value_memory"][i]:
            fail(f"clip_grad_norm_ replaced the data of parameter {i}; leave the parameters "
                 "alone.")


@pytest.mark.points(2)
def test_accepts_a_one_shot_generator(sub, device, rng):
    for kind, words in (("generator", "a generator (p for p in params)"),
                        ("module", "model.parameters()"), ("tuple", "a tuple")):
        values, grads = _case(rng, 5.0)
        norm, theta = _norm(grads), 1.0
        what = f"clip_grad_norm_(params, 1.0) with params given as {words}"
        report = _run(sub, device, values, grads, theta, kind=kind)
        for i, g in enumerate(grads):
            assert_close(_grad_after(report, i, what), (g.double() * (theta / norm)).to(device),
                         what=f"gradient {i} after {what}", check_dtype=False, rtol=1e-5,
                         atol=1e-7,
                         why="A generator can be walked only once: turn params into a list "
                             "before computing the norm, or the second loop scales nothing.")


def test_no_grads_returns_zero(sub, device, rng):
    shapes = [(3, 2), (4,)]
    for grads, case in (([None, None], "no parameter has a gradient"),
                        ([torch.zeros(3, 2), torch.zeros(4)], "every gradient is zero")):
        what = f"clip_grad_norm_(params, 1.0) when {case}"
        report = _run(sub, device, _values(rng, shapes), grads, 1.0)
        got = _returned(report, what)
        if got != 0.0:
            fail(f"{what} returned {got!r}; the norm of no gradients (or of zeros) is 0.0.")
        # The early return for "nothing to clip" is a return too: the float 0.0, not the int 0
        # (a tensor returned everywhere is returns_a_python_float's failure, not this one's).
        if isinstance(report["returned"], int):
            fail(f"{what} returned the int {report['returned']!r}; return the Python float 0.0.")
        for i, g in enumerate(grads):
            if g is None:
                if report["grads"][i] is not None:
                    fail(f"{what} gave a parameter a gradient; leave .grad None.")
            else:
                assert_close(_grad_after(report, i, what), g.to(device), rtol=0.0, atol=0.0,
                             what=f"gradient {i} after {what}", check_dtype=False,
                             why="A zero norm is below theta: nothing changes (and no 0 / 0).")


def test_mixed_dtypes_and_0d_parameters(sub, device, rng):
    shapes = [(), (3, 2), ()]
    dtypes = [torch.float32, torch.float64, torch.float64]
    values = _values(rng, shapes, dtypes)
    grads = [(torch.randn(s, generator=rng, dtype=torch.float64) * 4).to(d)
             for s, d in zip(shapes, dtypes)]
    norm, theta = _norm(grads), 1.0
    what = "clip_grad_norm_(params, 1.0) with 0-d parameters and float32 + float64 gradients"
    report = _run(sub, device, values, grads, theta)
    for i, g in enumerate(grads):
        new = _grad_after(report, i, what)
        assert_tensor(new, what=f"gradient {i} after {what}", shape=tuple(g.shape),
                      dtype=g.dtype, why="Each gradient keeps its shape and dtype.")
        assert_close(new, (g.double() * (theta / norm)).to(g.dtype).to(device),
                     what=f"gradient {i} after {what}", rtol=1e-5, atol=1e-7,
                     why="0-d gradients count like any other (d2l's grad[:] cannot slice "
                         "them: use mul_).")
