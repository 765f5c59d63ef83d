# expect: failed only matches_reference_after_loading_weights, gradients_reach_every_parameter
"""The right 12 layers in an nn.Sequential subclass whose forward ends with a softmax: probabilities, not logits."""
from torch import nn


class LeNet(nn.Sequential):
    def forward(self, X):
        return super().forward(X).softmax(dim=1)


def lenet(num_classes=10):
    return LeNet(
        nn.Conv2d(1, 6, kernel_size=5, padding=2), nn.Sigmoid(),
        nn.AvgPool2d(kernel_size=2, stride=2),
        nn.Conv2d(6, 16, kernel_size=5), nn.Sigmoid(),
        nn.AvgPool2d(kernel_size=2, stride=2),
        nn.Flatten(),
        nn.Linear(16 * 5 * 5, 120), nn.Sigmoid(),
        nn.Linear(120, 84), nn.Sigmoid(),
        nn.Linear(84, num_classes))
