"""VGG blocks and the VGG network (d2l: Modern CNNs > Networks Using Blocks (VGG); d2l-zh 7.2).

The course note's complaint about AlexNet: its shape is irregular (网络形状不规则), each layer
chosen by hand, so it is hard to make deeper or wider. VGG (Simonyan and Zisserman, 2014)
builds the network from one repeated **block** instead:

    vgg_block(n, c_in, m) = n x [ 3x3 convolution (padding 1) -> ReLU ]  ->  2x2 max pooling (stride 2)

The block's hyper-parameters are the number of convolution layers n and the number of output
channels m. Why 3x3 kernels? VGG compared them with larger ones and found that deeper stacks
of small kernels work better than shallower stacks of large ones: two 3x3 convolutions see a
5x5 window, with 2 * 9 c^2 = 18 c^2 weights instead of 25 c^2 for one 5x5.

With padding 1 a 3x3 convolution keeps the size (n + 2 - 3 + 1 = n); the pooling maps a side
n to floor((n - 2) / 2) + 1 = floor(n / 2). So a block changes (N, c_in, H, W) into
(N, m, floor(H / 2), floor(W / 2)).

``vgg_block(num_convs, in_channels, out_channels)`` returns an ``nn.Sequential`` of exactly
``2 * num_convs + 1`` layers: ``nn.Conv2d(c, out_channels, kernel_size=3, padding=1)``,
``nn.ReLU()``, repeated ``num_convs`` times (``c`` is ``in_channels`` for the first
convolution and ``out_channels`` for the others), then ``nn.MaxPool2d(kernel_size=2,
stride=2)``. Its state_dict keys are ``0.weight``, ``0.bias``, ``2.weight``, ...

``vgg(conv_arch, in_channels, num_classes)`` chains one block per ``(num_convs,
out_channels)`` pair of ``conv_arch`` (each block's input channels are the previous block's
output channels, the first block's are ``in_channels``), then the dense part of AlexNet. As
one flat ``nn.Sequential`` whose first ``len(conv_arch)`` entries are the blocks themselves
(each an ``nn.Sequential`` from your ``vgg_block``), so the state_dict keys are
``0.0.weight`` (block 0, layer 0), ..., then::

    index                 layer
    0 .. k-1              the k = len(conv_arch) blocks
    k                     nn.Flatten()
    k + 1                 nn.Linear(m_last * 7 * 7, 4096)     (m_last: the last block's channels)
    k + 2, k + 3          nn.ReLU(), nn.Dropout(0.5)
    k + 4                 nn.Linear(4096, 4096)
    k + 5, k + 6          nn.ReLU(), nn.Dropout(0.5)
    k + 7                 nn.Linear(4096, num_classes)

The ``7 * 7`` is fixed (as in d2l): the k blocks must bring the image down to 7 x 7, so the
input side is 7 * 2**k (224 for VGG-11's five blocks, 28 for two blocks, 56 for three).

Worked example, VGG-11 (the default ``conv_arch``, 8 convolutions + 3 dense layers = 11) on
a (1, 1, 224, 224) image: the blocks give 64 x 112 x 112, 128 x 56 x 56, 256 x 28 x 28,
512 x 14 x 14 and 512 x 7 x 7; Flatten gives 25,088 features, then 4096, 4096 and 10. With
``in_channels=1`` and 10 classes it has 128,806,154 parameters (102.8 million of them in the
first dense layer). d2l trains a narrower copy (every channel count divided by 4) on
Fashion-MNIST resized to 224.

What the checks test:

* ``vgg_block``: its layer types in order, the shape after every layer and of the output on
  odd, non-square inputs, the parameter shapes (only the first convolution sees
  ``in_channels``), and its output once the reference block's weights are loaded with
  ``block.load_state_dict(reference.state_dict())``;
* ``vgg``: its structure (the blocks, each with its own layers, then the dense layers, the
  dropout layers with p = 0.5), the shape after every block and dense layer, VGG-11's
  parameter count, that ``in_channels``, ``conv_arch`` and ``num_classes`` are used, and
  its output in ``eval()`` mode once the reference's weights are loaded (on small
  architectures such as ``((1, 8), (2, 16))`` with 28x28 inputs, to keep the checks fast).
  Parameters are read from a freshly built model *before* any forward pass.

To stay fast, the checks build your model under ``with torch.device("meta"):`` (its layers
and shapes, with no memory and no random initialization) and then give its parameters zeros
or the reference's weights. Plain ``torch.nn`` layers work there; a builder that fails on
the meta device is simply called again the normal way.

Where this departs from d2l:

* d2l-en's ``vgg_block(num_convs, out_channels)`` uses ``nn.LazyConv2d`` and has no
  ``in_channels``; this exercise follows d2l-zh's ``vgg_block(num_convs, in_channels,
  out_channels)`` with ``nn.Conv2d``, because the checks read parameter shapes before any
  forward pass (a lazy layer has none yet).
* d2l-zh's ``vgg(conv_arch)`` hard-codes 1 input channel and 10 classes; here they are
  arguments, with those defaults.

Fill in ``vgg_block`` and ``vgg``, then run::

    learn check cnn/vgg-block

Rules: do not use a ready-made VGG (``torchvision.models.vgg11`` and its kin,
``d2l.torch.VGG``, ``d2l.torch.vgg_block`` and the like). Any torch.nn layer is fine.
"""

from torch import nn

VGG11 = ((1, 64), (1, 128), (2, 256), (2, 512), (2, 512))


def vgg_block(num_convs: int, in_channels: int, out_channels: int) -> nn.Sequential:
    """One VGG block: num_convs x (3x3 convolution with padding 1, ReLU), then 2x2 max pooling.

    Args:
        num_convs: the number of convolution layers (1 or more).
        in_channels: the channels of the block's input (seen by the first convolution only).
        out_channels: the channels of every convolution's output.

    Returns:
        A new ``nn.Sequential`` of 2 * num_convs + 1 layers mapping (N, in_channels, H, W)
        to (N, out_channels, H // 2, W // 2).
    """
    raise NotImplementedError("implement vgg_block")


def vgg(conv_arch=VGG11, in_channels: int = 1, num_classes: int = 10) -> nn.Sequential:
    """A VGG network: one vgg_block per (num_convs, out_channels) pair, then the dense part.

    Args:
        conv_arch: a sequence of (num_convs, out_channels) pairs, one per block.
        in_channels: the channels of the input images.
        num_classes: the number of output scores.

    Returns:
        A new flat ``nn.Sequential``: the len(conv_arch) blocks, Flatten, Linear(m_last * 7
        * 7, 4096), ReLU, Dropout(0.5), Linear(4096, 4096), ReLU, Dropout(0.5),
        Linear(4096, num_classes). Its input is (N, in_channels, 7 * 2**k, 7 * 2**k) for k
        blocks; its output (N, num_classes).
    """
    raise NotImplementedError("implement vgg")
