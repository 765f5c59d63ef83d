# expect: passed
"""torch.nn.functional.unfold does the padding and the striding (im2col); one matrix
product with the flattened kernel gives every output."""
import torch
import torch.nn.functional as F


def conv_output_shape(n, k, p_total, s):
    sizes = []
    for ni, ki, pi, si in zip(n, k, p_total, s):
        if ni < 1 or ki < 1 or si < 1 or pi < 0 or ki > ni + pi:
            raise ValueError(f"invalid sizes n={ni} k={ki} p={pi} s={si}")
        sizes.append(int((ni + pi - ki) // si + 1))
    return sizes[0], sizes[1]


def conv2d_pad_stride(X, K, padding=0, stride=1):
    pad = (padding, padding) if isinstance(padding, int) else tuple(padding)
    step = (stride, stride) if isinstance(stride, int) else tuple(stride)
    if min(pad) < 0 or min(step) < 1:
        raise ValueError("padding must be >= 0 and stride >= 1")
    out = conv_output_shape(tuple(X.shape), tuple(K.shape), (2 * pad[0], 2 * pad[1]), step)
    cols = F.unfold(X[None, None], tuple(K.shape), padding=pad, stride=step)   # (1, kh*kw, L)
    return (K.reshape(1, -1) @ cols[0]).reshape(out)
