"""AlexNet as an nn.Sequential (d2l: Modern CNNs > AlexNet; d2l-zh 7.1).

AlexNet (Krizhevsky, Sutskever and Hinton, 2012) won ImageNet by a wide margin and started
the deep-learning era of computer vision. As the course note says, its code structure is not
much different from LeNet's (代码构架与LeNet差别不大): convolutions and pooling extract
features, dense layers classify them. What changed is the scale and four design choices:

* it is much larger: 5 convolution layers with 96 to 384 channels, and two dense layers of
  4096 units (about 46.8 million parameters, against LeNet's 62 thousand);
* it uses ReLU instead of sigmoid (no vanishing gradient for positive inputs, cheaper);
* it uses max pooling with a 3x3 window and stride 2, so the windows overlap;
* it regularizes the dense layers with dropout (p = 0.5), active only in training.

Each convolution or pooling layer maps a side of n pixels to::

    floor((n + 2 * p - k) / s) + 1        (k kernel, p padding on each side, s stride)

Build exactly these 21 layers, in this order, as one flat ``nn.Sequential`` (index = name,
so the state_dict keys are ``0.weight``, ``0.bias``, ``3.weight``, ..., ``20.bias``). The
shapes are those of one (in_channels, 224, 224) image::

    index  layer                                                    output shape
    0      nn.Conv2d(in_channels, 96, kernel_size=11, stride=4, padding=1)  96 x 54 x 54
    1      nn.ReLU()
    2      nn.MaxPool2d(kernel_size=3, stride=2)                    96 x 26 x 26
    3      nn.Conv2d(96, 256, kernel_size=5, padding=2)             256 x 26 x 26
    4      nn.ReLU()
    5      nn.MaxPool2d(kernel_size=3, stride=2)                    256 x 12 x 12
    6      nn.Conv2d(256, 384, kernel_size=3, padding=1)            384 x 12 x 12
    7      nn.ReLU()
    8      nn.Conv2d(384, 384, kernel_size=3, padding=1)            384 x 12 x 12
    9      nn.ReLU()
    10     nn.Conv2d(384, 256, kernel_size=3, padding=1)            256 x 12 x 12
    11     nn.ReLU()
    12     nn.MaxPool2d(kernel_size=3, stride=2)                    256 x 5 x 5
    13     nn.Flatten()                                             6400
    14     nn.Linear(6400, 4096)                                    4096
    15     nn.ReLU()
    16     nn.Dropout(p=0.5)
    17     nn.Linear(4096, 4096)                                    4096
    18     nn.ReLU()
    19     nn.Dropout(p=0.5)
    20     nn.Linear(4096, num_classes)                             num_classes

Worked example: (224 + 2 - 11) // 4 + 1 = 54; overlapping pooling gives (54 - 3) // 2 + 1 =
26; padding 2 keeps 26 through the 5x5 convolution; pooling gives 12; the 3x3 convolutions
with padding 1 keep 12; the last pooling gives 5, and 256 * 5 * 5 = 6400 features enter the
first dense layer. Only square images of side 215 to 224 end at 5 x 5 (the dense layer
fixes the input size). With in_channels=1 and 10 classes the network has 46,764,746
parameters, 43 million of them in layers 14 and 17.

What the checks test:

* the type of each of the 21 layers, in order (those torch.nn classes, or subclasses);
* the shape after every layer for a 224x224 batch, and for the convolution part (layers 0
  to 12) also on smaller, non-square images (they follow the formula above);
* that every max pooling is the overlapping 3x3 window with stride 2;
* the parameters: names (the state_dict keys above), shapes and total count, read from a
  freshly built model *before* any forward pass;
* that the model gives the reference's outputs once the reference's weights are loaded with
  ``model.load_state_dict(reference.state_dict())``, in ``eval()`` mode, on the checks'
  device (``model.to(device)``);
* dropout: in ``eval()`` mode two calls on the same input give the same output, in
  ``train()`` mode they differ, and both dropout layers drop with p = 0.5;
* that ``in_channels`` sets the input channels of the first convolution (3 for RGB
  ImageNet, 1 for the Fashion-MNIST images d2l resizes to 224) and ``num_classes`` the width
  of the last layer.

To stay fast, the checks build your model under ``with torch.device("meta"):`` (its layers
and shapes, with no memory and no random initialization) and then give its parameters zeros
or the reference's weights. Plain ``torch.nn`` layers work there; a builder that fails on
the meta device is simply called again the normal way.

Where this departs from d2l:

* d2l-en's ``AlexNet`` class uses ``nn.LazyConv2d`` / ``nn.LazyLinear`` (input sizes found
  at the first forward pass) and re-initializes them with Xavier. Here give every input size
  explicitly (``nn.Conv2d(96, 256, ...)``, ``nn.Linear(6400, 4096)``): the checks count the
  parameters before any forward pass, and a lazy layer has no shape yet. Any initialization
  is fine (the checks load the reference's weights).
* d2l-zh builds a module-level ``net`` for 1-channel images and 10 classes; here a function
  builds a new model on every call from ``num_classes`` and ``in_channels``.
* The original AlexNet also had local response normalization and was split over two GPUs,
  and torchvision's ``alexnet`` has other channel counts (64, 192, ...) and an adaptive
  pooling layer; d2l's version, built here, has none of these.

Fill in ``alexnet``, then run::

    learn check cnn/alexnet

Rules: do not use a ready-made AlexNet (``torchvision.models.alexnet``,
``d2l.torch.AlexNet`` and the like). Any torch.nn layer is fine.
"""

from torch import nn


def alexnet(num_classes: int = 10, in_channels: int = 1) -> nn.Sequential:
    """Build a new AlexNet (d2l's version) for (N, in_channels, 224, 224) images.

    Args:
        num_classes: the number of output scores (the width of the last nn.Linear).
        in_channels: the number of channels of the input images (1 for grayscale).

    Returns:
        A flat ``nn.Sequential`` of the 21 layers listed above, in that order; called on a
        float tensor of shape (N, in_channels, 224, 224) it returns logits of shape
        (N, num_classes).
    """
    raise NotImplementedError("implement alexnet")
