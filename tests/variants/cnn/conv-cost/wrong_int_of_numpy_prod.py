# expect: failed only returns_exact_python_ints
"""int(np.prod(...)): a Python int, but numpy multiplied in int64 and wrapped around past 2**63."""

import numpy as np


def conv2d_cost(c_i, c_o, k_h, k_w, m_h, m_w, bias=True):
    for v in (c_i, c_o, k_h, k_w, m_h, m_w):
        if v < 1:
            raise ValueError("sizes must be >= 1")
    params = c_o * c_i * k_h * k_w
    if bias:
        params += c_o
    macs = int(np.prod([c_i, c_o, k_h, k_w, m_h, m_w]))
    return {"params": params, "macs": macs}


def dense_cost(n_in, n_out, bias=True, bytes_per_param=4):
    for v in (n_in, n_out, bytes_per_param):
        if v < 1:
            raise ValueError("sizes must be >= 1")
    params = n_in * n_out
    if bias:
        params += n_out
    return {"params": params, "bytes": params * bytes_per_param}
