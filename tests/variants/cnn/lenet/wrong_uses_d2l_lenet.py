# expect: failed layer_types_in_order
"""Wraps d2l's own LeNet instead of building the layers."""
from torch import nn


def lenet(num_classes=10):
    from d2l.torch import LeNet
    return nn.Sequential(*LeNet(num_classes=num_classes).net)
