# expect: passed
"""math.prod over the factors, and one validation loop."""
import math


def _positive(*values):
    if any(v < 1 for v in values):
        raise ValueError("all sizes must be positive")


def conv2d_cost(c_i, c_o, k_h, k_w, m_h, m_w, bias=True):
    _positive(c_i, c_o, k_h, k_w, m_h, m_w)
    kernel = math.prod((c_o, c_i, k_h, k_w))
    return {"params": kernel + c_o * int(bool(bias)), "macs": math.prod((kernel, m_h, m_w))}


def dense_cost(n_in, n_out, bias=True, bytes_per_param=4):
    _positive(n_in, n_out, bytes_per_param)
    params = n_out * (n_in + 1) if bias else n_out * n_in
    return dict(params=params, bytes=math.prod((params, bytes_per_param)))
