"""Gradient clipping by the global norm (d2l: RNNs from scratch > Gradient Clipping).

The note lists 梯度裁剪 among the cures for numerical instability (数值稳定性): when the
gradients explode, one huge step can throw the parameters far away. Clipping bounds the
step: treat the gradients of *all* parameters as one long vector ``g`` and, if it is too
long, shrink it back to length ``θ``::

    ‖g‖ = sqrt( Σ_params Σ_elements grad² )
    g  ←  min(1, θ / ‖g‖) · g          (only scale when ‖g‖ > θ)

Every gradient is multiplied by the *same* factor, so the direction of the update is kept;
only its length is capped. d2l trains its RNNs with θ = 1.

**Worked example.** Two parameters with gradients ``[3., 0.]`` and ``[[0., 4.]]``: ‖g‖ = 5.
With θ = 1 both are multiplied by 1/5, giving ``[0.6, 0.]`` and ``[[0., 0.8]]`` (new norm
1), and the function returns 5.0. With θ = 10 nothing changes (and it still returns 5.0).

Fill in the function that raises ``NotImplementedError``, then run::

    learn check stability/gradient-clipping

What the checks test:

* ``params`` is any iterable of tensors: a list, a tuple, or a **one-shot** iterator such as
  ``model.parameters()`` (it can be walked only once: make a list first). A tensor counts
  only if it requires grad *and* its ``.grad`` is not None; the others are skipped (not an
  error) and left alone.
* The return value is the global norm **before** clipping, as a Python float (``float(x)``),
  also when there is nothing to clip (``0.0``, not the int ``0``).
* If the norm is greater than ``theta``, every counted gradient is multiplied by exactly
  ``theta / norm``; otherwise every gradient stays bitwise unchanged. After clipping the
  global norm is ``theta`` and every ratio between gradient entries is the same as before
  (one factor for all parameters, not one per parameter).
* The scaling is **in place**: the same ``.grad`` tensor objects, in the same memory, with
  their dtype (``p.grad.mul_(c)``; ``p.grad = p.grad * c`` makes a new tensor). The
  parameters' values are not touched.
* No counted gradient, or all-zero gradients: return 0.0 and change nothing (no 0 / 0, no
  error from an empty sum).
* 0-d parameters and a mix of float32 and float64 gradients in one call work. float64
  gradients keep float64 precision: sum their squares in float64 (not in a float32
  ``torch.zeros(())`` buffer) and scale the gradient itself, not a ``.float()`` copy.
* ``theta <= 0`` is out of scope.

Where this departs from d2l's ``grad_clipping(net, theta)``, and why:

* d2l takes the net and collects ``[p for p in net.parameters() if p.requires_grad]``; here
  the parameters come in directly, in any iterable, and a parameter whose ``.grad`` is None
  (unused in the forward pass) is skipped instead of crashing on ``None ** 2``.
* d2l returns nothing; here the norm before clipping is returned, as
  ``torch.nn.utils.clip_grad_norm_`` does, so a training loop can log it.
* d2l's ``param.grad[:] *= theta / norm`` cannot slice a 0-d gradient; use ``mul_``.
* ``torch.nn.utils.clip_grad_norm_`` divides by ``norm + 1e-6`` (and always multiplies by
  a factor capped at 1); this exercise, like d2l, uses exactly ``theta / norm``.

Forbidden: torch's clipping utilities (``torch.nn.utils.clip_grad_norm_``,
``clip_grad_value_``, ``clip_grads_with_norm_``, ``get_total_norm`` and their old names).
``torch.linalg.vector_norm``, ``torch.norm``, ``torch.sqrt`` and ``sum`` are fine.
"""

from collections.abc import Iterable

import torch


def clip_grad_norm_(params: Iterable[torch.Tensor], theta: float) -> float:
    """Scale all gradients in place so that their global L2 norm is at most ``theta``.

    Args:
        params: tensors (usually ``nn.Parameter``s) in any iterable, a one-shot iterator
            included; only those that require grad and have a ``.grad`` count.
        theta: the largest allowed global norm (> 0).

    Returns:
        The global norm of the counted gradients before clipping, as a Python float
        (0.0 when there are none).
    """
    raise NotImplementedError("implement clip_grad_norm_")
