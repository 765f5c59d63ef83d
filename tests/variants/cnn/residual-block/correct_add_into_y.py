# expect: passed
"""Correct, written differently: positional Conv2d arguments, padding='same' on conv2, an in-place nn.ReLU module on fresh tensors, register_module('conv3', None), and the shortcut added in place into Y."""

import torch
from torch import nn


class Residual(nn.Module):
    def __init__(self, input_channels, num_channels, use_1x1conv=False, strides=1):
        super().__init__()
        self.conv1 = nn.Conv2d(input_channels, num_channels, (3, 3), (strides, strides), (1, 1))
        self.bn1 = nn.BatchNorm2d(num_channels)
        self.conv2 = nn.Conv2d(num_channels, num_channels, 3, padding='same')
        self.bn2 = nn.BatchNorm2d(num_channels)
        self.relu = nn.ReLU(inplace=True)
        if use_1x1conv:
            self.conv3 = nn.Conv2d(input_channels, num_channels, 1, strides)
        else:
            self.register_module("conv3", None)

    def forward(self, X):
        Y = self.relu(self.bn1(self.conv1(X)))    # in place on a fresh tensor: fine
        Y = self.bn2(self.conv2(Y))
        Y.add_(X if self.conv3 is None else self.conv3(X))   # into Y, never into X
        return self.relu(Y)
