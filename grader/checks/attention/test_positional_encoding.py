"""Hidden checks for exercises/attention/positional_encoding.py (sinusoidal positional encoding).

Ground truth is computed here in float64. The learner's table is float32, and a float32
computation of the angle i * omega_j already loses a few units in the last place of i, so
the error grows with the position i. Common float32 formulations (d2l's division by
10000 ** (2j/d), exp(-2j/d * log 10000), a float64 table rounded to float32) stay below
about 8e-8 * i + 1.2e-7 on CPU (measured up to i = 1000, d up to 512); CUDA's powf/expf
allow a few ulps more. The tolerance per row is therefore 2e-6 + 3e-7 * i: 3e-4 at
position 1000 but only a few 1e-6 near the start, where a table rounded to float16 or
shifted by one position is off by much more.

Dtypes have checks of their own: test_shape_and_dtype for the table (float32) and
test_module_output_has_x_dtype for the module (X's dtype, half precision included). The other
checks compare values in float64 and look at shapes, so a dtype slip costs one check.
"""

import math

import pytest
import torch

from grader.asserts import assert_close, assert_tensor, assert_unchanged, expect_raises, fail
from grader.sandbox.host import cotangent_like, is_instance, make, vjp

_BASE_TOL = 2e-6
_PER_POSITION_TOL = 3e-7


def _pick(rng, values):
    return values[int(torch.randint(0, len(values), (1,), generator=rng))]


def _randint(rng, low, high):
    """An int in [low, high]."""
    return int(torch.randint(low, high + 1, (1,), generator=rng))


def _omega(num_hiddens):
    """Frequency of every column: omega_j = 10000 ** (-2j / d) for columns 2j and 2j + 1."""
    pair = torch.div(torch.arange(num_hiddens), 2, rounding_mode="floor").to(torch.float64)
    return torch.pow(torch.tensor(10000.0, dtype=torch.float64), -2.0 * pair / num_hiddens)


def _truth(num_steps, num_hiddens):
    """The float64 table P[i, 2j] = sin(i * omega_j), P[i, 2j + 1] = cos(i * omega_j)."""
    positions = torch.arange(num_steps, dtype=torch.float64).unsqueeze(1)
    angles = positions * _omega(num_hiddens)
    even = (torch.arange(num_hiddens) % 2 == 0)
    return torch.where(even, torch.sin(angles), torch.cos(angles))


def _tolerance(num_steps):
    """Per-position absolute tolerance, shape (num_steps, 1)."""
    positions = torch.arange(num_steps, dtype=torch.float64).unsqueeze(1)
    return _BASE_TOL + _PER_POSITION_TOL * positions


def _assert_rows_close(actual, expected, *, what, why, rtol=1e-6, slack=0.0):
    """Compare ``actual`` (already checked to be a tensor of the right shape) with the float64
    ``expected``; dim -2 is the position, and the tolerance grows with it. ``slack`` widens
    it for checks that look for a specific gross mistake (the full table is checked next),
    or for an output in half precision."""
    a = actual.detach().to("cpu", torch.float64)
    e = expected.detach().to("cpu", torch.float64)
    if a.numel() == 0:
        return
    tol = _tolerance(e.shape[-2]) + rtol * e.abs() + slack
    err = (a - e).abs()
    bad = ~(err <= tol)  # NaN counts as wrong
    if not bool(bad.any()):
        return
    count = int(bad.sum())
    total = a.numel()
    first = tuple(int(k) for k in torch.nonzero(bad)[0])
    err = torch.where(torch.isnan(err), torch.full_like(err, math.inf), err)
    first_err = float(err[first])
    worst = float(torch.where(bad, err, torch.zeros_like(err)).max())
    pct = 100.0 * count / total
    pct_text = f"{pct:.0f}%" if pct >= 1 else f"{pct:.2g}%"
    fail(f"{what}: {count} of {total} values ({pct_text}) are wrong; the first is at index "
         f"{first}, off by {first_err:.3g}; the largest error is {worst:.3g}. {why}")


def _table(sub, num_steps, num_hiddens, why=""):
    # Shape only: the table's dtype is test_shape_and_dtype's; values are compared in float64.
    P = sub.positional_encoding(num_steps, num_hiddens)
    assert_tensor(P, what=f"positional_encoding({num_steps}, {num_hiddens})",
                  shape=(num_steps, num_hiddens),
                  why=why or "The table has one row per position and one column per hidden "
                             "unit.")
    return P


FORMULA = ("Each entry must be P[i, 2j] = sin(i / 10000^(2j/d)) and P[i, 2j+1] = "
           "cos(i / 10000^(2j/d)), positions i counted from 0, d = num_hiddens.")


# ---------------------------------------------------------------- positional_encoding(...)

def test_row_zero_is_zero_one_alternating(sub, rng):
    for d in (1, 2, 3, 4, 7, 8, _randint(rng, 5, 40) * 2, _randint(rng, 5, 40) * 2 + 1):
        P = _table(sub, 3, d)
        expected = torch.tensor([float(c % 2) for c in range(d)], dtype=torch.float64)
        _assert_rows_close(P[:1], expected.unsqueeze(0),
                           what=f"row 0 of positional_encoding(3, {d})",
                           why="Position 0 has angle 0 in every column, so row 0 is "
                               "[sin 0, cos 0, sin 0, ...] = [0, 1, 0, 1, ...]: positions count "
                               "from 0, sines go in the even columns and cosines in the odd ones.")


def test_shape_and_dtype(sub, rng):
    cases = [(1, 1), (1, 4), (7, 1), (10, 3), (2, 2),
             (_randint(rng, 2, 300), _randint(rng, 2, 100))]
    for num_steps, d in cases:
        P = sub.positional_encoding(num_steps, d)
        assert_tensor(P, what=f"positional_encoding({num_steps}, {d})", shape=(num_steps, d),
                      dtype=torch.float32,
                      why="The table is (num_steps, num_hiddens): exactly num_steps rows (not "
                          "more), one column per hidden unit, and float32 like the embeddings it "
                          "is added to.")


@pytest.mark.points(3)
def test_values_match_formula(sub, rng):
    cases = [(1000, _randint(rng, 8, 64) * 2),
             (_randint(rng, 200, 1000), _randint(rng, 4, 60) * 2 + 1),
             (_randint(rng, 2, 200), _randint(rng, 1, 300)),
             (60, 1), (60, 2), (60, 3), (_randint(rng, 20, 100), 4), (_randint(rng, 20, 100), 6)]
    for num_steps, d in cases:
        P = _table(sub, num_steps, d)
        _assert_rows_close(P, _truth(num_steps, d),
                           what=f"positional_encoding({num_steps}, {d})", why=FORMULA)


@pytest.mark.points(2)
def test_sin_in_even_columns_cos_in_odd(sub, rng):
    num_steps, d = _randint(rng, 20, 120), _randint(rng, 3, 32) * 2
    P = _table(sub, num_steps, d)
    truth = _truth(num_steps, d)
    _assert_rows_close(P[:, 0::2], truth[:, 0::2],
                       what=f"the even columns (0, 2, 4, ...) of positional_encoding({num_steps}, {d})",
                       why="Column 2j must hold sin(i * w_j). Sines and cosines are interleaved "
                           "(sin, cos, sin, cos, ...), not swapped and not split into a sine half "
                           "and a cosine half.")
    _assert_rows_close(P[:, 1::2], truth[:, 1::2],
                       what=f"the odd columns (1, 3, 5, ...) of positional_encoding({num_steps}, {d})",
                       why="Column 2j+1 must hold cos(i * w_j), with the same frequency w_j as "
                           "column 2j.")


@pytest.mark.points(2)
def test_exponent_is_2j_over_d(sub, rng):
    """Recover each column pair's frequency from the table, independent of sin/cos order."""
    num_steps = 200
    for d in (4, 8, 10, _randint(rng, 6, 16) * 2):
        P = _table(sub, num_steps, d).detach().double()
        for j in range(d // 2):
            s, c = P[:, 2 * j], P[:, 2 * j + 1]
            radius = s * s + c * c
            if not bool(((radius - 1).abs() <= 2e-3).all()):
                fail(f"in positional_encoding({num_steps}, {d}), columns {2 * j} and {2 * j + 1} "
                     "are not sin and cos of one common angle (sin^2 + cos^2 != 1). Both columns "
                     "of pair j use the same exponent 2j/d: compute it from the pair index j, not "
                     "from the column index.")
            # The angle turned between consecutive positions is the pair's frequency.
            cross = c[:-1] * s[1:] - s[:-1] * c[1:]
            dot = c[:-1] * c[1:] + s[:-1] * s[1:]
            step = torch.atan2(cross, dot).abs().median()
            omega = 10000.0 ** (-2.0 * j / d)
            if not math.isclose(float(step), omega, rel_tol=2e-2):
                ratio = float(step) / omega
                fail(f"in positional_encoding({num_steps}, {d}), column pair {j} (columns {2 * j} "
                     f"and {2 * j + 1}) advances by the wrong angle per position ({ratio:.3g} "
                     "times the right one). Pair j has frequency 1 / 10000^(2j/d): the exponent is "
                     "2j/d (j counts pairs, so it runs up to about 1), not j/d, and positions "
                     "advance by 1 per row.")


def test_odd_num_hiddens_ends_with_sine(sub, rng):
    for d in (1, 3, 5, _randint(rng, 3, 31) * 2 + 1):
        num_steps = _randint(rng, 30, 200)
        P = _table(sub, num_steps, d, why="Odd num_hiddens is allowed: the last column simply "
                                          "has no cosine partner.")
        truth = _truth(num_steps, d)
        _assert_rows_close(P[:, -1:], truth[:, -1:],
                           what=f"the last column of positional_encoding({num_steps}, {d})",
                           why=f"For odd d the last column ({d - 1}) is even, so it holds a sine "
                               "with exponent (d-1)/d, not a cosine.", slack=1e-3)
        _assert_rows_close(P, truth, what=f"positional_encoding({num_steps}, {d})", why=FORMULA)


@pytest.mark.points(2)
def test_relative_position_is_a_rotation(sub, rng):
    num_steps, d = 1000, _randint(rng, 4, 32) * 2
    P = _table(sub, num_steps, d).detach().double()
    count = 200
    i = torch.randint(0, num_steps // 2, (count,), generator=rng)
    delta = torch.randint(1, num_steps // 2, (count,), generator=rng)
    j = torch.randint(0, d // 2, (count,), generator=rng)
    theta = delta.double() * _omega(d)[2 * j]
    s, c = P[i, 2 * j], P[i, 2 * j + 1]
    # [[cos, sin], [-sin, cos]] @ [sin(a), cos(a)] = [sin(a + theta), cos(a + theta)]
    rotated = torch.stack([torch.cos(theta) * s + torch.sin(theta) * c,
                           -torch.sin(theta) * s + torch.cos(theta) * c], dim=1)
    shifted = torch.stack([P[i + delta, 2 * j], P[i + delta, 2 * j + 1]], dim=1)
    err = (shifted - rotated).abs().max(dim=1).values
    # Both rows carry float32 rounding; the rotation itself does not amplify it.
    tol = 2 * (_BASE_TOL + _PER_POSITION_TOL * (i + delta).double())
    bad = ~(err <= tol)
    if bool(bad.any()):
        k = int(torch.nonzero(bad)[0][0])
        fail(f"in positional_encoding({num_steps}, {d}), the column pair j = {int(j[k])} at "
             f"position {int(i[k] + delta[k])} is not the pair at position {int(i[k])} rotated by "
             f"delta * w_j (delta = {int(delta[k])}); {int(bad.sum())} of {count} random (i, delta, j) "
             "triples fail. Row i + delta must be a linear transform of row i that depends only "
             "on delta: that is the relative-position property the sin/cos pairs give.")


# ---------------------------------------------------------------- PositionalEncoding module

def _module(sub, num_hiddens, dropout, max_len=None):
    if max_len is None:
        net = sub.PositionalEncoding(num_hiddens, dropout)
        label = f"PositionalEncoding({num_hiddens}, {dropout})"
    else:
        net = sub.PositionalEncoding(num_hiddens, dropout, max_len)
        label = f"PositionalEncoding({num_hiddens}, {dropout}, {max_len})"
    if not is_instance(net, "torch.nn.Module"):
        fail(f"{label} must be an nn.Module.")
    return net, label


def _X(rng, shape, device, dtype=torch.float32):
    return torch.randn(shape, generator=rng, dtype=torch.float64).to(dtype).to(device)


def _forward(net, label, X, mode):
    # A copy, so that an in-place addition fails only test_module_does_not_modify_input.
    out = net(X.clone())
    # The dtype is test_module_output_has_x_dtype's; the other checks compare values in float64.
    assert_tensor(out, what=f"{label} in {mode} mode on X of shape {tuple(X.shape)}",
                  shape=tuple(X.shape), device=X.device,
                  why="The encoding is added to X, so the output has X's shape and device.")
    return out


@pytest.mark.points(2)
@pytest.mark.parametrize("dtype", [torch.float32, torch.float64], ids=["float32", "float64"])
def test_module_eval_adds_table(sub, device, rng, dtype):
    p = _pick(rng, [0.1, 0.3, 0.5, 0.7, 0.9])
    for d in (_randint(rng, 2, 16) * 2, _randint(rng, 2, 16) * 2 + 1):
        B, T = _randint(rng, 2, 4), _randint(rng, 5, 60)
        net, label = _module(sub, d, p)
        net = net.to(device)
        net.eval()
        X = _X(rng, (B, T, d), device, dtype)
        out = _forward(net, label, X, "eval")
        expected = X.double() + _truth(T, d).to(device)
        why = ("After .eval() the module returns exactly X + P[:num_steps] (the same rows for every "
               "example): no dropout, no scaling of X, positions from 0.")
        _assert_rows_close(out, expected, what=f"{label} after .eval()", why=why)
        again = net(X.clone())
        _assert_rows_close(again, out.double(), what=f"a second call of {label} after .eval()",
                           why="In eval mode the output is deterministic, and forward must not "
                               "change the stored table.", rtol=0.0)
        # The same module must serve inputs of the other dtype afterwards.
        other = torch.float64 if dtype == torch.float32 else torch.float32
        Y = X.to(other)
        _assert_rows_close(_forward(net, label, Y, "eval"), Y.double() + _truth(T, d).to(device),
                           what=f"{label} after .eval(), called on a {other} X after a {dtype} X",
                           why=why)


# Half precision: a float32 table must be cast to X's dtype before the addition, or type
# promotion turns float16 + float32 into float32. Tolerances fit the dtype: the sum of X and
# a rounded table, rounded once more, is off by at most about eps * (1 + |X + P|).
_HALF_SLACK = {torch.float16: 2 * torch.finfo(torch.float16).eps,
               torch.bfloat16: 2 * torch.finfo(torch.bfloat16).eps}


@pytest.mark.points(2)
def test_module_output_has_x_dtype(sub, device, rng):
    p = _pick(rng, [0.1, 0.3, 0.5])
    d, B, T = _randint(rng, 2, 16) * 2, _randint(rng, 2, 4), _randint(rng, 5, 60)
    net, label = _module(sub, d, p)
    net = net.to(device)
    net.eval()
    truth = _truth(T, d).to(device)
    # One module, X of every dtype in turn (then float32 and float64 again): the output follows
    # the X of each call, not the first one the module saw.
    order = (torch.float32, torch.float64, torch.float16, torch.bfloat16, torch.float32,
             torch.float64)
    for dtype in order:
        X = _X(rng, (B, T, d), device, dtype)
        out = net(X.clone())
        assert_tensor(out, what=f"{label} after .eval() on X of dtype {dtype}",
                      shape=tuple(X.shape), dtype=dtype, device=X.device,
                      why="The output has X's dtype, whichever dtype X has in this call (float16, "
                          "bfloat16, float32, float64): cast the table to X's dtype (and device) "
                          "before adding it. A float32 table added as is turns float16 or "
                          "bfloat16 X into float32 (type promotion); converting the stored "
                          "table once, to the first X's dtype, breaks the next dtype.")
        slack = _HALF_SLACK.get(dtype, 0.0)
        _assert_rows_close(out, X.double() + truth, rtol=max(1e-6, slack), slack=slack,
                           what=f"{label} after .eval() on X of dtype {dtype}",
                           why="After .eval() the module returns X + P[:num_steps], in X's dtype.")


def test_module_encoding_is_added_not_concatenated(sub, device, rng):
    d, T = _randint(rng, 2, 12) * 2, _randint(rng, 3, 30)
    net, label = _module(sub, d, 0.0)
    net = net.to(device)
    net.eval()
    X = torch.zeros(2, T, d, device=device)
    out = net(X.clone())
    assert_tensor(out, what=f"{label} on zeros of shape (2, {T}, {d})", shape=(2, T, d),
                  why="The positional encoding is added to the embeddings, element by element; "
                      "concatenating would change the last dimension.")
    _assert_rows_close(out, _truth(T, d).expand(2, T, d),
                       what=f"{label} on an all-zero X",
                       why="With X = 0 the output must be the table P[:num_steps] itself, for every "
                           "example in the batch.")
    X = _X(rng, (2, T, d), device)
    _assert_rows_close(_forward(net, label, X, "eval") - X, _truth(T, d).expand(2, T, d),
                       what=f"{label}(X) - X after .eval()",
                       why="The output minus X must be the table: the encoding is added to X, X "
                           "itself is not transformed.")


@pytest.mark.points(2)
def test_module_train_applies_dropout(sub, device, rng):
    p = _pick(rng, [0.2, 0.3, 0.4, 0.6, 0.7, 0.8])
    B, T, d = 8, 50, 32
    N = B * T * d
    net, label = _module(sub, d, p)
    net = net.to(device)
    net.train()
    X = _X(rng, (B, T, d), device)
    out = _forward(net, label, X, "training")
    dropped = (out == 0)
    rate = float(dropped.double().mean())
    tol = 5 * math.sqrt(p * (1 - p) / N)
    if abs(rate - p) > tol:
        fail(f"in training mode {label} zeroed {rate:.1%} of the {N} outputs; dropout with "
             f"probability {p} must zero about {p:.0%} (± {tol:.1%}) of X + P. Apply dropout to "
             "the sum X + P[:num_steps], and only in training mode.")
    kept = ~dropped
    expected = (X.double() + _truth(T, d).to(device)) / (1 - p)
    _assert_rows_close(torch.where(kept, out.double(), expected), expected,
                       what=f"the elements {label} kept in training mode",
                       why="Each surviving element must be (X + P) / (1 - p): dropout acts on the "
                           "sum, after the encoding is added.")
    net.eval()
    _assert_rows_close(net(X.clone()), X.double() + _truth(T, d).to(device),
                       what=f"{label} after .train() then .eval()",
                       why="forward must read self.training on every call (nn.Dropout does).")


def test_module_train_with_zero_dropout_adds_table(sub, device, rng):
    d, B, T = _randint(rng, 2, 20) * 2, _randint(rng, 1, 4), _randint(rng, 5, 80)
    net, label = _module(sub, d, 0.0)
    net = net.to(device)
    net.train()
    X = _X(rng, (B, T, d), device)
    _assert_rows_close(_forward(net, label, X, "training"), X.double() + _truth(T, d).to(device),
                       what=f"{label} in training mode",
                       why="With dropout = 0 nothing is dropped, so training mode also returns "
                           "X + P[:num_steps].")


def test_module_rejects_num_steps_over_max_len(sub, device, rng):
    d, max_len = _randint(rng, 2, 8) * 2, _randint(rng, 5, 40)
    net, label = _module(sub, d, 0.0, max_len)
    net = net.to(device)
    why = "The table only has max_len rows; a longer sequence must raise ValueError."
    for mode in ("eval", "train"):
        getattr(net, mode)()
        _forward(net, label, _X(rng, (2, max_len, d), device), mode)
        for T in (max_len + 1, max_len + _randint(rng, 2, 20)):
            expect_raises(ValueError, net, _X(rng, (2, T, d), device),
                          what=f"{label} in {mode} mode on X with num_steps = {T}", why=why)
    net, label = _module(sub, 4, 0.0)
    net = net.to(device)
    net.eval()
    _forward(net, label, _X(rng, (1, 1000, 4), device), "eval")
    expect_raises(ValueError, net, _X(rng, (1, 1001, 4), device),
                  what=f"{label} (default max_len = 1000) on X with num_steps = 1001", why=why)


def test_module_does_not_modify_input(sub, device, rng):
    d, T = _randint(rng, 2, 10) * 2, _randint(rng, 5, 40)
    for p in (0.0, 0.5):
        net, label = _module(sub, d, p)
        net = net.to(device)
        for mode in ("eval", "train"):
            getattr(net, mode)()
            X = _X(rng, (3, T, d), device)
            before = X.clone()
            net(X)
            assert_unchanged(before, X, what=f"{label} in {mode} mode")


def test_module_batch_one_and_single_step(sub, device, rng):
    d = _randint(rng, 2, 10) * 2 + _randint(rng, 0, 1)
    net, label = _module(sub, d, 0.2)
    net = net.to(device)
    net.eval()
    for B, T in ((1, 1), (1, _randint(rng, 2, 30)), (_randint(rng, 2, 5), 1)):
        X = _X(rng, (B, T, d), device)
        _assert_rows_close(_forward(net, label, X, "eval"), X.double() + _truth(T, d).to(device),
                           what=f"{label} after .eval() on X of shape {(B, T, d)}",
                           why="Batch size 1 and a single step are ordinary inputs: the output is "
                               "X + P[:num_steps], and for one step P[:1] = [0, 1, 0, 1, ...].")


def test_module_gradient_reaches_input(sub, device, rng):
    d, T = _randint(rng, 2, 10) * 2, _randint(rng, 5, 40)
    net, label = _module(sub, d, 0.3)
    net = net.to(device)
    net.eval()
    X = _X(rng, (2, T, d), device).requires_grad_(True)
    seed = _randint(rng, 0, 2**31 - 2)
    # As in _forward, the module gets a copy of X (built in the sandbox, inside the graph), so
    # that an in-place addition fails only test_module_does_not_modify_input. The cotangent is
    # built for whatever shape comes back, so a wrong shape is reported by the shape check
    # below rather than as a mismatch inside the backward pass.
    on_a_copy = make(sub, "grader.sandbox.fixtures.attention:OnACopy", net)
    result = vjp(on_a_copy, X, wrt=[0], cotangent_seed=seed)
    out = result.out
    assert_tensor(out, what=f"{label} in eval mode on X of shape {tuple(X.shape)}",
                  shape=tuple(X.shape), device=X.device,
                  why="The encoding is added to X, so the output has X's shape and device.")
    if not out.requires_grad:
        fail(f"{label}(X) is not connected to X in the autograd graph; build the output from X "
             "with differentiable tensor operations (no .data, .detach() or numpy).")
    if result.grads[0] is None:
        fail(f"X.grad is None after backward through {label}.")
    # The cotangent the sandbox drew in the output's dtype; X.grad has X's dtype (float32), so
    # only values are compared: an output in another dtype is the dtype check's business.
    G = cotangent_like(out, seed)
    assert_close(result.grads[0], G, what=f"X.grad after backward through {label} in eval mode",
                 why="Adding a constant table passes the upstream gradient through unchanged.",
                 rtol=1e-6, atol=1e-7, check_dtype=False)


def test_module_has_no_trainable_parameters(sub):
    net, label = _module(sub, 8, 0.1, 50)
    trainable = [name for name, prm in net.named_parameters() if prm.requires_grad]
    if trainable:
        fail(f"{label} has trainable parameters ({', '.join(trainable)}); the sinusoidal table is "
             "fixed by its formula, not learned (a learned position embedding, as in BERT, is a "
             "different design). Keep P as a buffer or a plain tensor attribute.")
