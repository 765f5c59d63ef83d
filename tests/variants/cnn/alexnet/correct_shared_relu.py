# expect: passed
"""AlexNet with one ReLU and one MaxPool2d(3, 2) instance reused at every place they occur:
neither has parameters or state, so sharing them is correct."""
from torch import nn


def alexnet(num_classes=10, in_channels=1):
    relu, pool = nn.ReLU(), nn.MaxPool2d(kernel_size=3, stride=2)
    return nn.Sequential(
        nn.Conv2d(in_channels, 96, kernel_size=11, stride=4, padding=1), relu, pool,
        nn.Conv2d(96, 256, kernel_size=5, padding=2), relu, pool,
        nn.Conv2d(256, 384, kernel_size=3, padding=1), relu,
        nn.Conv2d(384, 384, kernel_size=3, padding=1), relu,
        nn.Conv2d(384, 256, kernel_size=3, padding=1), relu, pool,
        nn.Flatten(),
        nn.Linear(6400, 4096), relu, nn.Dropout(p=0.5),
        nn.Linear(4096, 4096), relu, nn.Dropout(p=0.5),
        nn.Linear(4096, num_classes))
