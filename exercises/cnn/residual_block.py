"""ResNet's residual block (d2l: Modern Convolutional Neural Networks > Residual Networks
(ResNet); d2l-zh 残差网络 ResNet).

Adding layers does not always make a network better: a deeper network should be able to
represent the identity and so at least match the shallower one, but plain stacks of layers
find that hard. A residual block learns only the *difference* to its input, f(x) = x + g(x).
The note's point about vanishing gradients: in a plain network the gradient is a product of
the layers' Jacobians (large times small is small), while through ``y = x + g(x)`` it is
``dy/dx = I + dg/dx``: an additive path, so even when g's gradient is tiny the identity path
still carries the gradient down.

d2l's block (d2l-zh ``Residual``)::

    Y = ReLU(bn1(conv1(X)))            conv1: 3x3, padding 1, stride = strides
    Y = bn2(conv2(Y))                  conv2: 3x3, padding 1, stride 1
    X' = conv3(X) if use_1x1conv else X    conv3: 1x1, stride = strides (no BatchNorm)
    output = ReLU(Y + X')

With ``use_1x1conv=True`` the 1x1 convolution changes the channels to ``num_channels`` and,
with ``strides=2``, halves the height and width (ceil), so that ``X'`` has Y's shape.

Worked example (d2l)::

    Residual(3, 3)(torch.rand(4, 3, 6, 6)).shape            # (4, 3, 6, 6)
    Residual(3, 6, True, 2)(torch.rand(4, 3, 6, 6)).shape   # (4, 6, 3, 3)

Requirements the checks test:

* Attributes exactly d2l-zh's, created in ``__init__``:

  - ``conv1 = nn.Conv2d(input_channels, num_channels, kernel_size=3, padding=1, stride=strides)``
  - ``conv2 = nn.Conv2d(num_channels, num_channels, kernel_size=3, padding=1)``
  - ``conv3 = nn.Conv2d(input_channels, num_channels, kernel_size=1, stride=strides)`` when
    ``use_1x1conv``, else ``conv3 = None``
  - ``bn1 = nn.BatchNorm2d(num_channels)``, ``bn2 = nn.BatchNorm2d(num_channels)`` (PyTorch's
    defaults: eps 1e-5, momentum 0.1, affine, running statistics)

  Every convolution keeps its default bias. The stride is on conv1 and conv3, never on
  conv2 (``padding='same'`` on conv2 is accepted too: for its stride 1 it is padding 1). There is no other layer with parameters or buffers (in particular no BatchNorm on
  the 1x1 shortcut), so ``state_dict()`` has exactly d2l-zh's keys and shapes: the checks
  copy a reference block's state into yours with ``load_state_dict(...)`` and compare the
  outputs of every layer, the block's output in train and eval mode, the number of
  parameters and the gradients.
* ``forward(X)``: X is 4-D ``(N, input_channels, H, W)``; odd or rectangular H, W give
  ``(N, num_channels, ceil(H / s), ceil(W / s))`` with ``s = strides``. (Without the 1x1
  convolution the block only works with ``input_channels == num_channels`` and
  ``strides == 1``; other combinations are not tested.)
* Train and eval mode come from ``self.training`` (the BatchNorm layers follow
  ``net.train()`` / ``net.eval()``).
* ``forward`` does not modify X in place (``X += Y`` would change the caller's tensor and
  break autograd when X requires grad; write ``Y + X`` or add into Y). The output keeps X's
  dtype and device (after ``.double()`` float64 in, float64 out) and is differentiable; the
  gradient reaches X through the shortcut even when the convolutions' weights are all zero.

Where this departs from d2l, and why:

* d2l-en (v1.0) builds the block from ``nn.LazyConv2d`` / ``nn.LazyBatchNorm2d`` without
  ``input_channels``. Here the layers are d2l-zh's ordinary ones with an explicit
  ``input_channels``, so the parameters exist (and can be counted and loaded) right after
  construction.
* d2l adds the shortcut in place into Y (``Y += X``), which is fine; only X must stay
  untouched.
* torchvision's ResNet puts a BatchNorm after its 1x1 "downsample" convolution; d2l does
  not, and neither does this block.

Nothing is forbidden: ``nn.Conv2d``, ``nn.BatchNorm2d`` and ``torch.nn.functional.relu`` are
what the block is made of.

Fill in ``__init__`` and ``forward``, then run::

    learn check cnn/residual-block
"""

import torch
from torch import nn


class Residual(nn.Module):
    """d2l's residual block: two 3x3 convolutions with BatchNorm, plus a shortcut.

    Args:
        input_channels: channels of X.
        num_channels: channels of both 3x3 convolutions and of the output.
        use_1x1conv: put a 1x1 convolution (stride ``strides``) on the shortcut.
        strides: stride of conv1 and of the 1x1 shortcut.
    """

    def __init__(self, input_channels: int, num_channels: int, use_1x1conv: bool = False,
                 strides: int = 1):
        super().__init__()
        # Create conv1, conv2, conv3 (or None), bn1 and bn2 here.
        raise NotImplementedError("implement Residual.__init__")

    def forward(self, X: torch.Tensor) -> torch.Tensor:
        raise NotImplementedError("implement Residual.forward")
