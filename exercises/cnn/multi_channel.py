"""Multiple input and output channels (d2l: Convolutional Neural Networks > Multiple Input
and Multiple Output Channels; d2l-zh 6.4 多输入多输出通道).

A colour image has 3 channels (RGB); turning it into grey would lose information. With c_i
input channels the kernel has one 2-D slice per input channel: each channel is
cross-correlated with its own slice and the results are ADDED (the note: 不同的通道与对应的
不同卷积核进行操作, 操作后再进行相加)::

    Y[i, j] = sum over c of  corr2d(X[c], K[c])[i, j]

so c_i input channels give ONE output map. For c_o output channels there are c_o such
kernels, a 4-D weight (c_o, c_i, k_h, k_w); output channel o is the multi-input
correlation of X with K[o], and the c_o maps are stacked on a new first dimension. Each
output channel can learn to recognise a different pattern (每一个输出通道都是在识别不同的
特定模式), and each input-channel slice of its kernel picks up and combines patterns of the
input.

Stride 1, no padding, no flip (a cross-correlation, as in ``cnn/corr2d``). This is what
``torch.nn.functional.conv2d(X[None], K)[0]`` computes.

Worked example (d2l's)::

    X = [[[0, 1, 2], [3, 4, 5], [6, 7, 8]],      K = [[[0, 1], [2, 3]],
         [[1, 2, 3], [4, 5, 6], [7, 8, 9]]]           [[1, 2], [3, 4]]]

    corr2d_multi_in(X, K) = [[56, 72], [104, 120]]

(the first channel gives [[19, 25], [37, 43]], the second [[37, 47], [67, 77]]).
Stacking K, K + 1 and K + 2 into a (3, 2, 2, 2) kernel gives a (3, 2, 2) output whose first
channel is the map above.

What to write:

* ``corr2d_multi_in(X, K)``: X (c_i, h, w) and K (c_i, k_h, k_w) -> (h - k_h + 1, w - k_w + 1).
* ``corr2d_multi_in_out(X, K)``: X (c_i, h, w) and K (c_o, c_i, k_h, k_w)
  -> (c_o, h - k_h + 1, w - k_w + 1).

For both: X and K have the same floating dtype (float16, bfloat16, float32 and float64 are
tried); the result has X's dtype (a float64 X is computed in float64) and device, and is
differentiable with respect to X and K (``Y.sum().backward()`` fills X.grad and K.grad).
``c_i = 1`` and ``c_o = 1`` are valid. Raise ``ValueError`` when the number of input channels
of X and K differ, or when the kernel is larger than the input. Do not modify X or K.

Departures from d2l: d2l writes ``sum(corr2d(x, k) for x, k in zip(X, K))``. ``zip`` stops
at the shorter of the two, so a kernel with the wrong number of channels silently uses only
some of them; here that raises ``ValueError``. d2l's ``corr2d`` also makes a float32 CPU
buffer whatever X is; here dtype and device follow X.

Rules: do not call torch's convolutions (``torch.nn.functional.conv1d/conv2d/conv3d``,
``conv_transpose*``, ``torch.conv2d``, ``torch.convolution``, the ``torch.ops.aten``
convolution operators, ``nn.Conv*``, ``nn.ConvTranspose*``, ``nn.LazyConv*``) or
ready-made correlations (``scipy.signal``, d2l's ``corr2d``). Write your own 2-D
correlation (loops, slicing, ``Tensor.unfold``, ``torch.nn.functional.unfold``,
``einsum``, ``matmul`` and ``sum`` are all fine).

Fill in both functions, then run::

    learn check cnn/multi-channel
"""

import torch


def corr2d_multi_in(X: torch.Tensor, K: torch.Tensor) -> torch.Tensor:
    """Sum over input channels of the 2-D cross-correlations X[c] * K[c].

    Args:
        X: (c_i, h, w) float tensor.
        K: (c_i, k_h, k_w) kernel of X's dtype and device.

    Returns:
        (h - k_h + 1, w - k_w + 1), X's dtype and device.

    Raises:
        ValueError: if X and K have different numbers of channels, or K does not fit.
    """
    raise NotImplementedError("implement corr2d_multi_in")


def corr2d_multi_in_out(X: torch.Tensor, K: torch.Tensor) -> torch.Tensor:
    """One multi-input correlation per output channel, stacked on a new dimension 0.

    Args:
        X: (c_i, h, w) float tensor.
        K: (c_o, c_i, k_h, k_w) kernel of X's dtype and device.

    Returns:
        (c_o, h - k_h + 1, w - k_w + 1), X's dtype and device.

    Raises:
        ValueError: if X and K have different numbers of input channels, or K does not fit.
    """
    raise NotImplementedError("implement corr2d_multi_in_out")
