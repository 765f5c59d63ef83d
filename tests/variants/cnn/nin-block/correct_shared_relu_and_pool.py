# expect: passed
"""One ReLU and one MaxPool2d instance reused everywhere: neither has parameters or state,
so sharing them is correct (each index of the Sequential still holds its layer)."""
from torch import nn

RELU = nn.ReLU()


def nin_block(in_channels, out_channels, kernel_size, strides, padding):
    layers = [nn.Conv2d(in_channels, out_channels, kernel_size, strides, padding), RELU]
    for _ in range(2):
        layers += [nn.Conv2d(out_channels, out_channels, kernel_size=1), RELU]
    return nn.Sequential(*layers)


def nin(num_classes=10, in_channels=1):
    pool = nn.MaxPool2d(3, stride=2)
    return nn.Sequential(
        nin_block(in_channels, 96, 11, 4, 0), pool,
        nin_block(96, 256, 5, 1, 2), pool,
        nin_block(256, 384, 3, 1, 1), pool,
        nn.Dropout(0.5),
        nin_block(384, num_classes, 3, 1, 1),
        nn.AdaptiveAvgPool2d((1, 1)),
        nn.Flatten())
