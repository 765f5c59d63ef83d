# expect: passed
"""Counts per output: each output channel owns a kernel (and maybe a bias); each output
value costs one kernel's worth of multiply-adds."""


def conv2d_cost(c_i, c_o, k_h, k_w, m_h, m_w, bias=True):
    for v in (c_i, c_o, k_h, k_w, m_h, m_w):
        if v < 1:
            raise ValueError(f"bad size {v}")
    per_kernel = c_i * k_h * k_w
    per_channel = per_kernel + (1 if bias else 0)
    outputs = c_o * m_h * m_w
    return {"macs": outputs * per_kernel, "params": c_o * per_channel}


def dense_cost(n_in, n_out, bias=True, bytes_per_param=4):
    if n_in < 1 or n_out < 1 or bytes_per_param < 1:
        raise ValueError("sizes must be >= 1")
    per_unit = n_in + (1 if bias else 0)
    params = per_unit * n_out
    return {"bytes": params * bytes_per_param, "params": params}
