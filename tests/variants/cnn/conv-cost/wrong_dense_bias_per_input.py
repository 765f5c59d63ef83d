# expect: failed only dense_params_and_bytes
"""Gives the dense layer one bias per INPUT feature instead of one per output unit."""

def conv2d_cost(c_i, c_o, k_h, k_w, m_h, m_w, bias=True):
    for v in (c_i, c_o, k_h, k_w, m_h, m_w):
        if v < 1:
            raise ValueError("sizes must be >= 1")
    params = c_o * c_i * k_h * k_w
    if bias:
        params += c_o
    macs = c_i * c_o * k_h * k_w * m_h * m_w
    return {"params": params, "macs": macs}


def dense_cost(n_in, n_out, bias=True, bytes_per_param=4):
    for v in (n_in, n_out, bytes_per_param):
        if v < 1:
            raise ValueError("sizes must be >= 1")
    params = n_in * n_out
    if bias:
        params += n_in
    return {"params": params, "bytes": params * bytes_per_param}
