"""Dropout from scratch (d2l: Multilayer Perceptrons > Dropout).

Dropout injects noise between layers while training: each hidden unit is zeroed with
probability ``p``. To keep the *expected* value of every unit unchanged, the survivors are
scaled up by ``1 / (1 - p)`` ("inverted dropout"). At inference dropout does nothing at all.

Fill in the two places that raise ``NotImplementedError``, then run::

    learn check mlp/dropout

Rules: do not call torch's own dropout (``torch.nn.functional.dropout``, ``nn.Dropout``,
``torch.dropout`` and friends). ``torch.rand``, ``torch.bernoulli`` and comparisons are fine.

Where this exercise departs from d2l's ``dropout_layer(X, dropout)``, and why:

* d2l checks the probability with ``assert 0 <= dropout <= 1``; here a bad ``p`` raises
  ``ValueError`` (an assert vanishes under ``python -O``; a bad argument is a ValueError).
* d2l's function has no ``training`` argument: its model tests ``self.training`` before
  calling it. Here the function takes ``training`` and the :class:`Dropout` layer passes it.
* d2l draws the mask with ``torch.rand(X.shape)`` and casts it with ``.float()``. That mask
  lives on the CPU (so a CUDA ``X`` fails) and is float32 (so ``mask * X`` turns a float16 or
  bfloat16 ``X`` into float32). Here the result has X's dtype and device.
* For ``dropout == 1`` d2l returns ``torch.zeros_like(X)``, a constant cut off from autograd.
  Here the zeros must be computed from X (``X * 0``, say) so that they stay in X's autograd
  graph and backward gives X a zero gradient, as torch's own dropout does. Otherwise the
  layers before a ``Dropout(1.0)`` get ``grad = None`` instead of zeros, and if nothing else
  reaches the loss, ``loss.backward()`` fails ("does not require grad").

d2l calls the probability ``dropout``; the checks pass it by position, so either name works.
"""

import torch
from torch import nn


def dropout_layer(X: torch.Tensor, p: float, training: bool = True) -> torch.Tensor:
    """Apply inverted dropout to ``X``.

    Args:
        X: any float tensor (float16, bfloat16, float32 or float64), on any device.
        p: the probability of zeroing each element, 0 <= p <= 1.
        training: when False, dropout is switched off and ``X`` comes back unchanged,
            for every p (0 and 1 too) and still in X's autograd graph (return X itself;
            no detach), so gradients pass through untouched.

    Returns:
        A tensor of X's shape, dtype and device. In training, each element is independently
        0 with probability ``p`` and ``X / (1 - p)`` otherwise, with a fresh random mask on
        every call. ``p == 0`` gives X. ``p == 1`` gives all zeros, never NaN (no 0 / 0), and
        those zeros stay in X's autograd graph: computed from X, not ``torch.zeros_like(X)``.

    Raises:
        ValueError: if ``p`` is outside [0, 1] (whatever ``training`` is).

    Do not modify ``X`` in place. Gradients must flow through the kept elements only: a kept
    element passes ``1 / (1 - p)`` times the upstream gradient back to X, a dropped one none.
    """
    raise NotImplementedError("implement dropout_layer")


class Dropout(nn.Module):
    """A dropout layer for ``nn.Sequential``; active only in training mode.

    ``Dropout(0.5)`` checks and stores the probability (``Dropout(1.5)`` raises
    ``ValueError``); ``forward(X)`` applies :func:`dropout_layer` when ``self.training`` is
    True (after ``net.train()``) and returns X unchanged after ``net.eval()``.
    """

    def __init__(self, p: float):
        super().__init__()
        # Check p here too: Dropout(1.5) must raise ValueError.
        raise NotImplementedError("implement Dropout.__init__")

    def forward(self, X: torch.Tensor) -> torch.Tensor:
        raise NotImplementedError("implement Dropout.forward")
