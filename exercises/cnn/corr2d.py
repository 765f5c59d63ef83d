"""2-D cross-correlation, a tiny convolution layer, and learning a kernel
(d2l: Convolutional Neural Networks > Convolutions for Images; d2l-zh 6.2 图像卷积).

From a dense layer to a convolution (the note's 什么是卷积): a dense layer from an h x w image
to an h x w hidden map needs a 4-D weight (output i, j by input k, l), far too many numbers.
Two principles cut it down. Translation invariance: the same weights are used at every
position. Locality: each output only looks at a small window around its position. What is
left is a small kernel K that slides over the image like a window (卷积层 "很像一个滑动窗口"):

    Y[i, j] = sum over a < k_h, b < k_w of  X[i + a, j + b] * K[a, b]

for i = 0 .. h - k_h and j = 0 .. w - k_w, so Y has shape (h - k_h + 1, w - k_w + 1).
This is a *cross-correlation*: the kernel is not flipped. What deep learning calls a
"convolution" (and what torch's conv2d computes) is exactly this; a flipped kernel, as in
the mathematical convolution, gives a different answer for any kernel that is not symmetric.
The kernel's weights (and a bias) are learned; the kernel *size* is a hyper-parameter you
choose (the note: 卷积层的超参数不是 W 与 b, 而是窗口大小).

Worked example (d2l's)::

    X = [[0, 1, 2],        K = [[0, 1],        corr2d(X, K) = [[19, 25],
         [3, 4, 5],             [2, 3]]                         [37, 43]]
         [6, 7, 8]]

(19 = 0*0 + 1*1 + 3*2 + 4*3.) Edge detection: X = ones(6, 8) with columns 2..5 set to 0 and
K = [[1, -1]] give a 6 x 7 output that is 1 where white turns black (column 1), -1 where
black turns white (column 5) and 0 elsewhere.

What to write:

* ``corr2d(X, K)``: X (h, w) and K (k_h, k_w), both 2-D and of the same floating dtype
  (float16, bfloat16, float32 or float64 are all tried). Return a new tensor of shape
  (h - k_h + 1, w - k_w + 1) in X's dtype and on X's device. Every kernel that fits is
  valid, including a 1 x 1 kernel and a kernel exactly as large as X (a 1 x 1 output). A
  kernel larger than X in either dimension raises ``ValueError`` (d2l's loop silently
  returns an empty tensor there). The result must be differentiable with respect to X and
  K: build it from tensor operations (no ``.item()``, ``float(...)``, ``.detach()`` or
  numpy round trip), so that ``Y.sum().backward()`` fills X.grad and K.grad. A float64 X is
  computed in float64 (not rounded through float32).
* ``Conv2D(kernel_size)``: an ``nn.Module``; ``kernel_size`` is a pair (k_h, k_w). It has
  exactly two Parameters: ``weight`` of shape (k_h, k_w) and ``bias`` of shape (1,),
  initialised to 0 (any initial weight values will do; d2l uses ``torch.rand``). ``forward(x)``
  on a 2-D x returns ``corr2d(x, self.weight) + self.bias``, so gradients reach both.
* ``learn_kernel(X, Y, kernel_size=(1, 2), lr=3e-2, epochs=10, generator=None)``: learn a
  kernel from an input X and the output Y a kernel produced, as d2l does:

  1. start from a kernel of shape ``kernel_size`` drawn uniformly from (-b, b) with
     b = 1 / sqrt(k_h * k_w), ``nn.Conv2d``'s default initialisation. Draw it from
     ``generator`` when one is given (a CPU ``torch.Generator``: e.g. ``torch.rand(
     kernel_size, generator=generator)`` on the CPU, then scale and move it), otherwise
     from torch's global generator (do not seed anything inside ``learn_kernel``: two calls
     without a generator start from different kernels). The same seeded generator must
     give the same kernel;
  2. ``epochs`` times: compute Y_hat = corr2d(X, w) (no bias), the summed squared error
     loss = sum((Y_hat - Y) ** 2), its gradient with respect to w, and update
     ``w <- w - lr * grad`` (clear the old gradient first, or use ``torch.autograd.grad``);
  3. return the kernel, detached (no ``requires_grad``), of shape ``kernel_size``, in X's
     dtype and on X's device. With ``epochs = 0`` or ``lr = 0`` that is the initial kernel
     (cast to X's dtype and moved to X's device all the same).

  X and Y are 2-D; Y has the shape corr2d(X, w) gives. For d2l's edge example, 10 epochs at
  lr = 3e-2 bring the kernel within 0.1 of [[1, -1]].

Departures from d2l's code, and why:

* d2l's ``corr2d`` fills ``torch.zeros(...)``, a float32 CPU buffer whatever X is; here the
  result keeps X's dtype and device (make buffers with ``X.new_zeros`` or
  ``dtype=X.dtype, device=X.device``, or avoid a buffer altogether).
* d2l trains ``nn.Conv2d(1, 1, kernel_size, bias=False)`` on (1, 1, h, w) tensors. torch's
  convolutions are forbidden in this whole file, so ``learn_kernel`` trains a plain tensor
  with your own ``corr2d`` instead: the same computation, the same initial distribution,
  the same loss and the same update. A ``generator`` argument makes the start replayable.
* A kernel that does not fit raises instead of giving an empty result.

No function may modify its arguments in place (X, K and Y keep their values).

Rules: do not call torch's convolutions (``torch.nn.functional.conv1d/conv2d/conv3d``,
``conv_transpose*``, ``torch.conv2d``, ``torch.convolution``, the ``torch.ops.aten``
convolution operators, ``nn.Conv1d/Conv2d/Conv3d``, ``nn.ConvTranspose*``,
``nn.LazyConv*``) or ready-made correlations (``scipy.signal.correlate2d`` and kin, d2l's
``corr2d``). Slicing, loops, ``Tensor.unfold``, ``torch.nn.functional.unfold``,
``torch.einsum``, ``matmul`` and ``sum`` are all fine.

Fill in the three names, then run::

    learn check cnn/corr2d
"""

import torch
from torch import nn


def corr2d(X: torch.Tensor, K: torch.Tensor) -> torch.Tensor:
    """2-D cross-correlation of X with the kernel K (stride 1, no padding, no flip).

    Args:
        X: a 2-D float tensor (h, w).
        K: a 2-D float tensor (k_h, k_w) of X's dtype and device.

    Returns:
        A new tensor Y of shape (h - k_h + 1, w - k_w + 1), X's dtype and device, with
        Y[i, j] = sum_{a, b} X[i + a, j + b] * K[a, b]; differentiable w.r.t. X and K.

    Raises:
        ValueError: if k_h > h or k_w > w.
    """
    raise NotImplementedError("implement corr2d")


class Conv2D(nn.Module):
    """A convolution layer on one 2-D input: corr2d(x, weight) + bias.

    Parameters (exactly these two): ``weight`` (k_h, k_w) and ``bias`` (1,), bias zero.
    """

    def __init__(self, kernel_size: tuple[int, int]):
        super().__init__()
        raise NotImplementedError("implement Conv2D.__init__")

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        raise NotImplementedError("implement Conv2D.forward")


def learn_kernel(X: torch.Tensor, Y: torch.Tensor, kernel_size: tuple[int, int] = (1, 2),
                 lr: float = 3e-2, epochs: int = 10,
                 generator: torch.Generator | None = None) -> torch.Tensor:
    """Learn a kernel w with corr2d(X, w) close to Y by plain gradient descent.

    Args:
        X: 2-D input (h, w).
        Y: 2-D target of shape (h - k_h + 1, w - k_w + 1).
        kernel_size: (k_h, k_w).
        lr: learning rate of the update w <- w - lr * grad.
        epochs: number of updates (0 returns the initial kernel).
        generator: a CPU torch.Generator for the initial kernel U(-b, b), b = 1/sqrt(k_h*k_w);
            None draws from torch's global generator.

    Returns:
        The learned kernel, detached, shape ``kernel_size``, X's dtype and device.
    """
    raise NotImplementedError("implement learn_kernel")
