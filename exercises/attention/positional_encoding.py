"""Sinusoidal positional encoding (d2l: Attention Mechanisms and Transformers >
Self-Attention and Positional Encoding).

Self-attention looks at its inputs as a *set*: shuffle the tokens and the outputs are
shuffled the same way, nothing else changes. So the model cannot tell "dog bites man" from
"man bites dog". The fix is to add a position-dependent vector to every input token before
it enters the model. The Transformer uses a fixed table ``P`` of shape
``(num_steps, num_hiddens)`` built from sines and cosines. With ``d = num_hiddens``, row
``i`` (the position, counted from 0) and column pair ``(2j, 2j + 1)``::

    P[i, 2j]     = sin(i / 10000 ** (2j / d))
    P[i, 2j + 1] = cos(i / 10000 ** (2j / d))

Both columns of a pair share one frequency ``omega_j = 1 / 10000 ** (2j / d)``: the first
columns oscillate fast, the last ones slowly. If ``d`` is odd, the last column has no
partner and is a sine. For example row 0 is ``[0, 1, 0, 1, ...]`` and ``P[1, 0] = sin(1)``.

Two parts to write:

1. ``positional_encoding(num_steps, num_hiddens)`` returns the table as a float32 tensor.
2. ``PositionalEncoding``, an ``nn.Module`` that precomputes the table for ``max_len``
   positions and, in ``forward``, *adds* its first ``num_steps`` rows to the input
   ``X`` of shape ``(batch_size, num_steps, num_hiddens)``, then applies dropout.

Where this differs from d2l's ``PositionalEncoding`` (which builds ``self.P`` of shape
``(1, max_len, num_hiddens)`` in float32 by slicing ``P[:, :, 0::2] = sin`` and
``P[:, :, 1::2] = cos``, and in ``forward`` adds ``self.P[:, :X.shape[1], :].to(X.device)``;
following it is a fine way to write this one):

* The table is also a function of its own, ``positional_encoding``, returning
  ``(num_steps, num_hiddens)`` without d2l's leading batch dimension of 1.
* d2l's slicing needs an even ``num_hiddens`` (for odd d there is one sine column more than
  cosine columns, and the cosine assignment fails). Here any d >= 1 works: the unpaired last
  column is a sine.
* d2l adds its float32 table as it is. For a float64 ``X`` type promotion happens to give
  float64, but a float16 or bfloat16 ``X`` comes out float32. Here the output has X's dtype,
  whichever of float16, bfloat16, float32 and float64 it is, call after call on the same
  module: cast the table to X's dtype as well as to its device.
* d2l lets a sequence longer than ``max_len`` fail inside the addition (a RuntimeError about
  shapes). Here ``forward`` raises ``ValueError`` first, with a message that says why.

The values are compared with a tolerance that allows for float32 rounding (it grows with the
position, as the error of ``i * omega_j`` in float32 does), so d2l's float32 computation is
accurate enough; a table rounded through float16 is not.

When you are done, run::

    learn check attention/positional-encoding

Nothing is forbidden here: ``torch.sin``, ``torch.pow``, ``nn.Dropout`` are all fine.
"""

import torch
from torch import nn


def positional_encoding(num_steps: int, num_hiddens: int) -> torch.Tensor:
    """Build the sinusoidal positional-encoding table.

    Args:
        num_steps: the number of positions (rows), positions are 0, 1, ..., num_steps - 1.
        num_hiddens: the encoding dimension d (columns); any d >= 1, odd included.

    Returns:
        A float32 tensor ``P`` of shape ``(num_steps, num_hiddens)`` with
        ``P[i, 2j] = sin(i / 10000 ** (2j / d))`` and ``P[i, 2j + 1] = cos(i / 10000 ** (2j / d))``.
        For odd d the last column is a sine.
    """
    raise NotImplementedError("implement positional_encoding")


class PositionalEncoding(nn.Module):
    """Add the sinusoidal positional encoding to a batch of embeddings, then dropout.

    ``PositionalEncoding(num_hiddens, dropout, max_len)`` precomputes the table for
    ``max_len`` positions. The table is fixed, not learned: keep it out of the trainable
    parameters (a plain attribute or a buffer, e.g. ``self.register_buffer(...)``, is fine).

    Args:
        num_hiddens: the encoding dimension d (the last dimension of X).
        dropout: the dropout probability applied to ``X + P`` in training mode.
        max_len: the largest number of steps ``forward`` accepts.
    """

    def __init__(self, num_hiddens: int, dropout: float, max_len: int = 1000):
        super().__init__()
        raise NotImplementedError("implement PositionalEncoding.__init__")

    def forward(self, X: torch.Tensor) -> torch.Tensor:
        """Return ``dropout(X + P[:num_steps])``.

        Args:
            X: embeddings of shape ``(batch_size, num_steps, num_hiddens)``, of dtype
                float16, bfloat16, float32 or float64 (one module may see several in turn).

        Returns:
            A new tensor of X's shape, dtype and device (for half-precision X too: cast
            the float32 table to X's dtype before adding it). The encoding is *added* (not
            concatenated), the same table rows for every example of the batch. Dropout acts
            only in training mode; after ``.eval()`` the result is exactly ``X + P[:num_steps]``.

        Raises:
            ValueError: if ``num_steps > max_len``.

        Do not modify ``X`` in place, and let gradients flow back to ``X``. If the module is
        moved with ``.to(device)``, the output must be on X's device.
        """
        raise NotImplementedError("implement PositionalEncoding.forward")
