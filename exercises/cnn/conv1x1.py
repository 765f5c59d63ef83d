"""The 1 x 1 convolution as a matrix product (d2l: Convolutional Neural Networks > Multiple
Input and Multiple Output Channels > 1 x 1 Convolutional Layer; d2l-zh 6.4.3 1x1 卷积层).

A 1 x 1 kernel looks at one pixel at a time, so it cannot recognise any spatial pattern (the
note: 1*1 卷积层并不会进行识别). What it does is mix the channels: at every pixel (i, j),
output channel o is a weighted sum of the c_i input values at that same pixel,

    Y[o, i, j] = sum over c of  K[o, c, 0, 0] * X[c, i, j]

It fuses the input channels (将图片的多个输入通道进行了融合), but with learned weights, a
different mix per output channel, not the plain sum the note's wording suggests. It is a
fully connected layer from c_i to c_o features applied to every pixel, with the same weights
at every pixel. So it can be computed as ONE matrix product:

1. reshape X to (c_i, h * w): each column is one pixel's channel vector;
2. reshape K to (c_o, c_i);
3. Y = K @ X, shape (c_o, h * w);
4. reshape Y to (c_o, h, w).

Worked example::

    X = [[[1, 2], [3, 4]],          K = [[[[1]], [[1]]],       Y = [[[11, 22], [33, 44]],
         [[10, 20], [30, 40]]]           [[[2]], [[-1]]]]           [[-8, -16], [-24, -32]]]

(c_i = 2, c_o = 2: output 0 adds the two channels, output 1 is 2 * first - second.)

What to write: ``corr2d_multi_in_out_1x1(X, K)`` with X (c_i, h, w) and K (c_o, c_i, 1, 1)
of the same floating dtype, returning (c_o, h, w); the same values as the general
multi-channel correlation with a 1 x 1 kernel. Requirements:

* the result has X's dtype (float16, bfloat16, float32 and float64 are tried; a float64 X
  is computed in float64) and X's device, and is differentiable with respect to X and K;
* X need not be contiguous (a permuted or transposed view, e.g. ``A.permute(0, 2, 1)``,
  is a valid input): ``reshape`` copies when it has to, ``view`` fails on such an X;
* c_i = 1, c_o = 1 and 1 x 1 images are valid;
* raise ``ValueError`` if K is not 4-D with 1 x 1 spatial size, or if its input channels
  (K.shape[1]) differ from X's;
* do not modify X or K.

Departure from d2l: d2l's version uses ``X.reshape`` and ``torch.matmul`` exactly like this
and checks nothing; here wrong kernels raise.

Rules: do not call torch's convolutions (``torch.nn.functional.conv1d/conv2d/conv3d``,
``conv_transpose*``, ``torch.conv2d``, ``torch.convolution``, the ``torch.ops.aten``
convolution operators, ``nn.Conv*``, ``nn.ConvTranspose*``, ``nn.LazyConv*``).
``reshape``, ``matmul`` / ``@``, ``einsum``, ``torch.nn.functional.linear`` and
``tensordot`` are all fine.

Fill in the function, then run::

    learn check cnn/conv1x1
"""

import torch


def corr2d_multi_in_out_1x1(X: torch.Tensor, K: torch.Tensor) -> torch.Tensor:
    """A 1 x 1 convolution: one (c_o, c_i) matrix applied to every pixel's channel vector.

    Args:
        X: (c_i, h, w) float tensor, possibly non-contiguous.
        K: (c_o, c_i, 1, 1) kernel of X's dtype and device.

    Returns:
        (c_o, h, w), X's dtype and device, differentiable w.r.t. X and K.

    Raises:
        ValueError: if K is not (c_o, c_i, 1, 1) with c_i equal to X.shape[0].
    """
    raise NotImplementedError("implement corr2d_multi_in_out_1x1")
