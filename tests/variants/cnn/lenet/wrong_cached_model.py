# expect: failed only each_call_builds_a_new_model
"""Caches one model per num_classes and returns it on every later call: two calls share their weights."""
from torch import nn

_CACHE = {}


def lenet(num_classes=10):
    # builds each size once and hands the same model back afterwards
    if num_classes not in _CACHE:
        _CACHE[num_classes] = nn.Sequential(
            nn.Conv2d(1, 6, kernel_size=5, padding=2), nn.Sigmoid(),
            nn.AvgPool2d(kernel_size=2, stride=2),
            nn.Conv2d(6, 16, kernel_size=5), nn.Sigmoid(),
            nn.AvgPool2d(kernel_size=2, stride=2),
            nn.Flatten(),
            nn.Linear(16 * 5 * 5, 120), nn.Sigmoid(),
            nn.Linear(120, 84), nn.Sigmoid(),
            nn.Linear(84, num_classes))
    return _CACHE[num_classes]
