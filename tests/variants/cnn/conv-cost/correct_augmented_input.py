# expect: passed
"""The bias as an extra constant-1 input per output channel; functools.reduce for the MACs."""

from functools import reduce
from operator import mul


def _positive(*values):
    if any(v < 1 for v in values):
        raise ValueError("every size must be a positive int")


def conv2d_cost(c_i, c_o, k_h, k_w, m_h, m_w, bias=True):
    _positive(c_i, c_o, k_h, k_w, m_h, m_w)
    per_output = c_i * k_h * k_w               # multiply-adds for one output value
    outputs = c_o * m_h * m_w
    # a bias is one more 'weight' per output channel (a constant-1 input), never a MAC
    return {"params": c_o * (per_output + int(bool(bias))),
            "macs": reduce(mul, (per_output, outputs), 1)}


def dense_cost(n_in, n_out, bias=True, bytes_per_param=4):
    _positive(n_in, n_out, bytes_per_param)
    params = (n_in + (1 if bias else 0)) * n_out   # bias as an extra input of value 1
    return {"bytes": bytes_per_param * params, "params": params}
