# expect: failed only conv_params_match_nn_conv2d
"""Adds the c_o biases whatever bias says."""

def conv2d_cost(c_i, c_o, k_h, k_w, m_h, m_w, bias=True):
    for v in (c_i, c_o, k_h, k_w, m_h, m_w):
        if v < 1:
            raise ValueError("sizes must be >= 1")
    params = c_o * c_i * k_h * k_w
    params += c_o
    macs = c_i * c_o * k_h * k_w * m_h * m_w
    return {"params": params, "macs": macs}


def dense_cost(n_in, n_out, bias=True, bytes_per_param=4):
    for v in (n_in, n_out, bytes_per_param):
        if v < 1:
            raise ValueError("sizes must be >= 1")
    params = n_in * n_out
    if bias:
        params += n_out
    return {"params": params, "bytes": params * bytes_per_param}
