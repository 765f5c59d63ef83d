"""NiN blocks and the Network in Network (d2l: Modern CNNs > Network in Network; d2l-zh 7.3).

LeNet, AlexNet and VGG all end with large fully connected layers: AlexNet's two 4096-wide
layers hold 43 of its 46.8 million parameters, and they throw away the spatial layout. NiN
(Lin, Chen and Yan, 2013), in the course note's words: drop the fully connected layers and
use 1x1 convolutions instead, to reduce the parameters to learn
(抛弃全连接层, 使用1×1卷积层替代, 减少学习的参数). Two ideas:

* a **NiN block** follows an ordinary convolution with two 1x1 convolutions. A 1x1
  convolution with weight W (out x in) and bias b computes, at every pixel (h, w)
  separately, ``y[:, h, w] = W @ x[:, h, w] + b``: a dense layer applied to each pixel's
  channel vector, shared by all positions. With the ReLUs, the two 1x1 layers are a small MLP
  run on every pixel (the "network in the network");
* the last block outputs **one channel per class**, and global average pooling
  (``nn.AdaptiveAvgPool2d((1, 1))``) averages each channel over all positions into one score,
  so no fully connected layer is needed, and the network accepts any image size that is
  large enough.

``nin_block(in_channels, out_channels, kernel_size, strides, padding)`` returns an
``nn.Sequential`` of exactly 6 layers (state_dict keys ``0.weight``, ``0.bias``,
``2.weight``, ..., ``4.bias``)::

    0  nn.Conv2d(in_channels, out_channels, kernel_size, stride=strides, padding=padding)
    1  nn.ReLU()
    2  nn.Conv2d(out_channels, out_channels, kernel_size=1)
    3  nn.ReLU()
    4  nn.Conv2d(out_channels, out_channels, kernel_size=1)
    5  nn.ReLU()

``nin(num_classes, in_channels)`` returns one flat ``nn.Sequential`` of 10 entries, the
blocks being the ``nn.Sequential`` returned by your ``nin_block`` (keys ``0.0.weight``, ...,
``7.4.bias``). Shapes for one (in_channels, 224, 224) image::

    index  entry                                                   output shape
    0      nin_block(in_channels, 96, kernel_size=11, strides=4, padding=0)   96 x 54 x 54
    1      nn.MaxPool2d(3, stride=2)                               96 x 26 x 26
    2      nin_block(96, 256, kernel_size=5, strides=1, padding=2) 256 x 26 x 26
    3      nn.MaxPool2d(3, stride=2)                               256 x 12 x 12
    4      nin_block(256, 384, kernel_size=3, strides=1, padding=1) 384 x 12 x 12
    5      nn.MaxPool2d(3, stride=2)                               384 x 5 x 5
    6      nn.Dropout(0.5)
    7      nin_block(384, num_classes, kernel_size=3, strides=1, padding=1)   num_classes x 5 x 5
    8      nn.AdaptiveAvgPool2d((1, 1))                            num_classes x 1 x 1
    9      nn.Flatten()                                            num_classes

Each side follows floor((n + 2p - k) / s) + 1: (224 - 11) // 4 + 1 = 54, (54 - 3) // 2 + 1 =
26, and so on. With in_channels=1 and 10 classes NiN has 1,992,166 parameters, about 4% of
AlexNet's 46,764,746, though its convolutions have AlexNet's sizes. On a 160 x 160 image the
last block's maps are 3 x 3, and the global average pooling still gives one score per
class.

What the checks test:

* ``nin_block``: its 6 layer types in order, the shape after each layer on odd, non-square
  inputs with several kernel sizes, strides and paddings, the parameter shapes, its output
  once the reference block's weights are loaded with
  ``block.load_state_dict(reference.state_dict())``, and that each 1x1 convolution computes
  exactly the per-pixel dense layer above;
* ``nin``: its structure (the blocks with their own layers, the pooling layers, the dropout
  with p = 0.5, no ``nn.Linear`` anywhere), the shape after every entry at 224 x 224 and at
  other sizes, the parameter count, that global average pooling averages each channel over
  every position (also when the maps are larger than 1 x 1), that ``in_channels`` and
  ``num_classes`` are used, and the output in ``eval()`` mode once the reference's weights
  are loaded.

Where this departs from d2l:

* d2l-en's ``nin_block(out_channels, kernel_size, strides, padding)`` uses
  ``nn.LazyConv2d`` and has no ``in_channels``; this exercise follows d2l-zh's signature
  with ``nn.Conv2d``, because the checks read parameter shapes before any forward pass.
* d2l-zh's module-level ``net`` has 1 input channel and 10 classes; here they are
  arguments of ``nin``, with those defaults.

Fill in ``nin_block`` and ``nin``, then run::

    learn check cnn/nin-block

Rules: do not use a ready-made NiN (``d2l.torch.NiN``, ``d2l.torch.nin_block`` and the
like). Any torch.nn layer is fine, but NiN has no fully connected layer: the structure
check fails a model with an ``nn.Linear`` in it.
"""

from torch import nn


def nin_block(in_channels: int, out_channels: int, kernel_size, strides, padding) -> nn.Sequential:
    """One NiN block: a convolution, then two 1x1 convolutions, each followed by a ReLU.

    Args:
        in_channels: the channels of the block's input (seen by the first convolution only).
        out_channels: the output channels of all three convolutions.
        kernel_size, strides, padding: those of the first convolution (an int or a pair).

    Returns:
        A new ``nn.Sequential`` of the 6 layers listed above.
    """
    raise NotImplementedError("implement nin_block")


def nin(num_classes: int = 10, in_channels: int = 1) -> nn.Sequential:
    """The NiN network of d2l: four NiN blocks, max pooling, dropout, global average pooling.

    Returns:
        A new flat ``nn.Sequential`` of the 10 entries listed above, mapping (N,
        in_channels, H, W) images (224 x 224 in d2l) to (N, num_classes) scores.
    """
    raise NotImplementedError("implement nin")
