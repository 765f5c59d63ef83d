# expect: passed
"""d2l's own algorithm with only the stub's departures: d2l's double loop over the output
positions, writing each window's max() or mean() into a zeros buffer Y, with d2l's names
(p_h, p_w for the window). Departures: int-or-pair sizes, stride (default = window) and
padding, leading dimensions kept (reduce the last two dims of each window), the buffer made
with X's dtype and device, and ValueError for a wrong mode or impossible sizes."""
import torch


def _two(v):
    if isinstance(v, int):
        return v, v
    return v[0], v[1]


def pool2d(X, pool_size, stride=None, padding=0, mode="max"):
    if mode not in ("max", "avg"):
        raise ValueError(f"unknown pooling mode {mode!r}")
    p_h, p_w = _two(pool_size)
    s_h, s_w = (p_h, p_w) if stride is None else _two(stride)
    pad_h, pad_w = _two(padding)
    if 2 * pad_h > p_h or 2 * pad_w > p_w:
        raise ValueError("padding is larger than half of the window")
    H, W = X.shape[-2], X.shape[-1]
    if p_h > H + 2 * pad_h or p_w > W + 2 * pad_w:
        raise ValueError("the window does not fit into the padded input")
    if pad_h or pad_w:
        # Padded cells: -inf never wins a max; 0 counts in an average.
        value = float("-inf") if mode == "max" else 0.0
        padded = torch.full(X.shape[:-2] + (H + 2 * pad_h, W + 2 * pad_w), value,
                            dtype=X.dtype, device=X.device)
        padded[..., pad_h:pad_h + H, pad_w:pad_w + W] = X
        X = padded
    Y = torch.zeros(X.shape[:-2] + ((X.shape[-2] - p_h) // s_h + 1,
                                    (X.shape[-1] - p_w) // s_w + 1),
                    dtype=X.dtype, device=X.device)
    for i in range(Y.shape[-2]):
        for j in range(Y.shape[-1]):
            window = X[..., i * s_h: i * s_h + p_h, j * s_w: j * s_w + p_w]
            if mode == 'max':
                Y[..., i, j] = window.amax(dim=(-2, -1))
            elif mode == 'avg':
                Y[..., i, j] = window.mean(dim=(-2, -1))
    return Y
