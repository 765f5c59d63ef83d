"""Huber's robust loss, in d2l's sigma form (d2l: Linear Neural Networks for Regression >
Concise Implementation of Linear Regression, exercises; course slide: Huber Loss).

The note: "预测与真实值差的小时采用MSE, 差得远则采用绝对损失…可以保证优化的平滑". When the
prediction is close to the target the loss is quadratic (like the squared loss: a gradient that
shrinks smoothly to 0), and when it is far away the loss is linear (like the absolute loss: a
gradient of constant size, so a single outlier cannot dominate the update). With the residual
``d = y_hat - y`` and a threshold ``sigma > 0``::

    l(d) = |d| - sigma / 2       if |d| > sigma
    l(d) = d^2 / (2 sigma)       otherwise

The two pieces meet at |d| = sigma with the same value (sigma / 2) and the same slope (+-1), so
the loss is continuous with a continuous gradient ``dl/dd = clip(d / sigma, -1, 1)``. The course
slide uses sigma = 1.

**Mind the semantic trap.** This is d2l's definition, and it equals
``torch.nn.functional.smooth_l1_loss(y_hat, y, beta=sigma)``. It is *not*
``torch.nn.HuberLoss(delta=sigma)``, which is ``0.5 d^2`` inside and ``delta (|d| - delta/2)``
outside: sigma (delta) times larger. The two agree only at sigma = delta = 1.

Worked examples (reduction "none"): sigma = 1: d = 0.5 gives 0.125, d = 1 gives 0.5, d = 2 gives
1.5, d = -3 gives 2.5; sigma = 2: d = 1 gives 0.25, d = 3 gives 2.0.

Requirements the checks test:

* ``huber_loss(y_hat, y, sigma=1.0, reduction="mean")``: ``sigma`` and ``reduction`` may be
  passed by position or by keyword. ``y_hat`` and ``y`` are float32 or float64 tensors of the
  same dtype and of exactly the same shape, any shape (0-d included), possibly non-contiguous
  (a transposed view: use ``reshape``, not ``view``, if you flatten).
* Raise ``ValueError`` when the shapes differ (no broadcasting: ``(n, 1)`` against ``(n,)``
  is an error, because broadcasting would silently build an (n, n) loss, as d2l's
  ``squared_loss`` warns), when ``reduction`` is not exactly ``"mean"``, ``"sum"`` or
  ``"none"``, and when ``sigma <= 0``.
* ``"none"`` returns the element-wise losses in the input's shape; ``"sum"`` their sum and
  ``"mean"`` their sum divided by the total number of elements, both as 0-dim tensors. The result
  is a tensor in y_hat's dtype and on its device, computed in that dtype (float64 inputs with
  float64 precision: no float32 intermediate cast back at the end). Empty inputs: ``"none"``
  gives an empty tensor and ``"sum"`` gives 0.
* Autograd: the gradient with respect to y_hat is ``clip(d / sigma, -1, 1)`` per element
  (divided by the element count for "mean"); exactly 0 where d = 0, never NaN.
* Stability: residuals as large as |d| = 1e20 in float32 must give finite losses and gradients.
  ``d^2`` then overflows to inf, which is harmless only if the quadratic piece is never used
  for such elements: ``torch.where`` picks a piece safely, but blending the pieces with a
  0/1 mask (``q * mask + l * (1 - mask)``) computes ``inf * 0 = NaN``.
* Do not modify the inputs in place.

Departures from d2l: d2l states the formula in an exercise and leaves the code to you; its
``squared_loss`` reshapes ``y`` to ``y_hat``'s shape, here a shape mismatch is an error instead.

Forbidden: torch's own versions (``torch.nn.functional.smooth_l1_loss``,
``torch.nn.functional.huber_loss``, ``nn.SmoothL1Loss``, ``nn.HuberLoss``, the ATen operators).
``torch.abs``, ``torch.where``, ``torch.clamp`` and arithmetic are fine.

Check your work with::

    learn check loss/huber
"""

import torch


def huber_loss(y_hat: torch.Tensor, y: torch.Tensor, sigma: float = 1.0,
               reduction: str = "mean") -> torch.Tensor:
    """d2l's Huber loss: |d| - sigma/2 where |d| > sigma, else d^2 / (2 sigma), d = y_hat - y.

    Args:
        y_hat: predictions, float32 or float64, any shape.
        y: targets, the same shape and dtype as y_hat.
        sigma: the threshold between the quadratic and the linear piece, > 0.
        reduction: "mean" (over all elements), "sum" or "none".

    Returns:
        A 0-dim tensor for "mean" and "sum", the element-wise losses for "none"; in y_hat's
        dtype and on its device.

    Raises:
        ValueError: if the shapes differ, if reduction is not "mean", "sum" or "none", or if
            sigma <= 0.
    """
    raise NotImplementedError("implement huber_loss")
