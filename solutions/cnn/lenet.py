"""Reference solution for exercises/cnn/lenet.py."""

from torch import nn


def lenet(num_classes: int = 10) -> nn.Sequential:
    return nn.Sequential(
        # Convolution block 1: padding 2 keeps 28x28 (28 + 2*2 - 5 + 1 = 28), so the 5x5
        # kernel can also look at the border pixels of the digit.
        nn.Conv2d(1, 6, kernel_size=5, padding=2), nn.Sigmoid(),
        nn.AvgPool2d(kernel_size=2, stride=2),          # 6x28x28 -> 6x14x14
        # Convolution block 2: no padding, 14 - 5 + 1 = 10, then pooled to 5x5.
        nn.Conv2d(6, 16, kernel_size=5), nn.Sigmoid(),
        nn.AvgPool2d(kernel_size=2, stride=2),          # 16x10x10 -> 16x5x5
        # The spatial features end here; the dense layers map them to the class space.
        nn.Flatten(),                                   # (N, 16, 5, 5) -> (N, 400)
        nn.Linear(16 * 5 * 5, 120), nn.Sigmoid(),
        nn.Linear(120, 84), nn.Sigmoid(),               # 84 as in LeNet-5 (the note's 64 is a slip)
        # Raw scores (logits): the softmax belongs to the loss (nn.CrossEntropyLoss).
        nn.Linear(84, num_classes))
