"""Hidden checks for exercises/loss/huber.py (d2l's Huber loss with threshold sigma).

Expected values come from torch.nn.functional.smooth_l1_loss(beta=sigma) in float64, which is
d2l's formula, and from the golden table of the map. Value checks compare values only
(check_dtype=False): a dtype slip is the dtype check's failure.
"""

import pytest
import torch
import torch.nn.functional as F

from grader.asserts import assert_close, assert_tensor, assert_unchanged, expect_raises, fail
from grader.sandbox.host import make, vjp

DTYPES = [torch.float32, torch.float64]
GOLDEN = [(1.0, 0.5, 0.125), (1.0, 1.0, 0.5), (1.0, 2.0, 1.5), (1.0, -3.0, 2.5),
          (2.0, 1.0, 0.25), (2.0, 3.0, 2.0)]


def _pair(shape, rng, device, dtype=torch.float32, scale=2.0):
    y = torch.randn(shape, generator=rng, dtype=torch.float64)
    y_hat = y + torch.randn(shape, generator=rng, dtype=torch.float64) * scale
    return y_hat.to(dtype).to(device), y.to(dtype).to(device)


def _sigmas(rng):
    return [0.3 + float(torch.rand((), generator=rng)) * 2.7 for _ in range(3)]


def _oracle(y_hat, y, sigma, reduction):
    return F.smooth_l1_loss(y_hat.double(), y.double(), beta=sigma, reduction=reduction)


@pytest.mark.points(2)
def test_golden_values(sub, device):
    for sigma, d, expected in GOLDEN:
        y = torch.tensor([0.25, -1.5], device=device)
        y_hat = y + d
        out = sub.huber_loss(y_hat, y, sigma, "none")
        assert_close(out, torch.full((2,), expected, device=device), check_dtype=False,
                     what=f"huber_loss(y_hat, y, sigma={sigma}, reduction='none') with residual "
                          f"d = {d}",
                     why="l = |d| - sigma/2 if |d| > sigma, else d^2 / (2 sigma). Note the 1/sigma "
                         "on the quadratic piece: this is d2l's form (smooth_l1_loss with "
                         "beta=sigma), not torch.nn.HuberLoss(delta), which is sigma times "
                         "larger.")


@pytest.mark.points(2)
def test_matches_smooth_l1_with_beta_sigma(sub, device, rng):
    for shape, sigma in zip(((20,), (4, 7), (3, 2, 5)), _sigmas(rng)):
        y_hat, y = _pair(shape, rng, device, scale=sigma * 1.5)
        out = sub.huber_loss(y_hat, y, sigma, "none")
        assert_close(out, _oracle(y_hat, y, sigma, "none").to(device), check_dtype=False,
                     what=f"huber_loss(y_hat, y, sigma={sigma:.3f}, reduction='none') for shape "
                          f"{shape}",
                     why="each element is |d| - sigma/2 beyond the threshold and d^2 / (2 sigma) "
                         "inside it, d = y_hat - y.")


@pytest.mark.points(2)
def test_reductions(sub, device, rng):
    # sigma = 1 here, where d2l's form and torch's delta form agree: the sigma scale is the
    # golden and smooth-L1 checks' business, the reduction is this one's.
    y_hat, y = _pair((5, 6), rng, device)
    sigma = 1.0
    for reduction in ("mean", "sum"):
        out = sub.huber_loss(y_hat, y, sigma, reduction)
        call = f"huber_loss(y_hat of shape (5, 6), y, {sigma:.3f}, '{reduction}')"
        assert_tensor(out, what=call, shape=(),
                      why="'mean' and 'sum' reduce to one number, a 0-dim tensor.")
        assert_close(out, _oracle(y_hat, y, sigma, reduction).to(device), check_dtype=False,
                     what=call,
                     why="'sum' adds every element's loss; 'mean' divides that sum by the total "
                         "number of elements (30 here), not by the number of rows.")
    out = sub.huber_loss(y_hat, y, sigma, "none")
    assert_tensor(out, what=f"huber_loss(y_hat of shape (5, 6), y, {sigma:.3f}, 'none')",
                  shape=(5, 6), why="'none' keeps one loss per element, in the input's shape.")


def test_default_arguments(sub, device, rng):
    y_hat, y = _pair((4, 3), rng, device)
    expected = _oracle(y_hat, y, 1.0, "mean").to(device)
    assert_close(sub.huber_loss(y_hat, y), expected, what="huber_loss(y_hat, y)",
                 check_dtype=False, why="the defaults are sigma = 1.0 and reduction = 'mean'.")
    sigma = 1.0
    expected = _oracle(y_hat, y, sigma, "sum").to(device)
    assert_close(sub.huber_loss(y_hat, y, sigma=sigma, reduction="sum"), expected,
                 what=f"huber_loss(y_hat, y, sigma={sigma}, reduction='sum')",
                 check_dtype=False, why="sigma and reduction can be passed by keyword.")
    assert_close(sub.huber_loss(y_hat, y, reduction="none"),
                 _oracle(y_hat, y, 1.0, "none").to(device), check_dtype=False,
                 what="huber_loss(y_hat, y, reduction='none')",
                 why="leaving sigma out means sigma = 1.0.")


def test_shape_mismatch_raises(sub, device):
    for a, b in (((6, 1), (6,)), ((3, 4), (4, 3)), ((5,), (1,))):
        expect_raises(ValueError, sub.huber_loss, torch.zeros(a, device=device),
                      torch.zeros(b, device=device), what=f"huber_loss(y_hat of shape {a}, y of "
                      f"shape {b})", why="the shapes must be exactly equal: broadcasting (n, 1) "
                      "against (n,) would silently compare every prediction with every target.")


def test_invalid_reduction_raises(sub, device):
    X = torch.zeros(3, device=device)
    for reduction in ("avg", "Mean", "batchmean", ""):
        expect_raises(ValueError, sub.huber_loss, X, X, 1.0, reduction,
                      what=f"huber_loss(y_hat, y, 1.0, {reduction!r})",
                      why="reduction must be exactly 'mean', 'sum' or 'none'.")


def test_invalid_sigma_raises(sub, device):
    X = torch.zeros(3, device=device)
    for sigma in (0.0, -1.0):
        expect_raises(ValueError, sub.huber_loss, X, X, sigma,
                      what=f"huber_loss(y_hat, y, sigma={sigma})",
                      why="sigma is a threshold on |d| and must be positive (sigma = 0 would "
                          "divide by zero).")


@pytest.mark.parametrize("dtype", DTYPES, ids=[str(d).removeprefix("torch.") for d in DTYPES])
def test_keeps_dtype_and_device(sub, device, rng, dtype):
    y_hat, y = _pair((4, 5), rng, device, dtype)
    for reduction, shape in (("mean", ()), ("sum", ()), ("none", (4, 5))):
        out = sub.huber_loss(y_hat, y, 1.5, reduction)
        assert_tensor(out, what=f"huber_loss(y_hat and y in {dtype}, reduction='{reduction}')",
                      shape=shape, dtype=dtype, device=device,
                      why="the loss is a tensor in y_hat's dtype and on its device (not a Python "
                          "float, and no float32 buffer for float64 inputs).")
        if dtype == torch.float64:
            # A float32 intermediate cast back to float64 has the right dtype but only float32
            # precision. Values that are wrong even at float32 tolerance are the value checks'
            # failure, not this one's.
            got = out.detach().cpu().double()
            expected = _oracle(y_hat, y, 1.5, reduction).cpu()
            if torch.allclose(got, expected, rtol=1e-5, atol=1e-6) and \
                    not torch.allclose(got, expected, rtol=1e-10, atol=1e-12):
                fail(f"huber_loss(y_hat and y in torch.float64, reduction='{reduction}') has "
                     "the right dtype but only float32 precision. Compute float64 inputs in "
                     "float64: no float32 intermediate (.float(), a torch.zeros buffer) cast "
                     "back at the end.")


def test_zero_dim_and_non_contiguous_inputs(sub, device, rng):
    y = torch.tensor(0.5, device=device)
    for d in (0.4, -2.5):
        out = sub.huber_loss(y + d, y, 1.0, "none")
        assert_close(out, _oracle(y + d, y, 1.0, "none").to(device), check_dtype=False,
                     what=f"huber_loss on 0-dim tensors with d = {d}",
                     why="a single prediction and target (0-dim tensors) are a valid input.")
    # Tensors reach the sandbox as contiguous copies, so the transposing happens there.
    probe = make(sub, "grader.sandbox.fixtures.mlp_basics:TransposedCall")
    base_hat, base = _pair((6, 4), rng, device)
    y_hat, y = base_hat.t(), base.t()
    for reduction in ("none", "mean"):
        out = probe.call(sub.huber_loss, base_hat, base, 1.0, reduction)["out"]
        assert_close(out, _oracle(y_hat, y, 1.0, reduction).to(device), check_dtype=False,
                     what=f"huber_loss on transposed (non-contiguous) (4, 6) inputs, '{reduction}'",
                     why="Non-contiguous tensors are valid input; flatten with reshape, not view.")


def test_empty_input(sub, device):
    e = torch.zeros(0, device=device)
    out = sub.huber_loss(e, e, 1.0, "none")
    assert_tensor(out, what="huber_loss(empty, empty, 1.0, 'none')", shape=(0,),
                  why="no elements, no losses: an empty tensor.")
    out = sub.huber_loss(e, e, 1.0, "sum")
    assert_close(out, torch.tensor(0.0, device=device), check_dtype=False,
                 what="huber_loss(empty, empty, 1.0, 'sum')", why="an empty sum is 0.")


@pytest.mark.points(2)
def test_gradient_is_clipped_residual(sub, device, rng):
    for sigma, reduction in zip(_sigmas(rng)[:2], ("none", "mean")):
        y_hat, y = _pair((6, 5), rng, device, scale=sigma * 1.5)
        y_hat = y_hat.requires_grad_(True)
        cot = torch.randn(6, 5, generator=rng).to(device) if reduction == "none" else \
            torch.tensor(1.0, device=device)
        r = vjp(sub.huber_loss, y_hat, y, sigma, reduction, wrt=[0], cotangent=cot)
        call = f"huber_loss(y_hat, y, {sigma:.3f}, '{reduction}')"
        assert_tensor(r.out, what=call, shape=tuple(cot.shape))
        if not r.out.requires_grad or r.grads[0] is None:
            fail(f"{call} is not connected to y_hat in the autograd graph; compute it with torch "
                 "operations on y_hat (no .item(), numpy or .detach()).")
        d = (y_hat.detach() - y).double()
        grad = torch.clamp(d / sigma, -1, 1) * cot.double()
        if reduction == "mean":
            grad = grad / d.numel()
        assert_close(r.grads[0], grad.to(device), check_dtype=False,
                     what=f"y_hat.grad after backward through {call}",
                     why="the gradient is d / sigma inside the threshold and sign(d) beyond it, "
                         "that is clip(d / sigma, -1, 1) (divided by the element count for "
                         "'mean').")


def test_gradient_at_zero_residual_is_zero(sub, device, rng):
    y = torch.randn(7, generator=rng).to(device)
    y_hat = y.clone().requires_grad_(True)
    r = vjp(sub.huber_loss, y_hat, y, 1.0, "sum", wrt=[0], cotangent=torch.tensor(1.0, device=device))
    if not r.out.requires_grad or r.grads[0] is None:
        fail("huber_loss(y, y, 1.0, 'sum') is not connected to y_hat in the autograd graph.")
    assert_close(r.grads[0], torch.zeros(7, device=device), rtol=0.0, atol=0.0, check_dtype=False,
                 what="y_hat.grad of huber_loss where y_hat == y",
                 why="at d = 0 the loss is at its minimum and the gradient is exactly 0; a form "
                     "such as sqrt(d^2) or |d| / d has a NaN gradient there.")


def test_huge_residuals_stay_finite(sub, device):
    y = torch.tensor([0.0, 1.0, -2.0, 0.5], device=device)
    y_hat = torch.tensor([1e20, -1e20, 0.5, 0.25], device=device).requires_grad_(True)
    r = vjp(sub.huber_loss, y_hat, y, 1.0, "sum", wrt=[0], cotangent=torch.tensor(1.0, device=device))
    call = "huber_loss(y_hat, y, 1.0, 'sum') with residuals of 1e20 in float32"
    assert_tensor(r.out, what=call, shape=())
    if not bool(torch.isfinite(r.out.double()).all()):
        fail(f"{call} is NaN or inf. d^2 overflows to inf in float32 for |d| = 1e20; select the "
             "linear piece with torch.where instead of multiplying the quadratic piece by a 0/1 "
             "mask (inf * 0 is NaN).")
    assert_close(r.out, _oracle(y_hat.detach(), y, 1.0, "sum").to(device), check_dtype=False,
                 what=call, why="huge residuals use the linear piece |d| - sigma/2.")
    if r.grads[0] is None or not bool(torch.isfinite(r.grads[0].double()).all()):
        fail(f"the gradient of {call} is missing, NaN or inf; it must be sign(d) = +-1 for the "
             "huge residuals.")
    d = (y_hat.detach() - y).double()
    assert_close(r.grads[0], torch.clamp(d, -1, 1).to(device), check_dtype=False,
                 what=f"y_hat.grad of {call}", why="beyond the threshold the gradient is sign(d).")


def test_does_not_modify_inputs(sub, device, rng):
    y_hat, y = _pair((5, 4), rng, device)
    a, b = y_hat.clone(), y.clone()
    for reduction in ("mean", "sum", "none"):
        sub.huber_loss(y_hat, y, 0.7, reduction)
        # Named together: the sandbox's record of which argument changed can name a neighbour.
        what = f"huber_loss(y_hat, y, 0.7, '{reduction}') (y_hat or y)"
        assert_unchanged(a, y_hat, what=what)
        assert_unchanged(b, y, what=what)
