# expect: failed d2l_example
"""Calls torch's pooling, which the exercise forbids."""
import torch.nn.functional as F


def pool2d(X, pool_size, stride=None, padding=0, mode="max"):
    if mode not in ("max", "avg"):
        raise ValueError(mode)
    squeeze = X.dim() == 2
    X3 = X.unsqueeze(0) if squeeze else X
    fn = F.max_pool2d if mode == "max" else F.avg_pool2d
    try:
        Y = fn(X3, pool_size, stride, padding)
    except RuntimeError as exc:
        raise ValueError(str(exc))
    return Y.squeeze(0) if squeeze else Y
