# expect: passed
"""One stateless nn.Sigmoid instance reused at indices 1, 4, 8 and 10; padding='same'; AvgPool2d(2)."""
from torch import nn


def lenet(num_classes=10):
    act = nn.Sigmoid()
    return nn.Sequential(
        nn.Conv2d(1, 6, 5, padding="same"), act, nn.AvgPool2d(2),
        nn.Conv2d(6, 16, 5), act, nn.AvgPool2d(2),
        nn.Flatten(),
        nn.Linear(400, 120), act,
        nn.Linear(120, 84), act,
        nn.Linear(84, num_classes))
