# expect: failed matches_reference_after_loading_weights
"""The first convolution pads by reflecting the image (padding_mode="reflect"), not with zeros: same shapes, other border values."""
from torch import nn


def lenet(num_classes=10):
    return nn.Sequential(
        nn.Conv2d(1, 6, kernel_size=5, padding=2, padding_mode="reflect"), nn.Sigmoid(),
        nn.AvgPool2d(kernel_size=2, stride=2),
        nn.Conv2d(6, 16, kernel_size=5), nn.Sigmoid(),
        nn.AvgPool2d(kernel_size=2, stride=2),
        nn.Flatten(),
        nn.Linear(16 * 5 * 5, 120), nn.Sigmoid(),
        nn.Linear(120, 84), nn.Sigmoid(),
        nn.Linear(84, num_classes))
