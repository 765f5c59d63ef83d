# expect: failed output_shape_after_each_layer, parameter_count
"""Average pooling with d2l's scratch default stride 1: the maps barely shrink (16 x 22 x 22)."""
from torch import nn


def lenet(num_classes=10):
    return nn.Sequential(
        nn.Conv2d(1, 6, kernel_size=5, padding=2), nn.Sigmoid(),
        nn.AvgPool2d(kernel_size=2, stride=1),
        nn.Conv2d(6, 16, kernel_size=5), nn.Sigmoid(),
        nn.AvgPool2d(kernel_size=2, stride=1),
        nn.Flatten(),
        nn.Linear(16 * 22 * 22, 120), nn.Sigmoid(),
        nn.Linear(120, 84), nn.Sigmoid(),
        nn.Linear(84, num_classes))
