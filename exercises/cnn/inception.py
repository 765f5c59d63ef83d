"""The Inception block of GoogLeNet (d2l: Modern Convolutional Neural Networks > Networks
with Parallel Concatenations (GoogLeNet); d2l-zh 含并行连结的网络 GoogLeNet).

Which kernel size should a convolution use: 1x1, 3x3, 5x5, or a pooling? GoogLeNet's answer
("选个 p, 我全都要": why pick one, take them all) is the Inception block: the same input goes
through four parallel paths, and their outputs are stacked along the channel dimension.

    path 1:  1x1 conv -> c1 channels                                    -> ReLU
    path 2:  1x1 conv -> c2[0], ReLU, 3x3 conv (padding 1) -> c2[1]     -> ReLU
    path 3:  1x1 conv -> c3[0], ReLU, 5x5 conv (padding 2) -> c3[1]     -> ReLU
    path 4:  3x3 max pooling (stride 1, padding 1), 1x1 conv -> c4      -> ReLU

    output = concatenate(path 1, path 2, path 3, path 4) along dim 1

The 1x1 convolutions in front of the 3x3 and 5x5 ones reduce the number of channels
(c2[0], c3[0] are usually much smaller than in_channels), which cuts parameters and FLOPs.
Every path keeps the height and the width (stride 1, padding (k - 1) / 2), so only the
channel counts differ and the output has ``c1 + c2[1] + c3[1] + c4`` channels.

Worked example (d2l's first block of stage 3)::

    blk = Inception(192, 64, (96, 128), (16, 32), 32)
    blk(torch.rand(1, 192, 28, 28)).shape   # torch.Size([1, 256, 28, 28]): 64 + 128 + 32 + 32

Requirements the checks test:

* The layers are attributes with exactly d2l-zh's names and types, created in ``__init__``
  (so their parameters exist as soon as the block is built):

  - ``p1_1 = nn.Conv2d(in_channels, c1, kernel_size=1)``
  - ``p2_1 = nn.Conv2d(in_channels, c2[0], kernel_size=1)``,
    ``p2_2 = nn.Conv2d(c2[0], c2[1], kernel_size=3, padding=1)``
  - ``p3_1 = nn.Conv2d(in_channels, c3[0], kernel_size=1)``,
    ``p3_2 = nn.Conv2d(c3[0], c3[1], kernel_size=5, padding=2)``
  - ``p4_1 = nn.MaxPool2d(kernel_size=3, stride=1, padding=1)``,
    ``p4_2 = nn.Conv2d(in_channels, c4, kernel_size=1)``

  Every convolution has a bias (the default) and stride 1 (``padding='same'`` is accepted
  too: for these odd kernels it is the same (k - 1) / 2). The block has no other
  parameters or buffers, so its ``state_dict()`` has exactly the keys and shapes of d2l-zh's
  block: the checks copy a reference block's weights into yours with
  ``load_state_dict(...)`` and compare the outputs, the outputs of every path, the number of
  parameters and the gradients.
* ``forward(x)``: ``x`` is a 4-D ``(N, in_channels, H, W)`` tensor, any ``H, W >= 1`` (odd,
  even, not square, even 1 x 1). The output is ``(N, c1 + c2[1] + c3[1] + c4, H, W)``: the
  four paths, each after its final ReLU, concatenated on dim 1 in the order 1, 2, 3, 4.
  The max pooling pads with -infinity (``nn.MaxPool2d`` does), never with zeros.
* The block has nothing random and no batch statistics: ``eval()`` changes nothing (train
  and eval mode give the same output).
* The output keeps the input's dtype and device (after ``blk.double()`` a float64 input
  gives a float64 output; float32 stays float32) and is differentiable: backward gives the
  input and every weight the same gradients as d2l's block.
* ``forward`` does not modify its input in place.

Where this departs from d2l, and why:

* d2l-zh's ``__init__`` also takes ``**kwargs`` for ``nn.Module``; they are not needed here
  (adding them is harmless).
* d2l-en (v1.0) builds the same block from ``nn.LazyConv2d`` without ``in_channels`` and
  calls the layers ``b1_1 ...``. Here the names are d2l-zh's ``p1_1 ... p4_2`` and the layers
  are ordinary ``nn.Conv2d`` with an explicit ``in_channels``: a lazy layer has no weights
  until its first call, so its parameters could not be counted or loaded right after
  construction.

Nothing is forbidden: ``nn.Conv2d``, ``nn.MaxPool2d``, ``torch.nn.functional.relu`` and
``torch.cat`` are what the block is made of.

Fill in ``__init__`` and ``forward``, then run::

    learn check cnn/inception
"""

import torch
from torch import nn


class Inception(nn.Module):
    """An Inception block: four parallel paths concatenated on the channel dimension.

    Args:
        in_channels: channels of the input.
        c1: output channels of path 1 (1x1 conv).
        c2: (reduction, output) channels of path 2 (1x1 conv, then 3x3 conv).
        c3: (reduction, output) channels of path 3 (1x1 conv, then 5x5 conv).
        c4: output channels of path 4 (3x3 max pooling, then 1x1 conv).
    """

    def __init__(self, in_channels: int, c1: int, c2: tuple[int, int], c3: tuple[int, int],
                 c4: int):
        super().__init__()
        # Create p1_1, p2_1, p2_2, p3_1, p3_2, p4_1, p4_2 here.
        raise NotImplementedError("implement Inception.__init__")

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """(N, in_channels, H, W) -> (N, c1 + c2[1] + c3[1] + c4, H, W)."""
        raise NotImplementedError("implement Inception.forward")
