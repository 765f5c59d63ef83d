"""Padding and stride of a 2-D convolution (d2l: Convolutional Neural Networks > Padding and
Stride; d2l-zh 6.3 填充和步幅).

Padding and stride are the hyper-parameters that control a convolution's output size (the
note: 填充与步幅, 控制卷积层大小的超参数).

* Padding. Without it every layer shrinks the map by k - 1 rows and columns, so after a few
  layers a deep network runs out of image (如果没有填充, 几次卷积之后图像尺寸就变得特别小).
  Padding adds rows and columns of zeros around the input. Adding k - 1 rows in total
  (k_h - 1 rows, k_w - 1 columns) keeps the size unchanged: that is why the usual choice
  for an odd kernel is (k - 1) / 2 on each side (取这个值可以让卷积后的尺寸与卷积前相同).
* Stride. The window moves s cells at a time instead of 1, which divides the output size
  (and the computation) by about s in that direction.

The output size, in d2l's formula, with p_h the **total** number of padded rows (top plus
bottom) and p_w the total number of padded columns::

    out_h = floor((n_h - k_h + p_h + s_h) / s_h)        out_w likewise

With p_h = k_h - 1 this is floor((n_h + s_h - 1) / s_h), which is n_h / s_h when s_h divides
n_h. (d2l's text puts ceil(p_h / 2) rows on top and floor(p_h / 2) at the bottom when p_h is
odd; the formula only needs the total.)

Two conventions, two functions (the semantic trap of this section):

* ``conv_output_shape(n, k, p_total, s)`` uses d2l's convention: ``p_total`` is the TOTAL
  padding per dimension (both sides together), and may be odd.
* ``conv2d_pad_stride(X, K, padding, stride)`` uses PyTorch's convention, as
  ``nn.Conv2d(padding=p)`` does: ``padding`` is added on EACH side, so the total is 2p.
  Its output shape is therefore ``conv_output_shape(X.shape, K.shape, (2 p_h, 2 p_w), s)``.

Worked examples from d2l (an 8 x 8 input; padding per side, as in nn.Conv2d):

    kernel 3,      padding 1,      stride 1      -> 8 x 8
    kernel (5, 3), padding (2, 1), stride 1      -> 8 x 8
    kernel 3,      padding 1,      stride 2      -> 4 x 4
    kernel (3, 5), padding (0, 1), stride (3, 4) -> 2 x 2

e.g. the last one: floor((8 - 3 + 0 + 3) / 3) = 2 and floor((8 - 5 + 2 + 4) / 4) = 2.

What to write:

* ``conv_output_shape(n, k, p_total, s)``: each argument a pair (h, w) of ints. Return a
  tuple of two Python ints. Raise ``ValueError`` when an input size, kernel size or stride
  is < 1, when a padding is < 0, or when the kernel is larger than the padded input
  (k > n + p in either dimension).
* ``conv2d_pad_stride(X, K, padding=0, stride=1)``: X (h, w) and K (k_h, k_w) are 2-D, of
  the same floating dtype; ``padding`` and ``stride`` are an int (the same for both
  directions) or a pair (for height, then width). Pad X with zeros, ``padding`` rows on top
  and bottom and ``padding`` columns left and right, then cross-correlate with K (no kernel
  flip, as in ``cnn/corr2d``), moving the window ``stride`` cells at a time; windows that
  would stick out of the padded input are dropped (floor). It equals torch's
  ``conv2d(X[None, None], K[None, None], padding=padding, stride=stride)[0, 0]``.
  A padding larger than the kernel and a stride larger than the input are allowed. Raise
  ``ValueError`` for a padding < 0, a stride < 1, or a kernel that does not fit into the
  padded input. The result has X's dtype (float16, bfloat16, float32 and float64 are
  tried; a float64 X is computed in float64) and X's device, and is differentiable with
  respect to X and K (``Y.sum().backward()`` fills X.grad and K.grad).

Neither function modifies its arguments.

Departures from d2l: d2l shows padding and stride with ``nn.Conv2d`` and a helper that adds
the batch and channel dimensions; here you compute the padded, strided correlation
yourself, and check the sizes.

Rules: do not call torch's convolutions (``torch.nn.functional.conv1d/conv2d/conv3d``,
``conv_transpose*``, ``torch.conv2d``, ``torch.convolution``, the ``torch.ops.aten``
convolution operators, ``nn.Conv*``, ``nn.ConvTranspose*``, ``nn.LazyConv*``) or
ready-made correlations (``scipy.signal``). ``torch.nn.functional.pad``, slicing,
``Tensor.unfold``, ``torch.nn.functional.unfold``, ``einsum``, ``matmul`` and ``sum`` are
all fine.

Fill in both functions, then run::

    learn check cnn/padding-stride
"""

import torch


def conv_output_shape(n: tuple[int, int], k: tuple[int, int], p_total: tuple[int, int],
                      s: tuple[int, int]) -> tuple[int, int]:
    """Output (height, width) of a convolution, d2l's formula with TOTAL padding.

    Args:
        n: input size (n_h, n_w).
        k: kernel size (k_h, k_w).
        p_total: total padding (p_h, p_w): rows added top + bottom, columns left + right.
        s: stride (s_h, s_w).

    Returns:
        (floor((n_h - k_h + p_h + s_h) / s_h), floor((n_w - k_w + p_w + s_w) / s_w)),
        two Python ints.

    Raises:
        ValueError: if a size, kernel or stride is < 1, a padding < 0, or k > n + p.
    """
    raise NotImplementedError("implement conv_output_shape")


def conv2d_pad_stride(X: torch.Tensor, K: torch.Tensor, padding: int | tuple[int, int] = 0,
                      stride: int | tuple[int, int] = 1) -> torch.Tensor:
    """Zero-padded, strided 2-D cross-correlation; padding PER SIDE (PyTorch's convention).

    Args:
        X: 2-D float tensor (h, w).
        K: 2-D float tensor (k_h, k_w), X's dtype and device.
        padding: zeros added on each side, an int or a pair (p_h, p_w).
        stride: step of the window, an int or a pair (s_h, s_w).

    Returns:
        A new tensor of shape conv_output_shape((h, w), (k_h, k_w), (2 p_h, 2 p_w),
        (s_h, s_w)), X's dtype and device, differentiable w.r.t. X and K.

    Raises:
        ValueError: for padding < 0, stride < 1, or k > n + 2p in either dimension.
    """
    raise NotImplementedError("implement conv2d_pad_stride")
