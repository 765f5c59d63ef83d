"""Hidden checks for exercises/mlp/softmax_cross_entropy.py (stable softmax, cross-entropy
from probabilities and from logits).

Expected values come from the reference evaluated in float64 and, for the loss from logits,
from torch.nn.functional.cross_entropy in float64. Value checks compare values only
(check_dtype=False): a dtype slip is the dtype checks' failure, not theirs.
"""

import pytest
import torch
import torch.nn.functional as F

from grader.asserts import assert_close, assert_tensor, assert_unchanged, fail
from grader.sandbox.host import vjp

DTYPES = [torch.float32, torch.float64, torch.float16, torch.bfloat16]
LOSS_DTYPES = [torch.float32, torch.float64]


def _ids(dtypes):
    return [str(d).removeprefix("torch.") for d in dtypes]


def _logits(shape, rng, device, scale=3.0, dtype=torch.float32):
    return (torch.randn(shape, generator=rng, dtype=torch.float64) * scale).to(dtype).to(device)


def _labels(n, q, rng, device, rest=()):
    return torch.randint(0, q, (n, *rest), generator=rng).to(device)


def _probs(n, q, rng, device, dtype=torch.float32):
    """Rows of probabilities (no exact zeros), made in float64 then rounded."""
    p = torch.rand(n, q, generator=rng, dtype=torch.float64) + 0.05
    return (p / p.sum(1, keepdim=True)).to(dtype).to(device)


def _softmax_case(sub, ref, X, dim, why):
    args = (X,) if dim is None else (X, dim)
    call = f"softmax(X of shape {tuple(X.shape)}{'' if dim is None else f', dim={dim}'})"
    out = sub.softmax(*args)
    expected = ref.softmax(X.double(), -1 if dim is None else dim)
    assert_close(out, expected, what=call, why=why, check_dtype=False)


@pytest.mark.points(2)
def test_softmax_rows_of_a_matrix(sub, ref, device, rng):
    for shape in ((4, 5), (1, 7), (9, 3)):
        X = _logits(shape, rng, device)
        for dim in (None, 1, -1):
            _softmax_case(sub, ref, X, dim, "softmax(o)_j = exp(o_j) / sum_k exp(o_k) along dim: "
                          "each row becomes non-negative numbers that sum to 1.")


@pytest.mark.points(2)
def test_softmax_along_any_dim(sub, ref, device, rng):
    cases = [((6,), None), ((6,), 0), ((2, 3, 4), None), ((2, 3, 4), 1), ((2, 3, 4), 0),
             ((3, 5), 0), ((2, 3, 4, 5), -2), ((2, 3, 4, 5), 2)]
    for shape, dim in cases:
        _softmax_case(sub, ref, _logits(shape, rng, device), dim,
                      "normalize along the dimension `dim` you are given (default -1), for any "
                      "rank: reduce with dim=dim, keepdim=True, not over a fixed dimension 1.")


@pytest.mark.points(2)
def test_softmax_large_logits(sub, ref, device):
    rows = [[1000.0, 999.0, 998.0], [-1000.0, -999.0, -998.0], [1000.0, 1000.0, -1000.0], [0.0, 1000.0, -1000.0]]
    X = torch.tensor(rows, device=device)
    out = sub.softmax(X)
    call = f"softmax(torch.tensor({rows}))"
    assert_tensor(out, what=call, shape=(4, 3))
    if not bool(torch.isfinite(out.double()).all()):
        fail(f"{call} contains NaN or inf. exp(1000) overflows to inf and exp(-1000) underflows "
             "to 0, so subtract the maximum of each row (each slice along dim) before "
             "exponentiating; a single maximum over the whole tensor still leaves the row "
             "[-1000, -999, -998] as 0 / 0.")
    # rtol 1e-4: float32 carries about 6e-5 of absolute error at 1000, so an equal and stable
    # form such as exp(X - logsumexp(X)) is a few 1e-5 off; the failures this check is for
    # (a global maximum, clamped exponents) are off by far more.
    assert_close(out, ref.softmax(X.double(), -1), what=call, check_dtype=False,
                 rtol=1e-4, atol=1e-5,
                 why="softmax(o) = softmax(o - c) for any constant c; with c the row's maximum "
                     "the results are exact and finite.")


@pytest.mark.parametrize("dtype", DTYPES, ids=_ids(DTYPES))
def test_softmax_keeps_shape_dtype_and_device(sub, device, rng, dtype):
    for shape, dim in (((4, 5), -1), ((2, 3, 4), -1), ((2, 3, 4), 1)):
        X = _logits(shape, rng, device, dtype=dtype)
        out = sub.softmax(X, dim)
        assert_tensor(out, what=f"softmax(X of shape {shape}, {dtype}, dim={dim})", shape=shape,
                      dtype=dtype, device=device,
                      why="softmax keeps its input's shape, dtype and device.")


def test_softmax_is_differentiable(sub, device, rng):
    X = _logits((5, 4), rng, device).requires_grad_(True)
    G = torch.randn(5, 4, generator=rng).to(device)
    r = vjp(sub.softmax, X, wrt=[0], cotangent=G)
    if not r.out.requires_grad or r.grads[0] is None:
        fail("softmax(X) is not connected to X in the autograd graph; build it from torch "
             "operations on X (no .item(), numpy or .detach()).")
    s = torch.softmax(X.detach().double(), -1)
    Gd = G.double()
    expected = s * (Gd - (Gd * s).sum(-1, keepdim=True))
    assert_close(r.grads[0], expected.to(device), check_dtype=False,
                 what="X.grad after backward through softmax(X)",
                 why="the gradient of softmax is s * (g - sum(g * s)); detaching the maximum "
                     "you subtract is fine, detaching anything else is not.")


def test_cross_entropy_d2l_example(sub, device):
    y_hat = torch.tensor([[0.1, 0.3, 0.6], [0.3, 0.2, 0.5]], device=device)
    y = torch.tensor([0, 2], device=device)
    out = sub.cross_entropy(y_hat, y)
    assert_close(out, torch.tensor(1.4978661367769954, device=device), check_dtype=False,
                 what="cross_entropy([[0.1, 0.3, 0.6], [0.3, 0.2, 0.5]], [0, 2])",
                 why="d2l's example picks 0.1 (row 0, label 0) and 0.5 (row 1, label 2): "
                     "-(ln 0.1 + ln 0.5) / 2. Pick by label index, then average.")


@pytest.mark.points(2)
def test_cross_entropy_values(sub, ref, device, rng):
    # The last case draws its labels from the first q - 2 classes only: labels need not use
    # every class (F.one_hot(y) without num_classes would make too few columns).
    for n, q, used in ((8, 5, 5), (1, 3, 3), (13, 10, 10), (6, 7, 5)):
        y_hat = _probs(n, q, rng, device)
        y = _labels(n, used, rng, device)
        out = sub.cross_entropy(y_hat, y)
        assert_close(out, ref.cross_entropy(y_hat.double(), y), check_dtype=False,
                     what=f"cross_entropy(y_hat of shape {(n, q)}, y)",
                     why="the loss is -(1/n) sum_i log y_hat[i, y_i]: the mean over the n "
                         "examples of minus the log-probability of each true label, as a "
                         "0-dim tensor; y_hat has q columns whether or not every class occurs "
                         "among the labels.")


def test_cross_entropy_returns_a_0d_mean(sub, device, rng):
    for dtype in LOSS_DTYPES:
        y_hat = _probs(6, 4, rng, device, dtype)
        out = sub.cross_entropy(y_hat, _labels(6, 4, rng, device))
        assert_tensor(out, what=f"cross_entropy(y_hat of shape (6, 4), {dtype}, y)", shape=(),
                      dtype=dtype, device=device,
                      why="the loss is one number: a 0-dim tensor (use .mean(), not the vector "
                          "of per-example losses and not .item()), in y_hat's dtype and on its "
                          "device.")


def test_cross_entropy_zero_probability_gives_inf(sub, device):
    y_hat = torch.tensor([[0.0, 1.0], [0.5, 0.5], [0.25, 0.75]], device=device)
    y = torch.tensor([0, 1, 1], device=device)
    out = sub.cross_entropy(y_hat, y)
    call = "cross_entropy([[0.0, 1.0], [0.5, 0.5], [0.25, 0.75]], [0, 1, 1])"
    assert_tensor(out, what=call, shape=())
    value = float(out.double())
    if value != float("inf"):
        fail(f"{call} returned {value:.4g}; the model gives probability 0 to the first example's "
             "true class, so -log 0 = +inf and the mean is +inf. Do not clip or add an epsilon.")


def test_cross_entropy_is_differentiable(sub, device, rng):
    y_hat = _probs(6, 4, rng, device).requires_grad_(True)
    y = _labels(6, 4, rng, device)
    r = vjp(sub.cross_entropy, y_hat, y, wrt=[0], cotangent=torch.tensor(1.0, device=device))
    assert_tensor(r.out, what="cross_entropy(y_hat of shape (6, 4), y)", shape=())
    if not r.out.requires_grad or r.grads[0] is None:
        fail("cross_entropy(y_hat, y) is not connected to y_hat in the autograd graph; compute "
             "it with torch operations on y_hat.")
    expected = torch.zeros(6, 4, dtype=torch.float64)
    rows = torch.arange(6)
    expected[rows, y.cpu()] = -1.0 / (6 * y_hat.detach().double().cpu()[rows, y.cpu()])
    assert_close(r.grads[0], expected.to(device), check_dtype=False,
                 what="y_hat.grad after backward through cross_entropy(y_hat, y)",
                 why="only each row's entry at its label gets a gradient, -1 / (n * y_hat[i, y_i]).")


@pytest.mark.points(2)
def test_from_logits_matches_torch_cross_entropy(sub, device, rng):
    for n, q in ((8, 5), (1, 4), (17, 10)):
        logits = _logits((n, q), rng, device)
        y = _labels(n, q, rng, device)
        out = sub.cross_entropy_from_logits(logits, y)
        assert_close(out, F.cross_entropy(logits.double(), y), check_dtype=False,
                     what=f"cross_entropy_from_logits(logits of shape {(n, q)}, y)",
                     why="the loss is the mean over examples of logsumexp(o_i) - o_{i, y_i}, "
                         "which equals torch.nn.functional.cross_entropy.")


@pytest.mark.points(2)
def test_from_logits_large_logits(sub, device):
    rows = [[1000.0, 0.0, -1000.0], [-1000.0, 1000.0, 0.0], [1000.0, 1000.0, 1000.0], [-1000.0, -1000.0, -999.0]]
    logits = torch.tensor(rows, device=device)
    y = torch.tensor([0, 0, 2, 0], device=device)
    call = f"cross_entropy_from_logits(torch.tensor({rows}), [0, 0, 2, 0])"
    out = sub.cross_entropy_from_logits(logits, y)
    assert_tensor(out, what=call, shape=())
    if not bool(torch.isfinite(out.double()).all()):
        fail(f"{call} is NaN or inf. log(softmax(o)) breaks when a probability rounds to 0 (the "
             "second row's label gets exp(-2000)); compute log softmax(o)_y as "
             "o_y - logsumexp(o), with the maximum subtracted inside the logsumexp.")
    assert_close(out, F.cross_entropy(logits.double(), y), what=call, check_dtype=False,
                 why="with the LogSumExp trick the loss stays exact for logits of +-1000.")


@pytest.mark.points(2)
def test_from_logits_gradient_is_softmax_minus_onehot(sub, device, rng):
    n, q = 7, 5
    logits = _logits((n, q), rng, device).requires_grad_(True)
    y = _labels(n, q, rng, device)
    r = vjp(sub.cross_entropy_from_logits, logits, y, wrt=[0],
            cotangent=torch.tensor(1.0, device=device))
    assert_tensor(r.out, what=f"cross_entropy_from_logits(logits of shape {(n, q)}, y)", shape=())
    if not r.out.requires_grad or r.grads[0] is None:
        fail("cross_entropy_from_logits(logits, y) is not connected to the logits in the "
             "autograd graph; compute it with torch operations on the logits.")
    s = torch.softmax(logits.detach().double().cpu(), 1)
    expected = (s - F.one_hot(y.cpu(), q).double()) / n
    assert_close(r.grads[0], expected.to(device), check_dtype=False,
                 what="logits.grad after backward through cross_entropy_from_logits",
                 why="the gradient of the mean cross-entropy is (softmax(o) - onehot(y)) / n.")


def test_from_logits_classes_on_dim_1(sub, device, rng):
    # A 3-D case (batch, vocab, num_steps) and a 4-D one (n, q, d1, d2): swapping dims 1 and 2
    # and flattening is right for the first only.
    for n, q, rest in ((3, 6, (4,)), (2, 5, (3, 2))):
        logits = _logits((n, q, *rest), rng, device)
        y = _labels(n, q, rng, device, rest=rest)
        out = sub.cross_entropy_from_logits(logits, y)
        assert_close(out, F.cross_entropy(logits.double(), y), check_dtype=False,
                     what=f"cross_entropy_from_logits(logits of shape {tuple(logits.shape)}, "
                          f"y of shape {tuple(y.shape)})",
                     why="the classes are on dim 1, as in F.cross_entropy: for (batch, vocab, "
                         "num_steps) scores, or (n, q, d1, d2), reduce over dim 1 and average "
                         "over every position (every index but the class one).")


def test_does_not_modify_inputs(sub, device, rng):
    X = _logits((5, 4), rng, device)
    y = _labels(5, 4, rng, device)
    p = _probs(5, 4, rng, device)
    X0, y0, p0 = X.clone(), y.clone(), p.clone()
    sub.softmax(X)
    assert_unchanged(X0, X, what="softmax(X)")
    sub.cross_entropy(p, y)
    assert_unchanged(p0, p, what="cross_entropy(y_hat, y) (y_hat)")
    assert_unchanged(y0, y, what="cross_entropy(y_hat, y) (y)")
    sub.cross_entropy_from_logits(X, y)
    assert_unchanged(X0, X, what="cross_entropy_from_logits(logits, y) (logits)")
    assert_unchanged(y0, y, what="cross_entropy_from_logits(logits, y) (y)")


@pytest.mark.parametrize("dtype", LOSS_DTYPES, ids=_ids(LOSS_DTYPES))
def test_from_logits_keeps_dtype_and_device(sub, device, rng, dtype):
    logits = _logits((6, 4), rng, device, dtype=dtype)
    out = sub.cross_entropy_from_logits(logits, _labels(6, 4, rng, device))
    assert_tensor(out, what=f"cross_entropy_from_logits(logits of shape (6, 4), {dtype}, y)",
                  shape=(), dtype=dtype, device=device,
                  why="the loss is a 0-dim tensor in the logits' dtype and on their device.")
