"""LeNet as an nn.Sequential (d2l: Convolutional Neural Networks > LeNet; d2l-zh 6.6).

LeNet (LeCun et al., 1998) is the first CNN that worked at scale: it read the digits on
cheques. Its idea, in the course's words: first use convolution layers to learn the spatial
information of the image (先使用卷积层学习图片空间信息), then use fully connected layers to
map it to the class space (再使用全连接层转换到类别空间). Two blocks of convolution +
sigmoid + average pooling extract features; three dense layers classify them.

Each convolution or pooling layer turns a side of n pixels into::

    floor((n + 2 * p - k) / s) + 1        (k kernel, p padding on each side, s stride)

Build exactly these 12 layers, in this order, as one flat ``nn.Sequential`` (the index is
the layer's name, so the state_dict keys are ``0.weight``, ``0.bias``, ``3.weight``, ...,
``11.bias``); the shapes are those of one 28x28 Fashion-MNIST image::

    index  layer                                        output shape
    0      nn.Conv2d(1, 6, kernel_size=5, padding=2)    6 x 28 x 28
    1      nn.Sigmoid()
    2      nn.AvgPool2d(kernel_size=2, stride=2)        6 x 14 x 14
    3      nn.Conv2d(6, 16, kernel_size=5)              16 x 10 x 10
    4      nn.Sigmoid()
    5      nn.AvgPool2d(kernel_size=2, stride=2)        16 x 5 x 5
    6      nn.Flatten()                                 400
    7      nn.Linear(400, 120)                          120
    8      nn.Sigmoid()
    9      nn.Linear(120, 84)                           84
    10     nn.Sigmoid()
    11     nn.Linear(84, num_classes)                   num_classes

Worked example: conv 0 keeps 28 (28 + 4 - 5 + 1 = 28), pooling halves it to 14, conv 3
gives 14 - 5 + 1 = 10, pooling gives 5, and 16 * 5 * 5 = 400 features enter the first dense
layer. With 10 classes the network has 61,706 parameters: 156 + 2,416 in the convolutions
and 48,120 + 10,164 + 850 in the dense layers.

**The note differs here.** The course note lists the second dense layer as "全连接(输出64)".
LeNet-5 and both editions of d2l use **84** units (84 = 7 x 12, the size of the bitmap
each class was compared with in the original paper); with 64 the count would be 59,086.
Build 84. The note's 7th item ("Gauss") is the original paper's RBF output layer; d2l and
this exercise use a plain ``nn.Linear`` that outputs raw scores (logits), with no softmax
in the network: ``nn.CrossEntropyLoss`` applies it.

What the checks test:

* the type of each of the 12 layers, in order (the torch.nn classes above, or subclasses of
  them; a sigmoid, not a ReLU; average pooling, not max pooling);
* the shape after every layer for a batch of 28x28 images, and for the convolution part
  (layers 0 to 5) also on other, non-square image sizes (they follow the formula above);
* the parameters: their names (the state_dict keys above), shapes and total count, read
  from a freshly built model *before* any forward pass;
* that the model gives the reference's outputs once the reference's weights are loaded with
  ``model.load_state_dict(reference.state_dict())``, in ``eval()`` mode, on the checks'
  device (``model.to(device)``);
* that ``num_classes`` sets the width of the last layer, and so of the output;
* that backward reaches every parameter (no frozen or detached layer) with the reference's
  gradients;
* that every call builds a new model: two calls share no parameter, so changing the weights
  of one model leaves the other as it was (no module-level ``net``, no cached model, no
  module-level list of layers; one parameter-free ``nn.Sigmoid`` instance reused at several
  indices is fine).

Where this departs from d2l:

* d2l-en's ``LeNet`` class uses ``nn.LazyConv2d`` / ``nn.LazyLinear``, whose input sizes
  are found by a first forward pass, and re-initializes them with Xavier (``init_cnn``).
  Here give every input size explicitly (``nn.Conv2d(1, 6, ...)``, ``nn.Linear(400,
  120)``): the checks count the parameters before any forward pass, and a lazy layer has no
  shape yet. Any initialization is fine (the checks load the reference's weights).
* d2l-zh builds a module-level ``net`` with 10 outputs; here a function builds a new model
  on every call, with ``num_classes`` outputs.

Fill in ``lenet``, then run::

    learn check cnn/lenet

Rules: do not use a ready-made LeNet (``d2l.torch.LeNet`` and the like). Any torch.nn layer
is fine.
"""

from torch import nn


def lenet(num_classes: int = 10) -> nn.Sequential:
    """Build a new LeNet for (N, 1, 28, 28) images.

    Args:
        num_classes: the number of output scores (the width of the last nn.Linear).

    Returns:
        A flat ``nn.Sequential`` of the 12 layers listed above, in that order; called on a
        float tensor of shape (N, 1, 28, 28) it returns logits of shape (N, num_classes).
    """
    raise NotImplementedError("implement lenet")
