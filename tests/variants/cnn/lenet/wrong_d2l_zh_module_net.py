# expect: failed only each_call_builds_a_new_model
"""d2l-zh's module-level net built once, with only the last layer replaced per call: every call returns the same model."""
from torch import nn

# d2l-zh's module-level net, built once; only the last layer is swapped per call.
net = nn.Sequential(
    nn.Conv2d(1, 6, kernel_size=5, padding=2), nn.Sigmoid(),
    nn.AvgPool2d(kernel_size=2, stride=2),
    nn.Conv2d(6, 16, kernel_size=5), nn.Sigmoid(),
    nn.AvgPool2d(kernel_size=2, stride=2),
    nn.Flatten(),
    nn.Linear(16 * 5 * 5, 120), nn.Sigmoid(),
    nn.Linear(120, 84), nn.Sigmoid(),
    nn.Linear(84, 10))


def lenet(num_classes=10):
    net[11] = nn.Linear(84, num_classes)
    return net
