"""Has lines of the reference and of the hidden checks in its own source (as a friend's
copy might), and prints them and raises them in exceptions, so that any output that
echoed them would reveal them: the results must show [hidden] instead.

Attack: showing hidden text (the checker must never show a hidden line)
Honest maximum: 0
"""

import torch
from torch import nn

_LINES = [
    'raise ValueError(f"dropout probability must be in [0, 1], got {p}")',
    "keep = (torch.rand(X.shape, device=X.device) > p).to(X.dtype)",
    "# Multiplying by zero (not building zeros_like) keeps X in the autograd graph and",
    "def _p_values(rng):",
    'fail("Dropout(p) must be an nn.Module.")',
]
print("\n".join(_LINES))


def dropout_layer(X, p, training=True):
    print(_LINES[1])
    raise RuntimeError("\n".join(_LINES))


class Dropout(nn.Module):
    def __init__(self, p):
        super().__init__()
        raise RuntimeError(" | ".join(_LINES))
