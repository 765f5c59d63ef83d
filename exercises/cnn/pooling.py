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

Where this differs from d2l's scratch ``pool2d(X, pool_size, mode)`` (its double loop over
the output positions, filling a buffer, is a fine way to write this one too):

* d2l pools one 2-D ``X`` with a pair ``pool_size``, stride 1 and no padding. Here the window
  is an int or a pair, ``stride`` and ``padding`` are arguments with the framework defaults
  above (those of the ``nn.MaxPool2d`` layers d2l uses right after its scratch version), and
  ``X`` may have leading (batch, channel) dimensions, so a real layer can be built on it.
* d2l fills ``torch.zeros(...)``, which is float32 on the CPU whatever ``X`` is. Here the
  result keeps X's dtype (float16, bfloat16, float32 or float64 are all tried) and device, and
  a float64 ``X`` is pooled in float64, not rounded through float32 on the way: create the
  buffer with ``dtype=X.dtype, device=X.device`` (or use ``X.new_zeros``).
* d2l's ``if mode == 'max' ... elif mode == 'avg'`` silently returns zeros for any other mode,
  and sizes are never checked. Here a wrong mode and impossible sizes raise ``ValueError``.

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
        X: a float tensor (float16, bfloat16, float32 or float64) of shape (H, W),
            (C, H, W) or (N, C, H, W). Every 2-D slice (one channel of one example) is
            pooled on its own. X need not be contiguous (a permuted, channels-last view is
            a valid input: ``reshape`` copies where ``view`` would fail).
        pool_size: the window, an int k for k x k or a pair (k_h, k_w).
        stride: how far the window moves, an int or a pair (s_h, s_w). None (the default)
            means stride = pool_size.
        padding: rows and columns added on each side, an int or a pair (p_h, p_w).
            Padded cells never win a max; they count as zeros in an average.
        mode: "max" or "avg".

    Returns:
        A new tensor of shape (..., H_out, W_out) with the same leading dimensions, dtype
        and device as X, where H_out = (H + 2 p_h - k_h) // s_h + 1 and likewise W_out
        (floor: a window sticking out past the padded input is dropped). Its values keep
        X's precision (a float64 X is not rounded through float32). Gradients flow back to X: in max pooling each output's
        gradient goes whole to the winning cell of its window, in average pooling it is
        split evenly, 1 / (k_h * k_w), over every cell of the window (a cell in several
        windows collects from each).

    Raises:
        ValueError: if ``mode`` is not "max" or "avg"; if the padding is more than half of
            the window (p_h > k_h / 2 or p_w > k_w / 2, torch's limit); or if the window is
            larger than the padded input (k_h > H + 2 p_h or k_w > W + 2 p_w).

    Do not modify ``X`` in place.
    """
    raise NotImplementedError("implement pool2d")
