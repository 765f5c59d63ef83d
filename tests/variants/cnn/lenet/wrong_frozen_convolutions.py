# expect: failed only gradients_reach_every_parameter
"""Freezes the convolutions (as if fine-tuning), so backward never reaches them."""
from torch import nn


def lenet(num_classes=10):
    net = nn.Sequential(
        nn.Conv2d(1, 6, kernel_size=5, padding=2), nn.Sigmoid(),
        nn.AvgPool2d(kernel_size=2, stride=2),
        nn.Conv2d(6, 16, kernel_size=5), nn.Sigmoid(),
        nn.AvgPool2d(kernel_size=2, stride=2),
        nn.Flatten(),
        nn.Linear(400, 120), nn.Sigmoid(),
        nn.Linear(120, 84), nn.Sigmoid(),
        nn.Linear(84, num_classes))
    for layer in (net[0], net[3]):
        layer.requires_grad_(False)
    return net
