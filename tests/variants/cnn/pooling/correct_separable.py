# expect: passed
"""Correct, written differently: max and mean are separable, so reduce the width windows
first (Tensor.unfold on the last dim), then the height windows; padding with torch.cat."""
import torch


def pool2d(X, pool_size, stride=None, padding=0, mode="max"):
    if mode not in {"max", "avg"}:
        raise ValueError(f"bad mode {mode}")
    pool = (pool_size,) * 2 if isinstance(pool_size, int) else tuple(pool_size)
    step = pool if stride is None else ((stride,) * 2 if isinstance(stride, int) else tuple(stride))
    pad = (padding,) * 2 if isinstance(padding, int) else tuple(padding)
    for k, p, n in zip(pool, pad, X.shape[-2:]):
        if 2 * p > k:
            raise ValueError("padding larger than half the window")
        if k > n + 2 * p:
            raise ValueError("window larger than the padded input")
    fill = float("-inf") if mode == "max" else 0.0
    Y = X
    # dim -1 (width) first, then dim -2 (height)
    for dim, k, s, p in ((-1, pool[1], step[1], pad[1]), (-2, pool[0], step[0], pad[0])):
        if p:
            shape = list(Y.shape)
            shape[dim] = p
            edge = Y.new_full(shape, fill)
            Y = torch.cat([edge, Y, edge], dim=dim)
        windows = Y.unfold(dim, k, s)
        Y = windows.amax(dim=-1) if mode == "max" else windows.mean(dim=-1)
    return Y
