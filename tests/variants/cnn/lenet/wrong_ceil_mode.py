# expect: failed only output_shape_after_each_layer
"""Average pooling with ceil_mode=True: the same as floor on 28x28 (every side is even), one row or column more on odd sides."""
from torch import nn


def lenet(num_classes=10):
    return nn.Sequential(
        nn.Conv2d(1, 6, kernel_size=5, padding=2), nn.Sigmoid(),
        nn.AvgPool2d(kernel_size=2, stride=2, ceil_mode=True),
        nn.Conv2d(6, 16, kernel_size=5), nn.Sigmoid(),
        nn.AvgPool2d(kernel_size=2, stride=2, ceil_mode=True),
        nn.Flatten(),
        nn.Linear(16 * 5 * 5, 120), nn.Sigmoid(),
        nn.Linear(120, 84), nn.Sigmoid(),
        nn.Linear(84, num_classes))
