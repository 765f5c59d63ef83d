"""2-D max and average pooling from scratch (d2l: Convolutional Neural Networks > Pooling).

A convolution reacts to the exact position of a pattern: shift the image by one pixel and
its output shifts too. A pooling layer slides a window over each channel and keeps only the
maximum (max pooling) or the mean (average pooling) of the window, so a feature that moves a
little inside the window gives the same result. Pooling has no parameters to learn, and it
pools every channel on its own: mixing channels is the convolution's job.

Like a convolution, the window has a size ``(k_h, k_w)``, moves with a stride ``(s_h, s_w)``
and may see the input padded by ``(p_h, p_w)`` rows/columns on each side, so each spatial
output size is::

    floor((H + 2 * p_h - k_h) / s_h) + 1        (and the same for W)

Your ``pool2d`` must give exactly what torch's ``max_pool2d`` / ``avg_pool2d`` give with
their defaults:

* no ``stride`` means stride = window size (the windows tile the input without overlap);
* in max pooling a padded cell never wins (with all-negative inputs the answer is still a
  real input value, never the 0 of the padding);
* in average pooling the padded zeros count in the average: every window divides by
  ``k_h * k_w``.

A worked example with ``X = [[0, 1, 2], [3, 4, 5], [6, 7, 8]]``, a 2x2 window and stride 1:
max pooling gives ``[[4, 5], [7, 8]]`` and average pooling ``[[2, 3], [5, 6]]``.

Fill in ``pool2d``, then run::

    learn check cnn/pooling

Rules: do not call torch's pooling (``torch.nn.functional.max_pool2d``, ``avg_pool2d``,
their 1-D, 3-D, adaptive, LP and fractional versions, ``torch.max_pool2d``,
``torch.ops.aten...pool...``, or the ``nn.MaxPool2d`` / ``nn.AvgPool2d`` family of modules).
Slicing, ``torch.nn.functional.pad``, ``Tensor.unfold``, ``torch.nn.functional.unfold``,
``max``/``amax`` and ``mean`` are all fine.
"""

import torch


def pool2d(X: torch.Tensor, pool_size: int | tuple[int, int],
           stride: int | tuple[int, int] | None = None, padding: int | tuple[int, int] = 0,
           mode: str = "max") -> torch.Tensor:
    """Max or average pooling over the last two dimensions of ``X``.

    Args:
        X: a float tensor of shape (H, W), (C, H, W) or (N, C, H, W). Every 2-D slice
            (one channel of one example) is pooled on its own.
        pool_size: the window, an int k for k x k or a pair (k_h, k_w).
        stride: how far the window moves, an int or a pair (s_h, s_w). None (the default)
            means stride = pool_size.
        padding: rows and columns added on each side, an int or a pair (p_h, p_w).
            Padded cells never win a max; they count as zeros in an average.
        mode: "max" or "avg".

    Returns:
        A new tensor of shape (..., H_out, W_out) with the same leading dimensions, dtype
        and device as X, where H_out = (H + 2 p_h - k_h) // s_h + 1 and likewise W_out.
        Gradients flow back to X: in max pooling to the winning cell of each window, in
        average pooling evenly to every cell of the window.

    Raises:
        ValueError: if ``mode`` is not "max" or "avg"; if the padding is more than half of
            the window (p_h > k_h / 2 or p_w > k_w / 2, torch's limit); or if the window is
            larger than the padded input (k_h > H + 2 p_h or k_w > W + 2 p_w).

    Do not modify ``X`` in place.
    """
    raise NotImplementedError("implement pool2d")
