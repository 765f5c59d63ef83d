# expect: failed layer_types_in_order, output_shape_after_each_layer
"""The second pooling made nn.AdaptiveAvgPool2d((5, 5)): right on 28x28, always 5x5 on other sizes."""
from torch import nn


def lenet(num_classes=10):
    return nn.Sequential(
        nn.Conv2d(1, 6, kernel_size=5, padding=2), nn.Sigmoid(),
        nn.AvgPool2d(kernel_size=2, stride=2),
        nn.Conv2d(6, 16, kernel_size=5), nn.Sigmoid(),
        nn.AdaptiveAvgPool2d((5, 5)),       # "always 5x5 for the dense layer"
        nn.Flatten(),
        nn.Linear(16 * 5 * 5, 120), nn.Sigmoid(),
        nn.Linear(120, 84), nn.Sigmoid(),
        nn.Linear(84, num_classes))
