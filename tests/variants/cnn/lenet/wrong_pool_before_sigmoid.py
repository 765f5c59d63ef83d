# expect: failed layer_types_in_order, matches_reference_after_loading_weights
"""Convolution, pooling, then sigmoid: the activation after the pooling instead of before it."""
from torch import nn


def lenet(num_classes=10):
    # pool first, then the activation
    return nn.Sequential(
        nn.Conv2d(1, 6, kernel_size=5, padding=2), nn.AvgPool2d(kernel_size=2, stride=2),
        nn.Sigmoid(),
        nn.Conv2d(6, 16, kernel_size=5), nn.AvgPool2d(kernel_size=2, stride=2),
        nn.Sigmoid(),
        nn.Flatten(),
        nn.Linear(16 * 5 * 5, 120), nn.Sigmoid(),
        nn.Linear(120, 84), nn.Sigmoid(),
        nn.Linear(84, num_classes))
