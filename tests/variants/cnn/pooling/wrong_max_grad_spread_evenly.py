# expect: failed only gradient_of_max_goes_to_the_winner
"""Right values, wrong routing: the max is taken from a detached copy and the graph is kept
alive with a mean, so max pooling spreads each gradient over the whole window like average
pooling instead of sending it to the winner. Dtype and values are right: only the routing
of the gradient is wrong."""
import torch.nn.functional as F


def _pair(v):
    return (v, v) if isinstance(v, int) else (int(v[0]), int(v[1]))


def pool2d(X, pool_size, stride=None, padding=0, mode="max"):
    if mode not in ("max", "avg"):
        raise ValueError(mode)
    k_h, k_w = _pair(pool_size)
    s_h, s_w = (k_h, k_w) if stride is None else _pair(stride)
    p_h, p_w = _pair(padding)
    if 2 * p_h > k_h or 2 * p_w > k_w:
        raise ValueError("padding more than half the window")
    if k_h > X.shape[-2] + 2 * p_h or k_w > X.shape[-1] + 2 * p_w:
        raise ValueError("window larger than the padded input")
    if mode == "avg":
        win = F.pad(X, (p_w, p_w, p_h, p_h)).unfold(-2, k_h, s_h).unfold(-2, k_w, s_w)
        return win.mean(dim=(-2, -1))
    win = F.pad(X, (p_w, p_w, p_h, p_h), value=float("-inf"))
    win = win.unfold(-2, k_h, s_h).unfold(-2, k_w, s_w)
    best = win.detach().amax(dim=(-2, -1))
    # Zero padding for the surrogate, so that -inf cells do not turn it into NaN.
    zeros = F.pad(X, (p_w, p_w, p_h, p_h)).unfold(-2, k_h, s_h).unfold(-2, k_w, s_w)
    spread = zeros.mean(dim=(-2, -1))
    return best + (spread - spread.detach())
