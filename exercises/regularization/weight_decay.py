"""Weight decay: L2 and L1 penalties and the decayed SGD step (d2l: Weight Decay).

The note's 权重衰退 fights overfitting by keeping the weights small: add a penalty on their
size to the loss.

* **L2** (d2l's choice): minimize ``L(w) + (λ/2)·‖w‖²``, where ``‖w‖² = Σ w_i²``. The ½ makes
  the gradient of the penalty simply ``λ·w``. One SGD step with learning rate ``η`` is then::

      w ← w − η·(∇L + λ·w) = (1 − η·λ)·w − η·∇L

  Before following the data gradient, every step multiplies the weights by ``1 − ηλ < 1``:
  that shrinking is why it is called weight *decay*. ``torch.optim.SGD(weight_decay=λ)``
  adds ``λ·w`` to the gradient, so it performs exactly this step.
* **L1** (the note: 绝对值形式, a "square" (a diamond) around the origin, good for feature
  selection): the penalty ``λ·‖w‖₁ = λ·Σ |w_i|`` (no ½). Its subgradient is ``λ·sign(w)``, a
  push of constant size towards 0 that drives small weights to exactly 0; at ``w = 0`` the
  subgradient used is ``sign(0) = 0``.

**Worked example.** ``w = [3., -4.]``: ``l2_penalty(w) = (9 + 16) / 2 = 12.5`` and
``l1_penalty(w) = 7``. With ``grad = [1., 1.]``, ``lr = 0.1`` and ``wd = 0.5`` one step gives
``(1 − 0.05)·w − 0.1·grad = [2.75, -3.9]``.

d2l applies weight decay to the weights only, not the biases: its concise version builds
``torch.optim.SGD([{"params": net[0].weight, "weight_decay": wd}, {"params": net[0].bias}],
lr=lr)`` for one ``nn.Linear``. :func:`make_weight_decay_optimizer` does the same for any
model, choosing the group from each parameter's *name*.

Fill in the four functions that raise ``NotImplementedError``, then run::

    learn check regularization/weight-decay

What the checks test:

* ``l2_penalty(w) = sum(w ** 2) / 2`` and ``l1_penalty(w) = sum(|w|)``, over every element of
  a tensor of any shape, returned as a **0-d tensor** with w's dtype (float16, bfloat16,
  float32, float64) on w's device; an empty tensor gives 0. They stay in the autograd graph:
  the gradient of ``l2_penalty`` is ``w``, that of ``l1_penalty`` is ``sign(w)``, exactly 0
  (not NaN, not 1) where ``w == 0`` (so not ``sqrt(w ** 2)``).
* ``weight_decay_update(w, grad, lr, wd)`` returns a **new** tensor ``(1 − lr·wd)·w − lr·grad``
  with w's shape and dtype (float16 and bfloat16 included), the value of one
  ``torch.optim.SGD(weight_decay=wd)`` step. Note the ``lr`` in the decay factor, and the
  factor ``λ·w`` (not ``2λ·w``: the ½ of the penalty cancels the 2). Do not change ``w`` or
  ``grad``: d2l's ``param -= ...`` updates in place, this function must not. Write it with
  tensor arithmetic: building a ``torch.optim`` optimizer inside it is not allowed.
* ``make_weight_decay_optimizer(model, lr, wd)`` returns a plain ``torch.optim.SGD`` (every
  group with learning rate ``lr``, no momentum) with at most two parameter groups, in any
  order: the parameters whose name (from ``model.named_parameters()``) **ends with**
  ``"bias"`` get ``weight_decay=0``, every other parameter ``weight_decay=wd``, including 1-D
  ones such as LayerNorm's weight, and a weight that merely sits in a module *named* like
  ``bias_head``. Every parameter appears exactly once, a weight shared by two layers too
  (``named_parameters()`` lists it once). One ``opt.step()`` must then do the update above
  for the weights and plain SGD for the biases.
* The inputs are never modified in place (except the model's parameters by ``opt.step()``).

Forbidden: torch's ready-made losses for the penalties (``torch.nn.functional.l1_loss`` and
``mse_loss``, ``nn.L1Loss``, ``nn.MSELoss`` and their kin), and ``torch.optim`` anywhere but
in :func:`make_weight_decay_optimizer` (which must use ``torch.optim.SGD``).
``torch.sum``, ``abs``, ``sign``, ``torch.norm`` and plain arithmetic are fine.
"""

import torch
from torch import nn


def l2_penalty(w: torch.Tensor) -> torch.Tensor:
    """Half the sum of squares, ``sum(w ** 2) / 2``, as a 0-d tensor in w's dtype.

    Its gradient with respect to ``w`` is ``w``. An empty ``w`` gives 0.
    """
    raise NotImplementedError("implement l2_penalty")


def l1_penalty(w: torch.Tensor) -> torch.Tensor:
    """The sum of absolute values, ``sum(|w|)``, as a 0-d tensor in w's dtype.

    Its gradient with respect to ``w`` is ``sign(w)``: exactly 0 where ``w == 0``.
    """
    raise NotImplementedError("implement l1_penalty")


def weight_decay_update(w: torch.Tensor, grad: torch.Tensor, lr: float,
                        wd: float) -> torch.Tensor:
    """One SGD step on ``L + (wd / 2)·‖w‖²``: a new tensor ``(1 − lr·wd)·w − lr·grad``.

    Args:
        w: the current weights (any shape and float dtype).
        grad: the gradient of the data loss ``L`` at ``w``, of w's shape.
        lr: the learning rate η.
        wd: the weight decay λ (0 gives plain SGD).

    Returns:
        A new tensor of w's shape and dtype; ``w`` and ``grad`` are left unchanged.
    """
    raise NotImplementedError("implement weight_decay_update")


def make_weight_decay_optimizer(model: nn.Module, lr: float, wd: float) -> torch.optim.SGD:
    """``torch.optim.SGD`` over ``model``'s parameters: names ending in "bias" without weight
    decay, all others with ``weight_decay=wd``; learning rate ``lr``; no momentum."""
    raise NotImplementedError("implement make_weight_decay_optimizer")
