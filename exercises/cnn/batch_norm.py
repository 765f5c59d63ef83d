"""Batch normalization from scratch (d2l: Modern Convolutional Neural Networks > Batch
Normalization; d2l-zh 批量规范化 / the note's 批量归一化).

The note's intuition: the loss sits at the top of the network, so the top layers get large
gradients and learn fast, while the bottom layers learn slowly; and every time the bottom
layers change, the distribution of what the top layers see changes too, so the top has to
learn again and convergence is slow. Batch normalization fixes the mean and the variance of
a layer's inputs within each minibatch B, then lets the network learn its own scale and
shift back:

    mu     = mean of x over the batch                  (per feature / per channel)
    sigma2 = mean of (x - mu)^2 over the batch         (biased: divide by m, not m - 1)
    x_hat  = (x - mu) / sqrt(sigma2 + eps)             (eps inside the square root)
    y      = gamma * x_hat + beta                      (gamma, beta learned)

* A dense layer's output X of shape (N, C): one mu and one sigma2 per feature, over dim 0.
* A convolution's output X of shape (N, C, H, W): one mu and one sigma2 per *channel*, over
  the batch and every pixel, dims (0, 2, 3) (keep the dims: the statistics are
  (1, C, 1, 1) and broadcast).

At inference there may be a single example, and a prediction must not depend on which other
examples share its batch. So while training the layer keeps moving averages of the batch
statistics and uses those in evaluation:

    training:  moving_mean <- (1 - momentum) * moving_mean + momentum * mu
               moving_var  <- (1 - momentum) * moving_var  + momentum * sigma2
    eval:      x_hat = (x - moving_mean) / sqrt(moving_var + eps)     (nothing is updated)

Worked example (training, one feature, eps = 0): x = [1, 3] has mu = 2 and sigma2 = 1
(biased), so x_hat = [-1, 1]; with gamma = 2, beta = 0.5 the output is [-1.5, 2.5]. With
momentum = 0.1 and moving statistics 0 and 1, the new ones are 0.9 * 0 + 0.1 * 2 = 0.2 and
0.9 * 1 + 0.1 * 1 = 1.

What the checks test, for ``batch_norm``:

* X is 2-D ``(N, C)`` or 4-D ``(N, C, H, W)``; gamma, beta, moving_mean and moving_var have
  shape ``(1, C)`` for a 2-D X and ``(1, C, 1, 1)`` for a 4-D X. Any other rank of X raises
  ``ValueError`` (not ``assert``: an assert vanishes under ``python -O``).
* ``training=True``: batch statistics as above (biased variance, eps inside the square root),
  for any N (odd sizes too). It returns ``(Y, new_moving_mean, new_moving_var)`` with the
  moving averages above, of the moving statistics' shape, *detached* from autograd
  (``requires_grad`` False even when X requires grad). A batch with a single value per
  channel (N = 1 for 2-D; N = H = W = 1 for 4-D) gives ``Y = beta`` exactly, no NaN.
* ``training=False``: the moving statistics normalize X, each example on its own (a batch
  of one works), and they come back unchanged: ``(Y, moving_mean, moving_var)``.
* The mode comes from ``training`` alone: training under ``torch.no_grad()`` still uses and
  updates the batch statistics, and ``training=False`` with autograd on still uses the moving
  statistics.
* Y has X's shape, dtype and device (float32 or float64; all arguments share one dtype). Y
  is differentiable w.r.t. X, gamma and beta in training mode *through* mu and sigma2 (do not
  detach the batch statistics before normalizing: their gradient is part of batch norm's
  gradient).
* No argument is modified in place: compute the new moving statistics as new tensors.

For ``BatchNorm(num_features, num_dims, eps=1e-5, momentum=0.1)``:

* ``num_dims`` is 2 (after a dense layer) or 4 (after a convolution); anything else raises
  ``ValueError``. ``gamma`` and ``beta`` are ``nn.Parameter`` of shape ``(1, C)`` or
  ``(1, C, 1, 1)``, initialised to ones and zeros; ``moving_mean`` and ``moving_var`` are
  registered *buffers* (``self.register_buffer``) of the same shape, initialised to zeros and
  ones. ``state_dict()`` holds exactly these four, so a reference layer's state loads into
  yours with ``load_state_dict``, and the buffers follow ``.to(device)`` and ``.double()``
  (and keep that dtype and device when a training step stores new statistics in them).
* ``forward(X)`` calls ``batch_norm`` with the layer's eps and momentum and ``self.training``
  (switched by ``net.train()`` / ``net.eval()``), stores the new moving statistics in the
  buffers in training mode, and returns Y. In eval mode the buffers do not change.

Where this departs from d2l, and why:

* **Momentum naming.** d2l-zh writes ``moving = momentum * moving + (1 - momentum) * batch``
  and passes ``momentum=0.9``; d2l-en and PyTorch (``nn.BatchNorm2d(momentum=0.1)``) write
  ``(1 - momentum) * moving + momentum * batch`` with ``momentum=0.1``. The numbers are the
  same, the names opposite. Here ``momentum`` is the weight of the *new* batch (d2l-en /
  PyTorch), default 0.1.
* **Variance.** As in d2l, the *biased* batch variance (divide by m) both normalizes and
  enters ``moving_var``. (PyTorch's ``nn.BatchNorm2d`` normalizes with the biased one but puts
  the unbiased one, m / (m - 1) times larger, into ``running_var``: do not copy that.)
* **Train or eval.** d2l's ``batch_norm`` decides with ``torch.is_grad_enabled()``, so
  ``model.eval()`` without ``torch.no_grad()`` still uses batch statistics, and training
  steps under ``no_grad`` would use the moving ones. Here the function takes ``training``
  and the layer passes ``self.training``, like every torch layer.
* **Buffers.** d2l keeps ``moving_mean`` / ``moving_var`` as plain tensor attributes and moves
  them by hand in ``forward``; they are then missing from ``state_dict()`` and ignore
  ``.to()`` / ``.double()``. Here they are registered buffers.
* d2l's ``BatchNorm`` hard-codes eps = 1e-5 and momentum; here they are arguments. d2l's
  ``assert len(X.shape) in (2, 4)`` becomes a ``ValueError``, and d2l's ``num_dims`` treats
  every value other than 2 as 4; here it must be 2 or 4.

Rules: torch's own batch normalization is forbidden (``torch.nn.functional.batch_norm``,
``torch.batch_norm``, ``torch.native_batch_norm`` and the other ATen batch-norm operators,
``torch.nn.functional.instance_norm``, ``nn.BatchNorm1d/2d/3d``, their lazy versions and
``nn.SyncBatchNorm``). ``mean``, ``var`` (mind its ``unbiased``/``correction`` default),
``sqrt``, ``rsqrt`` and broadcasting are fine.

Fill in ``batch_norm`` and ``BatchNorm``, then run::

    learn check cnn/batch-norm
"""

import torch
from torch import nn


def batch_norm(X: torch.Tensor, gamma: torch.Tensor, beta: torch.Tensor,
               moving_mean: torch.Tensor, moving_var: torch.Tensor, eps: float,
               momentum: float, training: bool
               ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Batch-normalize X (2-D or 4-D) with the batch's or the moving statistics.

    Args:
        X: (N, C) or (N, C, H, W), float32 or float64.
        gamma, beta: scale and shift, shape (1, C) or (1, C, 1, 1).
        moving_mean, moving_var: the moving statistics, same shape as gamma.
        eps: added to the variance inside the square root.
        momentum: weight of the new batch in the moving averages (d2l-en / PyTorch naming).
        training: True to normalize with the batch statistics and update the moving ones,
            False to normalize with the moving statistics.

    Returns:
        (Y, new_moving_mean, new_moving_var): Y like X; in training the updated moving
        statistics (new, detached tensors), in eval the given ones unchanged.

    Raises:
        ValueError: if X is neither 2-D nor 4-D.
    """
    raise NotImplementedError("implement batch_norm")


class BatchNorm(nn.Module):
    """A batch-normalization layer with learned gamma, beta and moving-statistics buffers.

    Args:
        num_features: C, the outputs of the dense layer or the channels of the convolution.
        num_dims: 2 for (N, C) inputs, 4 for (N, C, H, W) inputs; anything else raises
            ValueError.
        eps, momentum: passed to :func:`batch_norm`.
    """

    def __init__(self, num_features: int, num_dims: int, eps: float = 1e-5,
                 momentum: float = 0.1):
        super().__init__()
        raise NotImplementedError("implement BatchNorm.__init__")

    def forward(self, X: torch.Tensor) -> torch.Tensor:
        raise NotImplementedError("implement BatchNorm.forward")
