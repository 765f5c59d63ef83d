"""Reference solution for exercises/cnn/nin_block.py."""

from torch import nn


def nin_block(in_channels: int, out_channels: int, kernel_size, strides, padding) -> nn.Sequential:
    return nn.Sequential(
        # One ordinary convolution looks at a k x k neighbourhood ...
        nn.Conv2d(in_channels, out_channels, kernel_size, strides, padding), nn.ReLU(),
        # ... then two 1x1 convolutions act on each pixel's channel vector on its own: a small
        # two-layer MLP shared by every position (the "network in the network").
        nn.Conv2d(out_channels, out_channels, kernel_size=1), nn.ReLU(),
        nn.Conv2d(out_channels, out_channels, kernel_size=1), nn.ReLU())


def nin(num_classes: int = 10, in_channels: int = 1) -> nn.Sequential:
    return nn.Sequential(
        nin_block(in_channels, 96, kernel_size=11, strides=4, padding=0),
        nn.MaxPool2d(3, stride=2),
        nin_block(96, 256, kernel_size=5, strides=1, padding=2),
        nn.MaxPool2d(3, stride=2),
        nin_block(256, 384, kernel_size=3, strides=1, padding=1),
        nn.MaxPool2d(3, stride=2),
        nn.Dropout(0.5),
        # The last block outputs one channel per class; global average pooling turns each
        # channel into one score, so no fully connected layer is needed.
        nin_block(384, num_classes, kernel_size=3, strides=1, padding=1),
        nn.AdaptiveAvgPool2d((1, 1)),
        nn.Flatten())
