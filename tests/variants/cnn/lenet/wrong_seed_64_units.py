# expect: failed parameter_count, output_shape_after_each_layer, matches_reference_after_loading_weights
"""The note's slip: the second dense layer has 64 units instead of LeNet-5's 84."""
from torch import nn


def lenet(num_classes=10):
    return nn.Sequential(
        nn.Conv2d(1, 6, kernel_size=5, padding=2), nn.Sigmoid(),
        nn.AvgPool2d(kernel_size=2, stride=2),
        nn.Conv2d(6, 16, kernel_size=5), nn.Sigmoid(),
        nn.AvgPool2d(kernel_size=2, stride=2),
        nn.Flatten(),
        nn.Linear(400, 120), nn.Sigmoid(),
        nn.Linear(120, 64), nn.Sigmoid(),
        nn.Linear(64, num_classes))
