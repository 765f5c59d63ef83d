"""Xavier initialization (d2l: Multilayer Perceptrons > Numerical Stability and Initialization).

In a deep network the gradient is a product of one Jacobian per layer, so if every layer
scales the signal a little up or down, the product explodes or vanishes. The fix from the
course: choose the initial weights so that every layer keeps the *mean and variance* of its
outputs (forward) and of its gradients (backward) the same as its inputs'.

For a layer with ``n_in`` inputs and ``n_out`` outputs and weights drawn with variance σ²:

* forward, the output variance is ``n_in · σ²`` times the input variance, so you want
  ``n_in · σ² = 1``;
* backward, the gradient variance is multiplied by ``n_out · σ²``, so you want ``n_out · σ² = 1``.

Both cannot hold unless ``n_in == n_out``. Xavier (Glorot) initialization takes the
compromise ``(n_in + n_out) · σ² / 2 = 1``, i.e. ``σ = sqrt(2 / (n_in + n_out))``. A uniform
distribution U(-a, a) has variance a² / 3, so the uniform version uses
``a = sqrt(6 / (n_in + n_out))``. An optional ``gain`` multiplies σ and a.

PyTorch stores weights as ``(out, in, *kernel)``: ``nn.Linear(20, 30).weight`` has shape
(30, 20), and ``nn.Conv2d(3, 16, 5).weight`` has shape (16, 3, 5, 5). For a convolution each
output sees ``in × kernel`` inputs, so the kernel size (the "receptive field") multiplies
both fans: Conv2d(3, 16, 5) has fan_in = 3·25 = 75 and fan_out = 16·25 = 400.

Fill in the four functions below, then run::

    learn check mlp/xavier-init

Rules: do not call torch's own Xavier functions or fan helper
(``torch.nn.init.xavier_uniform_``, ``torch.nn.init.xavier_normal_``, their old aliases
without the underscore, ``torch.nn.init._calculate_fan_in_and_fan_out`` and
``torch.nn.init._calculate_correct_fan``). Plain random fills are fine: ``Tensor.uniform_``,
``Tensor.normal_``, ``Tensor.zero_``, ``torch.nn.init.uniform_``/``normal_``/``zeros_``,
``torch.rand``, ``torch.randn``.

Where this exercise departs from d2l's code, and why:

* d2l calls ``nn.init.xavier_uniform_``; here you write it (and its normal twin and the fan
  helper) from the formulas above.
* d2l's ``init_cnn`` (and ``init_xavier``) pick layers with ``type(module) == nn.Linear or
  type(module) == nn.Conv2d``. Here :func:`init_weights` uses ``isinstance``: a subclass of
  ``nn.Linear`` or ``nn.Conv2d`` (a layer you derive to add a feature) is still a fully
  connected or convolution layer, and ``type(...) ==`` would silently leave it with PyTorch's
  default initialization.
* d2l's ``init_cnn`` leaves every bias at PyTorch's default, U(-1/sqrt(fan_in), 1/sqrt(fan_in)).
  Here :func:`init_weights` also sets the biases to zero, as d2l's ``init_normal`` does
  (``nn.init.zeros_(module.bias)``): Xavier's variance argument (o_i = sum_j w_ij x_j) has no
  bias term, and zero biases keep every layer's output centred at 0.

d2l applies its init function with ``net.apply(init_cnn)``; walking ``net.modules()`` or
calling ``net.apply`` inside :func:`init_weights` are both fine.
"""

import torch
from torch import nn


def fan_in_and_fan_out(tensor: torch.Tensor) -> tuple[int, int]:
    """Return ``(fan_in, fan_out)`` of a weight in PyTorch's ``(out, in, *kernel)`` layout.

    Args:
        tensor: a weight with at least 2 dimensions, e.g. shape (num_outputs, num_inputs)
            for nn.Linear or (out_channels, in_channels, k_h, k_w) for nn.Conv2d. Any number
            of kernel dimensions is allowed (none, 1, 2, 3, ...).

    Returns:
        Two Python ints: ``fan_in = in × prod(kernel)`` and ``fan_out = out × prod(kernel)``
        (the product of no kernel dimensions is 1).

    Raises:
        ValueError: if ``tensor`` has fewer than 2 dimensions (a bias has no fan-in/fan-out).
    """
    raise NotImplementedError("implement fan_in_and_fan_out")


def xavier_uniform_(tensor: torch.Tensor, gain: float = 1.0) -> torch.Tensor:
    """Fill ``tensor`` in place with draws from U(-a, a), a = gain · sqrt(6 / (fan_in + fan_out)).

    Args:
        tensor: the weight to fill (at least 2-D), possibly an ``nn.Parameter`` that
            requires grad, of any float dtype (float16, bfloat16, float32, float64), on any
            device. It may be a non-contiguous view (a transposed or sliced weight): fill
            it where it is, without touching the rest of the tensor it is a view of.
        gain: a factor that scales the bound (default 1.0).

    Returns:
        The same tensor object, after filling every element of it (its dtype, device,
        storage and ``requires_grad`` stay as they were; whatever it held before, NaN
        included, is overwritten). The fill must not be recorded by autograd: fill under
        ``torch.no_grad()`` (or in place on ``tensor.data``, like d2l's
        ``weight.data[:] += 1``, or with ``torch.nn.init.uniform_``, which does it for you;
        never by assigning a new tensor to ``tensor.data``), so a Parameter stays a
        trainable leaf. Draw from torch's global random number generator (so ``torch.manual_seed`` makes
        it reproducible), fresh values on every call.

    Raises:
        ValueError: if ``tensor`` has fewer than 2 dimensions.
    """
    raise NotImplementedError("implement xavier_uniform_")


def xavier_normal_(tensor: torch.Tensor, gain: float = 1.0) -> torch.Tensor:
    """Fill ``tensor`` in place from N(0, std²), std = gain · sqrt(2 / (fan_in + fan_out)).

    Args:
        tensor: the weight to fill, as for :func:`xavier_uniform_`.
        gain: a factor that scales the standard deviation (default 1.0).

    Returns:
        The same tensor object, filled in place, with the same rules as
        :func:`xavier_uniform_` (no autograd history, global RNG, fresh values).

    Raises:
        ValueError: if ``tensor`` has fewer than 2 dimensions.
    """
    raise NotImplementedError("implement xavier_normal_")


def init_weights(net: nn.Module) -> None:
    """Xavier-initialize every fully connected and 2-D convolution layer of ``net`` in place.

    For every module in ``net`` (``net`` itself and all nested submodules) that is an
    ``nn.Linear`` or an ``nn.Conv2d`` (a subclass counts too: ``isinstance``, not d2l's
    ``type(m) == ...``), fill its weight with :func:`xavier_uniform_` (gain 1) and set its
    bias to zero if it has one (``nn.Linear(..., bias=False)`` has ``bias = None``). Every
    other parameter and buffer (BatchNorm, LayerNorm, Embedding, Conv1d, ConvTranspose2d, a
    bare ``nn.Parameter`` of a custom module, ...) stays exactly as it was. The parameters
    stay the same ``nn.Parameter`` objects, in their own memory, with their dtype, device and
    ``requires_grad`` and without autograd history, so an optimizer built earlier still
    trains them.

    Args:
        net: any ``nn.Module``.

    Returns:
        None.
    """
    raise NotImplementedError("implement init_weights")
