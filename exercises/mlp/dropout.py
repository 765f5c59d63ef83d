"""Dropout from scratch (d2l: Multilayer Perceptrons > Dropout).

Dropout injects noise between layers while training: each hidden unit is zeroed with
probability ``p``. To keep the *expected* value of every unit unchanged, the survivors are
scaled up by ``1 / (1 - p)`` ("inverted dropout"). At inference dropout does nothing at all.

Fill in the two places that raise ``NotImplementedError``, then run::

    learn check mlp/dropout

Rules: do not call torch's own dropout (``torch.nn.functional.dropout``, ``nn.Dropout``,
``torch.dropout`` and friends). ``torch.rand``, ``torch.bernoulli`` and comparisons are fine.
"""

import torch
from torch import nn


def dropout_layer(X: torch.Tensor, p: float, training: bool = True) -> torch.Tensor:
    """Apply inverted dropout to ``X``.

    Args:
        X: any tensor (float).
        p: the probability of zeroing each element, 0 <= p <= 1.
        training: when False, dropout is switched off and ``X`` comes back unchanged.

    Returns:
        A new tensor of X's shape, dtype and device. In training, each element is
        independently 0 with probability ``p`` and ``X / (1 - p)`` otherwise, with a fresh
        random mask on every call. ``p == 1`` gives all zeros (no NaN); ``p == 0`` gives X.

    Raises:
        ValueError: if ``p`` is outside [0, 1] (whatever ``training`` is).

    Do not modify ``X`` in place. Gradients must flow through the kept elements only.
    """
    raise NotImplementedError("implement dropout_layer")


class Dropout(nn.Module):
    """A dropout layer for ``nn.Sequential``; active only in training mode.

    ``Dropout(0.5)`` stores ``p``; ``forward(X)`` applies :func:`dropout_layer` when
    ``self.training`` is True (after ``net.train()``) and returns X unchanged after
    ``net.eval()``.
    """

    def __init__(self, p: float):
        super().__init__()
        # Check p here too: Dropout(1.5) must raise ValueError.
        raise NotImplementedError("implement Dropout.__init__")

    def forward(self, X: torch.Tensor) -> torch.Tensor:
        raise NotImplementedError("implement Dropout.forward")
