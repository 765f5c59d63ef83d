# expect: failed only gradients_reach_every_parameter
"""An nn.Sigmoid subclass that detaches its input: the values are right, the convolution before it never gets a gradient."""
import torch
from torch import nn


class Sigmoid(nn.Sigmoid):
    def forward(self, X):
        return torch.sigmoid(X.detach())   # "no need to track the activation"


def lenet(num_classes=10):
    return nn.Sequential(
        nn.Conv2d(1, 6, kernel_size=5, padding=2), Sigmoid(),
        nn.AvgPool2d(kernel_size=2, stride=2),
        nn.Conv2d(6, 16, kernel_size=5), nn.Sigmoid(),
        nn.AvgPool2d(kernel_size=2, stride=2),
        nn.Flatten(),
        nn.Linear(16 * 5 * 5, 120), nn.Sigmoid(),
        nn.Linear(120, 84), nn.Sigmoid(),
        nn.Linear(84, num_classes))
