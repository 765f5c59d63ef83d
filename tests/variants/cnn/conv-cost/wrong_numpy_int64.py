# expect: failed only returns_exact_python_ints
"""Uses numpy.prod, which works in int64: it overflows past 2**63 and returns numpy ints."""


def _check_sizes(**sizes) -> None:
    for name, value in sizes.items():
        if value < 1:
            raise ValueError(f"{name} must be a positive int, got {value!r}")


def conv2d_cost(c_i, c_o, k_h, k_w, m_h, m_w, bias=True):
    _check_sizes(c_i=c_i, c_o=c_o, k_h=k_h, k_w=k_w, m_h=m_h, m_w=m_w)
    # One (c_i, k_h, k_w) kernel per output channel, shared by every output position: the
    # image size does not appear in the parameter count.
    import numpy as np
    weights = np.prod([c_o, c_i, k_h, k_w])
    params = weights + (c_o if bias else 0)
    # Every one of the c_o * m_h * m_w outputs needs c_i * k_h * k_w multiply-adds. Python
    # ints never overflow or round, however large the product.
    macs = weights * m_h * m_w
    return {"params": params, "macs": macs}


def dense_cost(n_in, n_out, bias=True, bytes_per_param=4):
    _check_sizes(n_in=n_in, n_out=n_out, bytes_per_param=bytes_per_param)
    import numpy as np
    params = np.prod([n_in, n_out]) + (n_out if bias else 0)
    return {"params": params, "bytes": params * bytes_per_param}
